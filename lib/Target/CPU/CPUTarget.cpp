//===- CPUTarget.cpp - the `cpu` target: linalg → LLVM → shared library ---===//
//
// Wires the shared lowering into a CPU pipeline: fuse elementwise linalg
// ops, bufferize with the outputs as caller-provided buffers (or, for
// dynamically shaped outputs, runtime-provided ones), lower to loops
// and the LLVM dialect, and emit the runtime entry point. Code generation
// (object, shared library) is the shared host emitter.
//
//===----------------------------------------------------------------------===//

#include "xfc/Target/LLVMEmitter.h"
#include "xfc/Target/Passes.h"
#include "xfc/Target/Target.h"

#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

using namespace mlir;

namespace xfc {
namespace {

/// Bufferization and lowering to the LLVM dialect. Upstream passes are
/// named by their flags so the pipeline reads like an xfc-opt command line.
constexpr llvm::StringLiteral kBufferizeAndLower =
    "canonicalize,cse,"
    "func.func(xfc-fuse-elementwise),canonicalize,cse,"
    "func.func(xfc-loop-carried-in-place),"
    "func.func(xfc-fill-large-splats),"
    "{strategy}"
    "func.func(xfc-distinct-results),"
    "func.func(xfc-read-only-inputs),"
    "func.func(xfc-split-empty-tensors),"
    "xfc-dynamic-outputs,"
    "one-shot-bufferize{bufferize-function-boundaries "
    "function-boundary-type-conversion=identity-layout-map "
    "allow-return-allocs-from-loops},"
    "canonicalize,"
    "buffer-results-to-out-params{hoist-static-allocs=true "
    "modify-public-functions=true},"
    "buffer-deallocation-pipeline,"
    "func.func(xfc-check-allocations),"
    "xfc-cpu-outline-dispatches,"
    "func.func(scf-forall-to-for),"
    "canonicalize,cse,"
    "func.func(xfc-cpu-lower-vectors),"
    "convert-vector-to-scf{full-unroll=true},"
    "func.func(xfc-cpu-lower-vectors),"
    "convert-linalg-to-loops,"
    "lower-affine,convert-scf-to-cf{allow-pattern-rollback=false},"
    "expand-strided-metadata,lower-affine,"
    "convert-math-to-llvm,convert-math-to-libm,"
    "finalize-memref-to-llvm,"
    "convert-to-llvm,"
    "reconcile-unrealized-casts,"
    "xfc-cpu-lower-dispatch-calls";

class CpuTarget final : public TargetBackend {
public:
  StringRef name() const override { return "cpu"; }
  StringRef description() const override {
    return "the host CPU (LLVM vector code, runtime thread pool)";
  }

  void buildLoweringPipeline(OpPassManager &pm,
                             const CompileOptions &options) const override {
    // -O0 keeps every op as plain serial loops: the reference to compare
    // the tiled, vectorized, multi-threaded code against.
    std::string pipeline = kBufferizeAndLower.str();
    std::string strategy =
        options.optLevel == 0
            ? ""
            : "func.func(xfc-cpu-select-lowering-config,xfc-cpu-tile-and-vectorize),"
              "canonicalize,cse,";
    pipeline.replace(pipeline.find("{strategy}"), 10, strategy);
    if (failed(parsePassPipeline(pipeline, pm, llvm::errs())))
      llvm::report_fatal_error("xfc: the built-in CPU pipeline does not parse");
    EmitCpuEntryPointPassOptions entryOptions;
    entryOptions.prefix = options.prefix;
    pm.addPass(createEmitCpuEntryPointPass(entryOptions));
  }

  LogicalResult emit(ModuleOp module, const CompileOptions &options,
                     EmitKind kind, StringRef outputPath) const override {
    return emitHostArtifact(module, options, kind, outputPath);
  }
};

} // namespace

void registerCpuTarget() { registerTargetBackend(std::make_unique<CpuTarget>()); }

} // namespace xfc
