/*
 * addr.h - address arithmetic every part of vm/ agrees on: the user half,
 * and the frames reserve that no area may touch (page rounding is
 * vm_page_up in vm.h).
 */
#ifndef FAULTLINE_VM_ADDR_H
#define FAULTLINE_VM_ADDR_H

#include "vm.h"

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
