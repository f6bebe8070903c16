//===- LoweringConfig.h - the tile sizes the CPU strategy records ---------===//
//
// `xf.lowering_config = {distribute = array<i64: ...>, vector = array<i64: ...>}`
// on a linalg op: one entry per loop, 0 = loop not tiled at that level.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_TARGET_CPU_LOWERINGCONFIG_H
#define XFC_LIB_TARGET_CPU_LOWERINGCONFIG_H

#include "mlir/IR/Operation.h"
#include "llvm/ADT/SmallVector.h"

#include <optional>

namespace xfc::cpu {

inline constexpr llvm::StringLiteral kLoweringConfigAttr = "xf.lowering_config";
/// The ordinal xfc-cpu-tile-and-vectorize gives each scf.forall it makes,
/// so that CSE never compares two of them (see TileAndVectorize.cpp).
inline constexpr llvm::StringLiteral kTileLoopOrdinalAttr = "xf.tile_loop";

struct LoweringConfig {
  llvm::SmallVector<int64_t> distribute;
  llvm::SmallVector<int64_t> vector;
};

std::optional<LoweringConfig> getLoweringConfig(mlir::Operation *op);
void setLoweringConfig(mlir::Operation *op, const LoweringConfig &config);

} // namespace xfc::cpu

#endif // XFC_LIB_TARGET_CPU_LOWERINGCONFIG_H
