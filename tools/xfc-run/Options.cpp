//===- Options.cpp - parsing xfc-run's command line -----------------------===//
//
// Every option takes the `--name=value` form; `--test-data-dir DIR` (the
// form in DESIGN.md) and other valued options also accept the value as the
// next argument. Numbers are parsed strictly: "--rtol=1e-3x" is an error,
// not 1e-3.
//
//===----------------------------------------------------------------------===//
#include "Options.h"

#include <cerrno>
#include <cmath>
#include <cstdlib>

#include "Error.h"

namespace xfc::run {
namespace {

double parseDouble(const std::string &name, const std::string &text) {
  char *end = nullptr;
  errno = 0;
  double value = std::strtod(text.c_str(), &end);
  if (text.empty() || *end != '\0' || errno == ERANGE || !std::isfinite(value) ||
      value < 0)
    throw Error("", "--" + name + " needs a non-negative number, not '" +
                        text + "'");
  return value;
}

int64_t parseInt(const std::string &name, const std::string &text,
                 int64_t minimum, int64_t maximum) {
  char *end = nullptr;
  errno = 0;
  long long value = std::strtoll(text.c_str(), &end, 10);
  if (text.empty() || *end != '\0' || errno == ERANGE || value < minimum ||
      value > maximum)
    throw Error("", "--" + name + " needs an integer in [" +
                        std::to_string(minimum) + ", " +
                        std::to_string(maximum) + "], not '" + text + "'");
  return value;
}

} // namespace

const char *usageText() {
  return R"(usage: xfc-run MODEL.so [options]

Runs a model compiled by xfc, checks it against reference outputs, and
benchmarks it.

  --test-data-dir DIR  read DIR/input_<i>.pb (ONNX TensorProto, or Sequence-
                       or OptionalProto for such values, in the model's
                       input order; a missing trailing optional is absent)
                       and compare with DIR/output_<i>.pb
  --output-dir DIR     write the inputs and outputs of the run to DIR as
                       input_<i>.pb and output_<i>.pb, named after the
                       model's inputs and outputs (a backend-test directory)
  --rtol=R --atol=A    tolerance: |got - want| <= A + R*|want|
                       (defaults 1e-3 and 1e-4; integers must be exact)
  --random             random inputs (the default without --test-data-dir)
  --seed=S             seed of the random inputs (default 0)
  --dynamic-dim=D      size of dynamic dimensions of random inputs (default 1)
  --benchmark=N        time N runs and print latency statistics
  --warmup=W           untimed runs before the benchmark (default 3)
  --threads=T          threads for the model (default: one per CPU)
  --json               print the benchmark as one JSON object on stdout
  --print=K            values printed per output (default 8)
  --help               this text

Exit status: 0 when every output matches (or there is nothing to compare),
1 when an output does not match, 2 on any other error.
)";
}

Options parseOptions(const std::vector<std::string> &args) {
  Options options;
  std::vector<std::string> positional;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string &arg = args[i];
    if (arg.size() < 2 || arg.compare(0, 2, "--") != 0) {
      if (arg.size() > 1 && arg[0] == '-')
        throw Error("", "unknown option '" + arg + "' (see --help)");
      positional.push_back(arg);
      continue;
    }
    std::string name = arg.substr(2);
    std::string value;
    bool hasValue = false;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
      hasValue = true;
    }
    auto flag = [&]() {
      if (hasValue)
        throw Error("", "--" + name + " takes no value");
    };
    auto takeValue = [&]() -> std::string {
      if (hasValue)
        return value;
      if (i + 1 >= args.size())
        throw Error("", "--" + name + " needs a value");
      return args[++i];
    };
    if (name == "help") {
      flag();
      options.help = true;
    } else if (name == "test-data-dir") {
      options.testDataDir = takeValue();
      if (options.testDataDir.empty())
        throw Error("", "--test-data-dir needs a directory");
    } else if (name == "output-dir") {
      options.outputDir = takeValue();
      if (options.outputDir.empty())
        throw Error("", "--output-dir needs a directory");
    } else if (name == "rtol") {
      options.tolerance.rtol = parseDouble(name, takeValue());
    } else if (name == "atol") {
      options.tolerance.atol = parseDouble(name, takeValue());
    } else if (name == "random") {
      flag();
      options.random = true;
    } else if (name == "seed") {
      options.seed = static_cast<uint64_t>(
          parseInt(name, takeValue(), 0, INT64_MAX));
    } else if (name == "dynamic-dim") {
      options.dynamicDim = parseInt(name, takeValue(), 0, 1 << 30);
    } else if (name == "benchmark") {
      options.benchmarkRuns = parseInt(name, takeValue(), 1, 100000000);
    } else if (name == "warmup") {
      options.warmupRuns = parseInt(name, takeValue(), 0, 100000000);
    } else if (name == "threads") {
      options.threads =
          static_cast<int32_t>(parseInt(name, takeValue(), 0, 4096));
    } else if (name == "json") {
      flag();
      options.json = true;
    } else if (name == "print") {
      options.printLimit = parseInt(name, takeValue(), 0, INT64_MAX);
    } else {
      throw Error("", "unknown option '" + arg + "' (see --help)");
    }
  }
  if (options.help)
    return options;
  if (positional.empty())
    throw Error("", "no model given (usage: xfc-run MODEL.so [options]; see "
                    "--help)");
  if (positional.size() > 1)
    throw Error("", "more than one model given: '" + positional[0] + "' and '" +
                        positional[1] + "'");
  options.modelPath = positional[0];
  if (options.random && !options.testDataDir.empty())
    throw Error("", "--random and --test-data-dir exclude each other");
  if (options.json && options.benchmarkRuns == 0)
    throw Error("", "--json needs --benchmark=N");
  return options;
}

} // namespace xfc::run
