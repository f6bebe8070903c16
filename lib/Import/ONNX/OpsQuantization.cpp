//===- OpsQuantization.cpp - linear quantization ops -> xf ---------------===//
//
// QuantizeLinear, DequantizeLinear, DynamicQuantizeLinear, MatMulInteger,
// QLinearMatMul, ConvInteger and QLinearConv, decomposed at import into
// casts, elementwise ops and an i32 matrix product or convolution:
//
//   quantize:    y = saturate(round_half_even(x / scale) + zero_point)
//   dequantize:  y = (i32(x) - i32(zero_point)) * scale
//   integer ops: acc = (i32(a) - a_zp) · (i32(b) - b_zp), exact in i32;
//                the QLinear ops requantize acc * (a_scale * b_scale /
//                y_scale) like quantize.
//
// Quantized tensors are uint8 or int8, both i8 in xf: the ONNX type (from
// the constant or ONNX's type inference) decides whether a value is
// zero-extended. Scales and zero points are run-time values or constants;
// a parameter with one element is per tensor, a 1-D one is per axis
// (reshaped to [n, 1, ..., 1] so that it broadcasts along that axis); a
// 1-D one of dynamic size is either, decided at run time by broadcasting.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"
#include "OpsNN.h"

#include "dialects/Xf/IR/XfShapes.h"

#include <optional>

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

/// Fails unless inputs 0..n-1 are present (ONNX's checker requires them
/// already; this keeps a converter safe without it).
LogicalResult requireInputs(NodeContext &c, unsigned n) {
  for (unsigned i = 0; i < n; ++i)
    if (!c.has(i))
      return c.fail("input " + llvm::Twine(i) + " is required");
  return success();
}

bool isQuantized(int32_t dtype) {
  return dtype == dt::UInt8 || dtype == dt::Int8;
}

/// Input `i` converted to the ONNX type `to` (uint8 zero-extended); small
/// constants are converted at import.
Value inputAs(NodeContext &c, unsigned i, int32_t to) {
  if (const ConstTensor *t = c.constant(i))
    if (t->isSplat() || t->numElements() <= kFoldLimit)
      return c.constant(foldCast(*t, to));
  return c.castDType(c.in(i), c.dtype(i), to);
}

/// `a kind b`, or null once the node failed (so that chains of builders
/// need one check at the end).
Value bin(NodeContext &c, BinaryKind kind, Value a, Value b) {
  if (!a || !b)
    return {};
  FailureOr<Value> r = c.binary(kind, a, b);
  return failed(r) ? Value() : *r;
}

/// How a scale or zero point may be shaped, relative to the tensor it
/// applies to.
struct ParamLayout {
  llvm::ArrayRef<int64_t> data; ///< shape of the tensor it applies to
  /// The axis a 1-D parameter runs along; none: per tensor only.
  std::optional<int64_t> axis;
  /// Also accept a parameter of the data's rank that broadcasts to it
  /// (MatMulInteger's [D1, D2, M, 1] zero points).
  bool fullRank = false;
  /// An `axis` attribute out of range for the data: an error only for
  /// per-axis parameters (per-tensor ones ignore the axis).
  std::optional<int64_t> badAxis = std::nullopt;
};

/// `v`, the value of parameter input `i` named `what`, shaped to broadcast
/// against the data: one element becomes a scalar, [n] becomes
/// [n, 1, ..., 1] at `axis`. Anything else fails naming the shapes.
FailureOr<Value> shapeParam(NodeContext &c, unsigned i, Value v,
                            const ParamLayout &layout, llvm::StringRef what) {
  llvm::ArrayRef<int64_t> shape = c.shape(i);
  int64_t rank = layout.data.size();
  if (shape.size() <= 1 && dimProduct(shape) == 1)
    return c.reshape(v, {});
  if (layout.badAxis)
    return c.fail(what + " " + shapeStr(shape) + " is per axis, but axis " +
                  llvm::Twine(*layout.badAxis) + " is out of range for rank " +
                  llvm::Twine(rank));
  if (shape.size() == 1 && layout.axis) {
    // A dynamic size is per tensor when it is 1 at run time and per axis
    // otherwise: run-time broadcasting along the axis covers both and
    // checks any other size.
    int64_t n = shape[0], want = layout.data[*layout.axis];
    if (!ShapedType::isDynamic(n) && !ShapedType::isDynamic(want) && n != want)
      return c.fail(what + " has " + llvm::Twine(n) +
                    " elements but axis " + llvm::Twine(*layout.axis) +
                    " of " + shapeStr(layout.data) + " has " +
                    llvm::Twine(want));
    llvm::SmallVector<int64_t> perAxis(rank - *layout.axis, 1);
    perAxis[0] = n;
    return c.reshape(v, perAxis);
  }
  if (layout.fullRank && static_cast<int64_t>(shape.size()) == rank &&
      xf::isBroadcastableTo(shape, layout.data))
    return v;
  if (!layout.axis)
    return c.fail(what + " must be a scalar (per-tensor), not " +
                  shapeStr(shape));
  return c.fail(what + " " + shapeStr(shape) +
                " must be a scalar or a 1-D tensor of the size of axis " +
                llvm::Twine(*layout.axis) + " of " + shapeStr(layout.data));
}

