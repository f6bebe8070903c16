//===- Compare.h - checking outputs against references ----------*- C++ -*-===//
//
// numpy.allclose semantics: a value matches when |a - b| <= atol + rtol*|b|
// (b the reference); NaN matches NaN at the same position, an infinity only
// the same infinity. Integer and bool tensors must match exactly; a type or
// shape difference is a mismatch.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_COMPARE_H
#define XFC_TOOLS_XFC_RUN_COMPARE_H

#include <cstdint>
#include <string>

#include "HostTensor.h"

namespace xfc::run {

struct Tolerance {
  double rtol = 1e-3;
  double atol = 1e-4;
};

struct Comparison {
  bool match = false;
  /// Set when the tensors cannot be compared element by element (type or
  /// shape differ); the error fields are then meaningless.
  std::string structuralProblem;
  /// Over finite pairs only; rel = |a-b| / |b| (inf when b == 0 != a).
  double maxAbsError = 0;
  double maxRelError = 0;
  int64_t mismatches = 0;
  int64_t firstMismatch = -1; ///< flat index
};

Comparison compareTensors(const xfrt_tensor &actual,
                          const xfrt_tensor &expected,
                          const Tolerance &tolerance);

/// "[1, 2, 3, ...]" with at most `limit` values.
std::string formatValues(const xfrt_tensor &tensor, int64_t limit);

/// The multi-index of flat `index` in `shape`, as "[1,2]".
std::string formatIndex(const std::vector<int64_t> &shape, int64_t index);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_COMPARE_H
