//===- OpsText.cpp - TfIdfVectorizer -> xf ----------------------------------===//
//
// TfIdfVectorizer counts, for every n-gram of its pool, how often it occurs in
// each row of token ids, and weighs the counts. The pool is a compile-time
// attribute, so the counting is a fixed set of comparisons: for one n-gram
// length n and one skip k, the j-th token of every window is a slice of the
// row at offset j * (k + 1); comparing the n slices with the j-th tokens of
// all pool n-grams at once ([B, P, 1] == [G]) and and-ing them marks every
// (window, n-gram) match, and a sum over the windows counts them. With a
// dynamic row length the j-th tokens are gathered at run-time positions
// (start + j * (k + 1), clamped) and windows past the row's end masked out.
// A constant 0/1 matrix then scatters the pool's counts to their
// ngram_indexes. String tokens (pool_strings) are out of scope: xfc has no
// string tensors.
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"
#include "ShapeInputs.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

/// Counts [B, G] of the `grams` (each `n` tokens, concatenated) in the rows
/// of `x` [B, L] for windows whose tokens are `k + 1` apart.
FailureOr<Value> countGrams(NodeContext &c, Value x, int64_t n, int64_t k,
                            llvm::ArrayRef<int64_t> grams) {
  auto type = cast<RankedTensorType>(x.getType());
  int64_t rows = type.getDimSize(0), length = type.getDimSize(1);
  int64_t count = static_cast<int64_t>(grams.size()) / n;
  int64_t windows = length - (n - 1) * (k + 1);
  Type f32 = c.b().getF32Type();
  if (windows <= 0)
    return c.splat(f32, 0.0, {rows, count});
  Value match;
  for (int64_t j = 0; j < n; ++j) {
    Value tokens =
        c.reshape(c.slice(x, {0, j * (k + 1)}, {1, 1}, {rows, windows}),
                  {rows, windows, 1});
    std::vector<int64_t> column(count);
    for (int64_t g = 0; g < count; ++g)
      column[g] = grams[g * n + j];
    Value wanted = c.constant(ConstTensor::ofInts(c.dtype(0), {count}, column));
    FailureOr<Value> eq = c.binary(BinaryKind::eq, tokens, wanted);
    if (failed(eq))
      return failure();
    if (!match) {
      match = *eq;
      continue;
    }
    FailureOr<Value> both = c.binary(BinaryKind::and_, match, *eq);
    if (failed(both))
      return failure();
    match = *both;
  }
  return c.reduce(xf::ReduceKind::sum, c.cast(match, f32), {1},
                  /*keepDims=*/false);
}

/// countGrams for a row length (or a number of rows) known only at run
/// time: token j of the window starting at p is x[p + j * (k + 1)] (a
/// gather, whose clamping keeps reads inside the row), and windows that
/// run past the row's end do not count.
FailureOr<Value> countGramsAtRunTime(NodeContext &c, Value x, int64_t n, int64_t k,
                                     llvm::ArrayRef<int64_t> grams) {
  int64_t count = static_cast<int64_t>(grams.size()) / n;
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Type i64 = b.getI64Type(), f32 = b.getF32Type();
  Value length = tensor::DimOp::create(b, loc, x, 1);
  Value starts = runTimeIota(c, length); // [L]
  Value lengthI64 = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({}, i64),
      ValueRange{arith::IndexCastOp::create(b, loc, i64, length)});
  ChainedOps ops{c};
  Value last = ops.bin(BinaryKind::add, starts,
                       c.splat(i64, static_cast<double>((n - 1) * (k + 1))));
  Value match = c.reshape(ops.bin(BinaryKind::lt, last, lengthI64),
                          {1, ShapedType::kDynamic, 1});
  auto xType = cast<RankedTensorType>(x.getType());
  auto type = RankedTensorType::get({xType.getDimSize(0), ShapedType::kDynamic},
                                    xType.getElementType());
  for (int64_t j = 0; j < n; ++j) {
    Value at = ops.bin(BinaryKind::add, starts, c.splat(i64, static_cast<double>(j * (k + 1))));
    Value tokens = xf::GatherOp::create(b, loc, type, x, at, b.getI64IntegerAttr(1));
    std::vector<int64_t> column(count);
    for (int64_t g = 0; g < count; ++g)
      column[g] = grams[g * n + j];
    Value wanted = c.constant(ConstTensor::ofInts(c.dtype(0), {count}, column));
    Value eq = ops.bin(BinaryKind::eq,
                       c.reshape(tokens, {type.getDimSize(0), ShapedType::kDynamic, 1}),
                       wanted);
    match = ops.bin(BinaryKind::and_, match, eq);
  }
  if (!ops.ok)
    return failure();
  return c.reduce(xf::ReduceKind::sum, c.cast(match, f32), {1}, /*keepDims=*/false);
}

