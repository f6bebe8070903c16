//===- OpsSlicing.cpp - Concat, Split, Slice and Pad -> xf ---------------===//
//
// The ops that cut a tensor into pieces or join and border them: Concat,
// Split, Slice and Pad. They are their own family (split from OpsShape.cpp
// to keep files small) because they share one concern the other shape ops
// do not: bounds and pads that may be partly known, negative or out of
// range, clamped with the ONNX rules at compile time when constant and
// computed on index values when only known at run time (the fully run-time
// forms are in ShapeInputs.cpp). Constant inputs are folded.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"
#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <algorithm>

using namespace mlir;

namespace xfc::onnx_import {
namespace {

//===----------------------------------------------------------------------===//
// Concat, Split, Slice
//===----------------------------------------------------------------------===//

LogicalResult convertConcat(NodeContext &c) {
  if (!c.hasAttr("axis"))
    return c.fail("attribute 'axis' is required");
  int64_t axis = c.attrInt("axis", 0);
  if (c.failed())
    return failure();
  if (c.numInputs() == 0)
    return c.fail("needs at least one input");
  for (unsigned i = 0; i < c.numInputs(); ++i)
    if (!c.has(i))
      return c.fail("inputs must not be empty");
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  for (unsigned i = 1; i < c.numInputs(); ++i)
    if (c.rank(i) != c.rank(0) || c.elt(i) != c.elt(0))
      return c.fail("inputs differ in rank or element type");
  if (c.allPartial()) {
    llvm::SmallVector<const ConstTensor *> inputs;
    int64_t total = 0;
    for (unsigned i = 0; i < c.numInputs(); ++i) {
      inputs.push_back(c.partial(i));
      total += c.partial(i)->numElements();
    }
    bool shapesOk = true;
    for (const ConstTensor *t : inputs)
      for (int64_t d = 0; d < c.rank(0); ++d)
        shapesOk &= d == *a || t->shape()[d] == inputs[0]->shape()[d];
    if (!shapesOk)
      return c.fail("input shapes differ outside axis " + llvm::Twine(*a));
    if (total <= kFoldLimit)
      return c.doneConst(foldConcat(inputs, *a));
  }
  llvm::SmallVector<Value> values;
  for (unsigned i = 0; i < c.numInputs(); ++i)
    values.push_back(c.in(i));
  FailureOr<Value> r = c.concat(values, *a);
  return failed(r) ? failure() : c.done(*r);
}

/// Run-time split sizes: the declared outputs' sizes along `axis`, checked
/// at run time.
FailureOr<llvm::SmallVector<int64_t>> declaredSplit(NodeContext &c,
                                                    int64_t axis) {
  llvm::SmallVector<int64_t> sizes;
  for (unsigned i = 0; i < c.numOutputs(); ++i) {
    FailureOr<RankedTensorType> t = c.declaredOutput("the split sizes", i);
    if (failed(t))
      return failure();
    if (t->getRank() != c.rank(0))
      return c.fail("the declared output " + shapeStr(t->getShape()) +
                    " does not have the input's rank");
    sizes.push_back(t->getDimSize(axis));
  }
  if (failed(c.checkEquals(1, sizes, "the split sizes")))
    return failure();
  return sizes;
}

LogicalResult convertSplit(NodeContext &c) {
  int64_t axis = c.attrInt("axis", 0);
  if (c.failed())
    return failure();
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  std::optional<llvm::SmallVector<int64_t>> split;
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t dim = in[*a], outputs = c.numOutputs();
  if (outputs == 0)
    return c.fail("has no outputs");
  // Run-time sizes without declared output shapes: sliced at run time.
  bool runTimeSizes = c.since() >= 13 && c.has(1) && !c.constant(1);
  bool declared = c.type(0).hasStaticShape();
  for (int64_t i = 0; i < outputs; ++i)
    declared &= c.declaredType(i).has_value();
  if (runTimeSizes && !declared) {
    if (c.rank(1) != 1)
      return c.fail("the split sizes must be a vector");
    IndexMath m(c);
    m.check(m.eq(m.length(1), m.lit(outputs)),
            "the split sizes must have one entry per output (" +
                llvm::Twine(outputs) + ")");
    return splitAtRunTime(c, *a, m.elements(1, outputs, 0));
  }
  if (c.since() >= 13) {
    if (c.has(1)) {
      auto v = c.constant(1) ? c.constInts(1, "the split sizes")
                             : declaredSplit(c, *a);
      if (failed(v))
        return failure();
      split = *v;
    }
  } else {
    split = c.attrInts("split");
  }
  if (c.failed())
    return failure();
  if ((!split || split->empty()) && ShapedType::isDynamic(dim)) {
    // Equal parts of a run-time size; from opset 18 the last may be
    // smaller (num_outputs), before that they must be equal.
    IndexMath m(c);
    Value size = m.dim(c.in(0), *a), n = m.lit(outputs);
    Value part = c.opset() >= 18 ? m.ceilDiv(size, n) : m.div(size, n);
    if (c.opset() < 18)
      m.check(m.eq(m.rem(size, n), m.lit(0)),
              "the dimension must split evenly into " + llvm::Twine(outputs) +
                  " outputs");
    llvm::SmallVector<Value> sizes;
    for (int64_t i = 0; i < outputs; ++i)
      sizes.push_back(m.clamp(m.sub(size, m.mul(m.lit(i), part)), m.lit(0), part));
    return splitAtRunTime(c, *a, sizes);
  }
  if (!split || split->empty()) {
    if (dim % outputs != 0)
      return c.fail("dimension " + llvm::Twine(dim) +
                    " does not split evenly into " + llvm::Twine(outputs) +
                    " outputs");
    split = llvm::SmallVector<int64_t>(outputs, dim / outputs);
  }
  if (static_cast<int64_t>(split->size()) != outputs)
    return c.fail("has " + llvm::Twine(split->size()) + " split sizes for " +
                  llvm::Twine(outputs) + " outputs");
  int64_t sum = 0;
  for (int64_t s : *split) {
    if (s < 0 || s > kMaxDim)
      return c.fail("split sizes " + listStr(*split) + " have an invalid entry " +
                    llvm::Twine(s));
    sum += s;
  }
  if (!ShapedType::isDynamic(dim) && sum != dim)
    return c.fail("split sizes " + listStr(*split) + " do not add up to " +
                  llvm::Twine(dim));
  if (!c.type(0).hasStaticShape() && !c.constant(0)) {
    IndexMath m(c);
    llvm::SmallVector<Value> sizes;
    for (int64_t s : *split)
      sizes.push_back(m.lit(s));
    return splitAtRunTime(c, *a, sizes);
  }
  const ConstTensor *t = c.constant(0);
  int64_t offset = 0;
  for (int64_t i = 0; i < outputs; ++i) {
    llvm::SmallVector<int64_t> starts(in.size(), 0), steps(in.size(), 1),
        sizes(in);
    starts[*a] = (*split)[i] ? offset : 0;
    sizes[*a] = (*split)[i];
    offset += (*split)[i];
    if (t && (t->isSplat() || t->numElements() <= kFoldLimit))
      c.setConst(i, foldSlice(*t, starts, steps, sizes));
    else if (c.outputUsed(i))
      c.set(i, c.slice(c.in(0), starts, steps, sizes));
  }
  return success();
}

/// Slice whose bounds are only known at run time: a dynamic dimension, or an
/// end (or start) that is the run-time size of another tensor (PyTorch's
/// `x[:, :s]` with s = y.shape[1]). Positive constant steps (negative ones,
/// `x[::-1]`, take sliceWithRunTimeBounds, which clamps either way). Becomes
/// a tensor.extract_slice with the ONNX clamping computed on index values.
/// `starts`/`ends` hold the constant bounds; `runtimeStarts`/`runtimeEnds`
/// the run-time ones (null where constant).
LogicalResult buildRuntimeSlice(NodeContext &c, llvm::ArrayRef<int64_t> starts,
                                llvm::ArrayRef<int64_t> ends,
                                llvm::ArrayRef<Value> runtimeStarts,
                                llvm::ArrayRef<Value> runtimeEnds,
                                llvm::ArrayRef<int64_t> axes,
                                llvm::ArrayRef<int64_t> steps) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value x = c.in(0);
  int64_t rank = c.rank(0);
  auto index = [&](int64_t v) -> Value {
    return arith::ConstantIndexOp::create(b, loc, v);
  };
  SmallVector<OpFoldResult> offsets(rank, b.getIndexAttr(0)), sizes,
      strides(rank, b.getIndexAttr(1));
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(c.type(0).isDynamicDim(d)
                        ? OpFoldResult(tensor::DimOp::create(b, loc, x, d).getResult())
                        : OpFoldResult(b.getIndexAttr(c.shape(0)[d])));
  for (size_t i = 0; i < axes.size(); ++i) {
    int64_t axis = axes[i];
    Value dim = getValueOrCreateConstantIndexOp(b, loc, sizes[axis]);
    // ONNX: a negative bound counts from the end; then clamp to [0, dim].
    auto bound = [&](int64_t constant, Value runtime) -> Value {
      if (runtime)
        return b.createOrFold<arith::MinSIOp>(loc, runtime, dim);
      Value v = index(std::clamp<int64_t>(constant, -kMaxDim, kMaxDim));
      if (constant < 0)
        v = b.createOrFold<arith::AddIOp>(loc, v, dim);
      v = b.createOrFold<arith::MaxSIOp>(loc, v, index(0));
      return b.createOrFold<arith::MinSIOp>(loc, v, dim);
    };
    Value start = bound(starts[i], runtimeStarts[i]);
    Value end = bound(ends[i], runtimeEnds[i]);
    Value span = b.createOrFold<arith::MaxSIOp>(
        loc, b.createOrFold<arith::SubIOp>(loc, end, start), index(0));
    Value step = index(std::min<int64_t>(steps[i], kMaxDim));
    Value size = b.createOrFold<arith::CeilDivSIOp>(loc, span, step);
    offsets[axis] = getAsOpFoldResult(start);
    sizes[axis] = getAsOpFoldResult(size);
    strides[axis] = b.getIndexAttr(std::min<int64_t>(steps[i], kMaxDim));
  }
  return c.done(tensor::ExtractSliceOp::create(b, loc, x, offsets, sizes, strides));
}

LogicalResult convertSlice(NodeContext &c) {
  llvm::SmallVector<int64_t> starts, ends, axes, steps;
  // Bounds that are run-time sizes (an element of a partially known shape
  // that names a dimension); null where the bound is a constant.
  llvm::SmallVector<Value> runtimeStarts, runtimeEnds;
  if (c.since() < 10) {
    auto s = c.attrInts("starts"), e = c.attrInts("ends");
    if (!s || !e)
      return c.fail("attributes 'starts' and 'ends' are required");
    starts = *s;
    ends = *e;
    if (auto a = c.attrInts("axes"))
      axes = *a;
    if (c.failed())
      return failure();
  } else {
    // Inputs read at run time (ShapeInputs.cpp): those without any
    // compile-time knowledge, bounds with computed sizes (`Shape(x)[1] - 2`:
    // unknown elements that name no dimension) and axes or steps not fully
    // known. The unknown elements of bounds that name a run-time size (from
    // Shape) become run-time bounds here.
    for (unsigned i = 1; i <= 4; ++i)
      if (c.has(i) && (i <= 2 ? !c.namesDimensions(i) : !c.constant(i)))
        return convertSliceAtRunTime(c);
    auto bounds = [&](unsigned i, llvm::StringRef what,
                      llvm::SmallVector<int64_t> &values,
                      llvm::SmallVector<Value> &runtime) -> LogicalResult {
      auto v = c.constDims(i, what);
      if (failed(v))
        return failure();
      values = *v;
      runtime.assign(values.size(), Value());
      for (size_t k = 0; k < values.size(); ++k)
        if (ShapedType::isDynamic(values[k]))
          runtime[k] = c.runtimeDim(i, k);
      return success();
    };
    if (failed(bounds(1, "the starts", starts, runtimeStarts)) ||
        failed(bounds(2, "the ends", ends, runtimeEnds)))
      return failure();
    if (c.has(3)) {
      auto a = c.constInts(3, "the axes");
      if (failed(a))
        return failure();
      axes = *a;
    }
    if (c.has(4)) {
      auto st = c.constInts(4, "the steps");
      if (failed(st))
        return failure();
      steps = *st;
    }
  }
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  if (axes.empty())
    for (size_t i = 0; i < starts.size(); ++i)
      axes.push_back(i);
  if (steps.empty())
    steps.assign(starts.size(), 1);
  if (ends.size() != starts.size() || axes.size() != starts.size() ||
      steps.size() != starts.size())
    return c.fail("starts, ends, axes and steps differ in length");
  runtimeStarts.resize(starts.size());
  runtimeEnds.resize(starts.size());
  bool runtimeBounds = llvm::any_of(runtimeStarts, [](Value v) { return v; }) ||
                       llvm::any_of(runtimeEnds, [](Value v) { return v; });
  for (int64_t &axis : axes) {
    FailureOr<int64_t> norm = c.normAxis(axis, rank);
    if (failed(norm))
      return failure();
    axis = *norm;
    runtimeBounds |= ShapedType::isDynamic(in[axis]);
  }
  for (size_t i = 0; i < axes.size(); ++i)
    if (llvm::is_contained(llvm::ArrayRef(axes).take_front(i), axes[i]))
      return c.fail("axis " + llvm::Twine(axes[i]) + " is sliced twice");
  if (llvm::is_contained(steps, 0))
    return c.fail("steps must not be 0");
  if (runtimeBounds && llvm::any_of(steps, [](int64_t s) { return s < 0; }))
    return sliceWithRunTimeBounds(c);
  if (runtimeBounds)
    return buildRuntimeSlice(c, starts, ends, runtimeStarts, runtimeEnds, axes, steps);

  llvm::SmallVector<int64_t> outStarts(rank, 0), outSteps(rank, 1),
      sizes(in);
  for (size_t i = 0; i < starts.size(); ++i) {
    FailureOr<int64_t> axis = c.normAxis(axes[i], rank);
    if (failed(axis))
      return failure();
    int64_t step = steps[i], dim = in[*axis];
    // A step beyond the dimension takes at most one element either way;
    // clamping it keeps the arithmetic below in range.
    step = std::clamp<int64_t>(step, -kMaxDim, kMaxDim);
    // ONNX clamping: negative values count from the end, then clamp to
    // [0, dim] (step > 0) or [-1, dim - 1] (step < 0).
    int64_t start = starts[i], end = ends[i];
    if (start < 0)
      start += dim;
    if (end < 0)
      end += dim;
    int64_t size;
    if (step > 0) {
      start = std::clamp<int64_t>(start, 0, dim);
      end = std::clamp<int64_t>(end, 0, dim);
      size = end > start ? (end - start + step - 1) / step : 0;
    } else {
      start = std::clamp<int64_t>(start, -1, dim - 1);
      end = std::clamp<int64_t>(end, -1, dim - 1);
      size = start > end ? (start - end + (-step) - 1) / (-step) : 0;
    }
    outStarts[*axis] = size > 0 ? start : 0;
    outSteps[*axis] = step;
    sizes[*axis] = size;
  }
  bool identity = sizes == llvm::SmallVector<int64_t>(in);
  for (int64_t d = 0; d < rank; ++d)
    identity &= outStarts[d] == 0 && outSteps[d] == 1;
  if (identity)
    return c.forward(0);
  return foldOrBuild(
      c,
      [&](const ConstTensor &t) {
        return foldSlice(t, outStarts, outSteps, sizes);
      },
      [&](Value x) { return c.slice(x, outStarts, outSteps, sizes); });
}

//===----------------------------------------------------------------------===//
// Pad
//===----------------------------------------------------------------------===//

LogicalResult convertPad(NodeContext &c) {
  std::string mode = c.attrString("mode", "constant");
  if (c.failed())
    return failure();
  xf::PadMode padMode;
  if (mode == "constant")
    padMode = xf::PadMode::constant;
  else if (mode == "reflect")
    padMode = xf::PadMode::reflect;
  else if (mode == "edge")
    padMode = xf::PadMode::edge;
  else
    return c.fail("mode '" + mode + "' is not supported");
  llvm::SmallVector<int64_t> pads;
  double value = 0;
  if (c.since() < 11) {
    auto p = c.attrInts("pads");
    if (!p)
      return c.fail("attribute 'pads' is required");
    pads = *p;
    value = c.attrFloat("value", 0.0f);
  } else {
    if (!c.constant(1) || (c.has(2) && !c.constant(2)))
      return convertPadAtRunTime(c, padMode);
    auto p = c.constInts(1, "the pads");
    if (failed(p))
      return failure();
    pads = *p;
    if (c.has(2)) {
      auto v = c.constScalar(2, "the constant value");
      if (failed(v))
        return failure();
      value = *v;
    }
  }
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  for (int64_t p : pads)
    if (p < -kMaxDim || p > kMaxDim)
      return c.fail("pads " + listStr(pads) + " has an invalid entry " +
                    llvm::Twine(p));
  if (static_cast<int64_t>(pads.size()) != 2 * rank)
    return c.fail("pads " + listStr(pads) + " must have 2 * rank = " +
                  llvm::Twine(2 * rank) + " entries");
  llvm::SmallVector<int64_t> out;
  bool nothing = true;
  for (int64_t d = 0; d < rank; ++d) {
    int64_t lo = pads[d], hi = pads[rank + d], dim = in[d];
    nothing &= lo == 0 && hi == 0;
    if (padMode != xf::PadMode::constant) {
      if (lo < 0 || hi < 0)
        return c.fail("negative pads need mode 'constant'");
      if (padMode == xf::PadMode::reflect && (lo || hi) &&
          !ShapedType::isDynamic(dim) && (lo >= dim || hi >= dim))
        return c.fail("reflect pads must be smaller than the dimension (" +
                      llvm::Twine(dim) + ")");
      if (padMode == xf::PadMode::edge && (lo || hi) && dim == 0)
        return c.fail("edge padding of an empty dimension");
    }
    if (ShapedType::isDynamic(dim)) {
      out.push_back(ShapedType::kDynamic);
      continue;
    }
    int64_t size = dim + lo + hi;
    if (size < 0)
      return c.fail("pads " + listStr(pads) + " crop dimension " +
                    llvm::Twine(d) + " below zero");
    out.push_back(size);
  }
  if (nothing)
    return c.forward(0);
  if (!c.type(0).hasStaticShape())
    checkStaticPads(c, padMode, pads);
  Value x = c.in(0);
  auto type = RankedTensorType::get(out, c.elt(0));
  return c.done(xf::PadOp::create(c.b(), c.loc(), type, padMode, x, pads,
                                  llvm::APFloat(value)));
}

} // namespace

void registerSlicingOps(OpRegistry &r) {
  r.on("Concat", {4, 11, 13}, convertConcat);
  r.on("Split", {2, 11, 13}, convertSplit,
       "run-time sizes or a dynamic dimension: slices computed at run time "
       "(checked to add up)");
  r.on("Slice", {1, 10, 11, 13}, convertSlice,
       "run-time starts/ends/axes/steps: offsets and sizes computed at run "
       "time (compiled for the declared shape where there is one)");
  r.on("Pad", {2, 11, 13}, convertPad,
       "modes constant/reflect/edge; run-time pads: sizes computed at run "
       "time (compiled for the declared shape where there is one)");
}

} // namespace xfc::onnx_import
