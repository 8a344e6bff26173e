// threads.cc - C++ threads: std::thread with join, std::async futures, an
// exception carried out of a thread by a future, std::mutex and
// std::condition_variable (a producer and a consumer), std::promise,
// std::call_once, thread_local and std::atomic.  Everything is printed by
// the main thread after the joins, so the output is fixed.  Exit 0 when
// all checks pass, else the number of the first failed one.
#include <atomic>
#include <condition_variable>
#include <cstdio>
#include <deque>
#include <future>
#include <mutex>
#include <numeric>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

static int status;
static int check_no;

static void check(bool ok, const char *name)
{
    ++check_no;
    std::printf("%s: %s\n", name, ok ? "ok" : "FAIL");
    if (!ok && !status)
        status = check_no;
}

static thread_local int tls_value = 5;

static long sum_range(long from, long to)
{
    long s = 0;
    for (long i = from; i < to; i++)
        s += i;
    return s;
}

int main()
{
    // std::thread, each writing its own slot.
    std::vector<long> parts(8);
    std::vector<std::thread> threads;
    for (int i = 0; i < 8; i++)
        threads.emplace_back([&parts, i] { parts[i] = sum_range(i * 100000L, (i + 1) * 100000L); });
    for (auto &t : threads)
        t.join();
    long total = std::accumulate(parts.begin(), parts.end(), 0L);
    std::printf("sum by 8 threads: %ld\n", total);
    check(total == 799999L * 800000L / 2, "std::thread");

    // std::async on new threads, and one deferred.
    std::vector<std::future<long>> futures;
    for (int i = 0; i < 4; i++)
        futures.push_back(std::async(std::launch::async, sum_range, i * 1000L, (i + 1) * 1000L));
    auto deferred = std::async(std::launch::deferred, sum_range, 0L, 10L);
    long async_total = deferred.get();
    for (auto &f : futures)
        async_total += f.get();
    std::printf("sum by std::async: %ld\n", async_total);
    check(async_total == 3999L * 4000L / 2 + 45, "std::async");

    // An exception thrown on another thread, caught on this one.
    auto thrower = std::async(std::launch::async, []() -> int { throw std::runtime_error("from a thread"); });
    std::string caught;
    try {
        thrower.get();
    } catch (const std::runtime_error &e) {
        caught = e.what();
    }
    std::printf("caught: %s\n", caught.c_str());
    check(caught == "from a thread", "exception through a future");

    // A producer and a consumer on a mutex and a condition variable.
    std::mutex m;
    std::condition_variable cv;
    std::deque<int> queue;
    bool done = false;
    long consumed = 0;
    int items = 0;
    std::thread consumer([&] {
        std::unique_lock<std::mutex> lock(m);
        for (;;) {
            cv.wait(lock, [&] { return !queue.empty() || done; });
            while (!queue.empty()) {
                consumed += queue.front();
                queue.pop_front();
                items++;
            }
            if (done)
                break;
        }
    });
    std::thread producer([&] {
        for (int i = 1; i <= 1000; i++) {
            {
                std::lock_guard<std::mutex> lock(m);
                queue.push_back(i);
            }
            cv.notify_one();
        }
        {
            std::lock_guard<std::mutex> lock(m);
            done = true;
        }
        cv.notify_one();
    });
    producer.join();
    consumer.join();
    std::printf("consumed %d items, sum %ld\n", items, consumed);
    check(items == 1000 && consumed == 500500, "mutex and condition_variable");

    // A promise kept by another thread.
    std::promise<std::string> promise;
    auto word = promise.get_future();
    std::thread keeper([&promise] { promise.set_value("kept"); });
    std::string got = word.get();
    keeper.join();
    check(got == "kept", "std::promise");

    // call_once from many threads; thread_local per thread; atomics.
    std::once_flag once;
    std::atomic<int> once_runs{0}, tls_ok{0};
    std::atomic<long> counter{0};
    threads.clear();
    for (int i = 0; i < 6; i++)
        threads.emplace_back([&, i] {
            std::call_once(once, [&] { once_runs++; });
            if (tls_value == 5) {
                tls_value = 100 + i;
                std::this_thread::yield();
                if (tls_value == 100 + i)
                    tls_ok++;
            }
            for (int n = 0; n < 10000; n++)
                counter.fetch_add(1, std::memory_order_relaxed);
        });
    for (auto &t : threads)
        t.join();
    check(once_runs == 1, "std::call_once");
    check(tls_ok == 6 && tls_value == 5, "thread_local");
    check(counter == 60000, "std::atomic");

    // A short sleep on a thread.
    auto slept = std::async(std::launch::async, [] {
        std::this_thread::sleep_for(std::chrono::milliseconds(5));
        return 1;
    });
    check(slept.get() == 1, "sleep_for on a thread");
    return status;
}
