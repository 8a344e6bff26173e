/*
 * addr.h - address arithmetic every part of vm/ agrees on: rounding to
 * pages, the user half, and the frames reserve that no area may touch.
 */
#ifndef FAULTLINE_VM_ADDR_H
#define FAULTLINE_VM_ADDR_H

#include "vm.h"

/* x rounded up to a page boundary; wraps to 0 past the last page, which
 * the range checks then refuse. */
static inline uint64_t page_round_up(uint64_t x)
{
    return (x + VM_PAGE_SIZE - 1) & VM_PAGE_MASK;
}

/* Can addr be a user address at all (below VM_USER_END)? */
static inline bool addr_in_user_half(uint64_t addr)
{
    return addr < VM_USER_END;
}

/* Does [start, end) stay clear of the frames reserve? */
static inline bool range_clear_of_reserve(uint64_t start, uint64_t end)
{
    return end <= VM_RESERVED_START || start >= VM_RESERVED_END;
}

/* May [start, start + len) hold areas: page-aligned, not empty, not
 * wrapping, in the user half and clear of the reserve? */
static inline bool range_ok(uint64_t start, uint64_t len)
{
    if ((start | len) & ~VM_PAGE_MASK || len == 0)
        return false;
    uint64_t end = start + len;
    if (end < start || end > VM_USER_END)
        return false;
    return range_clear_of_reserve(start, end);
}

#endif
