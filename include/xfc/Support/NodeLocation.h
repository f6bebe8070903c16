//===- NodeLocation.h - the ONNX node behind an MLIR location -------------===//
//
// The importer gives every op the location NameLoc("NAME") inside a FusedLoc
// whose metadata is the ONNX op type, so that any later stage can name the
// node in a message: diagnostics (`xfc`), run-time check messages (the
// lowering).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_SUPPORT_NODELOCATION_H
#define XFC_SUPPORT_NODELOCATION_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Location.h"

#include <string>

namespace xfc {

/// The ONNX node name and op type recorded in `loc` (empty when absent).
inline void describeNodeLocation(mlir::Location loc, std::string &node,
                                 std::string &opType) {
  if (auto fused = llvm::dyn_cast<mlir::FusedLoc>(loc)) {
    if (auto type = llvm::dyn_cast_or_null<mlir::StringAttr>(fused.getMetadata()))
      opType = type.str();
    for (mlir::Location inner : fused.getLocations()) {
      describeNodeLocation(inner, node, opType);
      if (!node.empty())
        return;
    }
    return;
  }
  if (auto name = llvm::dyn_cast<mlir::NameLoc>(loc)) {
    node = name.getName().str();
    return;
  }
  if (auto callSite = llvm::dyn_cast<mlir::CallSiteLoc>(loc))
    describeNodeLocation(callSite.getCallee(), node, opType);
}

/// "node 'NAME' (OpType)", "node 'NAME'", or "" for `loc`.
inline std::string nodeDescription(mlir::Location loc) {
  std::string node, opType;
  describeNodeLocation(loc, node, opType);
  if (node.empty())
    return "";
  std::string text = "node '" + node + "'";
  if (!opType.empty())
    text += " (" + opType + ")";
  return text;
}

} // namespace xfc

#endif // XFC_SUPPORT_NODELOCATION_H
