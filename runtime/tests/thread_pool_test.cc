// The fork-join thread pool: coverage of every index, edge counts, nesting,
// concurrent callers, lifetime.
#include <atomic>
#include <chrono>
#include <mutex>
#include <set>
#include <thread>
#include <vector>

#include "test_util.h"

namespace {

using xfrt_test::CreatePool;
using xfrt_test::PoolPtr;

struct SumClosure {
  std::atomic<int64_t> sum{0};
  std::atomic<int64_t> calls{0};
};

void AddIndex(void *closure, int64_t index) {
  auto *c = static_cast<SumClosure *>(closure);
  c->sum.fetch_add(index, std::memory_order_relaxed);
  c->calls.fetch_add(1, std::memory_order_relaxed);
}

// Runs a loop of `count` and checks that every index ran exactly once (by
// sum and call count).
void ExpectCovers(xfrt_thread_pool *pool, int64_t count) {
  SumClosure c;
  xfrt_thread_pool_parallel_for(pool, count, AddIndex, &c);
  int64_t n = count > 0 ? count : 0;
  EXPECT_EQ(c.calls.load(), n) << "count " << count;
  EXPECT_EQ(c.sum.load(), n * (n - 1) / 2) << "count " << count;
}

TEST(ThreadPool, CreateAndQuery) {
  PoolPtr pool = CreatePool(3);
  ASSERT_TRUE(pool);
  EXPECT_EQ(xfrt_thread_pool_num_threads(pool.get()), 3);
  EXPECT_EQ(xfrt_thread_pool_num_threads(nullptr), 1);
  PoolPtr all = CreatePool(0);
  ASSERT_TRUE(all);
  EXPECT_EQ(xfrt_thread_pool_num_threads(all.get()), xfrt_cpu_count());
  EXPECT_GE(xfrt_cpu_count(), 1);
  xfrt_thread_pool *bad = nullptr;
  EXPECT_ERROR(xfrt_thread_pool_create(-2, &bad), XFRT_STATUS_INVALID_ARGUMENT,
               "num_threads is -2");
}

TEST(ThreadPool, SumOverAMillionIndices) {
  for (int threads : {1, 2, 4, 7}) {
    PoolPtr pool = CreatePool(threads);
    ASSERT_TRUE(pool);
    ExpectCovers(pool.get(), 1000000);
  }
}

TEST(ThreadPool, EdgeCounts) {
  PoolPtr pool = CreatePool(4);
  ASSERT_TRUE(pool);
  for (int64_t count : {-5, 0, 1, 2, 3, 5, 7, 13, 31, 101, 1023})
    ExpectCovers(pool.get(), count);
}

TEST(ThreadPool, NullPoolRunsInline) {
  for (int64_t count : {0, 1, 9, 100000}) ExpectCovers(nullptr, count);
}

TEST(ThreadPool, ManySmallLoopsInARow) {
  // Models issue hundreds of short loops per inference; each must complete
  // fully before the next starts (the caller relies on the join).
  PoolPtr pool = CreatePool(4);
  ASSERT_TRUE(pool);
  std::vector<int64_t> values(64, 0);
  for (int round = 0; round < 5000; ++round) {
    struct Closure {
      std::vector<int64_t> *values;
    } c{&values};
    xfrt_thread_pool_parallel_for(
        pool.get(), static_cast<int64_t>(values.size()),
        [](void *closure, int64_t i) { (*static_cast<Closure *>(closure)->values)[i] += i; },
        &c);
  }
  for (size_t i = 0; i < values.size(); ++i)
    ASSERT_EQ(values[i], 5000 * static_cast<int64_t>(i));
}

TEST(ThreadPool, UsesSeveralThreads) {
  // Not a guarantee on a loaded machine, but with long tasks and 4 threads
  // more than one thread should take part.
  PoolPtr pool = CreatePool(4);
  ASSERT_TRUE(pool);
  struct Closure {
    std::mutex mutex;
    std::set<std::thread::id> ids;
  } c;
  xfrt_thread_pool_parallel_for(
      pool.get(), 64,
      [](void *closure, int64_t) {
        auto *c = static_cast<Closure *>(closure);
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
        std::lock_guard<std::mutex> lock(c->mutex);
        c->ids.insert(std::this_thread::get_id());
      },
      &c);
  EXPECT_GT(c.ids.size(), 1u);
}

struct NestedClosure {
  xfrt_thread_pool *pool;
  std::atomic<int64_t> inner_sum{0};
};

void InnerTask(void *closure, int64_t index) {
  static_cast<NestedClosure *>(closure)->inner_sum.fetch_add(index + 1);
}

void OuterTask(void *closure, int64_t) {
  auto *c = static_cast<NestedClosure *>(closure);
  xfrt_thread_pool_parallel_for(c->pool, 100, InnerTask, c);
}

TEST(ThreadPool, NestedCallsDoNotDeadlock) {
  for (int threads : {1, 2, 4}) {
    PoolPtr pool = CreatePool(threads);
    ASSERT_TRUE(pool);
    NestedClosure c;
    c.pool = pool.get();
    xfrt_thread_pool_parallel_for(pool.get(), 37, OuterTask, &c);
    EXPECT_EQ(c.inner_sum.load(), 37 * 5050);
  }
}

TEST(ThreadPool, ConcurrentCallersShareOnePool) {
  PoolPtr pool = CreatePool(3);
  ASSERT_TRUE(pool);
  constexpr int kCallers = 8;
  std::vector<std::thread> callers;
  std::atomic<int> failures{0};
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&, t] {
      for (int round = 0; round < 300; ++round) {
        SumClosure c;
        int64_t count = 1 + (t * 997 + round * 31) % 5000;
        xfrt_thread_pool_parallel_for(pool.get(), count, AddIndex, &c);
        if (c.calls.load() != count || c.sum.load() != count * (count - 1) / 2) ++failures;
      }
    });
  }
  for (std::thread &caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadPool, MoreCallersThanJobSlots) {
  // Beyond the pool's job slots callers run inline; results stay correct.
  PoolPtr pool = CreatePool(2);
  ASSERT_TRUE(pool);
  constexpr int kCallers = 24;
  std::atomic<int> failures{0};
  std::vector<std::thread> callers;
  for (int t = 0; t < kCallers; ++t) {
    callers.emplace_back([&] {
      for (int round = 0; round < 50; ++round) {
        SumClosure c;
        xfrt_thread_pool_parallel_for(
            pool.get(), 2000,
            [](void *closure, int64_t i) {
              AddIndex(closure, i);
              if (i % 500 == 0) std::this_thread::yield();
            },
            &c);
        if (c.sum.load() != 2000 * 1999 / 2) ++failures;
      }
    });
  }
  for (std::thread &caller : callers) caller.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(ThreadPool, CreateAndDestroyRepeatedly) {
  // Shutdown must not race with workers that are just starting or spinning.
  for (int i = 0; i < 50; ++i) {
    PoolPtr pool = CreatePool(4);
    ASSERT_TRUE(pool);
    if (i % 2) ExpectCovers(pool.get(), 100);
  }
}

TEST(ThreadPool, WorkersWakeAfterSleeping) {
  // Let the workers pass their spin phase and block, then make sure a new
  // loop still reaches them (no lost wake-up).
  PoolPtr pool = CreatePool(4);
  ASSERT_TRUE(pool);
  for (int i = 0; i < 5; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    ExpectCovers(pool.get(), 10000);
  }
}

TEST(ThreadPool, NullTaskIsIgnored) {
  PoolPtr pool = CreatePool(2);
  xfrt_thread_pool_parallel_for(pool.get(), 10, nullptr, nullptr);
  xfrt_thread_pool_release(nullptr);
}

}  // namespace
