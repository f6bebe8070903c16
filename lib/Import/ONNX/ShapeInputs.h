//===- ShapeInputs.h - shape-like inputs known only at run time -*- C++ -*-===//
//
// When a shape-like input (Slice's starts, Pad's pads, an axes list, ...) is
// a run-time value, the output shape is still known if the model declares
// it (the node tests and many exported models do). xfc then compiles for
// that shape, computes what the values decide (offsets, which axes) at run
// time where the declared shape leaves it open, and checks with xf.assert
// that the values give the declared shape: a user who passes other values
// gets an error naming the node, never a wrong shape.
//
// ShapeMath builds the small integer computations on those values; the
// converters below are the run-time variants of the ones in Ops*.cpp,
// which call them when an input is not a compile-time constant.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_SHAPEINPUTS_H
#define XFC_LIB_IMPORT_ONNX_SHAPEINPUTS_H

#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"

namespace xfc::onnx_import {

/// Integer arithmetic on shape-like run-time values, built as xf ops at the
/// node: integers are i64 tensors, conditions i1, and operands broadcast as
/// in xf.binary. A failed build leaves a null Value that later calls pass
/// on, so a converter tests ok() once at the end.
class ShapeMath {
public:
  explicit ShapeMath(NodeContext &c) : c_(c) {}

  /// Input `i` as i64 (floats truncated toward zero, as ONNX converts them).
  mlir::Value input(unsigned i);
  /// A constant i64 vector, or tensor of `shape`.
  mlir::Value ints(llvm::ArrayRef<int64_t> values);
  mlir::Value ints(llvm::ArrayRef<int64_t> values, llvm::ArrayRef<int64_t> shape);
  mlir::Value scalar(int64_t v) { return ints({v}, {}); }
  /// 0, 1, ..., n - 1 laid out in `shape` (whose element count is n).
  mlir::Value iota(llvm::ArrayRef<int64_t> shape);
  /// A constant i1 tensor of the flags (a vector).
  mlir::Value flags(llvm::ArrayRef<bool> values);

