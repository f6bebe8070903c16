//===- ShapeInputs.cpp - shape-like inputs known only at run time ---------===//
//
// ShapeMath, the axis-set helpers and the run-time variants of Slice, Pad,
// Range, Squeeze/Unsqueeze and the reductions (see ShapeInputs.h). Compiled
// code runs on after a failed check, so every computation here must stay
// in bounds and never divide by zero whatever the values are: indices go
// through gathers (which clamp), divisors are at least 1.
//
//===----------------------------------------------------------------------===//

#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"
#include "mlir/IR/Matchers.h"

#include <algorithm>
#include <functional>
#include <map>

using namespace mlir;

namespace xfc::onnx_import {

//===----------------------------------------------------------------------===//
// ShapeMath
//===----------------------------------------------------------------------===//

Value ShapeMath::track(FailureOr<Value> v) {
  if (failed(v)) {
    ok_ = false;
    return {};
  }
  return *v;
}

Value ShapeMath::input(unsigned i) {
  Type elt = c_.elt(i);
  if (elt.isInteger(1) || !(isa<IntegerType>(elt) || isa<FloatType>(elt)))
    return track(c_.fail("input " + llvm::Twine(i) + " must be a number"));
  return c_.cast(c_.in(i), c_.b().getI64Type());
}

Value ShapeMath::ints(llvm::ArrayRef<int64_t> values) {
  return ints(values, {static_cast<int64_t>(values.size())});
}

Value ShapeMath::ints(llvm::ArrayRef<int64_t> values,
                      llvm::ArrayRef<int64_t> shape) {
  return c_.constant(
      ConstTensor::ofInts(dt::Int64, shape, std::vector<int64_t>(values)));
}

Value ShapeMath::iota(llvm::ArrayRef<int64_t> shape) {
  std::vector<int64_t> values(dimProduct(shape));
  for (size_t i = 0; i < values.size(); ++i)
    values[i] = i;
  return c_.constant(ConstTensor::ofInts(dt::Int64, shape, std::move(values)));
}

Value ShapeMath::flags(llvm::ArrayRef<bool> values) {
  std::vector<int64_t> v(values.begin(), values.end());
  int64_t n = v.size();
  return c_.constant(ConstTensor::ofInts(dt::Bool, {n}, std::move(v)));
}

Value ShapeMath::binary(xf::BinaryKind kind, Value a, Value b) {
  if (!a || !b)
    return {};
  return track(c_.binary(kind, a, b));
}

Value ShapeMath::not_(Value a) {
  return a ? c_.unary(xf::UnaryKind::not_, a) : Value();
}

Value ShapeMath::unary(xf::UnaryKind kind, Value a) {
  return a ? c_.unary(kind, a) : Value();
}

Value ShapeMath::cast(Value a, Type eltType) {
  return a ? c_.cast(a, eltType) : Value();
}

Value ShapeMath::select(Value cond, Value a, Value b) {
  if (!cond || !a || !b)
    return {};
  return track(c_.select(cond, a, b));
}

Value ShapeMath::at(Value v, int64_t i) {
  return v ? c_.reshape(part(v, i, 1), {}) : Value();
}

Value ShapeMath::part(Value v, int64_t offset, int64_t n) {
  return v ? c_.slice(v, {offset}, {1}, {n}) : Value();
}

Value ShapeMath::take(Value x, Value indices, int64_t axis) {
  if (!x || !indices)
    return {};
  auto t = llvm::cast<RankedTensorType>(x.getType());
  llvm::SmallVector<int64_t> shape(t.getShape());
  shape[axis] = llvm::cast<RankedTensorType>(indices.getType()).getDimSize(0);
  auto type = RankedTensorType::get(shape, t.getElementType());
  return xf::GatherOp::create(c_.b(), c_.loc(), type, x, indices,
                              static_cast<uint64_t>(axis));
}

Value ShapeMath::reshape(Value v, llvm::ArrayRef<int64_t> shape) {
  return v ? c_.reshape(v, shape) : Value();
}

Value ShapeMath::concat(llvm::ArrayRef<Value> parts, int64_t axis) {
  if (llvm::any_of(parts, [](Value v) { return !v; }))
    return {};
  return track(c_.concat(llvm::SmallVector<Value>(parts), axis));
}

Value ShapeMath::sum(Value v, llvm::ArrayRef<int64_t> axes) {
  if (!v)
    return {};
  v = c_.cast(v, c_.b().getI64Type());
  return c_.reduce(xf::ReduceKind::sum, v, axes, /*keepDims=*/false);
}

Value ShapeMath::all(Value cond) {
  if (!cond)
    return {};
  auto t = llvm::cast<RankedTensorType>(cond.getType());
  if (t.getRank() == 0)
    return cond;
  llvm::SmallVector<int64_t> axes;
  for (int64_t d = 0; d < t.getRank(); ++d)
    axes.push_back(d);
  return eq(sum(cond, axes), scalar(t.getNumElements()));
}

Value ShapeMath::any(llvm::ArrayRef<Value> conds) {
  Value acc = c_.splat(c_.b().getI1Type(), 0);
  for (Value cond : conds)
    acc = or_(acc, cond);
  return acc;
}

Value ShapeMath::dim(Value x, int64_t d) {
  if (!x)
    return {};
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (!t.isDynamicDim(d))
    return scalar(t.getDimSize(d));
  OpBuilder &b = c_.b();
  Value size = arith::IndexCastOp::create(
      b, c_.loc(), b.getI64Type(), tensor::DimOp::create(b, c_.loc(), x, d));
  return tensor::FromElementsOp::create(
      b, c_.loc(), RankedTensorType::get({}, b.getI64Type()), ValueRange{size});
}

Value ShapeMath::dims(Value x) {
  if (!x)
    return {};
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (t.hasStaticShape())
    return ints(t.getShape());
  if (t.getRank() == 0)
    return ints({});
  llvm::SmallVector<Value> parts;
  for (int64_t d = 0; d < t.getRank(); ++d)
    parts.push_back(reshape(dim(x, d), {1}));
  return concat(parts, 0);
}

Value ShapeMath::product(Value v) {
  if (!v)
    return {};
  return c_.reduce(xf::ReduceKind::prod, v, {0}, /*keepDims=*/false);
}

Value ShapeMath::vector(unsigned i, int64_t n, int64_t fill, bool alignRight,
                        Value *length) {
  Value v = input(i);
  if (!v)
    return {};
  auto t = llvm::cast<RankedTensorType>(v.getType());
  if (t.getRank() != 1)
    return track(c_.fail("input " + llvm::Twine(i) + " must be a vector, not " +
                         shapeStr(t.getShape())));
  Value len = dim(v, 0);
  if (length)
    *length = len;
  if (t.getDimSize(0) == n)
    return v;
  // Padded with n fill values, the vector has at least n entries, so the
  // gather below never clamps into another entry.
  Value pad = ints(llvm::SmallVector<int64_t>(n, fill));
  Value padded = alignRight ? concat({pad, v}, 0) : concat({v, pad}, 0);
  Value indices = alignRight ? add(iota({n}), len) : iota({n});
  return take(padded, indices, 0);
}

Value ShapeMath::iota(Value shape, int64_t axis, Type elt) {
  if (!shape)
    return {};
  int64_t rank = llvm::cast<RankedTensorType>(shape.getType()).getDimSize(0);
  auto type = RankedTensorType::get(
      llvm::SmallVector<int64_t>(rank, ShapedType::kDynamic), elt);
  return xf::IotaOp::create(c_.b(), c_.loc(), type, shape,
                            static_cast<uint64_t>(axis));
}

Value ShapeMath::expand(Value x, Value shape) {
  if (!x || !shape)
    return {};
  int64_t rank = llvm::cast<RankedTensorType>(shape.getType()).getDimSize(0);
  auto type = RankedTensorType::get(
      llvm::SmallVector<int64_t>(rank, ShapedType::kDynamic),
      llvm::cast<RankedTensorType>(x.getType()).getElementType());
  return xf::ExpandOp::create(c_.b(), c_.loc(), type, x, shape);
}

Value ShapeMath::reshapeTo(Value x, Value shape) {
  if (!x || !shape)
    return {};
  int64_t rank = llvm::cast<RankedTensorType>(shape.getType()).getDimSize(0);
  auto type = RankedTensorType::get(
      llvm::SmallVector<int64_t>(rank, ShapedType::kDynamic),
      llvm::cast<RankedTensorType>(x.getType()).getElementType());
  return tensor::ReshapeOp::create(c_.b(), c_.loc(), type, x, shape);
}

void ShapeMath::check(Value cond, const llvm::Twine &what) {
  if (ok_ && cond)
    c_.check(cond, what);
}

//===----------------------------------------------------------------------===//
// Axis sets
//===----------------------------------------------------------------------===//

std::optional<std::vector<llvm::SmallVector<bool>>>
axisSets(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out, int64_t k,
         bool keepDims, bool unitOnly) {
  std::vector<llvm::SmallVector<bool>> sets;
  llvm::SmallVector<bool> mask(in.size(), false);
  // Shapes with many equal dimensions have exponentially many partial
  // matches: give up after a bounded search.
  int64_t budget = 1 << 16;
  // Walks the axes of `in` from `d`, with `j` axes of `out` matched and
  // `left` axes still to take.
  std::function<void(size_t, size_t, int64_t)> walk = [&](size_t d, size_t j,
                                                           int64_t left) {
    if (sets.size() > kMaxAxisSets || --budget < 0)
      return;
    if (d == in.size()) {
      if (j == out.size() && left == 0)
        sets.push_back(mask);
      return;
    }
    bool fits = j < out.size();
    if (left > 0 && (!unitOnly || in[d] == 1) &&
        (!keepDims || (fits && out[j] == 1))) {
      mask[d] = true;
      walk(d + 1, keepDims ? j + 1 : j, left - 1);
      mask[d] = false;
    }
    if (fits && out[j] == in[d])
      walk(d + 1, j + 1, left);
  };
  walk(0, 0, k);
  if (sets.size() > kMaxAxisSets || budget < 0)
    return std::nullopt;
  return sets;
}

Value axisMatch(NodeContext &c, ShapeMath &m, unsigned i, int64_t rank) {
  return axisMatch(c, m, m.input(i), rank);
}

Value axisMatch(NodeContext &c, ShapeMath &m, Value vector, int64_t rank) {
  if (!vector)
    return {};
  int64_t k = llvm::cast<RankedTensorType>(vector.getType()).getNumElements();
  Value axes = m.reshape(vector, {1, k});
  Value inRange = m.and_(m.ge(axes, m.scalar(-rank)), m.lt(axes, m.scalar(rank)));
  m.check(m.all(inRange), "the axes must be in [" + llvm::Twine(-rank) + ", " +
                              llvm::Twine(rank) + ")");
  Value match =
      m.eq(m.wrapNegative(axes, m.scalar(rank)), m.iota({rank, 1}));
  Value once = m.le(m.sum(match, {1}), m.scalar(1));
  m.check(m.all(once), "the axes must not name an axis twice");
  return match;
}

/// "[1], [0, 2]": the axes of each mask, for messages.
static std::string setsStr(llvm::ArrayRef<llvm::SmallVector<bool>> sets) {
  std::string s;
  for (const llvm::SmallVector<bool> &set : sets) {
    llvm::SmallVector<int64_t> axes;
    for (size_t d = 0; d < set.size(); ++d)
      if (set[d])
        axes.push_back(d);
    s += (s.empty() ? "" : ", ") + listStr(axes);
  }
  return s;
}

llvm::SmallVector<Value>
matchAxisSets(NodeContext &c, ShapeMath &m, unsigned i, int64_t rank,
              llvm::ArrayRef<llvm::SmallVector<bool>> sets,
              const llvm::Twine &what) {
  Value named = m.gt(m.sum(axisMatch(c, m, i, rank), {1}), m.scalar(0));
  llvm::SmallVector<Value> conds;
  for (const llvm::SmallVector<bool> &set : sets)
    conds.push_back(m.all(m.eq(named, m.flags(set))));
  m.check(m.any(conds), "the axes must be " +
                            llvm::Twine(sets.size() > 1 ? "one of " : "") +
                            setsStr(sets) + " (" + what + ")");
  return conds;
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

/// The first of the inputs `names` (input `first` on) that is a run-time
/// value, for the message when the output shape is not declared either.
static llvm::StringRef firstRunTimeInput(NodeContext &c, unsigned first,
                                         llvm::ArrayRef<llvm::StringRef> names) {
  for (unsigned i = 0; i < names.size(); ++i)
    if (c.has(first + i) && !c.constant(first + i))
      return names[i];
  return names.front();
}

/// The declared output shape for a node whose `what` is a run-time value.
/// The input needs a static shape (run-time offsets and axes index it);
/// with `sameRank` the output must have its rank.
static FailureOr<llvm::SmallVector<int64_t>>
declaredShape(NodeContext &c, llvm::StringRef what, bool sameRank) {
  FailureOr<RankedTensorType> declared = c.declaredOutput(what);
  if (failed(declared))
    return failure();
  if (!c.type(0).hasStaticShape())
    return c.fail(what + " are run-time values, so the input needs a static "
                         "shape, not " + shapeStr(c.shape(0)));
  if (sameRank && declared->getRank() != c.rank(0))
    return c.fail("the declared output " + shapeStr(declared->getShape()) +
                  " does not have the rank of the input " +
                  shapeStr(c.shape(0)));
  return llvm::to_vector(declared->getShape());
}

/// axisSets(), failing when there are none or too many; `how` says what
/// the axes do between `in` and `out`, for the message.
static FailureOr<std::vector<llvm::SmallVector<bool>>>
fittingAxisSets(NodeContext &c, llvm::ArrayRef<int64_t> in,
                llvm::ArrayRef<int64_t> out, int64_t k, bool keepDims,
                bool unitOnly, const std::string &how) {
  auto sets = axisSets(in, out, k, keepDims, unitOnly);
  if (!sets)
    return c.fail("too many sets of axes " + how);
  if (sets->empty())
    return c.fail("no set of " + llvm::Twine(k) + " axes " + how);
  return *sets;
}

/// Fails unless inputs `first`..`last` (those present) are vectors of one
/// static length, which it returns.
static FailureOr<int64_t> vectorLength(NodeContext &c, unsigned first,
                                       unsigned last, llvm::StringRef what) {
  int64_t n = c.rank(first) == 1 ? c.shape(first)[0] : ShapedType::kDynamic;
  for (unsigned i = first; i <= last; ++i)
    if (c.has(i) && (c.rank(i) != 1 || c.shape(i)[0] != n ||
                     ShapedType::isDynamic(n)))
      return c.fail(what + " must be vectors of one static length");
  return n;
}

/// Slice's [rank, k] matrix, true where entry j slices axis d: from the
/// run-time axes (input 3, checked) or the known ones (which also clear
/// `sliced` for the axes that stay whole).
static FailureOr<Value> sliceAxisMatch(NodeContext &c, ShapeMath &m,
                                       int64_t rank, int64_t k,
                                       llvm::SmallVectorImpl<bool> &sliced) {
  if (c.has(3) && !c.constant(3))
    return axisMatch(c, m, 3, rank);
  llvm::SmallVector<int64_t> axes;
  if (c.has(3)) {
    FailureOr<llvm::SmallVector<int64_t>> a = c.constInts(3, "the axes");
    if (failed(a))
      return failure();
    axes = *a;
  } else {
    for (int64_t j = 0; j < k; ++j)
      axes.push_back(j);
  }
  std::vector<int64_t> named(rank * k, 0);
  std::fill(sliced.begin(), sliced.end(), false);
  for (int64_t j = 0; j < k; ++j) {
    FailureOr<int64_t> a = c.normAxis(axes[j], rank);
    if (failed(a))
      return failure();
    if (sliced[*a])
      return c.fail("axis " + llvm::Twine(*a) + " is sliced twice");
    sliced[*a] = true;
    named[*a * k + j] = 1;
  }
  return c.constant(ConstTensor::ofInts(dt::Bool, {rank, k}, std::move(named)));
}

/// `v` before the xf.reshapes (Unsqueeze, Squeeze) that only reshape it.
static Value throughReshapes(Value v) {
  while (auto reshape = v.getDefiningOp<xf::ReshapeOp>())
    v = reshape.getInput();
  return v;
}

/// The output shape of a Slice whose ends are its starts plus constants,
/// with constant (or no) axes and unit steps: `x[i:i+1]` in a Loop body,
/// where the starts follow the iteration number but the span does not and
/// nothing declares the slice's shape. Nullopt for any other Slice. The
/// run-time check that the slice has this shape still applies.
static std::optional<llvm::SmallVector<int64_t>> spanShape(NodeContext &c) {
  if (!c.has(1) || !c.has(2) || c.constant(1) || c.constant(2) ||
      !c.type(0).hasStaticShape() || (c.has(3) && !c.constant(3)) ||
      (c.has(4) && !c.constant(4)))
    return std::nullopt;
  if (c.has(4) && llvm::any_of(c.constant(4)->ints(),
                               [](int64_t step) { return step != 1; }))
    return std::nullopt;
  auto add = throughReshapes(c.in(2)).getDefiningOp<xf::BinaryOp>();
  if (!add || add.getKind() != xf::BinaryKind::add)
    return std::nullopt;
  Value start = throughReshapes(c.in(1));
  Value offset = add.getLhs() == start   ? add.getRhs()
                 : add.getRhs() == start ? add.getLhs()
                                         : Value();
  DenseIntElementsAttr span;
  if (!offset || !matchPattern(offset, m_Constant(&span)))
    return std::nullopt;
  int64_t k = c.type(1).getNumElements();
  llvm::SmallVector<int64_t> spans;
  for (const APInt &v : span.getValues<APInt>())
    spans.push_back(v.getSExtValue());
  if (span.isSplat())
    spans.assign(k, spans.front());
  if (static_cast<int64_t>(spans.size()) != k)
    return std::nullopt;
  llvm::SmallVector<int64_t> axes;
  if (c.has(3))
    axes = llvm::to_vector(c.constant(3)->ints());
  else
    for (int64_t j = 0; j < k; ++j)
      axes.push_back(j);
  if (static_cast<int64_t>(axes.size()) != k)
    return std::nullopt;
  llvm::SmallVector<int64_t> out(c.shape(0));
  int64_t rank = out.size();
  for (auto [axis, n] : llvm::zip(axes, spans)) {
    if (axis < -rank || axis >= rank)
      return std::nullopt;
    int64_t &dim = out[axis < 0 ? axis + rank : axis];
    dim = std::clamp<int64_t>(n, 0, dim);
  }
  return out;
}

LogicalResult convertSliceAtRunTime(NodeContext &c) {
  StringRef what =
      firstRunTimeInput(c, 1, {"the starts", "the ends", "the axes", "the steps"});
  std::optional<llvm::SmallVector<int64_t>> spanned =
      c.declaredType(0) ? std::nullopt : spanShape(c);
  // Without a declared static shape to compile for, the sizes are
  // computed at run time.
  if (!spanned && (!c.declaredType(0) || !c.type(0).hasStaticShape()))
    return sliceWithRunTimeBounds(c);
  FailureOr<llvm::SmallVector<int64_t>> out =
      spanned ? FailureOr<llvm::SmallVector<int64_t>>(*spanned)
              : declaredShape(c, what, /*sameRank=*/true);
  if (failed(out))
    return failure();
  FailureOr<int64_t> k =
      vectorLength(c, 1, 4, "the starts, ends, axes and steps");
  if (failed(k))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  ShapeMath m(c);
  llvm::SmallVector<bool> sliced(rank, true);
  FailureOr<Value> match = sliceAxisMatch(c, m, rank, *k, sliced);
  if (failed(match))
    return failure();
  Value hasEntry = m.gt(m.sum(*match, {1}), m.scalar(0));
  // Input i's entry for each axis, or `dflt` where no entry names it.
  auto perAxis = [&](unsigned i, Value dflt) {
    Value entries = m.reshape(m.input(i), {1, *k});
    return m.select(hasEntry,
                    m.sum(m.select(*match, entries, m.scalar(0)), {1}), dflt);
  };
  Value dims = m.ints(in);
  Value start = perAxis(1, m.scalar(0)), end = perAxis(2, dims);
  Value step = m.ints(llvm::SmallVector<int64_t>(rank, 1));
  if (c.has(4)) {
    step = perAxis(4, step);
    m.check(m.all(m.not_(m.eq(step, m.scalar(0)))), "the steps must not be 0");
  }
  // A step beyond the dimension takes at most one element either way;
  // clamping it keeps the arithmetic below in range. `size` is a division
  // by |step| >= 1 even when a step is 0.
  step = m.clamp(step, m.scalar(-kMaxDim), m.scalar(kMaxDim));
  Value forward = m.gt(step, m.scalar(0));
  Value stride = m.max(m.max(step, m.sub(m.scalar(0), step)), m.scalar(1));
  step = m.select(forward, stride, m.sub(m.scalar(0), stride));
  // ONNX clamping: negative values count from the end, then clamp to
  // [0, dim] (step > 0) or [-1, dim - 1] (step < 0).
  Value lo = m.select(forward, m.scalar(0), m.scalar(-1));
  Value hi = m.select(forward, dims, m.sub(dims, m.scalar(1)));
  start = m.clamp(m.wrapNegative(start, dims), lo, hi);
  end = m.clamp(m.wrapNegative(end, dims), lo, hi);
  Value span = m.select(forward, m.sub(end, start), m.sub(start, end));
  Value size = m.div(m.max(m.add(span, m.sub(stride, m.scalar(1))), m.scalar(0)),
                     stride);
  m.check(m.all(m.eq(size, m.ints(*out))),
          "the starts, ends, axes and steps must give the declared " +
              shapeStr(*out));
  Value x = c.in(0);
  for (int64_t d = 0; d < rank; ++d) {
    if (!sliced[d])
      continue;
    Value indices = m.add(m.at(start, d),
                          m.mul(m.iota({(*out)[d]}), m.at(step, d)));
    x = m.take(x, indices, d);
  }
  return m.ok() ? c.done(x) : failure();
}

/// Pad's run-time validity conditions beyond the output shape: reflect
/// pads in [0, dim - 1], edge pads >= 0 and nothing to repeat of an empty
/// dimension (constant pads may be negative: they crop).
static void checkPadMode(ShapeMath &m, xf::PadMode mode, Value lo, Value hi,
                         Value dims) {
  Value zero = m.scalar(0);
  Value unpadded = m.and_(m.eq(lo, zero), m.eq(hi, zero));
  Value nonNegative = m.and_(m.ge(lo, zero), m.ge(hi, zero));
  if (mode == xf::PadMode::reflect)
    m.check(m.all(m.or_(unpadded, m.and_(nonNegative, m.and_(m.lt(lo, dims),
                                                             m.lt(hi, dims))))),
            "reflect pads must be in [0, dimension - 1]");
  if (mode == xf::PadMode::edge)
    m.check(m.all(m.or_(unpadded, m.and_(nonNegative, m.gt(dims, zero)))),
            "edge pads must not be negative or pad an empty dimension");
}

LogicalResult convertPadAtRunTime(NodeContext &c, xf::PadMode mode) {
  // Pads of a run-time length, like a dynamic input, have no declared
  // shape to compile for: the sizes are computed at run time.
  if (!c.declaredType(0) || !c.type(0).hasStaticShape() ||
      !c.type(1).hasStaticShape() || (c.has(2) && !c.type(2).hasStaticShape()))
    return padWithRunTimePads(c, mode);
  StringRef what = firstRunTimeInput(c, 1, {"the pads", "the constant value"});
  FailureOr<llvm::SmallVector<int64_t>> out = declaredShape(c, what, /*sameRank=*/true);
  if (failed(out))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size();
  if (c.type(1).getNumElements() != 2 * rank || c.rank(1) != 1)
    return c.fail("the pads " + shapeStr(c.shape(1)) + " must have 2 * rank = " +
                  llvm::Twine(2 * rank) + " entries");
  if (c.has(2) && (c.type(2).getNumElements() != 1 || c.elt(2) != c.elt(0)))
    return c.fail("the constant value must be one element of the input's type");
  ShapeMath m(c);
  Value pads = m.input(1);
  Value lo = m.part(pads, 0, rank), hi = m.part(pads, rank, rank);
  Value dims = m.ints(in);
  m.check(m.all(m.eq(m.add(lo, hi), m.sub(m.ints(*out), dims))),
          "the pads must give the declared " + shapeStr(*out));
  checkPadMode(m, mode, lo, hi, dims);
  bool constantMode = mode == xf::PadMode::constant;
  Value value = c.has(2) ? m.reshape(c.in(2), {}) : c.splat(c.elt(0), 0);
  if (dimProduct(in) == 0) {
    if (!constantMode)
      return *out == llvm::SmallVector<int64_t>(in) ? c.forward(0)
                                                   : c.fail("cannot pad an empty input in this mode");
    FailureOr<Value> filled = c.broadcastTo(value, *out);
    return failed(filled) || !m.ok() ? failure() : c.done(*filled);
  }
  // Output position o along axis d reads input position o - lo[d]:
  // outside the input it is the constant (constant mode), the edge, or the
  // reflection about the edge. Gathers move the data one axis at a time.
  Value x = c.in(0), inside;
  for (int64_t d = 0; d < rank; ++d) {
    // Other modes cannot shift an axis whose size stays (the pads are 0).
    if (!constantMode && (*out)[d] == in[d])
      continue;
    Value last = m.scalar(in[d] - 1);
    Value src = m.sub(m.iota({(*out)[d]}), m.at(lo, d));
    if (constantMode) {
      llvm::SmallVector<int64_t> along(rank, 1);
      along[d] = (*out)[d];
      Value valid = m.and_(m.ge(src, m.scalar(0)), m.le(src, last));
      valid = m.reshape(valid, along);
      inside = inside ? m.and_(inside, valid) : valid;
    }
    if (mode == xf::PadMode::reflect) {
      src = m.select(m.lt(src, m.scalar(0)), m.sub(m.scalar(0), src), src);
      src = m.select(m.gt(src, last), m.sub(m.scalar(2 * (in[d] - 1)), src), src);
    }
    x = m.take(x, m.clamp(src, m.scalar(0), last), d);
  }
  if (inside)
    x = m.select(inside, x, value);
  return m.ok() ? c.done(x) : failure();
}

LogicalResult convertRangeAtRunTime(NodeContext &c) {
  FailureOr<RankedTensorType> declared = c.declaredOutput(
      firstRunTimeInput(c, 0, {"the start", "the limit", "the delta"}));
  if (failed(declared))
    return failure();
  if (declared->getRank() != 1)
    return c.fail("the declared output " + shapeStr(declared->getShape()) +
                  " must be a vector");
  for (unsigned i = 0; i < 3; ++i)
    if (c.type(i).getNumElements() != 1 || c.elt(i) != c.elt(0))
      return c.fail("the inputs of Range must be scalars of one type");
  int64_t n = declared->getDimSize(0);
  ShapeMath m(c);
  bool isFloat = isa<FloatType>(c.elt(0));
  auto [length, nonZero] = rangeLength(c, m);
  Value start = m.reshape(c.in(0), {}), delta = m.reshape(c.in(2), {});
  m.check(m.and_(nonZero, m.eq(length, m.scalar(n))),
          "delta must not be 0 and the inputs must give the declared length " +
              llvm::Twine(n));
  std::vector<int64_t> positions(n);
  for (int64_t i = 0; i < n; ++i)
    positions[i] = i;
  Value iota = c.constant(
      isFloat ? ConstTensor::ofFloats(
                    c.dtype(0), {n},
                    std::vector<double>(positions.begin(), positions.end()))
              : ConstTensor::ofInts(c.dtype(0), {n}, std::move(positions)));
  Value r = m.add(start, m.mul(iota, delta));
  return m.ok() ? c.done(r) : failure();
}

LogicalResult convertSqueezeAtRunTime(NodeContext &c, bool unsqueeze) {
  FailureOr<llvm::SmallVector<int64_t>> declared =
      declaredShape(c, "the axes", /*sameRank=*/false);
  if (failed(declared))
    return failure();
  if (c.rank(1) != 1 || ShapedType::isDynamic(c.shape(1)[0]))
    return c.fail("the axes must be a vector of static length");
  llvm::ArrayRef<int64_t> in = c.shape(0), out = *declared;
  llvm::ArrayRef<int64_t> full = unsqueeze ? out : in, part = unsqueeze ? in : out;
  std::string how = "of size 1 that fit " + shapeStr(in) + " to the declared " +
                    shapeStr(out);
  auto sets = fittingAxisSets(c, full, part, c.shape(1)[0], /*keepDims=*/false,
                              /*unitOnly=*/true, how);
  if (failed(sets))
    return failure();
  ShapeMath m(c);
  // Every fitting set moves the same data: only the check depends on it.
  matchAxisSets(c, m, 1, full.size(), *sets, "the sets of axes " + how);
  return m.ok() ? c.done(c.reshape(c.in(0), out)) : failure();
}

/// True when reducing over an axis of size 1 returns its elements as they
/// are, so that axis sets differing in such axes compute the same result.
static bool unitAxisIsIdentity(xf::ReduceKind kind) {
  using xf::ReduceKind;
  return kind == ReduceKind::sum || kind == ReduceKind::mean ||
         kind == ReduceKind::max || kind == ReduceKind::min ||
         kind == ReduceKind::prod;
}

LogicalResult reduceAtRunTime(NodeContext &c, xf::ReduceKind kind,
                              bool keepDims) {
  constexpr size_t kMaxReductions = 8;
  FailureOr<llvm::SmallVector<int64_t>> declared =
      declaredShape(c, "the axes", /*sameRank=*/false);
  if (failed(declared))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0), out = *declared;
  int64_t k = c.type(1).getNumElements(), rank = in.size();
  std::string how =
      "that reduce " + shapeStr(in) + " to the declared " + shapeStr(out);
  auto sets = fittingAxisSets(c, in, out, k, keepDims, /*unitOnly=*/false, how);
  if (failed(sets))
    return failure();
  // Sets that differ only in axes of size 1 compute the same values (for
  // most kinds): one reduction per group, chosen at run time.
  std::map<llvm::SmallVector<int64_t>, llvm::SmallVector<size_t>> groups;
  for (size_t s = 0; s < sets->size(); ++s) {
    llvm::SmallVector<int64_t> axes;
    for (int64_t d = 0; d < rank; ++d)
      if ((*sets)[s][d] && (in[d] != 1 || !unitAxisIsIdentity(kind)))
        axes.push_back(d);
    groups[axes].push_back(s);
  }
  if (groups.size() > kMaxReductions)
    return c.fail(llvm::Twine(groups.size()) + " sets of axes " + how +
                  "; xfc computes at most " +
                  llvm::Twine(kMaxReductions) + " at run time");
  ShapeMath m(c);
  llvm::SmallVector<Value> conds =
      matchAxisSets(c, m, 1, rank, *sets, "the sets of axes " + how);
  Value result;
  for (auto &[axes, members] : groups) {
    Value x = c.in(0);
    Value r = c.reshape(axes.empty() ? x : c.reduce(kind, x, axes, keepDims),
                        out);
    llvm::SmallVector<Value> chosen;
    for (size_t s : members)
      chosen.push_back(conds[s]);
    result = result ? m.select(m.any(chosen), r, result) : r;
  }
  return m.ok() ? c.done(result) : failure();
}

//===----------------------------------------------------------------------===//
// IndexMath and the converters that compute output sizes at run time
//===----------------------------------------------------------------------===//

Value IndexMath::lit(int64_t v) {
  return arith::ConstantIndexOp::create(c_.b(), c_.loc(), v);
}
Value IndexMath::cmp(arith::CmpIPredicate pred, Value a, Value b) {
  return fold<arith::CmpIOp>(pred, a, b);
}
Value IndexMath::not_(Value a) { return fold<arith::XOrIOp>(a, truth(true)); }
Value IndexMath::truth(bool v) {
  return arith::ConstantIntOp::create(c_.b(), c_.loc(), v, 1);
}
Value IndexMath::select(Value cond, Value a, Value b) {
  return fold<arith::SelectOp>(cond, a, b);
}

Value IndexMath::dim(Value t, int64_t d) {
  auto type = llvm::cast<RankedTensorType>(t.getType());
  if (!type.isDynamicDim(d))
    return lit(type.getDimSize(d));
  return tensor::DimOp::create(c_.b(), c_.loc(), t, d);
}

Value IndexMath::length(unsigned i) { return dim(c_.in(i), 0); }

llvm::SmallVector<Value> IndexMath::elements(unsigned i, int64_t n,
                                             int64_t dflt) {
  OpBuilder &b = c_.b();
  Location loc = c_.loc();
  Value v = c_.in(i);
  if (!c_.elt(i).isInteger(64))
    v = c_.cast(v, b.getI64Type());
  int64_t len = c_.shape(i)[0];
  Value runTimeLen = ShapedType::isDynamic(len) ? length(i) : Value();
  llvm::SmallVector<Value> out;
  for (int64_t j = 0; j < n; ++j) {
    Value e;
    if (!runTimeLen && j >= len) {
      e = lit(dflt);
    } else {
      auto read = [&](OpBuilder &ob, Location l) -> Value {
        Value at = arith::ConstantIndexOp::create(ob, l, j);
        return ob.createOrFold<tensor::ExtractOp>(l, v, ValueRange{at});
      };
      if (runTimeLen) {
        // Past the run-time length: the default, not a read.
        auto ifOp = scf::IfOp::create(
            b, loc, lt(lit(j), runTimeLen),
            [&](OpBuilder &ob, Location l) { scf::YieldOp::create(ob, l, read(ob, l)); },
            [&](OpBuilder &ob, Location l) {
              scf::YieldOp::create(
                  ob, l, arith::ConstantIntOp::create(ob, l, dflt, 64).getResult());
            });
        e = ifOp.getResult(0);
      } else {
        e = read(b, loc);
      }
      e = b.createOrFold<arith::IndexCastOp>(loc, b.getIndexType(), e);
      e = clamp(e, lit(-(int64_t(1) << 62)), lit(int64_t(1) << 62));
    }
    out.push_back(e);
  }
  return out;
}

void IndexMath::check(Value ok, const llvm::Twine &what) {
  if (matchPattern(ok, m_One()))
    return;
  c_.check(tensor::FromElementsOp::create(
               c_.b(), c_.loc(),
               RankedTensorType::get({}, c_.b().getI1Type()), ValueRange{ok}),
           what);
}

Value IndexMath::shapeOf(llvm::ArrayRef<Value> sizes) {
  llvm::SmallVector<Value> elements;
  for (Value s : sizes)
    elements.push_back(c_.b().createOrFold<arith::IndexCastOp>(
        c_.loc(), c_.b().getI64Type(), s));
  return tensor::FromElementsOp::create(
      c_.b(), c_.loc(),
      RankedTensorType::get({static_cast<int64_t>(sizes.size())},
                            c_.b().getI64Type()),
      elements);
}

/// 0, 1, ..., n - 1 along `axis` of a tensor of `shape` whose only dynamic
/// dimension is `axis` (of run-time size `n`): an xf.iota, which lowers to
/// a generic that fuses with its consumers.
static Value generateIota(NodeContext &c, Value n, llvm::ArrayRef<int64_t> shape,
                          int64_t axis) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Type i64 = b.getI64Type();
  llvm::SmallVector<Value> sizes;
  for (int64_t d = 0, rank = shape.size(); d < rank; ++d)
    sizes.push_back(d == axis ? b.createOrFold<arith::IndexCastOp>(loc, i64, n)
                              : arith::ConstantIntOp::create(b, loc, shape[d], 64));
  Value vector = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({static_cast<int64_t>(shape.size())}, i64), sizes);
  return xf::IotaOp::create(b, loc, RankedTensorType::get(shape, i64), vector,
                            static_cast<uint64_t>(axis));
}

