//===- XfToLinalg.cpp - the convert-xf-to-linalg pass ---------------------===//
//
// Runs the op-family pattern sets as a partial conversion with the whole xf
// dialect illegal, so any op that cannot be lowered is reported at its ONNX
// node location instead of silently surviving.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "xfc/Conversion/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

namespace xfc {
#define GEN_PASS_DEF_CONVERTXFTOLINALGPASS
#include "xfc/Conversion/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {

void populateXfToLinalgPatterns(RewritePatternSet &patterns) {
  lowering::populateElementwisePatterns(patterns);
  lowering::populateReductionPatterns(patterns);
  lowering::populateLinearAlgebraPatterns(patterns);
  lowering::populateDataMovementPatterns(patterns);
  lowering::populateConvPoolPatterns(patterns);
  lowering::populateSequentialPatterns(patterns);
  lowering::populateCheckPatterns(patterns);
  lowering::populateResizePatterns(patterns);
  lowering::populateGridSamplePatterns(patterns);
}

namespace {
struct ConvertXfToLinalgPass
    : impl::ConvertXfToLinalgPassBase<ConvertXfToLinalgPass> {
  void runOnOperation() override {
    MLIRContext *ctx = &getContext();
    ConversionTarget target(*ctx);
    target.addIllegalDialect<xf::XfDialect>();
    target.addLegalDialect<linalg::LinalgDialect, tensor::TensorDialect,
                           arith::ArithDialect, math::MathDialect,
                           scf::SCFDialect, func::FuncDialect>();
    lowering::numberCheckMessages(getOperation());
    RewritePatternSet patterns(ctx);
    populateXfToLinalgPatterns(patterns);
    if (failed(applyPartialConversion(getOperation(), target,
                                      std::move(patterns))))
      signalPassFailure();
  }
};
} // namespace

} // namespace xfc
