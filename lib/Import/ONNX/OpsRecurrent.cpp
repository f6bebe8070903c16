//===- OpsRecurrent.cpp - RNN, GRU and LSTM -> xf -------------------------===//
//
// The recurrent ops are unrolled at import: the sequence length is static, so
// each time step becomes a handful of xf ops and no loop construct is needed
// in xf or in its lowering. Most of the work, the input projection X·Wᵀ + b,
// does not depend on the state; it is one xf.linear over every time step and
// every direction before the recurrence. Each step then adds one xf.linear of
// the hidden state with R (two for GRU) and the elementwise gate math.
//
// One description of the three cells (CellSpec: gate count, activations per
// direction) and one unroller (Unroller: weights, step inputs, activations,
// clip, sequence_lens masking, output assembly) serve RNN, GRU and LSTM; the
// cell functions only write the equations of the ONNX specification.
//
// sequence_lens, when present, masks the steps at or past a sequence's length
// (the state is kept, Y is zero there), which also gives the reverse
// direction its per-sequence start. A constant sequence_lens decides the
// masks at compile time; a run-time one compares with the step index.
//
// A sequence length known only at run time (or too long to unroll), or any
// other dynamic size, takes the loop path instead: one scf.for over the time
// steps per direction carries the state (and Y, written step by step with
// tensor.insert_slice), and the body is one step built by the same cell
// functions. Inputs with dynamic dimensions are first broadcast to the shape
// the node needs (xf.broadcast checks at run time that the sizes agree), so
// the weights the cells read have static shapes; only the batch (and X's
// input size) stays dynamic. Static nodes unroll exactly as before.
//
//===----------------------------------------------------------------------===//

#include "Fold.h"
#include "NodeContext.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"

#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>

using namespace mlir;
using xfc::xf::BinaryKind;
using xfc::xf::UnaryKind;

namespace xfc::onnx_import {
namespace {

/// More time steps (summed over directions) than this are refused: the
/// unrolled IR grows linearly with them, but parts of the lowering do not.
/// A bidirectional LSTM of 512 steps (1024 in all, hidden size 64) compiles
/// in about 2.5 minutes at -O3, mostly LLVM code generation; twice as many
/// steps took over ten.
constexpr int64_t kMaxUnrolledSteps = 1024;

//===----------------------------------------------------------------------===//
// Activations
//===----------------------------------------------------------------------===//

enum class ActKind {
  relu,
  tanh,
  sigmoid,
  affine,
  leakyRelu,
  thresholdedRelu,
  scaledTanh,
  hardSigmoid,
  elu,
  softsign,
  softplus
};

struct Activation {
  ActKind kind;
  float alpha = 0.0f, beta = 0.0f;
};

struct ActInfo {
  const char *name;
  ActKind kind;
  bool needsAlpha, needsBeta;
  /// ONNX's defaults for the corresponding operator; NaN: no default.
  float alpha, beta;
};

constexpr float kNoDefault = std::numeric_limits<float>::quiet_NaN();

const ActInfo kActivations[] = {
    {"Relu", ActKind::relu, false, false, 0, 0},
    {"Tanh", ActKind::tanh, false, false, 0, 0},
    {"Sigmoid", ActKind::sigmoid, false, false, 0, 0},
    {"Affine", ActKind::affine, true, true, 1.0f, 0.0f},
    {"LeakyRelu", ActKind::leakyRelu, true, false, 0.01f, 0},
    {"ThresholdedRelu", ActKind::thresholdedRelu, true, false, 1.0f, 0},
    {"ScaledTanh", ActKind::scaledTanh, true, true, kNoDefault, kNoDefault},
    {"HardSigmoid", ActKind::hardSigmoid, true, true, 0.2f, 0.5f},
    {"Elu", ActKind::elu, true, false, 1.0f, 0},
    {"Softsign", ActKind::softsign, false, false, 0, 0},
    {"Softplus", ActKind::softplus, false, false, 0, 0},
};

/// The `activations` attribute (or the cell's defaults), one list entry per
/// function and direction. activation_alpha/beta are consumed in order by
/// the functions that take them (as ONNX Runtime reads them); a function
/// that finds none left gets its operator's default.
FailureOr<llvm::SmallVector<Activation>>
readActivations(NodeContext &c, llvm::ArrayRef<const char *> defaults,
                int64_t dirs) {
  llvm::SmallVector<std::string> names;
  if (auto list = c.attrStrings("activations")) {
    names = std::move(*list);
    int64_t expected = static_cast<int64_t>(defaults.size()) * dirs;
    if (static_cast<int64_t>(names.size()) != expected)
      return c.fail("activations has " + llvm::Twine(names.size()) +
                    " entries; " + c.opType() + " with " + llvm::Twine(dirs) +
                    " direction(s) needs " + llvm::Twine(expected));
  } else {
    for (int64_t d = 0; d < dirs; ++d)
      for (const char *name : defaults)
        names.push_back(name);
  }
  if (c.failed())
    return failure();
  auto alphas = c.attrFloats("activation_alpha");
  auto betas = c.attrFloats("activation_beta");
  if (c.failed())
    return failure();
  size_t nextAlpha = 0, nextBeta = 0;
  llvm::SmallVector<Activation> acts;
  for (const std::string &name : names) {
    const ActInfo *info = nullptr;
    for (const ActInfo &a : kActivations)
      if (llvm::StringRef(name).equals_insensitive(a.name))
        info = &a;
    if (!info)
      return c.fail("activation '" + name +
                    "' is not supported (Relu, Tanh, Sigmoid, Affine, "
                    "LeakyRelu, ThresholdedRelu, ScaledTanh, HardSigmoid, "
                    "Elu, Softsign, Softplus are)");
    Activation act{info->kind, info->alpha, info->beta};
    if (info->needsAlpha && alphas && nextAlpha < alphas->size())
      act.alpha = (*alphas)[nextAlpha++];
    if (info->needsBeta && betas && nextBeta < betas->size())
      act.beta = (*betas)[nextBeta++];
    if ((info->needsAlpha && std::isnan(act.alpha)) ||
        (info->needsBeta && std::isnan(act.beta)))
      return c.fail("activation '" + name +
                    "' needs its alpha and beta in activation_alpha and "
                    "activation_beta");
    acts.push_back(act);
  }
  return acts;
}

//===----------------------------------------------------------------------===//
// Compile-time-or-run-time operands
//===----------------------------------------------------------------------===//

/// A weight or bias piece: folded when the node input is a compile-time
/// constant (initializers, the common case), else an xf value.
struct Part {
  std::optional<ConstTensor> known;
  Value value;
};

//===----------------------------------------------------------------------===//
// The unroller
//===----------------------------------------------------------------------===//

enum class CellKind { rnn, gru, lstm };

/// Input indices shared by the three ops.
enum : unsigned {
  kX = 0,
  kW = 1,
  kR = 2,
  kB = 3,
  kSeqLens = 4,
  kInitH = 5,
  kInitC = 6,
  kP = 7
};

/// What distinguishes the three ops.
struct CellSpec {
  CellKind kind;
  int64_t gates;                               ///< 1 (RNN), 3 (GRU), 4 (LSTM)
  llvm::SmallVector<const char *> defaultActs; ///< per direction
};

/// The node's sizes and attributes, validated.
struct Shape {
  int64_t seq, batch, input, hidden, dirs;
  bool forward = true, reverse = false; ///< directions present
  bool batchFirst = false;              ///< layout = 1
  /// The recurrence is an scf.for over the steps, not unrolled: the
  /// sequence length or another size is dynamic, or it is too long.
  bool loop = false;
  std::optional<float> clip;
  Type elt;
};

/// Converts one RNN, GRU or LSTM node: validate() checks every input shape
/// and attribute the builders rely on, run() builds the unrolled xf.
class Unroller {
public:
  Unroller(NodeContext &c, CellSpec spec) : c(c), spec(std::move(spec)) {}

