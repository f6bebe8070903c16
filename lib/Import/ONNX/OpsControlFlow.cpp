//===- OpsControlFlow.cpp - If, Loop and Scan -> scf on tensors -----------===//
//
// A subgraph becomes a region: If with a run-time condition an scf.if, Loop
// an scf.for (trip count, no run-time condition) or an scf.while, Scan an
// scf.for over the sequence (Scan, with its two opset generations, is in
// OpsScan.cpp; the helpers Loop and Scan share are declared in
// ControlFlow.h and defined here). The loops carry tensors; the subgraph's
// nodes are ordinary xf ops inside the region. Each subgraph is converted in a
// scope of its own (NodeContext::importSubgraph), so it reads the values of
// the graphs around it directly: scf regions are not isolated from above.
//
// Why scf and not xf.if/xf.loop: scf ops already implement the region-branch
// and bufferization interfaces, so canonicalization, One-Shot Bufferize and
// the ownership-based deallocation handle them as they are; xf ops would
// need a lowering to exactly these ops and nothing before it would gain.
//
// A body is converted into a detached block first and the scf op is built
// around it afterwards: the op's result types (a scan output's shape) and
// its kind (for or while: is the body's condition a constant?) are only
// known once the body is converted.
//
// Per-iteration values (Loop's and Scan's scan outputs) are inserted into a
// preallocated tensor of one row per iteration: its length is a constant
// trip count, the sequence length (Scan, static or read at run time), the
// shape the model declares for the output (checked at run time), or else
// the run-time trip count M, an upper bound of the iterations; a loop that
// a condition can end early then gives the rows it wrote (extract_slice of
// the iteration count). A row with dynamic sizes is allocated with those of
// a value of its type that enters the body (a loop-carried value, a Scan
// state or scan-input element), checked at every step.
//
//===----------------------------------------------------------------------===//

#include "ControlFlow.h"
#include "Sequence.h"
#include "GraphImporter.h"
#include "NodeContext.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <memory>
#include <optional>

using namespace mlir;

namespace xfc::onnx_import {
namespace {

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

/// The element of a one-element tensor of `eltType`: a condition (i1) or a
/// trip count (i64).
FailureOr<Value> scalarOf(NodeContext &c, Value t, Type eltType,
                          const llvm::Twine &what) {
  auto type = cast<RankedTensorType>(t.getType());
  if (!type.hasStaticShape() || type.getNumElements() != 1)
    return c.fail(what + " must have one element, not the shape " +
                  shapeStr(type.getShape()));
  if (type.getElementType() != eltType)
    return c.fail(what + " must be " +
                  (eltType.isInteger(1) ? "a bool" : "an int64"));
  Value zero = arith::ConstantIndexOp::create(c.b(), c.loc(), 0);
  SmallVector<Value> indices(type.getRank(), zero);
  return tensor::ExtractOp::create(c.b(), c.loc(), t, indices).getResult();
}

/// A one-element tensor's compile-time value as a bool, if known.
std::optional<bool> constantBool(const ValueState &s) {
  if (!s.constant || !s.constant->fullyKnown() ||
      s.constant->numElements() != 1)
    return std::nullopt;
  return s.constant->intAt(0) != 0;
}

/// The offsets, sizes and strides of position `pos` of dimension `axis`
/// of `t`: one slice of a sequence (dynamic sizes read with tensor.dim).
struct AxisSlice {
  SmallVector<OpFoldResult> offsets, sizes, strides;

