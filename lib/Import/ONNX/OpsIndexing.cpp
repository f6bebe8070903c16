//===- OpsIndexing.cpp - index-driven ops -> xf ---------------------------===//
//
// GatherElements, GatherND, ScatterElements (and the deprecated Scatter),
// ScatterND, OneHot, TopK, CumSum and the data-dependent NonZero, Compress
// and Unique. Counts (TopK's k, OneHot's depth) given at run time size the
// outputs at run time, or, where the model declares the output's static
// shape, are checked against it; CumSum's run-time axis selects among the
// sums along every axis. A data-dependent count is computed at run time and
// sizes the outputs unless the output shape is declared. An index tuple
// length (GatherND, ScatterND) that is dynamic is the one the ranks imply.
// Index tensors may be run-time values. Negative indices wrap once; indices still out of range
// are clamped by the lowering, never read or written outside a tensor.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"

#include <limits>
#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/TypeUtilities.h"

#include "onnx/onnx_pb.h"

using namespace mlir;

namespace xfc::onnx_import {
namespace {

LogicalResult requireIndices(NodeContext &c, unsigned i) {
  if (!isa<IntegerType>(c.elt(i)) || c.elt(i).isInteger(1))
    return c.fail("indices must be int32 or int64");
  return success();
}

/// Checks compile-time indices against `dim` (index values of one axis).
LogicalResult checkConstIndices(NodeContext &c, unsigned i, int64_t dim) {
  const ConstTensor *idx = c.constant(i);
  if (!idx || ShapedType::isDynamic(dim))
    return success();
  for (int64_t j = 0, n = idx->numElements(); j < n; ++j) {
    int64_t v = idx->intAt(j);
    if (v < -dim || v >= dim)
      return c.fail("index " + llvm::Twine(v) + " is out of range for " +
                    "dimension " + llvm::Twine(dim));
  }
  return success();
}

/// Whether input `i` can hold one element: [], or [1] (also [?], checked
/// at run time by oneElement).
bool oneElementShape(NodeContext &c, unsigned i) {
  return c.rank(i) == 0 ||
         (c.rank(i) == 1 && (c.shape(i)[0] == 1 || ShapedType::isDynamic(c.shape(i)[0])));
}

/// A one-element input `i` (oneElementShape) as a 0-D i64 tensor. A [?]
/// one is checked at run time to hold one element; its sum is then that
/// element, and an empty one reads nothing.
Value oneElement(NodeContext &c, ShapeMath &m, unsigned i, const llvm::Twine &what) {
  Value v = m.input(i);
  if (c.rank(i) == 1 && ShapedType::isDynamic(c.shape(i)[0])) {
    m.check(m.eq(m.sum(m.eq(v, v), {0}), m.scalar(1)), what + " must have exactly one element");
    return m.sum(v, {0});
  }
  return m.reshape(v, {});
}

FailureOr<xf::ScatterReduction> scatterReduction(NodeContext &c) {
  if (c.since() < 16)
    return xf::ScatterReduction::none;
  std::string r = c.attrString("reduction", "none");
  if (c.failed())
    return failure();
  if (r == "none")
    return xf::ScatterReduction::none;
  if (r == "add")
    return xf::ScatterReduction::add;
  if (r == "mul")
    return xf::ScatterReduction::mul;
  if (r == "max")
    return xf::ScatterReduction::max;
  if (r == "min")
    return xf::ScatterReduction::min;
  return c.fail("reduction '" + r + "' is not supported");
}

LogicalResult convertGatherElements(NodeContext &c) {
  int64_t axis = c.attrInt("axis", 0);
  if (c.failed() || failed(requireIndices(c, 1)))
    return failure();
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  if (c.rank(1) != c.rank(0))
    return c.fail("indices " + shapeStr(c.shape(1)) +
                  " must have the rank of the data " + shapeStr(c.shape(0)));
  if (failed(checkConstIndices(c, 1, c.shape(0)[*a])))
    return failure();
  auto type = RankedTensorType::get(c.shape(1), c.elt(0));
  return c.done(xf::GatherElementsOp::create(c.b(), c.loc(), type, c.in(0),
                                             c.in(1), *a));
}

LogicalResult convertGatherND(NodeContext &c) {
  int64_t batch = c.since() >= 12 ? c.attrInt("batch_dims", 0) : 0;
  if (c.failed() || failed(requireIndices(c, 1)))
    return failure();
  llvm::ArrayRef<int64_t> data = c.shape(0), idx = c.shape(1);
  if (idx.empty())
    return c.fail("indices must have rank 1 or more");
  int64_t m = idx.back();
  if (ShapedType::isDynamic(m)) {
    // The ranks give the tuple size (the lowering checks it at run time):
    // rank(out) = rank(idx) - 1 + rank(data) - batch_dims - m.
    std::optional<int64_t> outRank = c.declaredRank(0);
    if (!outRank)
      return c.fail("indices " + shapeStr(idx) + " need a static last dimension "
                    "(or the model must declare the output's rank)");
    m = static_cast<int64_t>(idx.size() + data.size()) - 1 - batch - *outRank;
  }
  if (batch < 0 || batch >= static_cast<int64_t>(std::min(data.size(), idx.size())))
    return c.fail("batch_dims " + llvm::Twine(batch) + " is out of range");
  if (m < 1 || batch + m > static_cast<int64_t>(data.size()))
    return c.fail("index tuples of size " + llvm::Twine(m) +
                  " do not address data " + shapeStr(data));
  llvm::SmallVector<int64_t> shape(idx.drop_back());
  llvm::append_range(shape, data.drop_front(batch + m));
  auto type = RankedTensorType::get(shape, c.elt(0));
  return c.done(xf::GatherNDOp::create(c.b(), c.loc(), type, c.in(0), c.in(1),
                                       batch));
}

LogicalResult convertScatterElements(NodeContext &c) {
  int64_t axis = c.attrInt("axis", 0);
  FailureOr<xf::ScatterReduction> kind = scatterReduction(c);
  if (c.failed() || failed(kind) || failed(requireIndices(c, 1)))
    return failure();
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  if (c.rank(1) != c.rank(0) || c.shape(1) != c.shape(2))
    return c.fail("indices " + shapeStr(c.shape(1)) + " and updates " +
                  shapeStr(c.shape(2)) + " must have one shape of the data's "
                  "rank");
  if (c.elt(2) != c.elt(0))
    return c.fail("updates and data differ in element type");
  if (*kind != xf::ScatterReduction::none && c.elt(0).isInteger(1))
    return c.fail("reductions need numeric data");
  if (failed(checkConstIndices(c, 1, c.shape(0)[*a])))
    return failure();
  return c.done(xf::ScatterElementsOp::create(c.b(), c.loc(), c.type(0), *kind,
                                              c.in(0), c.in(1), c.in(2), *a));
}

LogicalResult convertScatterND(NodeContext &c) {
  FailureOr<xf::ScatterReduction> kind = scatterReduction(c);
  if (c.failed() || failed(kind) || failed(requireIndices(c, 1)))
    return failure();
  llvm::ArrayRef<int64_t> data = c.shape(0), idx = c.shape(1);
  if (idx.empty())
    return c.fail("indices must have rank 1 or more");
  // A dynamic tuple size is what the ranks give (the lowering checks it at
  // run time): rank(updates) = rank(idx) - 1 + rank(data) - m.
  int64_t m = ShapedType::isDynamic(idx.back())
                  ? static_cast<int64_t>(idx.size() + data.size()) - 1 - c.rank(2)
                  : idx.back();
  if (m < 1 || m > static_cast<int64_t>(data.size()))
    return c.fail("index tuples of size " + llvm::Twine(m) +
                  " do not address data " + shapeStr(data));
  llvm::SmallVector<int64_t> expected(idx.drop_back());
  llvm::append_range(expected, data.drop_front(m));
  if (failed(verifyCompatibleShape(c.shape(2), expected)))
    return c.fail("updates " + shapeStr(c.shape(2)) + " must be " +
                  shapeStr(expected));
  if (c.elt(2) != c.elt(0))
    return c.fail("updates and data differ in element type");
  if (*kind != xf::ScatterReduction::none && c.elt(0).isInteger(1))
    return c.fail("reductions need numeric data");
  return c.done(xf::ScatterNDOp::create(c.b(), c.loc(), c.type(0), *kind,
                                        c.in(0), c.in(1), c.in(2)));
}

/// OneHot = select(indices == iota(depth), on, off) with broadcasting: no
/// op of its own. Out-of-range indices give a row of `off`, as in ONNX.
/// OneHot's depth: the constant input, or the declared output's size
/// along `axis`, checked at run time.
FailureOr<int64_t> oneHotDepth(NodeContext &c, int64_t axis) {
  double depth;
  if (c.constant(1)) {
    FailureOr<double> v = c.constScalar(1, "the depth");
    if (failed(v))
      return failure();
    depth = *v;
  } else {
    FailureOr<RankedTensorType> declared = c.declaredOutput("the depth");
    if (failed(declared))
      return failure();
    if (declared->getRank() != c.rank(0) + 1)
      return c.fail("the declared output " + shapeStr(declared->getShape()) +
                    " must have one axis more than the indices");
    depth = declared->getDimSize(axis);
    if (failed(c.checkEquals(1, {declared->getDimSize(axis)}, "the depth")))
      return failure();
  }
  if (!(depth >= 1 && depth <= 1 << 24))
    return c.fail("depth " + std::to_string(depth) + " is out of range");
  return static_cast<int64_t>(depth);
}

/// OneHot's `off` and `on` values: a [2] input, or a [?] one checked at run
/// time to have two elements (read from it padded with two zeros, so that a
/// wrong size still reads inside the tensor).
FailureOr<std::pair<Value, Value>> oneHotValues(NodeContext &c) {
  if (c.rank(2) != 1 || (c.shape(2)[0] != 2 && !ShapedType::isDynamic(c.shape(2)[0])))
    return c.fail("values must have shape [2], not " + shapeStr(c.shape(2)));
  Value values = c.in(2);
  if (!ShapedType::isDynamic(c.shape(2)[0]))
    return std::make_pair(c.reshape(c.slice(values, {0}, {1}, {1}), {}),
                          c.reshape(c.slice(values, {1}, {1}, {1}), {}));
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value two = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                    tensor::DimOp::create(b, loc, values, 0),
                                    arith::ConstantIndexOp::create(b, loc, 2));
  c.check(tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI1Type()),
                                         ValueRange{two}),
          "values must have two elements");
  FailureOr<Value> padded = c.concat({values, c.splat(c.elt(2), 0.0, {2})}, 0);
  if (failed(padded))
    return failure();
  auto at = [&](int64_t i) -> Value {
    return xf::GatherOp::create(b, loc, RankedTensorType::get({}, c.elt(2)), *padded,
                                c.splat(b.getI64Type(), static_cast<double>(i)),
                                b.getI64IntegerAttr(0));
  };
  return std::make_pair(at(0), at(1));
}

