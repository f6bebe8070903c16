//===- Passes.h - target-independent xfc passes ---------------------------===//

#ifndef XFC_TRANSFORMS_PASSES_H
#define XFC_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace xfc {

#define GEN_PASS_DECL
#include "xfc/Transforms/Passes.h.inc"

#define GEN_PASS_REGISTRATION
#include "xfc/Transforms/Passes.h.inc"

/// Name of the module attribute written by xfc-record-abi.
inline constexpr llvm::StringLiteral kAbiAttrName = "xf.abi";
/// Argument/result attribute carrying the ONNX value name.
inline constexpr llvm::StringLiteral kNameAttrName = "xf.name";
/// Argument attribute (and `xf.abi` entry) with ONNX's symbolic name of each
/// dimension ("" where none), e.g. ["batch", "seq"].
inline constexpr llvm::StringLiteral kDimNamesAttrName = "xf.dim_names";
/// Argument/result attribute (and `xf.abi` entry) saying which part of an
/// ONNX sequence or optional the tensor is: "sequence_data",
/// "sequence_shapes" or "optional_flag"; absent for a plain tensor. See
/// xfrt_value_kind in runtime/include/xfrt/model_abi.h.
inline constexpr llvm::StringLiteral kValueKindAttrName = "xf.value_kind";
/// Module attribute carrying the model's name (its file stem).
inline constexpr llvm::StringLiteral kModelNameAttrName = "xf.model_name";

/// Module attribute listing the messages of the run-time checks (xf.assert),
/// check code k being element k - 1; the entry point emits it into the
/// model descriptor.
inline constexpr llvm::StringLiteral kCheckMessagesAttrName =
    "xf.check_messages";
/// `func.func private @__xfc_check_failed(i32)`: what a failed check calls
/// with its code; the CPU target turns it into env->check_failed.
inline constexpr llvm::StringLiteral kCheckFailedFnName = "__xfc_check_failed";
/// Like kCheckFailedFnName for checks of run-time sizes: after reporting,
/// @main returns at once, because the code after the check computes with
/// sizes that do not fit together (it could read out of bounds).
inline constexpr llvm::StringLiteral kShapeCheckFailedFnName =
    "__xfc_shape_check_failed";
/// `func.func private @__xfc_output_buffer<i>(!llvm.ptr env, index...) ->
/// memref`: xf.output_buffer once @main has the runtime environment, with
/// every dimension of the output (static ones as constants); the CPU target
/// turns it into env->allocate_output.
inline constexpr llvm::StringLiteral kOutputBufferFnPrefix =
    "__xfc_output_buffer";

} // namespace xfc

#endif // XFC_TRANSFORMS_PASSES_H
