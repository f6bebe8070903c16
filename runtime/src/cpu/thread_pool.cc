// The fork-join thread pool behind xfrt_exec_env.parallel_for. The design
// (job slots, attach/detach, spin-then-sleep) is described in thread_pool.h.
//
// Memory ordering: the operations that decide whether a thread may sleep
// (epoch/sleeping_workers_, attached/caller_sleeping) are sequentially
// consistent pairs in the Dekker style: each side writes its flag and then
// reads the other's, so at least one of them sees the other and no wake-up
// is lost. Everything else is acquire/release or relaxed.
#include "cpu/thread_pool.h"

#include <sched.h>
#include <stdlib.h>

#include <chrono>
#include <functional>
#include <new>
#include <system_error>

#include "core/status.h"
#include "xfrt/xfrt.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

namespace xfrt {
namespace {

// Default spin before blocking. Long enough to bridge the serial code
// between two parallel loops of one inference, short enough that an idle
// pool stops burning CPU almost at once.
constexpr int64_t kDefaultSpinMicros = 100;

// Above this count the chunk counter could overflow int64; such loops do not
// exist in practice, so they simply run inline.
constexpr int64_t kMaxParallelCount = INT64_MAX / 4;

// > 0 while this thread runs a task (of any pool): parallel_for then runs
// inline.
thread_local int t_task_depth = 0;

struct TaskScope {
  TaskScope() { ++t_task_depth; }
  ~TaskScope() { --t_task_depth; }
};

inline void CpuRelax() {
#if defined(__x86_64__) || defined(__i386__)
  _mm_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}

int64_t NowNs() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             std::chrono::steady_clock::now().time_since_epoch())
      .count();
}

int64_t SpinBudgetNs() {
  int64_t micros = kDefaultSpinMicros;
  if (const char *text = getenv("XFRT_SPIN_US")) {
    char *end = nullptr;
    long long value = strtoll(text, &end, 10);
    if (end != text && *end == '\0' && value >= 0 && value <= 10 * 1000 * 1000)
      micros = value;
  }
  return micros * 1000;
}

// Chunks per thread: enough that a thread that finishes early (or starts
// late, after waking) takes over work of a slow one, few enough that the
// shared counter is not contended.
constexpr int64_t kChunksPerThread = 4;

}  // namespace

int CpuCount() {
  cpu_set_t set;
  CPU_ZERO(&set);
  if (sched_getaffinity(0, sizeof(set), &set) == 0) {
    int count = CPU_COUNT(&set);
    if (count > 0) return count;
  }
  unsigned hardware = std::thread::hardware_concurrency();
  return hardware > 0 ? static_cast<int>(hardware) : 1;
}

ThreadPool::ThreadPool(int num_threads)
    : slots_(new Slot[kMaxJobs]), spin_ns_(SpinBudgetNs()) {
  if (num_threads < 1) num_threads = 1;
  try {
    workers_.reserve(static_cast<size_t>(num_threads - 1));
    for (int i = 0; i + 1 < num_threads; ++i)
      workers_.emplace_back(&ThreadPool::WorkerMain, this, i);
  } catch (...) {
    Shutdown();
    throw;
  }
}

ThreadPool::~ThreadPool() { Shutdown(); }

void ThreadPool::Shutdown() {
  stopping_.store(true, std::memory_order_seq_cst);
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  { std::lock_guard<std::mutex> lock(wake_mutex_); }
  wake_.notify_all();
  for (std::thread &worker : workers_)
    if (worker.joinable()) worker.join();
  workers_.clear();
}

void ThreadPool::RunInline(int64_t count, TaskFn task, void *closure) {
  TaskScope scope;
  for (int64_t i = 0; i < count; ++i) task(closure, i);
}