/// OneHot with a run-time depth and no declared static output: the
/// positions 0..depth-1 along the new axis are a tensor of run-time size.
LogicalResult convertOneHotAtRunTime(NodeContext &c, int64_t axis) {
  int64_t rank = c.rank(0);
  if (!oneElementShape(c, 1))
    return c.fail("the depth must be a scalar or one element");
  FailureOr<std::pair<Value, Value>> offOn = oneHotValues(c);
  if (failed(offOn))
    return failure();
  ShapeMath m(c);
  Value depth = oneElement(c, m, 1, "the depth");
  m.check(m.ge(depth, m.scalar(1)), "the depth must be positive");
  Type i64 = c.b().getI64Type();
  Value idx = c.cast(c.in(0), i64);
  Value norm = m.wrapNegative(idx, depth);
  if (!m.ok())
    return failure();
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value n = arith::MaxSIOp::create(
      b, loc,
      arith::IndexCastOp::create(b, loc, b.getIndexType(),
                                 tensor::ExtractOp::create(b, loc, depth, ValueRange{})),
      arith::ConstantIndexOp::create(b, loc, 0));
  Value iota = runTimeIota(c, n);
  llvm::SmallVector<int64_t> idxShape(c.shape(0));
  idxShape.insert(idxShape.begin() + axis, 1);
  llvm::SmallVector<int64_t> iotaShape(rank + 1 - axis, 1);
  iotaShape[0] = ShapedType::kDynamic;
  FailureOr<Value> hit =
      c.binary(xf::BinaryKind::eq, c.reshape(norm, idxShape), c.reshape(iota, iotaShape));
  if (failed(hit))
    return failure();
  FailureOr<Value> r = c.select(*hit, offOn->second, offOn->first);
  return failed(r) ? failure() : c.done(*r);
}

LogicalResult convertOneHot(NodeContext &c) {
  int64_t axis = c.attrInt("axis", -1);
  if (c.failed())
    return failure();
  int64_t rank = c.rank(0);
  FailureOr<int64_t> a = c.normAxis(axis, rank + 1);
  if (failed(a))
    return failure();
  if (!c.constant(1) && !c.declaredType(0))
    return convertOneHotAtRunTime(c, *a);
  FailureOr<std::pair<Value, Value>> offOn = oneHotValues(c);
  if (failed(offOn))
    return failure();
  FailureOr<int64_t> depthOr = oneHotDepth(c, *a);
  if (failed(depthOr))
    return failure();
  int64_t depth = *depthOr;
  Type i64 = c.b().getI64Type();
  Value idx = c.cast(c.in(0), i64);
  FailureOr<Value> neg =
      c.binary(xf::BinaryKind::lt, idx, c.splat(i64, 0.0));
  FailureOr<Value> wrapped =
      c.binary(xf::BinaryKind::add, idx, c.splat(i64, static_cast<double>(depth)));
  if (failed(neg) || failed(wrapped))
    return failure();
  FailureOr<Value> norm = c.select(*neg, *wrapped, idx);
  if (failed(norm))
    return failure();
  llvm::SmallVector<int64_t> idxShape(c.shape(0));
  idxShape.insert(idxShape.begin() + *a, 1);
  llvm::SmallVector<int64_t> iotaShape(rank + 1 - *a, 1);
  iotaShape[0] = depth;
  std::vector<int64_t> iota(depth);
  for (int64_t i = 0; i < depth; ++i)
    iota[i] = i;
  Value positions =
      c.constant(ConstTensor::ofInts(dt::Int64, iotaShape, std::move(iota)));
  FailureOr<Value> hit =
      c.binary(xf::BinaryKind::eq, c.reshape(*norm, idxShape), positions);
  if (failed(hit))
    return failure();
  FailureOr<Value> r = c.select(*hit, offOn->second, offOn->first);
  return failed(r) ? failure() : c.done(*r);
}