  AxisSlice(OpBuilder &b, Location loc, Value t, int64_t axis, Value pos)
      : sizes(tensor::getMixedSizes(b, loc, t)) {
    int64_t rank = sizes.size();
    offsets.assign(rank, b.getIndexAttr(0));
    strides.assign(rank, b.getIndexAttr(1));
    offsets[axis] = pos;
    sizes[axis] = b.getIndexAttr(1);
  }
};

} // namespace

ValueState runtimeValue(Value v) {
  ValueState s;
  s.value = v;
  s.type = cast<RankedTensorType>(v.getType());
  s.loc = v.getLoc();
  return s;
}

/// Moves the ops of `from` to the end of `to`, whose arguments replace
/// `from`'s; a terminator that the scf builder put into `to` is dropped.
void moveBody(Block &from, Block &to) {
  assert(from.getNumArguments() == to.getNumArguments());
  if (!to.empty() && to.back().hasTrait<OpTrait::IsTerminator>())
    to.back().erase();
  for (auto [a, b] : llvm::zip(from.getArguments(), to.getArguments()))
    a.replaceAllUsesWith(b);
  to.getOperations().splice(to.end(), from.getOperations());
}

/// `shape` with `size` inserted at `axis`.
SmallVector<int64_t> withDim(ArrayRef<int64_t> shape, int64_t axis,
                             int64_t size) {
  SmallVector<int64_t> out(shape);
  out.insert(out.begin() + axis, size);
  return out;
}

/// The slice of `t` at position `pos` of dimension `axis`, without that
/// dimension.
Value sliceAt(OpBuilder &b, Location loc, Value t, int64_t axis, Value pos) {
  auto type = cast<RankedTensorType>(t.getType());
  AxisSlice s(b, loc, t, axis, pos);
  SmallVector<int64_t> shape(type.getShape());
  shape.erase(shape.begin() + axis);
  auto resultType = RankedTensorType::get(shape, type.getElementType());
  return tensor::ExtractSliceOp::create(b, loc, resultType, t, s.offsets,
                                        s.sizes, s.strides);
}

/// `dest` with `v` written at position `pos` of dimension `axis` (`v` has
/// `dest`'s shape without that dimension). Where that shape is dynamic, `v`
/// must have the sizes `dest` was allocated with: checked at run time
/// (`what` names the value), and clamped so that a failed check stays in
/// bounds.
Value insertAt(NodeContext &c, Value v, Value dest, int64_t axis, Value pos,
               const llvm::Twine &what) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  AxisSlice s(b, loc, dest, axis, pos);
  auto type = cast<RankedTensorType>(v.getType());
  if (!type.hasStaticShape()) {
    Value ok;
    SmallVector<OpFoldResult> sizes = tensor::getMixedSizes(b, loc, v);
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      int64_t dd = d < axis ? d : d + 1;
      Value have = tensor::DimOp::create(b, loc, v, d);
      Value want = tensor::DimOp::create(b, loc, dest, dd);
      Value same =
          arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, have, want);
      ok = ok ? arith::AndIOp::create(b, loc, ok, same).getResult() : same;
      Value size = arith::MinSIOp::create(b, loc, have, want);
      sizes[d] = size;
      s.sizes[dd] = size;
    }
    c.check(tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({}, b.getI1Type()),
                ValueRange{ok}),
            what);
    SmallVector<OpFoldResult> zeros(type.getRank(), b.getIndexAttr(0)),
        ones(type.getRank(), b.getIndexAttr(1));
    v = tensor::ExtractSliceOp::create(b, loc, type, v, zeros, sizes, ones);
  }
  return tensor::InsertSliceOp::create(b, loc, v, dest, s.offsets, s.sizes,
                                       s.strides);
}

/// Fails for scan output `k`, of the dynamic `type` in the body, when no
/// `candidates` value of that type gives the sizes of its buffer.
LogicalResult failUnsized(NodeContext &c, size_t k, RankedTensorType type,
                          llvm::StringRef candidates) {
  return c.fail("scan output " + llvm::Twine(k) + " has the shape " +
                shapeStr(type.getShape()) +
                " in the body; its dynamic sizes must be those of " +
                candidates + " of that type (its buffer is allocated before "
                "the loop)");
}

