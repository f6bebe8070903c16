//===- XfOps.cpp - xf op verifiers and folders ----------------------------===//
//
// Verifiers check the shape rules of XfShapes.h so that malformed IR is
// caught where it is built; folders remove ops that do nothing.
//
//===----------------------------------------------------------------------===//

#include "dialects/Xf/IR/XfDialect.h"
#include "dialects/Xf/IR/XfShapes.h"

#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/OpImplementation.h"
#include "llvm/ADT/STLExtras.h"

using namespace mlir;
using namespace xfc::xf;

namespace {

RankedTensorType tensorType(Value v) {
  return cast<RankedTensorType>(v.getType());
}

/// True when the two shapes agree wherever both are static.
bool shapesCompatible(ArrayRef<int64_t> a, ArrayRef<int64_t> b) {
  if (a.size() != b.size())
    return false;
  for (auto [x, y] : llvm::zip(a, b))
    if (!ShapedType::isDynamic(x) && !ShapedType::isDynamic(y) && x != y)
      return false;
  return true;
}

LogicalResult verifyAxis(Operation *op, int64_t axis, int64_t rank) {
  if (axis < 0 || axis >= std::max<int64_t>(rank, 1))
    return op->emitOpError("axis ") << axis << " is out of range for rank "
                                    << rank;
  return success();
}

LogicalResult verifyShape(Operation *op, ArrayRef<int64_t> expected,
                          RankedTensorType actual) {
  if (!shapesCompatible(expected, actual.getShape())) {
    InFlightDiagnostic diag = op->emitOpError("result shape [");
    llvm::interleaveComma(actual.getShape(), diag);
    diag << "] does not match the expected [";
    llvm::interleaveComma(expected, diag);
    return diag << "]";
  }
  return success();
}

bool isComparison(BinaryKind kind) {
  return kind == BinaryKind::eq || kind == BinaryKind::lt ||
         kind == BinaryKind::le || kind == BinaryKind::gt ||
         kind == BinaryKind::ge;
}

bool isLogical(BinaryKind kind) {
  return kind == BinaryKind::and_ || kind == BinaryKind::or_ ||
         kind == BinaryKind::xor_;
}

/// Element-wise identity value of `kind` for a splat operand: x+0, x*1, ...
bool isIdentityOperand(BinaryKind kind, Attribute attr, bool isRhs) {
  auto splat = dyn_cast_or_null<SplatElementsAttr>(attr);
  if (!splat)
    return false;
  double v;
  if (auto f = dyn_cast<FloatAttr>(splat.getSplatValue<Attribute>()))
    v = f.getValueAsDouble();
  else if (auto i = dyn_cast<IntegerAttr>(splat.getSplatValue<Attribute>()))
    v = static_cast<double>(i.getValue().getSExtValue());
  else
    return false;
  switch (kind) {
  case BinaryKind::add:
    return v == 0.0;
  case BinaryKind::sub:
    return isRhs && v == 0.0;
  case BinaryKind::mul:
    return v == 1.0;
  case BinaryKind::div:
    return isRhs && v == 1.0;
  default:
    return false;
  }
}

} // namespace

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

LogicalResult UnaryOp::verify() {
  RankedTensorType in = tensorType(getInput()), out = getType();
  if (!shapesCompatible(in.getShape(), out.getShape()))
    return emitOpError("result shape differs from the input shape");
  UnaryKind kind = getKind();
  Type inElt = in.getElementType(), outElt = out.getElementType();
  if (kind == UnaryKind::is_nan || kind == UnaryKind::is_inf) {
    if (!isa<FloatType>(inElt) || !outElt.isInteger(1))
      return emitOpError("is_nan/is_inf map floats to i1");
    return success();
  }
  if (inElt != outElt)
    return emitOpError("result element type differs from the input's");
  if (kind == UnaryKind::not_ && !inElt.isInteger(1))
    return emitOpError("'not' requires i1 elements");
  bool intOk = kind == UnaryKind::neg || kind == UnaryKind::abs ||
               kind == UnaryKind::relu || kind == UnaryKind::sign ||
               kind == UnaryKind::not_;
  if (!isa<FloatType>(inElt) && !intOk)
    return emitOpError("'") << stringifyUnaryKind(kind)
                            << "' requires floating-point elements";
  return success();
}

