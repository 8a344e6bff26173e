/*
 * summary.c - --summary: what the run cost in faults and calls, on
 * stderr, in the spirit of /usr/bin/time -v.
 */
#include "emu/cli/summary.h"
#include "emu/kernel/proc.h"
#include "emu/sys/sys.h"

#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>


/* One line per process: what its faults were and how it ended. */
static void per_process(struct emu *emu, FILE *o)
{
    fprintf(o, "  per process:\n    %5s %-15s %7s %7s %7s %7s %7s %7s %7s %7s %7s  %s\n", "pid",
            "name", "zero", "file", "cache", "cow", "reuse", "swapin", "segv", "calls", "threads",
            "ended");
    for (int i = 0; i < emu->npstats; i++) {
        const struct proc_stats *ps = &emu->pstats[i];
        if (!ps->name[0])
            continue;
        char ended[32] = "running";
        int st = ps->wait_status;
        if (ps->exited && (st & 0x7f))
            snprintf(ended, sizeof ended, "%s", signal_name(st & 0x7f));
        else if (ps->exited)
            snprintf(ended, sizeof ended, "exit %d", (st >> 8) & 0xff);
        const uint64_t *e = ps->events;
        fprintf(o, "    %5d %-15s %7llu %7llu %7llu %7llu %7llu %7llu %7llu %7llu %7d  %s\n", i + 1,
                ps->name, (unsigned long long)e[VM_EV_DEMAND_ZERO],
                (unsigned long long)e[VM_EV_FILE_READ], (unsigned long long)e[VM_EV_CACHE_HIT],
                (unsigned long long)e[VM_EV_COW], (unsigned long long)e[VM_EV_COW_REUSE],
                (unsigned long long)e[VM_EV_SWAP_IN],
                (unsigned long long)(e[VM_EV_SEGV] + e[VM_EV_SIGBUS]),
                (unsigned long long)ps->syscalls, ps->threads + 1, ended);
    }
}

void summary_print(struct emu *emu, FILE *o)
{
    const struct vm_stats *st = vm_stats(emu->vm);
    uint64_t total = 0;
    for (int i = 0; i < VM_EV_COUNT; i++)
        total += st->events[i];
    fprintf(o, "faultline summary\n");
    fprintf(o, "  processes created:          %llu\n", (unsigned long long)emu->procs_created);
    fprintf(o, "  page faults (major/minor):  %llu / %llu  (%llu from system calls)\n",
            (unsigned long long)st->major, (unsigned long long)st->minor,
            (unsigned long long)st->kernel_faults);
    fprintf(o, "  events:                     %llu\n", (unsigned long long)total);
    for (int i = 0; i < VM_EV_COUNT; i++)
        if (st->events[i])
            fprintf(o, "    %-12s %12llu\n", vm_event_name(i), (unsigned long long)st->events[i]);
    fprintf(o, "  COW copies:                 %llu\n", (unsigned long long)st->events[VM_EV_COW]);
    fprintf(o, "  pages read from files:      %llu\n",
            (unsigned long long)st->events[VM_EV_FILE_READ]);
    fprintf(o, "  store fast path:            %s\n",
            cpu_fast_store_fills() ? "on" : "off (libunicorn's slow stores)");
    fprintf(o, "  translated code dropped:    %lu times\n", cpu_tb_flushes());
    fprintf(o, "  DRAM frames:                %u (peak in use %u, page tables peak %u)\n",
            vm_dram_frames(emu->vm), st->peak_frames, st->peak_pt_frames);
    fprintf(o, "  shared frames (peak):       %u  (mapped by two or more processes or places)\n",
            st->peak_shared_frames);
    if (emu->opt.swap_pages) {
        fprintf(o, "  swap:                       %llu slots (peak in use %llu)\n",
                (unsigned long long)emu->opt.swap_pages, (unsigned long long)st->peak_swap);
        fprintf(o, "  swap in/out:                %llu / %llu\n",
                (unsigned long long)st->events[VM_EV_SWAP_IN],
                (unsigned long long)st->events[VM_EV_SWAP_OUT]);
        fprintf(o, "  writebacks, clean evictions: %llu, %llu\n",
                (unsigned long long)st->events[VM_EV_WRITEBACK],
                (unsigned long long)st->events[VM_EV_EVICT_CLEAN]);
        static const char *const policies[] = {"clock", "fifo", "lru", "random"};
        uint64_t out = st->events[VM_EV_SWAP_OUT] + st->events[VM_EV_EVICT_CLEAN] +
                       st->events[VM_EV_WRITEBACK];
        fprintf(o, "  policy %-6s               %llu batches, %llu frames scanned, %.1f%% of them "
                   "recently used (spared)\n",
                policies[emu->opt.policy], (unsigned long long)st->reclaim_batches,
                (unsigned long long)st->reclaim_scans,
                st->reclaim_scans ? 100.0 * (double)st->reclaim_referenced / (double)st->reclaim_scans : 0.0);
        if (out)
            fprintf(o, "  refaults:                   %.1f%% of evicted pages were needed again "
                       "(policy hit rate %.1f%%)\n",
                    100.0 * (double)st->events[VM_EV_SWAP_IN] / (double)out,
                    100.0 - 100.0 * (double)st->events[VM_EV_SWAP_IN] / (double)out);
    }
    per_process(emu, o);
    uint64_t calls = 0, unknown = emu->unknown_other;
    for (int i = 0; i < SYSCALL_MAX; i++) {
        calls += emu->syscall_calls[i];
        unknown += emu->unknown_calls[i];
    }
    fprintf(o, "  system calls:               %llu\n", (unsigned long long)(calls + unknown));
    for (int i = 0; i < SYSCALL_MAX; i++)
        if (emu->syscall_calls[i])
            fprintf(o, "    %-18s %10llu\n", syscall_table[i].name,
                    (unsigned long long)emu->syscall_calls[i]);
    if (unknown) {
        fprintf(o, "  unsupported system calls (returned ENOSYS): %llu\n",
                (unsigned long long)unknown);
        for (int i = 0; i < SYSCALL_MAX; i++)
            if (emu->unknown_calls[i]) {
                const char *name = syscall_name((uint64_t)i);
                fprintf(o, "    %-18s %10llu\n", name ? name : "?", (unsigned long long)emu->unknown_calls[i]);
            }
        if (emu->unknown_other)
            fprintf(o, "    %-18s %10llu\n", "(out of range)", (unsigned long long)emu->unknown_other);
    }
}
