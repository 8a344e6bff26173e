/*
 * spin.c - computes forever without a system call (a CPU-bound loop a
 * user interrupts with Ctrl-C; tests/e2e/interrupt.sh).
 */
int main(void)
{
    volatile unsigned long n = 0;
    for (;;)
        n++;
}