LogicalResult BinaryOp::verify() {
  RankedTensorType lhs = tensorType(getLhs()), rhs = tensorType(getRhs());
  if (lhs.getElementType() != rhs.getElementType())
    return emitOpError("operand element types differ");
  auto shape = broadcastShapes(lhs.getShape(), rhs.getShape());
  if (!shape)
    return emitOpError("operand shapes are not broadcast-compatible");
  if (failed(verifyShape(*this, *shape, getType())))
    return failure();
  Type elt = lhs.getElementType(), outElt = getType().getElementType();
  BinaryKind kind = getKind();
  if (isComparison(kind)) {
    if (!outElt.isInteger(1))
      return emitOpError("comparisons produce i1");
    return success();
  }
  if (outElt != elt)
    return emitOpError("result element type differs from the operands'");
  if (isLogical(kind) && !elt.isInteger(1))
    return emitOpError("logical ops require i1 operands");
  bool intOnly = kind == BinaryKind::bitand_ || kind == BinaryKind::bitor_ ||
                 kind == BinaryKind::bitxor_ || kind == BinaryKind::shl ||
                 kind == BinaryKind::shr;
  if (intOnly && !isa<IntegerType>(elt))
    return emitOpError("bitwise ops require integer operands");
  return success();
}

OpFoldResult BinaryOp::fold(FoldAdaptor adaptor) {
  // x op identity -> x, when that does not change the shape.
  if (getLhs().getType() == getType() &&
      isIdentityOperand(getKind(), adaptor.getRhs(), /*isRhs=*/true))
    return getLhs();
  if (getRhs().getType() == getType() &&
      isIdentityOperand(getKind(), adaptor.getLhs(), /*isRhs=*/false))
    return getRhs();
  return {};
}

LogicalResult AssertOp::verify() {
  if (getMessage().empty())
    return emitOpError("needs a message for the user");
  return success();
}

LogicalResult OutputBufferOp::verify() {
  auto type = cast<MemRefType>(getType());
  if (!type.getLayout().isIdentity())
    return emitOpError("result must be a dense row-major memref");
  if (static_cast<int64_t>(getDynamicSizes().size()) != type.getNumDynamicDims())
    return emitOpError("needs one size per dynamic dimension (")
           << type.getNumDynamicDims() << "), got " << getDynamicSizes().size();
  return success();
}

LogicalResult SelectOp::verify() {
  RankedTensorType a = tensorType(getOnTrue()), b = tensorType(getOnFalse());
  if (a.getElementType() != b.getElementType() ||
      a.getElementType() != getType().getElementType())
    return emitOpError("branch and result element types differ");
  auto ab = broadcastShapes(a.getShape(), b.getShape());
  auto shape = ab ? broadcastShapes(tensorType(getCondition()).getShape(), *ab)
                  : std::nullopt;
  if (!shape)
    return emitOpError("operand shapes are not broadcast-compatible");
  return verifyShape(*this, *shape, getType());
}

LogicalResult CastOp::verify() {
  if (!shapesCompatible(tensorType(getInput()).getShape(), getType().getShape()))
    return emitOpError("result shape differs from the input shape");
  return success();
}

OpFoldResult CastOp::fold(FoldAdaptor) {
  if (getInput().getType() == getType())
    return getInput();
  return {};
}

LogicalResult ClampOp::verify() {
  if (getInput().getType() != getType())
    return emitOpError("result type differs from the input type");
  if (getMin() && getMax() && getMin()->convertToDouble() > getMax()->convertToDouble())
    return emitOpError("min is greater than max");
  return success();
}

//===----------------------------------------------------------------------===//
// Reductions and normalizations
//===----------------------------------------------------------------------===//

LogicalResult ReduceOp::verify() {
  RankedTensorType in = tensorType(getInput());
  ArrayRef<int64_t> axes = getAxes();
  for (size_t i = 0; i < axes.size(); ++i) {
    if (axes[i] < 0 || axes[i] >= in.getRank())
      return emitOpError("axis ") << axes[i] << " is out of range";
    if (i > 0 && axes[i] <= axes[i - 1])
      return emitOpError("axes must be sorted and unique");
  }
  if (in.getElementType() != getType().getElementType())
    return emitOpError("result element type differs from the input's");
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      expected.push_back(in.getDimSize(d));
    else if (getKeepDims())
      expected.push_back(1);
  }
  return verifyShape(*this, expected, getType());
}

LogicalResult ArgReduceOp::verify() {
  RankedTensorType in = tensorType(getInput());
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  SmallVector<int64_t> expected(in.getShape());
  if (getKeepDims())
    expected[getAxis()] = 1;
  else
    expected.erase(expected.begin() + getAxis());
  return verifyShape(*this, expected, getType());
}

LogicalResult CumSumOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}

LogicalResult TopKOp::verify() {
  RankedTensorType in = tensorType(getInput());
  if (in.getRank() < 1)
    return emitOpError("input must have rank 1 or more");
  if (failed(verifyAxis(*this, getAxis(), in.getRank())))
    return failure();
  int64_t k = getK(), dim = in.getDimSize(getAxis());
  if (getKValue() && k != 0)
    return emitOpError("k must be 0 when k_value gives it");
  if (k < 0 || (!ShapedType::isDynamic(dim) && k > dim))
    return emitOpError("k = ") << k << " is out of range for an axis of size "
                               << dim;
  if (getValues().getType().getElementType() != in.getElementType())
    return emitOpError("values element type differs from the input's");
  SmallVector<int64_t> expected(in.getShape());
  expected[getAxis()] = getKValue() ? ShapedType::kDynamic : k;
  if (failed(verifyShape(*this, expected, getValues().getType())))
    return failure();
  return verifyShape(*this, expected, getIndices().getType());
}

