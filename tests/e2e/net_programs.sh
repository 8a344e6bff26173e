#!/bin/sh
# Programs that talk over sockets, under faultline: the interfaces a
# program finds (testprogs/sock_ifaddrs.c: getifaddrs, if_nameindex, the
# SIOCGIF ioctls, a raw rtnetlink dump; lo and nothing else, whatever the
# host has), hostname -i, python3 (socket.socketpair, selectors,
# asyncio.sleep, an asyncio TCP echo server and three clients, a UDP
# echo, a refused connect, getaddrinfo) and Go (net/http, UDP, lo's
# net.Interfaces) compared with native, with no
# unsupported call in --summary and the same fault log twice; busybox nc
# -l and nc, and busybox httpd serving wget, in one run each, compared
# with native; a connection off the machine fails at once.
set -u
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
bad() {
    echo "FAIL $1"
    fail=1
}

# The machine faultline shows: lo, 127.0.0.1/8 and ::1/128.
cat >"$tmp/ifaddrs.expected" <<'OUT'
lo getifaddrs: flags 0x49 addr family 17 netmask -
lo getifaddrs: flags 0x49 addr 127.0.0.1 netmask 255.0.0.0
lo getifaddrs: flags 0x49 addr ::1 netmask ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff
lo if_nameindex: index 1
lo if_nametoindex: 1, if_indextoname(1): lo
if_nametoindex of none: 0
lo SIOCGIFFLAGS: 0
lo flags 0x49
lo SIOCGIFMTU: 0
lo mtu 65536
lo SIOCGIFINDEX: 0
lo index 1
lo SIOCGIFADDR: 0
lo address 127.0.0.1
lo SIOCGIFNETMASK: 0
lo netmask 255.0.0.0
SIOCGIFFLAGS of none: -1 ENODEV
SIOCGIFCONF: 0
lo SIOCGIFCONF: 127.0.0.1
TCGETS on a socket: -1 ENOTTY
netlink bind: 0
portid is the pid: 1
send dump request: 24
lo RTM_NEWADDR: family 2 prefix 8 scope 254
lo RTM_NEWADDR: family 10 prefix 128 scope 254
done, seq 42, to me 1
RTM_NEWLINK: an error 1
netlink bind: 0
portid is the pid: 1
send dump request: 24
lo RTM_NEWADDR: family 10 prefix 128 scope 254
done, seq 42, to me 1
RTM_NEWLINK: an error 1
OUT
for libc in glibc musl; do
    "$FL" run --env-clear build/testprogs/sock_ifaddrs.$libc >"$tmp/ifaddrs" 2>&1 </dev/null
    cmp -s "$tmp/ifaddrs" "$tmp/ifaddrs.expected" ||
        { bad "sock_ifaddrs.$libc:"; diff "$tmp/ifaddrs.expected" "$tmp/ifaddrs" | head -10 | sed 's/^/    /'; }
done

# The machine's name resolves without DNS, to lo's address.
want=$(python3 -c 'import socket; print(" ".join(socket.gethostbyname_ex("localhost")[2]))')
got=$("$FL" run --env-clear /bin/busybox hostname -i 2>&1 </dev/null)
[ "$got" = "$want" ] || bad "hostname -i says '$got', expected '$want'"

mkdir "$tmp/py"
cat >"$tmp/py/aio.py" <<'PY'
import asyncio, selectors, socket

a, b = socket.socketpair()
sel = selectors.DefaultSelector()
sel.register(b, selectors.EVENT_READ, "b")
print("selectors, nothing yet:", sel.select(timeout=0))
a.send(b"ping")
print("selectors, data:", [(k.data, m) for k, m in sel.select(timeout=1)])
print("socketpair:", b.recv(10))
sel.close()
a.close()
print("after close:", b.recv(10))
b.close()

async def handle(reader, writer):
    while data := await reader.read(65536):
        writer.write(data.upper())
        await writer.drain()
    writer.close()
    await writer.wait_closed()

async def client(port, n):
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    out = []
    for msg in (b"hello %d" % n, b"x" * (50000 * n)):
        writer.write(msg)
        await writer.drain()
        got = await reader.readexactly(len(msg))
        out.append((len(got), got[:8]))
    writer.close()
    await writer.wait_closed()
    return out

class Echo(asyncio.DatagramProtocol):
    def connection_made(self, t):
        self.t = t
    def datagram_received(self, data, addr):
        self.t.sendto(data[::-1], addr)

async def main():
    loop = asyncio.get_running_loop()
    t0 = loop.time()
    await asyncio.sleep(0.05)
    print("slept at least 50 ms:", loop.time() - t0 >= 0.05)
    server = await asyncio.start_server(handle, "127.0.0.1", 0)
    port = server.sockets[0].getsockname()[1]
    for r in await asyncio.gather(*(client(port, n) for n in range(1, 4))):
        print("client:", r)
    server.close()
    await server.wait_closed()
    t, _ = await loop.create_datagram_endpoint(Echo, local_addr=("127.0.0.1", 0))
    uport = t.get_extra_info("sockname")[1]
    got = loop.create_future()
    class Client(asyncio.DatagramProtocol):
        def datagram_received(self, data, addr):
            got.set_result(data)
    ct, _ = await loop.create_datagram_endpoint(Client, remote_addr=("127.0.0.1", uport))
    ct.sendto(b"datagram")
    print("udp echo:", await asyncio.wait_for(got, 5))
    ct.close()
    t.close()
    try:
        await asyncio.open_connection("127.0.0.1", port)
    except ConnectionRefusedError as e:
        print("refused:", e.errno)