  LogicalResult run();

private:
  LogicalResult validate();
  LogicalResult checkInput(unsigned i, llvm::StringRef what,
                           llvm::ArrayRef<int64_t> expected);

  //===--- Builders that cannot fail on validated operands -------------===//
  Value bin(BinaryKind kind, Value a, Value b) { return ops.bin(kind, a, b); }
  Value add(Value a, Value b) { return bin(BinaryKind::add, a, b); }
  Value sub(Value a, Value b) { return bin(BinaryKind::sub, a, b); }
  Value mul(Value a, Value b) { return bin(BinaryKind::mul, a, b); }
  Value select(Value cond, Value a, Value b) {
    return ops.select(cond, a, b);
  }
  Value concat(llvm::ArrayRef<Value> parts, int64_t axis);
  Value linear(Value x, Value w, Value bias);
  /// Elements [starts, starts + sizes) of `v` (unit steps); a dynamic size
  /// takes the whole dimension (its start is 0).
  Value extract(Value v, llvm::ArrayRef<int64_t> starts,
                llvm::ArrayRef<int64_t> sizes);
  /// Columns [g*H, (g+1)*H) of a [B, k*H] tensor (or a [k*H] bias).
  Value gate(Value v, int64_t g);
  /// clip (when set and `clip`), then the activation.
  Value activate(const Activation &act, Value x, bool clip = true);
  /// The run-time batch size (an index).
  Value batchSize();
  Value zeros();

  //===--- Weights --------------------------------------------------------===//
  /// Input `i` as the node uses it: broadcast (with the run-time check that
  /// its dynamic sizes agree) to the shape validate() expects.
  Value input(unsigned i);
  /// Input `i` at `starts` with `sizes`, reshaped to `shape`.
  Part part(unsigned i, llvm::ArrayRef<int64_t> starts,
            llvm::ArrayRef<int64_t> sizes, llvm::ArrayRef<int64_t> shape);
  Part addParts(const Part &a, const Part &b);
  Value materialize(const Part &p);
  /// One direction's initial state from input `i` ([B, H]).
  Value initialState(unsigned i, int64_t d);

  //===--- The recurrence ------------------------------------------------===//
  /// The input projection of every step and direction,
  /// [T, B, D*G*H] (layout 0) or [B, T, D*G*H] (layout 1).
  Value projectInputs();
  /// Step t of direction d of the projection, [B, G*H].
  Value stepInput(Value proj, int64_t t, int64_t d);
  Value stepInput(Value proj, Value t, int64_t d);
  /// Which sequences step t belongs to (sequence_lens).
  struct StepMask {
    enum { all, none, some } which = all;
    Value mask; ///< i1 [B, 1] for `some`
  };
  StepMask stepMask(int64_t t);
  /// The mask of run-time step `t` (an index), null without sequence_lens.
  Value stepMask(Value t);
  LogicalResult readSequenceLens();

