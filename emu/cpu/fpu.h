/*
 * fpu.h - the floating-point unit as the hardware has it, over
 * libunicorn 2.0.1's (QEMU 5.0's) model.
 *
 * libunicorn computes SSE and x87 arithmetic in soft-float and never
 * copies the exception flags it gathers into MXCSR or the x87 status
 * word, and it computes the x87 transcendental instructions in the host's
 * double.  faultline wraps the library's floating-point helpers (with the
 * linker's --wrap, like emu/faststore.c) and runs each operation on the
 * host's own SSE or x87 unit with the guest's control settings, so the
 * results, the flags and the condition codes are the host's, and
 * unmasked exceptions raise #XM (vector 19) at the faulting instruction
 * and #MF (vector 16) at the next waiting x87 instruction.
 */
#ifndef FAULTLINE_FPU_H
#define FAULTLINE_FPU_H

#include <stddef.h>
#include <unicorn/unicorn.h>

/* Find the floating-point fields in libunicorn's CPU state, using uc (a
 * fresh engine, whose registers are changed and then restored), and check
 * that they sit where libunicorn 2.0.1's layout puts them; check that the
 * host runs the operations.  Returns 0, or -1 with a message in err: the
 * wrapped helpers must not run then. */
int fpu_calibrate(uc_engine *uc, char *err, size_t errlen);

/* The si_code Linux gives the SIGFPE of a #MF (vector 16) or #XM (19)
 * raised on uc: the first of invalid, divide-by-zero, overflow,
 * underflow or denormal, precision among the unmasked exceptions
 * flagged; 0 if none is. */
int fpu_fault_code(uc_engine *uc, int vector);

/* The floating-point state a signal handler starts with, as Linux gives
 * it: x87 initialised (control word 0x37f, empty stack), MXCSR 0x1f80. */
void fpu_signal_entry(uc_engine *uc);

#endif
