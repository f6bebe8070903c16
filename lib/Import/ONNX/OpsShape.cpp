//===- OpsShape.cpp - constants, shapes and data movement -> xf ----------===//
//
// Constant, ConstantOfShape, Range, Shape, Size, Identity, Dropout and the
// data-movement ops (Reshape, Flatten, Squeeze, Unsqueeze, Transpose, Expand,
// Tile, Gather, Trilu, EyeLike); Concat, Split, Slice and Pad are in
// OpsSlicing.cpp. Shape-like inputs (targets, axes, repeats) are
// compile-time constants in exported models; when the data is constant too,
// the result is folded so that chains of shape arithmetic disappear at
// import. A run-time shape-like input compiles for the declared output shape
// and is checked against it at run time (here for Reshape, Expand, Tile,
// ConstantOfShape; the others in ShapeInputs.cpp); with only the output's
// rank declared, the sizes are computed at run time (RuntimeSizes.cpp).
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"
#include "ShapeInputs.h"

#include "onnx/onnx_pb.h"

#include "dialects/Xf/IR/XfShapes.h"

#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/Utils/ReshapeOpsUtils.h"
#include "mlir/Dialect/Utils/StaticValueUtils.h"

#include <cmath>
#include <limits>

using namespace mlir;

namespace xfc::onnx_import {
namespace {

constexpr int64_t kDyn = ShapedType::kDynamic;

/// Reshape of input 0 to a static-or-dynamic `shape`.
LogicalResult reshapeTo(NodeContext &c, llvm::ArrayRef<int64_t> shape) {
  return foldOrBuild(
      c, [&](const ConstTensor &t) { return t.reshaped(shape); },
      [&](Value x) { return c.reshape(x, shape); });
}

//===----------------------------------------------------------------------===//
// Shape-like inputs known only at run time
//===----------------------------------------------------------------------===//
//
// When a shape-like input (Reshape's target, Expand's shape, ...) is a
// run-time value, the output shape is still known if the model declares it
// (the node tests and many exported models do). xfc then compiles for that
// shape and checks at run time that the input's values give it: a user who
// passes other values gets an error naming the node, never a wrong shape.

/// i1 tensor: element i of the integer input `i` equals `value` and `where`
/// allows it there.
FailureOr<Value> equalsWhere(NodeContext &c, unsigned i, int64_t value,
                             llvm::ArrayRef<bool> where) {
  FailureOr<Value> eq =
      c.binary(xf::BinaryKind::eq, c.in(i), c.splat(c.elt(i), value));
  if (failed(eq))
    return failure();
  std::vector<int64_t> mask(where.begin(), where.end());
  int64_t n = static_cast<int64_t>(mask.size());
  Value allowed = c.constant(
      ConstTensor::ofInts(dt::Bool, {n}, std::move(mask)));
  return c.binary(xf::BinaryKind::and_, *eq, allowed);
}

FailureOr<Value> anyOf(NodeContext &c, llvm::ArrayRef<FailureOr<Value>> conds) {
  Value acc;
  for (const FailureOr<Value> &cond : conds) {
    if (failed(cond))
      return failure();
    if (!acc) {
      acc = *cond;
      continue;
    }
    FailureOr<Value> next = c.binary(xf::BinaryKind::or_, acc, *cond);
    if (failed(next))
      return failure();
    acc = *next;
  }
  return acc;
}

/// Reshape to the declared shape `out`, with a run-time check of the
/// target (input 1): entry i is out[i], or 0 copying an equal input
/// dimension (unless allowzero), or the single -1.
LogicalResult reshapeToDeclared(NodeContext &c, bool allowZero) {
  FailureOr<RankedTensorType> declared = c.declaredOutput("the target shape");
  if (failed(declared))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0), out = declared->getShape();
  if (c.rank(1) != 1 || c.shape(1)[0] != static_cast<int64_t>(out.size()))
    return c.fail("the target shape " + shapeStr(c.shape(1)) +
                  " does not match the declared output rank " +
                  llvm::Twine(out.size()));
  if (dimProduct(in) != dimProduct(out))
    return c.fail("cannot reshape " + shapeStr(in) + " to the declared " +
                  shapeStr(out));
  llvm::SmallVector<bool> everywhere(out.size(), true), copies;
  for (size_t i = 0; i < out.size(); ++i)
    copies.push_back(!allowZero && i < in.size() && in[i] == out[i]);
  Value target = c.in(1);
  FailureOr<Value> exact = c.binary(
      xf::BinaryKind::eq, target,
      c.constant(ConstTensor::ofInts(c.dtype(1), {static_cast<int64_t>(out.size())},
                                     std::vector<int64_t>(out.begin(), out.end()))));
  FailureOr<Value> inferred = equalsWhere(c, 1, -1, everywhere);
  FailureOr<Value> ok =
      anyOf(c, {exact, inferred, equalsWhere(c, 1, 0, copies)});
  if (failed(ok))
    return failure();
  Value count = c.reduce(xf::ReduceKind::sum, c.cast(*inferred, c.elt(1)), {0},
                         /*keepDims=*/false);
  FailureOr<Value> single =
      c.binary(xf::BinaryKind::le, count, c.splat(c.elt(1), 1));
  if (failed(single))
    return failure();
  std::string what = "the target shape must give the declared " + shapeStr(out);
  c.check(*ok, what);
  c.check(*single, what);
  return c.done(c.reshape(c.in(0), out));
}

/// Expand to the declared shape `out`, with a run-time check of the shape
/// (input 1): each entry is its output dimension, or 1 where the input
/// already has that dimension.
LogicalResult expandToDeclared(NodeContext &c) {
  FailureOr<RankedTensorType> declared = c.declaredOutput("the shape");
  if (failed(declared))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0), out = declared->getShape();
  int64_t k = c.rank(1) == 1 ? c.shape(1)[0] : -1;
  if (k < 0 || static_cast<int64_t>(out.size()) != std::max<int64_t>(k, in.size()))
    return c.fail("the shape " + shapeStr(c.shape(1)) +
                  " does not match the declared output rank " +
                  llvm::Twine(out.size()));
  auto broadcast = xf::broadcastShapes(in, out);
  if (!broadcast || llvm::ArrayRef<int64_t>(*broadcast) != out)
    return c.fail("the input " + shapeStr(in) +
                  " does not broadcast to the declared " + shapeStr(out));
  int64_t lead = out.size() - in.size();
  std::vector<int64_t> tail(out.end() - k, out.end());
  llvm::SmallVector<bool> everywhere(k, true), inputHasIt;
  for (int64_t i = 0; i < k; ++i) {
    int64_t j = out.size() - k + i;
    int64_t inDim = j < lead ? 1 : in[j - lead];
    inputHasIt.push_back(inDim == out[j]);
  }
  FailureOr<Value> exact = c.binary(
      xf::BinaryKind::eq, c.in(1),
      c.constant(ConstTensor::ofInts(c.dtype(1), {k}, std::move(tail))));
  FailureOr<Value> ok = anyOf(c, {exact, equalsWhere(c, 1, 1, inputHasIt)});
  if (failed(ok))
    return failure();
  c.check(*ok, "the shape must expand the input " + shapeStr(in) +
                   " to the declared " + shapeStr(out));
  FailureOr<Value> r = c.broadcastTo(c.in(0), out);
  return failed(r) ? failure() : c.done(*r);
}

