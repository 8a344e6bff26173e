/*
 * thread_race.c - threads that race, for determinism.
 *
 *   thread_race          (both of the next two; the output is native's)
 *   thread_race mutex    8 threads add to one counter 20000 times each
 *                        under a mutex, and with atomic adds: the totals
 *                        are exact, whatever the interleaving; each thread
 *                        touches fresh heap pages as it goes, so the fault
 *                        log shows the interleaving
 *   thread_race handoff  5 threads pass a turn round a ring with one mutex
 *                        and condition variable, 40 rounds: the order the
 *                        turns were taken in is fixed
 *   thread_race racy     4 threads add to one counter with no lock: the
 *                        total depends on the interleaving, so natively it
 *                        varies; under faultline it must be the same on
 *                        every run (compare two runs, not native)
 *
 * Exit 0 when the checks pass, else 80..89.
 */
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "thread_common.h"

/* --- a counter under a mutex, and atomically --------------------------------------- */

enum { MT = 8, ADDS = 20000 };
static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_count, atomic_count;
static char *pages[MT];

static void *adder(void *arg)
{
    int i = (int)(intptr_t)arg;
    for (int n = 0; n < ADDS; n++) {
        pthread_mutex_lock(&lock);
        locked_count++;
        pthread_mutex_unlock(&lock);
        __atomic_fetch_add(&atomic_count, 1, __ATOMIC_SEQ_CST);
        if (n % 1000 == 0)
            pages[i][(n / 1000) * 4096] = 1; /* a first touch: a fault */
    }
    return NULL;
}

static void race_mutex(void)
{
    pthread_t t[MT];
    for (int i = 0; i < MT; i++) {
        pages[i] = malloc(ADDS / 1000 * 4096 + 4096); /* large: its own mapping */
        if (!pages[i])
            exit(88);
    }
    for (int i = 0; i < MT; i++)
        if (pthread_create(&t[i], NULL, adder, (void *)(intptr_t)i) != 0)
            exit(89);
    for (int i = 0; i < MT; i++)
        pthread_join(t[i], NULL);
    char detail[80];
    snprintf(detail, sizeof detail, "%ld, expected %d", locked_count, MT * ADDS);
    report(80, "mutex counter", locked_count == MT * ADDS, detail);
    snprintf(detail, sizeof detail, "%ld, expected %d", atomic_count, MT * ADDS);
    report(81, "atomic counter", atomic_count == MT * ADDS, detail);
    for (int i = 0; i < MT; i++)
        free(pages[i]);
}

/* --- a turn passed round a ring ---------------------------------------------------------- */

enum { RING = 5, LAPS = 40 };
static pthread_cond_t turn_changed = PTHREAD_COND_INITIALIZER;
static int turn, taken;
static char order[RING * LAPS + 1];

static void *ring_member(void *arg)
{
    int me = (int)(intptr_t)arg;
    for (int lap = 0; lap < LAPS; lap++) {
        pthread_mutex_lock(&lock);
        while (turn != me)
            pthread_cond_wait(&turn_changed, &lock);
        order[taken++] = (char)('a' + me);
        turn = (me + 1) % RING;
        pthread_cond_broadcast(&turn_changed);
        pthread_mutex_unlock(&lock);
    }
    return NULL;
}

static void race_handoff(void)
{
    pthread_t t[RING];
    /* Started in reverse, so the first to run is rarely the first to go. */
    for (int i = RING - 1; i >= 0; i--)
        if (pthread_create(&t[i], NULL, ring_member, (void *)(intptr_t)i) != 0)
            exit(89);
    for (int i = 0; i < RING; i++)
        pthread_join(t[i], NULL);
    int ok = taken == RING * LAPS;
    for (int i = 0; i < taken && ok; i++)
        ok = order[i] == 'a' + i % RING;
    printf("handoff order: %.*s...\n", 2 * RING, order);
    report(82, "handoff", ok, "a turn was taken out of order");
}

/* --- a counter with no lock at all -------------------------------------------------------- */

static volatile long racy_count;

static void *racer(void *arg)
{
    (void)arg;
    for (int n = 0; n < 200000; n++)
        racy_count = racy_count + 1;
    return NULL;
}

static void race_racy(void)
{
    pthread_t t[4];
    for (int i = 0; i < 4; i++)
        if (pthread_create(&t[i], NULL, racer, NULL) != 0)
            exit(89);
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    printf("racy counter: %ld of %d\n", racy_count, 4 * 200000);
}

int main(int argc, char **argv)
{
    const char *mode = argc > 1 ? argv[1] : "all";
    if (strcmp(mode, "racy") == 0) {
        race_racy();
        return 0;
    }
    if (strcmp(mode, "all") == 0 || strcmp(mode, "mutex") == 0)
        race_mutex();
    if (strcmp(mode, "all") == 0 || strcmp(mode, "handoff") == 0)
        race_handoff();
    return status;
}
