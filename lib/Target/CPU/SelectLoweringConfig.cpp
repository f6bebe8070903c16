//===- SelectLoweringConfig.cpp - the CPU tiling strategy -----------------===//
//
// Picks, per linalg op, how to split it over threads and into vector tiles:
//
// * contractions (matmul-like): threads take [32 x 128] blocks of the output,
//   registers hold [8 x 32] accumulator tiles (16 AVX-512 or 32 AVX2 vector
//   registers) reduced one k at a time with outer-product FMAs;
// * everything else: threads take slices of the outermost parallel loop,
//   vectors run along the innermost loop.
//
// Tile sizes divide the loop sizes so that every tile has a static shape and
// vectorizes without masks.
//
// Loops over sizes known only at run time are walked one iteration at a
// time inside a thread's block, so vector tiles stay static: vectors still
// run along the innermost loop when its size is static (a model's hidden
// sizes usually are; batch and sequence are not). Threads take blocks of
// the dynamic parallel loops (the last one in blocks of several rows).
//
//===----------------------------------------------------------------------===//

#include "LoweringConfig.h"

#include "xfc/Target/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Linalg/IR/LinalgInterfaces.h"
#include "mlir/IR/Builders.h"

namespace xfc {
#define GEN_PASS_DEF_CPUSELECTLOWERINGCONFIGPASS
#include "xfc/Target/Passes.h.inc"
} // namespace xfc

using namespace mlir;

