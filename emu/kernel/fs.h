/*
 * fs.h - the guest's file namespace: paths resolved inside --root by the
 * host kernel (openat2 RESOLVE_IN_ROOT), the guest's view of paths, and
 * the /proc files faultline generates.
 */
#ifndef FAULTLINE_KERNEL_FS_H
#define FAULTLINE_KERNEL_FS_H

#include "emu/kernel/file.h"
#include "loader/loader.h"

#include <stddef.h>

struct emu;
struct proc;

/* Open path (relative to dirfd's guest directory or the cwd) inside the
 * root; returns a host fd or -errno.  resolve_flags: openat2 RESOLVE_*. */
int fs_open(struct emu *emu, struct proc *p, int dirfd, const char *path, int flags,
            unsigned mode);
/* The absolute guest path for path as seen from dirfd (AT_FDCWD: cwd). */
int fs_guest_path(struct proc *p, int dirfd, const char *path, char *out, size_t outlen);
/* Split into a host fd of the parent directory (inside the root) and the
 * last component; returns the fd or -errno. */
int fs_parent(struct emu *emu, struct proc *p, int dirfd, const char *path, char *base,
              size_t baselen);
/* Before a read of FILE_MEM f at pos: a file made by each read from its
 * start is made now (an old text stays when out of memory). */
void fs_mem_refresh(struct emu *emu, struct file *f, size_t pos);
/* getdents64 of a generated /proc directory (FILE_MEM, is_dir). */
long fs_mem_getdents(struct emu *emu, struct file *f, char *out, size_t len);
/* Fill f->path with the canonical guest path of f's host fd. */
void fs_note_path(struct emu *emu, struct file *f, const char *fallback);
/* The loader's view of the root. */
struct loader_fs fs_loader(struct emu *emu, struct proc *p);
/* Synthesised /proc/self files: returns a FILE_MEM file, NULL when path
 * is not one, or ERR via *err. */
struct file *fs_proc_file(struct emu *emu, struct proc *p, const char *abs, int *err);
/* readlink of /proc/self/exe and friends: length or -errno; -ENOENT when
 * the path is not synthesised. */
long fs_proc_readlink(struct emu *emu, struct proc *p, const char *abs, char *buf, size_t len);

#endif
