//===- CheckOutputs.h - comparing outputs with references -----*- C++ -*-===//
//
// One entry per ONNX output value: what the model produced (a tensor, a
// sequence element by element, or an optional's presence and payload) and
// how it compares with output_<k>.pb. A sequence must have the reference's
// number of elements and each element its shape; values use the tolerance.
// An optional's flag must agree, its payload is compared only when present.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_CHECKOUTPUTS_H
#define XFC_TOOLS_XFC_RUN_CHECKOUTPUTS_H

#include <string>
#include <vector>

#include "Options.h"
#include "TestData.h"
#include "xfrt/xfrt.h"

namespace xfc::run {

/// printf into a growing report.
__attribute__((format(printf, 2, 3))) void appendf(std::string &report,
                                                   const char *format, ...);

/// Describes each output value (`outputs` are the model's entries) and its
/// comparison with `references` in `out`; returns the number of values
/// that fail (plus one if there are more references than values).
int checkOutputs(const xfrt_model *model, const xfrt_tensor *outputs,
                 const std::vector<Reference> &references,
                 const Options &options, std::string &out);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_CHECKOUTPUTS_H
