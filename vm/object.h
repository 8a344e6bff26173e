/*
 * object.h - what areas are backed by (object.c): files, found by
 * device+inode so that every mapping of one file shares its page cache,
 * and shared anonymous memory.  The calls emu/ makes are in vm.h.
 */
#ifndef FAULTLINE_VM_OBJECT_H
#define FAULTLINE_VM_OBJECT_H

#include "internal.h"

#include <sys/stat.h>

/* One more reference on obj. */
void object_get(struct vm_object *obj);
/* Free an object and its cached pages (dirty ones written back first);
 * none of them may still be mapped. */
void object_destroy(struct vm_object *obj);
/* The file object of dev+ino, or NULL (a lookup: no reference taken). */
struct vm_object *object_find_file(struct vm *vm, uint64_t dev, uint64_t ino);
/* Remember size and times of the file as matching the cached pages. */
void object_note_stat(struct vm_object *o, const struct stat *st);
/* Read page index of the file into frame f (zero past end of file).
 * -EIO on a read error. */
int object_read_page(struct vm_object *obj, uint64_t index, uint32_t f);
/* Write frame f back as page index of the file (up to the file's size,
 * nothing past its end) and mark f clean.  -EIO on a write error (f stays
 * dirty). */
int object_write_page(struct vm_object *obj, uint64_t index, uint32_t f);
/* Write cache frame f back to its file, as object_write_page, and trace
 * the writeback at va of mm in the area named area. */
void object_writeback(struct vm_mm *mm, uint64_t va, const char *area, uint32_t f);

#endif
