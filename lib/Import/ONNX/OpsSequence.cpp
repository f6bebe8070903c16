//===- OpsSequence.cpp - Sequence and Optional ops ------------------------===//
//
// SequenceEmpty, SequenceConstruct, SequenceInsert, SequenceErase,
// SequenceAt, SequenceLength, SplitToSequence, ConcatFromSequence,
// SequenceMap, Optional, OptionalHasElement and OptionalGetElement, on the
// two-tensor form of Sequence.h. Positions and element sizes are index
// arithmetic on the shapes part. A position or rank that is wrong at run
// time is an xf.assert naming the node; execution then goes on (see
// xf.assert), so every read of the parts is clamped to stay in bounds.
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "NodeContext.h"
#include "Sequence.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace xfc::onnx_import {

//===----------------------------------------------------------------------===//
// The representation (Sequence.h)
//===----------------------------------------------------------------------===//

llvm::StringRef kindName(ValueKind kind) {
  switch (kind) {
  case ValueKind::Tensor:
    return "a tensor";
  case ValueKind::Sequence:
    return "a sequence";
  case ValueKind::OptionalTensor:
    return "an optional tensor";
  case ValueKind::OptionalSequence:
    return "an optional sequence";
  }
  return "a value";
}

bool takesNonTensor(llvm::StringRef opType, unsigned input) {
  if (opType == "Identity" || opType == "SequenceMap")
    return true;
  if (opType == "Loop")
    return input >= 2; // the loop-carried values
  return input == 0 &&
         llvm::is_contained({"SequenceInsert", "SequenceErase", "SequenceAt",
                             "SequenceLength", "ConcatFromSequence",
                             "Optional", "OptionalHasElement",
                             "OptionalGetElement"},
                            opType);
}

RankedTensorType sequenceShapesType(MLIRContext *ctx) {
  return RankedTensorType::get({ShapedType::kDynamic, ShapedType::kDynamic},
                               IntegerType::get(ctx, 64));
}

ValueState sequenceState(Value data, Value shapes,
                         RankedTensorType elementType) {
  ValueState s;
  s.value = data;
  s.type = cast<RankedTensorType>(data.getType());
  s.loc = data.getLoc();
  s.kind = ValueKind::Sequence;
  s.moreParts = {shapes};
  s.elementType = elementType;
  return s;
}

ValueState optionalState(const ValueState &payload, Value hasValue) {
  ValueState s = payload;
  s.constant = nullptr;
  s.blobName.clear();
  s.kind = payload.kind == ValueKind::Sequence ? ValueKind::OptionalSequence
                                               : ValueKind::OptionalTensor;
  if (payload.kind == ValueKind::Tensor)
    s.elementType = payload.type;
  s.moreParts.push_back(hasValue);
  return s;
}

ValueState payloadOf(const ValueState &optional) {
  ValueState s = optional;
  s.moreParts.pop_back();
  if (optional.kind == ValueKind::OptionalSequence) {
    s.kind = ValueKind::Sequence;
  } else {
    s.kind = ValueKind::Tensor;
    s.elementType = nullptr;
  }
  return s;
}

ValueState withParts(const ValueState &like, ValueRange parts) {
  ValueState s;
  s.value = parts.front();
  s.type = cast<RankedTensorType>(parts.front().getType());
  s.loc = parts.front().getLoc();
  s.kind = like.kind;
  s.moreParts.assign(parts.begin() + 1, parts.end());
  s.elementType = like.kind == ValueKind::OptionalTensor ? s.type
                                                         : like.elementType;
  return s;
}

RankedTensorType mergeElementTypes(RankedTensorType a, RankedTensorType b) {
  if (!a || !b || a.getRank() != b.getRank() ||
      a.getElementType() != b.getElementType())
    return {};
  SmallVector<int64_t> dims;
  for (auto [x, y] : llvm::zip(a.getShape(), b.getShape()))
    dims.push_back(x == y ? x : ShapedType::kDynamic);
  return RankedTensorType::get(dims, a.getElementType());
}

namespace {

//===----------------------------------------------------------------------===//
// Index arithmetic on the parts
//===----------------------------------------------------------------------===//

/// Builds at the node's location, wherever the builder is.
struct SeqBuilder {
  NodeContext &c;
  OpBuilder &b = c.b();
  Location loc = c.loc();

  Value idx(int64_t v) { return arith::ConstantIndexOp::create(b, loc, v); }
  Value add(Value x, Value y) { return arith::AddIOp::create(b, loc, x, y); }
  Value sub(Value x, Value y) { return arith::SubIOp::create(b, loc, x, y); }
  Value mul(Value x, Value y) { return arith::MulIOp::create(b, loc, x, y); }
  Value min(Value x, Value y) { return arith::MinSIOp::create(b, loc, x, y); }
  Value max(Value x, Value y) { return arith::MaxSIOp::create(b, loc, x, y); }
  Value cmp(arith::CmpIPredicate p, Value x, Value y) {
    return arith::CmpIOp::create(b, loc, p, x, y);
  }
  Value both(Value x, Value y) { return arith::AndIOp::create(b, loc, x, y); }
  Value pick(Value cond, Value x, Value y) {
    return arith::SelectOp::create(b, loc, cond, x, y);
  }
  Value dim(Value t, int64_t d) { return tensor::DimOp::create(b, loc, t, d); }
  Value toIndex(Value i64) {
    return arith::IndexCastOp::create(b, loc, b.getIndexType(), i64);
  }
  Value toI64(Value index) {
    return arith::IndexCastOp::create(b, loc, b.getI64Type(), index);
  }
  /// A tensor<i1> holding `ok`, for NodeContext::check.
  Value flag(Value ok) {
    return tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({}, b.getI1Type()), ValueRange{ok});
  }
  Value empty(ArrayRef<Value> sizes, Type elt) {
    SmallVector<int64_t> shape(sizes.size(), ShapedType::kDynamic);
    return tensor::EmptyOp::create(b, loc, shape, elt, sizes);
  }

