//===- CheckOutputs.cpp - comparing output values with references ---------===//
#include "CheckOutputs.h"

#include <cstdarg>
#include <cstdio>

#include "Compare.h"
#include "ValueGroups.h"
#include "Values.h"

namespace xfc::run {

void appendf(std::string &report, const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int length = std::vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length > 0) {
    size_t old = report.size();
    report.resize(old + static_cast<size_t>(length) + 1);
    std::vsnprintf(&report[old], static_cast<size_t>(length) + 1, format, args);
    report.resize(old + static_cast<size_t>(length));
  }
  va_end(args);
}

namespace {

std::string formatError(double value) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, "%.3g", value);
  return buffer;
}

std::string formatErrors(double maxAbs, double maxRel) {
  return "max abs err " + formatError(maxAbs) + ", max rel err " +
         formatError(maxRel);
}

/// "float32 [2,3] [1, 2, ...]".
std::string describeTensor(const xfrt_tensor &tensor, int64_t limit) {
  return std::string(xfrt_element_type_name(tensor.element_type)) + " " +
         formatShape(shapeOf(tensor)) + " " + formatValues(tensor, limit);
}

/// Appends the description of a tensor or sequence payload (the rest of
/// the output's header line, and one line per sequence element).
void describePayload(std::string &out, const ValueGroup &group,
                     const xfrt_tensor *entries, int64_t limit,
                     const std::string &origin) {
  if (!group.sequence) {
    appendf(out, "%s\n", describeTensor(entries[0], limit).c_str());
    return;
  }
  std::vector<xfrt_tensor> elements =
      sequenceElements(entries[0], entries[1], origin);
  appendf(out, "sequence of %zu %s tensor%s\n", elements.size(),
          xfrt_element_type_name(entries[0].element_type),
          elements.size() == 1 ? "" : "s");
  for (size_t i = 0; i < elements.size(); ++i)
    appendf(out, "  element %zu: %s\n", i,
            describeTensor(elements[i], limit).c_str());
}

/// Appends why `actual` does not match `expected`; `what` ("" or
/// "sequence 's' element 2: ") says which tensor, `referenceLabel` labels
/// the reference's values.
void reportMismatch(std::string &out, const std::string &path,
                    const std::string &what, const Comparison &comparison,
                    const xfrt_tensor &actual, const xfrt_tensor &expected,
                    const std::string &referenceLabel, int64_t limit) {
  if (!comparison.structuralProblem.empty()) {
    appendf(out, "  differs from %s: %s%s\n", path.c_str(), what.c_str(),
            comparison.structuralProblem.c_str());
    return;
  }
  int64_t at = comparison.firstMismatch;
  appendf(out,
          "  differs from %s: %s%s; %lld of %lld values out of tolerance, "
          "first at %s: got %s, want %s\n",
          path.c_str(), what.c_str(),
          formatErrors(comparison.maxAbsError, comparison.maxRelError).c_str(),
          static_cast<long long>(comparison.mismatches),
          static_cast<long long>(xfrt_tensor_element_count(&actual)),
          formatIndex(shapeOf(actual), at).c_str(),
          formatElement(actual.element_type, actual.data, at).c_str(),
          formatElement(expected.element_type, expected.data, at).c_str());
  appendf(out, "  %s: %s\n", referenceLabel.c_str(),
          formatValues(expected, limit).c_str());
}

/// Compares a tensor payload; returns whether it matches.
bool checkTensor(std::string &out, const std::string &path,
                 const xfrt_tensor &actual, const xfrt_tensor &expected,
                 const Options &options) {
  Comparison comparison = compareTensors(actual, expected, options.tolerance);
  if (comparison.match)
    appendf(out, "  matches %s: %s\n", path.c_str(),
            formatErrors(comparison.maxAbsError, comparison.maxRelError).c_str());
  else
    reportMismatch(out, path, "", comparison, actual, expected, "reference",
                   options.printLimit);
  return comparison.match;
}

