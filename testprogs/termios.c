/*
 * termios: terminal ioctls on stdin (a tty) with the kernel's own
 * struct termios (36 bytes), as the C library passes it.  TCGETS must not
 * write past those 36 bytes, and TCSETS must not read past them (the
 * buffer here ends at an unmapped page).  Exit 77 when stdin is no tty.
 */
#define _GNU_SOURCE
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <termios.h>
#include <unistd.h>

#define KTERMIOS 36 /* the kernel's struct termios */

int main(void)
{
    if (!isatty(0)) {
        puts("termios: stdin is not a tty");
        return 77;
    }
    unsigned char buf[64];
    memset(buf, 0xa5, sizeof buf);
    if (syscall(SYS_ioctl, 0, TCGETS, buf) != 0) {
        perror("TCGETS");
        return 1;
    }
    for (size_t i = KTERMIOS; i < sizeof buf; i++) {
        if (buf[i] != 0xa5) {
            printf("termios: TCGETS wrote byte %zu past the kernel's struct termios\n", i);
            return 2;
        }
    }
    long page = sysconf(_SC_PAGESIZE);
    unsigned char *m = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (m == MAP_FAILED || munmap(m + page, page) != 0) {
        perror("mmap");
        return 1;
    }
    unsigned char *end = m + page - KTERMIOS; /* the last byte is the page's last */
    memcpy(end, buf, KTERMIOS);
    if (syscall(SYS_ioctl, 0, TCSETS, end) != 0) {
        perror("termios: TCSETS of a struct ending at an unmapped page");
        return 3;
    }
    struct termios t;
    if (tcgetattr(0, &t) != 0 || tcsetattr(0, TCSANOW, &t) != 0) {
        perror("tcgetattr/tcsetattr");
        return 4;
    }
    puts("termios ok");
    return 0;
}