/// TopK with a k known only at run time (and no declared static output
/// shape): the results are dynamic along the axis; the lowering reads k
/// and checks that it fits the axis.
LogicalResult convertTopKAtRunTime(NodeContext &c, int64_t axis, bool largest) {
  if (c.rank(0) < 1)
    return c.fail("the input must have rank 1 or more");
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  if (!oneElementShape(c, 1))
    return c.fail("k must have exactly one element");
  ShapeMath m(c);
  Value k = oneElement(c, m, 1, "k");
  if (!m.ok())
    return failure();
  llvm::SmallVector<int64_t> shape(c.shape(0));
  shape[*a] = ShapedType::kDynamic;
  auto op = xf::TopKOp::create(c.b(), c.loc(), RankedTensorType::get(shape, c.elt(0)),
                               RankedTensorType::get(shape, c.b().getI64Type()), c.in(0),
                               *a, 0, largest, k);
  c.set(0, op.getValues());
  c.set(1, op.getIndices());
  return success();
}

LogicalResult convertTopK(NodeContext &c) {
  int64_t axis = c.attrInt("axis", -1);
  bool largest = c.since() >= 11 ? c.attrInt("largest", 1) != 0 : true;
  int64_t k;
  if (c.since() >= 10 && !c.constant(1) && !c.declaredType(0))
    return convertTopKAtRunTime(c, axis, largest);
  if (c.since() >= 10 && !c.constant(1)) {
    // A run-time k: the declared output shape gives it, checked at run time.
    FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
    FailureOr<RankedTensorType> declared =
        failed(a) ? FailureOr<RankedTensorType>() : c.declaredOutput("k");
    if (failed(declared))
      return failure();
    if (declared->getRank() != c.rank(0))
      return c.fail("the declared output " + shapeStr(declared->getShape()) +
                    " does not have the input's rank");
    k = declared->getDimSize(*a);
    if (failed(c.checkEquals(1, {k}, "k")))
      return failure();
  } else if (c.since() >= 10) {
    auto v = c.constInts(1, "k");
    if (failed(v))
      return failure();
    if (v->size() != 1)
      return c.fail("k must have exactly one element");
    k = (*v)[0];
  } else {
    if (!c.hasAttr("k"))
      return c.fail("attribute 'k' is required");
    k = c.attrInt("k", 0);
  }
  if (c.failed())
    return failure();
  if (c.rank(0) < 1)
    return c.fail("the input must have rank 1 or more");
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  int64_t dim = c.shape(0)[*a];
  if (k < 0 || (!ShapedType::isDynamic(dim) && k > dim))
    return c.fail("k = " + llvm::Twine(k) + " is out of range for an axis of " +
                  "size " + llvm::Twine(dim));
  llvm::SmallVector<int64_t> shape(c.shape(0));
  shape[*a] = k;
  auto valType = RankedTensorType::get(shape, c.elt(0));
  auto idxType = RankedTensorType::get(shape, c.b().getI64Type());
  // `sorted = 0` allows any order; the sorted one is as cheap.
  auto op = xf::TopKOp::create(c.b(), c.loc(), valType, idxType, c.in(0), *a,
                               k, largest, /*k_value=*/Value());
  c.set(0, op.getValues());
  c.set(1, op.getIndices());
  return success();
}

/// CumSum along a run-time axis: the sum along every axis, the one the
/// axis names chosen at run time.
Value cumSumAlongRunTimeAxis(NodeContext &c, ShapeMath &m,
                             llvm::function_ref<Value(int64_t)> along) {
  int64_t rank = c.rank(0);
  Value axis = oneElement(c, m, 1, "the axis");
  m.check(m.and_(m.ge(axis, m.scalar(-rank)), m.lt(axis, m.scalar(rank))),
          "the axis must be in [" + llvm::Twine(-rank) + ", " +
              llvm::Twine(rank) + ")");
  axis = m.wrapNegative(axis, m.scalar(rank));
  Value result = along(rank - 1);
  for (int64_t d = rank - 2; d >= 0; --d)
    result = m.select(m.eq(axis, m.scalar(d)), along(d), result);
  return result;
}

LogicalResult convertCumSum(NodeContext &c) {
  bool exclusive = c.attrInt("exclusive", 0) != 0;
  bool reverse = c.attrInt("reverse", 0) != 0;
  if (c.failed())
    return failure();
  if (!oneElementShape(c, 1))
    return c.fail("the axis must have exactly one element");
  if (c.rank(0) < 1)
    return c.fail("the input must have rank 1 or more");
  if (c.elt(0).isInteger(1))
    return c.fail("the input must be numeric");
  Value x = c.in(0);
  OpBuilder &b = c.b();
  auto along = [&](int64_t axis) -> Value {
    return xf::CumSumOp::create(b, c.loc(), x.getType(), x,
                                b.getI64IntegerAttr(axis),
                                b.getBoolAttr(exclusive),
                                b.getBoolAttr(reverse));
  };
  if (!c.constant(1)) {
    ShapeMath m(c);
    Value r = cumSumAlongRunTimeAxis(c, m, along);
    return m.ok() ? c.done(r) : failure();
  }
  auto axisV = c.constInts(1, "the axis");
  if (failed(axisV))
    return failure();
  FailureOr<int64_t> a = c.normAxis((*axisV)[0], c.rank(0));
  if (failed(a))
    return failure();
  return c.done(along(*a));
}

