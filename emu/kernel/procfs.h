/*
 * procfs.h - inside the file namespace: the lookups fs.c makes into
 * faultline's /proc (procfs.c).
 */
#ifndef FAULTLINE_KERNEL_PROCFS_H
#define FAULTLINE_KERNEL_PROCFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emu;
struct file;
struct proc;

/* If abs names a guest process's /proc entry, return the process and the
 * rest of the path ("" for the directory itself); *host_pid tells that
 * abs names a pid that is not a guest's. */
struct proc *procfs_proc_path(struct emu *emu, struct proc *p, const char *abs, const char **rest,
                              bool *host_pid);
/* /proc/<pid>/fd/N[/...] or /dev/fd/N[/...]: the open file N names
 * (borrowed), and in *tail what follows N. */
struct file *procfs_magic_fd(struct emu *emu, struct proc *p, const char *abs, const char **tail);
/* Append one linux_dirent64 record (inode, DT_ type, name) to a growing
 * buffer; false when out of memory. */
bool procfs_dirent_add(char **buf, size_t *len, size_t *cap, uint64_t ino, unsigned char type,
                       const char *name);

#endif
