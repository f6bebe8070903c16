//===- SequenceIO.h - test-data files of any ONNX value ---------*- C++ -*-===//
//
// input_<k>.pb / output_<k>.pb hold the k-th ONNX value of a model: a
// TensorProto for a tensor, a SequenceProto for a sequence, an OptionalProto
// for an optional. SequenceProto and OptionalProto share field numbers (and
// overlap TensorProto's), so a file is parsed as what the model's value
// group says it is, never by trying. Values are converted to and from the
// entries the compiled model takes (ValueGroups.h): a sequence packs into
// data + shapes, an optional into its payload + a has_value flag.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_SEQUENCEIO_H
#define XFC_TOOLS_XFC_RUN_SEQUENCEIO_H

#include <string>
#include <vector>

#include "HostTensor.h"
#include "ValueGroups.h"

namespace xfc::run {

/// One ONNX value as the model's entries for it.
struct PackedValue {
  std::string name; ///< from the file's proto; may be empty
  std::vector<HostTensor> entries;
};

/// Reads `path` as a value of `group`'s kind. A sequence's elements must
/// share element type and rank (xfc passes them as one tensor); uint16 data
/// for a bfloat16 entry is read as bfloat16 (how ONNX's backend test data
/// stores bfloat16). Throws Error(path, ...) for an unusable file.
PackedValue readValueFile(const std::string &path, const ValueGroup &group);

/// The entries of an absent optional: an empty payload (dynamic dimensions
/// 0, a sequence of no elements) and a false flag.
std::vector<HostTensor> absentValue(const ValueGroup &group,
                                    const std::string &origin);

/// Writes the value carried by `entries` (group.count() of them) to `path`
/// as the proto of its kind, named group.name.
void writeValueFile(const std::string &path, const ValueGroup &group,
                    const xfrt_tensor *entries);

/// Packs `elements` into a sequence's data and shapes entries, appended to
/// `out`. With no elements, the data type and rank come from `group`.
/// Throws Error(origin, ...) if the elements' types or ranks differ.
void packSequence(const std::vector<HostTensor> &elements,
                  const ValueGroup &group, const std::string &origin,
                  std::vector<HostTensor> &out);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_SEQUENCEIO_H
