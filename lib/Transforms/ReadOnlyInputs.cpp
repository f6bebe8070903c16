//===- ReadOnlyInputs.cpp - no in-place writes into the caller's inputs ---===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Bufferization/IR/Bufferization.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"

namespace xfc {
#define GEN_PASS_DEF_READONLYINPUTSPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

struct ReadOnlyInputsPass : impl::ReadOnlyInputsPassBase<ReadOnlyInputsPass> {
  void runOnOperation() override {
    func::FuncOp fn = getOperation();
    if (!fn.isPublic() || fn.isExternal())
      return;
    auto no = BoolAttr::get(&getContext(), false);
    // All at once: setArgAttr rebuilds the whole attribute array per call,
    // quadratic for models with many inputs.
    SmallVector<DictionaryAttr> attrs;
    for (BlockArgument arg : fn.getArguments()) {
      NamedAttrList list(fn.getArgAttrDict(arg.getArgNumber()));
      if (isa<TensorType>(arg.getType()))
        list.set(bufferization::BufferizationDialect::kWritableAttrName, no);
      attrs.push_back(list.getDictionary(&getContext()));
    }
    fn.setAllArgAttrs(attrs);
  }
};

} // namespace
} // namespace xfc
