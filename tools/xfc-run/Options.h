//===- Options.h - xfc-run's command line -----------------------*- C++ -*-===//
#ifndef XFC_TOOLS_XFC_RUN_OPTIONS_H
#define XFC_TOOLS_XFC_RUN_OPTIONS_H

#include <cstdint>
#include <string>
#include <vector>

#include "Compare.h"

namespace xfc::run {

struct Options {
  std::string modelPath;
  std::string testDataDir; ///< empty: random inputs
  std::string outputDir;   ///< where to write the run's inputs and outputs
  Tolerance tolerance;
  bool random = false;       ///< explicit --random (implied without a dir)
  uint64_t seed = 0;
  int64_t dynamicDim = 1;    ///< size of dynamic dimensions of random inputs
  int64_t benchmarkRuns = 0; ///< 0: no benchmark
  int64_t warmupRuns = 3;
  int32_t threads = 0;       ///< 0: one per CPU
  bool json = false;
  int64_t printLimit = 8;    ///< values printed per tensor
  bool help = false;
};

/// Parses argv; throws Error("", ...) on a usage error.
Options parseOptions(const std::vector<std::string> &args);

/// The --help text.
const char *usageText();

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_OPTIONS_H
