//===- Passes.td - passes of the code-generation targets -----*- tablegen -*-===//

#ifndef XFC_TARGET_PASSES_TD
#define XFC_TARGET_PASSES_TD

include "mlir/Pass/PassBase.td"

def EmitCpuEntryPointPass : Pass<"xfc-cpu-emit-entry-point", "mlir::ModuleOp"> {
  let summary = "Emit the runtime ABI: entry point and model descriptor";
  let description = [{
    On an LLVM-dialect module whose `@main` takes the inputs and then the
    outputs as expanded memref descriptors, emits `<prefix>_run(env, inputs,
    outputs)` that builds those descriptors from `xfrt_buffer_ref`s, the
    `xfrt_model_desc` constant, `<prefix>_descriptor()` and the weak
    `xfrt_model_descriptor()` used by dlopen (runtime/include/xfrt/model_abi.h).
  }];
  let options = [
    Option<"prefix", "prefix", "std::string", /*default=*/"\"model\"",
           "Symbol prefix of the exported functions">
  ];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

def CpuSelectLoweringConfigPass
    : Pass<"xfc-cpu-select-lowering-config", "mlir::func::FuncOp"> {
  let summary = "Choose thread and vector tile sizes for every linalg op";
  let description = [{
    The CPU strategy: writes `xf.lowering_config = {distribute = [...],
    vector = [...]}` on each linalg op with static loop ranges (one entry per
    loop, 0 = not tiled). `distribute` tiles become `scf.forall` iterations
    spread over the runtime's threads; `vector` tiles become register-sized
    vector ops. Ops that already carry a configuration keep it, so tests and
    users can pin one.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect"];
}

def CpuTileAndVectorizePass
    : Pass<"xfc-cpu-tile-and-vectorize", "mlir::func::FuncOp"> {
  let summary = "Tile linalg ops by their lowering_config and vectorize the tiles";
  let description = [{
    Tiles each op with an `xf.lowering_config`: the `distribute` sizes with
    an `scf.forall`, then the `vector` sizes with `scf.for`, and vectorizes
    the innermost tile. Ops the vectorizer does not handle stay as loops.
  }];
  let dependentDialects = ["mlir::scf::SCFDialect", "mlir::vector::VectorDialect",
                           "mlir::affine::AffineDialect", "mlir::tensor::TensorDialect"];
}

def CpuOutlineDispatchesPass
    : Pass<"xfc-cpu-outline-dispatches", "mlir::ModuleOp"> {
  let summary = "Outline scf.forall bodies into tasks for the runtime's thread pool";
  let description = [{
    On bufferized IR: adds the runtime environment (`!llvm.ptr`) as the first
    argument of `@main`, moves the body of every outermost `scf.forall` into
    `func.func private @<main>_task<N>(%index, captures...)` and replaces the
    loop with a call to `@__xfc_dispatch<N>(%count, %env, captures...)`,
    which xfc-cpu-lower-dispatch-calls turns into `env->parallel_for`.
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect", "mlir::func::FuncDialect",
                           "mlir::arith::ArithDialect"];
}

def CpuLowerVectorsPass : Pass<"xfc-cpu-lower-vectors", "mlir::func::FuncOp"> {
  let summary = "Lower vector ops to what the LLVM backend handles well";
  let description = [{
    Hoists loop-invariant vector transfers (keeping matmul accumulators in
    registers across the reduction loop), lowers vector.contract to
    outer-product FMAs, lowers transfers, reductions, transposes and masks,
    and replaces math functions with vectorizable polynomial approximations.
    Gathers from views with a non-unit innermost stride are rewritten to
    gather from a 1-D unit-stride view of the same memory.
  }];
  let dependentDialects = ["mlir::vector::VectorDialect", "mlir::scf::SCFDialect",
                           "mlir::math::MathDialect", "mlir::arith::ArithDialect",
                           "mlir::memref::MemRefDialect", "mlir::linalg::LinalgDialect"];
}

def CpuLowerDispatchCallsPass
    : Pass<"xfc-cpu-lower-dispatch-calls", "mlir::ModuleOp"> {
  let summary = "Turn dispatch calls into env->parallel_for with packed captures";
  let description = [{
    On the LLVM dialect: each `llvm.call @__xfc_dispatch<N>(count, env,
    args...)` becomes a stack-allocated closure holding `args`, a thunk
    `(closure, index)` that unpacks it and calls the task, and an indirect
    call of `env->parallel_for` (runtime/include/xfrt/model_abi.h).
  }];
  let dependentDialects = ["mlir::LLVM::LLVMDialect"];
}

#endif // XFC_TARGET_PASSES_TD