  /// shapes[row, col], 0 outside the tensor.
  Value shapeAt(Value shapes, Value row, Value col) {
    Value inside = both(cmp(arith::CmpIPredicate::ult, row, dim(shapes, 0)),
                        cmp(arith::CmpIPredicate::ult, col, dim(shapes, 1)));
    auto ifOp = scf::IfOp::create(
        b, loc, inside,
        [&](OpBuilder &bb, Location l) {
          Value v = tensor::ExtractOp::create(bb, l, shapes,
                                              ValueRange{row, col});
          scf::YieldOp::create(
              bb, l, ValueRange{arith::IndexCastOp::create(
                         bb, l, bb.getIndexType(), v)});
        },
        [&](OpBuilder &bb, Location l) {
          scf::YieldOp::create(
              bb, l, ValueRange{arith::ConstantIndexOp::create(bb, l, 0)});
        });
    return ifOp.getResult(0);
  }

  /// The number of scalars of element `k`: the product of its row (1 for
  /// a rank-0 element), 0 when there is no element `k`.
  Value elementSize(Value shapes, Value k) {
    Value exists = cmp(arith::CmpIPredicate::ult, k, dim(shapes, 0));
    auto loop = scf::ForOp::create(
        b, loc, idx(0), dim(shapes, 1), idx(1),
        ValueRange{pick(exists, idx(1), idx(0))},
        [&](OpBuilder &bb, Location, Value j, ValueRange acc) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(bb.getInsertionBlock(),
                              bb.getInsertionPoint());
          scf::YieldOp::create(b, loc,
                               ValueRange{mul(acc[0], shapeAt(shapes, k, j))});
        });
    return loop.getResult(0);
  }

  /// Where element `k` starts in the data: the sizes of the elements
  /// before it.
  Value elementOffset(Value shapes, Value k) {
    auto loop = scf::ForOp::create(
        b, loc, idx(0), min(k, dim(shapes, 0)), idx(1), ValueRange{idx(0)},
        [&](OpBuilder &bb, Location, Value i, ValueRange acc) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(bb.getInsertionBlock(),
                              bb.getInsertionPoint());
          scf::YieldOp::create(b, loc,
                               ValueRange{add(acc[0], elementSize(shapes, i))});
        });
    return loop.getResult(0);
  }

  /// The 1-D slice [offset, offset + size) of `data`, clamped to it.
  Value dataSlice(Value data, Value offset, Value size) {
    Value n = dim(data, 0);
    offset = min(offset, n);
    size = max(min(size, sub(n, offset)), idx(0));
    return tensor::ExtractSliceOp::create(
        b, loc, data, ArrayRef<OpFoldResult>{offset},
        ArrayRef<OpFoldResult>{size}, ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }

  /// `t` flattened to 1-D, row-major.
  Value flatten(Value t) {
    auto type = cast<RankedTensorType>(t.getType());
    if (type.getRank() == 1)
      return t;
    if (type.getRank() == 0)
      return tensor::ExpandShapeOp::create(
          b, loc, RankedTensorType::get({1}, type.getElementType()), t,
          ArrayRef<ReassociationIndices>{});
    ReassociationIndices all;
    for (int64_t d = 0; d < type.getRank(); ++d)
      all.push_back(d);
    return tensor::CollapseShapeOp::create(b, loc, t,
                                           ArrayRef<ReassociationIndices>{all});
  }

  /// The number of scalars of tensor `t`.
  Value numElements(Value t) {
    Value n = idx(1);
    for (int64_t d = 0; d < cast<RankedTensorType>(t.getType()).getRank(); ++d)
      n = mul(n, dim(t, d));
    return n;
  }

  /// `t`'s shape as a 1 x rank i64 row.
  Value shapeRow(Value t) {
    int64_t rank = cast<RankedTensorType>(t.getType()).getRank();
    SmallVector<Value> dims;
    for (int64_t d = 0; d < rank; ++d)
      dims.push_back(toI64(dim(t, d)));
    return tensor::FromElementsOp::create(
        b, loc, RankedTensorType::get({1, rank}, b.getI64Type()), dims);
  }

  /// `dest` with 2-D `src` written at (row, 0).
  Value insertRows(Value src, Value dest, Value row) {
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, src);
    return tensor::InsertSliceOp::create(
        b, loc, src, dest, ArrayRef<OpFoldResult>{row, b.getIndexAttr(0)},
        sizes, ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  }

  /// Rows [from, from + count) of `shapes`, columns [0, cols).
  Value rows(Value shapes, Value from, Value count, Value cols) {
    return tensor::ExtractSliceOp::create(
        b, loc, shapes, ArrayRef<OpFoldResult>{from, b.getIndexAttr(0)},
        ArrayRef<OpFoldResult>{count, cols},
        ArrayRef<OpFoldResult>{b.getIndexAttr(1), b.getIndexAttr(1)});
  }

  /// `dest` with 1-D `src` written at `offset`.
  Value insertData(Value src, Value dest, Value offset) {
    return tensor::InsertSliceOp::create(
        b, loc, src, dest, ArrayRef<OpFoldResult>{offset},
        tensor::getMixedSizes(b, loc, src),
        ArrayRef<OpFoldResult>{b.getIndexAttr(1)});
  }
};

