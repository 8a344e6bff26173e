/*
 * thread.h - the tasks of one process (thread.c).
 */
#ifndef FAULTLINE_KERNEL_THREAD_H
#define FAULTLINE_KERNEL_THREAD_H

#include <stdbool.h>

struct emu;
struct proc;

/* Make p's registers the ones its CPU holds (saving those of the thread
 * that held them).  False when p cannot be loaded (no context). */
bool proc_load(struct proc *p);
/* A new thread of parent's process, sharing its group, memory, CPU and
 * descriptors, with the parent's registers and signal mask, runnable;
 * the caller sets where it starts (start_rip, ...).  NULL at --max-procs
 * or out of memory. */
struct proc *thread_create(struct emu *emu, struct proc *parent);
/* exit(2) of one thread: true when others remain (the thread is gone;
 * the process lives on); false when p is the last, whose exit ends the
 * process (the caller calls proc_exit). */
bool thread_exit(struct emu *emu, struct proc *p, int wait_status);
/* Walk p's robust list (set_robust_list) as its end does: locks it
 * still holds are marked FUTEX_OWNER_DIED and a waiter woken. */
void thread_release_robust(struct emu *emu, struct proc *p);
/* Every other task of p's process goes (exit_group, a fatal signal,
 * execve); p takes the process's id. */
void thread_group_reduce(struct emu *emu, struct proc *p);
/* The live task tid, in process tgid (any process when tgid <= 0). */
struct proc *thread_by_tid(struct emu *emu, int tgid, int tid);

#endif
