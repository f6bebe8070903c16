//===- FillLargeSplats.cpp - large splat constants filled at run time -----===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

namespace xfc {
#define GEN_PASS_DEF_FILLLARGESPLATSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

struct FillLargeSplatsPass : impl::FillLargeSplatsPassBase<FillLargeSplatsPass> {
  using Base::Base;
  void runOnOperation() override {
    SmallVector<arith::ConstantOp> splats;
    getOperation().walk([&](arith::ConstantOp op) {
      auto type = dyn_cast<RankedTensorType>(op.getType());
      auto value = dyn_cast<SplatElementsAttr>(op.getValue());
      if (type && value && type.hasStaticShape() &&
          type.getNumElements() > static_cast<int64_t>(minElements))
        splats.push_back(op);
    });
    for (arith::ConstantOp op : splats) {
      OpBuilder b(op);
      auto type = cast<RankedTensorType>(op.getType());
      auto value = cast<SplatElementsAttr>(op.getValue());
      Value scalar = arith::ConstantOp::create(
          b, op.getLoc(), cast<TypedAttr>(value.getSplatValue<Attribute>()));
      Value empty = tensor::EmptyOp::create(b, op.getLoc(), type.getShape(),
                                            type.getElementType());
      Value filled =
          linalg::FillOp::create(b, op.getLoc(), scalar, empty).getResult(0);
      op.replaceAllUsesWith(filled);
      op.erase();
    }
  }
};

} // namespace
} // namespace xfc
