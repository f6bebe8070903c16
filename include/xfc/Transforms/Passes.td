//===- Passes.td - target-independent xfc passes -------------*- tablegen -*-===//

#ifndef XFC_TRANSFORMS_PASSES_TD
#define XFC_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def RecordAbiPass : Pass<"xfc-record-abi", "mlir::ModuleOp"> {
  let summary = "Record the model's inputs and outputs for the runtime ABI";
  let description = [{
    Reads the signature of `@main` (tensor types and `xf.name` argument and
    result attributes) and stores it as the module attribute `xf.abi`, so the
    entry point and descriptor can be emitted after the function itself has
    been lowered to LLVM, when tensor types are gone.
  }];
}

def FuseElementwisePass : Pass<"xfc-fuse-elementwise", "mlir::func::FuncOp"> {
  let summary = "Fuse elementwise linalg producers into consumers that read each element once";
  let description = [{
    Like upstream `linalg-fuse-elementwise-ops`, but a producer is fused only
    where it is consumed by that one op, which reads every produced element
    exactly once (its indexing map for the operand is a permutation).
    Upstream fuses into any generic, which turns `layer_norm → matmul` into a
    matmul that recomputes the normalization for every output column (and is
    no longer recognizable as a contraction), and duplicates producers with
    several users, which along a transformer's residual stream makes every
    layer recompute the layers before it.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect", "mlir::tensor::TensorDialect"];
}

#endif // XFC_TRANSFORMS_PASSES_TD