Value runTimeIota(NodeContext &c, Value n, int64_t rank, int64_t axis) {
  llvm::SmallVector<int64_t> shape(rank, 1);
  if (std::optional<int64_t> k = getConstantIntValue(n)) {
    shape[axis] = *k;
    ShapeMath m(c);
    return m.iota(shape);
  }
  shape[axis] = ShapedType::kDynamic;
  return generateIota(c, n, shape, axis);
}

Value runTimeIota(NodeContext &c, Value n) {
  return generateIota(c, n, {ShapedType::kDynamic}, 0);
}

/// Fails unless input `i` is an integer vector; `what` names it.
static LogicalResult intVector(NodeContext &c, unsigned i,
                               const llvm::Twine &what) {
  if (c.rank(i) != 1 || !isa<IntegerType>(c.elt(i)) || c.elt(i).isInteger(1))
    return c.fail(what + " must be an integer vector");
  return success();
}

/// The first `rank` entries of the run-time axes input `i` (`k` entries,
/// at most `rank`), normalized to [0, rank); `valid[j]` tells that entry j
/// exists. Checks at run time that the entries are in range and name no
/// axis twice.
static llvm::SmallVector<Value> runTimeAxes(NodeContext &c, IndexMath &m,
                                            unsigned i, int64_t rank,
                                            llvm::ArrayRef<Value> valid) {
  llvm::SmallVector<Value> axes = m.elements(i, rank, 0);
  Value inRange = m.truth(true), once = m.truth(true);
  for (int64_t j = 0; j < rank; ++j) {
    Value a = axes[j];
    inRange = m.and_(inRange, m.or_(m.not_(valid[j]),
                                    m.and_(m.le(m.lit(-rank), a),
                                           m.lt(a, m.lit(rank)))));
    axes[j] = m.wrapNegative(a, m.lit(rank));
    for (int64_t j2 = 0; j2 < j; ++j2)
      once = m.and_(once, m.not_(m.and_(valid[j], m.eq(axes[j], axes[j2]))));
  }
  m.check(inRange, "the axes must be in [" + llvm::Twine(-rank) + ", " +
                       llvm::Twine(rank) + ")");
  m.check(once, "the axes must not name an axis twice");
  return axes;
}

