// threads.rs - Rust's std on threads: spawn and join with results,
// scoped threads borrowing the caller's data, mpsc channels (many
// senders, one receiver; a bounded sync_channel), Arc<Mutex> and a
// Condvar, atomics, thread_local!, a panic caught at join, and a sleep.
// Everything is printed by the main thread, so the output is fixed.
// Exit 0 when all checks pass, else the number of the first failed one.
use std::cell::Cell;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;
use std::sync::{Arc, Condvar, Mutex};
use std::thread;
use std::time::{Duration, Instant};

thread_local!(static TLS: Cell<u32> = Cell::new(5));

struct Checks {
    status: i32,
    n: i32,
}

impl Checks {
    fn check(&mut self, ok: bool, name: &str) {
        self.n += 1;
        println!("{}: {}", name, if ok { "ok" } else { "FAIL" });
        if !ok && self.status == 0 {
            self.status = self.n;
        }
    }
}

fn main() {
    let mut c = Checks { status: 0, n: 0 };

    // spawn and join, each thread returning its part.
    let handles: Vec<_> = (0..8u64)
        .map(|i| thread::spawn(move || (i * 100_000..(i + 1) * 100_000).sum::<u64>()))
        .collect();
    let total: u64 = handles.into_iter().map(|h| h.join().unwrap()).sum();
    println!("sum by 8 threads: {}", total);
    c.check(total == 799_999 * 800_000 / 2, "thread::spawn");

    // Scoped threads borrowing a vector.
    let mut data = vec![1u64; 1000];
    thread::scope(|s| {
        for chunk in data.chunks_mut(250) {
            s.spawn(move || chunk.iter_mut().for_each(|x| *x *= 3));
        }
    });
    c.check(data.iter().sum::<u64>() == 3000, "thread::scope");

    // mpsc: four senders, one receiver.
    let (tx, rx) = mpsc::channel();
    for id in 0..4u64 {
        let tx = tx.clone();
        thread::spawn(move || {
            for n in 0..100u64 {
                tx.send(id * 1000 + n).unwrap();
            }
        });
    }
    drop(tx);
    let received: Vec<u64> = rx.iter().collect();
    let sum: u64 = received.iter().sum();
    println!("received {} messages, sum {}", received.len(), sum);
    c.check(received.len() == 400 && sum == 6000 * 100 + 4 * 4950, "mpsc::channel");

    // A bounded channel of size 1: every send waits for the receiver.
    let (stx, srx) = mpsc::sync_channel(1);
    let producer = thread::spawn(move || {
        for n in 1..=50u32 {
            stx.send(n).unwrap();
        }
    });
    let in_order: Vec<u32> = srx.iter().collect();
    producer.join().unwrap();
    c.check(in_order == (1..=50).collect::<Vec<u32>>(), "mpsc::sync_channel");

    // Arc<Mutex> counter and a Condvar hand-off.
    let counter = Arc::new(Mutex::new(0u32));
    let workers: Vec<_> = (0..6)
        .map(|_| {
            let counter = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..5000 {
                    *counter.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
    c.check(*counter.lock().unwrap() == 30000, "Mutex");

    let pair = Arc::new((Mutex::new(0u32), Condvar::new()));
    let pair2 = Arc::clone(&pair);
    let ponger = thread::spawn(move || {
        let (lock, cv) = &*pair2;
        for round in 0..10 {
            let mut turn = cv.wait_while(lock.lock().unwrap(), |t| *t != 2 * round + 1).unwrap();
            *turn += 1;
            cv.notify_all();
        }
    });
    {
        let (lock, cv) = &*pair;
        for round in 0..10 {
            let mut turn = cv.wait_while(lock.lock().unwrap(), |t| *t != 2 * round).unwrap();
            *turn += 1;
            cv.notify_all();
        }
        let _done = cv.wait_while(lock.lock().unwrap(), |t| *t != 20).unwrap();
    }
    ponger.join().unwrap();
    c.check(*pair.0.lock().unwrap() == 20, "Condvar");

    // Atomics and thread_local!.
    let hits = Arc::new(AtomicUsize::new(0));
    let tls_ok = Arc::new(AtomicUsize::new(0));
    let ts: Vec<_> = (0..4u32)
        .map(|i| {
            let hits = Arc::clone(&hits);
            let tls_ok = Arc::clone(&tls_ok);
            thread::spawn(move || {
                if TLS.with(|v| v.get()) == 5 {
                    TLS.with(|v| v.set(100 + i));
                    thread::yield_now();
                    if TLS.with(|v| v.get()) == 100 + i {
                        tls_ok.fetch_add(1, Ordering::SeqCst);
                    }
                }
                for _ in 0..10000 {
                    hits.fetch_add(1, Ordering::Relaxed);
                }
            })
        })
        .collect();
    ts.into_iter().for_each(|t| t.join().unwrap());
    c.check(hits.load(Ordering::SeqCst) == 40000, "atomics");
    c.check(tls_ok.load(Ordering::SeqCst) == 4 && TLS.with(|v| v.get()) == 5, "thread_local!");

    // A panic on a thread is an Err at join (its message goes to stderr).
    std::panic::set_hook(Box::new(|_| {}));
    let r = thread::spawn(|| -> u32 { panic!("on purpose") }).join();
    let _ = std::panic::take_hook();
    c.check(r.is_err(), "panic caught at join");

    // A named thread that sleeps.
    let t = thread::Builder::new()
        .name("sleeper".into())
        .spawn(|| {
            let start = Instant::now();
            thread::sleep(Duration::from_millis(5));
            (thread::current().name().map(String::from), start.elapsed())
        })
        .unwrap();
    let (name, slept) = t.join().unwrap();
    c.check(name.as_deref() == Some("sleeper") && slept >= Duration::from_millis(5), "sleep on a named thread");

    std::process::exit(c.status);
}
