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
