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

#endif // XFC_TRANSFORMS_PASSES_TD
