// threads.go - Go's runtime on threads: goroutines and a WaitGroup, an
// unbuffered and a buffered channel, select with a timer, a mutex, the
// garbage collector (runtime.GC while goroutines allocate), time.Sleep,
// a pipe read by a goroutine (the runtime's poller), a signal delivered
// through os/signal, and a goroutine in a tight loop that only the
// runtime's preemption (SIGURG sent to its thread) can stop.  Everything
// is printed by the main goroutine, so the output is fixed.  Exit 0
// when all checks pass, else the number of the first failed one.
package main

import (
	"fmt"
	"os"
	"os/signal"
	"runtime"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

var status, checkNo int

func check(ok bool, name string) {
	checkNo++
	if ok {
		fmt.Printf("%s: ok\n", name)
	} else {
		fmt.Printf("%s: FAIL\n", name)
		if status == 0 {
			status = checkNo
		}
	}
}

type node struct {
	next *node
	data [64]byte
}

func allocate(n int) int {
	var head *node
	for i := 0; i < n; i++ {
		head = &node{next: head}
		head.data[0] = byte(i)
	}
	count := 0
	for ; head != nil; head = head.next {
		count++
	}
	return count
}

var spinStop int32
var spinCount int64

func spin() {
	for atomic.LoadInt32(&spinStop) == 0 {
		spinCount++ // no call in the loop: only an asynchronous preemption stops it
	}
}

func main() {
	// Goroutines and a WaitGroup, each writing its own slot.
	var wg sync.WaitGroup
	parts := make([]int64, 16)
	for i := 0; i < 16; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			for n := int64(0); n < 10000; n++ {
				parts[i] += n
			}
		}(i)
	}
	wg.Wait()
	var total int64
	for _, p := range parts {
		total += p
	}
	fmt.Printf("sum by 16 goroutines: %d\n", total)
	check(total == 16*9999*10000/2, "goroutines")

	// An unbuffered channel pipeline and a buffered one.
	in := make(chan int)
	out := make(chan int, 8)
	go func() {
		for i := 1; i <= 100; i++ {
			in <- i
		}
		close(in)
	}()
	go func() {
		for v := range in {
			out <- v * v
		}
		close(out)
	}()
	squares := 0
	for v := range out {
		squares += v
	}
	fmt.Printf("sum of squares through channels: %d\n", squares)
	check(squares == 338350, "channels")

	// A mutex under contention.
	var mu sync.Mutex
	counter := 0
	for i := 0; i < 8; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for n := 0; n < 5000; n++ {
				mu.Lock()
				counter++
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	check(counter == 40000, "sync.Mutex")

	// The collector while goroutines allocate.
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	results := make(chan int, 4)
	for i := 0; i < 4; i++ {
		go func() { results <- allocate(50000) }()
	}
	for i := 0; i < 3; i++ {
		runtime.GC()
	}
	allocated := 0
	for i := 0; i < 4; i++ {
		allocated += <-results
	}
	runtime.GC()
	runtime.ReadMemStats(&after)
	fmt.Printf("allocated %d nodes\n", allocated)
	check(allocated == 200000 && after.NumGC >= before.NumGC+4, "garbage collection")

	// time.Sleep, and select with a timer.
	start := time.Now()
	time.Sleep(20 * time.Millisecond)
	slept := time.Since(start)
	never := make(chan int)
	timedOut := false
	select {
	case <-never:
	case <-time.After(10 * time.Millisecond):
		timedOut = true
	}
	check(slept >= 20*time.Millisecond && timedOut, "time.Sleep and timers")

	// A pipe read by a goroutine, through the runtime's poller.
	r, w, err := os.Pipe()
	if err != nil {
		check(false, "pipe")
	} else {
		got := make(chan string)
		go func() {
			buf := make([]byte, 64)
			n, _ := r.Read(buf)
			got <- string(buf[:n])
		}()
		time.Sleep(5 * time.Millisecond) // the reader is parked in the poller
		w.Write([]byte("through the pipe"))
		s := <-got
		fmt.Printf("read: %s\n", s)
		check(s == "through the pipe", "pipe")
		r.Close()
		w.Close()
	}

	// A signal to the process, taken by os/signal.
	sigs := make(chan os.Signal, 1)
	signal.Notify(sigs, syscall.SIGUSR1)
	syscall.Kill(os.Getpid(), syscall.SIGUSR1)
	select {
	case s := <-sigs:
		fmt.Printf("signal: %v\n", s)
		check(s == syscall.SIGUSR1, "os/signal")
	case <-time.After(5 * time.Second):
		check(false, "os/signal")
	}
	signal.Stop(sigs)

	// A tight loop on the only P: the main goroutine runs again only if the
	// runtime preempts the loop, and runtime.GC must stop it too.
	old := runtime.GOMAXPROCS(1)
	done := make(chan bool)
	go func() { spin(); done <- true }()
	time.Sleep(5 * time.Millisecond)
	runtime.GC()
	atomic.StoreInt32(&spinStop, 1)
	<-done
	runtime.GOMAXPROCS(old)
	check(true, "preemption of a tight loop")

	os.Exit(status)
}
