/* sys.h - system calls without a libc, for programs whose fault logs are
 * short enough to read in full. */
#ifndef NOLIBC_SYS_H
#define NOLIBC_SYS_H

static inline long sys3(long nr, long a, long b, long c)
{
    long ret;
    __asm__ volatile("syscall" : "=a"(ret) : "a"(nr), "D"(a), "S"(b), "d"(c) : "rcx", "r11", "memory");
    return ret;
}

static inline void say(const char *s)
{
    long n = 0;
    while (s[n])
        n++;
    sys3(1, 1, (long)s, n);
}

static inline void __attribute__((noreturn)) leave(int status)
{
    sys3(231, status, 0, 0);
    __builtin_unreachable();
}

#endif