LogicalResult SoftmaxOp::verify() {
  return verifyAxis(*this, getAxis(), getType().getRank());
}

/// Shared by layer_norm and rms_norm: `scale`/`bias` broadcast to the
/// normalized trailing dimensions.
static LogicalResult verifyNormalization(Operation *op, RankedTensorType in,
                                         int64_t axis, ArrayRef<Value> params,
                                         RankedTensorType out) {
  if (failed(verifyAxis(op, axis, in.getRank())))
    return failure();
  if (in != out)
    return op->emitOpError("result type differs from the input type");
  ArrayRef<int64_t> normalized = in.getShape().drop_front(axis);
  for (Value p : params) {
    RankedTensorType t = tensorType(p);
    if (t.getElementType() != in.getElementType())
      return op->emitOpError("scale/bias element type differs from the input's");
    if (!isBroadcastableTo(t.getShape(), normalized))
      return op->emitOpError("scale/bias does not broadcast to the normalized dimensions");
  }
  return success();
}

LogicalResult LayerNormOp::verify() {
  SmallVector<Value> params{getScale()};
  if (getBias())
    params.push_back(getBias());
  return verifyNormalization(*this, tensorType(getInput()), getAxis(), params,
                             getType());
}

LogicalResult RmsNormOp::verify() {
  return verifyNormalization(*this, tensorType(getInput()), getAxis(),
                             {getScale()}, getType());
}

//===----------------------------------------------------------------------===//
// Linear algebra and attention
//===----------------------------------------------------------------------===//

LogicalResult MatMulOp::verify() {
  RankedTensorType lhs = tensorType(getLhs()), rhs = tensorType(getRhs());
  if (lhs.getElementType() != rhs.getElementType() ||
      lhs.getElementType() != getType().getElementType())
    return emitOpError("operand and result element types differ");
  auto shape = matmulShape(lhs.getShape(), rhs.getShape());
  if (!shape)
    return emitOpError("operand shapes are not compatible for a matrix product");
  return verifyShape(*this, *shape, getType());
}

LogicalResult LinearOp::verify() {
  RankedTensorType in = tensorType(getInput()), w = tensorType(getWeight());
  if (in.getRank() < 1 || w.getRank() != 2)
    return emitOpError("expects input [..., K] and weight [N, K]");
  if (!shapesCompatible({in.getShape().back()}, {w.getDimSize(1)}))
    return emitOpError("input K and weight K differ");
  if (auto bias = getBias()) {
    RankedTensorType b = tensorType(bias);
    if (b.getRank() != 1 || !shapesCompatible(b.getShape(), {w.getDimSize(0)}))
      return emitOpError("bias must be [N]");
  }
  SmallVector<int64_t> expected(in.getShape());
  expected.back() = w.getDimSize(0);
  return verifyShape(*this, expected, getType());
}

LogicalResult AttentionOp::verify() {
  RankedTensorType q = tensorType(getQuery()), k = tensorType(getKey()),
                   v = tensorType(getValue());
  if (q.getRank() != 4 || k.getRank() != 4 || v.getRank() != 4)
    return emitOpError("query, key and value must be [B, H, S, D]");
  if (!shapesCompatible(q.getShape().take_front(2), k.getShape().take_front(2)) ||
      !shapesCompatible(k.getShape().take_front(3), v.getShape().take_front(3)))
    return emitOpError("batch, head or key-length dimensions differ");
  if (!shapesCompatible({q.getDimSize(3)}, {k.getDimSize(3)}))
    return emitOpError("query and key head sizes differ");
  if (auto mask = getMask()) {
    SmallVector<int64_t> scores{q.getDimSize(0), q.getDimSize(1),
                                q.getDimSize(2), k.getDimSize(2)};
    if (!isBroadcastableTo(tensorType(mask).getShape(), scores))
      return emitOpError("mask does not broadcast to [B, H, Sq, Sk]");
  }
  SmallVector<int64_t> expected{q.getDimSize(0), q.getDimSize(1),
                                q.getDimSize(2), v.getDimSize(3)};
  return verifyShape(*this, expected, getType());
}

