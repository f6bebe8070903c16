//===- OpsIndexing.cpp - index-driven ops -> xf ---------------------------===//
//
// GatherElements, GatherND, ScatterElements (and the deprecated Scatter),
// ScatterND, OneHot, TopK, CumSum and ReverseSequence. Counts (TopK's k,
// OneHot's depth) given at run time size the outputs at run time, or, where
// the model declares the output's static shape, are checked against it;
// CumSum's run-time axis selects among the sums along every axis. An index
// tuple length (GatherND, ScatterND) that is dynamic is the one the ranks
// imply. Index tensors may be run-time values. Negative indices wrap once;
// indices still out of range are clamped by the lowering, never read or
// written outside a tensor. The ops whose output size is a data-dependent
// count (NonZero, Compress, NonMaxSuppression, Unique) are in
// OpsSelection.cpp.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
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
  r.on("ReverseSequence", {10}, convertReverseSequence,
       "xf.gather_elements along the time axis");
}

} // namespace xfc::onnx_import