bool ThreadPool::RunChunks(Job *job) {
  bool ran = false;
  const int64_t count = job->count;
  const int64_t chunk = job->chunk;
  for (;;) {
    int64_t begin = job->next.fetch_add(chunk, std::memory_order_relaxed);
    if (begin >= count) return ran;
    int64_t end = count - begin > chunk ? begin + chunk : count;
    ran = true;
    for (int64_t i = begin; i < end; ++i) job->task(job->closure, i);
  }
}

ThreadPool::Slot *ThreadPool::AcquireSlot() {
  // Start at a per-thread position so concurrent callers rarely collide.
  static thread_local unsigned hint = static_cast<unsigned>(
      std::hash<std::thread::id>()(std::this_thread::get_id()));
  for (int k = 0; k < kMaxJobs; ++k) {
    Slot &slot = slots_[(hint + static_cast<unsigned>(k)) % kMaxJobs];
    if (slot.claimed.load(std::memory_order_relaxed)) continue;
    if (!slot.claimed.exchange(true, std::memory_order_acquire)) return &slot;
  }
  return nullptr;
}

void ThreadPool::WakeWorkers(int64_t wanted) {
  epoch_.fetch_add(1, std::memory_order_seq_cst);
  int32_t sleeping = sleeping_workers_.load(std::memory_order_seq_cst);
  if (sleeping == 0 || wanted <= 0) return;
  // Taking the mutex orders this wake-up after any worker that is between
  // its predicate check and its wait: it is then waiting and gets notified.
  { std::lock_guard<std::mutex> lock(wake_mutex_); }
  if (wanted >= sleeping) {
    wake_.notify_all();
  } else {
    for (int64_t i = 0; i < wanted; ++i) wake_.notify_one();
  }
}

bool ThreadPool::SpinWhileEpochIs(uint64_t seen) const {
  if (spin_ns_ <= 0) return false;
  const int64_t deadline = NowNs() + spin_ns_;
  for (int i = 1;; ++i) {
    if (epoch_.load(std::memory_order_acquire) != seen) return true;
    CpuRelax();
    // Reading the clock costs ~20ns: do it every few dozen pauses. Yield
    // now and then so an oversubscribed machine lets real work run.
    if ((i & 63) == 0) {
      if (NowNs() > deadline) return false;
      if ((i & 1023) == 0) std::this_thread::yield();
    }
  }
}

bool ThreadPool::HelpWithJobs(int start_slot) {
  bool ran = false;
  for (int k = 0; k < kMaxJobs; ++k) {
    Slot &slot = slots_[(start_slot + k) % kMaxJobs];
    if (!slot.job.load(std::memory_order_relaxed)) continue;
    // Attach before reading the job: the caller clears the pointer and then
    // waits for `attached` to drop to zero before its job goes away.
    slot.attached.fetch_add(1, std::memory_order_seq_cst);
    if (Job *job = slot.job.load(std::memory_order_seq_cst)) {
      TaskScope scope;
      ran |= RunChunks(job);
    }
    if (slot.attached.fetch_sub(1, std::memory_order_seq_cst) == 1 &&
        slot.caller_sleeping.load(std::memory_order_seq_cst)) {
      std::lock_guard<std::mutex> lock(slot.mutex);
      slot.detached.notify_one();
    }
  }
  return ran;
}

void ThreadPool::WaitUntilDetached(Slot *slot) {
  // Workers still attached are finishing their last chunk: usually a short
  // wait, so spin first.
  const int64_t deadline = NowNs() + spin_ns_;
  for (int i = 1;; ++i) {
    if (slot->attached.load(std::memory_order_acquire) == 0) return;
    CpuRelax();
    if ((i & 63) == 0 && NowNs() > deadline) break;
  }
  std::unique_lock<std::mutex> lock(slot->mutex);
  slot->caller_sleeping.store(true, std::memory_order_seq_cst);
  slot->detached.wait(lock, [slot] {
    return slot->attached.load(std::memory_order_seq_cst) == 0;
  });
  slot->caller_sleeping.store(false, std::memory_order_relaxed);
}