/// Window attributes shared by conv and pool: one entry per spatial dim,
/// pads twice that.
static LogicalResult verifyWindow(Operation *op, RankedTensorType in,
                                  ArrayRef<int64_t> kernel,
                                  ArrayRef<int64_t> strides,
                                  ArrayRef<int64_t> pads,
                                  ArrayRef<int64_t> dilations,
                                  SmallVectorImpl<int64_t> &spatialOut) {
  int64_t spatial = in.getRank() - 2;
  if (spatial < 1)
    return op->emitOpError("input must be [N, C, spatial...]");
  if ((int64_t)kernel.size() != spatial || (int64_t)strides.size() != spatial ||
      (int64_t)dilations.size() != spatial || (int64_t)pads.size() != 2 * spatial)
    return op->emitOpError("window attributes do not match ")
           << spatial << " spatial dimensions";
  for (int64_t i = 0; i < spatial; ++i) {
    if (strides[i] < 1 || dilations[i] < 1 ||
        (kernel[i] < 1 && !ShapedType::isDynamic(kernel[i])))
      return op->emitOpError("strides, dilations and kernel must be positive");
    if (pads[i] < 0 || pads[spatial + i] < 0)
      return op->emitOpError("pads must be non-negative");
    spatialOut.push_back(windowOutputSize(in.getDimSize(2 + i), kernel[i],
                                          strides[i], pads[i],
                                          pads[spatial + i], dilations[i]));
  }
  return success();
}

/// A run-time auto_pad: "same_upper" or "same_lower" over zero `pads`; the
/// spatial output sizes are then ceil(in / stride).
static LogicalResult verifyAutoPad(Operation *op, std::optional<StringRef> autoPad,
                                   ArrayRef<int64_t> pads, RankedTensorType in,
                                   ArrayRef<int64_t> strides,
                                   SmallVectorImpl<int64_t> &expected) {
  if (!autoPad)
    return success();
  if (*autoPad != "same_upper" && *autoPad != "same_lower")
    return op->emitOpError("auto_pad must be same_upper or same_lower");
  if (llvm::any_of(pads, [](int64_t p) { return p != 0; }))
    return op->emitOpError("auto_pad needs zero pads");
  for (int64_t i = 2; i < (int64_t)expected.size(); ++i) {
    int64_t size = in.getDimSize(i), s = strides[i - 2];
    expected[i] = ShapedType::isDynamic(size) ? ShapedType::kDynamic
                                              : (size + s - 1) / s;
  }
  return success();
}

LogicalResult ConvOp::verify() {
  RankedTensorType in = tensorType(getInput()), w = tensorType(getWeight());
  if (in.getRank() < 3)
    return emitOpError("input must be [N, C, spatial...]");
  if (w.getRank() != in.getRank())
    return emitOpError("weight rank differs from input rank");
  Type elt = in.getElementType();
  if (w.getElementType() != elt || getType().getElementType() != elt ||
      (getBias() && tensorType(getBias()).getElementType() != elt))
    return emitOpError("operand and result element types differ");
  if (elt.isInteger(1))
    return emitOpError("i1 convolutions are not supported");
  int64_t group = getGroup();
  if (group < 1)
    return emitOpError("group must be positive");
  int64_t channels = in.getDimSize(1), filters = w.getDimSize(0);
  if (!ShapedType::isDynamic(channels) &&
      (channels % group != 0 || w.getDimSize(1) != channels / group))
    return emitOpError("weight channels do not match input channels / group");
  if (!ShapedType::isDynamic(filters) && filters % group != 0)
    return emitOpError("filters are not divisible by group");
  if (auto bias = getBias())
    if (tensorType(bias).getRank() != 1 ||
        !shapesCompatible(tensorType(bias).getShape(), {filters}))
      return emitOpError("bias must be [F]");
  SmallVector<int64_t> expected{in.getDimSize(0), filters};
  if (failed(verifyWindow(*this, in, w.getShape().drop_front(2), getStrides(),
                          getPads(), getDilations(), expected)) ||
      failed(verifyAutoPad(*this, getAutoPad(), getPads(), in, getStrides(),
                           expected)))
    return failure();
  return verifyShape(*this, expected, getType());
}

LogicalResult PoolOp::verify() {
  RankedTensorType in = tensorType(getInput());
  Type want = getKind() == PoolKind::argmax
                  ? Type(IntegerType::get(getContext(), 64))
                  : in.getElementType();
  if (getType().getElementType() != want)
    return emitOpError("result element type must be ") << want;
  SmallVector<int64_t> expected{in.getDimSize(0), in.getDimSize(1)};
  if (failed(verifyWindow(*this, in, getKernel(), getStrides(), getPads(),
                          getDilations(), expected)) ||
      failed(verifyAutoPad(*this, getAutoPad(), getPads(), in, getStrides(),
                           expected)))
    return failure();
  // ceil_mode may add one window; accept it.
  RankedTensorType out = getType();
  if (out.getRank() != in.getRank())
    return emitOpError("result rank differs from input rank");
  for (int64_t i = 0; i < out.getRank(); ++i) {
    int64_t e = expected[i], a = out.getDimSize(i);
    if (ShapedType::isDynamic(e) || ShapedType::isDynamic(a))
      continue;
    if (a != e && !(i >= 2 && a == e + 1))
      return verifyShape(*this, expected, out);
  }
  return success();
}

