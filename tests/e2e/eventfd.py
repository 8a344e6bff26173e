# Run under faultline and natively by tests/e2e/eventfd.sh: os.eventfd, an
# eventfd in every selector woken by a child, a timerfd (through libc) in
# an epoll set and a selector.  Prints only what does not depend on speed.
import ctypes, os, select, selectors, struct, time

# os.eventfd: counting, semaphore, non-blocking
fd = os.eventfd(3, os.EFD_NONBLOCK | os.EFD_CLOEXEC)
print("read", os.eventfd_read(fd))
try:
    os.eventfd_read(fd)
except BlockingIOError:
    print("empty: EAGAIN")
os.eventfd_write(fd, 5)
os.eventfd_write(fd, 6)
print("sum", os.eventfd_read(fd))
sem = os.eventfd(2, os.EFD_SEMAPHORE | os.EFD_NONBLOCK)
print("semaphore", os.eventfd_read(sem), os.eventfd_read(sem))
print("inheritable", os.get_inheritable(fd), "blocking", os.get_blocking(fd))

# an eventfd in every selector, written by a child
for cls in (selectors.EpollSelector, selectors.PollSelector, selectors.SelectSelector):
    sel = cls()
    sel.register(fd, selectors.EVENT_READ, "eventfd")
    print(cls.__name__, "nothing yet", sel.select(timeout=0))
    pid = os.fork()
    if pid == 0:
        time.sleep(0.05)
        os.eventfd_write(fd, 7)
        os._exit(0)
    t0 = time.monotonic()
    ready = sel.select(timeout=10)
    print(cls.__name__, [(k.data, m) for k, m in ready], "waited", time.monotonic() - t0 >= 0.04)
    os.waitpid(pid, 0)
    print("value", os.eventfd_read(fd))
    sel.close()

# a timerfd (through libc: python3.11 has no os.timerfd_create) in an epoll set
libc = ctypes.CDLL(None, use_errno=True)
class itimerspec(ctypes.Structure):
    _fields_ = [("isec", ctypes.c_long), ("insec", ctypes.c_long), ("vsec", ctypes.c_long), ("vnsec", ctypes.c_long)]
CLOCK_MONOTONIC, TFD_NONBLOCK = 1, os.O_NONBLOCK
tfd = libc.timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK)
spec = itimerspec(0, 20000000, 0, 30000000)   # in 30 ms, then every 20 ms
print("settime", libc.timerfd_settime(tfd, 0, ctypes.byref(spec), None))
ep = select.epoll()
ep.register(tfd, select.EPOLLIN)
ep.register(fd, select.EPOLLIN)
print("epoll before", ep.poll(0))
t0 = time.monotonic()
print("epoll timer", ep.poll(5) == [(tfd, select.EPOLLIN)], "waited", time.monotonic() - t0 >= 0.025)
print("expirations", struct.unpack("Q", os.read(tfd, 8))[0])
try:
    os.read(tfd, 8)
except BlockingIOError:
    print("read again: EAGAIN")
print("next", ep.poll(5) == [(tfd, select.EPOLLIN)])
os.eventfd_write(fd, 1)
print("both", sorted(e for _, e in ep.poll(0)), len(ep.poll(0)))
cur = itimerspec()
libc.timerfd_gettime(tfd, ctypes.byref(cur))
print("interval", cur.isec, cur.insec, "pending", 0 < cur.vnsec <= 20000000)
sel = selectors.DefaultSelector()
sel.register(tfd, selectors.EVENT_READ, "timer")
print("selector", [(k.data, m) for k, m in sel.select(timeout=5)])
print("link", os.readlink("/proc/self/fd/%d" % tfd), os.readlink("/proc/self/fd/%d" % fd))