//===----------------------------------------------------------------------===//
// Constants
//===----------------------------------------------------------------------===//

LogicalResult convertConstant(NodeContext &c) {
  const char *kinds[] = {"value",       "value_float",  "value_floats",
                         "value_int",   "value_ints",   "sparse_value",
                         "value_string", "value_strings"};
  int present = 0;
  for (const char *k : kinds)
    present += c.hasAttr(k);
  if (present != 1)
    return c.fail("exactly one value attribute is required");
  if (c.hasAttr("sparse_value") || c.hasAttr("value_string") ||
      c.hasAttr("value_strings"))
    return c.fail("sparse and string constants are not supported");
  if (c.hasAttr("value_float"))
    return c.doneConst(
        ConstTensor::ofFloats(dt::Float, {}, {c.attrFloat("value_float", 0)}));
  if (c.hasAttr("value_int"))
    return c.doneConst(
        ConstTensor::ofInts(dt::Int64, {}, {c.attrInt("value_int", 0)}));
  if (c.hasAttr("value_floats")) {
    auto v = c.attrFloats("value_floats");
    if (!v)
      return failure();
    return c.doneConst(ConstTensor::ofFloats(
        dt::Float, {static_cast<int64_t>(v->size())},
        std::vector<double>(v->begin(), v->end())));
  }
  if (c.hasAttr("value_ints")) {
    auto v = c.attrInts("value_ints");
    if (!v)
      return failure();
    return c.doneConst(ConstTensor::ofInts(
        dt::Int64, {static_cast<int64_t>(v->size())},
        std::vector<int64_t>(v->begin(), v->end())));
  }
  const onnx::TensorProto *proto = c.attrTensor("value");
  if (!proto)
    return failure();
  ConstTensor t;
  std::string error;
  if (!readTensorProto(*proto, c.modelDir(), t, error))
    return c.fail("value: " + error);
  return c.doneConst(std::move(t));
}

/// ConstantOfShape's value attribute as a 0-D tensor (float 0 by default).
FailureOr<ConstTensor> constantOfShapeValue(NodeContext &c) {
  ConstTensor value = ConstTensor::splat(dt::Float, {}, 0.0);
  if (c.hasAttr("value")) {
    const onnx::TensorProto *proto = c.attrTensor("value");
    if (!proto)
      return failure();
    std::string error;
    if (!readTensorProto(*proto, c.modelDir(), value, error))
      return c.fail("value: " + error);
    if (value.numElements() != 1)
      return c.fail("value must have exactly one element");
    value = value.reshaped({});
  }
  return value;
}

LogicalResult convertConstantOfShape(NodeContext &c) {
  FailureOr<llvm::SmallVector<int64_t>> shape;
  bool runTimeShape = !c.constant(0);
  if (runTimeShape && !c.declaredType(0)) {
    FailureOr<ConstTensor> value = constantOfShapeValue(c);
    return failed(value) ? failure()
                         : constantOfShapeAtRunTime(c, c.constant(*value));
  }
  if (runTimeShape) {
    FailureOr<RankedTensorType> declared = c.declaredOutput("the shape input");
    if (failed(declared))
      return failure();
    shape = llvm::to_vector(declared->getShape());
    if (failed(c.checkEquals(0, *shape, "the shape input")))
      return failure();
  } else {
    shape = c.constInts(0, "the shape input");
  }
  if (failed(shape))
    return failure();
  for (int64_t d : *shape)
    if (d < 0 || d > kMaxDim)
      return c.fail("the shape " + listStr(*shape) + " has an invalid entry " +
                    llvm::Twine(d));
  if (checkedNumElements(*shape) < 0)
    return c.fail("the shape " + listStr(*shape) + " is too large");
  FailureOr<ConstTensor> valueOr = constantOfShapeValue(c);
  if (failed(valueOr))
    return failure();
  const ConstTensor &value = *valueOr;
  ConstTensor result =
      value.isFloat()
          ? ConstTensor::splat(value.dtype(), *shape, value.floatAt(0))
          : ConstTensor::splatInt(value.dtype(), *shape, value.intAt(0));
  // After a run-time check the value must not fold into its users, which
  // would make the check the only thing left of the node: keep it an SSA
  // value defined here, after the check.
  if (runTimeShape)
    return c.done(c.constant(result));
  return c.doneConst(std::move(result));
}