LogicalResult ConvTransposeOp::verify() {
  RankedTensorType in = tensorType(getInput()), w = tensorType(getWeight());
  int64_t rank = in.getRank(), spatial = rank - 2;
  if (rank < 3 || w.getRank() != rank || getType().getRank() != rank)
    return emitOpError("input, weight and result must be [N, C, spatial...] "
                       "of one rank");
  Type elt = in.getElementType();
  if (w.getElementType() != elt || getType().getElementType() != elt ||
      (getBias() && tensorType(getBias()).getElementType() != elt))
    return emitOpError("operand and result element types differ");
  if (getGroup() < 1)
    return emitOpError("group must be positive");
  if (getBias() && tensorType(getBias()).getRank() != 1)
    return emitOpError("bias must be [F]");
  if ((int64_t)getStrides().size() != spatial ||
      (int64_t)getDilations().size() != spatial ||
      (int64_t)getOutputPadding().size() != spatial ||
      (int64_t)getPads().size() != 2 * spatial ||
      (getOutputShape() && (int64_t)getOutputShape()->size() != spatial))
    return emitOpError("window attributes do not match ")
           << spatial << " spatial dimensions";
  for (int64_t i = 0; i < spatial; ++i)
    if (getStrides()[i] < 1 || getDilations()[i] < 1 || getOutputPadding()[i] < 0)
      return emitOpError("strides and dilations must be positive");
  if (auto autoPad = getAutoPad())
    if (*autoPad != "same_upper" && *autoPad != "same_lower")
      return emitOpError("auto_pad must be same_upper or same_lower");
  return success();
}

//===----------------------------------------------------------------------===//
// Data movement
//===----------------------------------------------------------------------===//

LogicalResult ReshapeOp::verify() {
  RankedTensorType in = tensorType(getInput()), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element types differ");
  if (in.hasStaticShape() && out.hasStaticShape() &&
      in.getNumElements() != out.getNumElements())
    return emitOpError("element counts differ: ")
           << in.getNumElements() << " vs " << out.getNumElements();
  return success();
}

OpFoldResult ReshapeOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  // reshape(reshape(x)) is folded by canonicalization of the producer chain.
  if (auto dense = dyn_cast_or_null<DenseElementsAttr>(adaptor.getInput()))
    return dense.reshape(getType());
  return {};
}

LogicalResult TransposeOp::verify() {
  RankedTensorType in = tensorType(getInput());
  ArrayRef<int64_t> perm = getPerm();
  if ((int64_t)perm.size() != in.getRank())
    return emitOpError("perm has ") << perm.size() << " entries for rank "
                                    << in.getRank();
  SmallVector<bool> seen(perm.size(), false);
  SmallVector<int64_t> expected;
  for (int64_t p : perm) {
    if (p < 0 || p >= in.getRank() || seen[p])
      return emitOpError("perm is not a permutation");
    seen[p] = true;
    expected.push_back(in.getDimSize(p));
  }
  if (in.getElementType() != getType().getElementType())
    return emitOpError("element types differ");
  return verifyShape(*this, expected, getType());
}

OpFoldResult TransposeOp::fold(FoldAdaptor) {
  ArrayRef<int64_t> perm = getPerm();
  for (int64_t i = 0, e = perm.size(); i < e; ++i)
    if (perm[i] != i)
      return {};
  return getInput();
}

LogicalResult BroadcastOp::verify() {
  if (tensorType(getInput()).getElementType() != getType().getElementType())
    return emitOpError("element types differ");
  if (!isBroadcastableTo(tensorType(getInput()).getShape(), getType().getShape()))
    return emitOpError("input does not broadcast to the result shape");
  return success();
}

OpFoldResult BroadcastOp::fold(FoldAdaptor adaptor) {
  if (getInput().getType() == getType())
    return getInput();
  if (auto splat = dyn_cast_or_null<SplatElementsAttr>(adaptor.getInput()))
    return SplatElementsAttr::get(getType(), splat.getSplatValue<Attribute>());
  return {};
}

/// The result of an op whose sizes are its `shape` operand: one entry per
/// dimension.
static LogicalResult verifySizedResult(Operation *op, Value shape,
                                       RankedTensorType out) {
  int64_t n = tensorType(shape).getDimSize(0);
  if (!ShapedType::isDynamic(n) && n != out.getRank())
    return op->emitOpError("shape has ")
           << n << " entries for a result of rank " << out.getRank();
  if (ShapedType::isDynamic(n))
    return op->emitOpError("shape must have a static length");
  return success();
}

LogicalResult ExpandOp::verify() {
  RankedTensorType in = tensorType(getInput()), out = getType();
  if (in.getElementType() != out.getElementType())
    return emitOpError("element types differ");
  if (in.getRank() > out.getRank())
    return emitOpError("input rank ") << in.getRank() << " exceeds result rank "
                                      << out.getRank();
  return verifySizedResult(*this, getShape(), out);
}

