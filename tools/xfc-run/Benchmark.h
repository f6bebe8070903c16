//===- Benchmark.h - latency statistics -------------------------*- C++ -*-===//
#ifndef XFC_TOOLS_XFC_RUN_BENCHMARK_H
#define XFC_TOOLS_XFC_RUN_BENCHMARK_H

#include <cstdint>
#include <string>
#include <vector>

namespace xfc::run {

struct LatencyStats {
  int64_t runs = 0;
  double minMs = 0, maxMs = 0, meanMs = 0, stddevMs = 0;
  double p50Ms = 0, p90Ms = 0;
};

/// Percentiles interpolate linearly between order statistics (numpy's
/// default), so p50 of an even count is the mean of the middle two.
LatencyStats computeStats(std::vector<double> samplesMs);

/// `text` as a JSON string literal, quotes included.
std::string jsonString(const std::string &text);

/// A finite double as a JSON number.
std::string jsonNumber(double value);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_BENCHMARK_H