/// The sequence input `i`, or a problem when it is not a sequence.
FailureOr<ValueState> sequenceInput(NodeContext &c, unsigned i,
                                    llvm::StringRef what = "input") {
  if (!c.has(i))
    return c.fail(what + " is missing");
  const ValueState &s = c.state(i);
  if (s.kind != ValueKind::Sequence)
    return c.fail(what + " must be a sequence, not " + kindName(s.kind));
  return s;
}

/// Position input `i` (one int32/int64 element) as an index in [0, n) (or
/// [0, n] for an insertion), negative ones counting from the end; `dflt`
/// when absent. Out of range is a run-time error naming the node; the
/// index is then clamped.
FailureOr<Value> position(NodeContext &c, unsigned i, Value n, bool insertion,
                          Value dflt) {
  SeqBuilder s{c};
  if (!c.has(i))
    return dflt;
  RankedTensorType t = c.type(i);
  if (!t.getElementType().isInteger(32) && !t.getElementType().isInteger(64))
    return c.fail("the position must be int32 or int64");
  if (t.getRank() > 1 || (t.getRank() == 1 && t.getDimSize(0) != 1 &&
                          !t.isDynamicDim(0)))
    return c.fail("the position must be a scalar, not " +
                  shapeStr(t.getShape()));
  Value in = c.in(i);
  Value p;
  if (t.getRank() == 1 && t.isDynamicDim(0)) {
    // One element, checked at run time; none reads as 0.
    Value size = s.dim(in, 0);
    c.check(s.flag(s.cmp(arith::CmpIPredicate::eq, size, s.idx(1))),
            "the position must have one element");
    auto read = scf::IfOp::create(
        c.b(), c.loc(), s.cmp(arith::CmpIPredicate::sgt, size, s.idx(0)),
        [&](OpBuilder &bb, Location l) {
          Value v = tensor::ExtractOp::create(
              bb, l, in, ValueRange{arith::ConstantIndexOp::create(bb, l, 0)});
          scf::YieldOp::create(bb, l, ValueRange{v});
        },
        [&](OpBuilder &bb, Location l) {
          scf::YieldOp::create(
              bb, l,
              ValueRange{arith::ConstantIntOp::create(bb, l, t.getElementType(), 0)});
        });
    p = read.getResult(0);
  } else {
    SmallVector<Value> zeros(t.getRank(), s.idx(0));
    p = tensor::ExtractOp::create(c.b(), c.loc(), in, zeros);
  }
  p = arith::IndexCastOp::create(c.b(), c.loc(), c.b().getIndexType(), p);
  Value end = insertion ? n : s.sub(n, s.idx(1));
  Value lowOk = s.cmp(arith::CmpIPredicate::sge, p, s.sub(s.idx(0), n));
  Value highOk = s.cmp(arith::CmpIPredicate::sle, p, end);
  c.check(s.flag(s.both(lowOk, highOk)),
          llvm::Twine("the position must be in [-n, ") +
              (insertion ? "n" : "n-1") + "] for a sequence of n elements");
  Value wrapped = s.pick(s.cmp(arith::CmpIPredicate::slt, p, s.idx(0)),
                         s.add(p, n), p);
  return s.max(s.min(wrapped, s.max(end, s.idx(0))), s.idx(0));
}

/// Element `k` of sequence `seq` as a tensor of `want`'s rank. Its shape
/// is checked at run time against `want`'s static sizes (and its rank);
/// after a failed check the result is an uninitialized tensor of `want`'s
/// static sizes (0 for the dynamic ones), never a read out of bounds.
Value elementAt(NodeContext &c, const ValueState &seq, Value k,
                RankedTensorType want) {
  SeqBuilder s{c};
  Value data = seq.value, shapes = seq.moreParts[0];
  int64_t rank = want.getRank();
  Value offset = s.elementOffset(shapes, k);
  Value size = s.elementSize(shapes, k);
  Value ok = s.both(s.cmp(arith::CmpIPredicate::ult, k, s.dim(shapes, 0)),
                    s.cmp(arith::CmpIPredicate::eq, s.dim(shapes, 1),
                          s.idx(rank)));
  SmallVector<Value> dims;
  for (int64_t d = 0; d < rank; ++d) {
    dims.push_back(s.shapeAt(shapes, k, s.idx(d)));
    if (!want.isDynamicDim(d))
      ok = s.both(ok, s.cmp(arith::CmpIPredicate::eq, dims.back(),
                            s.idx(want.getDimSize(d))));
  }
  Value end = s.add(offset, size);
  ok = s.both(ok, s.cmp(arith::CmpIPredicate::ule, end, s.dim(data, 0)));
  c.check(s.flag(ok), "the element must have rank " + llvm::Twine(rank) +
                          (want.hasStaticShape() && rank > 0
                               ? " and the shape " + shapeStr(want.getShape())
                               : std::string()));
  OpBuilder &b = c.b();
  auto ifOp = scf::IfOp::create(
      b, c.loc(), ok,
      [&](OpBuilder &bb, Location) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bb.getInsertionBlock(), bb.getInsertionPoint());
        Value slice = s.dataSlice(data, offset, size);
        SmallVector<Value> dims64;
        for (Value d : dims)
          dims64.push_back(s.toI64(d));
        Value shape = tensor::FromElementsOp::create(
            b, c.loc(), RankedTensorType::get({rank}, b.getI64Type()),
            dims64);
        SmallVector<int64_t> dyn(rank, ShapedType::kDynamic);
        Value elem = tensor::ReshapeOp::create(
            b, c.loc(), RankedTensorType::get(dyn, want.getElementType()),
            slice, shape);
        if (elem.getType() != want)
          elem = tensor::CastOp::create(b, c.loc(), want, elem);
        scf::YieldOp::create(b, c.loc(), ValueRange{elem});
      },
      [&](OpBuilder &bb, Location) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bb.getInsertionBlock(), bb.getInsertionPoint());
        SmallVector<Value> zeros;
        for (int64_t d = 0; d < rank; ++d)
          if (want.isDynamicDim(d))
            zeros.push_back(s.idx(0));
        Value none = tensor::EmptyOp::create(b, c.loc(), want, zeros);
        scf::YieldOp::create(b, c.loc(), ValueRange{none});
      });
  return ifOp.getResult(0);
}

