//===- OpsControlFlow.cpp - If, Loop and Scan -> scf on tensors -----------===//
//
// A subgraph becomes a region: If with a run-time condition an scf.if, Loop
// an scf.for (trip count, no run-time condition) or an scf.while, Scan an
// scf.for over the sequence. The loops carry tensors; the subgraph's nodes
// are ordinary xf ops inside the region. Each subgraph is converted in a
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

/// Scan-8 runs its body once per batch entry, unrolled at import.
constexpr int64_t kMaxScanBatch = 64;

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

//===----------------------------------------------------------------------===//
// If
//===----------------------------------------------------------------------===//

/// Converts branch `attr` of an If into the detached `block`, ending in the
/// scf.yield of its outputs.
LogicalResult convertBranch(NodeContext &c, llvm::StringRef attr, Block &block,
                            SmallVectorImpl<Type> &types) {
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
    results.push_back(c.materialize(s));
  if (c.failed())
    return failure();
  scf::YieldOp::create(c.b(), c.loc(), results);
  llvm::append_range(types, ValueRange(results).getTypes());
  return success();
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
  SmallVector<Type> thenTypes, elseTypes;
  if (failed(convertBranch(c, "then_branch", *thenBlock, thenTypes)) ||
      failed(convertBranch(c, "else_branch", *elseBlock, elseTypes)))
    return failure();
  for (auto [i, types] : llvm::enumerate(llvm::zip(thenTypes, elseTypes))) {
    auto [t, e] = types;
    if (t == e)
      continue;
    std::string a, b;
    llvm::raw_string_ostream(a) << t;
    llvm::raw_string_ostream(b) << e;
    return c.fail("output " + llvm::Twine(i) + " is " + a +
                  " in then_branch but " + b +
                  " in else_branch; with a run-time condition both branches "
                  "must give the same type");
  }
  auto ifOp = scf::IfOp::create(c.b(), c.loc(), thenTypes, *cond,
                                /*addThenBlock=*/true, /*addElseBlock=*/true);
  moveBody(*thenBlock, ifOp.getThenRegion().front());
  moveBody(*elseBlock, ifOp.getElseRegion().front());
  for (auto [i, result] : llvm::enumerate(ifOp.getResults()))
    c.set(i, result);
  return success();
}

//===----------------------------------------------------------------------===//
// Loop
//===----------------------------------------------------------------------===//

