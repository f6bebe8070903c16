//===- RunTimeChecks.cpp - checks compiled code makes, and their messages -===//

#include "xfc/Transforms/RunTimeChecks.h"

#include "xfc/Support/NodeLocation.h"
#include "xfc/Transforms/Passes.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"

using namespace mlir;

namespace xfc {

int32_t runTimeCheckCode(ModuleOp module, StringAttr message) {
  SmallVector<Attribute> messages;
  if (auto existing = module->getAttrOfType<ArrayAttr>(kCheckMessagesAttrName))
    messages.assign(existing.begin(), existing.end());
  auto it = llvm::find(messages, message);
  if (it != messages.end())
    return static_cast<int32_t>(it - messages.begin()) + 1;
  messages.push_back(message);
  module->setAttr(kCheckMessagesAttrName, ArrayAttr::get(module.getContext(), messages));
  return static_cast<int32_t>(messages.size());
}

void buildRunTimeCheck(OpBuilder &b, Location loc, Value ok, int32_t code,
                       StringRef fn) {
  auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  if (!module.lookupSymbol(fn)) {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(module.getBody());
    auto decl = func::FuncOp::create(b, module.getLoc(), fn,
                                     b.getFunctionType({b.getI32Type()}, {}));
    decl.setPrivate();
  }
  Value failed = arith::XOrIOp::create(
      b, loc, ok, arith::ConstantOp::create(b, loc, b.getI1Type(), b.getBoolAttr(true)));
  auto ifOp = scf::IfOp::create(b, loc, failed, /*withElse=*/false);
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToStart(&ifOp.getThenRegion().front());
  Value codeValue = arith::ConstantOp::create(b, loc, b.getI32Type(),
                                              b.getI32IntegerAttr(code));
  func::CallOp::create(b, loc, fn, TypeRange(), ValueRange{codeValue});
}

void buildSizeCheck(OpBuilder &b, Location loc, Value ok, const llvm::Twine &what) {
  auto module = b.getInsertionBlock()->getParentOp()->getParentOfType<ModuleOp>();
  std::string node = nodeDescription(loc);
  std::string message = (node.empty() ? what : node + ": " + what).str();
  int32_t code = runTimeCheckCode(module, b.getStringAttr(message));
  buildRunTimeCheck(b, loc, ok, code, kShapeCheckFailedFnName);
}

} // namespace xfc