  mlir::Value binary(xf::BinaryKind kind, mlir::Value a, mlir::Value b);
  mlir::Value add(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::add, a, b); }
  mlir::Value sub(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::sub, a, b); }
  mlir::Value mul(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::mul, a, b); }
  /// Truncating division; the divisor must not be 0 even when a check
  /// fails, since compiled code runs on after a failed check.
  mlir::Value div(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::div, a, b); }
  mlir::Value min(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::min, a, b); }
  mlir::Value max(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::max, a, b); }
  mlir::Value eq(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::eq, a, b); }
  mlir::Value lt(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::lt, a, b); }
  mlir::Value le(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::le, a, b); }
  mlir::Value gt(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::gt, a, b); }
  mlir::Value ge(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::ge, a, b); }
  mlir::Value and_(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::and_, a, b); }
  mlir::Value or_(mlir::Value a, mlir::Value b) { return binary(xf::BinaryKind::or_, a, b); }
  mlir::Value not_(mlir::Value a);
  mlir::Value unary(xf::UnaryKind kind, mlir::Value a);
  mlir::Value cast(mlir::Value a, mlir::Type eltType);
  mlir::Value select(mlir::Value cond, mlir::Value a, mlir::Value b);
  mlir::Value clamp(mlir::Value x, mlir::Value lo, mlir::Value hi) {
    return min(max(x, lo), hi);
  }
  /// x < 0 ? x + n : x, ONNX's reading of negative indices and axes.
  mlir::Value wrapNegative(mlir::Value x, mlir::Value n) {
    return select(lt(x, scalar(0)), add(x, n), x);
  }
  /// Element `i` of a vector, as a 0-D tensor.
  mlir::Value at(mlir::Value v, int64_t i);
  /// Elements [offset, offset + n) of a vector.
  mlir::Value part(mlir::Value v, int64_t offset, int64_t n);
  /// `x` gathered along `axis` at the 1-D `indices`.
  mlir::Value take(mlir::Value x, mlir::Value indices, int64_t axis);
  mlir::Value reshape(mlir::Value v, llvm::ArrayRef<int64_t> shape);
  mlir::Value concat(llvm::ArrayRef<mlir::Value> parts, int64_t axis);
  /// Sum over `axes` (sorted), dropping them; an i1 tensor counts its true
  /// elements.
  mlir::Value sum(mlir::Value v, llvm::ArrayRef<int64_t> axes);
  /// 0-D i1: every element of `cond` is true.
  mlir::Value all(mlir::Value cond);
  /// 0-D i1: any of the 0-D conditions is true.
  mlir::Value any(llvm::ArrayRef<mlir::Value> conds);

  /// The size of dimension `d` of `x` as a 0-D i64 tensor (read at run
  /// time when dynamic), and all of them as a vector.
  mlir::Value dim(mlir::Value x, int64_t d);
  mlir::Value dims(mlir::Value x);
  /// Product of a vector's elements (0-D; 1 for an empty vector).
  mlir::Value product(mlir::Value v);
  /// The vector input `i` (of any length, possibly dynamic) as `n` i64
  /// entries: its first n, padded with `fill` on the right, or with
  /// `alignRight` its last n, padded on the left. Reads stay in bounds
  /// whatever its run-time length, returned in `length` (0-D) if asked.
  mlir::Value vector(unsigned i, int64_t n, int64_t fill, bool alignRight,
                     mlir::Value *length = nullptr);
  /// A tensor of sizes `shape` (an [n] i64 vector) and element type `elt`
  /// holding each element's index along `axis` (xf.iota).
  mlir::Value iota(mlir::Value shape, int64_t axis, mlir::Type elt);
  /// `x` broadcast to the sizes `shape` (xf.expand; a dimension of `x` that
  /// is 1 at run time broadcasts).
  mlir::Value expand(mlir::Value x, mlir::Value shape);
  /// `x` viewed with the sizes `shape` (tensor.reshape): the caller makes
  /// sure the element counts agree.
  mlir::Value reshapeTo(mlir::Value x, mlir::Value shape);

  /// c.check(cond, what) once everything built so far succeeded.
  void check(mlir::Value cond, const llvm::Twine &what);
  bool ok() const { return ok_; }

private:
  mlir::Value track(mlir::FailureOr<mlir::Value> v);

  NodeContext &c_;
  bool ok_ = true;
};

/// The sets of `k` axes of `in` that an op dropping them (with `keepDims`,
/// setting them to 1) takes to `out`, as masks over the axes of `in`; with
/// `unitOnly` only axes of size 1 may go (Squeeze). Null when there are
/// more than kMaxAxisSets (or the search for them takes too long).
constexpr size_t kMaxAxisSets = 64;
std::optional<std::vector<llvm::SmallVector<bool>>>
axisSets(llvm::ArrayRef<int64_t> in, llvm::ArrayRef<int64_t> out, int64_t k,
         bool keepDims, bool unitOnly);

/// The run-time axes input `i` ([k] entries, each in [-rank, rank)) as a
/// [rank, k] i1 matrix, true where entry j names axis d; checks at run time
/// that every entry is in range and no axis is named twice.
mlir::Value axisMatch(NodeContext &c, ShapeMath &m, unsigned i, int64_t rank);

/// For axis sets `sets` (masks over `rank` axes): checks at run time that
/// the axes input `i` names exactly one of them and returns, per set, the
/// 0-D condition that it is that one. `what` says where the sets come from.
llvm::SmallVector<mlir::Value>
matchAxisSets(NodeContext &c, ShapeMath &m, unsigned i, int64_t rank,
              llvm::ArrayRef<llvm::SmallVector<bool>> sets,
              const llvm::Twine &what);