/// Fails unless the body's value `what` keeps the type it entered with: a
/// loop-carried tensor lives in one buffer for the whole loop.
LogicalResult checkCarried(NodeContext &c, Type before, Type after,
                           const llvm::Twine &what) {
  if (before == after)
    return success();
  std::string a, b;
  llvm::raw_string_ostream(a) << before;
  llvm::raw_string_ostream(b) << after;
  return c.fail(what + " enters the body as " + a + " but the body gives " + b +
                "; a loop-carried value must keep its type");
}

namespace {

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

/// Converts branch `attr` of an If into the detached `block`, ending in the
/// scf.yield of its outputs' parts; `states` says what the outputs are.
LogicalResult convertBranch(NodeContext &c, llvm::StringRef attr, Block &block,
                            std::vector<ValueState> &states) {
  const onnx::GraphProto *graph = c.attrGraph(attr);
  if (!graph)
    return c.failed() ? failure()
                      : c.fail("subgraph '" + attr + "' is missing");
  if (graph->output_size() != static_cast<int>(c.numOutputs()))
    return c.fail("subgraph '" + attr + "' has " +
                  llvm::Twine(graph->output_size()) + " outputs for " +
                  llvm::Twine(c.numOutputs()));
  OpBuilder::InsertionGuard guard(c.b());
  c.b().setInsertionPointToEnd(&block);
  FailureOr<std::vector<ValueState>> outputs =
      c.importSubgraph(*graph, attr, {});
  if (failed(outputs))
    return failure();
  SmallVector<Value> results;
  for (ValueState &s : *outputs)
    llvm::append_range(results, c.materializeParts(s));
  if (c.failed())
    return failure();
  scf::YieldOp::create(c.b(), c.loc(), results);
  states = std::move(*outputs);
  return success();
}

/// The type both branches' part types `t` and `e` can be cast to: a part of
/// a sequence or an optional (an absent optional tensor has other sizes
/// than a present one) may differ in sizes, not in rank or element type.
Type commonPartType(const ValueState &state, Type t, Type e) {
  auto a = dyn_cast<RankedTensorType>(t), b = dyn_cast<RankedTensorType>(e);
  if (t == e || state.kind == ValueKind::Tensor || !a || !b)
    return t == e ? t : Type();
  RankedTensorType merged = mergeElementTypes(a, b);
  return merged ? Type(merged) : Type();
}

/// Casts operand `i` of `block`'s terminator to `type` where it differs.
void castYielded(OpBuilder &b, Block &block, unsigned i, Type type) {
  Operation *yield = block.getTerminator();
  Value v = yield->getOperand(i);
  if (v.getType() == type)
    return;
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPoint(yield);
  yield->setOperand(i, tensor::CastOp::create(b, v.getLoc(), type, v));
}

/// If: a compile-time condition (PyTorch exports branch on shapes) inlines
/// the taken branch, whose outputs may differ from the other branch's; a
/// run-time one is an scf.if, whose branches must give the same types.
LogicalResult convertIf(NodeContext &c) {
  if (const ConstTensor *cond = c.constant(0)) {
    if (cond->numElements() != 1)
      return c.fail("the condition must have one element");
    return c.inlineSubgraph(cond->intAt(0) ? "then_branch" : "else_branch");
  }
  FailureOr<Value> cond =
      scalarOf(c, c.in(0), c.b().getI1Type(), "the condition");
  if (failed(cond))
    return failure();
  auto thenBlock = std::make_unique<Block>();
  auto elseBlock = std::make_unique<Block>();
  std::vector<ValueState> thenStates, elseStates;
  if (failed(convertBranch(c, "then_branch", *thenBlock, thenStates)) ||
      failed(convertBranch(c, "else_branch", *elseBlock, elseStates)))
    return failure();
  SmallVector<Type> types;
  unsigned part = 0;
  for (auto [i, states] : llvm::enumerate(llvm::zip(thenStates, elseStates))) {
    auto [t, e] = states;
    if (t.kind != e.kind)
      return c.fail("output " + llvm::Twine(i) + " is " + kindName(t.kind) +
                    " in then_branch but " + kindName(e.kind) +
                    " in else_branch");
    for (unsigned k = 0; k <= t.moreParts.size(); ++k, ++part) {
      Type tt = thenBlock->getTerminator()->getOperand(part).getType();
      Type et = elseBlock->getTerminator()->getOperand(part).getType();
      Type common = commonPartType(t, tt, et);
      if (!common) {
        std::string a, b;
        llvm::raw_string_ostream(a) << tt;
        llvm::raw_string_ostream(b) << et;
        return c.fail("output " + llvm::Twine(i) + " is " + a +
                      " in then_branch but " + b +
                      " in else_branch; with a run-time condition both "
                      "branches must give the same type");
      }
      castYielded(c.b(), *thenBlock, part, common);
      castYielded(c.b(), *elseBlock, part, common);
      types.push_back(common);
    }
  }
  auto ifOp = scf::IfOp::create(c.b(), c.loc(), types, *cond,
                                /*addThenBlock=*/true, /*addElseBlock=*/true);
  moveBody(*thenBlock, ifOp.getThenRegion().front());
  moveBody(*elseBlock, ifOp.getElseRegion().front());
  ValueRange results = ifOp.getResults();
  for (auto [i, states] : llvm::enumerate(llvm::zip(thenStates, elseStates))) {
    auto [t, e] = states;
    size_t n = 1 + t.moreParts.size();
    if (t.kind == ValueKind::Tensor) {
      c.set(i, results.front());
    } else {
      ValueState merged = withParts(t, results.take_front(n));
      if (t.kind == ValueKind::Sequence ||
          t.kind == ValueKind::OptionalSequence)
        merged.elementType = mergeElementTypes(t.elementType, e.elementType);
      c.setState(i, merged);
    }
    results = results.drop_front(n);
  }
  return success();
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

/// A Loop node's inputs and how its iterations are counted.
struct LoopPlan {
  unsigned numCarried = 0, numScan = 0;
  /// The tensors that carry each loop-carried value (one for a tensor, a
  /// sequence's or an optional's parts otherwise), and their total.
  SmallVector<unsigned> carriedParts;
  unsigned numCarriedParts = 0;
  /// A sequence (or optional) is carried: the loop is an scf.while, whose
  /// carried types canonicalization leaves alone. An scf.for's would be
  /// narrowed to the static size of an initial value (an empty sequence's
  /// data, tensor<0xT>), which a growing sequence breaks.
  bool carriesNonTensors = false;
  Value tripCount;                  ///< index; null without M
  Value tripBound;                  ///< max(M, 0), index; null without M
  std::optional<int64_t> constTrip; ///< M when a compile-time constant
  bool hasCond = false;
  Value initialCond; ///< i1; null without cond
  std::optional<bool> constCond;
};

/// A scan output of a Loop and the number of iterations it is built for.
struct ScanBuffer {
  unsigned output; ///< index among the Loop's outputs
  Value element;   ///< the body's per-iteration value
  int64_t size;    ///< iterations it holds; dynamic: `bound`
  bool checked;    ///< whether the count is checked at run time
  Value bound;     ///< the run-time trip count bounding the iterations
  /// For an element with dynamic sizes: the loop-carried input (of the
  /// same type) whose sizes the buffer is allocated with.
  Value sizes;
  unsigned sizesFrom = 0; ///< its index among the carried values
};

FailureOr<LoopPlan> planLoop(NodeContext &c, const onnx::GraphProto &body) {
  LoopPlan p;
  p.numCarried = c.numInputs() > 2 ? c.numInputs() - 2 : 0;
  if (body.input_size() != static_cast<int>(p.numCarried) + 2)
    return c.fail("the body has " + llvm::Twine(body.input_size()) +
                  " inputs; with " + llvm::Twine(p.numCarried) +
                  " loop-carried values it needs " +
                  llvm::Twine(p.numCarried + 2) +
                  ": the iteration number, the condition and the values");
  if (body.output_size() < static_cast<int>(p.numCarried) + 1)
    return c.fail("the body has " + llvm::Twine(body.output_size()) +
                  " outputs; with " + llvm::Twine(p.numCarried) +
                  " loop-carried values it needs at least " +
                  llvm::Twine(p.numCarried + 1));
  p.numScan = body.output_size() - 1 - p.numCarried;
  if (c.numOutputs() > p.numCarried + p.numScan)
    return c.fail("the Loop has " + llvm::Twine(c.numOutputs()) +
                  " outputs but its body gives only " +
                  llvm::Twine(p.numCarried + p.numScan));
  for (unsigned j = 0; j < p.numCarried; ++j) {
    if (!c.has(2 + j))
      return c.fail("loop-carried input " + llvm::Twine(j) + " is missing");
    p.carriedParts.push_back(1 + c.state(2 + j).moreParts.size());
    p.carriesNonTensors |= c.state(2 + j).kind != ValueKind::Tensor;
    p.numCarriedParts += p.carriedParts.back();
  }
  p.hasCond = c.has(1);
  if (!c.has(0) && !p.hasCond)
    return c.fail(
        "a Loop with neither a trip count nor a condition never ends");
  if (c.has(0)) {
    if (const ConstTensor *m = c.constant(0); m && m->numElements() == 1)
      p.constTrip = m->intAt(0);
    FailureOr<Value> m =
        scalarOf(c, c.in(0), c.b().getI64Type(), "the trip count M");
    if (failed(m))
      return failure();
    p.tripCount =
        arith::IndexCastOp::create(c.b(), c.loc(), c.b().getIndexType(), *m);
    p.tripBound = arith::MaxSIOp::create(
        c.b(), c.loc(), p.tripCount,
        arith::ConstantIndexOp::create(c.b(), c.loc(), 0));
  }
  if (p.hasCond) {
    if (const ConstTensor *cond = c.constant(1);
        cond && cond->numElements() == 1)
      p.constCond = cond->intAt(0) != 0;
    FailureOr<Value> cond =
        scalarOf(c, c.in(1), c.b().getI1Type(), "the condition");
    if (failed(cond))
      return failure();
    p.initialCond = *cond;
  }
  return p;
}

/// The body's inputs: the iteration number from the induction variable, the
/// condition (true: the body only runs while it holds) and the carried
/// values, the block's arguments.
SmallVector<ValueState> loopBodyInputs(NodeContext &c, const LoopPlan &p,
                                       Block &body) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  Value iv = body.addArgument(b.getIndexType(), loc);
  Value i64 = arith::IndexCastOp::create(b, loc, b.getI64Type(), iv);
  Value iteration = tensor::FromElementsOp::create(
      b, loc, RankedTensorType::get({}, b.getI64Type()), ValueRange{i64});
  ConstTensor yes = ConstTensor::splatInt(dt::Bool, {}, 1);
  RankedTensorType boolType = yes.type(c.ctx());
  SmallVector<ValueState> inputs{
      runtimeValue(iteration),
      ValueState{Value(), std::make_shared<const ConstTensor>(std::move(yes)),
                 boolType, loc, "", false}};
  for (unsigned j = 0; j < p.numCarried; ++j) {
    const ValueState &initial = c.state(2 + j);
    if (initial.kind == ValueKind::Tensor) {
      inputs.push_back(runtimeValue(body.addArgument(c.type(2 + j), loc)));
      continue;
    }
    SmallVector<Value> args;
    for (Value part : c.parts(2 + j))
      args.push_back(body.addArgument(part.getType(), loc));
    inputs.push_back(withParts(initial, args));
  }
  return inputs;
}

/// How many iterations scan output `k` (Loop output `out`) is built for: the
/// constant trip count of a loop without a run-time condition, else the
/// size the model declares, checked at run time, else the run-time trip
/// count `bound` (null without M).
FailureOr<ScanBuffer> planScanOutput(NodeContext &c,
                                     std::optional<int64_t> count, unsigned k,
                                     unsigned out, Value element,
                                     Value bound) {
  auto type = cast<RankedTensorType>(element.getType());
  ScanBuffer s{out, element, 0, false, Value(), Value()};
  if (!type.hasStaticShape()) {
    // The buffer is allocated before the loop: its other sizes are those
    // of a loop-carried value of the element's type, checked each time.
    unsigned numCarried = c.numInputs() > 2 ? c.numInputs() - 2 : 0;
    for (unsigned j = 0; j < numCarried && !s.sizes; ++j)
      if (c.state(2 + j).kind == ValueKind::Tensor && c.type(2 + j) == type) {
        s.sizes = c.in(2 + j);
        s.sizesFrom = j;
      }
    if (!s.sizes)
      return failUnsized(c, k, type, "a loop-carried value");
  }
  if (count) {
    s.size = *count;
    return s;
  }
  std::optional<RankedTensorType> declared = c.declaredType(out);
  if (declared && declared->getRank() == type.getRank() + 1 &&
      declared->getShape().drop_front() == type.getShape()) {
    s.size = declared->getDimSize(0);
    s.checked = true;
    return s;
  }
  if (bound) {
    s.size = ShapedType::kDynamic;
    s.bound = bound;
    return s;
  }
  return c.fail("scan output " + llvm::Twine(k) +
                " needs a bound on the number of iterations: a trip count "
                "M, or the model must declare the output's static shape");
}

/// A Loop body converted into a detached block with the arguments (iv,
/// carried..., scan buffers...), ending in its scf.yield.
struct LoopBody {
  std::unique_ptr<Block> block = std::make_unique<Block>();
  bool isFor = false;              ///< an scf.for; else an scf.while
  SmallVector<ScanBuffer> buffers; ///< the scan outputs that are used
};

/// Scan output `s` with this iteration's row written: iteration i writes
/// row i. A checked count may be exceeded at run time (the check then
/// fails), so the row is clamped to stay in bounds.
Value appendRow(NodeContext &c, Block &body, const ScanBuffer &s,
                unsigned k) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  auto elt = cast<RankedTensorType>(s.element.getType());
  auto type = RankedTensorType::get(withDim(elt.getShape(), 0, s.size),
                                    elt.getElementType());
  Value buffer = body.addArgument(type, loc);
  if (s.size == 0)
    return buffer;
  Value row = body.getArgument(0);
  if (s.checked)
    row = arith::MinSIOp::create(
        b, loc, row, arith::ConstantIndexOp::create(b, loc, s.size - 1));
  return insertAt(c, s.element, buffer, 0, row,
                  "scan output " + llvm::Twine(k) +
                      " must have the sizes of loop-carried value " +
                      llvm::Twine(s.sizesFrom) + " as it enters the loop");
}