/// The sequence with `t` inserted before element `p` (p = count appends).
/// The rank of `t` must be the elements' (checked at run time unless the
/// sequence is empty).
ValueState insertElement(NodeContext &c, const ValueState &seq, Value t,
                         Value p) {
  SeqBuilder s{c};
  Value data = seq.value, shapes = seq.moreParts[0];
  auto type = cast<RankedTensorType>(t.getType());
  int64_t rank = type.getRank();
  Value n = s.dim(shapes, 0), cols = s.dim(shapes, 1);
  c.check(s.flag(arith::OrIOp::create(
              c.b(), c.loc(), s.cmp(arith::CmpIPredicate::eq, n, s.idx(0)),
              s.cmp(arith::CmpIPredicate::eq, cols, s.idx(rank)))),
          "the tensor (rank " + llvm::Twine(rank) +
              ") must have the rank of the sequence's elements");
  Value offset = s.min(s.elementOffset(shapes, p), s.dim(data, 0));
  Value size = s.numElements(t);
  Value dataSize = s.dim(data, 0);
  Value newData = s.empty({s.add(dataSize, size)}, type.getElementType());
  newData = s.insertData(s.dataSlice(data, s.idx(0), offset), newData, s.idx(0));
  newData = s.insertData(s.flatten(t), newData, offset);
  newData = s.insertData(s.dataSlice(data, offset, s.sub(dataSize, offset)),
                         newData, s.add(offset, size));
  Value width = s.min(cols, s.idx(rank));
  Value newShapes = s.empty({s.add(n, s.idx(1)), s.idx(rank)},
                            c.b().getI64Type());
  newShapes = s.insertRows(s.rows(shapes, s.idx(0), p, width), newShapes,
                           s.idx(0));
  if (rank > 0)
    newShapes = s.insertRows(s.shapeRow(t), newShapes, p);
  newShapes = s.insertRows(s.rows(shapes, p, s.sub(n, p), width), newShapes,
                           s.add(p, s.idx(1)));
  RankedTensorType elementType =
      seq.elementType && seq.elementType.getRank() == rank
          ? mergeElementTypes(seq.elementType, type)
          : RankedTensorType::get(
                SmallVector<int64_t>(rank, ShapedType::kDynamic),
                type.getElementType());
  return sequenceState(newData, newShapes, elementType);
}

/// An empty sequence of `elt` elements (of unknown rank until one is
/// inserted).
ValueState emptySequence(NodeContext &c, Type elt,
                         RankedTensorType elementType = {}) {
  SeqBuilder s{c};
  return sequenceState(s.empty({s.idx(0)}, elt),
                       s.empty({s.idx(0), s.idx(0)}, c.b().getI64Type()),
                       elementType);
}

/// The element type input `i`'s sequence is known to have, else the rank
/// the model declares for output `out` (`extraRank` more than an
/// element's); a problem when neither is known.
FailureOr<RankedTensorType> elementTypeFor(NodeContext &c,
                                           const ValueState &seq, unsigned out,
                                           int64_t extraRank = 0) {
  if (seq.elementType)
    return seq.elementType;
  std::optional<int64_t> rank = c.declaredRank(out);
  if (!rank || *rank < extraRank)
    return c.fail("the rank of the sequence's elements is not known at "
                  "compile time (declare the output's rank)");
  return RankedTensorType::get(
      SmallVector<int64_t>(*rank - extraRank, ShapedType::kDynamic),
      seq.type.getElementType());
}

//===----------------------------------------------------------------------===//
// Converters
//===----------------------------------------------------------------------===//

LogicalResult convertSequenceEmpty(NodeContext &c) {
  int64_t dtype = c.attrInt("dtype", dt::Float);
  Type elt = dtypeToType(c.ctx(), static_cast<int32_t>(dtype));
  if (!elt)
    return c.fail("dtype " + dtypeName(static_cast<int32_t>(dtype)) +
                  " is not supported");
  c.setState(0, emptySequence(c, elt));
  return success();
}

LogicalResult convertSequenceConstruct(NodeContext &c) {
  if (c.numInputs() == 0)
    return c.fail("needs at least one tensor");
  RankedTensorType first = c.type(0), known = first;
  for (unsigned i = 1; i < c.numInputs(); ++i) {
    if (c.elt(i) != first.getElementType() || c.rank(i) != first.getRank())
      return c.fail("input " + llvm::Twine(i) + " (" +
                    shapeStr(c.shape(i)) + ") differs from input 0 (" +
                    shapeStr(first.getShape()) +
                    ") in element type or rank; xfc's sequences hold "
                    "tensors of one element type and rank");
    known = mergeElementTypes(known, c.type(i));
  }
  ValueState seq = emptySequence(c, first.getElementType());
  SeqBuilder s{c};
  for (unsigned i = 0; i < c.numInputs(); ++i)
    seq = insertElement(c, seq, c.in(i), s.idx(i));
  seq.elementType = known;
  c.setState(0, seq);
  return success();
}

