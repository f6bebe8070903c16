// One loaded model run by many threads at once, each with its own context:
// the runtime's central concurrency promise.
#include <atomic>
#include <thread>
#include <vector>

#include "test_util.h"

namespace {

using xfrt_test::ContextPtr;
using xfrt_test::CreateContext;
using xfrt_test::CreatePool;
using xfrt_test::LoadModel;
using xfrt_test::ModelPtr;
using xfrt_test::PoolPtr;
using xfrt_test::Tensor;

constexpr int64_t kRows = 256, kCols = 1024;

// Each thread runs the saxpy model `rounds` times on its own data and
// checks every result; returns the number of wrong runs.
int RunSaxpyThread(xfrt_model *model, xfrt_thread_pool *pool, int thread, int rounds) {
  ContextPtr context = CreateContext(model, pool);
  if (!context) return rounds;
  std::vector<float> x(kRows * kCols);
  const int64_t shape[2] = {kRows, kCols};
  xfrt_tensor input;
  Tensor output;
  int failures = 0;
  for (int round = 0; round < rounds; ++round) {
    const float base = static_cast<float>(thread * 1000 + round);
    for (size_t i = 0; i < x.size(); ++i) x[i] = base + static_cast<float>(i % 97);
    xfrt_status status = xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, x.data(),
                                          x.size() * sizeof(float), &input);
    if (!status) status = xfrt_context_run(context.get(), &input, 1, &output.t, 1);
    if (status) {
      ADD_FAILURE() << xfrt_status_message(status);
      xfrt_status_free(status);
      ++failures;
      continue;
    }
    const float *y = static_cast<const float *>(output.t.data);
    for (size_t i = 0; i < x.size(); ++i) {
      if (y[i] != 2.0f * x[i] + 1.0f) {
        ++failures;
        break;
      }
    }
  }
  return failures;
}

void RunManyThreads(xfrt_model *model, xfrt_thread_pool *pool, int threads, int rounds) {
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t)
    workers.emplace_back([&, t] { failures += RunSaxpyThread(model, pool, t, rounds); });
  for (std::thread &worker : workers) worker.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Concurrency, EightThreadsShareModelAndPool) {
  ModelPtr model = LoadModel(XFRT_TEST_SAXPY_MODEL);
  ASSERT_TRUE(model);
  PoolPtr pool = CreatePool(4);
  ASSERT_TRUE(pool);
  RunManyThreads(model.get(), pool.get(), 8, 20);
}

TEST(Concurrency, EightThreadsWithoutPool) {
  ModelPtr model = LoadModel(XFRT_TEST_SAXPY_MODEL);
  ASSERT_TRUE(model);
  RunManyThreads(model.get(), nullptr, 8, 10);
}

TEST(Concurrency, EightThreadsEachWithOwnPool) {
  ModelPtr model = LoadModel(XFRT_TEST_SAXPY_MODEL);
  ASSERT_TRUE(model);
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < 8; ++t) {
    workers.emplace_back([&, t] {
      PoolPtr pool = CreatePool(2);
      failures += pool ? RunSaxpyThread(model.get(), pool.get(), t, 5) : 1;
    });
  }
  for (std::thread &worker : workers) worker.join();
  EXPECT_EQ(failures.load(), 0);
}

TEST(Concurrency, LoadAndReleaseWhileOthersRun) {
  // Loading and releasing references to the same library concurrently must
  // neither unload it under a running thread nor leak it.
  ModelPtr model = LoadModel(XFRT_TEST_SAXPY_MODEL);
  ASSERT_TRUE(model);
  PoolPtr pool = CreatePool(2);
  std::atomic<bool> done{false};
  std::thread loader([&] {
    while (!done) {
      xfrt_model *extra = nullptr;
      xfrt_status status = xfrt_model_load(XFRT_TEST_SAXPY_MODEL, &extra);
      EXPECT_OK(status);
      xfrt_model_release(extra);
    }
  });
  RunManyThreads(model.get(), pool.get(), 4, 5);
  done = true;
  loader.join();
}

}  // namespace