/// A float32 scale, input `i`.
FailureOr<Value> scaleParam(NodeContext &c, unsigned i,
                            const ParamLayout &layout, llvm::StringRef what) {
  if (!c.has(i))
    return c.fail(what + " is required");
  if (!c.elt(i).isF32())
    return c.fail(what + " must be float, not " + dtypeName(c.dtype(i)));
  return shapeParam(c, i, c.in(i), layout, what);
}

/// Zero point input `i` as `to` (i32 or float), checked to have the type
/// `dtype` of the data it belongs to (uint8, int8, or int32 for
/// DequantizeLinear).
FailureOr<Value> zeroPointParam(NodeContext &c, unsigned i, int32_t dtype,
                                int32_t to, const ParamLayout &layout,
                                llvm::StringRef what) {
  int32_t zp = c.dtype(i);
  if (zp != dtype)
    return c.fail(what + " is " + dtypeName(zp) + " but its data is " +
                  dtypeName(dtype));
  return shapeParam(c, i, inputAs(c, i, to), layout, what);
}

/// saturate(round_half_even(v) + zp) as `dtype` (uint8 or int8); `v` and
/// the optional `zp` are float32, `zp` integral.
Value requantize(NodeContext &c, Value v, Value zp, int32_t dtype) {
  if (!v)
    return {};
  v = c.unary(xf::UnaryKind::round, v);
  if (zp)
    v = bin(c, BinaryKind::add, v, zp);
  if (!v)
    return {};
  bool isUnsigned = dtype == dt::UInt8;
  OpBuilder &b = c.b();
  v = xf::ClampOp::create(b, c.loc(), v.getType(), v,
                          b.getF64FloatAttr(isUnsigned ? 0.0 : -128.0),
                          b.getF64FloatAttr(isUnsigned ? 255.0 : 127.0));
  return c.castDType(v, dt::Float, dtype);
}

/// The layout of a per-axis parameter of input `data` (opset >= 13 reads
/// `axis`, default 1; earlier versions are per tensor only).
FailureOr<ParamLayout> axisLayout(NodeContext &c, unsigned data) {
  ParamLayout layout{c.shape(data), std::nullopt};
  if (c.since() < 13)
    return layout;
  int64_t axis = c.attrInt("axis", 1);
  if (c.failed())
    return failure();
  int64_t rank = c.rank(data);
  if (axis < -rank || axis >= rank)
    layout.badAxis = axis;
  else
    layout.axis = axis < 0 ? axis + rank : axis;
  return layout;
}

/// The data input `i` as float32 (QuantizeLinear takes float or int32).
FailureOr<Value> floatData(NodeContext &c, unsigned i) {
  int32_t d = c.dtype(i);
  if (d != dt::Float && d != dt::Int32)
    return c.fail("the input must be float or int32, not " + dtypeName(d));
  return inputAs(c, i, dt::Float);
}

LogicalResult convertQuantizeLinear(NodeContext &c) {
  if (failed(requireInputs(c, 2)))
    return failure();
  FailureOr<ParamLayout> layout = axisLayout(c, 0);
  if (failed(layout))
    return failure();
  FailureOr<Value> x = floatData(c, 0);
  if (failed(x))
    return failure();
  FailureOr<Value> scale = scaleParam(c, 1, *layout, "y_scale");
  if (failed(scale))
    return failure();
  int32_t out = dt::UInt8;
  Value zp;
  if (c.has(2)) {
    out = c.dtype(2);
    if (!isQuantized(out))
      return c.fail("y_zero_point must be uint8 or int8, not " +
                    dtypeName(out));
    FailureOr<Value> z = zeroPointParam(c, 2, out, dt::Float, *layout,
                                        "y_zero_point");
    if (failed(z))
      return failure();
    zp = *z;
  }
  Value y = requantize(c, bin(c, BinaryKind::div, *x, *scale), zp, out);
  return y ? c.done(y) : failure();
}