LogicalResult convertSequenceInsert(NodeContext &c) {
  FailureOr<ValueState> seq = sequenceInput(c, 0, "the sequence");
  if (failed(seq))
    return failure();
  if (!c.has(1))
    return c.fail("the tensor to insert is missing");
  if (c.elt(1) != seq->type.getElementType())
    return c.fail("the tensor's element type differs from the sequence's");
  SeqBuilder s{c};
  Value n = s.dim(seq->moreParts[0], 0);
  FailureOr<Value> p = position(c, 2, n, /*insertion=*/true, n);
  if (failed(p))
    return failure();
  c.setState(0, insertElement(c, *seq, c.in(1), *p));
  return success();
}

LogicalResult convertSequenceErase(NodeContext &c) {
  FailureOr<ValueState> seq = sequenceInput(c, 0, "the sequence");
  if (failed(seq))
    return failure();
  SeqBuilder s{c};
  Value data = seq->value, shapes = seq->moreParts[0];
  Value n = s.dim(shapes, 0), cols = s.dim(shapes, 1);
  FailureOr<Value> p =
      position(c, 1, n, /*insertion=*/false, s.max(s.sub(n, s.idx(1)), s.idx(0)));
  if (failed(p))
    return failure();
  Value offset = s.min(s.elementOffset(shapes, *p), s.dim(data, 0));
  Value dataSize = s.dim(data, 0);
  Value size = s.min(s.elementSize(shapes, *p), s.sub(dataSize, offset));
  Value after = s.add(offset, size);
  Value newData = s.empty({s.sub(dataSize, size)}, seq->type.getElementType());
  newData = s.insertData(s.dataSlice(data, s.idx(0), offset), newData, s.idx(0));
  newData = s.insertData(s.dataSlice(data, after, s.sub(dataSize, after)),
                         newData, offset);
  // Erasing from an empty sequence (a failed check) keeps it empty.
  Value next = s.min(s.add(*p, s.idx(1)), n);
  Value newShapes =
      s.empty({s.sub(n, s.sub(next, *p)), cols}, c.b().getI64Type());
  newShapes = s.insertRows(s.rows(shapes, s.idx(0), *p, cols), newShapes,
                           s.idx(0));
  newShapes = s.insertRows(s.rows(shapes, next, s.sub(n, next), cols),
                           newShapes, *p);
  c.setState(0, sequenceState(newData, newShapes, seq->elementType));
  return success();
}

LogicalResult convertSequenceAt(NodeContext &c) {
  FailureOr<ValueState> seq = sequenceInput(c, 0, "the sequence");
  if (failed(seq))
    return failure();
  FailureOr<RankedTensorType> elementType = elementTypeFor(c, *seq, 0);
  if (failed(elementType))
    return failure();
  RankedTensorType want = *elementType;
  if (std::optional<RankedTensorType> declared = c.declaredType(0);
      declared && declared->getRank() == want.getRank())
    want = *declared;
  SeqBuilder s{c};
  Value n = s.dim(seq->moreParts[0], 0);
  FailureOr<Value> p = position(c, 1, n, /*insertion=*/false, Value());
  if (failed(p))
    return failure();
  if (!*p)
    return c.fail("the position is missing");
  return c.done(elementAt(c, *seq, *p, want));
}

LogicalResult convertSequenceLength(NodeContext &c) {
  FailureOr<ValueState> seq = sequenceInput(c, 0, "the sequence");
  if (failed(seq))
    return failure();
  SeqBuilder s{c};
  Value n = s.toI64(s.dim(seq->moreParts[0], 0));
  return c.done(tensor::FromElementsOp::create(
      c.b(), c.loc(), RankedTensorType::get({}, c.b().getI64Type()),
      ValueRange{n}));
}

