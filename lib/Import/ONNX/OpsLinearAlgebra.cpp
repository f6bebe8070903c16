//===- OpsLinearAlgebra.cpp - Det -> xf -------------------------------------===//
//
// Det is Gaussian elimination with partial pivoting, unrolled over the n
// columns of the (static, small) matrices and vectorized over the batch: at
// step k the row with the largest |M[i, k]| (i >= k) is swapped into row k
// by a gather, the pivot multiplies the determinant (a swap flips its sign),
// and the rows below lose their multiple of row k. A zero pivot means a
// singular matrix: its determinant is 0 and the elimination is skipped so
// that no 0 / 0 turns it into NaN.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

/// At most this many columns: the unrolled elimination has O(n) ops.
constexpr int64_t kMaxDetSize = 64;

/// Builders over xf values that cannot fail for the shapes below (they all
/// broadcast by construction); a failure still surfaces as the node's error.
struct Ops {
  NodeContext &c;
  bool ok = true;

  Value bin(BinaryKind kind, Value a, Value b) {
    FailureOr<Value> r = c.binary(kind, a, b);
    ok = ok && succeeded(r);
    return succeeded(r) ? *r : a;
  }
  Value select(Value cond, Value a, Value b) {
    FailureOr<Value> r = c.select(cond, a, b);
    ok = ok && succeeded(r);
    return succeeded(r) ? *r : a;
  }
};

LogicalResult convertDet(NodeContext &c) {
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("needs floating-point input");
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  int64_t rank = c.rank(0);
  if (rank < 2 || llvm::any_of(shape, ShapedType::isDynamic) ||
      shape[rank - 1] != shape[rank - 2])
    return c.fail("the input " + shapeStr(shape) +
                  " must be static square matrices [..., n, n]");
  int64_t n = shape.back();
  if (n < 1 || n > kMaxDetSize)
    return c.fail("matrices of " + llvm::Twine(n) + " x " + llvm::Twine(n) +
                  " are not supported (1 to " + llvm::Twine(kMaxDetSize) + ")");
  llvm::SmallVector<int64_t> batchShape(shape.drop_back(2));
  int64_t batch = checkedNumElements(batchShape);
  Type elt = c.elt(0), i64 = c.b().getI64Type();
  Ops ops{c};
  auto slice = [&](Value v, llvm::ArrayRef<int64_t> starts,
                   llvm::ArrayRef<int64_t> sizes) {
    return c.slice(v, starts, {1, 1, 1}, sizes);
  };
  auto iota = [&](llvm::ArrayRef<int64_t> shape) {
    std::vector<int64_t> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = i;
    return c.constant(ConstTensor::ofInts(dt::Int64, shape, std::move(v)));
  };
  Value rowIds = iota({1, n, 1}); // row index i, for [B, n, *] tensors
  Value m = c.reshape(c.in(0), {batch, n, n});
  Value det = c.splat(elt, 1.0, {batch, 1, 1});
  Value zero = c.splat(elt, 0.0);
  for (int64_t k = 0; k < n; ++k) {
    Value kV = c.splat(i64, static_cast<double>(k));
    if (k + 1 < n) {
      // Partial pivoting: swap the row of the largest |M[i, k]|, i >= k,
      // into row k (and flip the sign when it is another row).
      Value column = c.unary(xf::UnaryKind::abs,
                             slice(m, {0, k, k}, {batch, n - k, 1}));
      Value best = xf::ArgReduceOp::create(
          c.b(), c.loc(), RankedTensorType::get({batch, 1, 1}, i64), column, 1,
          /*is_max=*/true, /*keep_dims=*/true, /*select_last_index=*/false);
      Value pivotRow = ops.bin(BinaryKind::add, best, kV);
      Value source = ops.select(
          ops.bin(BinaryKind::eq, rowIds, kV), pivotRow,
          ops.select(ops.bin(BinaryKind::eq, rowIds, pivotRow), kV, rowIds));
      FailureOr<Value> rows = c.broadcastTo(source, {batch, n, n});
      if (failed(rows))
        return failure();
      m = xf::GatherElementsOp::create(c.b(), c.loc(),
                                       cast<RankedTensorType>(m.getType()), m,
                                       *rows, 1);
      Value stays = ops.bin(BinaryKind::eq, pivotRow, kV);
      det = ops.select(stays, det, c.unary(xf::UnaryKind::neg, det));
    }
    Value pivot = slice(m, {0, k, k}, {batch, 1, 1});
    det = ops.bin(BinaryKind::mul, det, pivot);
    if (k + 1 == n)
      break;
    // Rows i > k subtract M[i, k] / pivot times row k.
    Value singular = ops.bin(BinaryKind::eq, pivot, zero);
    Value safePivot = ops.select(singular, c.splat(elt, 1.0), pivot);
    Value factor = ops.bin(BinaryKind::div, slice(m, {0, 0, k}, {batch, n, 1}),
                           safePivot);
    Value below = ops.bin(BinaryKind::gt, rowIds, kV);
    factor = ops.select(below, factor, zero);
    Value rowK = slice(m, {0, k, 0}, {batch, 1, n});
    m = ops.bin(BinaryKind::sub, m, ops.bin(BinaryKind::mul, factor, rowK));
  }
  if (!ops.ok)
    return failure();
  return c.done(c.reshape(det, batchShape));
}

} // namespace

void registerLinearAlgebraOps(OpRegistry &r) {
  r.on("Det", {11}, convertDet,
       "static n x n, n <= 64: unrolled elimination with partial pivoting, "
       "vectorized over the batch");
}

} // namespace xfc::onnx_import