asyncio.run(main())
print("getaddrinfo:", socket.getaddrinfo("localhost", 80, type=socket.SOCK_STREAM))
print("done")
PY
env -i /usr/bin/python3 "$tmp/py/aio.py" >"$tmp/n" 2>&1 </dev/null
echo "exit $?" >>"$tmp/n"
for run in 1 2; do
    "$FL" run --env-clear --timeout 120 --summary -o "$tmp/aio$run.log" /usr/bin/python3 "$tmp/py/aio.py" \
        >"$tmp/f$run" 2>"$tmp/s$run" </dev/null
    echo "exit $?" >>"$tmp/f$run"
done
cmp -s "$tmp/n" "$tmp/f1" || { bad "python3 asyncio differs from native:"; diff "$tmp/n" "$tmp/f1" | head -10 | sed 's/^/    /'; }
grep -q unsupported "$tmp/s1" && { bad "python3 asyncio made unsupported calls:"; grep -A5 unsupported "$tmp/s1" | sed 's/^/    /'; }
cmp -s "$tmp/aio1.log" "$tmp/aio2.log" || bad "python3 asyncio: two runs, two fault logs"

# Go's net/http and netpoller (built where go is).
if [ -x build/testprogs/net_go ]; then
    env -i build/testprogs/net_go >"$tmp/n" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/n"
    "$FL" run --env-clear --timeout 120 build/testprogs/net_go >"$tmp/f" 2>&1 </dev/null
    echo "exit $?" >>"$tmp/f"
    cmp -s "$tmp/n" "$tmp/f" || { bad "Go net/http differs from native:"; diff "$tmp/n" "$tmp/f" | head -10 | sed 's/^/    /'; }
else
    echo "net_programs: no go here, Go's net skipped"
fi

# Off the machine: unreachable at once (a host may route 192.0.2.1).
got=$("$FL" run --env-clear --timeout 20 /usr/bin/python3 -c '
import socket
for a in (("192.0.2.1", 80), ("2001:db8::1", 80, 0, 0)):
    s = socket.socket(socket.AF_INET6 if ":" in a[0] else socket.AF_INET)
    try:
        s.connect(a)
    except OSError as e:
        print(e.errno)' 2>&1 </dev/null)
[ "$got" = "101
101" ] || bad "connect off the machine: '$got', expected ENETUNREACH (101) twice"

# busybox: nc -l and nc, httpd and wget, each pair in one run.
mkdir "$tmp/sh" "$tmp/sh/www"
echo "served by httpd" >"$tmp/sh/www/file.txt"
cat >"$tmp/sh/nc.sh" <<'SH'
P=$1
busybox nc -l -p $P > got.txt &
l=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
    echo "hello over nc" | busybox nc 127.0.0.1 $P 2>/dev/null && break
    sleep 0.1
done
wait $l
echo "nc listener: $?"
cat got.txt
busybox httpd -f -p 127.0.0.1:$((P + 1)) -h www &
h=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
    busybox wget -q -O - http://127.0.0.1:$((P + 1))/file.txt 2>/dev/null && break
    sleep 0.1
done
echo "wget: $?"
busybox wget -q -O - http://127.0.0.1:$((P + 1))/missing.txt 2>/dev/null
echo "wget missing: $?"
kill $h
wait $h
echo "httpd: $?"
SH
# Two free host ports in a row for the native run (the guest's are its own).
port=$(python3 -c '
import socket
for p in range(20000, 60000, 7):
    try:
        for q in (p, p + 1):
            s = socket.socket(); s.bind(("127.0.0.1", q)); s.close()
        print(p); break
    except OSError:
        pass')
fl=$(cd "$(dirname "$FL")" && pwd)/$(basename "$FL")
(cd "$tmp/sh" && PATH=/bin:/usr/bin /bin/busybox sh nc.sh $port >"$tmp/n" 2>/dev/null </dev/null; echo "exit $?" >>"$tmp/n")
(cd "$tmp/sh" && "$fl" run --env-clear -E PATH=/bin:/usr/bin --timeout 60 /bin/busybox sh nc.sh $port \
    >"$tmp/f" 2>/dev/null </dev/null; echo "exit $?" >>"$tmp/f")
cmp -s "$tmp/n" "$tmp/f" || { bad "busybox nc and httpd differ from native:"; diff "$tmp/n" "$tmp/f" | head -10 | sed 's/^/    /'; }

[ $fail = 0 ] && echo "net_programs: lo only, python3 asyncio and busybox nc, httpd and wget as native"
exit $fail