/// ReverseSequence reverses the first lens[b] steps of every batch entry:
/// y[t, b] = x[src, b] with src = t < lens[b] ? lens[b] - 1 - t : t, one
/// xf.gather_elements along the time axis.
LogicalResult convertReverseSequence(NodeContext &c) {
  int64_t batchAxis = c.attrInt("batch_axis", 1);
  int64_t timeAxis = c.attrInt("time_axis", 0);
  if (c.failed() || failed(requireIndices(c, 1)))
    return failure();
  if (!((batchAxis == 0 && timeAxis == 1) || (batchAxis == 1 && timeAxis == 0)))
    return c.fail("batch_axis and time_axis must be 0 and 1, in either order");
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (shape.size() < 2)
    return c.fail("the input " + shapeStr(shape) + " must have rank 2 or more");
  // A dynamic dimension beyond the first two would need a broadcast to a
  // size the indices do not carry.
  if (llvm::any_of(shape.drop_front(2), ShapedType::isDynamic))
    return c.fail("the input " + shapeStr(shape) +
                  " must have static dimensions after the first two");
  int64_t steps = shape[timeAxis], batch = shape[batchAxis];
  if (c.rank(1) != 1 || failed(verifyCompatibleShape(c.shape(1), {batch})))
    return c.fail("sequence_lens " + shapeStr(c.shape(1)) + " must be [" +
                  llvm::Twine(batch) + "]");
  if (ShapedType::isDynamic(batch))
    batch = c.shape(1)[0];
  // [T, 1, 1...] or [1, T, 1...] positions, [1, B, ...] or [B, 1, ...] lengths.
  Type i64 = c.b().getI64Type();
  llvm::SmallVector<int64_t> timeShape(shape.size(), 1), lensShape(shape.size(), 1);
  timeShape[timeAxis] = steps;
  lensShape[batchAxis] = batch;
  Value time;
  if (ShapedType::isDynamic(steps)) {
    time = c.reshape(runTimeIota(c, tensor::DimOp::create(c.b(), c.loc(), c.in(0), timeAxis)),
                     timeShape);
  } else {
    std::vector<int64_t> positions(steps);
    for (int64_t t = 0; t < steps; ++t)
      positions[t] = t;
    time = c.constant(ConstTensor::ofInts(dt::Int64, timeShape, positions));
  }
  Value lens = c.reshape(c.cast(c.in(1), i64), lensShape);
  FailureOr<Value> last = c.binary(xf::BinaryKind::sub, lens, c.splat(i64, 1));
  if (failed(last))
    return failure();
  FailureOr<Value> reversed = c.binary(xf::BinaryKind::sub, *last, time);
  FailureOr<Value> inside = c.binary(xf::BinaryKind::lt, time, lens);
  if (failed(reversed) || failed(inside))
    return failure();
  FailureOr<Value> src = c.select(*inside, *reversed, time);
  if (failed(src))
    return failure();
  FailureOr<Value> indices = c.broadcastTo(*src, shape);
  if (failed(indices))
    return failure();
  auto type = RankedTensorType::get(cast<RankedTensorType>(indices->getType()).getShape(),
                                    c.elt(0));
  return c.done(xf::GatherElementsOp::create(c.b(), c.loc(), type, c.in(0),
                                             *indices, timeAxis));
}

/// Where each selected element of the 1-D i1 `mask` goes in an output of
/// `count` entries (the number the model declares): selected elements get
/// their rank among the selected ones, the others (and any beyond `count`)
/// the spare slot `count`. Checks at run time that exactly `count` are
/// selected; `what` names them in the message.
FailureOr<Value> compactionSlots(NodeContext &c, Value mask, int64_t count,
                                 const llvm::Twine &what) {
  Type i64 = c.b().getI64Type();
  Value ones = c.cast(mask, i64);
  Value rank = xf::CumSumOp::create(c.b(), c.loc(), ones.getType(), ones,
                                    c.b().getI64IntegerAttr(0),
                                    c.b().getBoolAttr(true), c.b().getBoolAttr(false));
  Value spare = c.splat(i64, static_cast<double>(count));
  FailureOr<Value> bounded = c.binary(xf::BinaryKind::min, rank, spare);
  if (failed(bounded))
    return failure();
  FailureOr<Value> slots = c.select(mask, *bounded, spare);
  FailureOr<Value> ok = c.binary(xf::BinaryKind::eq,
                                 c.reduce(xf::ReduceKind::sum, ones, {0}, false), spare);
  if (failed(slots) || failed(ok))
    return failure();
  c.check(*ok, "the number of " + what + " must be " + llvm::Twine(count) +
                   " (the model declares the output shape this needs; xfc "
                   "compiled for it)");
  return *slots;
}

/// Scatters `updates` [rows, N] to columns `slots` [N] of a zero
/// [rows, count + 1] tensor and drops the spare last column.
Value scatterToSlots(NodeContext &c, Value updates, Value slots, int64_t count) {
  auto type = cast<RankedTensorType>(updates.getType());
  int64_t rows = type.getDimSize(0);
  Value zeros = c.splat(type.getElementType(), 0.0, {rows, count + 1});
  Value indices = *c.broadcastTo(
      c.reshape(slots, {1, type.getDimSize(1)}), type.getShape());
  Value placed = xf::ScatterElementsOp::create(
      c.b(), c.loc(), cast<RankedTensorType>(zeros.getType()),
      xf::ScatterReduction::none, zeros, indices, updates, 1);
  return c.slice(placed, {0, 0}, {1, 1}, {rows, count});
}

/// `x` as a vector (collapse_shape, which says which dimensions merge also
/// when several are dynamic).
Value flatten(NodeContext &c, Value x) {
  auto type = cast<RankedTensorType>(x.getType());
  if (type.getRank() == 1)
    return x;
  ReassociationIndices all;
  for (int64_t d = 0; d < type.getRank(); ++d)
    all.push_back(d);
  return tensor::CollapseShapeOp::create(c.b(), c.loc(), x,
                                         llvm::ArrayRef<ReassociationIndices>{all});
}

/// Columns `slots` [N] of a [rows, count] tensor (count an index known at
/// run time) from `updates` [rows, N]; a slot equal to count drops its
/// column (it goes to a spare column that is cut off). Every column in
/// [0, count) must be some slot's, so the destination needs no initial
/// value.
Value placeAtRunTime(NodeContext &c, Value slots, Value count, Value updates) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  auto type = cast<RankedTensorType>(updates.getType());
  int64_t rows = type.getDimSize(0);
  Value rowsV = tensor::DimOp::create(b, loc, updates, 0);
  Value spare = arith::AddIOp::create(b, loc, count, arith::ConstantIndexOp::create(b, loc, 1));
  auto placedType = RankedTensorType::get({rows, ShapedType::kDynamic}, type.getElementType());
  SmallVector<Value> sizes;
  if (ShapedType::isDynamic(rows))
    sizes.push_back(rowsV);
  sizes.push_back(spare);
  Value dest = tensor::EmptyOp::create(b, loc, placedType.getShape(),
                                       type.getElementType(), sizes);
  Value indices = c.reshape(slots, {1, type.getDimSize(1)});
  if (rows != 1)
    indices = *c.broadcastTo(indices, type.getShape());
  Value placed = xf::ScatterElementsOp::create(b, loc, placedType, xf::ScatterReduction::none,
                                               dest, indices, updates, 1);
  SmallVector<OpFoldResult> offsets(2, b.getIndexAttr(0)), strides(2, b.getIndexAttr(1));
  SmallVector<OpFoldResult> outSizes{ShapedType::isDynamic(rows) ? OpFoldResult(rowsV)
                                                                 : b.getIndexAttr(rows),
                                     count};
  return tensor::ExtractSliceOp::create(b, loc, placed, offsets, outSizes, strides);
}

/// Compaction whose count is only known at run time: the columns of
/// `updates` [rows, N] where the 1-D i1 `mask` [N] is true, in order, as
/// [rows, count], each at its rank among the selected ones. `count` is set
/// to the number selected (an index).
Value compactAtRunTime(NodeContext &c, Value mask, Value updates, Value &count) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Type i64 = b.getI64Type();
  Value ones = c.cast(mask, i64);
  Value rank = xf::CumSumOp::create(b, loc, ones.getType(), ones, b.getI64IntegerAttr(0),
                                    b.getBoolAttr(true), b.getBoolAttr(false));
  Value total = c.reduce(xf::ReduceKind::sum, ones, {0}, false);
  count = arith::IndexCastOp::create(
      b, loc, b.getIndexType(), tensor::ExtractOp::create(b, loc, total, ValueRange{}));
  return placeAtRunTime(c, *c.select(mask, rank, total), count, updates);
}

