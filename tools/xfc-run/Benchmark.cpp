//===- Benchmark.cpp - latency statistics and JSON helpers ----------------===//
#include "Benchmark.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace xfc::run {
namespace {

double percentile(const std::vector<double> &sorted, double fraction) {
  if (sorted.empty())
    return 0;
  double position = fraction * static_cast<double>(sorted.size() - 1);
  size_t lower = static_cast<size_t>(std::floor(position));
  size_t upper = std::min(lower + 1, sorted.size() - 1);
  double weight = position - static_cast<double>(lower);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * weight;
}

} // namespace

LatencyStats computeStats(std::vector<double> samplesMs) {
  LatencyStats stats;
  stats.runs = static_cast<int64_t>(samplesMs.size());
  if (samplesMs.empty())
    return stats;
  std::sort(samplesMs.begin(), samplesMs.end());
  stats.minMs = samplesMs.front();
  stats.maxMs = samplesMs.back();
  double sum = 0;
  for (double sample : samplesMs)
    sum += sample;
  stats.meanMs = sum / static_cast<double>(samplesMs.size());
  double squares = 0;
  for (double sample : samplesMs)
    squares += (sample - stats.meanMs) * (sample - stats.meanMs);
  stats.stddevMs = std::sqrt(squares / static_cast<double>(samplesMs.size()));
  stats.p50Ms = percentile(samplesMs, 0.5);
  stats.p90Ms = percentile(samplesMs, 0.9);
  return stats;
}

std::string jsonString(const std::string &text) {
  std::string out = "\"";
  for (unsigned char c : text) {
    switch (c) {
    case '"':
      out += "\\\"";
      break;
    case '\\':
      out += "\\\\";
      break;
    case '\n':
      out += "\\n";
      break;
    case '\t':
      out += "\\t";
      break;
    default:
      if (c < 0x20) {
        char escape[8];
        std::snprintf(escape, sizeof escape, "\\u%04x", c);
        out += escape;
      } else {
        out += static_cast<char>(c);
      }
    }
  }
  return out + "\"";
}

std::string jsonNumber(double value) {
  if (!std::isfinite(value))
    return "null";
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.6g", value);
  return buffer;
}

} // namespace xfc::run
