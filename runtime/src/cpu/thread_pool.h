// A fork-join thread pool for the parallel loops of compiled models.
//
// Models call parallel_for hundreds of times per inference, often on loops
// of a few microseconds, so the per-call cost is what matters:
//
//   - The caller publishes a job (its descriptor lives on the caller's
//     stack), wakes workers only if some are asleep, and then works on the
//     job itself. Iterations are handed out in chunks through one atomic
//     counter (dynamic scheduling: an early finisher takes more chunks).
//   - Idle workers spin for a short while on an epoch counter before they
//     sleep on a condition variable, so back-to-back loops start without a
//     kernel round trip while an idle pool costs no CPU.
//   - Several threads may call ParallelFor at once: each call takes one of
//     kMaxJobs job slots and workers help any slot with work left. A caller
//     always works on its own job, so no call waits for another one's work.
//     With every slot taken, a call runs on its caller's thread alone.
//   - A call from inside a task (nested) runs inline: the outer loop already
//     occupies the pool, and waiting on it from a task could deadlock.
//
// Job lifetime: a worker "attaches" to a slot (counter increment) before it
// reads the slot's job pointer and detaches when it stops. The caller clears
// the pointer once every chunk has been handed out and then waits until no
// worker is attached; after that no thread can touch the job, so the caller
// may return and its stack frame (the job) disappear.
#ifndef XFRT_SRC_CPU_THREAD_POOL_H
#define XFRT_SRC_CPU_THREAD_POOL_H

#include <stdint.h>

#include <atomic>
#include <condition_variable>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace xfrt {

using TaskFn = void (*)(void *closure, int64_t index);

class ThreadPool {
 public:
  /// Calls in flight at once before further callers run inline.
  static constexpr int kMaxJobs = 16;

  /// `num_threads` counts the calling thread: num_threads - 1 workers are
  /// started. Throws std::system_error if a thread cannot be created.
  explicit ThreadPool(int num_threads);
  ~ThreadPool();

  ThreadPool(const ThreadPool &) = delete;
  ThreadPool &operator=(const ThreadPool &) = delete;

  int num_threads() const { return static_cast<int>(workers_.size()) + 1; }

  /// Runs task(closure, i) for i in [0, count); returns when all are done.
  void ParallelFor(int64_t count, TaskFn task, void *closure);

  /// Runs the loop on the calling thread (the NULL-pool and nested path).
  static void RunInline(int64_t count, TaskFn task, void *closure);

 private:
  struct Job {
    TaskFn task;
    void *closure;
    int64_t count;
    int64_t chunk;
    // Next unclaimed index; on its own cache line because every thread
    // hammers it while the rest of the job is read-only.
    alignas(64) std::atomic<int64_t> next{0};
  };

  struct alignas(64) Slot {
    std::atomic<bool> claimed{false};    // a caller owns this slot
    std::atomic<Job *> job{nullptr};     // published job, NULL when none
    std::atomic<int32_t> attached{0};    // workers that may be using `job`
    std::atomic<bool> caller_sleeping{false};
    std::mutex mutex;                    // for the caller's blocking wait
    std::condition_variable detached;
  };

  void WorkerMain(int worker_index);
  /// Runs chunks of any published job; true if at least one chunk ran.
  bool HelpWithJobs(int start_slot);
  /// Claims and runs chunks of `job` until none are left; true if any ran.
  static bool RunChunks(Job *job);
  Slot *AcquireSlot();
  void WakeWorkers(int64_t wanted);
  void WaitUntilDetached(Slot *slot);

  void Shutdown();
  /// Spins until the epoch moves away from `seen` or the spin budget runs
  /// out; true if it moved.
  bool SpinWhileEpochIs(uint64_t seen) const;

  std::vector<std::thread> workers_;
  std::unique_ptr<Slot[]> slots_;
  // How long an idle thread spins before it blocks (XFRT_SPIN_US).
  int64_t spin_ns_;

  // Bumped on every publish and at shutdown; idle workers watch it.
  alignas(64) std::atomic<uint64_t> epoch_{0};
  std::atomic<int32_t> sleeping_workers_{0};
  std::atomic<bool> stopping_{false};
  std::mutex wake_mutex_;
  std::condition_variable wake_;
};

/// CPUs this process may run on (sched_getaffinity), at least 1.
int CpuCount();

}  // namespace xfrt

/// The C handle: a reference count around the pool.
struct xfrt_thread_pool {
  explicit xfrt_thread_pool(int num_threads) : pool(num_threads) {}
  std::atomic<int32_t> ref_count{1};
  xfrt::ThreadPool pool;
};

#endif  // XFRT_SRC_CPU_THREAD_POOL_H