/// NonZero of an input with dynamic dimensions: the count is computed at
/// run time and sizes the output; the coordinates of every element come
/// from a tensor.generate over the run-time sizes.
LogicalResult convertNonZeroAtRunTime(NodeContext &c) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  int64_t rank = c.rank(0);
  Value x = flatten(c, c.in(0));
  Value mask = x;
  if (!c.elt(0).isInteger(1))
    mask = c.unary(xf::UnaryKind::not_, *c.binary(xf::BinaryKind::eq, x, c.splat(c.elt(0), 0.0)));
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < rank; ++d)
    sizes.push_back(tensor::DimOp::create(b, loc, c.in(0), d));
  Value total = tensor::DimOp::create(b, loc, x, 0);
  // coords[d, i] = (i / stride_d) % size_d.
  Value coords = tensor::GenerateOp::create(
      b, loc, RankedTensorType::get({rank, ShapedType::kDynamic}, b.getI64Type()),
      ValueRange{total}, [&](OpBuilder &nb, Location nl, ValueRange ivs) {
        Value result = arith::ConstantIndexOp::create(nb, nl, 0);
        Value rest = ivs[1];
        for (int64_t d = rank - 1; d >= 0; --d) {
          Value coord = arith::RemUIOp::create(nb, nl, rest, sizes[d]);
          rest = arith::DivUIOp::create(nb, nl, rest, sizes[d]);
          Value here = arith::CmpIOp::create(nb, nl, arith::CmpIPredicate::eq, ivs[0],
                                             arith::ConstantIndexOp::create(nb, nl, d));
          result = arith::SelectOp::create(nb, nl, here, coord, result);
        }
        tensor::YieldOp::create(
            nb, nl, arith::IndexCastOp::create(nb, nl, nb.getI64Type(), result).getResult());
      });
  Value count;
  return c.done(compactAtRunTime(c, mask, coords, count));
}

/// The number of selected elements is data-dependent: xfc compiles for the
/// declared output shape and checks the count at run time.
LogicalResult convertNonZero(NodeContext &c) {
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (!shape.empty() && !c.declaredType(0))
    return convertNonZeroAtRunTime(c);
  int64_t rank = c.rank(0), total = checkedNumElements(shape);
  if (llvm::any_of(shape, ShapedType::isDynamic) || total < 0 ||
      total > (int64_t(1) << 22))
    return c.fail("the input " + shapeStr(shape) +
                  " must be static with at most 2^22 elements");
  FailureOr<RankedTensorType> out = c.declaredOutput("the number of non-zero elements");
  if (failed(out))
    return failure();
  if (out->getRank() != 2 || out->getDimSize(0) != std::max<int64_t>(rank, 1))
    return c.fail("the declared output " + shapeStr(out->getShape()) +
                  " must be [rank, count]");
  int64_t count = out->getDimSize(1);
  Value x = c.reshape(c.in(0), {total});
  Value mask = x;
  if (!c.elt(0).isInteger(1)) {
    FailureOr<Value> zero = c.binary(xf::BinaryKind::eq, x, c.splat(c.elt(0), 0.0));
    if (failed(zero))
      return failure();
    mask = c.unary(xf::UnaryKind::not_, *zero);
  }
  FailureOr<Value> slots = compactionSlots(c, mask, count, "non-zero elements");
  if (failed(slots))
    return failure();
  // The coordinates of every element, [rank, total].
  int64_t coordRows = std::max<int64_t>(rank, 1);
  std::vector<int64_t> coords(coordRows * total, 0);
  for (int64_t i = 0; i < total; ++i)
    for (int64_t d = rank - 1, rest = i; d >= 0; --d) {
      coords[d * total + i] = rest % shape[d];
      rest /= shape[d];
    }
  Value all = c.constant(ConstTensor::ofInts(dt::Int64, {coordRows, total}, coords));
  return c.done(scatterToSlots(c, all, *slots, count));
}

/// Input 0 and the axis an op with an optional `axis` attribute works
/// along: without one, the flattened input and axis 0.
FailureOr<std::pair<Value, int64_t>> alongAxis(NodeContext &c, bool hasAxis,
                                               int64_t axisAttr) {
  if (!hasAxis)
    return std::make_pair(c.type(0).hasStaticShape()
                              ? c.reshape(c.in(0), {checkedNumElements(c.shape(0))})
                              : flatten(c, c.in(0)),
                          int64_t(0));
  FailureOr<int64_t> axis = c.normAxis(axisAttr, c.rank(0));
  if (failed(axis))
    return failure();
  return std::make_pair(c.in(0), *axis);
}

/// Compress without a declared output shape: the number of selected
/// slices is counted at run time. Only the condition's entries can select
/// (a shorter condition leaves the rest of the axis out), so the positions
/// of its true entries, compacted, are the slices to gather; a condition
/// longer than the axis is an error checked at run time.
LogicalResult convertCompressAtRunTime(NodeContext &c, bool hasAxis, int64_t axisAttr) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  FailureOr<std::pair<Value, int64_t>> along = alongAxis(c, hasAxis, axisAttr);
  if (failed(along))
    return failure();
  auto [x, axis] = *along;
  auto xType = cast<RankedTensorType>(x.getType());
  Value cond = c.in(1);
  Value given = tensor::DimOp::create(b, loc, cond, 0);
  Value length = tensor::DimOp::create(b, loc, x, axis);
  Value fits = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ule, given, length);
  c.check(tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI1Type()),
                                         ValueRange{fits}),
          "the condition must not be longer than the axis");
  // Entries past the axis select nothing even then (compiled code goes on
  // after a failed check and must stay inside x).
  given = arith::MinUIOp::create(b, loc, given, length);
  cond = tensor::ExtractSliceOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic}, b.getI1Type()), cond,
      ValueRange{}, ValueRange{given}, ValueRange{}, llvm::ArrayRef<int64_t>{0},
      llvm::ArrayRef<int64_t>{ShapedType::kDynamic}, llvm::ArrayRef<int64_t>{1});
  Value positions = c.reshape(runTimeIota(c, given), {1, ShapedType::kDynamic});
  Value count;
  Value sources = c.reshape(compactAtRunTime(c, cond, positions, count),
                            {ShapedType::kDynamic});
  llvm::SmallVector<int64_t> resultShape(xType.getShape());
  resultShape[axis] = ShapedType::kDynamic;
  return c.done(xf::GatherOp::create(
      b, loc, RankedTensorType::get(resultShape, xType.getElementType()), x, sources,
      b.getI64IntegerAttr(axis)));
}

