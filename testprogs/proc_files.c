/* proc_files: open the files of /proc and /sys that describe the machine
 * and the process through stdio (fopen, as musl and glibc pass its flags,
 * "r" and "re"), and print for each whether it opened and what its first
 * line starts with: the word before the first space, tab or colon, or #
 * for a number.  The same natively and emulated, whatever the numbers. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

/* '-' before a path: its first line is the host's own (its first mount,
 * its init's command), so only whether it opened is printed. */
static const char *const paths[] = {
    "/proc/meminfo", "/proc/cpuinfo", "/proc/stat", "/proc/uptime", "/proc/loadavg",
    "-/proc/mounts", "-/proc/self/mounts", "/proc/self/mountinfo", "/proc/self/status",
    "/proc/self/stat", "/proc/self/statm", "/proc/self/maps", "/proc/self/cmdline",
    "/proc/1/status", "-/proc/1/cmdline", "/sys/devices/system/cpu/online",
    "/sys/devices/system/cpu/possible", "/sys/devices/system/cpu/present",
};

static void first_word(const char *line, char *out, size_t len)
{
    if (isdigit((unsigned char)*line)) {
        snprintf(out, len, "#");
        return;
    }
    size_t n = strcspn(line, " \t:\n");
    snprintf(out, len, "%.*s", (int)(n < len - 1 ? n : len - 1), line);
}

int main(void)
{
    static const char *const modes[] = {"r", "re"};
    for (size_t m = 0; m < 2; m++)
        for (size_t i = 0; i < sizeof paths / sizeof paths[0]; i++) {
            const char *path = paths[i] + (paths[i][0] == '-');
            FILE *f = fopen(path, modes[m]);
            if (!f) {
                printf("%s %s: %s\n", modes[m], path, strerror(errno));
                continue;
            }
            char line[512] = "", word[64] = "";
            if (!fgets(line, sizeof line, f))
                line[0] = '\0';
            if (paths[i][0] != '-')
                first_word(line, word, sizeof word);
            printf("%s %s: opened%s%s%s\n", modes[m], path, *word ? ", " : "", word,
                   ferror(f) ? " (error)" : "");
            fclose(f);
        }
    return 0;
}
