#!/bin/sh
# eventfd, timerfd and signalfd (testprogs/eventfd.c, timerfd.c,
# signalfd.c: readiness in poll, select and epoll, blocking and the
# wake-ups of other processes, the errors), glibc and musl, and python3
# using them (tests/e2e/eventfd.py: os.eventfd, selectors and select.epoll
# with an eventfd and a timerfd), under faultline and natively: the output
# and exit status must be equal.
. tests/lib/native.sh
for name in eventfd timerfd signalfd; do
    vs_native_libcs $name
done
vs_native "python3 eventfd.py" /usr/bin/python3 "$top/tests/e2e/eventfd.py"
[ $fail = 0 ] && echo "eventfd: testprogs and python3 equal to native"
exit $fail