/// Compress keeps the slices along `axis` (of the flattened input without
/// one) whose condition is true; their number is the declared output's.
LogicalResult convertCompress(NodeContext &c) {
  bool hasAxis = c.hasAttr("axis");
  int64_t axisAttr = c.attrInt("axis", 0);
  if (c.failed())
    return failure();
  if (!c.elt(1).isInteger(1) || c.rank(1) != 1)
    return c.fail("the condition must be a 1-D bool tensor");
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (!c.declaredType(0))
    return convertCompressAtRunTime(c, hasAxis, axisAttr);
  if (llvm::any_of(shape, ShapedType::isDynamic) ||
      ShapedType::isDynamic(c.shape(1)[0]))
    return c.fail("the input and the condition must have static shapes");
  FailureOr<std::pair<Value, int64_t>> along = alongAxis(c, hasAxis, axisAttr);
  if (failed(along))
    return failure();
  auto [x, axis] = *along;
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t length = xType.getDimSize(axis), given = c.shape(1)[0];
  if (given > length)
    return c.fail("the condition has " + llvm::Twine(given) +
                  " entries for an axis of " + llvm::Twine(length));
  FailureOr<RankedTensorType> out = c.declaredOutput("the number of selected slices");
  if (failed(out))
    return failure();
  if (out->getRank() != xType.getRank())
    return c.fail("the declared output " + shapeStr(out->getShape()) +
                  " must have rank " + llvm::Twine(xType.getRank()));
  int64_t count = out->getDimSize(axis);
  // A condition shorter than the axis leaves the rest unselected.
  Value mask = c.in(1);
  if (given < length)
    mask = *c.concat({mask, c.constant(ConstTensor::splatInt(dt::Bool, {length - given}, 0))}, 0);
  FailureOr<Value> slots = compactionSlots(c, mask, count, "true conditions");
  if (failed(slots))
    return failure();
  std::vector<int64_t> iota(length);
  for (int64_t i = 0; i < length; ++i)
    iota[i] = i;
  Value positions = c.constant(ConstTensor::ofInts(dt::Int64, {1, length}, iota));
  Value sources = c.reshape(scatterToSlots(c, positions, *slots, count), {count});
  llvm::SmallVector<int64_t> resultShape(xType.getShape());
  resultShape[axis] = count;
  return c.done(xf::GatherOp::create(
      c.b(), c.loc(), RankedTensorType::get(resultShape, xType.getElementType()),
      x, sources, c.b().getI64IntegerAttr(axis)));
}

/// NonMaxSuppression's [image, class, box] rows of the picks ([B, C, N], -1
/// past each class's last pick) in (image, class, pick) order, when their
/// number is only known at run time: the result is allocated by the count of
/// picks and filled by one loop over the slots.
Value nmsRowsAtRunTime(NodeContext &c, Value picks) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Type i64 = b.getI64Type();
  auto type = cast<RankedTensorType>(picks.getType());
  Value picked = *c.binary(xf::BinaryKind::ge, picks, c.splat(i64, 0));
  Value total = c.reduce(xf::ReduceKind::sum, c.cast(picked, i64), {0, 1, 2},
                         /*keepDims=*/false);
  Value count = arith::IndexCastOp::create(
      b, loc, b.getIndexType(),
      tensor::ExtractOp::create(b, loc, total, ValueRange{}));
  Value rows = tensor::EmptyOp::create(
      b, loc, RankedTensorType::get({ShapedType::kDynamic, 3}, i64),
      ValueRange{count});
  Value c0 = arith::ConstantIndexOp::create(b, loc, 0);
  Value c1 = arith::ConstantIndexOp::create(b, loc, 1);
  SmallVector<Value> lbs(3, c0), ubs, steps(3, c1);
  for (int64_t d = 0; d < 3; ++d)
    ubs.push_back(type.isDynamicDim(d)
                      ? tensor::DimOp::create(b, loc, picks, d).getResult()
                      : arith::ConstantIndexOp::create(b, loc, type.getDimSize(d))
                            .getResult());
  scf::LoopNest nest = scf::buildLoopNest(
      b, loc, lbs, ubs, steps, ValueRange{rows, c0},
      [&](OpBuilder &nb, Location l, ValueRange ivs,
          ValueRange args) -> scf::ValueVector {
        Value box = tensor::ExtractOp::create(nb, l, picks, ivs);
        Value take = arith::CmpIOp::create(
            nb, l, arith::CmpIPredicate::sge, box,
            arith::ConstantIntOp::create(nb, l, 0, 64));
        auto ifOp = scf::IfOp::create(
            nb, l, take,
            [&](OpBuilder &tb, Location tl) {
              Value row = args[0];
              Value fields[3] = {
                  arith::IndexCastOp::create(tb, tl, i64, ivs[0]),
                  arith::IndexCastOp::create(tb, tl, i64, ivs[1]), box};
              for (int64_t k = 0; k < 3; ++k)
                row = tensor::InsertOp::create(
                    tb, tl, fields[k], row,
                    ValueRange{args[1],
                               arith::ConstantIndexOp::create(tb, tl, k)});
              Value next = arith::AddIOp::create(tb, tl, args[1], c1);
              scf::YieldOp::create(tb, tl, ValueRange{row, next});
            },
            [&](OpBuilder &eb, Location el) {
              scf::YieldOp::create(eb, el, args);
            });
        return {ifOp.getResult(0), ifOp.getResult(1)};
      });
  return nest.results[0];
}

/// NonMaxSuppression: xf.nms picks per image and class, then the picks are
/// compacted, in (image, class, pick) order, into the declared number of
/// [image, class, box] rows, or into as many rows as there are picks when
/// the model declares no static output shape.
LogicalResult convertNonMaxSuppression(NodeContext &c) {
  bool center = c.attrInt("center_point_box", 0) != 0;
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> boxes = c.shape(0), scores = c.shape(1);
  // Sizes that are dynamic on one side take the other's; xf.broadcast
  // checks them at run time, the lowering checks two dynamic ones.
  auto meet = [](int64_t a, int64_t b) {
    return ShapedType::isDynamic(a) ? b : a;
  };
  auto fits = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  if (boxes.size() != 3 || !fits(boxes[2], 4) || scores.size() != 3 ||
      !fits(boxes[0], scores[0]) || !fits(boxes[1], scores[2]))
    return c.fail("boxes " + shapeStr(boxes) + " and scores " + shapeStr(scores) +
                  " must be [B, N, 4] and [B, C, N]");
  if (!isa<FloatType>(c.elt(0)) || c.elt(1) != c.elt(0))
    return c.fail("boxes and scores must be floating-point of one type");
  int64_t batch = meet(boxes[0], scores[0]), classes = scores[1],
          n = meet(boxes[1], scores[2]);
  bool dynamic = ShapedType::isDynamic(batch) ||
                 ShapedType::isDynamic(classes) || ShapedType::isDynamic(n);
  int64_t slots = dynamic ? 0 : batch * classes * n;
  if (slots > (int64_t(1) << 24))
    return c.fail("too many boxes and classes");
  OpBuilder &b = c.b();
  Type elt = c.elt(0), i64 = b.getI64Type();
  auto scalarInput = [&](unsigned i, Type type, double dflt) -> FailureOr<Value> {
    if (!c.has(i))
      return c.splat(type, dflt);
    if (!c.type(i).hasStaticShape()) {
      // The first element, and a run-time check that it is the only one.
      Value flat = c.reshape(c.in(i), {ShapedType::kDynamic});
      Value count = tensor::DimOp::create(b, c.loc(), flat, 0);
      Value ok = arith::CmpIOp::create(
          b, c.loc(), arith::CmpIPredicate::eq, count,
          arith::ConstantIndexOp::create(b, c.loc(), 1));
      c.check(tensor::FromElementsOp::create(
                  b, c.loc(), RankedTensorType::get({}, b.getI1Type()),
                  ValueRange{ok}),
              "input " + llvm::Twine(i) + " must hold one value");
      Value first = xf::GatherOp::create(
          b, c.loc(), RankedTensorType::get({}, c.elt(i)), flat,
          c.splat(b.getI64Type(), 0), b.getI64IntegerAttr(0));
      return c.cast(first, type);
    }
    if (c.type(i).getNumElements() != 1)
      return c.fail("input " + llvm::Twine(i) + " must hold one value");
    return c.reshape(c.cast(c.in(i), type), {});
  };
  FailureOr<Value> maxOut = scalarInput(2, i64, 0);
  FailureOr<Value> iou = scalarInput(3, elt, 0);
  FailureOr<Value> score =
      scalarInput(4, elt, -std::numeric_limits<double>::infinity());
  if (failed(maxOut) || failed(iou) || failed(score))
    return failure();
  FailureOr<Value> boxesIn = c.broadcastTo(c.in(0), {batch, n, 4});
  FailureOr<Value> scoresIn = c.broadcastTo(c.in(1), {batch, classes, n});
  if (failed(boxesIn) || failed(scoresIn))
    return failure();
  Value picks = xf::NmsOp::create(
      b, c.loc(), RankedTensorType::get({batch, classes, n}, i64), *boxesIn,
      *scoresIn, *maxOut, *iou, *score, center);
  std::optional<RankedTensorType> out = c.declaredType(0);
  if (!out || dynamic)
    return c.done(nmsRowsAtRunTime(c, picks));
  if (out->getRank() != 2 || out->getDimSize(1) != 3)
    return c.fail("the declared output " + shapeStr(out->getShape()) +
                  " must be [count, 3]");
  int64_t count = out->getDimSize(0);
  Value flat = c.reshape(picks, {slots});
  FailureOr<Value> picked = c.binary(xf::BinaryKind::ge, flat, c.splat(i64, 0));
  if (failed(picked))
    return failure();
  FailureOr<Value> where = compactionSlots(c, *picked, count, "selected boxes");
  if (failed(where))
    return failure();
  // Rows [image, class, box] of every slot: the first two are constants.
  std::vector<int64_t> imageClass(2 * slots);
  for (int64_t i = 0; i < slots; ++i) {
    imageClass[i] = i / (classes * n);
    imageClass[slots + i] = (i / n) % classes;
  }
  Value rows = *c.concat({c.constant(ConstTensor::ofInts(dt::Int64, {2, slots}, imageClass)),
                          c.reshape(flat, {1, slots})},
                         0);
  return c.done(c.transpose(scatterToSlots(c, rows, *where, count), {1, 0}));
}