/// SplitToSequence: pieces of `split` sizes along `axis` (each size given,
/// or one size for all with a shorter last piece), or pieces of 1 with the
/// axis kept or dropped. One loop writes each piece, flattened, after the
/// previous one.
LogicalResult convertSplitToSequence(NodeContext &c) {
  RankedTensorType type = c.type(0);
  FailureOr<int64_t> axis = c.normAxis(c.attrInt("axis", 0), type.getRank());
  if (failed(axis))
    return failure();
  bool keepDims = c.attrInt("keepdims", 1) != 0;
  SeqBuilder s{c};
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value x = c.in(0);
  Value length = s.dim(x, *axis);
  // Piece i is [start(i), start(i) + size(i)): sizes from `split`, or
  // `chunk` each with the last one cut at the end.
  Value chunk = s.idx(1), sizes, count;
  if (c.has(1)) {
    RankedTensorType st = c.type(1);
    if (!st.getElementType().isInteger(32) &&
        !st.getElementType().isInteger(64))
      return c.fail("split must be int32 or int64");
    if (st.getRank() > 1)
      return c.fail("split must be a scalar or 1-D");
    // A scalar gives every piece's size; a 1-D tensor (even of one
    // element) lists them.
    if (st.getRank() == 0) {
      chunk = s.toIndex(tensor::ExtractOp::create(b, loc, c.in(1)));
      c.check(s.flag(s.cmp(arith::CmpIPredicate::sgt, chunk, s.idx(0))),
              "a scalar split must be positive");
      chunk = s.max(chunk, s.idx(1));
    } else {
      sizes = c.in(1);
      count = s.dim(sizes, 0);
    }
  }
  if (!count) // ceil(length / chunk)
    count = arith::CeilDivSIOp::create(b, loc, length, chunk);
  bool dropAxis = !c.has(1) && !keepDims;
  SmallVector<int64_t> eltShape(type.getShape());
  eltShape[*axis] = (!c.has(1)) ? 1 : ShapedType::kDynamic;
  if (dropAxis)
    eltShape.erase(eltShape.begin() + *axis);
  int64_t rank = static_cast<int64_t>(eltShape.size());
  Value data = s.empty({s.numElements(x)}, type.getElementType());
  Value shapes = s.empty({count, s.idx(rank)}, b.getI64Type());
  auto loop = scf::ForOp::create(
      b, loc, s.idx(0), count, s.idx(1),
      ValueRange{data, shapes, s.idx(0), s.idx(0)},
      [&](OpBuilder &bb, Location, Value i, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bb.getInsertionBlock(), bb.getInsertionPoint());
        Value start = acc[2], written = acc[3];
        Value size = chunk;
        if (sizes) {
          Value v = tensor::ExtractOp::create(b, loc, sizes, ValueRange{i});
          size = s.max(s.toIndex(v), s.idx(0));
        }
        size = s.min(size, s.sub(length, start));
        SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
            lengths = tensor::getMixedSizes(b, loc, x),
            strides(type.getRank(), b.getIndexAttr(1));
        offsets[*axis] = start;
        lengths[*axis] = size;
        Value piece = tensor::ExtractSliceOp::create(b, loc, x, offsets,
                                                     lengths, strides);
        Value flat = s.flatten(piece);
        Value newData = s.insertData(flat, acc[0], written);
        SmallVector<Value> row;
        for (int64_t d = 0; d < type.getRank(); ++d)
          if (!(dropAxis && d == *axis))
            row.push_back(s.toI64(s.dim(piece, d)));
        Value newShapes = acc[1];
        if (rank > 0)
          newShapes = s.insertRows(
              tensor::FromElementsOp::create(
                  b, loc, RankedTensorType::get({1, rank}, b.getI64Type()),
                  row),
              newShapes, i);
        scf::YieldOp::create(b, loc,
                             ValueRange{newData, newShapes, s.add(start, size),
                                        s.add(written, s.dim(flat, 0))});
      });
  if (sizes)
    c.check(s.flag(s.cmp(arith::CmpIPredicate::eq, loop.getResult(2), length)),
            "the split sizes must add up to the length of the axis");
  // Pieces cut at the end of the axis (a failed check) leave data unused.
  Value used = s.dataSlice(loop.getResult(0), s.idx(0), loop.getResult(3));
  c.setState(0, sequenceState(used, tensor::CastOp::create(
                                        b, loc, sequenceShapesType(c.ctx()),
                                        loop.getResult(1)),
                              RankedTensorType::get(eltShape,
                                                    type.getElementType())));
  return success();
}

/// ConcatFromSequence: the elements joined along `axis` (stacked along a
/// new one with new_axis=1). Every element must have the first one's sizes
/// except along the axis; an element that does not is reported and left
/// out.
LogicalResult convertConcatFromSequence(NodeContext &c) {
  FailureOr<ValueState> seq = sequenceInput(c, 0, "the sequence");
  if (failed(seq))
    return failure();
  bool newAxis = c.attrInt("new_axis", 0) != 0;
  FailureOr<RankedTensorType> elementType =
      elementTypeFor(c, *seq, 0, newAxis ? 1 : 0);
  if (failed(elementType))
    return failure();
  int64_t rank = elementType->getRank();
  int64_t outRank = rank + (newAxis ? 1 : 0);
  if (outRank == 0)
    return c.fail("the elements are scalars; concatenating needs new_axis=1");
  FailureOr<int64_t> axis = c.normAxis(c.attrInt("axis", 0), outRank);
  if (failed(axis))
    return failure();
  SeqBuilder s{c};
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value shapes = seq->moreParts[0];
  Value n = s.dim(shapes, 0);
  c.check(s.flag(s.cmp(arith::CmpIPredicate::sgt, n, s.idx(0))),
          "the sequence must not be empty");
  // The result's sizes: element 0's, and along the axis the sum of all.
  auto elementDim = [&](int64_t d) { return newAxis && d > *axis ? d - 1 : d; };
  SmallVector<Value> sizes;
  for (int64_t d = 0; d < outRank; ++d)
    sizes.push_back(newAxis && d == *axis
                        ? n
                        : s.shapeAt(shapes, s.idx(0), s.idx(elementDim(d))));
  if (!newAxis) {
    auto sum = scf::ForOp::create(
        b, loc, s.idx(0), n, s.idx(1), ValueRange{s.idx(0)},
        [&](OpBuilder &bb, Location, Value k, ValueRange acc) {
          OpBuilder::InsertionGuard guard(b);
          b.setInsertionPoint(bb.getInsertionBlock(), bb.getInsertionPoint());
          scf::YieldOp::create(
              b, loc,
              ValueRange{s.add(acc[0], s.shapeAt(shapes, k, s.idx(*axis)))});
        });
    sizes[*axis] = sum.getResult(0);
  }
  Value result = s.empty(sizes, elementType->getElementType());
  RankedTensorType dynElement = RankedTensorType::get(
      SmallVector<int64_t>(rank, ShapedType::kDynamic),
      elementType->getElementType());
  auto loop = scf::ForOp::create(
      b, loc, s.idx(0), n, s.idx(1), ValueRange{result, s.idx(0)},
      [&](OpBuilder &bb, Location, Value k, ValueRange acc) {
        OpBuilder::InsertionGuard guard(b);
        b.setInsertionPoint(bb.getInsertionBlock(), bb.getInsertionPoint());
        Value elem = elementAt(c, *seq, k, dynElement);
        Value along = newAxis ? s.idx(1) : s.dim(elem, *axis);
        Value fits = s.cmp(arith::CmpIPredicate::ule, s.add(acc[1], along),
                           sizes[*axis]);
        for (int64_t d = 0; d < outRank; ++d)
          if (d != *axis)
            fits = s.both(fits, s.cmp(arith::CmpIPredicate::eq,
                                      s.dim(elem, elementDim(d)), sizes[d]));
        c.check(s.flag(fits), "every element must have the sizes of the "
                              "first except along the axis");
        auto write = scf::IfOp::create(
            b, loc, fits,
            [&](OpBuilder &ib, Location) {
              OpBuilder::InsertionGuard g(b);
              b.setInsertionPoint(ib.getInsertionBlock(),
                                  ib.getInsertionPoint());
              SmallVector<OpFoldResult> offsets(outRank, b.getIndexAttr(0)),
                  lengths, strides(outRank, b.getIndexAttr(1));
              offsets[*axis] = acc[1];
              for (int64_t d = 0; d < outRank; ++d)
                lengths.push_back(newAxis && d == *axis
                                      ? OpFoldResult(b.getIndexAttr(1))
                                      : OpFoldResult(
                                            s.dim(elem, elementDim(d))));
              Value r = tensor::InsertSliceOp::create(b, loc, elem, acc[0],
                                                      offsets, lengths,
                                                      strides);
              scf::YieldOp::create(b, loc, ValueRange{r});
            },
            [&](OpBuilder &eb, Location) {
              scf::YieldOp::create(eb, loc, ValueRange{acc[0]});
            });
        scf::YieldOp::create(
            b, loc, ValueRange{write.getResult(0), s.add(acc[1], along)});
      });
  return c.done(loop.getResult(0));
}

