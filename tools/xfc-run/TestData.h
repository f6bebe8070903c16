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

/// A reference output: one ONNX value, packed like the model's entries for
/// it (ValueGroups.h).
struct Reference {
  std::string path;
  std::string name; ///< from the file's proto; may be empty
  std::vector<HostTensor> entries;
};

/// Reads DIR/input_0.pb, input_1.pb, ..., the k-th file holding the model's
/// k-th ONNX input value (a TensorProto, SequenceProto or OptionalProto,
/// SequenceIO.h), and returns the model's input entries. An optional input
/// whose file is missing (only trailing ones can be) is passed absent.
/// Throws Error if the directory or a file is unusable, the number of files
/// does not fit the model's inputs, or a file names a different input than
/// the model has at that position. Shapes and types are left for the
/// runtime to check.
std::vector<HostTensor> readTestInputs(const xfrt_model *model,
                                       const std::string &dir);

/// Reads every DIR/output_<i>.pb that exists (consecutive from 0), the i-th
/// as the model's i-th ONNX output value (files beyond the model's outputs
/// as tensors).
std::vector<Reference> readReferenceOutputs(const xfrt_model *model,
                                            const std::string &dir);

/// One tensor per model input entry, filled from a splitmix64 stream seeded
/// with `seed` (identical on every platform): floats uniform in [-1, 1),
/// integers in [0, 4) (safe as indices into small axes), bools 0/1.
/// Dynamic dimensions get `dynamicDim`. A sequence gets two elements whose
/// every dimension is `dynamicDim` (rank 1 where the model leaves it open),
/// an optional a value.
std::vector<HostTensor> makeRandomInputs(const xfrt_model *model, uint64_t seed,
                                         int64_t dynamicDim);

/// Makes `dir` the backend-test directory of one run: input_<k>.pb holds
/// the k-th input value and output_<k>.pb the k-th output value (sequences
/// and optionals as SequenceProto / OptionalProto), named as in the model's
/// descriptor. `inputs` and `outputs` are the model's entries. Creates `dir`
/// (not its parents) when missing and removes numbered files left from a
/// run with more inputs or outputs, which readers would take for this
/// run's.
void writeTestData(const xfrt_model *model, const std::string &dir,
                   const xfrt_tensor *inputs, const xfrt_tensor *outputs);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_TESTDATA_H
