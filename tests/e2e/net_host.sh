#!/bin/sh
# --net host: guest TCP and UDP reach servers of the host's loopback (a
# python3 echo server that answers late, so the guest waits on the host,
# and python3's http.server for busybox wget); a blocking client, a UDP
# datagram, an asyncio client, a refused port; without --net host the
# same server is out of reach (ECONNREFUSED, as no guest listens).
set -u
tmp=$(mktemp -d)
srv=
trap '[ -n "$srv" ] && kill $srv 2>/dev/null; rm -rf "$tmp"' EXIT
fail=0
mkdir "$tmp/www"
echo "from the host" >"$tmp/www/file.txt"
cat >"$tmp/server.py" <<'PY'
import functools, http.server, socket, sys, threading, time
l = socket.socket()
l.bind(("127.0.0.1", 0))
l.listen(5)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.bind(("127.0.0.1", l.getsockname()[1]))
class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass
h = http.server.HTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=sys.argv[2]))
with open(sys.argv[1], "w") as f:
    f.write("%d %d\n" % (l.getsockname()[1], h.server_address[1]))
def serve(c):
    time.sleep(0.2)
    while d := c.recv(65536):
        c.sendall(d.upper())
    c.close()
def tcp():
    while True:
        threading.Thread(target=serve, args=(l.accept()[0],), daemon=True).start()
def udp():
    while True:
        d, a = u.recvfrom(65536)
        time.sleep(0.1)
        u.sendto(d[::-1], a)
threading.Thread(target=tcp, daemon=True).start()
threading.Thread(target=udp, daemon=True).start()
h.serve_forever()
PY
cat >"$tmp/client.py" <<'PY'
import asyncio, socket, sys
port = int(sys.argv[1])
s = socket.create_connection(("127.0.0.1", port))
s.sendall(b"blocking client")
s.shutdown(socket.SHUT_WR)
got = b""
while d := s.recv(100):
    got += d
print("tcp:", got)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
u.sendto(b"datagram", ("127.0.0.1", port))
print("udp:", u.recvfrom(100)[0])
async def main():
    r, w = await asyncio.open_connection("127.0.0.1", port)
    w.write(b"x" * 300000)
    await w.drain()
    got = await r.readexactly(300000)
    print("asyncio:", len(got), got[:5])
    w.close()
    await w.wait_closed()
asyncio.run(main())
PY
python3 "$tmp/server.py" "$tmp/ports" "$tmp/www" &
srv=$!
for i in 1 2 3 4 5 6 7 8 9 10; do [ -s "$tmp/ports" ] && break; sleep 0.2; done
read -r port http <"$tmp/ports"

"$FL" run --env-clear --net host --timeout 60 /usr/bin/python3 "$tmp/client.py" "$port" >"$tmp/out" 2>&1 </dev/null
cat >"$tmp/want" <<'OUT'
tcp: b'BLOCKING CLIENT'
udp: b'margatad'
asyncio: 300000 b'XXXXX'
OUT
cmp -s "$tmp/out" "$tmp/want" || { echo "FAIL python3 --net host:"; diff "$tmp/want" "$tmp/out" | head | sed 's/^/    /'; fail=1; }

got=$("$FL" run --env-clear --net host --timeout 60 /bin/busybox wget -q -O - "http://127.0.0.1:$http/file.txt" 2>&1 </dev/null)
[ "$got" = "from the host" ] || { echo "FAIL busybox wget --net host: '$got'"; fail=1; }

got=$("$FL" run --env-clear --timeout 60 /usr/bin/python3 -c '
import socket, sys
try:
    socket.create_connection(("127.0.0.1", int(sys.argv[1])))
except OSError as e:
    print(e.errno)' "$port" 2>&1 </dev/null)
[ "$got" = 111 ] || { echo "FAIL without --net host the host's server answered: '$got'"; fail=1; }

[ $fail = 0 ] && echo "net_host: the host's loopback with --net host, and only with it"
exit $fail
