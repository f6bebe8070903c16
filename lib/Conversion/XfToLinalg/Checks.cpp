//===- Checks.cpp - xf.assert → a call the runtime answers ----------------===//
//
// A run-time check becomes "if any element of the condition is false, call
// @__xfc_check_failed(code)", code being the message's 1-based position in
// the module's `xf.check_messages`. Targets bind the call to their runtime
// (the CPU target to env->check_failed) and put the messages in the model
// descriptor, so the user gets the node's message instead of garbage.
//
// Checks of run-time sizes (dynamic dimensions that must agree, added by
// the lowering itself) call @__xfc_shape_check_failed instead, after which
// the target returns from @main: the code that follows would compute with
// sizes that do not fit together.
//
//===----------------------------------------------------------------------===//

#include "LoweringUtils.h"

#include "dialects/Xf/IR/XfDialect.h"
#include "xfc/Support/NodeLocation.h"
#include "xfc/Transforms/Passes.h"
#include "xfc/Transforms/RunTimeChecks.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Transforms/DialectConversion.h"

using namespace mlir;

namespace xfc::lowering {
namespace {

struct LowerAssert : OpConversionPattern<xf::AssertOp> {
  using OpConversionPattern::OpConversionPattern;
  LogicalResult
  matchAndRewrite(xf::AssertOp op, OpAdaptor adaptor,
                  ConversionPatternRewriter &rewriter) const override {
    auto module = op->getParentOfType<ModuleOp>();
    auto messages =
        module ? module->getAttrOfType<ArrayAttr>(kCheckMessagesAttrName)
               : nullptr;
    auto it = messages ? llvm::find(messages, op.getMessageAttr())
                       : nullptr;
    if (!messages || it == messages.end())
      return rewriter.notifyMatchFailure(op, "message not numbered");
    int32_t code = static_cast<int32_t>(it - messages.begin()) + 1;

    Location loc = op.getLoc();
    Value cond = adaptor.getCondition();
    auto type = cast<RankedTensorType>(cond.getType());
    if (type.getRank() > 0) {
      llvm::SmallVector<int64_t> all =
          llvm::to_vector(llvm::seq<int64_t>(0, type.getRank()));
      cond = buildReduction(rewriter, loc, cond, all, rewriter.getBoolAttr(true),
                            [](OpBuilder &b, Location l, ValueRange args) {
                              return arith::AndIOp::create(b, l, args[0], args[1])
                                  .getResult();
                            });
    }
    Value ok = tensor::ExtractOp::create(rewriter, loc, cond, ValueRange());
    buildRunTimeCheck(rewriter, loc, ok, code, kCheckFailedFnName);
    rewriter.eraseOp(op);
    return success();
  }
};

} // namespace

void numberCheckMessages(ModuleOp module) {
  llvm::SmallVector<Attribute> messages;
  llvm::SmallDenseSet<Attribute> seen;
  module.walk([&](xf::AssertOp op) {
    if (seen.insert(op.getMessageAttr()).second)
      messages.push_back(op.getMessageAttr());
  });
  if (messages.empty())
    return;
  if (auto existing = module->getAttrOfType<ArrayAttr>(kCheckMessagesAttrName))
    for (Attribute m : existing)
      if (seen.insert(m).second)
        messages.push_back(m);
  OpBuilder b(module.getContext());
  module->setAttr(kCheckMessagesAttrName, b.getArrayAttr(messages));
  if (!module.lookupSymbol(kCheckFailedFnName)) {
    b.setInsertionPointToEnd(module.getBody());
    auto fn = func::FuncOp::create(
        b, module.getLoc(), kCheckFailedFnName,
        b.getFunctionType({b.getI32Type()}, {}));
    fn.setPrivate();
  }
}

void populateCheckPatterns(RewritePatternSet &patterns) {
  patterns.add<LowerAssert>(patterns.getContext());
}

} // namespace xfc::lowering