LogicalResult convertRange(NodeContext &c) {
  if (!c.allConstant())
    return c.declaredType(0) ? convertRangeAtRunTime(c) : rangeOfRunTimeLength(c);
  for (unsigned i = 0; i < 3; ++i)
    if (c.constant(i)->numElements() != 1)
      return c.fail("the inputs of Range must be scalars");
  const ConstTensor &start = *c.constant(0), &limit = *c.constant(1),
                    &delta = *c.constant(2);
  int32_t dtype = start.dtype();
  if (limit.dtype() != dtype || delta.dtype() != dtype)
    return c.fail("the inputs of Range must have the same type");
  constexpr int64_t kMax = 1 << 24;
  if (start.isFloat()) {
    double s = start.floatAt(0), l = limit.floatAt(0), d = delta.floatAt(0);
    if (d == 0 || !std::isfinite(s) || !std::isfinite(l) || !std::isfinite(d))
      return c.fail("Range needs finite inputs and a non-zero delta");
    double count = std::max(std::ceil((l - s) / d), 0.0);
    if (count > kMax)
      return c.fail("Range would produce too many elements");
    std::vector<double> v(static_cast<int64_t>(count));
    for (size_t i = 0; i < v.size(); ++i)
      v[i] = s + static_cast<double>(i) * d;
    return c.doneConst(ConstTensor::ofFloats(
        dtype, {static_cast<int64_t>(v.size())}, std::move(v)));
  }
  int64_t s = start.intAt(0), l = limit.intAt(0), d = delta.intAt(0);
  if (d == 0)
    return c.fail("Range needs a non-zero delta");
  // ceil((l - s) / d) without overflow for the ranges that fit kMax.
  __int128 span = static_cast<__int128>(l) - s;
  __int128 count = span / d + ((span % d != 0) && ((span > 0) == (d > 0)));
  if (count < 0)
    count = 0;
  if (count > kMax)
    return c.fail("Range would produce too many elements");
  std::vector<int64_t> v(static_cast<int64_t>(count));
  // Every element lies between start and limit, so it fits in int64, but
  // i * d alone may not: compute modulo 2^64, which gives the exact value.
  for (size_t i = 0; i < v.size(); ++i)
    v[i] = static_cast<int64_t>(static_cast<uint64_t>(s) +
                                static_cast<uint64_t>(i) * static_cast<uint64_t>(d));
  return c.doneConst(ConstTensor::ofInts(
      dtype, {static_cast<int64_t>(v.size())}, std::move(v)));
}

LogicalResult convertShape(NodeContext &c) {
  int64_t rank = c.rank(0);
  int64_t start = 0, end = rank;
  if (c.since() >= 15) {
    start = c.attrInt("start", 0);
    end = c.attrInt("end", rank);
    if (c.failed())
      return failure();
    auto clampDim = [&](int64_t v) {
      if (v < 0)
        v += rank;
      return std::clamp<int64_t>(v, 0, rank);
    };
    start = clampDim(start);
    end = clampDim(end);
  }
  // Dynamic dimensions become unknown elements of a partially known shape
  // that name the input's dimension, so that Slice, Reshape, ... can read
  // the size at run time.
  std::vector<int64_t> dims;
  std::vector<uint8_t> unknown;
  for (int64_t d = start; d < end; ++d) {
    int64_t size = c.shape(0)[d];
    unknown.push_back(ShapedType::isDynamic(size));
    dims.push_back(ShapedType::isDynamic(size) ? c.dimSymbol(0, d) : size);
  }
  int64_t n = dims.size();
  return c.doneConst(ConstTensor::ofInts(dt::Int64, {n}, std::move(dims))
                         .withUnknown(std::move(unknown)));
}

LogicalResult convertSize(NodeContext &c) {
  int64_t n = dimProduct(c.shape(0));
  if (ShapedType::isDynamic(n)) {
    // The product of the run-time sizes.
    ShapeMath m(c);
    Value size = m.product(m.dims(c.in(0)));
    return m.ok() ? c.done(size) : failure();
  }
  return c.doneConst(ConstTensor::ofInts(dt::Int64, {}, {n}));
}

