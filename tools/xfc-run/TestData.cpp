//===- TestData.cpp - test-data directories and random inputs -------------===//
#include "TestData.h"

#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include "SequenceIO.h"
#include "TensorProtoIO.h"
#include "ValueGroups.h"
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

/// Number of consecutive files DIR/<stem>0.pb, <stem>1.pb, ...
int countFiles(const std::string &dir, const char *stem) {
  int count = 0;
  while (isFile(numbered(dir, stem, count)))
    ++count;
  return count;
}

/// Random entries for one input value (see makeRandomInputs).
void randomValue(const ValueGroup &group, uint64_t &state, int64_t dynamicDim,
                 const std::string &origin, std::vector<HostTensor> &out) {
  if (!group.sequence) {
    const xfrt_tensor_desc &desc = group.data();
    std::vector<int64_t> shape(desc.shape, desc.shape + desc.rank);
    for (int64_t &dim : shape)
      if (dim < 0)
        dim = dynamicDim;
    out.push_back(HostTensor::allocate(desc.element_type, shape, origin));
    fillRandom(out.back(), state);
  } else {
    int64_t rank = group.entries[1]->shape[1];
    std::vector<HostTensor> elements;
    for (int i = 0; i < 2; ++i) {
      elements.push_back(HostTensor::allocate(
          group.data().element_type,
          std::vector<int64_t>(static_cast<size_t>(rank < 0 ? 1 : rank), dynamicDim),
          origin));
      fillRandom(elements.back(), state);
    }
    packSequence(elements, group, origin, out);
  }
  if (group.optional) {
    out.push_back(HostTensor::allocate(XFRT_ELEMENT_TYPE_BOOL, {}, origin));
    *static_cast<uint8_t *>(out.back().data()) = 1;
  }
}

} // namespace

std::vector<HostTensor> readTestInputs(const xfrt_model *model,
                                       const std::string &dir) {
  requireDirectory(dir);
  const int fileCount = countFiles(dir, "input_");
  const std::vector<ValueGroup> groups = groupInputs(model);
  const int numInputs = static_cast<int>(groups.size());
  // Trailing optional inputs may have no file: they are absent.
  int required = numInputs;
  while (required > fileCount && groups[static_cast<size_t>(required - 1)].optional)
    --required;
  if (fileCount < required || fileCount > numInputs)
    throw Error(dir, "found " + std::to_string(fileCount) + " input file" +
                         (fileCount == 1 ? "" : "s") +
                         " (input_0.pb, input_1.pb, ...), but model '" +
                         xfrt_model_name(model) + "' takes " +
                         std::to_string(numInputs) + " input" +
                         (numInputs == 1 ? "" : "s"));
  std::vector<HostTensor> inputs;
  for (int k = 0; k < numInputs; ++k) {
    const ValueGroup &group = groups[static_cast<size_t>(k)];
    std::string path = numbered(dir, "input_", k);
    if (k >= fileCount) {
      for (HostTensor &entry : absentValue(group, path))
        inputs.push_back(std::move(entry));
      continue;
    }
    PackedValue value = readValueFile(path, group);
    if (!value.name.empty() && value.name != group.name)
      throw Error(path, std::string("the ") + group.kindName() + " is named '" + value.name + "', but the model's input " +
                            std::to_string(k) + " is '" + group.name + "'");
    for (HostTensor &entry : value.entries)
      inputs.push_back(std::move(entry));
  }
  return inputs;
}

std::vector<Reference> readReferenceOutputs(const xfrt_model *model,
                                            const std::string &dir) {
  const std::vector<ValueGroup> groups = groupOutputs(model);
  std::vector<Reference> references;
  for (int i = 0;; ++i) {
    std::string path = numbered(dir, "output_", i);
    if (!isFile(path))
      break;
    Reference reference{path, "", {}};
    if (static_cast<size_t>(i) < groups.size()) {
      PackedValue value = readValueFile(path, groups[static_cast<size_t>(i)]);
      reference.name = value.name;
      reference.entries = std::move(value.entries);
    } else {
      NamedTensor named = readTensorProtoFile(path);
      reference.name = named.name;
      reference.entries.push_back(std::move(named.tensor));
    }
    references.push_back(std::move(reference));
  }
  return references;
}

std::vector<HostTensor> makeRandomInputs(const xfrt_model *model, uint64_t seed,
                                         int64_t dynamicDim) {
  uint64_t state = seed;
  std::vector<HostTensor> inputs;
  const std::string origin = xfrt_model_path(model);
  for (const ValueGroup &group : groupInputs(model))
    randomValue(group, state, dynamicDim, origin, inputs);
  return inputs;
}

void writeTestData(const xfrt_model *model, const std::string &dir,
                   const xfrt_tensor *inputs, const xfrt_tensor *outputs) {
  if (mkdir(dir.c_str(), 0777) != 0 && errno != EEXIST)
    throw Error(dir, std::string("cannot create the output directory: ") +
                         std::strerror(errno));
  requireDirectory(dir);
  auto writeAll = [&](const char *stem, const xfrt_tensor *entries,
                      const std::vector<ValueGroup> &groups) {
    for (size_t k = 0; k < groups.size(); ++k)
      writeValueFile(numbered(dir, stem, static_cast<int>(k)), groups[k],
                     entries + groups[k].first);
    for (int k = static_cast<int>(groups.size()); isFile(numbered(dir, stem, k)); ++k)
      if (std::remove(numbered(dir, stem, k).c_str()) != 0)
        throw Error(numbered(dir, stem, k),
                    std::string("cannot remove: ") + std::strerror(errno));
  };
  writeAll("input_", inputs, groupInputs(model));
  writeAll("output_", outputs, groupOutputs(model));
}

} // namespace xfc::run
