//===- RunTimeChecks.h - checks compiled code makes, and their messages ---===//
//
// A failed run-time check calls @__xfc_check_failed(code) (an xf.assert:
// the call goes on) or @__xfc_shape_check_failed(code) (sizes the code
// after it relies on: @main returns). The code is the message's 1-based
// position in the module's `xf.check_messages`, which the entry point puts
// in the model descriptor. The xf→linalg lowering and the passes after
// bufferization (allocation checks) build them the same way, here.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TRANSFORMS_RUNTIMECHECKS_H
#define XFC_TRANSFORMS_RUNTIMECHECKS_H

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/Twine.h"

namespace xfc {

/// The 1-based code of `message` in `module`'s check messages; appended
/// when new.
int32_t runTimeCheckCode(mlir::ModuleOp module, mlir::StringAttr message);

/// `if (!ok) call @fn(code)` at `b`'s insertion point, declaring `fn`
/// (kCheckFailedFnName or kShapeCheckFailedFnName) when the module lacks it.
void buildRunTimeCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ok,
                       int32_t code, llvm::StringRef fn);

/// A run-time check of sizes the code after it relies on: when the i1 `ok`
/// is false, the call stops with "node 'NAME' (Op): <what>" (the node from
/// `loc`) and @main returns.
void buildSizeCheck(mlir::OpBuilder &b, mlir::Location loc, mlir::Value ok,
                    const llvm::Twine &what);

} // namespace xfc

#endif // XFC_TRANSFORMS_RUNTIMECHECKS_H
