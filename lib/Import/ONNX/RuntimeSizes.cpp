//===- RuntimeSizes.cpp - outputs whose sizes are run-time values ---------===//
//
// When a shape-like input is a run-time value and the model declares only
// the output's rank (a model exported with dynamic axes, or ONNX's shape
// inference on one), the output sizes are computed at run time: ShapeMath
// builds them as an i64 vector from the input's values and the data's
// tensor.dim sizes, xf.assert checks what ONNX requires of them, and the
// result is made with those sizes (tensor.reshape for the views, xf.expand
// for broadcasts and splats, xf.iota for Range, EyeLike and the windows).
//
// Compiled code runs on after a failed check, so every size vector here is
// replaced by zeros when its check fails: the result is then empty and
// nothing is read outside the input.
//
//===----------------------------------------------------------------------===//

#include "ShapeInputs.h"

#include "llvm/Support/MathExtras.h"

using namespace mlir;

namespace xfc::onnx_import {

namespace {

/// The declared rank of output 0, or a failure naming `what` (the run-time
/// input that decides the sizes).
FailureOr<int64_t> declaredRankOf(NodeContext &c, const llvm::Twine &what) {
  if (std::optional<int64_t> rank = c.declaredRank(0))
    return *rank;
  return c.fail(what + " of " + c.opType() +
                " is a run-time value and the model declares no output rank");
}

/// `sizes` where `ok` holds, else zeros (an empty result reads nothing).
Value sizesOrEmpty(ShapeMath &m, Value ok, Value sizes) {
  return m.select(ok, sizes, m.scalar(0));
}

/// [n, n] i64 matrix, 1 where column < row: row d sums the entries before d.
Value strictlyLower(ShapeMath &m, int64_t n) {
  llvm::SmallVector<int64_t> v(n * n, 0);
  for (int64_t i = 0; i < n; ++i)
    for (int64_t j = 0; j < i; ++j)
      v[i * n + j] = 1;
  return m.ints(v, {n, n});
}

} // namespace

LogicalResult reshapeToRunTimeSizes(NodeContext &c, bool allowZero) {
  FailureOr<int64_t> rank = declaredRankOf(c, "the target shape");
  if (failed(rank))
    return failure();
  int64_t n = *rank, r = c.rank(0);
  ShapeMath m(c);
  Value length;
  Value target = m.vector(1, n, 1, /*alignRight=*/false, &length);
  Value x = c.in(0);
  Value in = m.dims(x);
  Value total = m.product(in);
  Value sizes = target;
  if (!allowZero) {
    // 0 copies the input's dimension; there is none beyond its rank.
    Value copy = in;
    if (n < r)
      copy = m.part(in, 0, n);
    else if (n > r)
      copy = r == 0 ? m.ints(llvm::SmallVector<int64_t>(n, 0))
                    : m.concat({in, m.ints(llvm::SmallVector<int64_t>(n - r, 0))}, 0);
    llvm::SmallVector<bool> beyond(n, false);
    for (int64_t i = r; i < n; ++i)
      beyond[i] = true;
    Value zero = m.eq(target, m.scalar(0));
    m.check(m.all(m.not_(m.and_(zero, m.flags(beyond)))),
            "the target shape copies (0) a dimension beyond the input's rank " +
                llvm::Twine(r));
    sizes = m.select(zero, copy, target);
  }
  Value inferred = m.eq(sizes, m.scalar(-1));
  Value single = m.le(m.sum(inferred, {0}), m.scalar(1));
  Value valid = m.all(m.ge(sizes, m.scalar(-1)));
  Value known = m.product(m.select(inferred, m.scalar(1), sizes));
  sizes = m.select(inferred, m.div(total, m.max(known, m.scalar(1))), sizes);
  // Element counts compared in f64, where a product of huge sizes cannot
  // wrap around to the input's count (exact below 2^53, and any real
  // count is).
  Type f64 = c.b().getF64Type();
  Value sameCount = m.eq(m.product(m.cast(sizes, f64)), m.cast(total, f64));
  Value ok = m.and_(m.and_(m.eq(length, m.scalar(n)), m.and_(single, valid)),
                    sameCount);
  m.check(ok, "the target shape must have " + llvm::Twine(n) +
                  " entries (the declared rank), at most one -1 and no other "
                  "negative entry, and as many elements as the input");
  Value r2 = m.reshapeTo(x, sizesOrEmpty(m, ok, sizes));
  return m.ok() ? c.done(r2) : failure();
}

LogicalResult squeezeToRunTimeSizes(NodeContext &c, bool unsqueeze) {
  FailureOr<int64_t> rank = declaredRankOf(c, "the axes");
  if (failed(rank))
    return failure();
  int64_t r = c.rank(0), n = *rank;
  int64_t k = unsqueeze ? n - r : r - n;
  if (k < 0)
    return c.fail("the declared output rank " + llvm::Twine(n) +
                  " does not fit the input rank " + llvm::Twine(r));
  ShapeMath m(c);
  Value length;
  Value axes = m.vector(1, k, 0, /*alignRight=*/false, &length);
  m.check(m.eq(length, m.scalar(k)),
          "the axes must have " + llvm::Twine(k) +
              " entries (the difference of the input's and the declared rank)");
  Value x = c.in(0);
  Value in = m.dims(x);
  // Which axes of the longer shape the axes name; each is named once.
  int64_t full = unsqueeze ? n : r;
  Value named = m.gt(m.sum(axisMatch(c, m, axes, full), {1}), m.scalar(0));
  Value kept = m.cast(m.not_(named), c.b().getI64Type());
  // Position of each kept axis among the kept ones.
  Value pos = m.sum(m.mul(m.reshape(kept, {1, full}), strictlyLower(m, full)), {1});
  Value sizes, ok = c.splat(c.b().getI1Type(), 1);
  if (unsqueeze) {
    // Output axis j is 1 where named, else input dimension pos[j].
    Value from = m.eq(m.reshape(pos, {n, 1}), m.iota({1, r}));
    Value picked = m.sum(m.select(from, m.reshape(in, {1, r}), m.scalar(0)), {1});
    sizes = m.select(named, m.scalar(1), picked);
  } else {
    ok = m.all(m.or_(m.not_(named), m.eq(in, m.scalar(1))));
    m.check(ok, "the squeezed dimensions must be 1");
    // Output axis j is the input dimension kept at position j.
    Value at = m.and_(m.eq(m.reshape(pos, {1, r}), m.iota({n, 1})),
                      m.reshape(m.not_(named), {1, r}));
    sizes = m.sum(m.select(at, m.reshape(in, {1, r}), m.scalar(0)), {1});
  }
  // Axes out of range or named twice name fewer than k axes (reported by
  // axisMatch); the sizes would then not hold the input's elements.
  ok = m.and_(ok, m.and_(m.eq(length, m.scalar(k)),
                         m.eq(m.sum(named, {0}), m.scalar(k))));
  Value y = m.reshapeTo(x, sizesOrEmpty(m, ok, sizes));
  return m.ok() ? c.done(y) : failure();
}

LogicalResult expandToRunTimeSizes(NodeContext &c) {
  FailureOr<int64_t> rank = declaredRankOf(c, "the shape");
  if (failed(rank))
    return failure();
  int64_t n = *rank, r = c.rank(0);
  if (n < r)
    return c.fail("the declared output rank " + llvm::Twine(n) +
                  " is below the input rank " + llvm::Twine(r));
  ShapeMath m(c);
  Value length;
  Value shape = m.vector(1, n, 1, /*alignRight=*/true, &length);
  Value x = c.in(0);
  Value in = m.dims(x);
  if (n > r)
    in = m.concat({m.ints(llvm::SmallVector<int64_t>(n - r, 1)), in}, 0);
  // numpy broadcasting of the input's sizes with the shape's.
  Value inOne = m.eq(in, m.scalar(1));
  Value fits = m.or_(m.or_(inOne, m.eq(shape, m.scalar(1))), m.eq(shape, in));
  Value rankOk = n > r ? m.eq(length, m.scalar(n)) : m.le(length, m.scalar(n));
  Value ok = m.and_(m.and_(rankOk, m.all(fits)), m.all(m.ge(shape, m.scalar(0))));
  m.check(ok, "the shape must have " +
                  llvm::Twine(n > r ? "" : "at most ") + llvm::Twine(n) +
                  " entries (the declared rank) that the input broadcasts to");
  Value sizes = m.select(inOne, shape, in);
  Value y = m.expand(x, sizesOrEmpty(m, ok, sizes));
  return m.ok() ? c.done(y) : failure();
}

LogicalResult constantOfShapeAtRunTime(NodeContext &c, Value value) {
  // A partially known shape ([B, 8] of Shape(x)) has its rank, and the
  // sizes it knows go into the result type.
  const ConstTensor *known = c.partial(0);
  FailureOr<int64_t> rank =
      known && known->rank() == 1
          ? FailureOr<int64_t>(known->numElements())
          : declaredRankOf(c, "the shape input");
  if (failed(rank))
    return failure();
  int64_t n = *rank;
  ShapeMath m(c);
  Value length;
  Value shape = m.vector(0, n, 0, /*alignRight=*/false, &length);
  Value ok = m.and_(m.eq(length, m.scalar(n)), m.all(m.ge(shape, m.scalar(0))));
  m.check(ok, "the shape input must have " + llvm::Twine(n) +
                  " entries (the declared rank), none negative");
  Value y = m.expand(value, sizesOrEmpty(m, ok, shape));
  if (!m.ok())
    return failure();
  // Only where every unknown size is a dimension (never negative), so
  // that the check cannot fail and the static sizes always hold.
  if (known && known->rank() == 1 && c.namesDimensions(0)) {
    FailureOr<llvm::SmallVector<int64_t>> dims = c.constDims(0, "the shape input");
    if (failed(dims))
      return failure();
    for (int64_t d : *dims)
      if (!ShapedType::isDynamic(d) && (d < 0 || d > kMaxDim))
        return c.fail("the shape " + shapeStr(*dims) + " has an invalid entry " +
                      llvm::Twine(d));
    auto type = RankedTensorType::get(
        *dims, cast<RankedTensorType>(y.getType()).getElementType());
    y = tensor::CastOp::create(c.b(), c.loc(), type, y);
  }
  return c.done(y);
}

LogicalResult tileToRunTimeSizes(NodeContext &c) {
  int64_t r = c.rank(0);
  if (r == 0)
    return c.forward(0);
  ShapeMath m(c);
  Value length;
  Value repeats = m.vector(1, r, 1, /*alignRight=*/false, &length);
  Value x = c.in(0);
  Value in = m.dims(x);
  // Each tiled dimension stays within kMaxDim, so that no size (or the
  // product of sizes) wraps around in i64.
  Value fits = m.le(repeats, m.div(m.scalar(kMaxDim), m.max(in, m.scalar(1))));
  Value ok = m.and_(m.eq(length, m.scalar(r)),
                    m.all(m.and_(m.ge(repeats, m.scalar(0)), fits)));
  m.check(ok, "the repeats must have " + llvm::Twine(r) +
                  " entries (the input's rank), none negative, and keep "
                  "every dimension within 2^40");
  // x as [1, d0, 1, d1, ...], broadcast to [r0, d0, r1, d1, ...], then
  // each pair merged: the explicit reassociations say which dimensions
  // go together, which the types alone (all dynamic) would not.
  OpBuilder &b = c.b();
  Location loc = c.loc();
  llvm::SmallVector<ReassociationIndices> pairs;
  llvm::SmallVector<int64_t> split;
  llvm::SmallVector<OpFoldResult> splitSizes;
  RankedTensorType t = c.type(0);
  for (int64_t d = 0; d < r; ++d) {
    pairs.push_back({2 * d, 2 * d + 1});
    split.append({1, t.getDimSize(d)});
    splitSizes.push_back(b.getIndexAttr(1));
    splitSizes.push_back(t.isDynamicDim(d)
                             ? OpFoldResult(tensor::DimOp::create(b, loc, x, d).getResult())
                             : OpFoldResult(b.getIndexAttr(t.getDimSize(d))));
  }
  Value units = tensor::ExpandShapeOp::create(
      b, loc, RankedTensorType::get(split, t.getElementType()), x, pairs,
      splitSizes);
  Value interleaved = m.reshape(
      m.concat({m.reshape(repeats, {r, 1}), m.reshape(in, {r, 1})}, 1),
      {2 * r});
  Value wide = m.expand(units, sizesOrEmpty(m, ok, interleaved));
  if (!m.ok())
    return failure();
  Value y = tensor::CollapseShapeOp::create(
      b, loc,
      RankedTensorType::get(llvm::SmallVector<int64_t>(r, ShapedType::kDynamic),
                            t.getElementType()),
      wide, pairs);
  return c.done(y);
}

std::pair<Value, Value> rangeLength(NodeContext &c, ShapeMath &m) {
  Type elt = c.elt(0), f64 = c.b().getF64Type(), i64 = c.b().getI64Type();
  Value start = m.reshape(c.in(0), {}), limit = m.reshape(c.in(1), {}),
        delta = m.reshape(c.in(2), {});
  if (isa<FloatType>(elt)) {
    Value s = m.cast(start, f64), l = m.cast(limit, f64), d = m.cast(delta, f64);
    Value zero = c.splat(f64, 0);
    Value nonZero = m.not_(m.eq(d, zero));
    Value count = m.unary(xf::UnaryKind::ceil, m.div(m.sub(l, s), d));
    // Bounded before the conversion, which is undefined for huge values.
    count = m.min(m.max(count, zero), c.splat(f64, static_cast<double>(kMaxDim)));
    return {m.cast(count, i64), nonZero};
  }
  Value s = m.cast(start, i64), l = m.cast(limit, i64), d = m.cast(delta, i64);
  Value nonZero = m.not_(m.eq(d, m.scalar(0)));
  d = m.select(nonZero, d, m.scalar(1));
  // ceil(span / d) with truncating division: round away from zero first.
  Value span = m.sub(l, s);
  Value away = m.select(m.gt(d, m.scalar(0)), m.sub(d, m.scalar(1)),
                        m.add(d, m.scalar(1)));
  Value count = m.max(m.div(m.add(span, away), d), m.scalar(0));
  // The span may wrap around in i64: the length is checked in f64 and
  // bounded, so no buffer is sized from a wrapped value.
  Value countF = m.unary(xf::UnaryKind::ceil,
                         m.div(m.sub(m.cast(l, f64), m.cast(s, f64)), m.cast(d, f64)));
  m.check(m.le(countF, c.splat(f64, static_cast<double>(kMaxDim))),
          "Range must have at most 2^40 elements");
  return {m.min(count, m.scalar(kMaxDim)), nonZero};
}

LogicalResult rangeOfRunTimeLength(NodeContext &c) {
  for (unsigned i = 0; i < 3; ++i)
    if (c.type(i).getNumElements() != 1 || c.elt(i) != c.elt(0))
      return c.fail("the inputs of Range must be scalars of one type");
  ShapeMath m(c);
  auto [length, nonZero] = rangeLength(c, m);
  m.check(nonZero, "delta must not be 0");
  Value shape = m.reshape(m.select(nonZero, length, m.scalar(0)), {1});
  Type elt = c.elt(0);
  Value positions = m.iota(shape, 0, elt);
  Value r = m.add(m.reshape(c.in(0), {}), m.mul(positions, m.reshape(c.in(2), {})));
  return m.ok() ? c.done(r) : failure();
}

LogicalResult eyeLikeAtRunTime(NodeContext &c, Type elt, int64_t k) {
  ShapeMath m(c);
  Value shape = m.dims(c.in(0));
  Type i64 = c.b().getI64Type();
  Value diff = m.sub(m.iota(shape, 1, i64), m.iota(shape, 0, i64));
  Value eye = m.cast(m.eq(diff, m.scalar(k)), elt);
  return m.ok() ? c.done(eye) : failure();
}

LogicalResult cosineWindowAtRunTime(NodeContext &c, Type elt, bool periodic,
                                    double a0, double a1, double a2) {
  if (c.type(0).getNumElements() != 1 || !isa<IntegerType>(c.elt(0)))
    return c.fail("the size must be an integer scalar");
  ShapeMath m(c);
  Value size = m.reshape(m.input(0), {});
  Value ok = m.ge(size, m.scalar(0));
  m.check(ok, "the size must not be negative");
  size = m.min(m.select(ok, size, m.scalar(0)), m.scalar(kMaxDim));
  Type f64 = c.b().getF64Type();
  Value i = m.iota(m.reshape(size, {1}), 0, f64);
  Value denom = m.cast(periodic ? size : m.sub(size, m.scalar(1)), f64);
  // 2 pi i / N', or 0 when N' is not positive (a window of 0 or 1 sample).
  Value positive = m.gt(denom, c.splat(f64, 0));
  Value t = m.select(
      positive,
      m.div(m.mul(i, c.splat(f64, 2 * llvm::numbers::pi)),
            m.select(positive, denom, c.splat(f64, 1))),
      c.splat(f64, 0));
  Value w = m.sub(c.splat(f64, a0), m.mul(c.splat(f64, a1), m.unary(xf::UnaryKind::cos, t)));
  if (a2 != 0)
    w = m.add(w, m.mul(c.splat(f64, a2),
                       m.unary(xf::UnaryKind::cos, m.mul(t, c.splat(f64, 2)))));
  return m.ok() ? c.done(m.cast(w, elt)) : failure();
}

} // namespace xfc::onnx_import
