/*
 * shm.c - System V shared memory: shmget, shmat, shmdt, shmctl.  A
 * segment is one anonymous shared object of vm/ (what MAP_SHARED|
 * MAP_ANONYMOUS memory is), so every attach maps the same frames and is
 * traced like any shared mapping.  shm_nattch is counted, as Linux counts
 * it, in areas that map the segment, in every process; a segment removed
 * while attached goes when the last of them does (looked at whenever a
 * shm call runs).
 */
#include "emu/sys/ipc.h"

#include <stdio.h>
#include <stdlib.h>

struct shm_seg {
    struct ipc_obj o;
    struct vm_object *obj;   /* one reference */
    uint64_t size;           /* as asked, in bytes */
    bool removed;            /* IPC_RMID while attached (SHM_DEST) */
    int cpid, lpid;
    int64_t atime, dtime;
};

void shm_release(struct emu *emu, struct ipc_obj *o)
{
    (void)emu;
    vm_object_put(((struct shm_seg *)o)->obj);
}

/* Areas mapping seg in every address space (each counted once). */
static uint64_t nattch(struct emu *emu, const struct shm_seg *seg)
{
    uint64_t n = 0;
    for (int i = 0; i < emu->nprocs; i++) {
        struct proc *p = emu->procs[i];
        if (!p || !p->mm || p->state == PROC_ZOMBIE || p->pid != p->tg->tgid)
            continue;
        size_t count = vm_area_count(p->mm);
        struct vm_area_info *a = calloc(count ? count : 1, sizeof *a);
        count = a ? vm_areas(p->mm, a, count) : 0;
        for (size_t k = 0; k < count; k++) {
            struct vm_key key;
            if (vm_memory_key(p->mm, a[k].start, &key) && key.base == (const void *)seg->obj)
                n++;
        }
        free(a);
    }
    return n;
}

/* Removed segments nobody maps any more go. */
static void shm_reap(struct emu *emu)
{
    for (int i = 0; emu->ipc && i < emu->ipc->nslots[IPC_KIND_SHM]; i++) {
        struct shm_seg *seg = (struct shm_seg *)emu->ipc->slots[IPC_KIND_SHM][i];
        if (seg && seg->removed && !nattch(emu, seg))
            ipc_remove(emu, &seg->o);
    }
}

long sys_shmget(struct sys *s, int32_t key, size_t size, int shmflg)
{
    shm_reap(s->emu);
    struct ipc_obj *o;
    long err = ipc_lookup(s->emu, IPC_KIND_SHM, key, shmflg, &o);
    if (err < 0)
        return err;
    if (o)
        return size > ((struct shm_seg *)o)->size ? -LINUX_EINVAL : o->id;
    if (size < LINUX_SHMMIN || size > LINUX_SHMMAX || linux_page_up(size) < size)
        return -LINUX_EINVAL;
    struct shm_seg *seg = calloc(1, sizeof *seg);
    if (!seg || !(seg->obj = vm_object_anon_shared(s->emu->vm, linux_page_up(size)))) {
        free(seg);
        return -LINUX_ENOMEM;
    }
    seg->size = size;
    seg->cpid = s->p->tg->tgid;
    struct vm_object *obj = seg->obj;
    long id = ipc_add(s, &seg->o, IPC_KIND_SHM, key, shmflg);
    if (id < 0)
        vm_object_put(obj);
    return id;
}

long sys_shmat(struct sys *s, int shmid, uaddr_t shmaddr, int shmflg)
{
    struct shm_seg *seg = (struct shm_seg *)ipc_find(s->emu, IPC_KIND_SHM, shmid);
    if (!seg)
        return -LINUX_EINVAL;
    struct vm_mm *mm = s->p->mm;
    uint64_t len = linux_page_up(seg->size), addr = shmaddr;
    if (addr && (shmflg & LINUX_SHM_RND))
        addr &= ~(uint64_t)(LINUX_PAGE_SIZE - 1); /* SHMLBA is a page */
    if (!linux_page_aligned(addr))
        return -LINUX_EINVAL;
    if (!addr) {
        addr = vm_find_free(mm, len, 0);
        if (!addr)
            return -LINUX_ENOMEM;
    } else if (addr + len < addr || addr + len > VM_USER_END) {
        return -LINUX_EINVAL;
    } else if (!vm_range_free(mm, addr, len)) {
        if (!(shmflg & LINUX_SHM_REMAP))
            return -LINUX_EINVAL;
        vm_unmap(mm, addr, len);
    }
    unsigned prot = VM_PROT_READ | (shmflg & LINUX_SHM_RDONLY ? 0 : VM_PROT_WRITE) |
                    (shmflg & LINUX_SHM_EXEC ? VM_PROT_EXEC : 0);
    char name[32];
    snprintf(name, sizeof name, "/SYSV%08x", (unsigned)seg->o.key);
    int err = vm_map(mm, addr, len, prot, VM_AREA_SHARED, seg->obj, 0, name);
    if (err)
        return err == -LINUX_ENOMEM ? err : -LINUX_EINVAL;
    seg->lpid = s->p->tg->tgid;
    seg->atime = ipc_now(s->emu);
    return (long)addr;
}