/// Converts the body of a Loop and decides the loop's form: without a cond
/// input the body's condition is ignored (ONNX's "for" form), and with an
/// always-true one the trip count alone decides.
FailureOr<LoopBody> convertLoopBody(NodeContext &c,
                                    const onnx::GraphProto &graph,
                                    const LoopPlan &p) {
  LoopBody body;
  OpBuilder &b = c.b();
  Location loc = c.loc();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(body.block.get());
  SmallVector<ValueState> inputs = loopBodyInputs(c, p, *body.block);
  FailureOr<std::vector<ValueState>> outputs =
      c.importSubgraph(graph, "body", inputs);
  if (failed(outputs))
    return failure();
  std::optional<bool> bodyCond = constantBool((*outputs)[0]);
  body.isFor = p.tripCount && !p.carriesNonTensors &&
                (!p.hasCond || (p.constCond == true && bodyCond == true));
  Value iv = body.block->getArgument(0);
  SmallVector<Value> yielded;
  if (!body.isFor)
    yielded.push_back(arith::AddIOp::create(
        b, loc, iv, arith::ConstantIndexOp::create(b, loc, 1)));
  for (unsigned j = 0; j < p.numCarried; ++j) {
    ValueState &out = (*outputs)[1 + j];
    if (out.kind != c.state(2 + j).kind)
      return c.fail("loop-carried value " + llvm::Twine(j) + " enters the "
                    "body as " + kindName(c.state(2 + j).kind) +
                    " but the body gives " + kindName(out.kind));
    // The types the parts enter with (a constant tensor is not
    // materialized here, inside the body).
    const ValueState &initial = c.state(2 + j);
    SmallVector<Type> before{initial.type};
    for (Value part : initial.moreParts)
      before.push_back(part.getType());
    for (auto [type, after] : llvm::zip(before, c.materializeParts(out))) {
      yielded.push_back(after);
      if (failed(checkCarried(c, type, after.getType(),
                              "loop-carried value " + llvm::Twine(j))))
        return failure();
    }
  }
  std::optional<int64_t> count;
  if (body.isFor && p.constTrip)
    count = std::max<int64_t>(*p.constTrip, 0);
  for (unsigned k = 0; k < p.numScan; ++k) {
    unsigned out = p.numCarried + k;
    if (!c.outputUsed(out))
      continue;
    FailureOr<ScanBuffer> buffer =
        planScanOutput(c, count, k, out, c.materialize((*outputs)[out + 1]),
                       p.tripBound);
    if (failed(buffer))
      return failure();
    body.buffers.push_back(*buffer);
  }
  if (c.failed())
    return failure();
  for (const ScanBuffer &s : body.buffers)
    yielded.push_back(
        appendRow(c, *body.block, s, s.output - p.numCarried));
  if (!body.isFor && !p.hasCond) {
    // No cond input: the body's condition is ignored.
    yielded.push_back(arith::ConstantIntOp::create(b, loc, 1, 1));
  } else if (!body.isFor) {
    FailureOr<Value> cond = scalarOf(c, c.materialize((*outputs)[0]),
                                     b.getI1Type(), "the body's condition");
    if (failed(cond))
      return failure();
    yielded.push_back(*cond);
  }
  scf::YieldOp::create(b, loc, yielded);
  return body;
}

