//===- OpsNN.cpp - MatMul, Gemm, Conv and pooling -> xf ------------------===//
//
// Gemm becomes xf.linear when it is x·Wᵀ (+ bias), the form the CPU strategy
// tiles best, and xf.matmul plus elementwise ops otherwise. Window attributes
// of Conv and the pools are validated and auto_pad is resolved into explicit
// pads here, so xf ops only carry explicit windows.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"

#include "dialects/Xf/IR/XfShapes.h"

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

LogicalResult convertMatMul(NodeContext &c) {
  if (c.rank(0) < 1 || c.rank(1) < 1)
    return c.fail("operands must have rank 1 or more");
  if (c.elt(0) != c.elt(1))
    return c.fail("operand element types differ");
  auto shape = xf::matmulShape(c.shape(0), c.shape(1));
  if (!shape)
    return c.fail("shapes " + shapeStr(c.shape(0)) + " and " +
                  shapeStr(c.shape(1)) +
                  " are not compatible for a matrix product");
  auto type = RankedTensorType::get(*shape, c.elt(0));
  return c.done(xf::MatMulOp::create(c.b(), c.loc(), type, c.in(0), c.in(1)));
}

bool sameDim(int64_t a, int64_t b) {
  return ShapedType::isDynamic(a) || ShapedType::isDynamic(b) || a == b;
}

LogicalResult convertGemm(NodeContext &c) {
  bool transA = c.attrInt("transA", 0) != 0;
  bool transB = c.attrInt("transB", 0) != 0;
  float alpha = c.attrFloat("alpha", 1.0f), beta = c.attrFloat("beta", 1.0f);
  if (c.failed())
    return failure();
  if (c.rank(0) != 2 || c.rank(1) != 2)
    return c.fail("A and B must be 2-D, not " + shapeStr(c.shape(0)) +
                  " and " + shapeStr(c.shape(1)));
  if (c.elt(0) != c.elt(1))
    return c.fail("A and B have different element types");
  Type elt = c.elt(0);
  llvm::ArrayRef<int64_t> sa = c.shape(0), sb = c.shape(1);
  int64_t m = transA ? sa[1] : sa[0], ka = transA ? sa[0] : sa[1];
  int64_t kb = transB ? sb[1] : sb[0], n = transB ? sb[0] : sb[1];
  if (!sameDim(ka, kb))
    return c.fail("inner dimensions differ: A " + shapeStr(sa) + " B " +
                  shapeStr(sb) + " (transA=" + llvm::Twine(transA) +
                  ", transB=" + llvm::Twine(transB) + ")");
  bool hasC = c.has(2) && beta != 0.0f;
  if (hasC) {
    if (c.elt(2) != elt)
      return c.fail("C has a different element type");
    if (!xf::isBroadcastableTo(c.shape(2), {m, n}))
      return c.fail("C " + shapeStr(c.shape(2)) + " does not broadcast to " +
                    shapeStr({m, n}));
  }

  Value a = c.in(0);
  if (transA)
    a = c.transpose(a, {1, 0});
  auto resultType = RankedTensorType::get({m, n}, elt);
  Value y;
  bool biasDone = false;
  if (transB && isa<FloatType>(elt)) {
    // x·Wᵀ with W = B [N, K]: xf.linear, absorbing a [N] bias when possible.
    Value bias;
    if (hasC && alpha == 1.0f && beta == 1.0f) {
      llvm::ArrayRef<int64_t> sc = c.shape(2);
      bool isVector = (sc.size() == 1 && sc[0] == n && !ShapedType::isDynamic(n)) ||
                      (sc.size() == 2 && sc[0] == 1 && sc[1] == n &&
                       !ShapedType::isDynamic(n));
      if (isVector) {
        if (const ConstTensor *t = c.constant(2))
          bias = c.constant(t->reshaped({n}));
        else
          bias = c.reshape(c.in(2), {n});
        biasDone = true;
      }
    }
    y = xf::LinearOp::create(c.b(), c.loc(), resultType, a, c.in(1), bias);
  } else {
    Value b = c.in(1);
    if (transB)
      b = c.transpose(b, {1, 0});
    y = xf::MatMulOp::create(c.b(), c.loc(), resultType, a, b);
  }
  if (alpha != 1.0f) {
    FailureOr<Value> scaled = c.binary(BinaryKind::mul, y, c.splat(elt, alpha));
    if (failed(scaled))
      return failure();
    y = *scaled;
  }
  if (hasC && !biasDone) {
    Value cv;
    const ConstTensor *t = c.constant(2);
    if (beta == 1.0f) {
      cv = c.in(2);
    } else if (t && (t->isSplat() || t->numElements() <= kFoldLimit)) {
      auto folded = foldBinary(BinaryKind::mul, *t,
                               ConstTensor::splat(t->dtype(), {}, beta));
      cv = folded ? c.constant(*folded) : Value();
    }
    if (!cv) {
      FailureOr<Value> scaled =
          c.binary(BinaryKind::mul, c.in(2), c.splat(elt, beta));
      if (failed(scaled))
        return failure();
      cv = *scaled;
    }
    FailureOr<Value> sum = c.binary(BinaryKind::add, y, cv);
    if (failed(sum))
      return failure();
    y = *sum;
  }
  return c.done(y);
}

