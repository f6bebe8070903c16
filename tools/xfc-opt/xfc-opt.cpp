//===- xfc-opt.cpp - mlir-opt with every xfc dialect and pass -------------===//

#include "xfc/InitAll.h"

#include "mlir/IR/DialectRegistry.h"
#include "mlir/Tools/mlir-opt/MlirOptMain.h"

int main(int argc, char **argv) {
  mlir::DialectRegistry registry;
  xfc::registerAllDialects(registry);
  xfc::registerAllPasses();
  return mlir::asMainReturnCode(
      mlir::MlirOptMain(argc, argv, "xfc IR optimizer and tester\n", registry));
}
