//===- LLVMEmitter.h - LLVM-dialect module → IR, object, shared library ---===//
//
// Shared by every target for its host code: translation to LLVM IR,
// optimization at -O<n> for the host CPU, object emission and linking into a
// shared library with the system's C compiler driver.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TARGET_LLVMEMITTER_H
#define XFC_TARGET_LLVMEMITTER_H

#include "xfc/Target/Target.h"

namespace xfc {

/// Emits `module` (LLVM dialect) for the host as LLVM IR, an object or a
/// shared library at `outputPath` ("-" = stdout for text).
mlir::LogicalResult emitHostArtifact(mlir::ModuleOp module,
                                     const CompileOptions &options,
                                     EmitKind kind,
                                     llvm::StringRef outputPath);

} // namespace xfc

#endif // XFC_TARGET_LLVMEMITTER_H