namespace xfc::cpu {

std::optional<LoweringConfig> getLoweringConfig(Operation *op) {
  auto dict = op->getAttrOfType<DictionaryAttr>(kLoweringConfigAttr);
  if (!dict)
    return std::nullopt;
  auto distribute = dict.getAs<DenseI64ArrayAttr>("distribute");
  auto vector = dict.getAs<DenseI64ArrayAttr>("vector");
  if (!distribute || !vector)
    return std::nullopt;
  return LoweringConfig{SmallVector<int64_t>(distribute.asArrayRef()),
                        SmallVector<int64_t>(vector.asArrayRef())};
}

void setLoweringConfig(Operation *op, const LoweringConfig &config) {
  Builder b(op->getContext());
  op->setAttr(kLoweringConfigAttr,
              b.getDictionaryAttr(
                  {b.getNamedAttr("distribute", b.getDenseI64ArrayAttr(config.distribute)),
                   b.getNamedAttr("vector", b.getDenseI64ArrayAttr(config.vector))}));
}

namespace {

/// Largest t <= preferred dividing `size`, preferring multiples of `align`.
int64_t pickTile(int64_t size, int64_t preferred, int64_t align = 1) {
  if (size <= preferred)
    return size;
  for (int64_t t = preferred; t >= align; --t)
    if (size % t == 0 && t % align == 0)
      return t;
  for (int64_t t = preferred; t >= 1; --t)
    if (size % t == 0)
      return t;
  return 1;
}

/// Splits a loop of `size` into at least `parts` pieces where possible.
int64_t pickDistribution(int64_t size, int64_t parts) {
  return pickTile(size, std::max<int64_t>(1, size / parts));
}

std::optional<LoweringConfig> contractionConfig(linalg::LinalgOp op,
                                                ArrayRef<int64_t> ranges) {
  // Loops are [batch..., m, n, k] for the contractions the xf lowering
  // builds; anything else takes the generic strategy.
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t n = ranges.size();
  if (n < 3 || iters[n - 1] != utils::IteratorType::reduction ||
      iters[n - 2] != utils::IteratorType::parallel ||
      iters[n - 3] != utils::IteratorType::parallel)
    return std::nullopt;
  for (int64_t i = 0; i < n - 3; ++i)
    if (iters[i] != utils::IteratorType::parallel)
      return std::nullopt;
  LoweringConfig config;
  int64_t m = ranges[n - 3], nn = ranges[n - 2];
  for (int64_t i = 0; i < n - 3; ++i) {
    config.distribute.push_back(1);
    config.vector.push_back(1);
  }
  int64_t mt = pickTile(m, 32, 8), nt = pickTile(nn, 128, 32);
  config.distribute.append({mt, nt, 0});
  config.vector.append({pickTile(mt, 8), pickTile(nt, 32, 16), 1});
  return config;
}

LoweringConfig genericConfig(linalg::LinalgOp op, ArrayRef<int64_t> ranges) {
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t n = ranges.size();
  LoweringConfig config;
  config.distribute.assign(n, 0);
  config.vector.assign(n, 1);
  // Threads: the outermost parallel loop with more than one iteration.
  for (int64_t i = 0; i < n; ++i) {
    if (iters[i] == utils::IteratorType::parallel && ranges[i] > 1) {
      config.distribute[i] = pickDistribution(ranges[i], 8);
      // Tiles of one distributed loop must not be re-tiled beyond it.
      break;
    }
  }
  // Vectors: along the innermost loop; long reductions in chunks.
  if (n > 0) {
    int64_t inner = ranges[n - 1];
    config.vector[n - 1] = iters[n - 1] == utils::IteratorType::reduction
                               ? pickTile(inner, 64)
                               : pickTile(inner, 64);
  }
  // A distributed loop is tiled inside its block too.
  for (int64_t i = 0; i < n; ++i)
    if (config.distribute[i] == 0 && i != n - 1)
      config.vector[i] = 1;
  return config;
}

/// Some loop range is dynamic: one iteration of every dynamic loop (and of
/// every outer static one) per vector tile, vectors along a static innermost
/// loop; none when the innermost loop is dynamic (the op stays scalar
/// loops). Threads take one iteration of each dynamic parallel loop but the
/// last, and blocks of `kRowsPerTask` of that one.
std::optional<LoweringConfig> dynamicConfig(linalg::LinalgOp op,
                                            ArrayRef<int64_t> ranges) {
  constexpr int64_t kRowsPerTask = 8;
  int64_t n = ranges.size();
  LoweringConfig config;
  config.distribute.assign(n, 0);
  config.vector.assign(n, 1);
  // Contractions [..., m, n, k] with a static n: vectors along n, k one at a
  // time (k may be dynamic: attention's probabilities times values).
  bool alongN = linalg::isaContractionOpInterface(op) && n >= 3 &&
                !ShapedType::isDynamic(ranges[n - 2]) && ranges[n - 2] > 1;
  int64_t vectorLoop = alongN ? n - 2 : n - 1;
  if (ShapedType::isDynamic(ranges[vectorLoop]) || ranges[vectorLoop] <= 1)
    return std::nullopt;
  config.vector[vectorLoop] = alongN ? pickTile(ranges[vectorLoop], 32, 16)
                                     : pickTile(ranges[vectorLoop], 64);
  SmallVector<utils::IteratorType> iters = op.getIteratorTypesArray();
  int64_t last = -1;
  for (int64_t i = 0; i < n; ++i) {
    if (i == vectorLoop || iters[i] != utils::IteratorType::parallel ||
        !ShapedType::isDynamic(ranges[i]))
      continue;
    config.distribute[i] = 1;
    last = i;
  }
  if (last >= 0)
    config.distribute[last] = kRowsPerTask;
  return config;
}

struct CpuSelectLoweringConfigPass
    : impl::CpuSelectLoweringConfigPassBase<CpuSelectLoweringConfigPass> {
  void runOnOperation() override {
    getOperation().walk([](linalg::LinalgOp op) {
      if (getLoweringConfig(op) || isa<linalg::FillOp>(op) ||
          !op.hasPureTensorSemantics())
        return;
      SmallVector<int64_t> ranges = op.getStaticLoopRanges();
      if (ranges.empty())
        return;
      std::optional<LoweringConfig> config;
      if (llvm::any_of(ranges, ShapedType::isDynamic)) {
        if ((config = dynamicConfig(op, ranges)))
          setLoweringConfig(op, *config);
        return;
      }
      if (linalg::isaContractionOpInterface(op))
        config = contractionConfig(op, ranges);
      if (!config)
        config = genericConfig(op, ranges);
      setLoweringConfig(op, *config);
    });
  }
};

} // namespace
} // namespace xfc::cpu