/// axisMatch() for a run-time axes vector `axes` ([k] i64).
mlir::Value axisMatch(NodeContext &c, ShapeMath &m, mlir::Value axes,
                      int64_t rank);

/// Range's length max(ceil((limit - start) / delta), 0) and whether delta
/// is non-zero, as 0-D i64 and i1 values (floats in double, as
/// numpy.arange does).
std::pair<mlir::Value, mlir::Value> rangeLength(NodeContext &c, ShapeMath &m);

/// Converters for nodes whose output sizes are run-time values and only
/// the output's rank is declared (RuntimeSizes.cpp): they compute the sizes
/// with ShapeMath, check them, and build the result with those sizes.
mlir::LogicalResult reshapeToRunTimeSizes(NodeContext &c, bool allowZero);
mlir::LogicalResult squeezeToRunTimeSizes(NodeContext &c, bool unsqueeze);
mlir::LogicalResult expandToRunTimeSizes(NodeContext &c);
mlir::LogicalResult constantOfShapeAtRunTime(NodeContext &c, mlir::Value value);
mlir::LogicalResult tileToRunTimeSizes(NodeContext &c);
mlir::LogicalResult rangeOfRunTimeLength(NodeContext &c);
mlir::LogicalResult eyeLikeAtRunTime(NodeContext &c, mlir::Type elt, int64_t k);
/// A generalized cosine window of a run-time size (input 0).
mlir::LogicalResult cosineWindowAtRunTime(NodeContext &c, mlir::Type elt,
                                          bool periodic, double a0, double a1,
                                          double a2);

/// 0, 1, ..., n - 1 as a tensor<?xi64> whose size `n` (an index) is only
/// known at run time (tensor.generate).
mlir::Value runTimeIota(NodeContext &c, mlir::Value n);

/// Index arithmetic at the node, for sizes and offsets that are only known
/// at run time and no declared shape fixes (the dynamic-shape paths, which
/// build tensor.extract_slice and friends with run-time operands). Values
/// are `index` scalars; constants fold.
class IndexMath {
public:
  explicit IndexMath(NodeContext &c) : c_(c) {}

  mlir::Value lit(int64_t v);
  mlir::Value add(mlir::Value a, mlir::Value b) { return fold<mlir::arith::AddIOp>(a, b); }
  mlir::Value sub(mlir::Value a, mlir::Value b) { return fold<mlir::arith::SubIOp>(a, b); }
  mlir::Value mul(mlir::Value a, mlir::Value b) { return fold<mlir::arith::MulIOp>(a, b); }
  /// a / b for a >= 0, b >= 1, rounded down or up.
  mlir::Value div(mlir::Value a, mlir::Value b) { return fold<mlir::arith::DivSIOp>(a, b); }
  mlir::Value ceilDiv(mlir::Value a, mlir::Value b) {
    return fold<mlir::arith::CeilDivSIOp>(a, b);
  }
  mlir::Value rem(mlir::Value a, mlir::Value b) { return fold<mlir::arith::RemSIOp>(a, b); }
  mlir::Value min(mlir::Value a, mlir::Value b) { return fold<mlir::arith::MinSIOp>(a, b); }
  mlir::Value max(mlir::Value a, mlir::Value b) { return fold<mlir::arith::MaxSIOp>(a, b); }
  mlir::Value clamp(mlir::Value x, mlir::Value lo, mlir::Value hi) {
    return min(max(x, lo), hi);
  }
  mlir::Value cmp(mlir::arith::CmpIPredicate pred, mlir::Value a, mlir::Value b);
  mlir::Value eq(mlir::Value a, mlir::Value b) {
    return cmp(mlir::arith::CmpIPredicate::eq, a, b);
  }
  mlir::Value lt(mlir::Value a, mlir::Value b) {
    return cmp(mlir::arith::CmpIPredicate::slt, a, b);
  }
  mlir::Value le(mlir::Value a, mlir::Value b) {
    return cmp(mlir::arith::CmpIPredicate::sle, a, b);
  }
  mlir::Value and_(mlir::Value a, mlir::Value b) { return fold<mlir::arith::AndIOp>(a, b); }
  mlir::Value or_(mlir::Value a, mlir::Value b) { return fold<mlir::arith::OrIOp>(a, b); }
  mlir::Value not_(mlir::Value a);
  mlir::Value truth(bool v);
  mlir::Value select(mlir::Value cond, mlir::Value a, mlir::Value b);
  /// x < 0 ? x + n : x.
  mlir::Value wrapNegative(mlir::Value x, mlir::Value n) {
    return select(lt(x, lit(0)), add(x, n), x);
  }
  /// Dimension `d` of `t`: tensor.dim, or a constant when static.
  mlir::Value dim(mlir::Value t, int64_t d);
  /// The length of the vector input `i`.
  mlir::Value length(unsigned i);
  /// The first `n` elements of the integer vector input `i` as index
  /// values (bounded to +-2^62, so that sums of a few stay in range); those
  /// past its run-time length read `dflt`, so nothing is read outside it.
  llvm::SmallVector<mlir::Value> elements(unsigned i, int64_t n, int64_t dflt);
  /// The i1 `ok` as a 0-D tensor for c.check.
  void check(mlir::Value ok, const llvm::Twine &what);
  /// `sizes` as an i64 vector (a shape operand).
  mlir::Value shapeOf(llvm::ArrayRef<mlir::Value> sizes);

private:
  /// An arith op at the node, folded when its operands are constants.
  template <typename Op, typename... Args> mlir::Value fold(Args... args) {
    return c_.b().createOrFold<Op>(c_.loc(), args...);
  }