/// Window attributes shared by Conv and the pools, validated, with auto_pad
/// resolved into explicit pads.
struct Window {
  llvm::SmallVector<int64_t> kernel, strides, pads, dilations, outSpatial;
};

FailureOr<Window> readWindow(NodeContext &c, llvm::ArrayRef<int64_t> kernel,
                             bool hasDilations, bool ceilMode) {
  int64_t spatial = c.rank(0) - 2;
  Window w;
  w.kernel.assign(kernel.begin(), kernel.end());
  auto ints = [&](const char *name, int64_t count, int64_t dflt)
      -> FailureOr<llvm::SmallVector<int64_t>> {
    auto v = c.attrInts(name);
    if (c.failed())
      return failure();
    if (!v || v->empty())
      return llvm::SmallVector<int64_t>(count, dflt);
    if (static_cast<int64_t>(v->size()) != count)
      return c.fail(llvm::Twine(name) + " " + listStr(*v) + " must have " +
                    llvm::Twine(count) + " entries");
    return *v;
  };
  auto strides = ints("strides", spatial, 1);
  if (failed(strides))
    return failure();
  w.strides = *strides;
  if (hasDilations) {
    auto dil = ints("dilations", spatial, 1);
    if (failed(dil))
      return failure();
    w.dilations = *dil;
  } else {
    w.dilations.assign(spatial, 1);
  }
  constexpr int64_t kMaxWindow = int64_t(1) << 20;
  for (int64_t i = 0; i < spatial; ++i) {
    if (w.kernel[i] < 1 || w.strides[i] < 1 || w.dilations[i] < 1)
      return c.fail("kernel, strides and dilations must be positive");
    if (w.kernel[i] > kMaxWindow || w.strides[i] > kMaxWindow ||
        w.dilations[i] > kMaxWindow)
      return c.fail("kernel, strides or dilations are too large");
  }

  std::string autoPad = c.attrString("auto_pad", "NOTSET");
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0).drop_front(2);
  if (autoPad == "NOTSET") {
    auto pads = ints("pads", 2 * spatial, 0);
    if (failed(pads))
      return failure();
    w.pads = *pads;
    for (int64_t p : w.pads)
      if (p < 0 || p > kMaxDim)
        return c.fail("pads must be non-negative and not too large");
  } else if (autoPad == "VALID") {
    w.pads.assign(2 * spatial, 0);
  } else if (autoPad == "SAME_UPPER" || autoPad == "SAME_LOWER") {
    w.pads.assign(2 * spatial, 0);
    for (int64_t i = 0; i < spatial; ++i) {
      if (ShapedType::isDynamic(in[i]))
        return c.fail("auto_pad " + autoPad +
                      " needs static spatial dimensions");
      int64_t out = (in[i] + w.strides[i] - 1) / w.strides[i];
      int64_t span = (w.kernel[i] - 1) * w.dilations[i] + 1;
      int64_t total =
          std::max<int64_t>(0, (out - 1) * w.strides[i] + span - in[i]);
      int64_t small = total / 2, large = total - small;
      w.pads[i] = autoPad == "SAME_UPPER" ? small : large;
      w.pads[spatial + i] = autoPad == "SAME_UPPER" ? large : small;
    }
  } else {
    return c.fail("auto_pad '" + autoPad + "' is not supported");
  }
  for (int64_t i = 0; i < spatial; ++i) {
    int64_t out = xf::windowOutputSize(in[i], w.kernel[i], w.strides[i],
                                       w.pads[i], w.pads[spatial + i],
                                       w.dilations[i], ceilMode);
    if (!ShapedType::isDynamic(out) && out < 1)
      return c.fail("the window does not fit spatial dimension " +
                    llvm::Twine(i) + " (" + llvm::Twine(in[i]) +
                    " with pads)");
    w.outSpatial.push_back(out);
  }
  return w;
}

