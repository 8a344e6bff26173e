/*
 * procsys.h - the system-wide files of /proc and /sys that describe the
 * emulated machine (procsys.c), and its load average.
 */
#ifndef FAULTLINE_KERNEL_PROCSYS_H
#define FAULTLINE_KERNEL_PROCSYS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emu;
struct file;
struct proc;

/* /proc/meminfo, stat, cpuinfo, loadavg, uptime, mounts and the CPU lists
 * of /sys/devices/system/cpu: a new FILE_MEM file made anew by each read
 * from its start; NULL when abs names none of them. */
struct file *procsys_file(struct emu *emu, const char *abs, int *err);
/* The text of /proc/<pid>/mounts and mountinfo (f->path names which):
 * the root and the proc and sysfs mounts.  malloc'd; NULL when out of memory. */
char *procsys_mounts(struct emu *emu, struct file *f, size_t *len);

/* Is host file f the guest's /proc (the host's procfs)? */
bool procsys_is_root(const struct file *f);
/* getdents64 of the guest's /proc: the host's entries without the host's
 * processes, then one for each guest process.  Bytes or -errno. */
long procsys_root_getdents(struct emu *emu, struct file *f, char *out, size_t len);

/* The load average's samples up to now (guest ns): active tasks could
 * run through the time since the last one; 0 when nobody could. */
void load_advance(struct emu *emu, uint64_t now, unsigned active);
/* Tasks that can run now (not blocked, stopped or dead). */
unsigned load_active(struct emu *emu);

#endif
