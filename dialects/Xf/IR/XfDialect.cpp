//===- XfDialect.cpp - xf dialect registration ----------------------------===//

#include "dialects/Xf/IR/XfDialect.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/DialectImplementation.h"

using namespace mlir;
using namespace xfc::xf;

#include "dialects/Xf/IR/XfDialect.cpp.inc"
#include "dialects/Xf/IR/XfEnums.cpp.inc"

void XfDialect::initialize() {
  addOperations<
#define GET_OP_LIST
#include "dialects/Xf/IR/XfOps.cpp.inc"
      >();
}

Operation *XfDialect::materializeConstant(OpBuilder &builder, Attribute value,
                                          Type type, Location loc) {
  auto typed = dyn_cast<TypedAttr>(value);
  if (!typed || typed.getType() != type)
    return nullptr;
  return arith::ConstantOp::create(builder, loc, type, typed);
}