LogicalResult convertConv(NodeContext &c) {
  int64_t rank = c.rank(0);
  if (rank < 3)
    return c.fail("the input must be [N, C, spatial...]");
  if (c.rank(1) != rank)
    return c.fail("the weight " + shapeStr(c.shape(1)) +
                  " must have the input's rank " + llvm::Twine(rank));
  if (!isa<FloatType>(c.elt(0)) || c.elt(1) != c.elt(0))
    return c.fail("needs floating-point input and weight of one type");
  int64_t group = c.attrInt("group", 1);
  auto kernelAttr = c.attrInts("kernel_shape");
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> ws = c.shape(1), xs = c.shape(0);
  llvm::ArrayRef<int64_t> kernel = ws.drop_front(2);
  for (int64_t k : kernel)
    if (ShapedType::isDynamic(k))
      return c.fail("the kernel size must be static");
  if (kernelAttr && llvm::ArrayRef<int64_t>(*kernelAttr) != kernel)
    return c.fail("kernel_shape " + listStr(*kernelAttr) +
                  " differs from the weight " + shapeStr(ws));
  if (group < 1)
    return c.fail("group must be positive");
  int64_t channels = xs[1], filters = ws[0];
  if (!ShapedType::isDynamic(channels) &&
      (channels % group != 0 ||
       (!ShapedType::isDynamic(ws[1]) && ws[1] * group != channels)))
    return c.fail("the weight " + shapeStr(ws) + " does not match " +
                  llvm::Twine(channels) + " input channels in " +
                  llvm::Twine(group) + " groups");
  if (!ShapedType::isDynamic(filters) && filters % group != 0)
    return c.fail("filters are not divisible by group");
  Value bias;
  if (c.has(2)) {
    if (c.rank(2) != 1 || !sameDim(c.shape(2)[0], filters) ||
        c.elt(2) != c.elt(0))
      return c.fail("the bias " + shapeStr(c.shape(2)) + " must be [" +
                    llvm::Twine(filters) + "]");
    bias = c.in(2);
  }
  auto w = readWindow(c, kernel, /*hasDilations=*/true, /*ceilMode=*/false);
  if (failed(w))
    return failure();
  llvm::SmallVector<int64_t> shape{xs[0], filters};
  llvm::append_range(shape, w->outSpatial);
  auto type = RankedTensorType::get(shape, c.elt(0));
  return c.done(xf::ConvOp::create(c.b(), c.loc(), type, c.in(0), c.in(1),
                                   bias, w->strides, w->pads, w->dilations,
                                   static_cast<uint64_t>(group)));
}

ConvertFn poolOp(xf::PoolKind kind) {
  return [kind](NodeContext &c) -> LogicalResult {
    bool isMax = kind == xf::PoolKind::max;
    if (isMax && failed(c.onlyFirstOutput("the Indices output")))
      return failure();
    int64_t rank = c.rank(0);
    if (rank < 3)
      return c.fail("the input must be [N, C, spatial...]");
    if (!isa<FloatType>(c.elt(0)))
      return c.fail("needs floating-point input");
    auto kernel = c.attrInts("kernel_shape");
    bool ceilMode = c.since() >= 10 && c.attrInt("ceil_mode", 0) != 0;
    bool countPad = !isMax && c.since() >= 7 &&
                    c.attrInt("count_include_pad", 0) != 0;
    if (c.failed())
      return failure();
    if (!kernel || static_cast<int64_t>(kernel->size()) != rank - 2)
      return c.fail("kernel_shape must have one entry per spatial dimension");
    auto w = readWindow(c, *kernel, /*hasDilations=*/isMax && c.since() >= 10,
                        ceilMode);
    if (failed(w))
      return failure();
    llvm::SmallVector<int64_t> shape(c.shape(0).take_front(2));
    llvm::append_range(shape, w->outSpatial);
    auto type = RankedTensorType::get(shape, c.elt(0));
    return c.done(xf::PoolOp::create(c.b(), c.loc(), type, kind, c.in(0),
                                     w->kernel, w->strides, w->pads,
                                     w->dilations, countPad));
  };
}

} // namespace

void registerNNOps(OpRegistry &r) {
  r.on("MatMul", {1, 9, 13}, convertMatMul);
  r.on("Gemm", {7, 9, 11, 13}, convertGemm,
       "xf.linear for transB=1 (bias absorbed when alpha=beta=1), else "
       "xf.matmul + mul/add");
  r.on("Conv", {1, 11}, convertConv,
       "floating point; auto_pad resolved to explicit pads");
  r.on("MaxPool", {1, 8, 10, 11, 12}, poolOp(xf::PoolKind::max),
       "floating point; no Indices output");
  r.on("AveragePool", {1, 7, 10, 11}, poolOp(xf::PoolKind::avg),
       "floating point");
}

} // namespace xfc::onnx_import
