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

} // namespace xfc

#endif // XFC_TRANSFORMS_PASSES_H