LogicalResult IotaOp::verify() {
  if (failed(verifyAxis(*this, getAxis(), getType().getRank())))
    return failure();
  return verifySizedResult(*this, getShape(), getType());
}

LogicalResult ConcatOp::verify() {
  if (getInputs().empty())
    return emitOpError("needs at least one input");
  RankedTensorType out = getType();
  if (failed(verifyAxis(*this, getAxis(), out.getRank())))
    return failure();
  int64_t axis = getAxis(), total = 0;
  bool dynamic = false;
  for (Value v : getInputs()) {
    RankedTensorType t = tensorType(v);
    if (t.getRank() != out.getRank() || t.getElementType() != out.getElementType())
      return emitOpError("inputs differ in rank or element type from the result");
    for (int64_t d = 0; d < t.getRank(); ++d)
      if (d != axis && !shapesCompatible({t.getDimSize(d)}, {out.getDimSize(d)}))
        return emitOpError("input dimension ") << d << " differs from the result";
    if (t.isDynamicDim(axis))
      dynamic = true;
    else
      total += t.getDimSize(axis);
  }
  if (!dynamic && !out.isDynamicDim(axis) && total != out.getDimSize(axis))
    return emitOpError("result axis size ") << out.getDimSize(axis)
                                            << " is not the sum " << total;
  return success();
}

LogicalResult SliceOp::verify() {
  RankedTensorType in = tensorType(getInput()), out = getType();
  ArrayRef<int64_t> starts = getStarts(), steps = getSteps();
  if ((int64_t)starts.size() != in.getRank() ||
      (int64_t)steps.size() != in.getRank() || out.getRank() != in.getRank())
    return emitOpError("starts/steps/result must have the input's rank");
  for (int64_t d = 0; d < in.getRank(); ++d) {
    if (steps[d] == 0)
      return emitOpError("step of dimension ") << d << " is zero";
    int64_t size = out.getDimSize(d), dim = in.getDimSize(d);
    if (ShapedType::isDynamic(size) || ShapedType::isDynamic(dim) || size == 0)
      continue;
    int64_t last = starts[d] + (size - 1) * steps[d];
    if (starts[d] < 0 || starts[d] >= dim || last < 0 || last >= dim)
      return emitOpError("slice of dimension ") << d << " is out of bounds";
  }
  return success();
}

OpFoldResult SliceOp::fold(FoldAdaptor) {
  if (getInput().getType() != getType())
    return {};
  for (auto [start, step] : llvm::zip(getStarts(), getSteps()))
    if (start != 0 || step != 1)
      return {};
  return getInput();
}

LogicalResult GatherOp::verify() {
  RankedTensorType data = tensorType(getData()), idx = tensorType(getIndices());
  if (failed(verifyAxis(*this, getAxis(), data.getRank())))
    return failure();
  SmallVector<int64_t> expected(data.getShape().take_front(getAxis()));
  llvm::append_range(expected, idx.getShape());
  llvm::append_range(expected, data.getShape().drop_front(getAxis() + 1));
  return verifyShape(*this, expected, getType());
}

/// `data`, `indices` and (for scatters) `updates` of the *_elements ops.
static LogicalResult verifyElementsOp(Operation *op, RankedTensorType data,
                                      RankedTensorType idx, int64_t axis) {
  if (failed(verifyAxis(op, axis, data.getRank())))
    return failure();
  if (idx.getRank() != data.getRank())
    return op->emitOpError("indices rank ")
           << idx.getRank() << " differs from the data rank " << data.getRank();
  return success();
}

LogicalResult GatherElementsOp::verify() {
  RankedTensorType data = tensorType(getData()), idx = tensorType(getIndices());
  if (failed(verifyElementsOp(*this, data, idx, getAxis())))
    return failure();
  if (getType().getElementType() != data.getElementType())
    return emitOpError("result element type differs from the data's");
  return verifyShape(*this, idx.getShape(), getType());
}

/// The result shape of GatherND / the updates shape of ScatterND. A
/// dynamic tuple size is `ranksM`, what the ranks of the operands and the
/// result imply (the lowering checks it at run time).
static FailureOr<SmallVector<int64_t>>
ndSliceShape(Operation *op, RankedTensorType data, RankedTensorType idx,
             int64_t batchDims, int64_t ranksM) {
  if (batchDims < 0 || batchDims >= std::min(data.getRank(), idx.getRank()))
    return op->emitOpError("batch_dims ") << batchDims
           << " must be below the ranks of data and indices";
  if (!shapesCompatible(data.getShape().take_front(batchDims),
                        idx.getShape().take_front(batchDims)))
    return op->emitOpError("data and indices differ in the batch dimensions");
  int64_t m = idx.getShape().back();
  if (ShapedType::isDynamic(m))
    m = ranksM;
  if (m < 1 || batchDims + m > data.getRank())
    return op->emitOpError("index tuples of size ")
           << m << " do not address data of rank " << data.getRank();
  SmallVector<int64_t> shape(idx.getShape().drop_back());
  llvm::append_range(shape, data.getShape().drop_front(batchDims + m));
  return shape;
}