LogicalResult convertDequantizeLinear(NodeContext &c) {
  if (failed(requireInputs(c, 2)))
    return failure();
  FailureOr<ParamLayout> layout = axisLayout(c, 0);
  if (failed(layout))
    return failure();
  int32_t dtype = c.dtype(0);
  if (!isQuantized(dtype) && dtype != dt::Int32)
    return c.fail("the input must be uint8, int8 or int32, not " +
                  dtypeName(dtype));
  FailureOr<Value> scale = scaleParam(c, 1, *layout, "x_scale");
  if (failed(scale))
    return failure();
  Value x = inputAs(c, 0, dt::Int32);
  if (c.has(2)) {
    FailureOr<Value> zp =
        zeroPointParam(c, 2, dtype, dt::Int32, *layout, "x_zero_point");
    if (failed(zp))
      return failure();
    x = bin(c, BinaryKind::sub, x, *zp);
    if (!x)
      return failure();
  }
  Value y = bin(c, BinaryKind::mul, c.cast(x, c.b().getF32Type()), *scale);
  return y ? c.done(y) : failure();
}

/// The ONNX function body: the range [min(x, 0), max(x, 0)] maps onto
/// [0, 255].
LogicalResult convertDynamicQuantizeLinear(NodeContext &c) {
  if (failed(requireInputs(c, 1)))
    return failure();
  if (c.dtype(0) != dt::Float)
    return c.fail("the input must be float, not " + dtypeName(c.dtype(0)));
  Value x = c.in(0);
  Type f32 = c.b().getF32Type();
  llvm::SmallVector<int64_t> all;
  for (int64_t d = 0; d < c.rank(0); ++d)
    all.push_back(d);
  Value zero = c.splat(f32, 0.0);
  Value lo = bin(c, BinaryKind::min,
                 c.reduce(xf::ReduceKind::min, x, all, false), zero);
  Value hi = bin(c, BinaryKind::max,
                 c.reduce(xf::ReduceKind::max, x, all, false), zero);
  Value scale = bin(c, BinaryKind::div, bin(c, BinaryKind::sub, hi, lo),
                    c.splat(f32, 255.0));
  // An all-zero input has no range: ONNX Runtime quantizes it with scale 1
  // (zero point 0) rather than dividing by zero.
  Value noRange = bin(c, BinaryKind::eq, scale, zero);
  if (!noRange)
    return failure();
  FailureOr<Value> safeScale = c.select(noRange, c.splat(f32, 1.0), scale);
  if (failed(safeScale))
    return failure();
  scale = *safeScale;
  Value zpF = bin(c, BinaryKind::sub, zero, bin(c, BinaryKind::div, lo, scale));
  if (!zpF)
    return failure();
  OpBuilder &b = c.b();
  zpF = xf::ClampOp::create(b, c.loc(), zpF.getType(), zpF,
                            b.getF64FloatAttr(0.0), b.getF64FloatAttr(255.0));
  zpF = c.unary(xf::UnaryKind::round, zpF);
  Value y = requantize(c, bin(c, BinaryKind::div, x, scale), zpF, dt::UInt8);
  if (!y)
    return failure();
  c.set(0, y);
  c.set(1, scale);
  c.set(2, c.castDType(zpF, dt::Float, dt::UInt8));
  return success();
}

/// Layouts of the parameters of a matrix product's operands: A's run along
/// its rows, B's along its columns (1-D operands take scalars only).
ParamLayout rowsOf(llvm::ArrayRef<int64_t> shape) {
  ParamLayout l{shape, std::nullopt, /*fullRank=*/true};
  if (shape.size() >= 2)
    l.axis = shape.size() - 2;
  return l;
}
ParamLayout colsOf(llvm::ArrayRef<int64_t> shape) {
  ParamLayout l{shape, std::nullopt, /*fullRank=*/true};
  if (shape.size() >= 2)
    l.axis = shape.size() - 1;
  return l;
}