/// Compares a sequence payload: length, then each element's type and shape
/// exactly and values with the tolerance. Reports the first element that
/// differs.
bool checkSequence(std::string &out, const std::string &path,
                   const ValueGroup &group, const xfrt_tensor *actual,
                   const std::vector<HostTensor> &expected,
                   const Options &options) {
  std::vector<xfrt_tensor> got =
      sequenceElements(actual[0], actual[1], options.modelPath);
  std::vector<xfrt_tensor> want =
      sequenceElements(expected[0].raw(), expected[1].raw(), path);
  if (got.size() != want.size()) {
    appendf(out, "  differs from %s: sequence '%s' has %zu elements, the "
                 "reference has %zu\n",
            path.c_str(), group.name.c_str(), got.size(), want.size());
    return false;
  }
  double maxAbs = 0, maxRel = 0;
  size_t failures = 0;
  for (size_t i = 0; i < got.size(); ++i) {
    Comparison comparison = compareTensors(got[i], want[i], options.tolerance);
    if (comparison.structuralProblem.empty()) {
      maxAbs = std::max(maxAbs, comparison.maxAbsError);
      maxRel = std::max(maxRel, comparison.maxRelError);
    }
    if (comparison.match || failures++ > 0)
      continue;
    std::string what = "sequence '" + group.name + "' element " +
                       std::to_string(i) + ": ";
    reportMismatch(out, path, what, comparison, got[i], want[i],
                   "reference element " + std::to_string(i), options.printLimit);
  }
  if (failures > 1)
    appendf(out, "  %zu of %zu elements differ\n", failures, got.size());
  if (failures == 0)
    appendf(out, "  matches %s: %zu element%s, %s\n", path.c_str(), got.size(),
            got.size() == 1 ? "" : "s", formatErrors(maxAbs, maxRel).c_str());
  return failures == 0;
}

/// Describes output value `index` and compares it with `reference` (if
/// any); returns whether it fails.
bool checkValue(int index, const ValueGroup &group, const xfrt_tensor *actual,
                const Reference *reference, const Options &options,
                std::string &out) {
  appendf(out, "output %d '%s': ", index, group.name.c_str());
  const bool present = !group.optional || flagIsSet(actual[group.flagIndex()]);
  if (group.optional)
    appendf(out, present ? "optional " : "optional, empty\n");
  if (present)
    describePayload(out, group, actual, options.printLimit, options.modelPath);
  if (!reference)
    return false;
  const std::string &path = reference->path;
  if (!reference->name.empty() && reference->name != group.name) {
    appendf(out, "  differs from %s: the reference is for '%s'\n",
            path.c_str(), reference->name.c_str());
    return true;
  }
  const std::vector<HostTensor> &expected = reference->entries;
  if (group.optional) {
    const bool expectedPresent = flagIsSet(expected.back().raw());
    if (present != expectedPresent) {
      appendf(out, "  differs from %s: optional '%s' is %s, the reference is "
                   "%s\n",
              path.c_str(), group.name.c_str(), present ? "present" : "empty",
              expectedPresent ? "present" : "empty");
      return true;
    }
    if (!present) {
      appendf(out, "  matches %s: both empty\n", path.c_str());
      return false;
    }
  }
  if (group.sequence)
    return !checkSequence(out, path, group, actual, expected, options);
  return !checkTensor(out, path, actual[0], expected[0].raw(), options);
}

} // namespace

int checkOutputs(const xfrt_model *model, const xfrt_tensor *outputs,
                 const std::vector<Reference> &references,
                 const Options &options, std::string &out) {
  const std::vector<ValueGroup> groups = groupOutputs(model);
  int failures = 0;
  for (size_t k = 0; k < groups.size(); ++k) {
    const Reference *reference = k < references.size() ? &references[k] : nullptr;
    failures += checkValue(static_cast<int>(k), groups[k],
                           outputs + groups[k].first, reference, options, out);
  }
  if (references.size() > groups.size()) {
    appendf(out, "%s has %zu reference outputs, the model produces %zu\n",
            options.testDataDir.c_str(), references.size(), groups.size());
    ++failures;
  }
  return failures;
}

} // namespace xfc::run