LogicalResult GatherNDOp::verify() {
  RankedTensorType data = tensorType(getData());
  RankedTensorType idx = tensorType(getIndices());
  auto shape = ndSliceShape(*this, data, idx, getBatchDims(),
                            idx.getRank() - 1 + data.getRank() - getBatchDims() -
                                getType().getRank());
  if (failed(shape))
    return failure();
  if (getType().getElementType() != data.getElementType())
    return emitOpError("result element type differs from the data's");
  return verifyShape(*this, *shape, getType());
}

/// Shared by the scatters: the result is `data`, updates match its type.
static LogicalResult verifyScatterTypes(Operation *op, RankedTensorType data,
                                        RankedTensorType updates,
                                        ScatterReduction reduction,
                                        RankedTensorType result) {
  if (data != result)
    return op->emitOpError("result type differs from the data type");
  if (updates.getElementType() != data.getElementType())
    return op->emitOpError("updates element type differs from the data's");
  if (reduction != ScatterReduction::none &&
      data.getElementType().isInteger(1))
    return op->emitOpError("reductions need numeric elements");
  return success();
}

LogicalResult ScatterElementsOp::verify() {
  RankedTensorType data = tensorType(getData()), idx = tensorType(getIndices()),
                   upd = tensorType(getUpdates());
  if (failed(verifyScatterTypes(*this, data, upd, getReduction(), getType())) ||
      failed(verifyElementsOp(*this, data, idx, getAxis())))
    return failure();
  if (!shapesCompatible(idx.getShape(), upd.getShape()))
    return emitOpError("indices and updates differ in shape");
  return success();
}

LogicalResult ScatterNDOp::verify() {
  RankedTensorType data = tensorType(getData()), idx = tensorType(getIndices()),
                   upd = tensorType(getUpdates());
  if (failed(verifyScatterTypes(*this, data, upd, getReduction(), getType())))
    return failure();
  if (idx.getRank() < 1)
    return emitOpError("indices must have rank 1 or more");
  // ScatterND has no batch dimensions: a leading unit dimension stands in.
  auto padded = [](RankedTensorType t) {
    SmallVector<int64_t> s{1};
    llvm::append_range(s, t.getShape());
    return RankedTensorType::get(s, t.getElementType());
  };
  auto shape = ndSliceShape(*this, padded(data), padded(idx), 1,
                            idx.getRank() - 1 + data.getRank() - upd.getRank());
  if (failed(shape))
    return failure();
  shape->erase(shape->begin());
  if (!shapesCompatible(*shape, upd.getShape()))
    return emitOpError("updates shape does not match indices.shape[:-1] + "
                       "data.shape[m:]");
  return success();
}

LogicalResult EmbeddingOp::verify() {
  RankedTensorType table = tensorType(getTable());
  if (table.getRank() != 2)
    return emitOpError("table must be [V, D]");
  SmallVector<int64_t> expected(tensorType(getIndices()).getShape());
  expected.push_back(table.getDimSize(1));
  return verifyShape(*this, expected, getType());
}

LogicalResult PadOp::verify() {
  RankedTensorType in = tensorType(getInput());
  ArrayRef<int64_t> pads = getPads();
  if (Value value = getRuntimeValue()) {
    auto t = tensorType(value);
    if (t.getRank() != 0 || t.getElementType() != in.getElementType())
      return emitOpError("runtime_value must be a 0-D tensor of the input's "
                         "element type");
  }
  if (Value runtime = getRuntimePads()) {
    auto t = tensorType(runtime);
    if (!pads.empty() || t.getRank() != 1 ||
        t.getDimSize(0) != 2 * in.getRank())
      return emitOpError("runtime_pads must be a vector of 2 * rank entries, "
                         "and pads then empty");
    if (getType().getRank() != in.getRank() ||
        getType().getElementType() != in.getElementType())
      return emitOpError("result must have the input's rank and element type");
    return success();
  }
  if ((int64_t)pads.size() != 2 * in.getRank())
    return emitOpError("pads must have 2 * rank entries");
  SmallVector<int64_t> expected;
  for (int64_t d = 0; d < in.getRank(); ++d) {
    int64_t dim = in.getDimSize(d);
    expected.push_back(ShapedType::isDynamic(dim)
                           ? dim
                           : dim + pads[d] + pads[in.getRank() + d]);
    if (getMode() != PadMode::constant &&
        (pads[d] < 0 || pads[in.getRank() + d] < 0))
      return emitOpError("only constant padding may crop");
  }
  return verifyShape(*this, expected, getType());
}

