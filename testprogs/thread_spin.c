/*
 * thread_spin.c - two threads hand a token back and forth through one
 * shared word, each spinning (no system call, no yield) until the other
 * has written it, with some work between hand-offs.  Under faultline
 * only the quantum can take the turn from a spinning thread, so the run
 * ends only if that works; how long it takes measures what a quantum
 * costs a spin-waiting program (bench/quantum.sh).
 *
 * Usage: thread_spin [ROUNDS [WORK]] (default 200 rounds of 20000 steps).
 * Prints the rounds and a checksum of the work; exit 0.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>

static atomic_int turn; /* whose turn: 0 the main thread, 1 the other */
static long rounds = 200, work = 20000;
static unsigned long sums[2];

/* Some work between hand-offs, the same on every run. */
static unsigned long crunch(unsigned long x)
{
    for (long i = 0; i < work; i++)
        x = x * 6364136223846793005UL + 1442695040888963407UL;
    return x;
}

static void play(int me)
{
    unsigned long x = (unsigned long)me + 1;
    for (long r = 0; r < rounds; r++) {
        while (atomic_load_explicit(&turn, memory_order_acquire) != me)
            ; /* spin: only preemption lets the other thread run */
        x = crunch(x);
        atomic_store_explicit(&turn, !me, memory_order_release);
    }
    sums[me] = x;
}

static void *other(void *arg)
{
    (void)arg;
    play(1);
    return NULL;
}

int main(int argc, char **argv)
{
    pthread_t t;
    if (argc > 1)
        rounds = atol(argv[1]);
    if (argc > 2)
        work = atol(argv[2]);
    if (pthread_create(&t, NULL, other, NULL) != 0) {
        printf("pthread_create failed\n");
        return 99;
    }
    play(0);
    pthread_join(t, NULL);
    printf("rounds %ld, checksum %lx\n", rounds, sums[0] ^ sums[1]);
    return 0;
}
