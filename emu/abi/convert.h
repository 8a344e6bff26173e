/*
 * convert.h - host structures to the guest's layouts and back, one named
 * converter each way, so nothing the host's C library fills in is copied to
 * the guest unconverted.  (Terminal ioctls need none: the host kernel
 * fills struct linux_termios itself, as the guest's kernel would.)
 */
#ifndef FAULTLINE_ABI_CONVERT_H
#define FAULTLINE_ABI_CONVERT_H

#include "emu/abi/linux.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

void linux_stat_from_host(struct linux_stat *out, const struct stat *st);
/* The basic fields of statx (STATX_BASIC_STATS) from a struct stat. */
void linux_statx_from_host(struct linux_statx *out, const struct stat *st);
void linux_statfs_from_host(struct linux_statfs *out, const struct statfs *st);
void linux_flock_from_host(struct linux_flock *out, const struct flock *fl);
void host_flock_from_linux(struct flock *out, const struct linux_flock *fl);

#endif
