//===- Compare.cpp - allclose and value printing --------------------------===//
#include "Compare.h"

#include <cmath>

#include "Values.h"

namespace xfc::run {

std::string formatIndex(const std::vector<int64_t> &shape, int64_t index) {
  std::vector<int64_t> position(shape.size());
  for (size_t d = shape.size(); d-- > 0;) {
    if (shape[d] > 0) {
      position[d] = index % shape[d];
      index /= shape[d];
    }
  }
  return formatShape(position);
}

std::string formatValues(const xfrt_tensor &tensor, int64_t limit) {
  int64_t count = xfrt_tensor_element_count(&tensor);
  std::string text = "[";
  for (int64_t i = 0; i < count && i < limit; ++i) {
    if (i)
      text += ", ";
    text += formatElement(tensor.element_type, tensor.data, i);
  }
  if (count > limit)
    text += ", ... (" + std::to_string(count) + " values)";
  return text + "]";
}

Comparison compareTensors(const xfrt_tensor &actual,
                          const xfrt_tensor &expected,
                          const Tolerance &tolerance) {
  Comparison result;
  if (actual.element_type != expected.element_type) {
    result.structuralProblem =
        std::string("element type is ") +
        xfrt_element_type_name(actual.element_type) + ", the reference is " +
        xfrt_element_type_name(expected.element_type);
    return result;
  }
  if (shapeOf(actual) != shapeOf(expected)) {
    result.structuralProblem = "shape is " + formatShape(shapeOf(actual)) +
                               ", the reference is " +
                               formatShape(shapeOf(expected));
    return result;
  }
  const int32_t type = actual.element_type;
  const int64_t count = xfrt_tensor_element_count(&actual);
  auto noteMismatch = [&](int64_t i) {
    if (result.mismatches++ == 0)
      result.firstMismatch = i;
  };
  if (isFloatType(type)) {
    for (int64_t i = 0; i < count; ++i) {
      double a = loadFloat(type, actual.data, i);
      double b = loadFloat(type, expected.data, i);
      if (std::isnan(a) || std::isnan(b)) {
        if (!(std::isnan(a) && std::isnan(b)))
          noteMismatch(i);
        continue;
      }
      if (std::isinf(a) || std::isinf(b)) {
        if (a != b)
          noteMismatch(i);
        continue;
      }
      double diff = std::fabs(a - b);
      double rel = diff == 0 ? 0 : (b == 0 ? INFINITY : diff / std::fabs(b));
      if (diff > result.maxAbsError)
        result.maxAbsError = diff;
      if (rel > result.maxRelError)
        result.maxRelError = rel;
      if (diff > tolerance.atol + tolerance.rtol * std::fabs(b))
        noteMismatch(i);
    }
  } else {
    for (int64_t i = 0; i < count; ++i) {
      uint64_t a = loadBits(type, actual.data, i);
      uint64_t b = loadBits(type, expected.data, i);
      if (a == b)
        continue;
      noteMismatch(i);
      double da = static_cast<double>(loadInteger(type, actual.data, i));
      double db = static_cast<double>(loadInteger(type, expected.data, i));
      double diff = std::fabs(da - db);
      double rel = db == 0 ? INFINITY : diff / std::fabs(db);
      if (diff > result.maxAbsError)
        result.maxAbsError = diff;
      if (rel > result.maxRelError)
        result.maxRelError = rel;
    }
  }
  result.match = result.mismatches == 0;
  return result;
}

} // namespace xfc::run