  NodeContext &c_;
};

/// Converters for nodes whose shape-like inputs are run-time values and
/// whose output sizes are computed at run time (no declared static shape
/// is needed; see IndexMath).
mlir::LogicalResult sliceWithRunTimeBounds(NodeContext &c);
/// Pad with pads (and constant value) that are run-time values.
mlir::LogicalResult padWithRunTimePads(NodeContext &c, xf::PadMode mode);
/// Checks at run time that the constant `pads` suit `mode` on the dynamic
/// dimensions of input 0 (see padWithRunTimePads).
void checkStaticPads(NodeContext &c, xf::PadMode mode,
                     llvm::ArrayRef<int64_t> pads);
/// Split of input 0 along `axis` into the outputs with the run-time
/// `sizes` (index values); checks that they add up to the dimension.
mlir::LogicalResult splitAtRunTime(NodeContext &c, int64_t axis,
                                   llvm::ArrayRef<mlir::Value> sizes);
/// A reduction whose run-time axes (input 1) decide the output sizes;
/// keepDims=false needs the declared output rank.
mlir::LogicalResult reduceWithRunTimeAxes(NodeContext &c, xf::ReduceKind kind,
                                          bool keepDims, bool noopWithEmptyAxes);
/// 0, 1, ..., n - 1 (i64) along dimension `axis` of a tensor of `rank`
/// whose other dimensions are 1; `n` is an index value.
mlir::Value runTimeIota(NodeContext &c, mlir::Value n, int64_t rank,
                        int64_t axis);

/// Converters for nodes whose shape-like inputs are run-time values.
mlir::LogicalResult convertSliceAtRunTime(NodeContext &c);
mlir::LogicalResult convertPadAtRunTime(NodeContext &c, xf::PadMode mode);
mlir::LogicalResult convertRangeAtRunTime(NodeContext &c);
/// Squeeze (or Unsqueeze) with run-time axes (input 1).
mlir::LogicalResult convertSqueezeAtRunTime(NodeContext &c, bool unsqueeze);
/// A reduction with run-time axes (input 1, at least one entry).
mlir::LogicalResult reduceAtRunTime(NodeContext &c, xf::ReduceKind kind,
                                    bool keepDims);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_SHAPEINPUTS_H
