//===- OpsScan.cpp - Scan -> scf.for on tensors ---------------------------===//
//
// Scan, opset 8 and opset 9 on: an scf.for over the sequence whose body is
// the converted subgraph, carrying the states and writing each step's scan
// outputs into a tensor of one row per step (OpsControlFlow.cpp describes
// the regions and buffers that If, Loop and Scan share). Scan-8 adds a
// batch axis in front: a static batch of at most 64 entries is unrolled at
// import, else an scf.for over the batch runs the Scan of each entry.
// Scan is its own file because its layout (per-input axes and directions,
// a sequence length static or read at run time) and its two opset
// generations need code of their own; the helpers it shares with Loop are
// declared in ControlFlow.h.
//
//===----------------------------------------------------------------------===//

#include "ControlFlow.h"
#include "GraphImporter.h"
#include "NodeContext.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace xfc::onnx_import {
namespace {

/// Scan-8 runs its body once per batch entry, unrolled at import.
constexpr int64_t kMaxScanBatch = 64;

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

void registerScanOps(OpRegistry &r) {
  r.on("Scan", {8}, convertScan8,
       "opset 8: sequence_lens absent or full, a static batch of at most 64 "
       "unrolled, else an scf.for over the batch");
  r.on("Scan", {9, 11, 16}, convertScan,
       "static or run-time sequence length; states keep their type");
}

} // namespace xfc::onnx_import