/// Dropout is the identity when training_mode is false or the ratio is 0.
/// Training with a ratio > 0 drops random elements, which cannot match any
/// reference: an error at compile time when both inputs are constants,
/// else a run-time check.
LogicalResult checkNoDropout(NodeContext &c) {
  if (c.since() < 12 || !c.has(2))
    return success();
  for (unsigned i = 1; i <= 2; ++i)
    if (c.has(i) && c.type(i).getNumElements() != 1)
      return c.fail("the ratio and training_mode must be scalars");
  const ConstTensor *training = c.constant(2);
  const ConstTensor *ratio = c.has(1) ? c.constant(1) : nullptr;
  // The ratio defaults to 0.5.
  std::optional<double> r = !c.has(1) ? std::optional<double>(0.5)
                            : ratio   ? std::optional<double>(ratio->floatAt(0))
                                      : std::nullopt;
  if ((training && training->intAt(0) == 0) || r == 0.0)
    return success();
  // The reason comes first: the node tests' status keeps a message's start.
  const char *why = "random mask: not reproducible (training_mode=true with "
                    "a ratio > 0 drops random elements)";
  if (training && r)
    return c.fail(why);
  ShapeMath m(c);
  llvm::SmallVector<Value> inference;
  if (!training)
    inference.push_back(m.not_(m.reshape(c.in(2), {})));
  if (!r)
    inference.push_back(
        m.eq(m.reshape(c.in(1), {}), c.splat(c.elt(1), 0)));
  m.check(m.any(inference), why);
  return success(m.ok());
}

LogicalResult convertDropout(NodeContext &c) {
  if (failed(checkNoDropout(c)))
    return failure();
  if (c.outputUsed(1)) {
    // Inference keeps everything: the mask is all true (ones before opset 10).
    int32_t maskType = c.since() >= 10 ? dt::Bool : c.dtype(0);
    if (c.type(0).hasStaticShape()) {
      c.setConst(1, ConstTensor::splatInt(maskType, c.shape(0), 1));
    } else {
      Type elt = c.since() >= 10 ? c.b().getI1Type() : c.elt(0);
      Value one = c.b().createOrFold<tensor::ExtractOp>(
          c.loc(), c.splat(elt, 1), ValueRange{});
      IndexMath m(c);
      llvm::SmallVector<Value> sizes;
      for (int64_t d = 0; d < c.rank(0); ++d)
        if (c.type(0).isDynamicDim(d))
          sizes.push_back(m.dim(c.in(0), d));
      c.set(1, tensor::SplatOp::create(
                   c.b(), c.loc(), one, RankedTensorType::get(c.shape(0), elt),
                   sizes));
    }
  }
  return c.forward(0);
}

//===----------------------------------------------------------------------===//
// Reshapes
//===----------------------------------------------------------------------===//

/// Reshape to `out` (the result type, from `target`) with the sizes given at
/// run time, for targets whose dynamic sizes name dimensions of another
/// tensor (LayerNormalization's expansion reshapes to Shape(X)): xf.reshape
/// would have to guess which input dimensions they are. Null (xf.reshape
/// then) when fewer than two sizes are dynamic, when each names the input's
/// own dimension at its position (PyTorch's view(b, s, ...), which
/// xf.reshape lowers positionally), or when one is an anonymous size.
/// Whether xf.reshape's lowering can tell the sizes of `out` from `in`
/// (LoweringUtils' reshape): a collapse, or an expansion where each group
/// of output dimensions has at most one dynamic size, or at most one
/// dynamic size in all.
bool lowerableReshape(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out) {
  if (in == out || llvm::count_if(out, ShapedType::isDynamic) <= 1)
    return true;
  if (out.size() < in.size())
    return getReassociationIndicesForCollapse(in, out).has_value();
  if (out.size() == in.size())
    return false;
  auto groups = getReassociationIndicesForCollapse(out, in);
  return groups && llvm::all_of(*groups, [&](const ReassociationIndices &g) {
           return llvm::count_if(g, [&](int64_t d) {
                    return ShapedType::isDynamic(out[d]);
                  }) <= 1;
         });
}

Value reshapeWithRuntimeSizes(NodeContext &c, llvm::ArrayRef<int64_t> target,
                              llvm::ArrayRef<int64_t> out, int inferIndex,
                              bool allowZero) {
  // A constant input folds instead.
  if (llvm::count_if(out, ShapedType::isDynamic) < 2 || c.partial(0))
    return {};
  llvm::ArrayRef<int64_t> in = c.shape(0);
  bool positional = true;
  for (size_t i = 0; i < out.size(); ++i) {
    if (!ShapedType::isDynamic(out[i]) || (int)i == inferIndex)
      continue;
    if (target[i] == 0 && !allowZero) {
      positional &= i < in.size();
      continue;
    }
    auto symbol = c.dimSymbolOf(1, i);
    positional &= symbol && symbol->first == c.in(0) &&
                  symbol->second == static_cast<int64_t>(i);
  }
  if (positional && lowerableReshape(c.shape(0), out))
    return {};
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value x = c.in(0);
  SmallVector<Value> sizes(out.size());
  for (size_t i = 0; i < out.size(); ++i) {
    if ((int)i == inferIndex)
      continue;
    if (!ShapedType::isDynamic(out[i]))
      sizes[i] = arith::ConstantIndexOp::create(b, loc, out[i]);
    else if (target[i] == 0 && !allowZero)
      sizes[i] = tensor::DimOp::create(b, loc, x, i);
    else
      sizes[i] = c.runtimeDim(1, i);
  }
  Value total = arith::ConstantIndexOp::create(b, loc, 1);
  for (int64_t d = 0; d < c.rank(0); ++d)
    total = arith::MulIOp::create(b, loc, total, tensor::DimOp::create(b, loc, x, d));
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  auto productOf = [&](ArrayRef<Value> values) {
    Value p = one;
    for (Value v : values)
      if (v)
        p = arith::MulIOp::create(b, loc, p, v);
    return p;
  };
  // -1: the input's element count over the other sizes.
  if (inferIndex >= 0)
    sizes[inferIndex] = arith::DivUIOp::create(
        b, loc, total, arith::MaxUIOp::create(b, loc, productOf(sizes), one));
  // Sizes from other tensors may not multiply to the input's count: that is
  // reported, and the view then stays within the input (dynamic sizes 1,
  // the last one the count over the static sizes) so the call stays in
  // bounds.
  Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, productOf(sizes), total);
  int64_t staticProduct = 1, lastDynamic = -1;
  for (size_t i = 0; i < out.size(); ++i) {
    if (ShapedType::isDynamic(out[i]))
      lastDynamic = i;
    else
      staticProduct *= out[i];
  }
  Value rest = arith::DivUIOp::create(
      b, loc, total, arith::ConstantIndexOp::create(b, loc, std::max<int64_t>(staticProduct, 1)));
  for (size_t i = 0; i < sizes.size(); ++i)
    if (ShapedType::isDynamic(out[i]))
      sizes[i] = arith::SelectOp::create(b, loc, ok, sizes[i],
                                         (int64_t)i == lastDynamic ? rest : one);
  c.check(tensor::FromElementsOp::create(b, loc, RankedTensorType::get({}, b.getI1Type()),
                                         ValueRange{ok}),
          "the target shape must have as many elements as the input");
  SmallVector<Value> elements;
  for (Value s : sizes)
    elements.push_back(arith::IndexCastOp::create(b, loc, b.getI64Type(), s));
  Value shape = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({static_cast<int64_t>(out.size())}, b.getI64Type()),
      elements);
  return tensor::ReshapeOp::create(b, loc, RankedTensorType::get(out, c.elt(0)), x, shape);
}

