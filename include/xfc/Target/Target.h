//===- Target.h - compilation targets, registered by name -----------------===//
//
// A target turns linalg-on-tensors IR (the output of the shared xf→linalg
// lowering) into an artifact. Targets are registered under a name (`cpu`,
// later `nvgpu`, `npu`), so adding one is adding a folder under lib/Target
// and one registration call in InitAll.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_TARGET_TARGET_H
#define XFC_TARGET_TARGET_H

#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Support/LLVM.h"

#include <memory>
#include <string>
#include <vector>

namespace xfc {

/// What `xfc --emit=` stops at.
enum class EmitKind { Xf, Linalg, LLVMDialect, LLVMIR, Object, Library };

struct CompileOptions {
  std::string target = "cpu";
  /// 0..3; 3 is the default so that no flag is needed for fast code.
  int optLevel = 3;
  /// Symbol prefix of the compiled model's exports.
  std::string prefix = "model";
  /// Threads the compiled code may split work over (0 = decide at run time).
  int numThreads = 0;
};

class TargetBackend {
public:
  virtual ~TargetBackend() = default;
  virtual llvm::StringRef name() const = 0;
  virtual llvm::StringRef description() const = 0;
  /// Lowers linalg-on-tensors to the LLVM dialect (host side included).
  virtual void buildLoweringPipeline(mlir::OpPassManager &pm,
                                     const CompileOptions &options) const = 0;
  /// Writes the artifact for an LLVM-dialect module: LLVM IR text, an
  /// object file or a shared library, depending on `kind`.
  virtual mlir::LogicalResult emit(mlir::ModuleOp module,
                                   const CompileOptions &options,
                                   EmitKind kind,
                                   llvm::StringRef outputPath) const = 0;
};

void registerTargetBackend(std::unique_ptr<TargetBackend> backend);
const TargetBackend *lookupTargetBackend(llvm::StringRef name);
std::vector<std::string> registeredTargetNames();

/// Registers the CPU target (lib/Target/CPU).
void registerCpuTarget();

} // namespace xfc

#endif // XFC_TARGET_TARGET_H
