//===- Passes.h - fusion passes of the xf dialect -------------------------===//
//
// The xf-fuse-* passes and the pattern sets behind them, so that a pipeline
// can apply several fusions in one greedy rewrite (as xf-fuse does).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_DIALECTS_XF_TRANSFORMS_PASSES_H
#define XFC_DIALECTS_XF_TRANSFORMS_PASSES_H

#include "mlir/Pass/Pass.h"

namespace mlir {
class RewritePatternSet;
} // namespace mlir

namespace xfc::xf {

#define GEN_PASS_DECL
#include "dialects/Xf/Transforms/Passes.h.inc"

/// Decomposed GELU (erf and tanh forms) → xf.gelu.
void populateFuseGeluPatterns(mlir::RewritePatternSet &patterns);
/// Decomposed layer normalization → xf.layer_norm, RMS normalization →
/// xf.rms_norm.
void populateFuseLayerNormPatterns(mlir::RewritePatternSet &patterns);
/// softmax(q·kᵀ·scale + mask)·v → xf.attention.
void populateFuseAttentionPatterns(mlir::RewritePatternSet &patterns);
/// xf.gather on axis 0 of a 2-D table → xf.embedding.
void populateFuseEmbeddingPatterns(mlir::RewritePatternSet &patterns);
/// Every pattern above.
void populateFusePatterns(mlir::RewritePatternSet &patterns);

#define GEN_PASS_REGISTRATION
#include "dialects/Xf/Transforms/Passes.h.inc"

} // namespace xfc::xf

#endif // XFC_DIALECTS_XF_TRANSFORMS_PASSES_H