LogicalResult convertReshape(NodeContext &c) {
  bool allowZero = c.since() >= 14 && c.attrInt("allowzero", 0) != 0;
  if (c.failed())
    return failure();
  if (!c.partial(1))
    return c.declaredType(0) ? reshapeToDeclared(c, allowZero)
                             : reshapeToRunTimeSizes(c, allowZero);
  auto target = c.constDims(1, "the target shape");
  if (failed(target))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  llvm::SmallVector<int64_t> out;
  int inferIndex = -1;
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t v = (*target)[i];
    if (ShapedType::isDynamic(v)) {
      out.push_back(kDyn); // Known only at run time (a dynamic input dim).
    } else if (v == 0 && !allowZero) {
      if (i >= in.size())
        return c.fail("the target shape " + shapeStr(*target) +
                      " copies dimension " + llvm::Twine(i) +
                      " that the input " + shapeStr(in) + " does not have");
      out.push_back(in[i]);
    } else if (v == -1) {
      if (inferIndex >= 0)
        return c.fail("the target shape " + shapeStr(*target) +
                      " has more than one -1");
      inferIndex = i;
      out.push_back(kDyn);
    } else if (v < 0 || v > kMaxDim) {
      return c.fail("the target shape " + shapeStr(*target) +
                    " has an invalid entry " + llvm::Twine(v));
    } else {
      out.push_back(v);
    }
  }
  if (allowZero && inferIndex >= 0 && llvm::is_contained(*target, 0))
    return c.fail("allowzero=1 forbids 0 together with -1 in the target shape");
  int64_t total = dimProduct(in);
  if (inferIndex >= 0) {
    llvm::SmallVector<int64_t> others(out);
    others.erase(others.begin() + inferIndex);
    int64_t known = dimProduct(others);
    if (!ShapedType::isDynamic(total) && !ShapedType::isDynamic(known)) {
      if (known == 0 || total % known != 0)
        return c.fail("cannot reshape " + shapeStr(in) + " to " +
                      shapeStr(*target));
      out[inferIndex] = total / known;
    }
  }
  int64_t outTotal = dimProduct(out);
  if (!ShapedType::isDynamic(total) && !ShapedType::isDynamic(outTotal) &&
      total != outTotal)
    return c.fail("cannot reshape " + shapeStr(in) + " (" +
                  llvm::Twine(total) + " elements) to " + shapeStr(out) +
                  " (" + llvm::Twine(outTotal) + " elements)");
  if (Value reshaped = reshapeWithRuntimeSizes(c, *target, out, inferIndex, allowZero))
    return c.done(reshaped);
  return reshapeTo(c, out);
}

