//===- TestData.cpp - test-data directories and random inputs -------------===//
#include "TestData.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "TensorProtoIO.h"
#include "Values.h"

namespace xfc::run {
namespace {

bool isFile(const std::string &path) {
  struct stat info;
  return stat(path.c_str(), &info) == 0 && S_ISREG(info.st_mode);
}

void requireDirectory(const std::string &dir) {
  struct stat info;
  if (stat(dir.c_str(), &info) != 0)
    throw Error(dir, std::string("cannot open the test data directory: ") +
                         std::strerror(errno));
  if (!S_ISDIR(info.st_mode))
    throw Error(dir, "not a directory");
}

std::string numbered(const std::string &dir, const char *stem, int index) {
  return dir + "/" + stem + std::to_string(index) + ".pb";
}

uint64_t splitmix64(uint64_t &state) {
  uint64_t z = (state += 0x9e3779b97f4a7c15ull);
  z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
  z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
  return z ^ (z >> 31);
}

template <typename T> void store(void *data, int64_t index, T value) {
  std::memcpy(static_cast<char *>(data) + index * sizeof(T), &value, sizeof(T));
}

void fillRandom(HostTensor &tensor, uint64_t &state) {
  const int64_t count = tensor.numElements();
  void *data = tensor.data();
  for (int64_t i = 0; i < count; ++i) {
    uint64_t bits = splitmix64(state);
    // 24 random bits -> [0, 1) exactly representable in float.
    float unit = static_cast<float>(bits >> 40) * (1.0f / 16777216.0f);
    float signedUnit = 2.0f * unit - 1.0f;
    int64_t small = static_cast<int64_t>(bits >> 62); // [0, 4)
    switch (tensor.elementType()) {
    case XFRT_ELEMENT_TYPE_FLOAT32:
      store<float>(data, i, signedUnit);
      break;
    case XFRT_ELEMENT_TYPE_FLOAT64:
      store<double>(data, i, signedUnit);
      break;
    case XFRT_ELEMENT_TYPE_FLOAT16:
      store<uint16_t>(data, i, floatToHalf(signedUnit));
      break;
    case XFRT_ELEMENT_TYPE_BFLOAT16:
      store<uint16_t>(data, i, floatToBfloat16(signedUnit));
      break;
    case XFRT_ELEMENT_TYPE_BOOL:
      store<uint8_t>(data, i, static_cast<uint8_t>(small & 1));
      break;
    case XFRT_ELEMENT_TYPE_UINT8:
    case XFRT_ELEMENT_TYPE_INT8:
      store<uint8_t>(data, i, static_cast<uint8_t>(small));
      break;
    case XFRT_ELEMENT_TYPE_UINT16:
    case XFRT_ELEMENT_TYPE_INT16:
      store<uint16_t>(data, i, static_cast<uint16_t>(small));
      break;
    case XFRT_ELEMENT_TYPE_UINT32:
    case XFRT_ELEMENT_TYPE_INT32:
      store<uint32_t>(data, i, static_cast<uint32_t>(small));
      break;
    case XFRT_ELEMENT_TYPE_UINT64:
    case XFRT_ELEMENT_TYPE_INT64:
      store<uint64_t>(data, i, static_cast<uint64_t>(small));
      break;
    }
  }
}

/// ONNX's backend test data (before ONNX 1.14) stores bfloat16 tensors as
/// uint16 TensorProtos holding the same bits: read them as the bfloat16 the
/// model's descriptor says they are.
void adoptBfloat16Bits(HostTensor &tensor, int32_t modelType) {
  if (modelType == XFRT_ELEMENT_TYPE_BFLOAT16 &&
      tensor.elementType() == XFRT_ELEMENT_TYPE_UINT16)
    tensor.raw().element_type = XFRT_ELEMENT_TYPE_BFLOAT16;
}

} // namespace

std::vector<HostTensor> readTestInputs(const xfrt_model *model,
                                       const std::string &dir) {
  requireDirectory(dir);
  int fileCount = 0;
  while (isFile(numbered(dir, "input_", fileCount)))
    ++fileCount;
  const int32_t numInputs = xfrt_model_num_inputs(model);
  if (fileCount != numInputs)
    throw Error(dir, "found " + std::to_string(fileCount) + " input file" +
                         (fileCount == 1 ? "" : "s") +
                         " (input_0.pb, input_1.pb, ...), but model '" +
                         xfrt_model_name(model) + "' takes " +
                         std::to_string(numInputs) + " input" +
                         (numInputs == 1 ? "" : "s"));
  std::vector<HostTensor> inputs;
  inputs.reserve(static_cast<size_t>(numInputs));
  for (int32_t i = 0; i < numInputs; ++i) {
    std::string path = numbered(dir, "input_", i);
    NamedTensor named = readTensorProtoFile(path);
    const xfrt_tensor_desc *desc = nullptr;
    check(xfrt_model_input_desc(model, i, &desc), path);
    if (!named.name.empty() && named.name != desc->name)
      throw Error(path, "the tensor is named '" + named.name +
                            "', but the model's input " + std::to_string(i) +
                            " is '" + desc->name + "'");
    adoptBfloat16Bits(named.tensor, desc->element_type);
    inputs.push_back(std::move(named.tensor));
  }
  return inputs;
}

std::vector<Reference> readReferenceOutputs(const xfrt_model *model,
                                           const std::string &dir) {
  std::vector<Reference> references;
  for (int i = 0;; ++i) {
    std::string path = numbered(dir, "output_", i);
    if (!isFile(path))
      break;
    NamedTensor named = readTensorProtoFile(path);
    const xfrt_tensor_desc *desc = nullptr;
    if (i < xfrt_model_num_outputs(model)) {
      check(xfrt_model_output_desc(model, i, &desc), path);
      adoptBfloat16Bits(named.tensor, desc->element_type);
    }
    references.push_back({path, named.name, std::move(named.tensor)});
  }
  return references;
}

std::vector<HostTensor> makeRandomInputs(const xfrt_model *model, uint64_t seed,
                                         int64_t dynamicDim) {
  uint64_t state = seed;
  std::vector<HostTensor> inputs;
  const std::string origin = xfrt_model_path(model);
  for (int32_t i = 0; i < xfrt_model_num_inputs(model); ++i) {
    const xfrt_tensor_desc *desc = nullptr;
    check(xfrt_model_input_desc(model, i, &desc), origin);
    std::vector<int64_t> shape(desc->shape, desc->shape + desc->rank);
    for (int64_t &dim : shape)
      if (dim < 0)
        dim = dynamicDim;
    inputs.push_back(HostTensor::allocate(desc->element_type, shape, origin));
    fillRandom(inputs.back(), state);
  }
  return inputs;
}

void writeTestData(const xfrt_model *model, const std::string &dir,
                   const xfrt_tensor *inputs, int32_t numInputs,
                   const xfrt_tensor *outputs, int32_t numOutputs) {
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw Error(dir, std::string("cannot create the output directory: ") +
                         std::strerror(errno));
  requireDirectory(dir);
  auto writeAll = [&](const char *stem, const xfrt_tensor *tensors,
                      int32_t count, auto describe) {
    for (int32_t i = 0; i < count; ++i) {
      const xfrt_tensor_desc *desc = nullptr;
      check(describe(model, i, &desc), xfrt_model_path(model));
      writeTensorProtoFile(numbered(dir, stem, i), desc->name, tensors[i]);
    }
    for (int32_t i = count; isFile(numbered(dir, stem, i)); ++i)
      if (std::remove(numbered(dir, stem, i).c_str()) != 0)
        throw Error(numbered(dir, stem, i),
                    std::string("cannot remove: ") + std::strerror(errno));
  };
  writeAll("input_", inputs, numInputs, xfrt_model_input_desc);
  writeAll("output_", outputs, numOutputs, xfrt_model_output_desc);
}

} // namespace xfc::run
