//===- OpsNN.cpp - MatMul, Einsum and Gemm -> xf -------------------------===//
//
// Gemm becomes xf.linear when it is x·Wᵀ (+ bias), the form the CPU strategy
// tiles best, and xf.matmul plus elementwise ops otherwise. Conv,
// ConvTranspose and the pools are in OpsConvPool.cpp.
//
//===----------------------------------------------------------------------===//

#include "OpsNN.h"

#include "Fold.h"

#include "dialects/Xf/IR/XfShapes.h"

#include <algorithm>
#include <cctype>

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {
namespace {

LogicalResult convertMatMul(NodeContext &c) {
  if (c.rank(0) < 1 || c.rank(1) < 1)
    return c.fail("operands must have rank 1 or more");
  if (c.elt(0) != c.elt(1))
    return c.fail("operand element types differ");
  auto shape = xf::matmulShape(c.shape(0), c.shape(1));
  if (!shape)
    return c.fail("shapes " + shapeStr(c.shape(0)) + " and " +
                  shapeStr(c.shape(1)) +
                  " are not compatible for a matrix product");
  auto type = RankedTensorType::get(*shape, c.elt(0));
  return c.done(xf::MatMulOp::create(c.b(), c.loc(), type, c.in(0), c.in(1)));
}

LogicalResult convertGemm(NodeContext &c) {
  bool transA = c.attrInt("transA", 0) != 0;
  bool transB = c.attrInt("transB", 0) != 0;
  float alpha = c.attrFloat("alpha", 1.0f), beta = c.attrFloat("beta", 1.0f);
  if (c.failed())
    return failure();
  if (c.rank(0) != 2 || c.rank(1) != 2)
    return c.fail("A and B must be 2-D, not " + shapeStr(c.shape(0)) +
                  " and " + shapeStr(c.shape(1)));
  if (c.elt(0) != c.elt(1))
    return c.fail("A and B have different element types");
  Type elt = c.elt(0);
  llvm::ArrayRef<int64_t> sa = c.shape(0), sb = c.shape(1);
  int64_t m = transA ? sa[1] : sa[0], ka = transA ? sa[0] : sa[1];
  int64_t kb = transB ? sb[1] : sb[0], n = transB ? sb[0] : sb[1];
  if (!sameDim(ka, kb))
    return c.fail("inner dimensions differ: A " + shapeStr(sa) + " B " +
                  shapeStr(sb) + " (transA=" + llvm::Twine(transA) +
                  ", transB=" + llvm::Twine(transB) + ")");
  bool hasC = c.has(2) && beta != 0.0f;
  if (hasC) {
    if (c.elt(2) != elt)
      return c.fail("C has a different element type");
    if (!xf::isBroadcastableTo(c.shape(2), {m, n}))
      return c.fail("C " + shapeStr(c.shape(2)) + " does not broadcast to " +
                    shapeStr({m, n}));
  }

  Value a = c.in(0);
  if (transA)
    a = c.transpose(a, {1, 0});
  auto resultType = RankedTensorType::get({m, n}, elt);
  Value y;
  bool biasDone = false;
  if (transB && isa<FloatType>(elt)) {
    // x·Wᵀ with W = B [N, K]: xf.linear, absorbing a [N] bias when possible.
    Value bias;
    if (hasC && alpha == 1.0f && beta == 1.0f) {
      llvm::ArrayRef<int64_t> sc = c.shape(2);
      bool isVector = (sc.size() == 1 && sc[0] == n && !ShapedType::isDynamic(n)) ||
                      (sc.size() == 2 && sc[0] == 1 && sc[1] == n &&
                       !ShapedType::isDynamic(n));
      if (isVector) {
        if (const ConstTensor *t = c.constant(2))
          bias = c.constant(t->reshaped({n}));
        else
          bias = c.reshape(c.in(2), {n});
        biasDone = true;
      }
    }
    y = xf::LinearOp::create(c.b(), c.loc(), resultType, a, c.in(1), bias);
  } else {
    Value b = c.in(1);
    if (transB)
      b = c.transpose(b, {1, 0});
    y = xf::MatMulOp::create(c.b(), c.loc(), resultType, a, b);
  }
  if (alpha != 1.0f) {
    FailureOr<Value> scaled = c.binary(BinaryKind::mul, y, c.splat(elt, alpha));
    if (failed(scaled))
      return failure();
    y = *scaled;
  }
  if (hasC && !biasDone) {
    Value cv;
    const ConstTensor *t = c.constant(2);
    if (beta == 1.0f) {
      cv = c.in(2);
    } else if (t && (t->isSplat() || t->numElements() <= kFoldLimit)) {
      auto folded = foldBinary(BinaryKind::mul, *t,
                               ConstTensor::splat(t->dtype(), {}, beta));
      cv = folded ? c.constant(*folded) : Value();
    }
    if (!cv) {
      FailureOr<Value> scaled =
          c.binary(BinaryKind::mul, c.in(2), c.splat(elt, beta));
      if (failed(scaled))
        return failure();
      cv = *scaled;
    }
    FailureOr<Value> sum = c.binary(BinaryKind::add, y, cv);
    if (failed(sum))
      return failure();
    y = *sum;
  }
  return c.done(y);
}

//===----------------------------------------------------------------------===//
// Einsum
//===----------------------------------------------------------------------===//

/// One operand of an einsum: its value and one letter per dimension.
struct EinsumTerm {
  Value value;
  std::string letters;
};

/// Sums `t` over its letters that are not in `keep`.
EinsumTerm einsumReduce(NodeContext &c, EinsumTerm t, llvm::StringRef keep) {
  llvm::SmallVector<int64_t> axes;
  std::string kept;
  for (size_t d = 0; d < t.letters.size(); ++d) {
    if (keep.contains(t.letters[d]))
      kept += t.letters[d];
    else
      axes.push_back(d);
  }
  if (axes.empty())
    return t;
  return {c.reduce(xf::ReduceKind::sum, t.value, axes, /*keepDims=*/false),
          kept};
}

/// `t` transposed so that its letters come in the order of `order`.
Value einsumPermute(NodeContext &c, const EinsumTerm &t,
                    llvm::StringRef order) {
  llvm::SmallVector<int64_t> perm;
  for (char l : order)
    perm.push_back(t.letters.find(l));
  return c.transpose(t.value, perm);
}

/// Takes the diagonal of every letter that repeats within `t` (ii -> i): the
/// two dimensions move to the end, merge into one of n * n elements, and a
/// slice with step n + 1 keeps the n diagonal ones.
FailureOr<EinsumTerm> einsumDiagonals(NodeContext &c, EinsumTerm t,
                                      llvm::StringRef eq) {
  for (size_t second = 0; second < t.letters.size(); ++second) {
    size_t first = t.letters.find(t.letters[second]);
    if (first == second)
      continue;
    llvm::ArrayRef<int64_t> shape =
        cast<RankedTensorType>(t.value.getType()).getShape();
    int64_t n = shape[first];
    if (!sameDim(shape[second], n))
      return c.fail("equation '" + eq + "': the diagonal of '" +
                    std::string(1, t.letters[first]) +
                    "' needs equal sizes, not " + shapeStr(shape));
    if (ShapedType::isDynamic(n) || ShapedType::isDynamic(shape[second])) {
      // A run-time size: the two dimensions move to the end, everything off
      // the diagonal becomes zero (two xf.trilu) and each row is summed.
      llvm::SmallVector<int64_t> perm;
      std::string letters;
      for (size_t d = 0; d < t.letters.size(); ++d)
        if (d != first && d != second) {
          perm.push_back(d);
          letters += t.letters[d];
        }
      perm.push_back(first);
      perm.push_back(second);
      Value moved = c.transpose(t.value, perm);
      Value zero = c.constant(ConstTensor::ofInts(dt::Int64, {}, {0}));
      Value upper = xf::TriluOp::create(c.b(), c.loc(), moved.getType(), moved,
                                        zero, c.b().getBoolAttr(true));
      Value diag = xf::TriluOp::create(c.b(), c.loc(), moved.getType(), upper,
                                       zero, c.b().getBoolAttr(false));
      int64_t rank = static_cast<int64_t>(perm.size());
      t = {c.reduce(xf::ReduceKind::sum, diag, {rank - 1}, /*keepDims=*/false),
           letters + t.letters[first]};
      second = 0;
      continue;
    }
    llvm::SmallVector<int64_t> perm, kept;
    std::string letters;
    for (size_t d = 0; d < t.letters.size(); ++d)
      if (d != first && d != second) {
        perm.push_back(d);
        kept.push_back(shape[d]);
        letters += t.letters[d];
      }
    perm.push_back(first);
    perm.push_back(second);
    llvm::SmallVector<int64_t> merged(kept);
    merged.push_back(n * n);
    Value flat = c.reshape(c.transpose(t.value, perm), merged);
    llvm::SmallVector<int64_t> starts(merged.size(), 0), steps(merged.size(), 1),
        sizes(kept);
    steps.back() = n + 1;
    sizes.push_back(n);
    t = {c.slice(flat, starts, steps, sizes), letters + t.letters[first]};
    second = 0; // letters moved: scan again from the start
  }
  return t;
}

/// Einsum of one or two operands (diagonals taken first):
/// sums (xf.reduce), permutations (xf.transpose) and one batched
/// contraction (xf.reshape to [batch, M, K] x [batch, K, N] + xf.matmul).
LogicalResult convertEinsum(NodeContext &c) {
  std::string eq = c.attrString("equation", "");
  if (c.failed())
    return failure();
  eq.erase(std::remove_if(eq.begin(), eq.end(), ::isspace), eq.end());
  std::string lhs = eq, out;
  size_t arrow = eq.find("->");
  if (arrow != std::string::npos) {
    lhs = eq.substr(0, arrow);
    out = eq.substr(arrow + 2);
  }
  llvm::SmallVector<llvm::StringRef> terms;
  llvm::StringRef(lhs).split(terms, ',');
  unsigned n = c.numInputs();
  if (terms.size() != n)
    return c.fail("equation '" + eq + "' has " + llvm::Twine(terms.size()) +
                  " operands for " + llvm::Twine(n) + " inputs");
  if (n < 1 || n > 2)
    return c.fail("equation '" + eq + "': only one or two operands are " +
                  "supported");
  // "..." becomes upper-case letters, one per broadcast dimension.
  auto expand = [&](llvm::StringRef term, int64_t rank,
                    std::string &letters) -> LogicalResult {
    size_t dots = term.find("...");
    std::string s = term.str();
    if (dots != llvm::StringRef::npos) {
      int64_t extra = rank - static_cast<int64_t>(term.size() - 3);
      if (extra < 0 || extra > 26)
        return c.fail("equation '" + eq + "' does not match the input ranks");
      std::string fill;
      for (int64_t i = 0; i < extra; ++i)
        fill += static_cast<char>('Z' - (extra - 1 - i));
      s = s.substr(0, dots) + fill + s.substr(dots + 3);
    }
    for (char l : s)
      if (!std::islower(static_cast<unsigned char>(l)) &&
          !std::isupper(static_cast<unsigned char>(l)))
        return c.fail("equation '" + eq + "' is malformed");
    letters = s;
    return success();
  };
  llvm::SmallVector<EinsumTerm> ops;
  llvm::StringMap<int64_t> sizes;
  int64_t ellipsisRank = 0;
  for (unsigned i = 0; i < n; ++i) {
    if (c.elt(i) != c.elt(0))
      return c.fail("inputs differ in element type");
    EinsumTerm t{c.in(i), ""};
    if (failed(expand(terms[i], c.rank(i), t.letters)))
      return failure();
    if (static_cast<int64_t>(t.letters.size()) != c.rank(i))
      return c.fail("equation '" + eq + "' does not match the input ranks");
    FailureOr<EinsumTerm> diagonal = einsumDiagonals(c, t, eq);
    if (failed(diagonal))
      return failure();
    t = *diagonal;
    llvm::ArrayRef<int64_t> shape =
        cast<RankedTensorType>(t.value.getType()).getShape();
    for (size_t d = 0; d < t.letters.size(); ++d) {
      char l = t.letters[d];
      // A dynamic size takes a static one of the same letter; contracted
      // and batch letters are checked to agree by the matmul's lowering.
      int64_t size = shape[d];
      auto [it, inserted] = sizes.try_emplace(std::string(1, l), size);
      if (!inserted && ShapedType::isDynamic(it->second))
        it->second = size;
      else if (!inserted && !sameDim(it->second, size))
        return c.fail("equation '" + eq + "': index '" + std::string(1, l) +
                      "' has sizes " + llvm::Twine(it->second) + " and " +
                      llvm::Twine(size) + " (broadcasting is not supported)");
      if (std::isupper(static_cast<unsigned char>(l)))
        ellipsisRank = std::max<int64_t>(ellipsisRank, 'Z' - l + 1);
    }
    ops.push_back(t);
  }
  std::string result;
  if (arrow == std::string::npos) {
    // Implicit output: the broadcast dimensions, then the letters that
    // appear once, in alphabetical order.
    for (int64_t i = ellipsisRank - 1; i >= 0; --i)
      result += static_cast<char>('Z' - i);
    std::string all;
    for (const EinsumTerm &t : ops)
      all += t.letters;
    std::string once;
    for (char l : all)
      if (std::islower(static_cast<unsigned char>(l)) &&
          std::count(all.begin(), all.end(), l) == 1)
        once += l;
    std::sort(once.begin(), once.end());
    result += once;
  } else {
    int64_t rank = out.find("...") == std::string::npos
                       ? static_cast<int64_t>(out.size())
                       : ellipsisRank + static_cast<int64_t>(out.size()) - 3;
    if (failed(expand(out, rank, result)))
      return failure();
  }
  for (size_t d = 0; d < result.size(); ++d)
    if (result.find(result[d]) != d || !sizes.count(std::string(1, result[d])))
      return c.fail("equation '" + eq + "' has a malformed output");

  if (n == 1) {
    EinsumTerm t = einsumReduce(c, ops[0], result);
    return c.done(einsumPermute(c, t, result));
  }
  // Letters only one operand has and the output lacks are summed first.
  EinsumTerm a = ops[0], b = ops[1];
  auto keepFor = [&](const EinsumTerm &t, const EinsumTerm &other) {
    std::string keep;
    for (char l : t.letters)
      if (result.find(l) != std::string::npos ||
          other.letters.find(l) != std::string::npos)
        keep += l;
    return keep;
  };
  a = einsumReduce(c, a, keepFor(ops[0], ops[1]));
  b = einsumReduce(c, b, keepFor(ops[1], ops[0]));
  std::string batch, m, k, nn;
  for (char l : a.letters) {
    bool inB = b.letters.find(l) != std::string::npos;
    bool inOut = result.find(l) != std::string::npos;
    (inB ? (inOut ? batch : k) : m) += l;
  }
  for (char l : b.letters)
    if (a.letters.find(l) == std::string::npos)
      nn += l;
  auto dims = [&](llvm::StringRef letters) {
    llvm::SmallVector<int64_t> s;
    for (char l : letters)
      s.push_back(sizes[std::string(1, l)]);
    return s;
  };
  auto prod = [&](llvm::StringRef letters) { return dimProduct(dims(letters)); };
  // Merging several run-time sizes is fine, splitting them again is not.
  for (llvm::StringRef group : {llvm::StringRef(batch), llvm::StringRef(m),
                                llvm::StringRef(nn)})
    if (llvm::count_if(dims(group), ShapedType::isDynamic) > 1)
      return c.fail("equation '" + eq + "': the letters '" + group +
                    "' have several run-time sizes");
  int64_t pb = prod(batch), pm = prod(m), pk = prod(k), pn = prod(nn);
  Value lhsV = c.reshape(einsumPermute(c, a, batch + m + k), {pb, pm, pk});
  Value rhsV = c.reshape(einsumPermute(c, b, batch + k + nn), {pb, pk, pn});
  auto type = RankedTensorType::get({pb, pm, pn}, c.elt(0));
  Value prodV = xf::MatMulOp::create(c.b(), c.loc(), type, lhsV, rhsV);
  std::string letters = batch + m + nn;
  EinsumTerm r{c.reshape(prodV, dims(letters)), letters};
  return c.done(einsumPermute(c, r, result));
}

} // namespace

void registerNNOps(OpRegistry &r) {
  r.on("MatMul", {1, 9, 13}, convertMatMul);
  r.on("Einsum", {12}, convertEinsum,
       "one or two operands: diagonals (strided slices; xf.trilu and a sum "
       "over run-time sizes), reduce, transpose and one batched matmul");
  // Before opset 7 C broadcasts only with broadcast=1 (else it is [M, N]):
  // numpy broadcasting covers both.
  r.on("Gemm", {1, 6, 7, 9, 11, 13}, convertGemm,
       "xf.linear for transB=1 (bias absorbed when alpha=beta=1), else "
       "xf.matmul + mul/add");
}

} // namespace xfc::onnx_import