LogicalResult convertFlatten(NodeContext &c) {
  int64_t axis = c.attrInt("axis", 1);
  if (c.failed())
    return failure();
  int64_t rank = c.rank(0);
  if (axis < -rank || axis > rank)
    return c.fail("axis " + llvm::Twine(axis) + " is out of range for rank " +
                  llvm::Twine(rank));
  if (axis < 0)
    axis += rank;
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rows = dimProduct(in.take_front(axis)),
          cols = dimProduct(in.drop_front(axis));
  // With several dynamic dimensions the result type alone does not say
  // which input dimensions form each output one (xf.reshape's lowering
  // could only guess): collapse them explicitly.
  if (llvm::count_if(in, ShapedType::isDynamic) > 1 && !c.partial(0)) {
    OpBuilder &b = c.b();
    Value x = c.in(0);
    Type elt = c.elt(0);
    if (axis > 0 && axis < rank) {
      SmallVector<ReassociationIndices> groups(2);
      for (int64_t d = 0; d < rank; ++d)
        groups[d < axis ? 0 : 1].push_back(d);
      return c.done(tensor::CollapseShapeOp::create(
          b, c.loc(), RankedTensorType::get({rows, cols}, elt), x, groups));
    }
    // [1, n] or [n, 1]: everything into one dimension, then a unit one.
    SmallVector<ReassociationIndices> all(1);
    for (int64_t d = 0; d < rank; ++d)
      all[0].push_back(d);
    Value flat = tensor::CollapseShapeOp::create(
        b, c.loc(), RankedTensorType::get({kDyn}, elt), x, all);
    SmallVector<OpFoldResult> sizes{b.getIndexAttr(1), b.getIndexAttr(1)};
    sizes[axis == 0 ? 1 : 0] = tensor::DimOp::create(b, c.loc(), flat, 0).getResult();
    return c.done(tensor::ExpandShapeOp::create(
        b, c.loc(), RankedTensorType::get({rows, cols}, elt), flat,
        SmallVector<ReassociationIndices>{{0, 1}}, sizes));
  }
  return reshapeTo(c, {rows, cols});
}

/// The axes of Squeeze/Unsqueeze: attribute before opset 13, input after.
FailureOr<std::optional<llvm::SmallVector<int64_t>>> squeezeAxes(NodeContext &c) {
  if (c.since() >= 13) {
    if (!c.has(1))
      return std::optional<llvm::SmallVector<int64_t>>();
    auto v = c.constInts(1, "the axes");
    if (failed(v))
      return failure();
    return std::optional<llvm::SmallVector<int64_t>>(*v);
  }
  auto a = c.attrInts("axes");
  if (c.failed())
    return failure();
  return a;
}

/// True when Squeeze/Unsqueeze's axes are a run-time input.
bool runTimeAxes(NodeContext &c) {
  return c.since() >= 13 && c.has(1) && !c.constant(1);
}

/// True when the output shape is declared and the input is static: the
/// node is compiled for that shape (and checked), not for run-time sizes.
bool declaredStatic(NodeContext &c) {
  return c.declaredType(0) && c.type(0).hasStaticShape();
}

LogicalResult convertSqueeze(NodeContext &c) {
  if (runTimeAxes(c))
    return declaredStatic(c) ? convertSqueezeAtRunTime(c, /*unsqueeze=*/false)
                             : squeezeToRunTimeSizes(c, /*unsqueeze=*/false);
  auto axes = squeezeAxes(c);
  if (failed(axes))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  llvm::SmallVector<int64_t> out;
  if (!*axes) {
    for (int64_t d : in) {
      if (ShapedType::isDynamic(d))
        return c.fail("Squeeze without axes needs a static shape, not " +
                      shapeStr(in));
      if (d != 1)
        out.push_back(d);
    }
    return reshapeTo(c, out);
  }
  auto norm = c.normAxes(**axes, in.size());
  if (failed(norm))
    return failure();
  for (int64_t d = 0; d < static_cast<int64_t>(in.size()); ++d) {
    if (!llvm::is_contained(*norm, d)) {
      out.push_back(in[d]);
      continue;
    }
    if (!ShapedType::isDynamic(in[d]) && in[d] != 1)
      return c.fail("cannot squeeze dimension " + llvm::Twine(d) + " of " +
                    shapeStr(in) + ": it is not 1");
  }
  return reshapeTo(c, out);
}

LogicalResult convertUnsqueeze(NodeContext &c) {
  if (runTimeAxes(c))
    return declaredStatic(c) ? convertSqueezeAtRunTime(c, /*unsqueeze=*/true)
                             : squeezeToRunTimeSizes(c, /*unsqueeze=*/true);
  auto axes = squeezeAxes(c);
  if (failed(axes))
    return failure();
  if (!*axes)
    return c.fail("the axes are required");
  llvm::ArrayRef<int64_t> in = c.shape(0);
  int64_t rank = in.size() + (*axes)->size();
  auto norm = c.normAxes(**axes, rank);
  if (failed(norm))
    return failure();
  llvm::SmallVector<int64_t> out;
  size_t next = 0;
  for (int64_t d = 0; d < rank; ++d)
    out.push_back(llvm::is_contained(*norm, d) ? 1 : in[next++]);
  return reshapeTo(c, out);
}

//===----------------------------------------------------------------------===//
// Permutations and broadcasts
//===----------------------------------------------------------------------===//

LogicalResult convertTranspose(NodeContext &c) {
  int64_t rank = c.rank(0);
  llvm::SmallVector<int64_t> perm;
  if (auto p = c.attrInts("perm")) {
    perm = *p;
  } else {
    for (int64_t d = rank - 1; d >= 0; --d)
      perm.push_back(d);
  }
  if (c.failed())
    return failure();
  if (static_cast<int64_t>(perm.size()) != rank)
    return c.fail("perm " + listStr(perm) + " does not match rank " +
                  llvm::Twine(rank));
  llvm::SmallVector<bool> seen(rank, false);
  for (int64_t p : perm) {
    if (p < 0 || p >= rank || seen[p])
      return c.fail("perm " + listStr(perm) + " is not a permutation");
    seen[p] = true;
  }
  return foldOrBuild(
      c, [&](const ConstTensor &t) { return foldTranspose(t, perm); },
      [&](Value x) { return c.transpose(x, perm); });
}

