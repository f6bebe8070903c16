//===- OpsSelection.cpp - ops sized by a data-dependent count -> xf -------===//
//
// NonZero, Compress, NonMaxSuppression and Unique: ops that select some of
// their input's elements or slices, so that the size of their outputs is a
// count that depends on the data. The count is computed at run time and
// sizes the outputs, or, where the model declares the output's static
// shape, xfc compiles for it and checks the count at run time. They share
// the compaction helpers (the rank of each selected element among the
// selected ones places it in the output), which no other op uses; hence a
// file of their own, apart from the index-driven ops of OpsIndexing.cpp.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "ShapeInputs.h"

#include <limits>

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace xfc::onnx_import {
namespace {

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

void registerSelectionOps(OpRegistry &r) {
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
}

} // namespace xfc::onnx_import