/// (i32(input) - i32(zero point)) for a quantized operand; the zero point
/// input `zp` may be absent.
Value centered(NodeContext &c, unsigned data, unsigned zp,
               const ParamLayout &layout, llvm::StringRef what) {
  Value v = inputAs(c, data, dt::Int32);
  if (!c.has(zp))
    return v;
  FailureOr<Value> z =
      zeroPointParam(c, zp, c.dtype(data), dt::Int32, layout, what);
  return failed(z) ? Value() : bin(c, BinaryKind::sub, v, *z);
}

LogicalResult checkQuantized(NodeContext &c, unsigned i, llvm::StringRef what) {
  if (!isQuantized(c.dtype(i)))
    return c.fail(what + " must be uint8 or int8, not " +
                  dtypeName(c.dtype(i)));
  return success();
}

/// The i32 product of the centered operands `a` and `b` (inputs `ia`,
/// `ib`) with zero-point inputs `za`, `zb`.
FailureOr<Value> integerMatMul(NodeContext &c, unsigned ia, unsigned za,
                               unsigned ib, unsigned zb) {
  if (failed(checkQuantized(c, ia, "A")) || failed(checkQuantized(c, ib, "B")))
    return failure();
  if (c.rank(ia) < 1 || c.rank(ib) < 1)
    return c.fail("operands must have rank 1 or more");
  auto shape = xf::matmulShape(c.shape(ia), c.shape(ib));
  if (!shape)
    return c.fail("shapes " + shapeStr(c.shape(ia)) + " and " +
                  shapeStr(c.shape(ib)) +
                  " are not compatible for a matrix product");
  Value a = centered(c, ia, za, rowsOf(c.shape(ia)), "the zero point of A");
  if (!a)
    return failure();
  Value b = centered(c, ib, zb, colsOf(c.shape(ib)), "the zero point of B");
  if (!b)
    return failure();
  auto type = RankedTensorType::get(*shape, c.b().getI32Type());
  return xf::MatMulOp::create(c.b(), c.loc(), type, a, b).getResult();
}

LogicalResult convertMatMulInteger(NodeContext &c) {
  if (failed(requireInputs(c, 2)))
    return failure();
  FailureOr<Value> y = integerMatMul(c, 0, 2, 1, 3);
  return failed(y) ? failure() : c.done(*y);
}

/// saturate(round(acc * (sa * sb / sy)) + y_zp): the requantization of an
/// i32 accumulator, with the scales already shaped to broadcast.
Value requantizeAcc(NodeContext &c, Value acc, Value sa, Value sb, Value sy,
                    unsigned yzp, const ParamLayout &outLayout) {
  int32_t out = c.dtype(yzp);
  if (!isQuantized(out)) {
    (void)c.fail("y_zero_point must be uint8 or int8, not " + dtypeName(out));
    return {};
  }
  FailureOr<Value> zp =
      zeroPointParam(c, yzp, out, dt::Float, outLayout, "y_zero_point");
  if (failed(zp))
    return {};
  Value multiplier =
      bin(c, BinaryKind::div, bin(c, BinaryKind::mul, sa, sb), sy);
  Value v = bin(c, BinaryKind::mul, c.cast(acc, c.b().getF32Type()),
                multiplier);
  auto accType = cast<RankedTensorType>(acc.getType());
  if (v && v.getType() != accType.clone(c.b().getF32Type())) {
    (void)c.fail("the scales do not broadcast to the result " +
                 shapeStr(accType.getShape()));
    return {};
  }
  return requantize(c, v, *zp, out);
}

LogicalResult convertQLinearMatMul(NodeContext &c) {
  if (failed(requireInputs(c, 8)))
    return failure();
  FailureOr<Value> acc = integerMatMul(c, 0, 2, 3, 5);
  if (failed(acc))
    return failure();
  auto accShape = cast<RankedTensorType>(acc->getType()).getShape();
  FailureOr<Value> sa = scaleParam(c, 1, rowsOf(c.shape(0)), "a_scale");
  if (failed(sa))
    return failure();
  FailureOr<Value> sb = scaleParam(c, 4, colsOf(c.shape(3)), "b_scale");
  if (failed(sb))
    return failure();
  ParamLayout outLayout = rowsOf(accShape);
  FailureOr<Value> sy = scaleParam(c, 6, outLayout, "y_scale");
  if (failed(sy))
    return failure();
  Value y = requantizeAcc(c, *acc, *sa, *sb, *sy, 7, outLayout);
  return y ? c.done(y) : failure();
}