/// Builds the scf.for or scf.while around `body`. Returns the final carried
/// values, then the scan outputs; `count` is the number of iterations run.
ValueRange buildLoop(NodeContext &c, const LoopPlan &p, LoopBody &body,
                     Value &count) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  SmallVector<Value> inits;
  for (unsigned j = 0; j < p.numCarried; ++j)
    llvm::append_range(inits, c.parts(2 + j));
  for (auto [buffer, s] : llvm::zip(
           body.block->getArguments().drop_front(1 + p.numCarriedParts),
           body.buffers)) {
    auto type = cast<RankedTensorType>(buffer.getType());
    SmallVector<Value> sizes;
    if (s.bound)
      sizes.push_back(s.bound);
    for (int64_t d = 1; d < type.getRank(); ++d)
      if (type.isDynamicDim(d))
        sizes.push_back(tensor::DimOp::create(b, loc, s.sizes, d - 1));
    inits.push_back(tensor::EmptyOp::create(b, loc, type, sizes));
  }
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  if (body.isFor) {
    auto loop =
        scf::ForOp::create(b, loc, zero, p.tripCount,
                           arith::ConstantIndexOp::create(b, loc, 1), inits);
    moveBody(*body.block, *loop.getBody());
    count = arith::MaxSIOp::create(b, loc, p.tripCount, zero);
    return loop.getResults();
  }
  // before: (iv, carried..., buffers..., cond) -> go on while cond holds and
  // iv < M; after: the body on (iv, carried..., buffers...). The condition
  // comes last so that every tensor keeps its position, which bufferization
  // needs to give it one buffer across the regions.
  SmallVector<Value> whileInits{zero};
  llvm::append_range(whileInits, inits);
  whileInits.push_back(p.initialCond
                           ? p.initialCond
                           : arith::ConstantIntOp::create(b, loc, 1, 1));
  SmallVector<Type> types{b.getIndexType()};
  llvm::append_range(types, ValueRange(inits).getTypes());
  auto loop = scf::WhileOp::create(
      b, loc, types, whileInits,
      [&](OpBuilder &bb, Location l, ValueRange args) {
        Value go = args.back();
        if (p.tripCount)
          go = arith::AndIOp::create(
              bb, l, go,
              arith::CmpIOp::create(bb, l, arith::CmpIPredicate::slt, args[0],
                                    p.tripCount));
        scf::ConditionOp::create(bb, l, go, args.drop_back());
      },
      [&](OpBuilder &bb, Location, ValueRange) {
        moveBody(*body.block, *bb.getInsertionBlock());
      });
  count = loop.getResult(0);
  return loop.getResults().drop_front();
}