LogicalResult sliceWithRunTimeBounds(NodeContext &c) {
  int64_t rank = c.rank(0);
  if (!c.has(1) || !c.has(2))
    return c.fail("the starts and ends are required");
  for (unsigned i = 1; i <= 4; ++i)
    if (c.has(i) && failed(intVector(c, i, "the starts, ends, axes and steps")))
      return failure();
  IndexMath m(c);
  Value k = m.length(1);
  // Each entry slices another axis: there are at most `rank`.
  Value lengths = m.le(k, m.lit(rank));
  for (unsigned i = 2; i <= 4; ++i)
    if (c.has(i))
      lengths = m.and_(lengths, m.eq(m.length(i), k));
  m.check(lengths, "the starts, ends, axes and steps must have one length, "
                   "at most the rank " + llvm::Twine(rank));
  llvm::SmallVector<Value> valid;
  for (int64_t j = 0; j < rank; ++j)
    valid.push_back(m.lt(m.lit(j), k));
  llvm::SmallVector<Value> starts = m.elements(1, rank, 0),
                           ends = m.elements(2, rank, 0);
  llvm::SmallVector<Value> axes, steps;
  if (c.has(3)) {
    axes = runTimeAxes(c, m, 3, rank, valid);
  } else {
    for (int64_t j = 0; j < rank; ++j)
      axes.push_back(m.lit(j));
  }
  if (c.has(4)) {
    steps = m.elements(4, rank, 1);
    Value nonZero = m.truth(true);
    for (int64_t j = 0; j < rank; ++j)
      nonZero = m.and_(nonZero, m.or_(m.not_(valid[j]),
                                      m.not_(m.eq(steps[j], m.lit(0)))));
    m.check(nonZero, "the steps must not be 0");
  } else {
    steps.assign(rank, m.lit(1));
  }
  Value x = c.in(0);
  llvm::SmallVector<Value> offsets, sizes, strides;
  for (int64_t d = 0; d < rank; ++d) {
    Value dim = m.dim(x, d);
    Value start = m.lit(0), end = dim, step = m.lit(1);
    for (int64_t j = 0; j < rank; ++j) {
      Value hit = m.and_(valid[j], m.eq(axes[j], m.lit(d)));
      start = m.select(hit, starts[j], start);
      end = m.select(hit, ends[j], end);
      step = m.select(hit, steps[j], step);
    }
    // A step beyond the dimension takes at most one element either way.
    step = m.clamp(step, m.lit(-kMaxDim), m.lit(kMaxDim));
    step = m.select(m.eq(step, m.lit(0)), m.lit(1), step);
    Value forward = m.lt(m.lit(0), step);
    Value stride = m.select(forward, step, m.sub(m.lit(0), step));
    // ONNX clamping: negative values count from the end, then clamp to
    // [0, dim] (step > 0) or [-1, dim - 1] (step < 0).
    Value lo = m.select(forward, m.lit(0), m.lit(-1));
    Value hi = m.select(forward, dim, m.sub(dim, m.lit(1)));
    start = m.clamp(m.wrapNegative(start, dim), lo, hi);
    end = m.clamp(m.wrapNegative(end, dim), lo, hi);
    Value span = m.select(forward, m.sub(end, start), m.sub(start, end));
    Value size = m.ceilDiv(m.max(span, m.lit(0)), stride);
    offsets.push_back(m.select(m.lt(m.lit(0), size), start, m.lit(0)));
    sizes.push_back(size);
    strides.push_back(step);
  }
  return c.done(tensor::ExtractSliceOp::create(
      c.b(), c.loc(), x, getAsOpFoldResult(offsets), getAsOpFoldResult(sizes),
      getAsOpFoldResult(strides)));
}