long sys_shmdt(struct sys *s, uaddr_t shmaddr)
{
    struct vm_mm *mm = s->p->mm;
    struct vm_key key;
    if (!linux_page_aligned(shmaddr) || !vm_memory_key(mm, shmaddr, &key) || key.off)
        return -LINUX_EINVAL;
    for (int i = 0; s->emu->ipc && i < s->emu->ipc->nslots[IPC_KIND_SHM]; i++) {
        struct shm_seg *seg = (struct shm_seg *)s->emu->ipc->slots[IPC_KIND_SHM][i];
        if (!seg || key.base != (const void *)seg->obj)
            continue;
        /* Every piece of this attach: areas of the segment in its span. */
        uint64_t end = shmaddr + linux_page_up(seg->size);
        for (uint64_t a = shmaddr; a < end;) {
            struct vm_area_info info;
            if (!vm_area_at(mm, a, &info)) {
                a += LINUX_PAGE_SIZE;
                continue;
            }
            struct vm_key k;
            uint64_t stop = info.end < end ? info.end : end;
            if (vm_memory_key(mm, a, &k) && k.base == key.base)
                vm_unmap(mm, a, stop - a);
            a = stop;
        }
        seg->lpid = s->p->tg->tgid;
        seg->dtime = ipc_now(s->emu);
        shm_reap(s->emu);
        return 0;
    }
    return -LINUX_EINVAL;
}

static long shm_stat(struct sys *s, struct shm_seg *seg, uaddr_t buf)
{
    struct linux_shmid64_ds ds = {.segsz = seg->size, .atime = seg->atime,
                                  .dtime = seg->dtime, .ctime = seg->o.ctime,
                                  .cpid = seg->cpid, .lpid = seg->lpid,
                                  .nattch = nattch(s->emu, seg)};
    ipc_perm_out(&seg->o, &ds.perm);
    if (seg->removed)
        ds.perm.mode |= LINUX_SHM_DEST;
    return copy_out(s, buf, &ds, sizeof ds) < 0 ? -LINUX_EFAULT : 0;
}

long sys_shmctl(struct sys *s, int shmid, int cmd, uaddr_t buf)
{
    shm_reap(s->emu);
    cmd &= ~LINUX_IPC_64;
    if (cmd == LINUX_IPC_INFO) {
        struct linux_shminfo64 info = {LINUX_SHMMAX, LINUX_SHMMIN, LINUX_SHMMNI, LINUX_SHMMNI,
                                       LINUX_SHMALL, 0, 0, 0, 0};
        return copy_out(s, buf, &info, sizeof info) < 0 ? -LINUX_EFAULT
                                                        : ipc_max_index(s->emu, IPC_KIND_SHM);
    }
    if (cmd == LINUX_SHM_STAT || cmd == LINUX_SHM_STAT_ANY) {
        struct shm_seg *seg = (struct shm_seg *)ipc_at(s->emu, IPC_KIND_SHM, shmid);
        if (!seg)
            return -LINUX_EINVAL;
        long err = shm_stat(s, seg, buf);
        return err ? err : seg->o.id;
    }
    struct shm_seg *seg = (struct shm_seg *)ipc_find(s->emu, IPC_KIND_SHM, shmid);
    if (!seg)
        return -LINUX_EINVAL;
    switch (cmd) {
    case LINUX_IPC_STAT:
        return shm_stat(s, seg, buf);
    case LINUX_IPC_SET:
        return ipc_perm_set(s, &seg->o, buf);
    case LINUX_IPC_RMID:
        seg->removed = true;
        seg->o.key = LINUX_IPC_PRIVATE; /* no shmget finds it now */
        shm_reap(s->emu);
        return 0;
    case LINUX_SHM_LOCK:
    case LINUX_SHM_UNLOCK:
        return 0; /* accepted; the pages may still be swapped */
    default:
        return -LINUX_EINVAL;
    }
}
