/*
 * anon_fd.h - what the testprogs of anonymous-inode descriptors (eventfd,
 * timerfd, signalfd) print about one: its fstat mode, the link
 * /proc/self/fd shows, and what lseek does to it.
 */
#ifndef TESTPROGS_ANON_FD_H
#define TESTPROGS_ANON_FD_H

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

static void show_anon_fd(int fd)
{
    struct stat st;
    fstat(fd, &st);
    printf("fstat mode %o\n", st.st_mode);
    char path[64], link[64] = "";
    snprintf(path, sizeof path, "/proc/self/fd/%d", fd);
    long n = readlink(path, link, sizeof link - 1);
    printf("link %ld %s\n", n, link);
    errno = 0;
    long at = (long)lseek(fd, 5, SEEK_SET);
    printf("lseek: %ld %s\n", at, at < 0 ? strerror(errno) : "");
}

#endif