/// Run-time conditions on pads that are valid in `mode`: constant pads
/// may crop (but not below zero), reflect pads are in [0, dim - 1], edge
/// pads are >= 0 and do not repeat an empty dimension.
static void checkRunTimePads(IndexMath &m, xf::PadMode mode, Value dim,
                             Value lo, Value hi, Value &ok) {
  Value zero = m.lit(0);
  Value unpadded = m.and_(m.eq(lo, zero), m.eq(hi, zero));
  Value nonNegative = m.and_(m.le(zero, lo), m.le(zero, hi));
  Value valid;
  if (mode == xf::PadMode::constant)
    valid = m.le(zero, m.add(m.add(dim, m.min(lo, zero)), m.min(hi, zero)));
  else if (mode == xf::PadMode::reflect)
    valid = m.or_(unpadded, m.and_(nonNegative, m.and_(m.lt(lo, dim),
                                                       m.lt(hi, dim))));
  else
    valid = m.or_(unpadded, m.and_(nonNegative, m.lt(zero, dim)));
  ok = m.and_(ok, valid);
}

static const char *padRule(xf::PadMode mode) {
  switch (mode) {
  case xf::PadMode::constant:
    return "the pads must not crop a dimension below zero";
  case xf::PadMode::reflect:
    return "reflect pads must be in [0, dimension - 1]";
  default:
    return "edge pads must not be negative or pad an empty dimension";
  }
}