/// SequenceMap: the body runs once per element of the sequence inputs
/// (tensor inputs are the same each time); each output collects one
/// element per run. Built as the loop of its ONNX function (SequenceAt,
/// body, SequenceInsert) without a Loop node.
LogicalResult convertSequenceMap(NodeContext &c) {
  const onnx::GraphProto *body = c.attrGraph("body");
  if (!body)
    return c.failed() ? failure() : c.fail("the body is missing");
  FailureOr<ValueState> first = sequenceInput(c, 0);
  if (failed(first))
    return failure();
  if (body->input_size() != static_cast<int>(c.numInputs()) ||
      body->output_size() != static_cast<int>(c.numOutputs()))
    return c.fail("the body must have one input per input and one output "
                  "per output");
  SeqBuilder s{c};
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value n = s.dim(first->moreParts[0], 0);
  for (unsigned i = 1; i < c.numInputs(); ++i)
    if (c.state(i).kind == ValueKind::Sequence)
      c.check(s.flag(s.cmp(arith::CmpIPredicate::eq,
                           s.dim(c.state(i).moreParts[0], 0), n)),
              "the sequences must have the same length");
  // The body, for iteration k, into a detached block.
  Block block;
  Value k = block.addArgument(b.getIndexType(), loc);
  std::vector<ValueState> outputs;
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&block);
    SmallVector<ValueState> inputs;
    for (unsigned i = 0; i < c.numInputs(); ++i) {
      const ValueState &in = c.state(i);
      if (in.kind == ValueKind::Tensor) {
        inputs.push_back(in);
        continue;
      }
      if (in.kind != ValueKind::Sequence)
        return c.fail("input " + llvm::Twine(i) +
                      " must be a tensor or a sequence");
      RankedTensorType want = in.elementType;
      const onnx::TypeProto &declared = body->input(i).type();
      if (!want && declared.has_tensor_type() &&
          declared.tensor_type().has_shape())
        want = RankedTensorType::get(
            SmallVector<int64_t>(declared.tensor_type().shape().dim_size(),
                                 ShapedType::kDynamic),
            in.type.getElementType());
      if (!want)
        return c.fail("the rank of input " + llvm::Twine(i) +
                      "'s elements is not known at compile time");
      ValueState elem;
      elem.value = elementAt(c, in, k, want);
      elem.type = want;
      elem.loc = loc;
      inputs.push_back(elem);
    }
    FailureOr<std::vector<ValueState>> results =
        c.importSubgraph(*body, "body", inputs);
    if (failed(results))
      return failure();
    outputs = std::move(*results);
    for (ValueState &out : outputs) {
      if (out.kind != ValueKind::Tensor)
        return c.fail("the body's outputs must be tensors");
      out.value = c.materialize(out);
    }
  }
  // An scf.while, not an scf.for: canonicalization would narrow an
  // scf.for's carried data to the empty initial's static size.
  SmallVector<Value> inits{s.idx(0)};
  for (const ValueState &out : outputs) {
    ValueState empty = emptySequence(c, out.type.getElementType());
    inits.push_back(empty.value);
    inits.push_back(empty.moreParts[0]);
  }
  auto loop = scf::WhileOp::create(
      b, loc, ValueRange(inits).getTypes(), inits,
      [&](OpBuilder &bb, Location l, ValueRange args) {
        Value go = arith::CmpIOp::create(bb, l, arith::CmpIPredicate::slt,
                                         args[0], n);
        scf::ConditionOp::create(bb, l, go, args);
      },
      [&](OpBuilder &bb, Location, ValueRange args) {
        OpBuilder::InsertionGuard guard(b);
        Block *after = bb.getInsertionBlock();
        k.replaceAllUsesWith(args[0]);
        after->getOperations().splice(after->end(), block.getOperations());
        b.setInsertionPointToEnd(after);
        SmallVector<Value> yielded{s.add(args[0], s.idx(1))};
        for (auto [j, out] : llvm::enumerate(outputs)) {
          Value data = args[1 + 2 * j], shapes = args[2 + 2 * j];
          ValueState next =
              insertElement(c, sequenceState(data, shapes, RankedTensorType()),
                            out.value, s.dim(shapes, 0));
          yielded.push_back(next.value);
          yielded.push_back(next.moreParts[0]);
        }
        scf::YieldOp::create(b, loc, yielded);
      });
  for (auto [j, out] : llvm::enumerate(outputs))
    c.setState(j, sequenceState(loop.getResult(1 + 2 * j),
                                loop.getResult(2 + 2 * j), out.type));
  return success();
}