/// A Loop node's inputs and how its iterations are counted.
struct LoopPlan {
  unsigned numCarried = 0, numScan = 0;
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
  for (unsigned j = 0; j < p.numCarried; ++j)
    if (!c.has(2 + j))
      return c.fail("loop-carried input " + llvm::Twine(j) + " is missing");
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
  for (unsigned j = 0; j < p.numCarried; ++j)
    inputs.push_back(runtimeValue(body.addArgument(c.type(2 + j), loc)));
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
      if (c.type(2 + j) == type) {
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
  body.isFor =
      p.tripCount && (!p.hasCond || (p.constCond == true && bodyCond == true));
  Value iv = body.block->getArgument(0);
  SmallVector<Value> yielded;
  if (!body.isFor)
    yielded.push_back(arith::AddIOp::create(
        b, loc, iv, arith::ConstantIndexOp::create(b, loc, 1)));
  for (unsigned j = 0; j < p.numCarried; ++j) {
    yielded.push_back(c.materialize((*outputs)[1 + j]));
    if (failed(checkCarried(c, c.type(2 + j), yielded.back().getType(),
                            "loop-carried value " + llvm::Twine(j))))
      return failure();
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
  if (!body.isFor) {
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
    inits.push_back(c.in(2 + j));
  for (auto [buffer, s] : llvm::zip(
           body.block->getArguments().drop_front(1 + p.numCarried),
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
  whileInits.push_back(p.initialCond);
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
  for (unsigned j = 0; j < plan->numCarried; ++j)
    c.set(j, results[j]);
  OpBuilder &b = c.b();
  for (auto [i, s] : llvm::enumerate(body->buffers)) {
    Value result = results[plan->numCarried + i];
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

//===----------------------------------------------------------------------===//
// Scan
//===----------------------------------------------------------------------===//

/// Where a Scan reads its sequences and writes its outputs.
struct ScanLayout {
  SmallVector<int64_t> inAxes, inReverse, outAxes, outReverse;
};

/// Reads an attribute of one value per scan input (or output), with
/// `dflt` for a missing attribute.
FailureOr<SmallVector<int64_t>>
perScanValue(NodeContext &c, llvm::StringRef name, size_t n, int64_t dflt) {
  std::optional<SmallVector<int64_t>> v = c.attrInts(name);
  if (c.failed())
    return failure();
  if (!v)
    return SmallVector<int64_t>(n, dflt);
  if (v->size() != n)
    return c.fail("attribute '" + name + "' has " + llvm::Twine(v->size()) +
                  " values for " + llvm::Twine(n));
  return *v;
}

FailureOr<SmallVector<int64_t>> directions(NodeContext &c, llvm::StringRef name,
                                           size_t n) {
  FailureOr<SmallVector<int64_t>> d = perScanValue(c, name, n, 0);
  if (succeeded(d) &&
      llvm::any_of(*d, [](int64_t v) { return v != 0 && v != 1; }))
    return c.fail("attribute '" + name +
                  "' must hold 0 (forward) or 1 (reverse)");
  return d;
}

/// The common length of the scan inputs along their axes: static when one
/// of them is, and as an index (the shortest, so that reading stays in
/// bounds; they are checked at run time to agree).
struct SequenceLength {
  int64_t size = ShapedType::kDynamic;
  Value value;
};

FailureOr<SequenceLength>
sequenceLength(NodeContext &c, ArrayRef<Value> inputs, const ScanLayout &layout,
               llvm::StringRef what = "sequence length") {
  SequenceLength length;
  for (auto [j, x] : llvm::enumerate(inputs)) {
    int64_t n =
        cast<RankedTensorType>(x.getType()).getDimSize(layout.inAxes[j]);
    if (ShapedType::isDynamic(n))
      continue;
    if (!ShapedType::isDynamic(length.size) && n != length.size)
      return c.fail("the scan inputs have different " + what + "s");
    length.size = n;
  }
  OpBuilder &b = c.b();
  Location loc = c.loc();
  if (!ShapedType::isDynamic(length.size))
    length.value = arith::ConstantIndexOp::create(b, loc, length.size);
  Value ok;
  for (auto [j, x] : llvm::enumerate(inputs)) {
    if (!cast<RankedTensorType>(x.getType()).isDynamicDim(layout.inAxes[j]))
      continue;
    Value n = tensor::DimOp::create(b, loc, x, layout.inAxes[j]);
    if (!length.value) {
      length.value = n;
      continue;
    }
    Value same =
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, n, length.value);
    ok = ok ? arith::AndIOp::create(b, loc, ok, same).getResult() : same;
    length.value = arith::MinSIOp::create(b, loc, n, length.value);
  }
  if (ok)
    c.check(tensor::FromElementsOp::create(
                b, loc, RankedTensorType::get({}, b.getI1Type()),
                ValueRange{ok}),
            "the scan inputs must have the same " + what);
  return length;
}

/// A scan output's buffer is allocated before the loop: its dynamic sizes
/// (other than the sequence) are those of a state or scan input of the
/// element's type, as the body sees it.
struct SizeSource {
  Value outside;         ///< the value whose sizes are read before the loop
  int64_t dropAxis = -1; ///< a scan input's sequence axis, not in the element
  std::string what;      ///< for the run-time check's message
  int64_t axis = 0;      ///< the scan output's sequence axis
};

/// Converts a Scan body into the detached `body` with the arguments (t,
/// states..., scan outputs...), ending in its scf.yield: step t reads
/// element t (or L-1-t, reversed) of every scan input and writes the
/// body's scan outputs there. `sources` receives, per used scan output,
/// where its dynamic sizes come from (null when it has none).
LogicalResult convertScanBody(NodeContext &c, const onnx::GraphProto &graph,
                              ArrayRef<Value> states, ArrayRef<Value> inputs,
                              const ScanLayout &layout,
                              const SequenceLength &length, Block &body,
                              SmallVectorImpl<SizeSource> &sources) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  OpBuilder::InsertionGuard guard(b);
  b.setInsertionPointToEnd(&body);
  Value t = body.addArgument(b.getIndexType(), loc);
  Value last =
      ShapedType::isDynamic(length.size)
          ? Value(arith::SubIOp::create(
                b, loc, length.value, arith::ConstantIndexOp::create(b, loc, 1)))
          : Value(arith::ConstantIndexOp::create(b, loc, length.size - 1));
  auto position = [&](bool reverse) -> Value {
    return reverse ? arith::SubIOp::create(b, loc, last, t) : t;
  };
  SmallVector<ValueState> bodyInputs;
  SmallVector<std::pair<Type, SizeSource>> candidates;
  for (auto [j, s] : llvm::enumerate(states)) {
    bodyInputs.push_back(runtimeValue(body.addArgument(s.getType(), loc)));
    candidates.push_back({s.getType(), {s, -1, "state " + std::to_string(j)}});
  }
  for (auto [j, x] : llvm::enumerate(inputs)) {
    bodyInputs.push_back(runtimeValue(
        sliceAt(b, loc, x, layout.inAxes[j], position(layout.inReverse[j]))));
    candidates.push_back({bodyInputs.back().type,
                          {x, layout.inAxes[j],
                           "an element of scan input " + std::to_string(j)}});
  }
  FailureOr<std::vector<ValueState>> outputs =
      c.importSubgraph(graph, "body", bodyInputs);
  if (failed(outputs))
    return failure();
  SmallVector<Value> yielded;
  for (auto [j, state] : llvm::enumerate(states)) {
    yielded.push_back(c.materialize((*outputs)[j]));
    if (failed(checkCarried(c, state.getType(), yielded.back().getType(),
                            "state " + llvm::Twine(j))))
      return failure();
  }
  for (auto [k, axisAttr] : llvm::enumerate(layout.outAxes)) {
    if (!c.outputUsed(states.size() + k))
      continue;
    Value element = c.materialize((*outputs)[states.size() + k]);
    auto elt = cast<RankedTensorType>(element.getType());
    FailureOr<int64_t> axis =
        c.normAxis(axisAttr, elt.getRank() + 1, "scan output axis");
    if (failed(axis))
      return failure();
    SizeSource source;
    if (!elt.hasStaticShape()) {
      for (auto &[type, candidate] : candidates)
        if (type == elt && !source.outside)
          source = candidate;
      if (!source.outside)
        return failUnsized(c, k, elt, "a state or scan input element");
    }
    auto type = RankedTensorType::get(
        withDim(elt.getShape(), *axis, length.size), elt.getElementType());
    yielded.push_back(insertAt(
        c, element, body.addArgument(type, loc), *axis,
        position(layout.outReverse[k]),
        "scan output " + llvm::Twine(k) + " must have the sizes of " +
            source.what + " as it enters the loop"));
    source.axis = *axis;
    sources.push_back(source);
  }
  if (c.failed())
    return failure();
  scf::YieldOp::create(b, loc, yielded);
  return success();
}

/// One scf.for over the sequence at the builder's insertion point. Returns
/// the final states, then the scan outputs (null where the node's output is
/// not used: it is not built).
FailureOr<SmallVector<Value>>
buildScan(NodeContext &c, const onnx::GraphProto &graph, ArrayRef<Value> states,
          ArrayRef<Value> inputs, const ScanLayout &layout) {
  FailureOr<SequenceLength> length = sequenceLength(c, inputs, layout);
  if (failed(length))
    return failure();
  int64_t numOut = int64_t(graph.output_size()) - int64_t(states.size());
  if (numOut < 0 || static_cast<int64_t>(layout.outAxes.size()) != numOut)
    return c.fail("the body has " + llvm::Twine(graph.output_size()) +
                  " outputs for " + llvm::Twine(states.size()) +
                  " states and " + llvm::Twine(layout.outAxes.size()) +
                  " scan outputs");
  Block body;
  SmallVector<SizeSource> sources;
  if (failed(convertScanBody(c, graph, states, inputs, layout, *length, body,
                             sources)))
    return failure();
  OpBuilder &b = c.b();
  Location loc = c.loc();
  SmallVector<Value> inits(states);
  for (auto [out, source] : llvm::zip(
           body.getArguments().drop_front(1 + states.size()), sources)) {
    auto type = cast<RankedTensorType>(out.getType());
    // The sequence axis has the scan's length; the element's dynamic sizes
    // are the source's (without a scan input's own axis).
    SmallVector<int64_t> sourceDims;
    if (source.outside)
      for (int64_t d = 0,
                   e = cast<RankedTensorType>(source.outside.getType()).getRank();
           d < e; ++d)
        if (d != source.dropAxis)
          sourceDims.push_back(d);
    SmallVector<Value> sizes;
    for (int64_t d = 0; d < type.getRank(); ++d) {
      if (!type.isDynamicDim(d))
        continue;
      if (d == source.axis)
        sizes.push_back(length->value);
      else
        sizes.push_back(tensor::DimOp::create(
            b, loc, source.outside, sourceDims[d < source.axis ? d : d - 1]));
    }
    inits.push_back(tensor::EmptyOp::create(b, loc, type, sizes));
  }
  auto loop = scf::ForOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                                 length->value,
                                 arith::ConstantIndexOp::create(b, loc, 1), inits);
  moveBody(body, *loop.getBody());
  SmallVector<Value> results(loop.getResults().take_front(states.size()));
  unsigned next = states.size();
  for (int64_t k = 0; k < numOut; ++k)
    results.push_back(c.outputUsed(states.size() + k) ? loop.getResult(next++)
                                                      : Value());
  return results;
}

/// The body subgraph of a Scan and its state/scan-input split.
FailureOr<const onnx::GraphProto *> scanBody(NodeContext &c, unsigned numInputs,
                                             int64_t &numScanInputs) {
  const onnx::GraphProto *graph = c.attrGraph("body");
  if (!graph)
    return c.failed() ? failure() : c.fail("the body is missing");
  numScanInputs = c.attrInt("num_scan_inputs", -1);
  if (c.failed())
    return failure();
  if (numScanInputs < 1 || numScanInputs > static_cast<int64_t>(numInputs))
    return c.fail("num_scan_inputs must be in [1, " + llvm::Twine(numInputs) +
                  "]");
  if (graph->output_size() < static_cast<int>(c.numOutputs()))
    return c.fail("the Scan has " + llvm::Twine(c.numOutputs()) +
                  " outputs but its body gives only " +
                  llvm::Twine(graph->output_size()));
  return graph;
}

/// Scan-9 and later: scan axes and directions per input and output.
LogicalResult convertScan(NodeContext &c) {
  int64_t numScan = 0;
  FailureOr<const onnx::GraphProto *> graph =
      scanBody(c, c.numInputs(), numScan);
  if (failed(graph))
    return failure();
  size_t numStates = c.numInputs() - numScan;
  size_t numOut = std::max<int64_t>(
      int64_t((*graph)->output_size()) - int64_t(numStates), 0);
  ScanLayout layout;
  FailureOr<SmallVector<int64_t>> inAxes =
      perScanValue(c, "scan_input_axes", numScan, 0);
  FailureOr<SmallVector<int64_t>> inDirs =
      directions(c, "scan_input_directions", numScan);
  FailureOr<SmallVector<int64_t>> outAxes =
      perScanValue(c, "scan_output_axes", numOut, 0);
  FailureOr<SmallVector<int64_t>> outDirs =
      directions(c, "scan_output_directions", numOut);
  if (failed(inAxes) || failed(inDirs) || failed(outAxes) || failed(outDirs))
    return failure();
  layout.inReverse = *inDirs;
  layout.outAxes = *outAxes;
  layout.outReverse = *outDirs;
  SmallVector<Value> states, inputs;
  for (unsigned i = 0; i < c.numInputs(); ++i) {
    if (!c.has(i))
      return c.fail("input " + llvm::Twine(i) + " is missing");
    if (i < numStates) {
      states.push_back(c.in(i));
      continue;
    }
    FailureOr<int64_t> axis =
        c.normAxis((*inAxes)[i - numStates], c.rank(i), "scan input axis");
    if (failed(axis))
      return failure();
    layout.inAxes.push_back(*axis);
    inputs.push_back(c.in(i));
  }
  FailureOr<SmallVector<Value>> results =
      buildScan(c, **graph, states, inputs, layout);
  if (failed(results))
    return failure();
  for (unsigned i = 0; i < c.numOutputs(); ++i)
    c.set(i, (*results)[i]);
  return success();
}

/// Scan-8 with dynamic sizes (or a batch too large to unroll): an scf.for
/// over the batch around the Scan of each entry. The outputs are allocated
/// before it with the sizes the inner scan gives them: a final state has
/// its input's, a scan output the sequence length and the sizes of the
/// state or scan-input element of its type (as convertScanBody picks),
/// checked when each entry's result is written.
LogicalResult convertScan8Loop(NodeContext &c, const onnx::GraphProto &graph,
                               size_t numStates, const ScanLayout &layout) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  SmallVector<Value> all;
  for (unsigned i = 1; i < c.numInputs(); ++i)
    all.push_back(c.in(i));
  ScanLayout batchAxes{SmallVector<int64_t>(all.size(), 0), {}, {}, {}};
  FailureOr<SequenceLength> batch =
      sequenceLength(c, all, batchAxes, "batch size");
  if (failed(batch))
    return failure();
  // The size before the loop of dimension d of output o (without the batch).
  auto entryType = [&](unsigned i, int64_t drop) {
    return RankedTensorType::get(c.shape(i).drop_front(drop), c.elt(i));
  };
  auto outsideDim = [&](unsigned o, RankedTensorType type, int64_t d) -> Value {
    if (o < numStates)
      return tensor::DimOp::create(b, loc, c.in(1 + o), d + 1);
    if (d == 0)
      return tensor::DimOp::create(b, loc, c.in(1 + numStates), 1);
    auto elt = RankedTensorType::get(type.getShape().drop_front(),
                                     type.getElementType());
    for (unsigned i = 1; i < c.numInputs(); ++i) {
      int64_t drop = i <= numStates ? 1 : 2;
      if (entryType(i, drop) == elt)
        return tensor::DimOp::create(b, loc, c.in(i), d - 1 + drop);
    }
    return Value();
  };
  Block outer;
  SmallVector<std::pair<unsigned, Value>> used; // output, buffer argument
  {
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToEnd(&outer);
    Value n = outer.addArgument(b.getIndexType(), loc);
    SmallVector<Value> states, inputs;
    for (unsigned i = 1; i < c.numInputs(); ++i)
      (i <= numStates ? states : inputs).push_back(sliceAt(b, loc, c.in(i), 0, n));
    FailureOr<SmallVector<Value>> results =
        buildScan(c, graph, states, inputs, layout);
    if (failed(results))
      return failure();
    SmallVector<Value> yielded;
    for (unsigned o = 0; o < c.numOutputs(); ++o) {
      Value r = (*results)[o];
      if (!r)
        continue;
      auto type = cast<RankedTensorType>(r.getType());
      Value buffer = outer.addArgument(
          RankedTensorType::get(withDim(type.getShape(), 0, batch->size),
                                type.getElementType()),
          loc);
      used.push_back({o, buffer});
      yielded.push_back(insertAt(c, r, buffer, 0, n,
                                 "output " + llvm::Twine(o) +
                                     " must have the same sizes for every "
                                     "batch entry"));
    }
    scf::YieldOp::create(b, loc, yielded);
  }
  SmallVector<Value> inits;
  for (auto [o, buffer] : used) {
    auto type = cast<RankedTensorType>(buffer.getType());
    auto entry = RankedTensorType::get(type.getShape().drop_front(),
                                       type.getElementType());
    SmallVector<Value> sizes;
    if (type.isDynamicDim(0))
      sizes.push_back(batch->value);
    for (int64_t d = 0; d < entry.getRank(); ++d) {
      if (!entry.isDynamicDim(d))
        continue;
      Value size = outsideDim(o, entry, d);
      if (!size)
        return c.fail("output " + llvm::Twine(o) + " has the shape " +
                      shapeStr(entry.getShape()) +
                      " for each batch entry; its dynamic sizes must be "
                      "those of an input of that type");
      sizes.push_back(size);
    }
    inits.push_back(tensor::EmptyOp::create(b, loc, type, sizes));
  }
  auto loop =
      scf::ForOp::create(b, loc, arith::ConstantIndexOp::create(b, loc, 0),
                         batch->value, arith::ConstantIndexOp::create(b, loc, 1),
                         inits);
  moveBody(outer, *loop.getBody());
  for (auto [k, entry] : llvm::enumerate(used))
    c.set(entry.first, loop.getResult(k));
  return success();
}

/// Scan-8: every input has a leading batch dimension, and each batch entry
/// is scanned on its own (along dimension 1 of the scan inputs). A static
/// batch is unrolled; each entry gets its own scf.for.
LogicalResult convertScan8(NodeContext &c) {
  if (c.numInputs() < 1)
    return c.fail("the Scan has no inputs");
  int64_t numScan = 0;
  FailureOr<const onnx::GraphProto *> graph =
      scanBody(c, c.numInputs() - 1, numScan);
  if (failed(graph))
    return failure();
  size_t numStates = c.numInputs() - 1 - numScan;
  size_t numOut = std::max<int64_t>(
      int64_t((*graph)->output_size()) - int64_t(numStates), 0);
  FailureOr<SmallVector<int64_t>> dirs = directions(c, "directions", numScan);
  if (failed(dirs))
    return failure();
  ScanLayout layout{SmallVector<int64_t>(numScan, 0), *dirs,
                    SmallVector<int64_t>(numOut, 0),
                    SmallVector<int64_t>(numOut, 0)};
  int64_t batch = ShapedType::kDynamic;
  bool dynamic = false;
  for (unsigned i = 1; i < c.numInputs(); ++i) {
    if (!c.has(i))
      return c.fail("input " + llvm::Twine(i) + " is missing");
    bool scanInput = i > numStates;
    if (c.rank(i) < (scanInput ? 2 : 1) ||
        (!ShapedType::isDynamic(batch) &&
         !ShapedType::isDynamic(c.shape(i)[0]) && c.shape(i)[0] != batch))
      return c.fail("every input needs the same batch dimension" +
                    llvm::Twine(scanInput ? " and a sequence dimension" : ""));
    dynamic |= llvm::any_of(c.shape(i), ShapedType::isDynamic);
    if (!ShapedType::isDynamic(c.shape(i)[0]))
      batch = c.shape(i)[0];
  }
  if (c.has(0)) {
    const ConstTensor *lens = c.constant(0);
    int64_t length = c.shape(numStates + 1)[1];
    if (!lens || ShapedType::isDynamic(length) ||
        llvm::any_of(lens->ints(), [&](int64_t n) { return n != length; }))
      return c.fail("sequence_lens must be absent or a constant of full "
                    "lengths");
  }
  if (dynamic || batch > kMaxScanBatch)
    return convertScan8Loop(c, **graph, numStates, layout);
  if (batch < 1)
    return c.fail("the batch must be in [1, " + llvm::Twine(kMaxScanBatch) +
                  "] (it is unrolled)");
  // Entry n of `x` without the batch dimension.
  auto entry = [&](unsigned i, int64_t n) {
    SmallVector<int64_t> starts(c.rank(i), 0), steps(c.rank(i), 1);
    SmallVector<int64_t> sizes(c.shape(i));
    starts[0] = n;
    sizes[0] = 1;
    Value slice = c.slice(c.in(i), starts, steps, sizes);
    return c.reshape(slice, c.shape(i).drop_front());
  };
  SmallVector<SmallVector<Value>> perOutput(c.numOutputs());
  for (int64_t n = 0; n < batch; ++n) {
    SmallVector<Value> states, inputs;
    for (unsigned i = 1; i < c.numInputs(); ++i)
      (i <= numStates ? states : inputs).push_back(entry(i, n));
    FailureOr<SmallVector<Value>> results =
        buildScan(c, **graph, states, inputs, layout);
    if (failed(results))
      return failure();
    for (unsigned o = 0; o < c.numOutputs(); ++o) {
      if (!(*results)[o])
        continue;
      auto type = cast<RankedTensorType>((*results)[o].getType());
      perOutput[o].push_back(
          c.reshape((*results)[o], withDim(type.getShape(), 0, 1)));
    }
  }
  for (unsigned o = 0; o < c.numOutputs(); ++o) {
    if (perOutput[o].empty())
      continue;
    FailureOr<Value> joined = c.concat(perOutput[o], 0);
    if (failed(joined))
      return failure();
    c.set(o, *joined);
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
  r.on("Scan", {8}, convertScan8,
       "opset 8: sequence_lens absent or full, a static batch of at most 64 "
       "unrolled, else an scf.for over the batch");
  r.on("Scan", {9, 11, 16}, convertScan,
       "static or run-time sequence length; states keep their type");
}

} // namespace xfc::onnx_import