  struct State {
    Value h, c;
    bool hZero = false, cZero = false; ///< known zero: terms are skipped
  };
  /// The new state of one step of direction d (before masking).
  State step(int64_t d, Value xw, const State &prev);
  State rnnStep(int64_t d, Value xw, const State &prev);
  State gruStep(int64_t d, Value xw, const State &prev);
  State lstmStep(int64_t d, Value xw, const State &prev);
  /// The unrolled recurrence: ys[d][t] and the final states.
  void unroll(Value proj, bool wantY,
              llvm::SmallVector<llvm::SmallVector<Value>> &ys,
              llvm::SmallVector<State> &finals);
  /// The scf.for recurrence: writes each direction's steps into Y (when
  /// `y` is set) and returns the final states.
  llvm::SmallVector<State> loop(Value proj, Value &y);
  const Activation &act(int64_t d, unsigned which) {
    return acts[d * spec.defaultActs.size() + which];
  }

  NodeContext &c;
  ChainedOps ops{c};
  CellSpec spec;
  Shape s;
  /// The shape each input is used with (inputs that are not used: empty).
  llvm::SmallVector<llvm::SmallVector<int64_t>, 8> expected;
  llvm::SmallVector<Activation> acts;
  bool linearBeforeReset = false;
  /// Per direction: R (or its parts) and the recurrent bias, built once.
  struct DirWeights {
    Value r;          ///< [G*H, H]; GRU with lbr = 0: only the z and r rows
    Value rh;         ///< GRU with lbr = 0: the h rows [H, H]
    Value rBias;      ///< GRU with lbr = 1: Rb [3H] (null without B)
    Value pi, po, pf; ///< LSTM peepholes [H] (null without P)
  };
  llvm::SmallVector<DirWeights, 2> dirWeights;
  /// Constant sequence lengths, or a run-time [B] integer tensor.
  std::optional<llvm::SmallVector<int64_t>> constLens;
  Value lens;
};

//===----------------------------------------------------------------------===//
// Validation
//===----------------------------------------------------------------------===//

LogicalResult Unroller::checkInput(unsigned i, llvm::StringRef what,
                                   llvm::ArrayRef<int64_t> want) {
  if (!c.has(i))
    return success();
  if (i != kSeqLens && c.elt(i) != s.elt)
    return c.fail(what + " must have X's element type");
  // A dynamic size (of the input or of what it must be) is checked at run
  // time, when input() broadcasts it to `want`.
  llvm::ArrayRef<int64_t> have = c.shape(i);
  bool fits = have.size() == want.size();
  for (size_t d = 0; fits && d < have.size(); ++d)
    fits = have[d] == want[d] || ShapedType::isDynamic(have[d]) ||
           ShapedType::isDynamic(want[d]);
  if (!fits)
    return c.fail(what + " has the shape " + shapeStr(have) + "; expected " +
                  shapeStr(want));
  expected[i].assign(want.begin(), want.end());
  return success();
}

LogicalResult Unroller::validate() {
  if (c.numInputs() < 3 || !c.has(kX) || !c.has(kW) || !c.has(kR))
    return c.fail("X, W and R are required");
  if (!isa<FloatType>(c.elt(kX)))
    return c.fail("X must be a floating-point tensor");
  s.elt = c.elt(kX);
  if (c.rank(kX) != 3)
    return c.fail("X must be 3-D, not " + shapeStr(c.shape(kX)));

  s.batchFirst = c.since() >= 14 && c.attrInt("layout", 0) != 0;
  if (c.since() >= 14 && c.hasAttr("layout") &&
      (c.attrInt("layout", 0) < 0 || c.attrInt("layout", 0) > 1))
    return c.fail("layout must be 0 or 1");
  std::string direction = c.attrString("direction", "forward");
  if (c.hasAttr("clip"))
    s.clip = c.attrFloat("clip", 0.0f);
  if (c.failed())
    return failure();
  if (direction == "reverse") {
    s.forward = false;
    s.reverse = true;
  } else if (direction == "bidirectional") {
    s.reverse = true;
  } else if (direction != "forward") {
    return c.fail("direction '" + direction +
                  "' must be forward, reverse or bidirectional");
  }
  s.dirs = s.forward && s.reverse ? 2 : 1;
  if (s.clip && !(*s.clip > 0.0f))
    return c.fail("clip must be positive");

  llvm::ArrayRef<int64_t> xs = c.shape(kX);
  s.seq = s.batchFirst ? xs[1] : xs[0];
  s.batch = s.batchFirst ? xs[0] : xs[1];
  s.input = xs[2];
  if (llvm::any_of(xs, [](int64_t n) { return n == 0; }))
    return c.fail("X " + shapeStr(xs) + " is empty");
  // Loop over the steps when a size is dynamic or the sequence is long.
  s.loop = ShapedType::isDynamic(s.seq) || s.seq * s.dirs > kMaxUnrolledSteps;
  for (unsigned i = 0; i < c.numInputs(); ++i)
    s.loop |= c.has(i) && llvm::any_of(c.shape(i), ShapedType::isDynamic);

  // hidden_size: the attribute, else R's last dimension.
  if (c.rank(kR) != 3 ||
      (!c.hasAttr("hidden_size") && ShapedType::isDynamic(c.shape(kR)[2])))
    return c.fail("R must be [num_directions, " + llvm::Twine(spec.gates) +
                  "*hidden_size, hidden_size] with a static hidden_size (or "
                  "the attribute), not " +
                  shapeStr(c.shape(kR)));
  s.hidden = c.attrInt("hidden_size", c.shape(kR)[2]);
  if (c.failed())
    return failure();
  if (s.hidden < 1)
    return c.fail("hidden_size " + llvm::Twine(s.hidden) + " must be positive");
  int64_t gh = spec.gates * std::min(s.hidden, kMaxDim + 1);
  expected.assign(c.numInputs(), {});
  if (gh > kMaxDim || !saneShape({s.dirs, gh, s.input}) ||
      !saneShape({s.seq, s.batch, s.dirs * gh}))
    return c.fail("hidden_size " + llvm::Twine(s.hidden) + " is too large");
  int64_t d = s.dirs, h = s.hidden, b = s.batch;
  llvm::SmallVector<int64_t> stateShape =
      s.batchFirst ? llvm::SmallVector<int64_t>{b, d, h}
                   : llvm::SmallVector<int64_t>{d, b, h};
  if (failed(checkInput(kW, "W", {d, gh, s.input})) ||
      failed(checkInput(kR, "R", {d, gh, h})) ||
      failed(checkInput(kB, "B", {d, 2 * gh})) ||
      failed(checkInput(kInitH, "initial_h", stateShape)))
    return failure();
  if (spec.kind == CellKind::lstm &&
      (failed(checkInput(kInitC, "initial_c", stateShape)) ||
       failed(checkInput(kP, "P", {d, 3 * h}))))
    return failure();
  unsigned maxInputs = spec.kind == CellKind::lstm ? 8 : 6;
  if (c.numInputs() > maxInputs)
    return c.fail("has " + llvm::Twine(c.numInputs()) + " inputs; " +
                  c.opType() + " takes at most " + llvm::Twine(maxInputs));

  if (spec.kind == CellKind::gru)
    linearBeforeReset = c.attrInt("linear_before_reset", 0) != 0;
  if (spec.kind == CellKind::lstm && c.attrInt("input_forget", 0) != 0)
    return c.fail("input_forget = 1 (coupled input and forget gates) is not "
                  "supported");
  if (c.failed())
    return failure();
  auto parsed = readActivations(c, spec.defaultActs, s.dirs);
  if (failed(parsed))
    return failure();
  acts = std::move(*parsed);
  return readSequenceLens();
}

LogicalResult Unroller::readSequenceLens() {
  if (!c.has(kSeqLens))
    return success();
  if (!isa<IntegerType>(c.elt(kSeqLens)) || c.elt(kSeqLens).isInteger(1))
    return c.fail("sequence_lens must be an integer tensor");
  if (failed(checkInput(kSeqLens, "sequence_lens", {s.batch})))
    return failure();
  if (const ConstTensor *t = c.constant(kSeqLens)) {
    std::vector<int64_t> v = t->ints();
    for (int64_t len : v)
      if (len < 0 || (!ShapedType::isDynamic(s.seq) && len > s.seq))
        return c.fail("sequence_lens value " + llvm::Twine(len) +
                      " is outside [0, " + llvm::Twine(s.seq) + "]");
    if (!s.loop) {
      constLens.emplace(v.begin(), v.end());
      return success();
    }
  }
  lens = c.reshape(input(kSeqLens), {s.batch, 1});
  return success();
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

Value Unroller::concat(llvm::ArrayRef<Value> parts, int64_t axis) {
  // A tree of concats: one concat of a thousand parts becomes a chain of a
  // thousand insert_slices, and One-Shot Bufferize's analysis of such a
  // chain grows faster than quadratically with its length.
  constexpr size_t kFanIn = 16;
  if (parts.size() > kFanIn) {
    llvm::SmallVector<Value> groups;
    for (size_t i = 0; i < parts.size(); i += kFanIn)
      groups.push_back(
          concat(parts.slice(i, std::min(kFanIn, parts.size() - i)), axis));
    return concat(groups, axis);
  }
  FailureOr<Value> r = c.concat(parts, axis);
  if (failed(r)) {
    ops.ok = false;
    return parts.front();
  }
  return *r;
}

Value Unroller::linear(Value x, Value w, Value bias) {
  auto xt = llvm::cast<RankedTensorType>(x.getType());
  auto wt = llvm::cast<RankedTensorType>(w.getType());
  llvm::SmallVector<int64_t> shape(xt.getShape().drop_back());
  shape.push_back(wt.getDimSize(0));
  auto type = RankedTensorType::get(shape, s.elt);
  return xf::LinearOp::create(c.b(), c.loc(), type, x, w, bias);
}

Value Unroller::extract(Value v, llvm::ArrayRef<int64_t> starts,
                        llvm::ArrayRef<int64_t> sizes) {
  auto type = llvm::cast<RankedTensorType>(v.getType());
  if (type.hasStaticShape() && !llvm::any_of(sizes, ShapedType::isDynamic))
    return c.slice(v, starts, llvm::SmallVector<int64_t>(starts.size(), 1),
                   sizes);
  // xf.slice needs static sizes: take the dynamic ones whole.
  OpBuilder &b = c.b();
  llvm::SmallVector<OpFoldResult> offsets, lengths,
      strides(starts.size(), b.getIndexAttr(1));
  for (auto [d, start] : llvm::enumerate(starts)) {
    offsets.push_back(b.getIndexAttr(start));
    lengths.push_back(
        ShapedType::isDynamic(sizes[d])
            ? OpFoldResult(tensor::DimOp::create(b, c.loc(), v, d).getResult())
            : OpFoldResult(b.getIndexAttr(sizes[d])));
  }
  return tensor::ExtractSliceOp::create(
      b, c.loc(), RankedTensorType::get(sizes, s.elt), v, offsets, lengths,
      strides);
}

Value Unroller::gate(Value v, int64_t g) {
  if (llvm::cast<RankedTensorType>(v.getType()).getRank() == 1)
    return extract(v, {g * s.hidden}, {s.hidden});
  return extract(v, {0, g * s.hidden}, {s.batch, s.hidden});
}

Value Unroller::batchSize() {
  return tensor::DimOp::create(c.b(), c.loc(), c.in(kX), s.batchFirst ? 0 : 1);
}

Value Unroller::zeros() {
  if (!ShapedType::isDynamic(s.batch))
    return c.splat(s.elt, 0.0, {s.batch, s.hidden});
  Value zero = arith::ConstantOp::create(c.b(), c.loc(),
                                         c.b().getFloatAttr(s.elt, 0.0));
  return tensor::SplatOp::create(
      c.b(), c.loc(),
      RankedTensorType::get({ShapedType::kDynamic, s.hidden}, s.elt), zero,
      ValueRange{batchSize()});
}

Value Unroller::activate(const Activation &act, Value x, bool clip) {
  if (clip && s.clip)
    x = xf::ClampOp::create(c.b(), c.loc(), x.getType(), x,
                            c.b().getF64FloatAttr(-*s.clip),
                            c.b().getF64FloatAttr(*s.clip));
  switch (act.kind) {
  case ActKind::relu:
    return c.unary(UnaryKind::relu, x);
  case ActKind::tanh:
    return c.unary(UnaryKind::tanh, x);
  case ActKind::sigmoid:
    return c.unary(UnaryKind::sigmoid, x);
  case ActKind::softsign:
    return c.unary(UnaryKind::softsign, x);
  case ActKind::softplus:
    return c.unary(UnaryKind::softplus, x);
  case ActKind::leakyRelu:
    return c.unary(UnaryKind::leaky_relu, x, act.alpha);
  case ActKind::thresholdedRelu:
    return c.unary(UnaryKind::thresholded_relu, x, act.alpha);
  case ActKind::elu:
    return c.unary(UnaryKind::elu, x, act.alpha);
  case ActKind::hardSigmoid:
    return c.unary(UnaryKind::hard_sigmoid, x, act.alpha, act.beta);
  case ActKind::affine:
    return add(mul(x, c.splat(s.elt, act.alpha)), c.splat(s.elt, act.beta));
  case ActKind::scaledTanh:
    return mul(c.unary(UnaryKind::tanh, mul(x, c.splat(s.elt, act.beta))),
               c.splat(s.elt, act.alpha));
  }
  llvm_unreachable("unknown activation");
}

//===----------------------------------------------------------------------===//
// Weights
//===----------------------------------------------------------------------===//

Value Unroller::input(unsigned i) {
  Value v = c.in(i);
  if (i >= expected.size() || expected[i].empty() ||
      c.shape(i) == llvm::ArrayRef<int64_t>(expected[i]))
    return v;
  FailureOr<Value> pinned = c.broadcastTo(v, expected[i]);
  ops.ok = ops.ok && succeeded(pinned);
  return succeeded(pinned) ? *pinned : v;
}

Part Unroller::part(unsigned i, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> sizes,
                    llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> ones(starts.size(), 1);
  if (const ConstTensor *t = c.constant(i)) {
    if (c.shape(i) == sizes &&
        llvm::all_of(starts, [](int64_t v) { return v == 0; }))
      return {t->reshaped(shape), Value()};
    return {foldSlice(*t, starts, ones, sizes).reshaped(shape), Value()};
  }
  Value v = input(i);
  bool whole = llvm::cast<RankedTensorType>(v.getType()).getShape() == sizes &&
               llvm::all_of(starts, [](int64_t v) { return v == 0; });
  if (!whole)
    v = extract(v, starts, sizes);
  return {std::nullopt, c.reshape(v, shape)};
}

Part Unroller::addParts(const Part &a, const Part &b) {
  if (a.known && b.known)
    if (auto sum = foldBinary(BinaryKind::add, *a.known, *b.known))
      return {std::move(*sum), Value()};
  return {std::nullopt, add(materialize(a), materialize(b))};
}

Value Unroller::materialize(const Part &p) {
  return p.known ? c.constant(*p.known) : p.value;
}

Value Unroller::initialState(unsigned i, int64_t d) {
  if (!c.has(i))
    return zeros();
  int64_t b = s.batch, h = s.hidden;
  if (s.batchFirst)
    return materialize(part(i, {0, d, 0}, {b, 1, h}, {b, h}));
  return materialize(part(i, {d, 0, 0}, {1, b, h}, {b, h}));
}

//===----------------------------------------------------------------------===//
// The recurrence
//===----------------------------------------------------------------------===//

Value Unroller::projectInputs() {
  int64_t gh = spec.gates * s.hidden, dgh = s.dirs * gh;
  Value w =
      materialize(part(kW, {0, 0, 0}, {s.dirs, gh, s.input}, {dgh, s.input}));
  Value bias;
  if (c.has(kB)) {
    // Wb + Rb, except GRU's Rbh with linear_before_reset, which stays
    // inside the reset gate's product.
    Part wb = part(kB, {0, 0}, {s.dirs, gh}, {dgh});
    if (spec.kind == CellKind::gru && linearBeforeReset) {
      bias = materialize(wb);
    } else {
      Part rb = part(kB, {0, gh}, {s.dirs, gh}, {dgh});
      bias = materialize(addParts(wb, rb));
    }
  }
  return linear(c.in(kX), w, bias);
}

Value Unroller::stepInput(Value proj, Value t, int64_t d) {
  OpBuilder &b = c.b();
  int64_t gh = spec.gates * s.hidden;
  OpFoldResult one = b.getIndexAttr(1), zero = b.getIndexAttr(0);
  OpFoldResult batch =
      ShapedType::isDynamic(s.batch) ? OpFoldResult(batchSize())
                                     : OpFoldResult(b.getIndexAttr(s.batch));
  llvm::SmallVector<OpFoldResult> offsets{t, zero, b.getIndexAttr(d * gh)};
  llvm::SmallVector<OpFoldResult> sizes{one, batch, b.getIndexAttr(gh)};
  if (s.batchFirst) {
    std::swap(offsets[0], offsets[1]);
    std::swap(sizes[0], sizes[1]);
  }
  return tensor::ExtractSliceOp::create(
      b, c.loc(), RankedTensorType::get({s.batch, gh}, s.elt), proj, offsets,
      sizes, llvm::SmallVector<OpFoldResult>(3, one));
}

Value Unroller::stepMask(Value t) {
  if (!lens)
    return Value();
  OpBuilder &b = c.b();
  Type elt = llvm::cast<RankedTensorType>(lens.getType()).getElementType();
  Value step = arith::IndexCastOp::create(b, c.loc(), elt, t);
  Value tensor = tensor::FromElementsOp::create(
      b, c.loc(), RankedTensorType::get({}, elt), ValueRange{step});
  return bin(BinaryKind::lt, tensor, lens);
}

Value Unroller::stepInput(Value proj, int64_t t, int64_t d) {
  int64_t gh = spec.gates * s.hidden;
  Value v = s.batchFirst
                ? c.slice(proj, {0, t, d * gh}, {1, 1, 1}, {s.batch, 1, gh})
                : c.slice(proj, {t, 0, d * gh}, {1, 1, 1}, {1, s.batch, gh});
  return c.reshape(v, {s.batch, gh});
}

Unroller::StepMask Unroller::stepMask(int64_t t) {
  if (constLens) {
    bool all = true, none = true;
    std::vector<int64_t> bits;
    for (int64_t len : *constLens) {
      bits.push_back(t < len);
      all &= t < len;
      none &= t >= len;
    }
    if (all)
      return {StepMask::all, Value()};
    if (none)
      return {StepMask::none, Value()};
    return {StepMask::some,
            c.constant(ConstTensor::ofInts(dt::Bool, {s.batch, 1}, bits))};
  }
  if (lens) {
    Type elt = llvm::cast<RankedTensorType>(lens.getType()).getElementType();
    return {StepMask::some,
            bin(BinaryKind::lt, c.splat(elt, static_cast<double>(t)), lens)};
  }
  return {StepMask::all, Value()};
}

Unroller::State Unroller::step(int64_t d, Value xw, const State &prev) {
  switch (spec.kind) {
  case CellKind::rnn:
    return rnnStep(d, xw, prev);
  case CellKind::gru:
    return gruStep(d, xw, prev);
  case CellKind::lstm:
    return lstmStep(d, xw, prev);
  }
  llvm_unreachable("unknown cell");
}

/// Ht = f(Xt·Wᵀ + Ht-1·Rᵀ + Wb + Rb)
Unroller::State Unroller::rnnStep(int64_t d, Value xw, const State &prev) {
  Value pre = xw;
  if (!prev.hZero)
    pre = add(pre, linear(prev.h, dirWeights[d].r, Value()));
  return {activate(act(d, 0), pre), Value()};
}

/// zt = f(Xt·Wzᵀ + Ht-1·Rzᵀ + Wbz + Rbz), rt likewise,
/// ht = g(Xt·Whᵀ + (rt ⊙ Ht-1)·Rhᵀ + Rbh + Wbh)       (linear_before_reset 0)
/// ht = g(Xt·Whᵀ + rt ⊙ (Ht-1·Rhᵀ + Rbh) + Wbh)       (linear_before_reset 1)
/// Ht = (1 - zt) ⊙ ht + zt ⊙ Ht-1
Unroller::State Unroller::gruStep(int64_t d, Value xw, const State &prev) {
  const DirWeights &dw = dirWeights[d];
  Value zPre = gate(xw, 0), rPre = gate(xw, 1), hPre = gate(xw, 2);
  // Ht-1·Rᵀ for the z and r rows (all rows, + Rb, with linear_before_reset);
  // a zero state contributes only that Rb.
  Value hr;
  if (!prev.hZero)
    hr = linear(prev.h, dw.r, linearBeforeReset ? dw.rBias : Value());
  else if (linearBeforeReset)
    hr = dw.rBias;
  if (hr) {
    zPre = add(zPre, gate(hr, 0));
    rPre = add(rPre, gate(hr, 1));
  }
  Value z = activate(act(d, 0), zPre);
  Value r = activate(act(d, 0), rPre);
  if (linearBeforeReset && hr)
    hPre = add(hPre, mul(r, gate(hr, 2)));
  else if (!linearBeforeReset && !prev.hZero)
    hPre = add(hPre, linear(mul(r, prev.h), dw.rh, Value()));
  Value hh = activate(act(d, 1), hPre);
  // (1 - z) ⊙ h~ + z ⊙ H = h~ + z ⊙ (H - h~)
  Value h = prev.hZero ? sub(hh, mul(z, hh)) : add(hh, mul(z, sub(prev.h, hh)));
  return {h, Value()};
}

/// it = f(Xt·Wiᵀ + Ht-1·Riᵀ + Pi ⊙ Ct-1 + Wbi + Rbi)
/// ft = f(Xt·Wfᵀ + Ht-1·Rfᵀ + Pf ⊙ Ct-1 + Wbf + Rbf)
/// ct = g(Xt·Wcᵀ + Ht-1·Rcᵀ + Wbc + Rbc)
/// Ct = ft ⊙ Ct-1 + it ⊙ ct
/// ot = f(Xt·Woᵀ + Ht-1·Roᵀ + Po ⊙ Ct + Wbo + Rbo)
/// Ht = ot ⊙ h(Ct)
/// Gates are stored in the order i, o, f, c. clip applies to the gates'
/// inputs, not to Ct before h (as in ONNX Runtime).
Unroller::State Unroller::lstmStep(int64_t d, Value xw, const State &prev) {
  const DirWeights &dw = dirWeights[d];
  Value pre = xw;
  if (!prev.hZero)
    pre = add(pre, linear(prev.h, dw.r, Value()));
  Value iPre = gate(pre, 0), oPre = gate(pre, 1), fPre = gate(pre, 2),
        cPre = gate(pre, 3);
  if (dw.pi && !prev.cZero) {
    iPre = add(iPre, mul(dw.pi, prev.c));
    fPre = add(fPre, mul(dw.pf, prev.c));
  }
  Value i = activate(act(d, 0), iPre);
  Value f = activate(act(d, 0), fPre);
  Value cc = activate(act(d, 1), cPre);
  Value cell = mul(i, cc);
  if (!prev.cZero)
    cell = add(mul(f, prev.c), cell);
  if (dw.po)
    oPre = add(oPre, mul(dw.po, cell));
  Value o = activate(act(d, 0), oPre);
  Value hc = activate(act(d, 2), cell, /*clip=*/false);
  return {mul(o, hc), cell};
}

void Unroller::unroll(Value proj, bool wantY,
                      llvm::SmallVector<llvm::SmallVector<Value>> &ys,
                      llvm::SmallVector<State> &finals) {
  bool isLstm = spec.kind == CellKind::lstm;
  ys.resize(s.dirs);
  for (int64_t d = 0; d < s.dirs; ++d) {
    bool reverse = d == 1 || !s.forward;
    State st;
    st.hZero = !c.has(kInitH);
    st.cZero = !isLstm || !c.has(kInitC);
    st.h = initialState(kInitH, d);
    if (isLstm)
      st.c = initialState(kInitC, d);
    ys[d].resize(s.seq);
    for (int64_t k = 0; k < s.seq; ++k) {
      int64_t t = reverse ? s.seq - 1 - k : k;
      StepMask m = stepMask(t);
      if (m.which == StepMask::none) {
        // Past every sequence: the state stays, the output is zero.
        if (wantY)
          ys[d][t] = zeros();
        continue;
      }
      State next = step(d, stepInput(proj, t, d), st);
      if (Value mask = m.mask) {
        if (wantY)
          ys[d][t] = select(mask, next.h, zeros());
        next.h = select(mask, next.h, st.h);
        if (isLstm)
          next.c = select(mask, next.c, st.c);
      } else if (wantY) {
        ys[d][t] = next.h;
      }
      next.hZero = next.cZero = false;
      st = next;
    }
    finals.push_back(st);
  }
}

llvm::SmallVector<Unroller::State> Unroller::loop(Value proj, Value &y) {
  OpBuilder &b = c.b();
  Location loc = c.loc();
  bool isLstm = spec.kind == CellKind::lstm;
  Value zero = arith::ConstantIndexOp::create(b, loc, 0);
  Value one = arith::ConstantIndexOp::create(b, loc, 1);
  Value steps =
      tensor::DimOp::create(b, loc, c.in(kX), s.batchFirst ? 1 : 0);
  Value last = arith::SubIOp::create(b, loc, steps, one);
  // A yielded value keeps the type it entered the loop with.
  auto like = [&](Value v, Value init) -> Value {
    if (v.getType() == init.getType())
      return v;
    return tensor::CastOp::create(b, loc, init.getType(), v);
  };
  llvm::SmallVector<State> finals;
  for (int64_t d = 0; d < s.dirs; ++d) {
    bool reverse = d == 1 || !s.forward;
    llvm::SmallVector<Value> inits{initialState(kInitH, d)};
    if (isLstm)
      inits.push_back(initialState(kInitC, d));
    if (y)
      inits.push_back(y);
    auto forOp = scf::ForOp::create(
        b, loc, zero, steps, one, inits,
        [&](OpBuilder &, Location, Value k, ValueRange args) {
          State prev{args[0], isLstm ? args[1] : Value()};
          Value t = reverse ? Value(arith::SubIOp::create(b, loc, last, k)) : k;
          State next = step(d, stepInput(proj, t, d), prev);
          Value out = next.h;
          if (Value mask = stepMask(t)) {
            // Past a sequence's end: the state stays, the output is zero.
            if (y)
              out = select(mask, next.h, c.splat(s.elt, 0.0));
            next.h = select(mask, next.h, prev.h);
            if (isLstm)
              next.c = select(mask, next.c, prev.c);
          }
          llvm::SmallVector<Value> yielded{like(next.h, args[0])};
          if (isLstm)
            yielded.push_back(like(next.c, args[1]));
          if (y) {
            // Y[t, d] (layout 0) or Y[:, t, d] (layout 1) is this step's H.
            OpFoldResult unit = b.getIndexAttr(1), origin = b.getIndexAttr(0);
            OpFoldResult batch =
                ShapedType::isDynamic(s.batch)
                    ? OpFoldResult(batchSize())
                    : OpFoldResult(b.getIndexAttr(s.batch));
            OpFoldResult dir = b.getIndexAttr(d), hidden =
                                                      b.getIndexAttr(s.hidden);
            llvm::SmallVector<OpFoldResult> offsets, sizes;
            if (s.batchFirst) {
              offsets = {origin, t, dir, origin};
              sizes = {batch, unit, unit, hidden};
            } else {
              offsets = {t, dir, origin, origin};
              sizes = {unit, unit, batch, hidden};
            }
            yielded.push_back(tensor::InsertSliceOp::create(
                b, loc, out, args.back(), offsets, sizes,
                llvm::SmallVector<OpFoldResult>(4, unit)));
          }
          scf::YieldOp::create(b, loc, yielded);
        });
    State st{forOp.getResult(0), isLstm ? forOp.getResult(1) : Value()};
    finals.push_back(st);
    if (y)
      y = forOp.getResults().back();
  }
  return finals;
}

LogicalResult Unroller::run() {
  if (failed(validate()))
    return failure();
  int64_t h = s.hidden, gh = spec.gates * h, b = s.batch;

  for (int64_t d = 0; d < s.dirs; ++d) {
    DirWeights dw;
    if (spec.kind == CellKind::gru && !linearBeforeReset) {
      dw.r = materialize(part(kR, {d, 0, 0}, {1, 2 * h, h}, {2 * h, h}));
      dw.rh = materialize(part(kR, {d, 2 * h, 0}, {1, h, h}, {h, h}));
    } else {
      dw.r = materialize(part(kR, {d, 0, 0}, {1, gh, h}, {gh, h}));
    }
    if (spec.kind == CellKind::gru && linearBeforeReset && c.has(kB))
      dw.rBias = materialize(part(kB, {d, gh}, {1, gh}, {gh}));
    if (spec.kind == CellKind::lstm && c.has(kP)) {
      dw.pi = materialize(part(kP, {d, 0}, {1, h}, {h}));
      dw.po = materialize(part(kP, {d, h}, {1, h}, {h}));
      dw.pf = materialize(part(kP, {d, 2 * h}, {1, h}, {h}));
    }
    dirWeights.push_back(dw);
  }

  Value proj = projectInputs();
  bool wantY = c.outputUsed(0);
  bool isLstm = spec.kind == CellKind::lstm;
  llvm::SmallVector<State> finals;
  if (s.loop) {
    Value y;
    if (wantY) {
      // [T, D, B, H] or [B, T, D, H], every element written by the loops.
      OpBuilder &bb = c.b();
      Value x = c.in(kX);
      llvm::SmallVector<OpFoldResult> sizes{
          tensor::getMixedSize(bb, c.loc(), x, s.batchFirst ? 1 : 0),
          bb.getIndexAttr(s.dirs),
          tensor::getMixedSize(bb, c.loc(), x, s.batchFirst ? 0 : 1),
          bb.getIndexAttr(h)};
      if (s.batchFirst)
        std::rotate(sizes.begin(), sizes.begin() + 2, sizes.begin() + 3);
      y = tensor::EmptyOp::create(bb, c.loc(), sizes, s.elt);
    }
    finals = loop(proj, y);
    if (wantY)
      c.set(0, y);
  } else {
    // ys[d][t]: the output of direction d at time t, [B, H].
    llvm::SmallVector<llvm::SmallVector<Value>> ys;
    unroll(proj, wantY, ys, finals);
    if (wantY) {
      llvm::SmallVector<Value> steps;
      for (int64_t t = 0; t < s.seq; ++t) {
        llvm::SmallVector<Value> perDir;
        for (int64_t d = 0; d < s.dirs; ++d)
          perDir.push_back(s.batchFirst ? c.reshape(ys[d][t], {b, 1, 1, h})
                                        : c.reshape(ys[d][t], {1, 1, b, h}));
        steps.push_back(concat(perDir, s.batchFirst ? 2 : 1));
      }
      c.set(0, concat(steps, s.batchFirst ? 1 : 0));
    }
  }
  auto stack = [&](auto member) {
    llvm::SmallVector<Value> perDir;
    for (const State &st : finals)
      perDir.push_back(s.batchFirst ? c.reshape(st.*member, {b, 1, h})
                                    : c.reshape(st.*member, {1, b, h}));
    return concat(perDir, s.batchFirst ? 1 : 0);
  };
  if (c.outputUsed(1))
    c.set(1, stack(&State::h));
  if (isLstm && c.outputUsed(2))
    c.set(2, stack(&State::c));
  if (!ops.ok)
    return c.fail("internal error: inconsistent operand shapes");
  return success();
}

ConvertFn recurrentOp(CellSpec spec) {
  return [spec](NodeContext &c) { return Unroller(c, spec).run(); };
}

} // namespace

void registerRecurrentOps(OpRegistry &r) {
  const char *notes =
      "unrolled at import (static sizes, at most 1024 steps over all "
      "directions), else an scf.for over the steps (dynamic sizes); one "
      "xf.linear for the input projection; every activation of the spec, "
      "clip, layout, sequence_lens";
  r.on("RNN", {7, 14}, recurrentOp({CellKind::rnn, 1, {"Tanh"}}), notes);
  r.on("GRU", {7, 14}, recurrentOp({CellKind::gru, 3, {"Sigmoid", "Tanh"}}),
       notes);
  r.on("LSTM", {7, 14},
       recurrentOp({CellKind::lstm, 4, {"Sigmoid", "Tanh", "Tanh"}}),
       std::string(notes) + "; no input_forget");
}

} // namespace xfc::onnx_import