/// Optional: a value, or none of the attribute's type.
LogicalResult convertOptional(NodeContext &c) {
  SeqBuilder s{c};
  OpBuilder &b = c.b();
  auto flag = [&](bool v) {
    return arith::ConstantOp::create(
        b, c.loc(),
        DenseElementsAttr::get(RankedTensorType::get({}, b.getI1Type()), v));
  };
  if (c.has(0)) {
    if (c.state(0).kind != ValueKind::Tensor &&
        c.state(0).kind != ValueKind::Sequence)
      return c.fail("the input must be a tensor or a sequence");
    ValueState payload = c.state(0);
    payload.value = c.parts(0).front();
    c.setState(0, optionalState(payload, flag(true)));
    return success();
  }
  const onnx::TypeProto *type = c.attrType("type");
  if (!type)
    return c.failed() ? failure()
                      : c.fail("without an input, the 'type' attribute must "
                               "give the optional's type");
  bool isSequence = type->has_sequence_type();
  const onnx::TypeProto &tensorProto =
      isSequence ? type->sequence_type().elem_type() : *type;
  if (!tensorProto.has_tensor_type())
    return c.fail("only optional tensors and sequences of tensors are "
                  "supported");
  Type elt = dtypeToType(c.ctx(), tensorProto.tensor_type().elem_type());
  if (!elt)
    return c.fail("the optional's element type is not supported");
  RankedTensorType elementType;
  if (tensorProto.tensor_type().has_shape()) {
    SmallVector<int64_t> dims;
    for (const auto &d : tensorProto.tensor_type().shape().dim())
      dims.push_back(d.has_dim_value() ? d.dim_value() : ShapedType::kDynamic);
    if (!saneShape(dims))
      return c.fail("the optional's type has an invalid shape");
    elementType = RankedTensorType::get(dims, elt);
  }
  ValueState payload;
  if (isSequence) {
    payload = emptySequence(c, elt, elementType);
  } else {
    if (!elementType)
      return c.fail("an optional tensor without a value needs a shape in "
                    "its type");
    // No value: the tensor's static sizes (0 for the dynamic ones).
    SmallVector<int64_t> dims(elementType.getShape());
    for (int64_t &d : dims)
      if (ShapedType::isDynamic(d))
        d = 0;
    Value none = c.splat(elt, 0.0, dims);
    if (none.getType() != elementType)
      none = tensor::CastOp::create(b, c.loc(), elementType, none);
    payload.value = none;
    payload.type = elementType;
    payload.loc = c.loc();
  }
  c.setState(0, optionalState(payload, flag(false)));
  return success();
}

/// An optional input `i`'s payload and flag; a tensor or sequence (opset
/// 18 allows them) is a value that is present.
struct OptionalInput {
  ValueState payload;
  Value hasValue; ///< null: present
};

FailureOr<OptionalInput> optionalInput(NodeContext &c, unsigned i) {
  const ValueState &s = c.state(i);
  if (s.kind == ValueKind::Tensor || s.kind == ValueKind::Sequence) {
    ValueState payload = s;
    payload.value = c.parts(i).front();
    return OptionalInput{payload, Value()};
  }
  return OptionalInput{payloadOf(s), s.moreParts.back()};
}

LogicalResult convertOptionalHasElement(NodeContext &c) {
  OpBuilder &b = c.b();
  auto type = RankedTensorType::get({}, b.getI1Type());
  if (!c.has(0))
    return c.done(arith::ConstantOp::create(
        b, c.loc(), DenseElementsAttr::get(type, false)));
  FailureOr<OptionalInput> in = optionalInput(c, 0);
  if (failed(in))
    return failure();
  if (!in->hasValue)
    return c.done(arith::ConstantOp::create(
        b, c.loc(), DenseElementsAttr::get(type, true)));
  return c.done(in->hasValue);
}

LogicalResult convertOptionalGetElement(NodeContext &c) {
  if (!c.has(0))
    return c.fail("the input is missing");
  FailureOr<OptionalInput> in = optionalInput(c, 0);
  if (failed(in))
    return failure();
  if (in->hasValue)
    c.check(in->hasValue, "the optional input has no value");
  c.setState(0, in->payload);
  return success();
}

} // namespace

void registerSequenceOps(OpRegistry &r) {
  const char *seqNote = "elements of one sequence share element type and "
                        "rank; positions are checked at run time";
  r.on("SequenceEmpty", {11}, convertSequenceEmpty, seqNote);
  r.on("SequenceConstruct", {11}, convertSequenceConstruct, seqNote);
  r.on("SequenceInsert", {11}, convertSequenceInsert, seqNote);
  r.on("SequenceErase", {11}, convertSequenceErase, seqNote);
  r.on("SequenceAt", {11}, convertSequenceAt,
       "the element's rank must be known (from the sequence, or the "
       "declared output); its shape is checked at run time");
  r.on("SequenceLength", {11}, convertSequenceLength);
  r.on("SplitToSequence", {11}, convertSplitToSequence);
  r.on("ConcatFromSequence", {11}, convertConcatFromSequence,
       "the elements' rank must be known; sizes are checked at run time");
  r.on("SequenceMap", {17}, convertSequenceMap,
       "runs the body once per element (an scf.while)");
  r.on("Optional", {15}, convertOptional,
       "optional tensors and sequences of tensors");
  r.on("OptionalHasElement", {15}, convertOptionalHasElement);
  r.on("OptionalGetElement", {15}, convertOptionalGetElement,
       "an empty optional is a run-time error naming the node");
}

} // namespace xfc::onnx_import
