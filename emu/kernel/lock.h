/*
 * lock.h - file locks between guest processes: fcntl record locks (POSIX
 * and open-file-description ones) and flock locks, kept by faultline in
 * one table keyed by (dev, ino), since every guest process lives in the
 * one host process and the host's locks would never conflict.
 */
#ifndef FAULTLINE_KERNEL_LOCK_H
#define FAULTLINE_KERNEL_LOCK_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct emu;
struct file;

/* POSIX locks belong to a process (tgid) and conflict with OFD locks;
 * OFD and flock locks belong to an open file description.  flock locks
 * never meet the other two. */
enum lock_kind { LOCK_POSIX, LOCK_OFD, LOCK_FLOCK };

/* The end of a lock that runs to the end of the file (Linux's OFFSET_MAX). */
#define LOCK_TO_EOF ((uint64_t)INT64_MAX)

/* A held lock, or a request for one (type LINUX_F_RDLCK, F_WRLCK or, for
 * a request, F_UNLCK). */
struct lock_rec {
    enum lock_kind kind;
    int type;
    uint64_t dev, ino;
    uint64_t start, end;     /* bytes start..end, end included; LOCK_TO_EOF: and on */
    int pid;                 /* the owning process (POSIX), or the one that set it */
    const struct file *ofd;  /* the owning open file description (OFD, flock) */
};

struct lock_table {
    struct lock_rec *recs;
    size_t n, cap;
};

/* The first lock held by another owner that req conflicts with, or NULL. */
const struct lock_rec *lock_conflict(const struct lock_table *t, const struct lock_rec *req);
/* Set (or with F_UNLCK remove) req's owner's lock over req's range,
 * replacing what that owner held there and merging neighbours of the
 * same type, as Linux keeps them; waiters are woken.  The caller checked
 * for conflicts.  0, or -ENOLCK when the table cannot grow. */
int lock_set(struct emu *emu, const struct lock_rec *req);
/* Process tgid closed a descriptor of (dev, ino): its POSIX locks there
 * go. */
void lock_close(struct emu *emu, int tgid, uint64_t dev, uint64_t ino);
/* Process tgid ended: its POSIX locks go. */
void lock_exit(struct emu *emu, int tgid);
/* The open file description f went: its OFD and flock locks go. */
void lock_file_gone(struct emu *emu, const struct file *f);
void lock_table_free(struct lock_table *t);

#endif
