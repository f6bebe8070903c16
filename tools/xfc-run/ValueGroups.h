//===- ValueGroups.h - a model's ONNX values from its entries ---*- C++ -*-===//
//
// A compiled model's inputs and outputs are tensors; an ONNX sequence or
// optional is several consecutive ones, marked by xfrt_tensor_desc.value_kind
// (runtime/include/xfrt/model_abi.h). This file regroups the entries into
// the ONNX values that test-data files, comparisons and printing deal in,
// and splits a packed sequence (data + shapes) into its element tensors.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_VALUEGROUPS_H
#define XFC_TOOLS_XFC_RUN_VALUEGROUPS_H

#include <cstdint>
#include <string>
#include <vector>

#include "xfrt/xfrt.h"

namespace xfc::run {

/// One ONNX input or output of a model and the descriptor entries carrying
/// it: a tensor (1 entry), a sequence (data, shapes), an optional tensor
/// (tensor, flag) or an optional sequence (data, shapes, flag).
struct ValueGroup {
  std::string name; ///< the ONNX value's name (its first entry's)
  int32_t first = 0; ///< index of its first entry
  bool sequence = false; ///< the payload is a sequence (data + shapes)
  bool optional = false; ///< the last entry is the has_value flag
  std::vector<const xfrt_tensor_desc *> entries;

  int32_t count() const { return static_cast<int32_t>(entries.size()); }
  const xfrt_tensor_desc &data() const { return *entries[0]; }
  /// The flag's entry index within the group (optional only).
  int32_t flagIndex() const { return count() - 1; }
  /// "tensor", "sequence", "optional tensor" or "optional sequence".
  const char *kindName() const;
};

/// The model's inputs (or outputs) as ONNX values, in order. The runtime
/// has checked at load time that the entries group (model.cc).
std::vector<ValueGroup> groupInputs(const xfrt_model *model);
std::vector<ValueGroup> groupOutputs(const xfrt_model *model);

/// Element views of a packed sequence: each shares `data`'s buffer and has
/// its row of `shapes` as shape. Throws Error(origin, ...) when the shapes
/// do not describe `data` (a negative size, a rank above XFRT_MAX_RANK, or
/// sizes that do not add up to the data's length).
std::vector<xfrt_tensor> sequenceElements(const xfrt_tensor &data,
                                          const xfrt_tensor &shapes,
                                          const std::string &origin);

/// Whether an optional flag entry is true.
bool flagIsSet(const xfrt_tensor &flag);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_VALUEGROUPS_H