/// Unique's pairwise comparisons of the slices `rows` [n, m]; `rowI` [n, 1]
/// and `rowJ` [1, n] hold 0..n-1. Returns `same` [n, n] (slice i equals
/// slice j), `first` [n] (slice i is a first occurrence) and `ranks` [n]
/// (its place among the unique values).
std::tuple<Value, Value, Value> compareSlices(NodeContext &c, ChainedOps &ops, Value rows,
                                              Value rowI, Value rowJ, bool sorted) {
  auto rowsType = cast<RankedTensorType>(rows.getType());
  int64_t n = rowsType.getDimSize(0), m = rowsType.getDimSize(1);
  Type i64 = c.b().getI64Type();
  // [i, j, k] compares slice i with slice j at position k.
  Value xi = c.reshape(rows, {n, 1, m}), xj = c.reshape(rows, {1, n, m});
  Value differs = c.cast(c.unary(xf::UnaryKind::not_, ops.bin(xf::BinaryKind::eq, xi, xj)), i64);
  Value same = ops.bin(xf::BinaryKind::eq, c.reduce(xf::ReduceKind::sum, differs, {2}, false),
                       c.splat(i64, 0));
  Value earlier = ops.bin(xf::BinaryKind::lt, rowJ, rowI);
  Value seenBefore = c.reduce(xf::ReduceKind::max,
                              c.cast(ops.bin(xf::BinaryKind::and_, same, earlier), i64), {1},
                              false);
  Value first = ops.bin(xf::BinaryKind::eq, seenBefore, c.splat(i64, 0)); // [n]
  Value firstJ = c.cast(c.reshape(first, {1, n}), i64);
  Value before; // [i, j]: slice j's value comes before slice i's
  if (sorted) {
    // j <lex i: at the first position where they differ, x_j is smaller.
    Value prefixDiffers = xf::CumSumOp::create(
        c.b(), c.loc(), differs.getType(), differs, c.b().getI64IntegerAttr(2),
        c.b().getBoolAttr(true), c.b().getBoolAttr(false));
    Value decides = ops.bin(xf::BinaryKind::and_,
                            ops.bin(xf::BinaryKind::eq, prefixDiffers, c.splat(i64, 0)),
                            ops.bin(xf::BinaryKind::lt, xj, xi));
    before = ops.bin(xf::BinaryKind::gt,
                     c.reduce(xf::ReduceKind::max, c.cast(decides, i64), {2}, false),
                     c.splat(i64, 0));
  } else {
    Value firstIndex = xf::ArgReduceOp::create(
        c.b(), c.loc(), RankedTensorType::get({n, 1}, i64), c.cast(same, i64), 1,
        /*is_max=*/true, /*keep_dims=*/true, /*select_last_index=*/false);
    before = ops.bin(xf::BinaryKind::lt, rowJ, firstIndex);
  }
  Value ranks = c.reduce(xf::ReduceKind::sum, ops.bin(xf::BinaryKind::mul, c.cast(before, i64), firstJ),
                         {1}, false); // [n]
  return {same, first, ranks};
}

/// Unique without a declared output shape: the same comparisons on sizes
/// read at run time; the number of unique values, counted at run time,
/// sizes the outputs (placeAtRunTime puts each first occurrence at its
/// rank).
LogicalResult convertUniqueAtRunTime(NodeContext &c, bool hasAxis, int64_t axisAttr,
                                     bool sorted) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  FailureOr<std::pair<Value, int64_t>> along = alongAxis(c, hasAxis, axisAttr);
  if (failed(along))
    return failure();
  auto [x, axis] = *along;
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank();
  const int64_t dyn = ShapedType::kDynamic;
  // Slices as rows [N, M].
  llvm::SmallVector<int64_t> toFront{axis};
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      toFront.push_back(d);
  Value front = c.transpose(x, toFront);
  Value rows;
  if (rank == 1) {
    rows = c.reshape(front, {xType.getDimSize(0), 1});
  } else {
    ReassociationIndices rest;
    for (int64_t d = 1; d < rank; ++d)
      rest.push_back(d);
    rows = tensor::CollapseShapeOp::create(
        b, loc, front, llvm::ArrayRef<ReassociationIndices>{{0}, rest});
  }
  int64_t n = cast<RankedTensorType>(rows.getType()).getDimSize(0);
  Type i64 = b.getI64Type();
  ChainedOps ops{c};
  Value iota = runTimeIota(c, tensor::DimOp::create(b, loc, rows, 0));
  Value rowI = c.reshape(iota, {dyn, 1}), rowJ = c.reshape(iota, {1, dyn});
  auto [same, first, ranks] = compareSlices(c, ops, rows, rowI, rowJ, sorted);
  if (!ops.ok)
    return failure();
  Value total = c.reduce(xf::ReduceKind::sum, c.cast(first, i64), {0}, false);
  Value count = arith::IndexCastOp::create(
      b, loc, b.getIndexType(), tensor::ExtractOp::create(b, loc, total, ValueRange{}));
  Value slots = ops.select(first, ranks, total);
  Value firstIndices =
      c.reshape(placeAtRunTime(c, slots, count, c.reshape(iota, {1, dyn})), {dyn});
  // The unique slices, gathered along the axis from x itself (expanding
  // the rows back could split one dimension into several dynamic ones,
  // which memref lowering cannot do).
  llvm::SmallVector<int64_t> yShape(xType.getShape());
  yShape[axis] = dyn;
  Value y = xf::GatherOp::create(b, loc, RankedTensorType::get(yShape, xType.getElementType()),
                                 x, firstIndices, b.getI64IntegerAttr(axis));
  if (!ops.ok)
    return failure();
  c.set(0, y);
  c.set(1, firstIndices);
  c.set(2, ranks);
  Value occurrences = c.reduce(xf::ReduceKind::sum, c.cast(same, i64), {1}, false);
  c.set(3, c.reshape(placeAtRunTime(c, slots, count, c.reshape(occurrences, {1, n})), {dyn}));
  return success();
}