LogicalResult convertLoop(NodeContext &c) {
  const onnx::GraphProto *graph = c.attrGraph("body");
  if (!graph)
    return c.failed() ? failure() : c.fail("the body is missing");
  FailureOr<LoopPlan> plan = planLoop(c, *graph);
  if (failed(plan))
    return failure();
  FailureOr<LoopBody> body = convertLoopBody(c, *graph, *plan);
  if (failed(body))
    return failure();
  Value count;
  ValueRange results = buildLoop(c, *plan, *body, count);
  for (unsigned j = 0; j < plan->numCarried; ++j) {
    const ValueState &initial = c.state(2 + j);
    if (initial.kind == ValueKind::Tensor)
      c.set(j, results.front());
    else
      c.setState(j, withParts(initial,
                              results.take_front(plan->carriedParts[j])));
    results = results.drop_front(plan->carriedParts[j]);
  }
  OpBuilder &b = c.b();
  for (auto [i, s] : llvm::enumerate(body->buffers)) {
    Value result = results[i];
    if (s.bound && !body->isFor) {
      // A condition can end the loop before M: the rows it wrote.
      auto type = cast<RankedTensorType>(result.getType());
      SmallVector<OpFoldResult> offsets(type.getRank(), b.getIndexAttr(0)),
          strides(type.getRank(), b.getIndexAttr(1)),
          sizes = tensor::getMixedSizes(b, c.loc(), result);
      sizes[0] = count;
      result = tensor::ExtractSliceOp::create(b, c.loc(), type, result,
                                              offsets, sizes, strides);
    }
    c.set(s.output, result);
    if (!s.checked)
      continue;
    Value ok = arith::CmpIOp::create(
        b, c.loc(), arith::CmpIPredicate::eq, count,
        arith::ConstantIndexOp::create(b, c.loc(), s.size));
    c.check(tensor::FromElementsOp::create(
                b, c.loc(), RankedTensorType::get({}, b.getI1Type()),
                ValueRange{ok}),
            "the loop must run " + llvm::Twine(s.size) +
                " times, the length the model declares for scan output " +
                llvm::Twine(s.output - plan->numCarried));
  }
  return success();
}

} // namespace

void registerControlFlowOps(OpRegistry &r) {
  r.on("If", {1, 11, 13, 16}, convertIf,
       "tensors only; a compile-time condition inlines the taken branch, a "
       "run-time one needs both branches to give the same static types");
  r.on("Loop", {1, 11, 13, 16}, convertLoop,
       "tensors only; loop-carried values keep their type; scan outputs "
       "need a trip count (constant or run-time) or a declared static "
       "shape (checked at run time)");
}

} // namespace xfc::onnx_import
