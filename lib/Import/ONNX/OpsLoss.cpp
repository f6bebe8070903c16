//===- OpsLoss.cpp - loss functions -> xf -----------------------------------===//
//
// NegativeLogLikelihoodLoss and SoftmaxCrossEntropyLoss, decomposed into xf
// ops the way the ONNX function bodies define them: the class score of each
// sample's target is picked with xf.gather_elements along the class axis,
// weighted (per-class weights and ignore_index as a zero weight), negated and
// reduced ('none', 'sum', or 'mean' = sum / total weight).
//
//===----------------------------------------------------------------------===//

#include "NodeContext.h"

using namespace mlir;
using xfc::xf::BinaryKind;
using xfc::xf::ReduceKind;

namespace xfc::onnx_import {
namespace {

enum class Reduction { none, sum, mean };

FailureOr<Reduction> lossReduction(NodeContext &c) {
  std::string r = c.attrString("reduction", "mean");
  if (c.failed())
    return failure();
  if (r == "none")
    return Reduction::none;
  if (r == "sum")
    return Reduction::sum;
  if (r == "mean")
    return Reduction::mean;
  return c.fail("reduction must be 'none', 'sum' or 'mean', not '" + r + "'");
}

/// Checks scores [N, C, d...] (input 0), targets [N, d...] (input 1) and the
/// optional per-class weights [C] (input 2).
LogicalResult checkLossOperands(NodeContext &c) {
  llvm::ArrayRef<int64_t> scores = c.shape(0), target = c.shape(1);
  if (!isa<FloatType>(c.elt(0)))
    return c.fail("the scores must be floating-point");
  if (scores.size() < 2)
    return c.fail("the scores " + shapeStr(scores) + " must be [N, C, d...]");
  if (!isa<IntegerType>(c.elt(1)) || c.elt(1).isInteger(1))
    return c.fail("the targets must be int32 or int64");
  llvm::SmallVector<int64_t> expected{scores[0]};
  llvm::append_range(expected, scores.drop_front(2));
  auto compatible = [](int64_t a, int64_t b) {
    return a == b || ShapedType::isDynamic(a) || ShapedType::isDynamic(b);
  };
  if (target.size() != expected.size() ||
      !llvm::all_of(llvm::zip(target, expected), [&](auto p) {
        return compatible(std::get<0>(p), std::get<1>(p));
      }))
    return c.fail("the targets " + shapeStr(target) + " must be " +
                  shapeStr(expected) + " for scores " + shapeStr(scores));
  if (c.has(2)) {
    if (c.elt(2) != c.elt(0))
      return c.fail("the weights must have the element type of the scores");
    if (c.rank(2) != 1 || !compatible(c.shape(2)[0], scores[1]))
      return c.fail("the weights " + shapeStr(c.shape(2)) + " must be [" +
                    llvm::Twine(scores[1]) + "]");
  }
  return success();
}

/// The loss of `logProb` [N, C, d...] (log-probabilities) against the
/// node's targets (input 1) and optional weights (input 2).
FailureOr<Value> negativeLogLikelihood(NodeContext &c, Value logProb) {
  FailureOr<Reduction> reduction = lossReduction(c);
  std::optional<int64_t> ignore;
  if (c.hasAttr("ignore_index"))
    ignore = c.attrInt("ignore_index", 0);
  if (c.failed() || failed(reduction))
    return failure();

  Type elt = c.elt(0), idxElt = c.elt(1);
  Value target = c.in(1);
  llvm::ArrayRef<int64_t> targetShape = c.shape(1);

  // Ignored samples read class 0 (any valid index) and weigh nothing.
  Value keep;
  if (ignore) {
    FailureOr<Value> ignored =
        c.binary(BinaryKind::eq, target, c.splat(idxElt, *ignore));
    if (failed(ignored))
      return failure();
    FailureOr<Value> safe = c.select(*ignored, c.splat(idxElt, 0), target);
    FailureOr<Value> kept = c.select(*ignored, c.splat(elt, 0), c.splat(elt, 1));
    if (failed(safe) || failed(kept))
      return failure();
    target = *safe;
    keep = *kept;
  }

  // picked[n, d...] = logProb[n, target[n, d...], d...]
  llvm::SmallVector<int64_t> indexShape{targetShape[0], 1};
  llvm::append_range(indexShape, targetShape.drop_front());
  Value index = c.reshape(target, indexShape);
  auto pickedType = RankedTensorType::get(indexShape, elt);
  Value picked = c.reshape(
      xf::GatherElementsOp::create(c.b(), c.loc(), pickedType, logProb, index,
                                   static_cast<uint64_t>(1)),
      targetShape);

  // weight[n, d...] = weights[target[n, d...]] (times keep), or keep, or 1.
  Value weight = keep;
  if (c.has(2)) {
    auto type = RankedTensorType::get(targetShape, elt);
    weight = xf::GatherOp::create(c.b(), c.loc(), type, c.in(2), target,
                                  static_cast<uint64_t>(0));
    if (keep) {
      FailureOr<Value> w = c.binary(BinaryKind::mul, weight, keep);
      if (failed(w))
        return failure();
      weight = *w;
    }
  }
  Value loss = c.unary(xf::UnaryKind::neg, picked);
  if (weight) {
    FailureOr<Value> weighted = c.binary(BinaryKind::mul, loss, weight);
    if (failed(weighted))
      return failure();
    loss = *weighted;
  }
  if (*reduction == Reduction::none)
    return loss;

  llvm::SmallVector<int64_t> all =
      llvm::to_vector(llvm::seq<int64_t>(0, targetShape.size()));
  if (*reduction == Reduction::sum)
    return c.reduce(ReduceKind::sum, loss, all, /*keepDims=*/false);
  if (!weight)
    return c.reduce(ReduceKind::mean, loss, all, /*keepDims=*/false);
  return c.binary(BinaryKind::div,
                  c.reduce(ReduceKind::sum, loss, all, /*keepDims=*/false),
                  c.reduce(ReduceKind::sum, weight, all, /*keepDims=*/false));
}

LogicalResult convertNegativeLogLikelihoodLoss(NodeContext &c) {
  if (failed(checkLossOperands(c)))
    return failure();
  FailureOr<Value> loss = negativeLogLikelihood(c, c.in(0));
  return failed(loss) ? failure() : c.done(*loss);
}

/// loss = NLL(LogSoftmax(scores, axis 1), labels); output 1 is the
/// log-probabilities.
LogicalResult convertSoftmaxCrossEntropyLoss(NodeContext &c) {
  if (failed(checkLossOperands(c)))
    return failure();
  Value scores = c.in(0);
  Value logProb = xf::SoftmaxOp::create(c.b(), c.loc(), scores.getType(),
                                        scores, static_cast<uint64_t>(1),
                                        /*log=*/true);
  FailureOr<Value> loss = negativeLogLikelihood(c, logProb);
  if (failed(loss))
    return failure();
  c.set(0, *loss);
  if (c.numOutputs() > 1)
    c.set(1, logProb);
  return success();
}

} // namespace

void registerLossOps(OpRegistry &r) {
  r.on("NegativeLogLikelihoodLoss", {12, 13}, convertNegativeLogLikelihoodLoss,
       "gather_elements of the target class, weighted and reduced");
  r.on("SoftmaxCrossEntropyLoss", {12, 13}, convertSoftmaxCrossEntropyLoss,
       "log_softmax over axis 1, then NegativeLogLikelihoodLoss");
}

} // namespace xfc::onnx_import