LogicalResult convertExpand(NodeContext &c) {
  auto atRunTime = [&] {
    return c.declaredType(0) ? expandToDeclared(c) : expandToRunTimeSizes(c);
  };
  if (!c.partial(1))
    return atRunTime();
  auto target = c.constDims(1, "the shape");
  if (failed(target))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  for (size_t i = 0; i < target->size(); ++i) {
    int64_t &d = (*target)[i];
    if (ShapedType::isDynamic(d)) {
      // A run-time target is taken as the input's own dimension here;
      // where that is 1 the size comes from the target's run-time value.
      int64_t lead = target->size() - in.size();
      int64_t inDim = i < static_cast<size_t>(lead) ? 1 : in[i - lead];
      if (inDim == 1)
        return atRunTime();
      d = 1;
    } else if (d < 0 || d > kMaxDim) {
      return c.fail("the shape " + shapeStr(*target) + " has an invalid entry " +
                    llvm::Twine(d));
    }
  }
  auto shape = xf::broadcastShapes(c.shape(0), *target);
  if (!shape)
    return c.fail("the input " + shapeStr(c.shape(0)) +
                  " does not broadcast to " + shapeStr(*target));
  if (const ConstTensor *t = c.constant(0)) {
    int64_t n = checkedNumElements(*shape);
    if (n >= 0 && (t->isSplat() || n <= kFoldLimit))
      return c.doneConst(foldBroadcast(*t, *shape));
  }
  FailureOr<Value> r = c.broadcastTo(c.in(0), *shape);
  return failed(r) ? failure() : c.done(*r);
}

/// Tile's repeats: the constant input, or out / in of the declared output
/// shape, checked at run time.
FailureOr<llvm::SmallVector<int64_t>> tileRepeats(NodeContext &c) {
  if (c.constant(1))
    return c.constInts(1, "the repeats");
  FailureOr<RankedTensorType> declared = c.declaredOutput("the repeats");
  if (failed(declared))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0), out = declared->getShape();
  if (in.size() != out.size())
    return c.fail("the declared output " + shapeStr(out) +
                  " does not have the rank of the input " + shapeStr(in));
  llvm::SmallVector<int64_t> repeats;
  for (size_t d = 0; d < in.size(); ++d) {
    if (ShapedType::isDynamic(in[d]) || in[d] == 0 || out[d] % in[d] != 0)
      return c.fail("the declared output " + shapeStr(out) +
                    " is not a tiling of the input " + shapeStr(in));
    repeats.push_back(out[d] / in[d]);
  }
  if (failed(c.checkEquals(1, repeats, "the repeats")))
    return failure();
  return repeats;
}

LogicalResult convertTile(NodeContext &c) {
  // Run-time repeats without a declared shape, or a dynamic input (whose
  // tiled dimensions the reshapes below could not tell apart): the sizes
  // are computed at run time.
  if ((!c.constant(1) && !c.declaredType(0)) ||
      (!c.type(0).hasStaticShape() && !c.partial(0)))
    return tileToRunTimeSizes(c);
  auto repeats = tileRepeats(c);
  if (failed(repeats))
    return failure();
  llvm::ArrayRef<int64_t> in = c.shape(0);
  if (repeats->size() != in.size())
    return c.fail("repeats " + listStr(*repeats) + " do not match rank " +
                  llvm::Twine(in.size()));
  // tile = reshape(broadcast(reshape(x, [1, d0, 1, d1, ...]),
  //                          [r0, d0, r1, d1, ...]), [r0*d0, r1*d1, ...]),
  // with the extra unit dimension only where a repeat is not 1.
  llvm::SmallVector<int64_t> expanded, broadcast, out;
  for (size_t d = 0; d < in.size(); ++d) {
    int64_t r = (*repeats)[d];
    if (r < 0 || r > kMaxDim)
      return c.fail("repeats " + listStr(*repeats) + " has an invalid entry " +
                    llvm::Twine(r));
    if (r != 1) {
      expanded.push_back(1);
      broadcast.push_back(r);
    }
    expanded.push_back(in[d]);
    broadcast.push_back(in[d]);
    out.push_back(ShapedType::isDynamic(in[d]) ? kDyn : dimProduct({in[d], r}));
  }
  if (out == llvm::SmallVector<int64_t>(in))
    return c.forward(0);
  if (const ConstTensor *t = c.constant(0)) {
    int64_t n = checkedNumElements(out);
    if (n >= 0 && (t->isSplat() || n <= kFoldLimit))
      return c.doneConst(
          foldBroadcast(t->reshaped(expanded), broadcast).reshaped(out));
  }
  Value x = c.reshape(c.in(0), expanded);
  FailureOr<Value> b = c.broadcastTo(x, broadcast);
  if (failed(b))
    return failure();
  return c.done(c.reshape(*b, out));
}

//===----------------------------------------------------------------------===//
// Gather
//===----------------------------------------------------------------------===//