/// Unique compares every slice along the axis (or every element) with every
/// other one, O(N^2 * slice) but without sorting: a slice is a first
/// occurrence when no earlier one equals it; its rank among the unique
/// values is the number of first occurrences that sort before it
/// (lexicographically, sorted) or that come before its own first occurrence
/// (unsorted). Ranks place the first occurrences (the number of unique
/// values is the declared one, checked at run time) and are the inverse
/// indices.
LogicalResult convertUnique(NodeContext &c) {
  bool hasAxis = c.hasAttr("axis");
  int64_t axisAttr = c.attrInt("axis", 0);
  bool sorted = c.attrInt("sorted", 1) != 0;
  if (c.failed())
    return failure();
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (!c.declaredType(0))
    return convertUniqueAtRunTime(c, hasAxis, axisAttr, sorted);
  if (llvm::any_of(shape, ShapedType::isDynamic))
    return c.fail("the input " + shapeStr(shape) + " must be static");
  FailureOr<std::pair<Value, int64_t>> along = alongAxis(c, hasAxis, axisAttr);
  if (failed(along))
    return failure();
  auto [x, axis] = *along;
  // Slices as rows [N, M].
  auto xType = cast<RankedTensorType>(x.getType());
  int64_t rank = xType.getRank(), n = xType.getDimSize(axis);
  int64_t m = n == 0 ? 0 : xType.getNumElements() / n;
  if (n * n * std::max<int64_t>(m, 1) > (int64_t(1) << 26))
    return c.fail("the input " + shapeStr(shape) + " is too large for the "
                  "pairwise comparison Unique is compiled to");
  llvm::SmallVector<int64_t> toFront{axis};
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      toFront.push_back(d);
  Value rows = c.reshape(c.transpose(x, toFront), {n, m});
  FailureOr<RankedTensorType> out = c.declaredOutput("the number of unique values");
  if (failed(out))
    return failure();
  if (out->getRank() != rank)
    return c.fail("the declared output " + shapeStr(out->getShape()) +
                  " must have rank " + llvm::Twine(rank));
  int64_t count = out->getDimSize(axis);

  Type i64 = c.b().getI64Type();
  ChainedOps ops{c};
  auto iota = [&](llvm::ArrayRef<int64_t> shape) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = i;
    return c.constant(ConstTensor::ofInts(dt::Int64, shape, std::move(v)));
  };
  Value rowI = iota({n, 1}), rowJ = iota({1, n});
  auto [same, first, ranks] = compareSlices(c, ops, rows, rowI, rowJ, sorted);
  if (!ops.ok)
    return failure();
  Value spare = c.splat(i64, static_cast<double>(count));
  FailureOr<Value> slots = c.select(first, *c.binary(xf::BinaryKind::min, ranks, spare), spare);
  FailureOr<Value> ok = c.binary(xf::BinaryKind::eq,
                                 c.reduce(xf::ReduceKind::sum, c.cast(first, i64), {0}, false),
                                 spare);
  if (failed(slots) || failed(ok))
    return failure();
  c.check(*ok, "the number of unique values must be " + llvm::Twine(count) +
                   " (the model declares the output shape this needs; xfc "
                   "compiled for it)");
  Value firstIndices = c.reshape(scatterToSlots(c, c.reshape(rowI, {1, n}), *slots, count), {count});
  Value uniqueRows = xf::GatherOp::create(
      c.b(), c.loc(), RankedTensorType::get({count, m}, xType.getElementType()), rows,
      firstIndices, c.b().getI64IntegerAttr(0));
  llvm::SmallVector<int64_t> frontShape{count};
  for (int64_t d = 0; d < rank; ++d)
    if (d != axis)
      frontShape.push_back(xType.getDimSize(d));
  llvm::SmallVector<int64_t> back(rank);
  for (int64_t d = 0; d < rank; ++d)
    back[toFront[d]] = d;
  c.set(0, c.transpose(c.reshape(uniqueRows, frontShape), back));
  c.set(1, firstIndices);
  c.set(2, ranks);
  Value occurrences = c.reduce(xf::ReduceKind::sum, c.cast(same, i64), {1}, false);
  c.set(3, c.reshape(scatterToSlots(c, c.reshape(occurrences, {1, n}), *slots, count), {count}));
  return success();
}

} // namespace

void registerIndexingOps(OpRegistry &r) {
  const char *clamp = "out-of-range run-time indices are clamped";
  r.on("GatherElements", {11, 13}, convertGatherElements, clamp);
  r.on("GatherND", {11, 12, 13}, convertGatherND, clamp);
  r.on("ScatterElements", {11, 13, 16}, convertScatterElements,
       std::string("reduction none/add/mul; ") + clamp);
  r.on("Scatter", {9, 11}, convertScatterElements, clamp);
  r.on("ScatterND", {11, 13, 16}, convertScatterND,
       std::string("reduction none/add/mul; ") + clamp);
  r.on("OneHot", {9, 11}, convertOneHot,
       "compare + select; a run-time depth sizes the output at run time (or "
       "the declared output shape is compiled for and checked)");
  r.on("TopK", {1, 10, 11}, convertTopK,
       "a run-time k sizes the outputs at run time (or the declared output "
       "shape is compiled for and checked); always sorted");
  r.on("CumSum", {11, 14}, convertCumSum,
       "a run-time axis computes the sum along every axis and selects one");
  const char *counted = "a data-dependent count: the outputs are sized at "
                        "run time (or compiled for the declared output "
                        "shape, the count checked at run time)";
  r.on("NonZero", {9, 13}, convertNonZero, counted);
  r.on("Compress", {9, 11}, convertCompress, counted);
  r.on("Unique", {11}, convertUnique,
       std::string("pairwise comparisons of the slices (O(N^2)), no sort; ") +
           counted);
  r.on("NonMaxSuppression", {10, 11}, convertNonMaxSuppression,
       "greedy picks per image and class (xf.nms, O(N) per pick); compiled "
       "for the declared output shape, the count checked at run time");
  r.on("ReverseSequence", {10}, convertReverseSequence,
       "xf.gather_elements along the time axis");
}

} // namespace xfc::onnx_import