void checkStaticPads(NodeContext &c, xf::PadMode mode,
                     llvm::ArrayRef<int64_t> pads) {
  IndexMath m(c);
  int64_t rank = c.rank(0);
  Value ok = m.truth(true);
  for (int64_t d = 0; d < rank; ++d)
    if (c.type(0).isDynamicDim(d))
      checkRunTimePads(m, mode, m.dim(c.in(0), d), m.lit(pads[d]),
                       m.lit(pads[rank + d]), ok);
  m.check(ok, padRule(mode));
}

LogicalResult padWithRunTimePads(NodeContext &c, xf::PadMode mode) {
  int64_t rank = c.rank(0);
  if (failed(intVector(c, 1, "the pads")))
    return failure();
  if (c.has(2) && (c.rank(2) > 1 || c.elt(2) != c.elt(0) ||
                   (c.rank(2) == 1 && c.shape(2)[0] != 1)))
    return c.fail("the constant value must be one element of the input's type");
  IndexMath m(c);
  m.check(m.eq(m.length(1), m.lit(2 * rank)),
          "the pads must have 2 * rank = " + llvm::Twine(2 * rank) + " entries");
  llvm::SmallVector<Value> pads = m.elements(1, 2 * rank, 0);
  Value ok = m.truth(true);
  for (int64_t d = 0; d < rank; ++d)
    checkRunTimePads(m, mode, m.dim(c.in(0), d), pads[d], pads[rank + d], ok);
  m.check(ok, padRule(mode));
  Value value = c.has(2) ? c.reshape(c.in(2), {}) : Value();
  auto type = RankedTensorType::get(
      llvm::SmallVector<int64_t>(rank, ShapedType::kDynamic), c.elt(0));
  return c.done(xf::PadOp::create(c.b(), c.loc(), type, mode, c.in(0),
                                  llvm::ArrayRef<int64_t>{}, llvm::APFloat(0.0),
                                  m.shapeOf(pads), value));
}

