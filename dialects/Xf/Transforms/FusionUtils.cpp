//===- FusionUtils.cpp - matchers shared by the xf fusion patterns --------===//

#include "FusionUtils.h"

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/Matchers.h"

using namespace mlir;

namespace xfc::xf::fusion {

std::optional<APFloat> getSplatFloat(Value v) {
  DenseElementsAttr attr;
  if (!v || !matchPattern(v, m_Constant(&attr)) || !attr.isSplat() ||
      !isa<FloatType>(attr.getElementType()))
    return std::nullopt;
  return attr.getSplatValue<APFloat>();
}

/// `expected` rounded to the semantics of `like`.
static APFloat roundedTo(double expected, const APFloat &like) {
  APFloat e(expected);
  bool losesInfo;
  (void)e.convert(like.getSemantics(), APFloat::rmNearestTiesToEven, &losesInfo);
  return e;
}

bool isSplatNear(Value v, double expected) {
  std::optional<APFloat> value = getSplatFloat(v);
  if (!value || value->isNaN())
    return false;
  APFloat e = roundedTo(expected, *value);
  if (value->compare(e) == APFloat::cmpEqual)
    return true;
  APFloat up = e, down = e;
  up.next(/*nextDown=*/false);
  down.next(/*nextDown=*/true);
  return value->compare(up) == APFloat::cmpEqual ||
         value->compare(down) == APFloat::cmpEqual;
}

bool isSplatExactly(Value v, double expected) {
  std::optional<APFloat> value = getSplatFloat(v);
  if (!value)
    return false;
  APFloat e(expected);
  bool losesInfo;
  (void)e.convert(value->getSemantics(), APFloat::rmNearestTiesToEven,
                  &losesInfo);
  return !losesInfo && value->compare(e) == APFloat::cmpEqual;
}

BinaryOp getBinary(Value v, BinaryKind kind) {
  auto op = v ? v.getDefiningOp<BinaryOp>() : nullptr;
  return op && op.getKind() == kind ? op : nullptr;
}

UnaryOp getUnary(Value v, UnaryKind kind) {
  auto op = v ? v.getDefiningOp<UnaryOp>() : nullptr;
  return op && op.getKind() == kind ? op : nullptr;
}

Value otherOperand(BinaryOp op, Value known) {
  if (op.getLhs() == known)
    return op.getRhs();
  if (op.getRhs() == known)
    return op.getLhs();
  return nullptr;
}

bool keepsTypeOf(BinaryOp op, Value operand) {
  return operand.getType() == op.getType();
}

Operation *singleUser(Value v) {
  return v && v.hasOneUse() ? *v.getUsers().begin() : nullptr;
}

bool onlyUsedBy(Value v, ArrayRef<Operation *> ops) {
  return llvm::all_of(v.getUsers(),
                      [&](Operation *user) { return llvm::is_contained(ops, user); });
}

std::optional<int64_t> trailingAxesStart(ArrayRef<int64_t> axes, int64_t rank) {
  if (axes.empty() || rank == 0)
    return std::nullopt;
  int64_t start = rank - (int64_t)axes.size();
  for (auto [i, a] : llvm::enumerate(axes))
    if (a != start + (int64_t)i)
      return std::nullopt;
  return start;
}

} // namespace xfc::xf::fusion