void ThreadPool::WorkerMain(int worker_index) {
  const int start_slot = worker_index % kMaxJobs;
  for (;;) {
    // Read the epoch before looking for work: a job published after this
    // read bumps the epoch, so the wait below cannot miss it.
    const uint64_t seen = epoch_.load(std::memory_order_seq_cst);
    if (stopping_.load(std::memory_order_acquire)) return;
    if (HelpWithJobs(start_slot)) continue;
    if (SpinWhileEpochIs(seen)) continue;
    std::unique_lock<std::mutex> lock(wake_mutex_);
    sleeping_workers_.fetch_add(1, std::memory_order_seq_cst);
    wake_.wait(lock, [this, seen] {
      return epoch_.load(std::memory_order_seq_cst) != seen;
    });
    sleeping_workers_.fetch_sub(1, std::memory_order_relaxed);
  }
}

void ThreadPool::ParallelFor(int64_t count, TaskFn task, void *closure) {
  if (count <= 0) return;
  if (count == 1 || workers_.empty() || t_task_depth > 0 ||
      count > kMaxParallelCount) {
    RunInline(count, task, closure);
    return;
  }
  Slot *slot = AcquireSlot();
  if (!slot) {
    RunInline(count, task, closure);
    return;
  }
  Job job;
  job.task = task;
  job.closure = closure;
  job.count = count;
  int64_t chunk = count / (num_threads() * kChunksPerThread);
  job.chunk = chunk > 0 ? chunk : 1;
  slot->job.store(&job, std::memory_order_seq_cst);
  const int64_t chunks = (count + job.chunk - 1) / job.chunk;
  WakeWorkers(chunks - 1);  // the caller takes one chunk itself
  {
    TaskScope scope;
    RunChunks(&job);
  }
  // Every chunk is handed out: stop new workers from attaching, then wait
  // for the attached ones to finish theirs.
  slot->job.store(nullptr, std::memory_order_seq_cst);
  WaitUntilDetached(slot);
  slot->claimed.store(false, std::memory_order_release);
}

}  // namespace xfrt

using namespace xfrt;

extern "C" {

xfrt_status xfrt_thread_pool_create(int32_t num_threads,
                                    xfrt_thread_pool **out_pool) {
  if (!out_pool) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_pool is NULL");
  if (num_threads < 0)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "num_threads is %d; use 0 for one thread per CPU", num_threads);
  if (num_threads == 0) num_threads = CpuCount();
  try {
    *out_pool = new xfrt_thread_pool(num_threads);
  } catch (const std::bad_alloc &) {
    return OutOfMemoryStatus();
  } catch (const std::system_error &error) {
    return MakeStatus(XFRT_STATUS_RESOURCE_EXHAUSTED,
                      "cannot start %d threads: %s", num_threads - 1, error.what());
  }
  return nullptr;
}

void xfrt_thread_pool_retain(xfrt_thread_pool *pool) {
  if (pool) pool->ref_count.fetch_add(1, std::memory_order_relaxed);
}

void xfrt_thread_pool_release(xfrt_thread_pool *pool) {
  if (pool && pool->ref_count.fetch_sub(1, std::memory_order_acq_rel) == 1) delete pool;
}

int32_t xfrt_thread_pool_num_threads(const xfrt_thread_pool *pool) {
  return pool ? pool->pool.num_threads() : 1;
}

void xfrt_thread_pool_parallel_for(xfrt_thread_pool *pool, int64_t count,
                                   void (*task)(void *closure, int64_t index),
                                   void *closure) {
  if (!task) return;
  if (pool) {
    pool->pool.ParallelFor(count, task, closure);
  } else if (count > 0) {
    ThreadPool::RunInline(count, task, closure);
  }
}

int32_t xfrt_cpu_count(void) { return CpuCount(); }

}  // extern "C"
