//===- RecordAbi.cpp - remember @main's signature for the runtime ABI -----===//

#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"

namespace xfc {
#define GEN_PASS_DEF_RECORDABIPASS
#include "xfc/Transforms/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc {
namespace {

/// [{name = "...", type = tensor<...>}, ...] for arguments or results,
/// with the dimension names and value kinds where they have them.
ArrayAttr describe(OpBuilder &b, TypeRange types,
                   function_ref<DictionaryAttr(unsigned)> attrsOf,
                   StringRef fallbackPrefix) {
  SmallVector<Attribute> entries;
  for (auto [i, t] : llvm::enumerate(types)) {
    Type type = t;
    DictionaryAttr attrs = attrsOf(i);
    StringAttr name = attrs ? attrs.getAs<StringAttr>(kNameAttrName) : nullptr;
    if (!name)
      name = b.getStringAttr(fallbackPrefix + Twine(i));
    // xf computes on signless integers; the ABI keeps ONNX's unsigned types
    // (recorded by the importer) so callers pass and get the right ONNX type.
    auto onnxType = attrs ? attrs.getAs<StringAttr>("xf.onnx_type") : nullptr;
    auto tensor = cast<RankedTensorType>(type);
    if (onnxType && onnxType.getValue().starts_with("uint") &&
        tensor.getElementType().isSignlessInteger())
      type = tensor.clone(IntegerType::get(b.getContext(),
                                           tensor.getElementTypeBitWidth(),
                                           IntegerType::Unsigned));
    SmallVector<NamedAttribute> entry{b.getNamedAttr("name", name),
                                      b.getNamedAttr("type", TypeAttr::get(type))};
    if (auto dims = attrs ? attrs.getAs<ArrayAttr>(kDimNamesAttrName) : nullptr)
      entry.push_back(b.getNamedAttr(kDimNamesAttrName, dims));
    if (auto kind = attrs ? attrs.getAs<StringAttr>(kValueKindAttrName) : nullptr)
      entry.push_back(b.getNamedAttr(kValueKindAttrName, kind));
    entries.push_back(b.getDictionaryAttr(entry));
  }
  return b.getArrayAttr(entries);
}

struct RecordAbiPass : impl::RecordAbiPassBase<RecordAbiPass> {
  void runOnOperation() override {
    ModuleOp module = getOperation();
    auto main = module.lookupSymbol<func::FuncOp>("main");
    if (!main) {
      module.emitError("the module has no @main function");
      return signalPassFailure();
    }
    OpBuilder b(module.getContext());
    FunctionType type = main.getFunctionType();
    for (Type t : llvm::concat<const Type>(type.getInputs(), type.getResults())) {
      if (!isa<RankedTensorType>(t)) {
        main.emitError("@main inputs and outputs must be ranked tensors, got ")
            << t;
        return signalPassFailure();
      }
    }
    ArrayAttr inputs = describe(
        b, type.getInputs(), [&](unsigned i) { return main.getArgAttrDict(i); },
        "input_");
    ArrayAttr outputs = describe(
        b, type.getResults(),
        [&](unsigned i) { return main.getResultAttrDict(i); }, "output_");
    module->setAttr(kAbiAttrName,
                    b.getDictionaryAttr({b.getNamedAttr("inputs", inputs),
                                         b.getNamedAttr("outputs", outputs)}));
  }
};

} // namespace
} // namespace xfc
