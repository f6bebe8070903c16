//===- Passes.td - xfc conversion passes ---------------------*- tablegen -*-===//

#ifndef XFC_CONVERSION_PASSES_TD
#define XFC_CONVERSION_PASSES_TD

include "mlir/Pass/PassBase.td"

def ConvertXfToLinalgPass : Pass<"convert-xf-to-linalg", "mlir::ModuleOp"> {
  let summary = "Lower every xf op to linalg, tensor, arith, math and scf";
  let description = [{
    The one lowering of the xf dialect, shared by every target: each op
    family becomes linalg (named or generic) ops on tensors. It is also the
    reference semantics of xf. Ops left over are reported at their ONNX node
    location.
  }];
  let dependentDialects = ["mlir::linalg::LinalgDialect",
                           "mlir::tensor::TensorDialect",
                           "mlir::arith::ArithDialect",
                           "mlir::math::MathDialect",
                           "mlir::scf::SCFDialect"];
}

#endif // XFC_CONVERSION_PASSES_TD