/// Layouts of a convolution's per-output-channel parameters: axis 0 of the
/// weight, axis 1 of the result.
ParamLayout channelsOf(llvm::ArrayRef<int64_t> shape, int64_t axis) {
  ParamLayout l{shape, std::nullopt};
  if (static_cast<int64_t>(shape.size()) > axis)
    l.axis = axis;
  return l;
}

/// The i32 convolution of the centered data (input 0, zero point `zx`,
/// per tensor) and weight (input `iw`, zero point `zw`, per output
/// channel), with an optional i32 bias input.
FailureOr<Value> integerConv(NodeContext &c, unsigned zx, unsigned iw,
                             unsigned zw, std::optional<unsigned> bias) {
  if (failed(checkQuantized(c, 0, "x")) || failed(checkQuantized(c, iw, "w")))
    return failure();
  Value x = centered(c, 0, zx, ParamLayout{c.shape(0), std::nullopt},
                     "x_zero_point");
  if (!x)
    return failure();
  Value w = centered(c, iw, zw, channelsOf(c.shape(iw), 0), "w_zero_point");
  if (!w)
    return failure();
  Value b;
  if (bias && c.has(*bias)) {
    int64_t filters = c.rank(iw) > 0 ? c.shape(iw)[0] : ShapedType::kDynamic;
    if (c.dtype(*bias) != dt::Int32 || c.rank(*bias) != 1 ||
        (!ShapedType::isDynamic(filters) &&
         !ShapedType::isDynamic(c.shape(*bias)[0]) &&
         c.shape(*bias)[0] != filters))
      return c.fail("the bias " + shapeStr(c.shape(*bias)) + " (" +
                    dtypeName(c.dtype(*bias)) + ") must be int32 [" +
                    llvm::Twine(filters) + "]");
    b = c.in(*bias);
  }
  return buildConv(c, iw, x, w, b);
}

LogicalResult convertConvInteger(NodeContext &c) {
  if (failed(requireInputs(c, 2)))
    return failure();
  FailureOr<Value> y = integerConv(c, 2, 1, 3, std::nullopt);
  return failed(y) ? failure() : c.done(*y);
}

LogicalResult convertQLinearConv(NodeContext &c) {
  if (failed(requireInputs(c, 8)))
    return failure();
  FailureOr<Value> acc = integerConv(c, 2, 3, 5, 8u);
  if (failed(acc))
    return failure();
  auto accShape = cast<RankedTensorType>(acc->getType()).getShape();
  ParamLayout perTensor{accShape, std::nullopt};
  FailureOr<Value> sx = scaleParam(c, 1, perTensor, "x_scale");
  if (failed(sx))
    return failure();
  FailureOr<Value> sw = scaleParam(c, 4, channelsOf(accShape, 1), "w_scale");
  if (failed(sw))
    return failure();
  FailureOr<Value> sy = scaleParam(c, 6, perTensor, "y_scale");
  if (failed(sy))
    return failure();
  Value y = requantizeAcc(c, *acc, *sx, *sw, *sy, 7, perTensor);
  return y ? c.done(y) : failure();
}

} // namespace

void registerQuantizationOps(OpRegistry &r) {
  r.on("QuantizeLinear", {10, 13}, convertQuantizeLinear,
       "per-tensor or per-axis; round half to even, saturate");
  r.on("DequantizeLinear", {10, 13}, convertDequantizeLinear,
       "per-tensor or per-axis");
  r.on("DynamicQuantizeLinear", {11}, convertDynamicQuantizeLinear,
       "uint8; xf.reduce min/max + quantize");
  r.on("MatMulInteger", {10}, convertMatMulInteger,
       "i32 xf.matmul of zero-point-centered operands");
  r.on("QLinearMatMul", {10}, convertQLinearMatMul,
       "i32 xf.matmul, requantized in float");
  r.on("ConvInteger", {10}, convertConvInteger,
       "i32 xf.conv of zero-point-centered operands");
  r.on("QLinearConv", {10}, convertQLinearConv,
       "i32 xf.conv, requantized in float");
}

} // namespace xfc::onnx_import