LogicalResult convertGather(NodeContext &c) {
  int64_t axis = c.attrInt("axis", 0);
  if (c.failed())
    return failure();
  FailureOr<int64_t> a = c.normAxis(axis, c.rank(0));
  if (failed(a))
    return failure();
  if (!isa<IntegerType>(c.elt(1)) || c.elt(1).isInteger(1))
    return c.fail("indices must be int32 or int64");
  int64_t dim = c.shape(0)[*a];
  if (const ConstTensor *idx = c.constant(1)) {
    if (!ShapedType::isDynamic(dim))
      for (int64_t i = 0, n = idx->numElements(); i < n; ++i) {
        int64_t v = idx->intAt(i);
        if (v < -dim || v >= dim)
          return c.fail("index " + llvm::Twine(v) + " is out of range for " +
                        "dimension " + llvm::Twine(dim));
      }
    if (const ConstTensor *data = c.partial(0))
      if (auto folded = foldGather(*data, *idx, *a))
        return c.doneConst(std::move(*folded));
  }
  llvm::ArrayRef<int64_t> ds = c.shape(0);
  llvm::SmallVector<int64_t> shape(ds.take_front(*a));
  llvm::append_range(shape, c.shape(1));
  llvm::append_range(shape, ds.drop_front(*a + 1));
  auto type = RankedTensorType::get(shape, c.elt(0));
  return c.done(xf::GatherOp::create(c.b(), c.loc(), type, c.in(0), c.in(1),
                                     static_cast<uint64_t>(*a)));
}

//===----------------------------------------------------------------------===//
// Trilu, EyeLike
//===----------------------------------------------------------------------===//

/// Trilu's diagonal k as a 0-D i64 tensor: a constant or a run-time value
/// (0 when absent).
FailureOr<Value> triluDiagonal(NodeContext &c) {
  Type i64 = c.b().getI64Type();
  if (!c.has(1))
    return c.splat(i64, 0);
  if (!isa<IntegerType>(c.elt(1)) || c.elt(1).isInteger(1))
    return c.fail("k must be an integer");
  if (c.type(1).getNumElements() != 1)
    return c.fail("k must be a scalar, not " + shapeStr(c.shape(1)));
  return c.reshape(c.cast(c.in(1), i64), {});
}

LogicalResult convertTrilu(NodeContext &c) {
  bool upper = c.attrInt("upper", 1) != 0;
  if (c.failed())
    return failure();
  if (c.rank(0) < 2)
    return c.fail("the input must have rank 2 or more");
  FailureOr<Value> k = triluDiagonal(c);
  if (failed(k))
    return failure();
  Value x = c.in(0);
  return c.done(xf::TriluOp::create(c.b(), c.loc(), x.getType(), x, *k,
                                    c.b().getBoolAttr(upper)));
}

/// A constant 2-D tensor with ones on diagonal k.
LogicalResult convertEyeLike(NodeContext &c) {
  int64_t k = c.attrInt("k", 0);
  int32_t dtype = c.hasAttr("dtype") ? static_cast<int32_t>(c.attrInt("dtype", 0))
                                     : c.dtype(0);
  if (c.failed())
    return failure();
  if (!dtypeToType(c.ctx(), dtype))
    return c.fail(dtypeName(dtype) + " is not supported");
  if (c.rank(0) != 2)
    return c.fail("the input must be 2-D");
  if (!c.type(0).hasStaticShape())
    return eyeLikeAtRunTime(c, dtypeToType(c.ctx(), dtype), k);
  int64_t rows = c.shape(0)[0], cols = c.shape(0)[1];
  if (rows * cols > kFoldLimit)
    return c.fail("the input is too large");
  std::vector<int64_t> v(rows * cols, 0);
  for (int64_t i = 0; i < rows; ++i)
    if (i + k >= 0 && i + k < cols)
      v[i * cols + i + k] = 1;
  ConstTensor t = ConstTensor::ofInts(dt::Int64, {rows, cols}, std::move(v));
  return c.doneConst(foldCast(t, dtype));
}

} // namespace

void registerShapeOps(OpRegistry &r) {
  r.on("Constant", {1, 9, 11, 12, 13}, convertConstant,
       "no sparse or string values");
  r.on("ConstantOfShape", {9}, convertConstantOfShape,
       "a run-time shape gives run-time sizes (checked at run time)");
  r.on("Range", {11}, convertRange,
       "folded when the inputs are constants; run-time inputs give a "
       "run-time length");
  r.on("Shape", {1, 13, 15}, convertShape,
       "folded; the selected dimensions must be static");
  r.on("Size", {1, 13}, convertSize,
       "folded; computed at run time from dynamic dimensions");
  r.on("Identity", {1, 13, 14, 16}, [](NodeContext &c) { return c.forward(0); },
       "tensors only");
  r.on("Dropout", {6, 7, 10, 12, 13}, convertDropout,
       "inference only: forwards the input, mask is all true; training_mode "
       "true with a ratio > 0 is an error (checked at run time when either "
       "is a run-time value)");

  // Reshape, Squeeze, Unsqueeze, Expand and Tile: compiled for a declared
  // static output shape, else with sizes computed at run time.
  const char *runTimeSizes =
      "a run-time shape input gives run-time sizes (checked at run time)";
  r.on("Reshape", {5, 13, 14}, convertReshape, runTimeSizes);
  r.on("Flatten", {1, 9, 11, 13}, convertFlatten);
  r.on("Squeeze", {1, 11, 13}, convertSqueeze, runTimeSizes);
  r.on("Unsqueeze", {1, 11, 13}, convertUnsqueeze, runTimeSizes);
  r.on("Transpose", {1, 13}, convertTranspose);
  r.on("Expand", {8, 13}, convertExpand, runTimeSizes);
  r.on("Tile", {6, 13}, convertTile, "broadcast + reshape; " + std::string(runTimeSizes));
  r.on("Gather", {1, 11, 13}, convertGather);
  r.on("Trilu", {14}, convertTrilu, "k may be a run-time value");
  r.on("EyeLike", {9}, convertEyeLike,
       "2-D input; folded to a constant when static");
}

} // namespace xfc::onnx_import
