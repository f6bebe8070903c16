//===- TestData.h - a model's inputs and reference outputs ------*- C++ -*-===//
//
// Where the tensors of a run come from: a backend-test directory
// (input_<i>.pb, output_<i>.pb) or a deterministic random generator.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_TESTDATA_H
#define XFC_TOOLS_XFC_RUN_TESTDATA_H

#include <cstdint>
#include <string>
#include <vector>

#include "HostTensor.h"
#include "xfrt/xfrt.h"

namespace xfc::run {

struct Reference {
  std::string path;
  std::string name; ///< from the TensorProto; may be empty
  HostTensor tensor;
};

/// Reads DIR/input_0.pb, input_1.pb, ... matching them to the model's inputs
/// by position. A uint16 file for a bfloat16 input is read as bfloat16 (how
/// ONNX's backend test data stores bfloat16). Throws Error if the directory or a file is unusable, the
/// number of files differs from the number of inputs, or a file names a
/// different input than the model has at that position. Shapes and types
/// are left for the runtime to check.
std::vector<HostTensor> readTestInputs(const xfrt_model *model,
                                       const std::string &dir);

/// Reads every DIR/output_<i>.pb that exists (consecutive from 0); uint16
/// files for the model's bfloat16 outputs are read as bfloat16.
std::vector<Reference> readReferenceOutputs(const xfrt_model *model,
                                            const std::string &dir);

/// One tensor per model input, filled from a splitmix64 stream seeded with
/// `seed` (identical on every platform): floats uniform in [-1, 1), integers
/// in [0, 4) (safe as indices into small axes), bools 0/1. Dynamic
/// dimensions get `dynamicDim`.
std::vector<HostTensor> makeRandomInputs(const xfrt_model *model, uint64_t seed,
                                         int64_t dynamicDim);

/// Makes `dir` the backend-test directory of one run: input_<i>.pb holds
/// the inputs and output_<i>.pb the outputs, named as in the model's
/// descriptor. Creates `dir` (not its parents) when missing and removes
/// numbered files left from a run with more inputs or outputs, which readers
/// would take for this run's.
void writeTestData(const xfrt_model *model, const std::string &dir,
                   const xfrt_tensor *inputs, int32_t numInputs,
                   const xfrt_tensor *outputs, int32_t numOutputs);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_TESTDATA_H
