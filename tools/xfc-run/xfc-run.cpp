//===- xfc-run.cpp - run, check and benchmark a compiled model ------------===//
//
//   xfc-run OUT.so --test-data-dir DIR [--rtol=R] [--atol=A]
//   xfc-run OUT.so --test-data-dir DIR --benchmark=N [--warmup=W]
//           [--threads=T] [--json]
//   xfc-run OUT.so [--test-data-dir DIR | --random --seed=S] --output-dir OUT
//
// Loads the model through xfrt, feeds it the inputs of an ONNX backend-test
// directory (or random ones), compares the outputs with the references
// using numpy.allclose's rule, and optionally times repeated runs.
//
// Exit status: 0 all outputs match (or nothing to compare), 1 an output
// differs, 2 any other error. Errors are one line on stderr:
// `xfc-run: <file>: <what>`.
//
//===----------------------------------------------------------------------===//
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>
#include <new>
#include <string>
#include <unistd.h>
#include <vector>

#include "Benchmark.h"
#include "CheckOutputs.h"
#include "Compare.h"
#include "Error.h"
#include "HostTensor.h"
#include "Options.h"
#include "TestData.h"
#include "ValueGroups.h"
#include "Values.h"
#include "xfrt/xfrt.h"

using namespace xfc::run;

