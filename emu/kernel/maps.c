/*
 * maps.c - the address-space picture, one printer for `faultline inspect`
 * and --maps, and the guest's own /proc/self/maps.
 */
#include "emu/kernel/maps.h"

#include <stdlib.h>
#include <string.h>
#include <sys/sysmacros.h>

static void perms(char out[5], const struct vm_area_info *a)
{
    out[0] = a->prot & VM_PROT_READ ? 'r' : '-';
    out[1] = a->prot & VM_PROT_WRITE ? 'w' : '-';
    out[2] = a->prot & VM_PROT_EXEC ? 'x' : '-';
    out[3] = a->flags & VM_AREA_SHARED ? 's' : 'p';
    out[4] = '\0';
}

static size_t all_areas(const struct vm_mm *mm, struct vm_area_info **out)
{
    size_t n = vm_area_count(mm);
    *out = calloc(n ? n : 1, sizeof **out);
    return *out ? vm_areas(mm, *out, n) : 0;
}

void maps_print(FILE *out, const struct vm_mm *mm, bool counts)
{
    struct vm_area_info *a;
    size_t n = all_areas(mm, &a);
    fprintf(out, "%-33s %-4s %-10s %-6s %s%s\n", "# start-end", "perm", "offset", "object",
            counts ? "  resident  swapped   shared " : "", "name");
    uint64_t tr = 0, ts = 0, tsh = 0, ta = 0, tm = 0;
    for (size_t i = 0; i < n; i++) {
        char p[5];
        perms(p, &a[i]);
        const char *obj = a[i].file ? "file" : (a[i].flags & VM_AREA_SHARED) ? "shm" : "anon";
        fprintf(out, "%016llx-%016llx %s %010llx %-6s ", (unsigned long long)a[i].start,
                (unsigned long long)a[i].end, p, (unsigned long long)a[i].offset, obj);
        if (counts)
            fprintf(out, "%9llu %8llu %8llu ", (unsigned long long)a[i].resident,
                    (unsigned long long)a[i].swapped, (unsigned long long)a[i].shared);
        fprintf(out, "%s\n", a[i].name);
        tr += a[i].resident;
        ts += a[i].swapped;
        tsh += a[i].shared;
        ta += a[i].anon;
        tm += a[i].shmem;
    }
    /* The resident pages split as /proc/<pid>/status's RssAnon, RssFile
     * and RssShmem count them. */
    if (counts)
        fprintf(out,
                "# %zu areas, %llu pages resident (%llu anon, %llu file, %llu shmem), "
                "%llu swapped, %llu shared\n",
                n, (unsigned long long)tr, (unsigned long long)ta,
                (unsigned long long)(tr - ta - tm), (unsigned long long)tm,
                (unsigned long long)ts, (unsigned long long)tsh);
    free(a);
}

char *maps_proc_text(const struct vm_mm *mm, size_t *len)
{
    struct vm_area_info *a;
    size_t n = all_areas(mm, &a);
    size_t cap = 128 * (n + 1), used = 0;
    char *text = malloc(cap);
    if (!text) {
        free(a);
        return NULL;
    }
    for (size_t i = 0; i < n; i++) {
        char p[5];
        perms(p, &a[i]);
        int w = snprintf(text + used, cap - used, "%08llx-%08llx %s %08llx %02x:%02x %-10llu %s\n",
                         (unsigned long long)a[i].start, (unsigned long long)a[i].end, p,
                         (unsigned long long)a[i].offset, major(a[i].dev), minor(a[i].dev),
                         (unsigned long long)a[i].ino, a[i].name);
        if (w > 0 && used + (size_t)w < cap)
            used += (size_t)w;
    }
    text[used] = '\0';
    *len = used;
    free(a);
    return text;
}
