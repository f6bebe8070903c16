//===- Passes.td - fusion passes of the xf dialect -----------*- tablegen -*-===//
//
// Passes that raise the decomposed subgraphs exporters write (attention,
// layer/RMS normalization, GELU, embedding lookups) into the xf ops that the
// lowering and the target strategies treat as units. Every pattern checks
// each constant, axis, shape and use it relies on, so that a rewrite never
// changes what the graph computes.
//
//===----------------------------------------------------------------------===//

#ifndef XF_TRANSFORMS_PASSES_TD
#define XF_TRANSFORMS_PASSES_TD

include "mlir/Pass/PassBase.td"

def FuseGeluPass : Pass<"xf-fuse-gelu"> {
  let summary = "Raise decomposed GELU (erf or tanh form) into xf.gelu";
  let description = [{
    Matches `x * 0.5 * (1 + erf(x / √2))` (also `x * (1/√2)` inside the erf)
    and `x * 0.5 * (1 + tanh(√(2/π) * (x + 0.044715 * x³)))` with `x³` as
    `pow(x, 3)`, `x * (x * x)` or `(x * x) * x`, in every association and
    operand order of the products and sums. Constants must equal the exact
    values to within one ulp of the element type; intermediate values must
    have no other use.
  }];
  let dependentDialects = ["::xfc::xf::XfDialect"];
}

def FuseLayerNormPass : Pass<"xf-fuse-layer-norm"> {
  let summary = "Raise decomposed layer and RMS normalization into xf.layer_norm / xf.rms_norm";
  let description = [{
    Layer norm: `d = x - mean(x)`, `var = mean(d²)`, `d / sqrt(var + eps)`,
    then an optional `* gamma` and `+ beta`. RMS norm: `x / sqrt(mean(x²) +
    eps)` or `x * rsqrt(...)` / `x * reciprocal(sqrt(...))` / `x * (1 /
    sqrt(...))`, then an optional `* gamma`. Both means must reduce the same
    trailing axes with `keep_dims`; `d²` may be `pow(d, 2)` or `d * d`;
    gamma and beta must broadcast to the normalized dimensions only; `eps`
    must be a constant that f32 (the op's attribute type) represents exactly.
  }];
  let dependentDialects = ["::xfc::xf::XfDialect", "::mlir::arith::ArithDialect"];
}

def FuseAttentionPass : Pass<"xf-fuse-attention"> {
  let summary = "Raise softmax(q·kᵀ·scale + mask)·v into xf.attention";
  let description = [{
    Starts from `matmul(softmax(s, axis = -1), v)` and walks up `s` through:
    an optional additive mask (`s + m` or `m + s`), an optional `select`
    with a constant fill of -inf or a large negative value (at most -1e4),
    any number of multiplications or divisions by scalar constants, and the
    score product `matmul(q, kᵀ)` with optional scalar scaling of q or kᵀ.
    q, k and v are static `[B, H, S, D]` tensors with no broadcasting;
    kᵀ's transpose is folded into the one that produced it.

    A `select` whose condition is the constant strictly-upper-triangular
    pattern (masked where key > query) becomes `causal`; a finite fill is
    taken only when there is no additive mask as well (a row whose visible
    keys are all masked would then weigh the future keys). Any other
    condition becomes part of the additive mask (0 or -inf), which is exact
    only for a fill of -inf, so a finite fill with a non-causal condition is
    not fused.
  }];
  let dependentDialects = ["::xfc::xf::XfDialect", "::mlir::arith::ArithDialect"];
}

def FuseEmbeddingPass : Pass<"xf-fuse-embedding"> {
  let summary = "Raise xf.gather on axis 0 of a 2-D table into xf.embedding";
  let dependentDialects = ["::xfc::xf::XfDialect"];
}

def FusePass : Pass<"xf-fuse"> {
  let summary = "Run every xf fusion (attention, layer/RMS norm, GELU, embedding)";
  let description = [{
    The patterns of `xf-fuse-attention`, `xf-fuse-layer-norm`,
    `xf-fuse-gelu` and `xf-fuse-embedding` applied together by one greedy
    rewrite. This is the fusion step of xfc's graph stage at -O1 and above.
  }];
  let dependentDialects = ["::xfc::xf::XfDialect", "::mlir::arith::ArithDialect"];
}

#endif // XF_TRANSFORMS_PASSES_TD