LogicalResult splitAtRunTime(NodeContext &c, int64_t axis,
                             llvm::ArrayRef<Value> sizes) {
  IndexMath m(c);
  Value x = c.in(0);
  int64_t rank = c.rank(0);
  Value dim = m.dim(x, axis);
  Value total = m.lit(0), nonNegative = m.truth(true);
  llvm::SmallVector<OpFoldResult> offsets(rank, c.b().getIndexAttr(0)),
      extents, strides(rank, c.b().getIndexAttr(1));
  for (int64_t d = 0; d < rank; ++d)
    extents.push_back(getAsOpFoldResult(m.dim(x, d)));
  for (size_t i = 0; i < sizes.size(); ++i) {
    // Clamped so that wrong sizes still slice inside the input.
    Value offset = m.min(total, dim);
    Value size = m.clamp(sizes[i], m.lit(0), m.sub(dim, offset));
    nonNegative = m.and_(nonNegative, m.le(m.lit(0), sizes[i]));
    total = m.add(total, m.max(sizes[i], m.lit(0)));
    if (!c.outputUsed(i))
      continue;
    offsets[axis] = getAsOpFoldResult(offset);
    extents[axis] = getAsOpFoldResult(size);
    c.set(i, tensor::ExtractSliceOp::create(c.b(), c.loc(), x, offsets,
                                            extents, strides));
  }
  m.check(m.and_(nonNegative, m.eq(total, dim)),
          "the split sizes must not be negative and must add up to the "
          "dimension");
  return success();
}