LogicalResult convertTfIdfVectorizer(NodeContext &c) {
  int64_t minLen = c.attrInt("min_gram_length", 0);
  int64_t maxLen = c.attrInt("max_gram_length", 0);
  int64_t maxSkip = c.attrInt("max_skip_count", 0);
  std::string mode = c.attrString("mode", "");
  auto counts = c.attrInts("ngram_counts");
  auto indexes = c.attrInts("ngram_indexes");
  auto pool = c.attrInts("pool_int64s");
  auto weights = c.attrFloats("weights");
  if (c.failed())
    return failure();
  if (c.hasAttr("pool_strings"))
    return c.fail("pool_strings is not supported (no string tensors)");
  if (mode != "TF" && mode != "IDF" && mode != "TFIDF")
    return c.fail("mode must be 'TF', 'IDF' or 'TFIDF', not '" + mode + "'");
  if (!counts || !indexes || !pool)
    return c.fail("ngram_counts, ngram_indexes and pool_int64s are required");
  if (minLen < 1 || maxLen < minLen ||
      static_cast<int64_t>(counts->size()) < maxLen || maxSkip < 0)
    return c.fail("needs 1 <= min_gram_length <= max_gram_length <= the "
                  "number of ngram_counts, and max_skip_count >= 0");
  if (!isa<IntegerType>(c.elt(0)) || c.elt(0).isInteger(1))
    return c.fail("the input must be integer token ids");
  llvm::ArrayRef<int64_t> shape = c.shape(0);
  if (shape.size() != 1 && shape.size() != 2)
    return c.fail("the input " + shapeStr(shape) + " must be [L] or [B, L]");
  bool dynamic = llvm::any_of(shape, ShapedType::isDynamic);

  // Pool n-grams of length n are pool[start(n) .. start(n + 1)).
  int64_t poolSize = static_cast<int64_t>(pool->size());
  auto start = [&](int64_t n) {
    return n <= static_cast<int64_t>(counts->size()) ? (*counts)[n - 1] : poolSize;
  };
  int64_t numGrams = 0;
  for (int64_t n = 1; n <= static_cast<int64_t>(counts->size()); ++n) {
    int64_t begin = start(n), end = start(n + 1);
    if (begin < 0 || end < begin || end > poolSize || (end - begin) % n != 0)
      return c.fail("ngram_counts " + listStr(*counts) +
                    " does not split the pool of " + llvm::Twine(poolSize) +
                    " tokens into whole n-grams");
    numGrams += (end - begin) / n;
  }
  if (static_cast<int64_t>(indexes->size()) != numGrams ||
      (weights && !weights->empty() &&
       static_cast<int64_t>(weights->size()) != numGrams))
    return c.fail("ngram_indexes (and weights) must have one entry per pool "
                  "n-gram (" + llvm::Twine(numGrams) + ")");
  int64_t outSize = 0;
  for (int64_t i : *indexes) {
    if (i < 0 || i >= (int64_t(1) << 24))
      return c.fail("ngram_indexes holds " + llvm::Twine(i) +
                    ", which is out of range");
    outSize = std::max(outSize, i + 1);
  }

  int64_t rows = shape.size() == 2 ? shape[0] : 1;
  Value x = c.reshape(c.in(0), {rows, shape.back()});
  // Counts of every pool n-gram, in pool order; n-gram lengths outside
  // [min, max] count nothing. Unigrams have no gaps to skip.
  Type f32 = c.b().getF32Type();
  // Zeros [rows, g] for the n-gram lengths that count nothing; with dynamic
  // rows, they take the number of rows from x.
  auto zeros = [&](int64_t g) -> Value {
    if (!ShapedType::isDynamic(rows))
      return c.splat(f32, 0.0, {rows, g});
    Value none = c.unary(xf::UnaryKind::not_, *c.binary(BinaryKind::eq, x, x));
    Value rowZeros = c.reduce(xf::ReduceKind::sum, c.cast(none, f32), {1}, true);
    return *c.binary(BinaryKind::add, rowZeros, c.splat(f32, 0.0, {g}));
  };
  SmallVector<Value> perLength;
  for (int64_t n = 1; n <= static_cast<int64_t>(counts->size()); ++n) {
    int64_t begin = start(n), end = start(n + 1);
    if (begin == end)
      continue;
    if (n < minLen || n > maxLen) {
      perLength.push_back(zeros((end - begin) / n));
      continue;
    }
    llvm::ArrayRef<int64_t> grams(pool->data() + begin, end - begin);
    Value total;
    for (int64_t k = 0; k <= (n == 1 ? 0 : maxSkip); ++k) {
      FailureOr<Value> found = dynamic ? countGramsAtRunTime(c, x, n, k, grams)
                                       : countGrams(c, x, n, k, grams);
      if (failed(found))
        return failure();
      if (!total) {
        total = *found;
        continue;
      }
      FailureOr<Value> sum = c.binary(BinaryKind::add, total, *found);
      if (failed(sum))
        return failure();
      total = *sum;
    }
    perLength.push_back(total);
  }
  Value found = perLength.size() == 1 ? perLength.front()
                                      : *c.concat(perLength, 1);
  // TF keeps the counts; IDF weighs presence, TFIDF the counts (weights 1
  // when absent).
  if (mode != "TF") {
    if (mode == "IDF")
      found = c.cast(*c.binary(BinaryKind::gt, found, c.splat(f32, 0.0)), f32);
    if (weights && !weights->empty()) {
      std::vector<double> w(weights->begin(), weights->end());
      found = *c.binary(BinaryKind::mul, found,
                        c.constant(ConstTensor::ofFloats(dt::Float, {numGrams}, w)));
    }
  }
  // Scatter to the output positions: a [numGrams, outSize] 0/1 matrix.
  std::vector<double> place(numGrams * outSize, 0.0);
  for (int64_t g = 0; g < numGrams; ++g)
    place[g * outSize + (*indexes)[g]] = 1.0;
  Value placement =
      c.constant(ConstTensor::ofFloats(dt::Float, {numGrams, outSize}, place));
  auto outType = RankedTensorType::get({rows, outSize}, f32);
  Value y = xf::MatMulOp::create(c.b(), c.loc(), outType, found, placement);
  return c.done(shape.size() == 1 ? c.reshape(y, {outSize}) : y);
}

} // namespace

void registerTextOps(OpRegistry &r) {
  r.on("TfIdfVectorizer", {9}, convertTfIdfVectorizer,
       "integer tokens (pool_int64s): one comparison per "
       "n-gram position and skip against the whole pool");
}

} // namespace xfc::onnx_import