LogicalResult GridSampleOp::verify() {
  RankedTensorType in = tensorType(getInput()), grid = tensorType(getGrid()),
                   out = getType();
  int64_t spatial = in.getRank() - 2;
  if (spatial < 1)
    return emitOpError("input must be [N, C, d1, ...]");
  if (grid.getRank() != spatial + 2)
    return emitOpError("grid must have rank ") << spatial + 2;
  if (out.getElementType() != in.getElementType() ||
      out.getRank() != in.getRank())
    return emitOpError("result must have the input's rank and element type");
  auto compatible = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  if (!compatible(grid.getDimSize(spatial + 1), spatial))
    return emitOpError("grid's last dimension must be ") << spatial;
  bool ok = compatible(grid.getDimSize(0), in.getDimSize(0)) &&
            compatible(out.getDimSize(0), in.getDimSize(0)) &&
            compatible(out.getDimSize(1), in.getDimSize(1));
  for (int64_t d = 0; d < spatial; ++d)
    ok = ok && compatible(out.getDimSize(2 + d), grid.getDimSize(1 + d));
  if (!ok)
    return emitOpError("result must be [N, C] of the input followed by the "
                       "grid's spatial dimensions");
  return success();
}

LogicalResult RoiAlignOp::verify() {
  RankedTensorType in = tensorType(getInput()), rois = tensorType(getRois()),
                   idx = tensorType(getBatchIndices()), out = getType();
  if (in.getRank() != 4 || out.getRank() != 4)
    return emitOpError("input and result must be [N, C, H, W] and [R, C, oh, ow]");
  if (rois.getRank() != 2 || idx.getRank() != 1 ||
      (rois.getDimSize(1) != 4 && !rois.isDynamicDim(1)))
    return emitOpError("rois must be [R, 4] and batch_indices [R]");
  if (out.getElementType() != in.getElementType() ||
      rois.getElementType() != in.getElementType())
    return emitOpError("input, rois and result must have one element type");
  auto compatible = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  if (!compatible(out.getDimSize(0), rois.getDimSize(0)) ||
      !compatible(idx.getDimSize(0), rois.getDimSize(0)) ||
      !compatible(out.getDimSize(1), in.getDimSize(1)))
    return emitOpError("result must be [R, C, oh, ow] for R rois and C channels");
  if (getSamplingRatio() < 1)
    return emitOpError("sampling_ratio must be positive");
  return success();
}

LogicalResult NmsOp::verify() {
  RankedTensorType boxes = tensorType(getBoxes()), scores = tensorType(getScores()),
                   out = getType();
  if (boxes.getRank() != 3 || boxes.getDimSize(2) != 4 || scores.getRank() != 3)
    return emitOpError("boxes must be [B, N, 4] and scores [B, C, N]");
  if (boxes.getDimSize(0) != scores.getDimSize(0) ||
      boxes.getDimSize(1) != scores.getDimSize(2) || out.getShape() != scores.getShape())
    return emitOpError("boxes, scores and the result must agree on B, C and N");
  for (Value scalar : {getMaxPerClass(), getIouThreshold(), getScoreThreshold()})
    if (tensorType(scalar).getRank() != 0)
      return emitOpError("max_per_class and the thresholds must be 0-D");
  return success();
}

LogicalResult ResizeOp::verify() {
  RankedTensorType in = tensorType(getInput()), out = getType();
  if (in.getElementType() != out.getElementType() ||
      in.getRank() != out.getRank())
    return emitOpError("result must have the input's rank and element type");
  if (getMode() != ResizeMode::nearest &&
      !isa<FloatType>(in.getElementType()))
    return emitOpError("linear and cubic resizing need a float input");
  RankedTensorType scales = tensorType(getScales());
  if (scales.getRank() != 1 || scales.getDimSize(0) != in.getRank())
    return emitOpError("scales must be a 1-D tensor of ")
           << in.getRank() << " elements";
  bool crop = getCoordinateMode() == CoordinateMode::tf_crop_and_resize;
  if (crop != static_cast<bool>(getRoi()))
    return emitOpError("roi is given exactly for tf_crop_and_resize");
  if (Value roi = getRoi()) {
    RankedTensorType rt = tensorType(roi);
    if (rt.getRank() != 1 || (rt.getDimSize(0) != 2 * in.getRank() &&
                              !rt.isDynamicDim(0)))
      return emitOpError("roi must be a 1-D tensor of ")
             << 2 * in.getRank() << " elements";
  }
  if (getOutputSizes().size() != static_cast<size_t>(out.getNumDynamicDims()))
    return emitOpError("needs one output size per dynamic result dimension");
  return success();
}

LogicalResult TriluOp::verify() {
  if (getType().getRank() < 2)
    return emitOpError("input must have rank 2 or more");
  return success();
}

#define GET_OP_CLASSES
#include "dialects/Xf/IR/XfOps.cpp.inc"
