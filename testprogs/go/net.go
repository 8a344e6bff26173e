// net.go - Go's net package on the loopback, printed to compare with
// native: net/http serving and fetching through the netpoller (epoll,
// non-blocking sockets, accept4), a UDP round trip on ::1, a refused
// dial, and what net.Interfaces says of lo.
package main

import (
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"syscall"
)

func main() {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		fmt.Println("listen:", err)
		return
	}
	http.HandleFunc("/hi", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello %s", r.URL.Query().Get("n"))
	})
	go http.Serve(l, nil)
	for i := 0; i < 3; i++ {
		resp, err := http.Get(fmt.Sprintf("http://%s/hi?n=%d", l.Addr(), i))
		if err != nil {
			fmt.Println("get:", err)
			return
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		fmt.Println("http:", resp.StatusCode, string(b))
	}
	u, err := net.ListenPacket("udp", "[::1]:0")
	if err != nil {
		fmt.Println("udp listen:", err)
		return
	}
	c, _ := net.Dial("udp", u.LocalAddr().String())
	c.Write([]byte("dgram"))
	buf := make([]byte, 10)
	n, _, _ := u.ReadFrom(buf)
	fmt.Println("udp:", string(buf[:n]))
	port := l.Addr().(*net.TCPAddr).Port
	l.Close()
	_, err = net.Dial("tcp", fmt.Sprintf("127.0.0.1:%d", port))
	fmt.Println("refused:", errors.Is(err, syscall.ECONNREFUSED))
	ifs, _ := net.Interfaces()
	for _, i := range ifs {
		if i.Name == "lo" {
			addrs, _ := i.Addrs()
			fmt.Println("lo:", i.Index, i.MTU, i.Flags, addrs)
		}
	}
}