LogicalResult reduceWithRunTimeAxes(NodeContext &c, xf::ReduceKind kind,
                                    bool keepDims, bool noopWithEmptyAxes) {
  using xf::ReduceKind;
  // One axis at a time: kinds where reducing axis by axis gives the result.
  if (kind != ReduceKind::sum && kind != ReduceKind::mean &&
      kind != ReduceKind::max && kind != ReduceKind::min &&
      kind != ReduceKind::prod)
    return c.fail("run-time axes need a declared static output shape for "
                  "this reduction");
  if (failed(intVector(c, 1, "the axes")))
    return failure();
  int64_t rank = c.rank(0);
  std::optional<int64_t> outRank =
      keepDims ? std::optional<int64_t>(rank) : c.declaredRank(0);
  if (!outRank)
    return c.fail("with run-time axes and keepdims=0 the model must declare "
                  "the output's rank");
  IndexMath m(c);
  Value k = m.length(1);
  m.check(m.le(k, m.lit(rank)),
          "the axes must have at most rank = " + llvm::Twine(rank) + " entries");
  llvm::SmallVector<Value> valid;
  for (int64_t j = 0; j < rank; ++j)
    valid.push_back(m.lt(m.lit(j), k));
  llvm::SmallVector<Value> axes = runTimeAxes(c, m, 1, rank, valid);
  // No axes: all of them, unless noop_with_empty_axes.
  Value all = noopWithEmptyAxes ? m.truth(false) : m.eq(k, m.lit(0));
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value x = c.in(0);
  llvm::SmallVector<Value> reduced, dims;
  for (int64_t d = 0; d < rank; ++d) {
    Value r = all;
    for (int64_t j = 0; j < rank; ++j)
      r = m.or_(r, m.and_(valid[j], m.eq(axes[j], m.lit(d))));
    reduced.push_back(r);
    dims.push_back(m.dim(x, d));
  }
  // Each axis is reduced (kept as size 1) or not as the run-time axes say;
  // a reduction per axis, each on the data the ones before left.
  for (int64_t d = 0; d < rank; ++d) {
    auto xType = llvm::cast<RankedTensorType>(x.getType());
    if (xType.getDimSize(d) == 1)
      continue;
    llvm::SmallVector<int64_t> shape(xType.getShape());
    shape[d] = ShapedType::kDynamic;
    auto type = RankedTensorType::get(shape, xType.getElementType());
    auto ifOp = scf::IfOp::create(b, loc, TypeRange{type}, reduced[d],
                                  /*withElseRegion=*/true);
    {
      OpBuilder::InsertionGuard guard(b);
      b.setInsertionPointToStart(&ifOp.getThenRegion().front());
      Value r = c.reduce(kind, x, {d}, /*keepDims=*/true);
      scf::YieldOp::create(b, loc, b.createOrFold<tensor::CastOp>(loc, type, r));
      b.setInsertionPointToStart(&ifOp.getElseRegion().front());
      scf::YieldOp::create(b, loc, b.createOrFold<tensor::CastOp>(loc, type, x));
    }
    x = ifOp.getResult(0);
  }
  if (keepDims)
    return c.done(x);
  // Drop the reduced axes: output dimension j is the j-th kept one. When
  // the axes do not leave the declared rank (reported), the view is empty.
  llvm::SmallVector<Value> out(*outRank, m.lit(0));
  Value kept = m.lit(0);
  for (int64_t d = 0; d < rank; ++d) {
    Value keep = m.not_(reduced[d]);
    for (int64_t j = 0; j < *outRank; ++j)
      out[j] = m.select(m.and_(keep, m.eq(kept, m.lit(j))), dims[d], out[j]);
    kept = m.add(kept, m.select(keep, m.lit(1), m.lit(0)));
  }
  Value ok = m.eq(kept, m.lit(*outRank));
  m.check(ok, "the axes must leave the declared rank " + llvm::Twine(*outRank));
  for (Value &size : out)
    size = m.select(ok, size, m.lit(0));
  auto type = RankedTensorType::get(
      llvm::SmallVector<int64_t>(*outRank, ShapedType::kDynamic), c.elt(0));
  return c.done(tensor::ReshapeOp::create(b, loc, type, x, m.shapeOf(out)));
}

} // namespace xfc::onnx_import