namespace {

constexpr int kExitMatch = 0;
constexpr int kExitMismatch = 1;
constexpr int kExitError = 2;

struct ModelDeleter {
  void operator()(xfrt_model *model) const { xfrt_model_release(model); }
};
struct PoolDeleter {
  void operator()(xfrt_thread_pool *pool) const {
    xfrt_thread_pool_release(pool);
  }
};
struct ContextDeleter {
  void operator()(xfrt_context *context) const {
    xfrt_context_release(context);
  }
};

/// The output tensors of a run, reused across runs (the runtime allocates
/// them on the first run and writes into them afterwards).
class OutputList {
public:
  explicit OutputList(size_t count) : tensors_(count) {
    for (xfrt_tensor &tensor : tensors_)
      std::memset(&tensor, 0, sizeof tensor);
  }
  ~OutputList() {
    for (xfrt_tensor &tensor : tensors_)
      xfrt_tensor_release(&tensor);
  }
  OutputList(const OutputList &) = delete;
  OutputList &operator=(const OutputList &) = delete;
  xfrt_tensor *data() { return tensors_.data(); }

private:
  std::vector<xfrt_tensor> tensors_;
};

// For the crash handler: a crash inside compiled code should still produce
// the one-line diagnostic the test drivers parse.
char g_crash_message[512];

extern "C" void onFatalSignal(int signal) {
  ssize_t ignored =
      write(STDERR_FILENO, g_crash_message, std::strlen(g_crash_message));
  (void)ignored;
  std::signal(signal, SIG_DFL);
  std::raise(signal);
}

void installCrashHandler(const std::string &modelPath) {
  std::snprintf(g_crash_message, sizeof g_crash_message,
                "xfc-run: %s: the model crashed (fatal signal)\n",
                modelPath.c_str());
  for (int signal : {SIGSEGV, SIGBUS, SIGFPE, SIGILL})
    std::signal(signal, onFatalSignal);
}

std::string formatTolerance(const Tolerance &tolerance) {
  char buffer[96];
  std::snprintf(buffer, sizeof buffer, "rtol=%g, atol=%g", tolerance.rtol,
                tolerance.atol);
  return buffer;
}

/// Whether two paths name the same existing directory.
bool sameDirectory(const std::string &a, const std::string &b) {
  std::unique_ptr<char, decltype(&std::free)> realA(realpath(a.c_str(), nullptr),
                                                    &std::free);
  std::unique_ptr<char, decltype(&std::free)> realB(realpath(b.c_str(), nullptr),
                                                    &std::free);
  return realA && realB && std::strcmp(realA.get(), realB.get()) == 0;
}

int runTool(const std::vector<std::string> &args) {
  Options options = parseOptions(args);
  if (options.help) {
    std::fputs(usageText(), stdout);
    return kExitMatch;
  }
  if (!options.outputDir.empty() && !options.testDataDir.empty() &&
      sameDirectory(options.outputDir, options.testDataDir))
    throw Error(options.outputDir, "--output-dir would overwrite the reference "
                                   "outputs of --test-data-dir");
  // What a person reads. In --json mode stdout carries exactly one JSON
  // object, so the report goes to stderr, and only if the check fails.
  std::string out;

  xfrt_model *rawModel = nullptr;
  check(xfrt_model_load(options.modelPath.c_str(), &rawModel), "");
  std::unique_ptr<xfrt_model, ModelDeleter> model(rawModel);
  xfrt_thread_pool *rawPool = nullptr;
  check(xfrt_thread_pool_create(options.threads, &rawPool), options.modelPath);
  std::unique_ptr<xfrt_thread_pool, PoolDeleter> pool(rawPool);
  xfrt_context *rawContext = nullptr;
  check(xfrt_context_create(model.get(), pool.get(), &rawContext),
        options.modelPath);
  std::unique_ptr<xfrt_context, ContextDeleter> context(rawContext);
  const int32_t threads = xfrt_thread_pool_num_threads(pool.get());

  const bool useRandom = options.testDataDir.empty();
  std::vector<HostTensor> inputs =
      useRandom ? makeRandomInputs(model.get(), options.seed, options.dynamicDim)
                : readTestInputs(model.get(), options.testDataDir);
  std::vector<Reference> references;
  if (!useRandom)
    references = readReferenceOutputs(model.get(), options.testDataDir);

  // Non-owning copies: the HostTensors keep the buffers.
  std::vector<xfrt_tensor> inputStructs;
  for (HostTensor &input : inputs) {
    inputStructs.push_back(input.raw());
    inputStructs.back().flags = 0;
  }
  const int32_t numOutputs = xfrt_model_num_outputs(model.get());
  OutputList outputs(static_cast<size_t>(numOutputs));
  auto runOnce = [&] {
    check(xfrt_context_run(context.get(), inputStructs.data(),
                           static_cast<int32_t>(inputStructs.size()),
                           outputs.data(), numOutputs),
          options.modelPath);
  };

  // Counts are of ONNX values: a sequence or an optional is one input or
  // output however many tensors carry it.
  const int numInputValues = static_cast<int>(groupInputs(model.get()).size());
  const int numOutputValues = static_cast<int>(groupOutputs(model.get()).size());
  appendf(out, "model '%s' (%s): %d input%s, %d output%s, %d thread%s\n",
               xfrt_model_name(model.get()), options.modelPath.c_str(),
               numInputValues, numInputValues == 1 ? "" : "s", numOutputValues,
               numOutputValues == 1 ? "" : "s", threads, threads == 1 ? "" : "s");
  installCrashHandler(options.modelPath);
  if (!options.json) {
    std::fputs(out.c_str(), stdout);
    std::fflush(stdout); // the header survives a crash in the model
    out.clear();
  }
  runOnce();
  if (!options.outputDir.empty())
    writeTestData(model.get(), options.outputDir, inputStructs.data(),
                  outputs.data());
  const int failures =
      checkOutputs(model.get(), outputs.data(), references, options, out);
  const std::string tolerance = formatTolerance(options.tolerance);
  const char *checkResult = "none";
  if (failures > 0) {
    checkResult = "fail";
    appendf(out, "FAIL: %d of %d output%s %s not match (%s)\n", failures,
                 numOutputValues, numOutputValues == 1 ? "" : "s",
                 failures == 1 ? "does" : "do", tolerance.c_str());
  } else if (!references.empty()) {
    checkResult = "pass";
    appendf(out, "PASS: %zu output%s match%s (%s)\n", references.size(),
                 references.size() == 1 ? "" : "s",
                 references.size() == 1 ? "es" : "", tolerance.c_str());
  } else if (useRandom) {
    appendf(out, "OK: ran on random inputs (seed %llu); nothing to "
                      "compare\n",
                 static_cast<unsigned long long>(options.seed));
  } else {
    appendf(out, "OK: ran; %s has no output_<i>.pb to compare\n",
                 options.testDataDir.c_str());
  }

  if (!options.json || failures > 0)
    std::fputs(out.c_str(), options.json ? stderr : stdout);

  if (options.benchmarkRuns > 0) {
    for (int64_t i = 0; i < options.warmupRuns; ++i)
      runOnce();
    std::vector<double> samples;
    samples.reserve(static_cast<size_t>(options.benchmarkRuns));
    for (int64_t i = 0; i < options.benchmarkRuns; ++i) {
      auto start = std::chrono::steady_clock::now();
      runOnce();
      auto end = std::chrono::steady_clock::now();
      samples.push_back(
          std::chrono::duration<double, std::milli>(end - start).count());
    }
    LatencyStats stats = computeStats(std::move(samples));
    if (options.json) {
      std::printf(
          "{\"model\": %s, \"name\": %s, \"threads\": %d, \"runs\": %lld, "
          "\"warmup\": %lld, \"p50_ms\": %s, \"p90_ms\": %s, \"min_ms\": %s, "
          "\"max_ms\": %s, \"mean_ms\": %s, \"stddev_ms\": %s, "
          "\"check\": \"%s\"}\n",
          jsonString(options.modelPath).c_str(),
          jsonString(xfrt_model_name(model.get())).c_str(), threads,
          static_cast<long long>(stats.runs),
          static_cast<long long>(options.warmupRuns),
          jsonNumber(stats.p50Ms).c_str(), jsonNumber(stats.p90Ms).c_str(),
          jsonNumber(stats.minMs).c_str(), jsonNumber(stats.maxMs).c_str(),
          jsonNumber(stats.meanMs).c_str(), jsonNumber(stats.stddevMs).c_str(),
          checkResult);
    } else {
      std::printf("benchmark: %lld runs after %lld warm-up, %d thread%s: "
                  "p50 %.6f ms, p90 %.6f ms, min %.6f ms, mean %.6f ms, "
                  "max %.6f ms\n",
                  static_cast<long long>(stats.runs),
                  static_cast<long long>(options.warmupRuns), threads,
                  threads == 1 ? "" : "s", stats.p50Ms, stats.p90Ms,
                  stats.minMs, stats.meanMs, stats.maxMs);
    }
  }
  std::fflush(stdout);
  return failures > 0 ? kExitMismatch : kExitMatch;
}

void printError(const std::string &file, const char *what) {
  if (file.empty())
    std::fprintf(stderr, "xfc-run: %s\n", what);
  else
    std::fprintf(stderr, "xfc-run: %s: %s\n", file.c_str(), what);
}

} // namespace

int main(int argc, char **argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    return runTool(args);
  } catch (const Error &error) {
    printError(error.file(), error.what());
  } catch (const std::bad_alloc &) {
    printError("", "out of memory");
  } catch (const std::exception &error) {
    printError("", (std::string("internal error: ") + error.what()).c_str());
  } catch (...) {
    printError("", "internal error: unknown exception");
  }
  return kExitError;
}
