/*
 * trace.h - the events of vm/ (trace.c): every fault outcome, eviction
 * and writeback is counted and handed to the configured tracer.
 */
#ifndef FAULTLINE_VM_TRACE_H
#define FAULTLINE_VM_TRACE_H

#include "internal.h"

/* Count event ev and, when a tracer is configured, hand it one record:
 * mm NULL means no process (pid 0); area is the area's name ("-": none);
 * frame -1: none; the detail is formatted only when the configuration
 * asks for details. */
void trace_event(struct vm *vm, struct vm_mm *mm, enum vm_event ev, uint64_t va,
                 char access, char mode, const char *area, int64_t frame,
                 const char *detail_fmt, ...) __attribute__((format(printf, 9, 10)));

/* A fault begins and ends: reclaim events raised in between are held
 * and handed on just before the fault's own event, each with that
 * event's seq as its cause (or at the end, with none).  Nests. */
void trace_hold(struct vm *vm);
void trace_release(struct vm *vm);

#endif
