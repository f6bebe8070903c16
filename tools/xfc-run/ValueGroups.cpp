//===- ValueGroups.cpp - regrouping descriptor entries into ONNX values ---===//
#include "ValueGroups.h"

#include <cstring>

#include "Error.h"
#include "HostTensor.h"

namespace xfc::run {
namespace {

using DescFn = xfrt_status (*)(const xfrt_model *, int32_t,
                               const xfrt_tensor_desc **);

std::vector<ValueGroup> group(const xfrt_model *model, int32_t count,
                              DescFn describe) {
  std::vector<const xfrt_tensor_desc *> descs;
  for (int32_t i = 0; i < count; ++i) {
    const xfrt_tensor_desc *desc = nullptr;
    check(describe(model, i, &desc), xfrt_model_path(model));
    descs.push_back(desc);
  }
  std::vector<ValueGroup> groups;
  for (int32_t i = 0; i < count;) {
    ValueGroup value;
    value.name = descs[i]->name;
    value.first = i;
    value.entries.push_back(descs[i]);
    // The runtime checked that sequence shapes follow sequence data.
    if (descs[i]->value_kind == XFRT_VALUE_SEQUENCE_DATA) {
      value.sequence = true;
      value.entries.push_back(descs[++i]);
    }
    ++i;
    if (i < count && descs[i]->value_kind == XFRT_VALUE_OPTIONAL_FLAG) {
      value.optional = true;
      value.entries.push_back(descs[i++]);
    }
    groups.push_back(std::move(value));
  }
  return groups;
}

} // namespace

const char *ValueGroup::kindName() const {
  if (optional)
    return sequence ? "optional sequence" : "optional tensor";
  return sequence ? "sequence" : "tensor";
}

std::vector<ValueGroup> groupInputs(const xfrt_model *model) {
  return group(model, xfrt_model_num_inputs(model), xfrt_model_input_desc);
}

std::vector<ValueGroup> groupOutputs(const xfrt_model *model) {
  return group(model, xfrt_model_num_outputs(model), xfrt_model_output_desc);
}

std::vector<xfrt_tensor> sequenceElements(const xfrt_tensor &data,
                                          const xfrt_tensor &shapes,
                                          const std::string &origin) {
  if (shapes.rank != 2 || shapes.element_type != XFRT_ELEMENT_TYPE_INT64 ||
      data.rank != 1)
    throw Error(origin, "a sequence's data must have rank 1 and its shapes be "
                        "int64 of rank 2");
  const int64_t count = shapes.shape[0];
  const int64_t rank = shapes.shape[1];
  if (rank > XFRT_MAX_RANK && count > 0)
    throw Error(origin, "the sequence's elements have rank " +
                            std::to_string(rank) + ", above the supported " +
                            std::to_string(XFRT_MAX_RANK));
  const size_t elementSize = xfrt_element_type_byte_size(data.element_type);
  std::vector<xfrt_tensor> elements;
  int64_t offset = 0;
  for (int64_t i = 0; i < count; ++i) {
    xfrt_tensor element;
    std::memset(&element, 0, sizeof element);
    element.element_type = data.element_type;
    element.rank = static_cast<int32_t>(rank);
    const int64_t *row = static_cast<const int64_t *>(shapes.data) + i * rank;
    for (int64_t d = 0; d < rank; ++d) {
      if (row[d] < 0)
        throw Error(origin, "sequence element " + std::to_string(i) +
                                " has dimension " + std::to_string(d) + " = " +
                                std::to_string(row[d]));
      element.shape[d] = row[d];
    }
    const int64_t size = xfrt_tensor_element_count(&element);
    if (size < 0 || size > data.shape[0] - offset)
      throw Error(origin, "the sequence's element shapes need more than its " +
                              std::to_string(data.shape[0]) + " values");
    element.data = static_cast<char *>(data.data) + offset * elementSize;
    element.byte_size = static_cast<size_t>(size) * elementSize;
    offset += size;
    elements.push_back(element);
  }
  if (offset != data.shape[0])
    throw Error(origin, "the sequence's element shapes cover " +
                            std::to_string(offset) + " of its " +
                            std::to_string(data.shape[0]) + " values");
  return elements;
}

bool flagIsSet(const xfrt_tensor &flag) {
  return flag.data && *static_cast<const uint8_t *>(flag.data) != 0;
}

} // namespace xfc::run
