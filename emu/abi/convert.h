/*
 * convert.h - host values and structures to the guest's and back, one
 * named converter each way, so nothing the host's C library fills in is
 * copied to the guest unconverted.  (Terminal ioctls need no structure
 * converter: the host kernel fills struct linux_termios itself, as the
 * guest's kernel would.)
 *
 * The host is x86-64 Linux, so the scalar converters are identities:
 * convert.c checks at compile time that every value they pass has the
 * same number on both sides, and a host where one differs fails to build
 * there rather than misbehave.
 */
#ifndef FAULTLINE_ABI_CONVERT_H
#define FAULTLINE_ABI_CONVERT_H

#include "emu/abi/linux.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <sys/statfs.h>

/* A host errno (positive) as the guest's. */
int linux_errno_from_host(int err);
/* open(2) flags: O_* both ways (also the F_GETFL/F_SETFL status flags). */
int host_open_flags_from_linux(int flags);
int linux_open_flags_from_host(int flags);
/* File modes (type and permission bits). */
unsigned host_mode_from_linux(unsigned mode);
unsigned linux_mode_from_host(unsigned mode);
/* poll(2) events. */
short host_poll_events_from_linux(short events);
short linux_poll_events_from_host(short events);
/* Flags of the *at() calls (AT_*), access(2) modes, lseek whence,
 * renameat2 and fallocate flags: guest to host. */
int host_at_flags_from_linux(int flags);
int host_access_mode_from_linux(int mode);
int host_whence_from_linux(int whence);
unsigned host_rename_flags_from_linux(unsigned flags);
int host_fallocate_mode_from_linux(int mode);

void linux_stat_from_host(struct linux_stat *out, const struct stat *st);
/* The basic fields of statx (STATX_BASIC_STATS) from a struct stat. */
void linux_statx_from_host(struct linux_statx *out, const struct stat *st);
void linux_statfs_from_host(struct linux_statfs *out, const struct statfs *st);

#endif
