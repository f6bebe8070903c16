//===- NodeContext.cpp - what a node converter sees ----------------------===//

#include "NodeContext.h"
#include "GraphImporter.h"

#include "dialects/Xf/IR/XfShapes.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/ScopeExit.h"
#include "llvm/ADT/StringSet.h"

#include <algorithm>

using namespace mlir;
using xfc::xf::BinaryKind;

namespace xfc::onnx_import {

std::string shapeStr(llvm::ArrayRef<int64_t> shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      s += ", ";
    s += ShapedType::isDynamic(shape[i]) ? std::string("?")
                                         : std::to_string(shape[i]);
  }
  return s + "]";
}

std::string listStr(llvm::ArrayRef<int64_t> values) {
  std::string s = "[";
  for (size_t i = 0; i < values.size(); ++i)
    s += (i ? ", " : "") + std::to_string(values[i]);
  return s + "]";
}

int64_t dimProduct(llvm::ArrayRef<int64_t> dims) {
  // Saturates at 2^62 (no valid shape gets there; see kMaxDim), so that
  // nonsense shapes fail element-count checks instead of overflowing.
  constexpr int64_t kSaturated = int64_t(1) << 62;
  int64_t n = 1;
  for (int64_t d : dims) {
    if (ShapedType::isDynamic(d))
      return ShapedType::kDynamic;
    n = (d != 0 && n > kSaturated / d) ? kSaturated : n * d;
  }
  return n;
}

bool saneShape(llvm::ArrayRef<int64_t> shape) {
  if (shape.size() > 64)
    return false;
  int64_t n = 1;
  for (int64_t d : shape) {
    if (ShapedType::isDynamic(d))
      continue;
    if (d < 0 || d > kMaxDim)
      return false;
    if (d != 0 && n > (int64_t(1) << 50) / d)
      return false;
    n *= d;
  }
  return true;
}

NodeContext::NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
                         llvm::StringRef name, Location loc, int64_t opset,
                         int since)
    : graph_(graph), node_(node), name_(name.str()), loc_(loc), opset_(opset),
      since_(since) {}

llvm::StringRef NodeContext::opType() const { return node_.op_type(); }
OpBuilder &NodeContext::b() { return graph_.builder(); }
MLIRContext *NodeContext::ctx() { return graph_.ctx(); }
llvm::StringRef NodeContext::modelDir() const { return graph_.modelDir(); }

//===----------------------------------------------------------------------===//
// Inputs
//===----------------------------------------------------------------------===//

unsigned NodeContext::numInputs() const { return node_.input_size(); }

bool NodeContext::has(unsigned i) const {
  return i < numInputs() && !node_.input(i).empty();
}

Value NodeContext::in(unsigned i) {
  return graph_.materialize(node_.input(i));
}

std::optional<std::pair<Value, int64_t>> NodeContext::dimSymbolOf(unsigned i,
                                                                  int64_t k) const {
  const ConstTensor *t = partial(i);
  if (!t || t->known(k) || t->isFloat())
    return std::nullopt;
  return graph_.lookupDimSymbol(t->intAt(k));
}

Value NodeContext::runtimeDim(unsigned i, int64_t k) {
  const ConstTensor *t = partial(i);
  if (!t || t->known(k) || t->isFloat())
    return {};
  if (auto symbol = dimSymbolOf(i, k))
    return tensor::DimOp::create(b(), loc_, symbol->first, symbol->second);
  // A computed size: its element of the input's run-time value.
  SmallVector<Value, 1> at;
  if (t->rank() == 1)
    at.push_back(arith::ConstantIndexOp::create(b(), loc_, k));
  Value e = tensor::ExtractOp::create(b(), loc_, in(i), at);
  return arith::IndexCastOp::create(b(), loc_, b().getIndexType(), e);
}

int64_t NodeContext::dimSymbol(unsigned i, int64_t d) {
  return graph_.dimSymbol(in(i), d);
}

const ValueState &NodeContext::state(unsigned i) const {
  return *graph_.lookup(node_.input(i));
}

SmallVector<Value> NodeContext::parts(unsigned i) {
  return materializeParts(*graph_.lookup(node_.input(i)));
}

RankedTensorType NodeContext::type(unsigned i) const {
  return graph_.lookup(node_.input(i))->type;
}

int32_t NodeContext::dtype(unsigned i) const {
  if (const ConstTensor *t = partial(i))
    return t->dtype();
  int32_t mine = typeToDType(elt(i));
  int32_t onnx = graph_.onnxDType(node_.input(i));
  // Trust ONNX's type only where it names the same MLIR type.
  if (onnx != dt::Undefined && dtypeToType(graph_.ctx(), onnx) == elt(i))
    return onnx;
  return mine;
}

const ConstTensor *NodeContext::partial(unsigned i) const {
  if (!has(i))
    return nullptr;
  const ConstTensor *t = graph_.lookup(node_.input(i))->constant.get();
  if (dataOnly_ && t && !t->fullyKnown())
    return nullptr;
  return t;
}

const ConstTensor *NodeContext::constant(unsigned i) const {
  const ConstTensor *t = partial(i);
  return t && t->fullyKnown() ? t : nullptr;
}

bool NodeContext::namesDimensions(unsigned i) const {
  const ConstTensor *t = partial(i);
  if (!t)
    return false;
  for (int64_t k = 0; k < t->numElements(); ++k)
    if (!t->known(k) && !dimSymbolOf(i, k))
      return false;
  return true;
}

bool NodeContext::allConstant() const {
  for (unsigned i = 0; i < numInputs(); ++i)
    if (has(i) && !constant(i))
      return false;
  return true;
}

bool NodeContext::allPartial() const {
  for (unsigned i = 0; i < numInputs(); ++i)
    if (has(i) && !partial(i))
      return false;
  return true;
}

FailureOr<llvm::SmallVector<int64_t>>
NodeContext::constDims(unsigned i, llvm::StringRef what) {
  const ConstTensor *t = partial(i);
  if (!t || t->fullyKnown())
    return constInts(i, what);
  if (t->isFloat() || t->rank() > 1)
    return fail(llvm::Twine(what) + " of " + opType() +
                " must be a 1-D integer tensor");
  llvm::SmallVector<int64_t> dims;
  for (int64_t k = 0; k < t->numElements(); ++k)
    dims.push_back(t->known(k) ? t->intAt(k) : ShapedType::kDynamic);
  return dims;
}

FailureOr<llvm::SmallVector<int64_t>>
NodeContext::constInts(unsigned i, llvm::StringRef what) {
  const ConstTensor *t = constant(i);
  if (!t && partial(i))
    return fail(llvm::Twine(what) + " of " + opType() +
                " depends on a dynamic dimension; it must be a compile-time "
                "constant");
  if (!t)
    return fail(llvm::Twine(what) + " of " + opType() +
                " must be a compile-time constant");
  if (t->isFloat())
    return fail(llvm::Twine(what) + " of " + opType() + " must be integers");
  if (t->rank() > 1)
    return fail(llvm::Twine(what) + " of " + opType() +
                " must be a scalar or 1-D tensor");
  if (t->numElements() > (1 << 20))
    return fail(llvm::Twine(what) + " of " + opType() + " is too large");
  std::vector<int64_t> v = t->ints();
  return llvm::SmallVector<int64_t>(v.begin(), v.end());
}

FailureOr<double> NodeContext::constScalar(unsigned i, llvm::StringRef what) {
  const ConstTensor *t = constant(i);
  if (!t && partial(i))
    return fail(llvm::Twine(what) + " of " + opType() +
                " depends on a dynamic dimension; it must be a compile-time "
                "constant");
  if (!t)
    return fail(llvm::Twine(what) + " of " + opType() +
                " must be a compile-time constant");
  if (t->numElements() != 1)
    return fail(llvm::Twine(what) + " of " + opType() +
                " must have exactly one element");
  return t->floatAt(0);
}

//===----------------------------------------------------------------------===//
// Attributes
//===----------------------------------------------------------------------===//

const onnx::AttributeProto *NodeContext::attr(llvm::StringRef name) const {
  for (const onnx::AttributeProto &a : node_.attribute())
    if (a.name() == name)
      return &a;
  return nullptr;
}

bool NodeContext::hasAttr(llvm::StringRef name) const {
  return attr(name) != nullptr;
}

const onnx::AttributeProto *
NodeContext::typedAttr(llvm::StringRef name, int type, const char *typeName) {
  const onnx::AttributeProto *a = attr(name);
  if (!a)
    return nullptr;
  // Old exporters leave `type` unset; then trust the filled field.
  if (a->type() != onnx::AttributeProto::UNDEFINED && a->type() != type) {
    (void)fail("attribute '" + name + "' must be of type " + typeName);
    return nullptr;
  }
  return a;
}

int64_t NodeContext::attrInt(llvm::StringRef name, int64_t dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::INT, "int");
  return a ? a->i() : dflt;
}

float NodeContext::attrFloat(llvm::StringRef name, float dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::FLOAT, "float");
  return a ? a->f() : dflt;
}

std::string NodeContext::attrString(llvm::StringRef name,
                                    llvm::StringRef dflt) {
  const auto *a = typedAttr(name, onnx::AttributeProto::STRING, "string");
  return a ? a->s() : dflt.str();
}

std::optional<llvm::SmallVector<int64_t>>
NodeContext::attrInts(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::INTS, "ints");
  if (!a)
    return std::nullopt;
  return llvm::SmallVector<int64_t>(a->ints().begin(), a->ints().end());
}

std::optional<llvm::SmallVector<float>>
NodeContext::attrFloats(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::FLOATS, "floats");
  if (!a)
    return std::nullopt;
  return llvm::SmallVector<float>(a->floats().begin(), a->floats().end());
}

std::optional<llvm::SmallVector<std::string>>
NodeContext::attrStrings(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::STRINGS, "strings");
  if (!a)
    return std::nullopt;
  return llvm::SmallVector<std::string>(a->strings().begin(),
                                        a->strings().end());
}

const onnx::TensorProto *NodeContext::attrTensor(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::TENSOR, "tensor");
  if (!a)
    return nullptr;
  if (!a->has_t()) {
    (void)fail("attribute '" + name + "' holds no tensor");
    return nullptr;
  }
  return &a->t();
}

const onnx::TypeProto *NodeContext::attrType(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::TYPE_PROTO, "type");
  return a && a->has_tp() ? &a->tp() : nullptr;
}

const onnx::GraphProto *NodeContext::attrGraph(llvm::StringRef name) {
  const auto *a = typedAttr(name, onnx::AttributeProto::GRAPH, "graph");
  if (!a)
    return nullptr;
  if (!a->has_g()) {
    (void)fail("attribute '" + name + "' holds no graph");
    return nullptr;
  }
  return &a->g();
}

//===----------------------------------------------------------------------===//
// Outputs
//===----------------------------------------------------------------------===//

unsigned NodeContext::numOutputs() const { return node_.output_size(); }

std::optional<RankedTensorType> NodeContext::declaredType(unsigned i) const {
  if (i >= numOutputs() || node_.output(i).empty())
    return std::nullopt;
  std::optional<RankedTensorType> t = graph_.onnxType(node_.output(i));
  if (!t || !t->hasStaticShape())
    return std::nullopt;
  return t;
}

std::optional<int64_t> NodeContext::declaredRank(unsigned i) const {
  if (i >= numOutputs() || node_.output(i).empty())
    return std::nullopt;
  std::optional<RankedTensorType> t = graph_.onnxType(node_.output(i));
  return t ? std::optional<int64_t>(t->getRank()) : std::nullopt;
}

FailureOr<RankedTensorType> NodeContext::declaredOutput(const llvm::Twine &what,
                                                        unsigned i) {
  if (std::optional<RankedTensorType> t = declaredType(i))
    return *t;
  return fail(what + " of " + opType() +
              " must be a compile-time constant (or the model must declare "
              "the output's static shape)");
}

bool NodeContext::outputUsed(unsigned i) const {
  return i < numOutputs() && !node_.output(i).empty() &&
         graph_.isUsed(node_.output(i));
}

void NodeContext::set(unsigned i, Value v) {
  if (i >= numOutputs() || node_.output(i).empty() || !v)
    return;
  ValueState s{v, nullptr, llvm::cast<RankedTensorType>(v.getType()), loc_,
               "", false};
  graph_.define(node_.output(i), std::move(s));
}

void NodeContext::setState(unsigned i, ValueState s) {
  if (i >= numOutputs() || node_.output(i).empty())
    return;
  graph_.define(node_.output(i), std::move(s));
}

void NodeContext::setConst(unsigned i, ConstTensor t) {
  if (i >= numOutputs() || node_.output(i).empty())
    return;
  RankedTensorType type = t.type(ctx());
  ValueState s{Value(), std::make_shared<const ConstTensor>(std::move(t)),
               type, loc_, node_.output(i), false};
  graph_.define(node_.output(i), std::move(s));
}

LogicalResult NodeContext::forward(unsigned in, unsigned out) {
  if (out >= numOutputs() || node_.output(out).empty())
    return success();
  ValueState s = *graph_.lookup(node_.input(in));
  graph_.define(node_.output(out), std::move(s));
  return success();
}

FailureOr<std::vector<ValueState>>
NodeContext::importSubgraph(const onnx::GraphProto &graph, llvm::StringRef attr,
                            llvm::ArrayRef<ValueState> inputs) {
  if (graph.input_size() != static_cast<int>(inputs.size()))
    return fail("subgraph '" + attr + "' has " +
                llvm::Twine(graph.input_size()) + " inputs, but " + opType() +
                " gives it " + llvm::Twine(inputs.size()));
  graph_.openScope(graph);
  llvm::scope_exit close([&] { graph_.closeScope(); });
  llvm::StringSet<> seen;
  for (auto [input, state] : llvm::zip(graph.input(), inputs)) {
    if (input.name().empty() || !seen.insert(input.name()).second)
      return fail("subgraph '" + attr + "' has an input without a name or " +
                  "a repeated one");
    graph_.define(input.name(), state);
  }
  // A node of the subgraph that fails has reported its problem under its
  // own name; this node only fails with it.
  if (mlir::failed(graph_.convertSubgraph(graph, name_ + "/" + attr.str()))) {
    failed_ = true;
    return failure();
  }
  std::vector<ValueState> outputs;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    ValueState *s = graph_.lookup(out.name());
    if (!s || s->poisoned || !s->type)
      return fail("output '" + out.name() + "' of subgraph '" + attr +
                  "' is not produced");
    // A partially known output can only be rebuilt on run-time values
    // while the subgraph's names are visible: build it now, or never. It
    // stays partially known for folding consumers either way.
    if (!s->value && s->producer) {
      ValueState copy = *s;
      copy.value = graph_.rematerialize(*s, /*quiet=*/true);
      copy.producer = nullptr;
      outputs.push_back(std::move(copy));
      continue;
    }
    outputs.push_back(*s);
  }
  return outputs;
}

Value NodeContext::materialize(ValueState &output) {
  return graph_.materialize(output, name_);
}

SmallVector<Value> NodeContext::materializeParts(ValueState &output) {
  SmallVector<Value> parts{materialize(output)};
  llvm::append_range(parts, output.moreParts);
  return parts;
}

LogicalResult NodeContext::inlineSubgraph(llvm::StringRef attr) {
  const onnx::GraphProto *graph = attrGraph(attr);
  if (!graph)
    return failed() ? failure() : fail("subgraph '" + attr + "' is missing");
  if (graph->output_size() != static_cast<int>(numOutputs()))
    return fail("subgraph '" + attr + "' has " +
                llvm::Twine(graph->output_size()) + " outputs for " +
                llvm::Twine(numOutputs()));
  FailureOr<std::vector<ValueState>> outputs = importSubgraph(*graph, attr, {});
  if (mlir::failed(outputs))
    return failure();
  for (auto [i, s] : llvm::enumerate(*outputs))
    if (!node_.output(i).empty())
      graph_.define(node_.output(i), s);
  return success();
}

void NodeContext::check(Value ok, const llvm::Twine &what) {
  std::string message =
      ("node '" + name_ + "' (" + opType() + "): " + what).str();
  xf::AssertOp::create(b(), loc_, ok, b().getStringAttr(message));
}

LogicalResult NodeContext::checkEquals(unsigned i,
                                       llvm::ArrayRef<int64_t> expected,
                                       const llvm::Twine &what) {
  RankedTensorType t = type(i);
  Type elt = t.getElementType();
  if (!(isa<IntegerType>(elt) || isa<FloatType>(elt)) || elt.isInteger(1))
    return fail(what + " must be a numeric tensor");
  if (t.getNumElements() != static_cast<int64_t>(expected.size()) &&
      !(t.getRank() == 0 && expected.size() == 1))
    return fail(what + " " + shapeStr(t.getShape()) + " must have " +
                llvm::Twine(expected.size()) + " elements");
  Value have = in(i);
  int32_t haveType = dtype(i);
  if (isa<FloatType>(elt)) {
    have = cast(have, b().getI64Type());
    haveType = dt::Int64;
  }
  Value want = constant(ConstTensor::ofInts(haveType, t.getShape(),
                                            std::vector<int64_t>(expected)));
  FailureOr<Value> ok = binary(xf::BinaryKind::eq, have, want);
  if (::mlir::failed(ok))
    return failure();
  check(*ok, what + " must be " + listStr(expected) +
                 " (the model declares the output shape this needs; "
                 "xfc compiled for it)");
  return success();
}

LogicalResult NodeContext::fail(const llvm::Twine &reason) {
  if (!failed_)
    graph_.addProblem(name_, opType(), node_.domain(), opset_, reason);
  failed_ = true;
  return failure();
}

LogicalResult NodeContext::onlyFirstOutput(llvm::StringRef why) {
  for (unsigned i = 1; i < numOutputs(); ++i)
    if (outputUsed(i))
      return fail("output " + llvm::Twine(i) + " ('" + node_.output(i) +
                  "') is not supported: " + why);
  return success();
}

//===----------------------------------------------------------------------===//
// Helpers
//===----------------------------------------------------------------------===//

FailureOr<int64_t> NodeContext::normAxis(int64_t axis, int64_t rank,
                                         llvm::StringRef what) {
  if (axis < -rank || axis >= rank)
    return fail(what + " " + llvm::Twine(axis) +
                " is out of range for rank " + llvm::Twine(rank));
  return axis < 0 ? axis + rank : axis;
}

FailureOr<llvm::SmallVector<int64_t>>
NodeContext::normAxes(llvm::ArrayRef<int64_t> axes, int64_t rank) {
  llvm::SmallVector<int64_t> out;
  for (int64_t a : axes) {
    FailureOr<int64_t> n = normAxis(a, rank);
    if (mlir::failed(n))
      return failure();
    out.push_back(*n);
  }
  llvm::sort(out);
  if (std::adjacent_find(out.begin(), out.end()) != out.end())
    return fail("axes contain a duplicate");
  return out;
}

//===----------------------------------------------------------------------===//
// Builders
//===----------------------------------------------------------------------===//

Value NodeContext::constant(const ConstTensor &t) {
  ElementsAttr attr = t.toAttr(ctx(), name_);
  return arith::ConstantOp::create(b(), loc_, llvm::cast<TypedAttr>(attr));
}

Value NodeContext::splat(Type eltType, double v, llvm::ArrayRef<int64_t> shape) {
  auto type = RankedTensorType::get(shape, eltType);
  Attribute value;
  if (auto ft = dyn_cast<FloatType>(eltType))
    value = FloatAttr::get(ft, v);
  else
    value = IntegerAttr::get(eltType, static_cast<int64_t>(v));
  return arith::ConstantOp::create(b(), loc_,
                                   DenseElementsAttr::get(type, value));
}

static bool isComparison(BinaryKind kind) {
  return kind == BinaryKind::eq || kind == BinaryKind::lt ||
         kind == BinaryKind::le || kind == BinaryKind::gt ||
         kind == BinaryKind::ge;
}

FailureOr<Value> NodeContext::binary(BinaryKind kind, Value a, Value c) {
  auto ta = llvm::cast<RankedTensorType>(a.getType());
  auto tc = llvm::cast<RankedTensorType>(c.getType());
  if (ta.getElementType() != tc.getElementType())
    return fail("operand element types differ");
  auto shape = xf::broadcastShapes(ta.getShape(), tc.getShape());
  if (!shape)
    return fail("operand shapes " + shapeStr(ta.getShape()) + " and " +
                shapeStr(tc.getShape()) + " are not broadcast-compatible");
  Type elt = isComparison(kind) ? b().getI1Type() : ta.getElementType();
  return xf::BinaryOp::create(b(), loc_, RankedTensorType::get(*shape, elt),
                              kind, a, c)
      .getResult();
}

FailureOr<Value> NodeContext::select(Value cond, Value a, Value c) {
  auto tcond = llvm::cast<RankedTensorType>(cond.getType());
  auto ta = llvm::cast<RankedTensorType>(a.getType());
  auto tc = llvm::cast<RankedTensorType>(c.getType());
  if (!tcond.getElementType().isInteger(1))
    return fail("the condition must be bool");
  if (ta.getElementType() != tc.getElementType())
    return fail("the two branches have different element types");
  auto ab = xf::broadcastShapes(ta.getShape(), tc.getShape());
  auto shape = ab ? xf::broadcastShapes(tcond.getShape(), *ab) : std::nullopt;
  if (!shape)
    return fail("operand shapes are not broadcast-compatible");
  return xf::SelectOp::create(
             b(), loc_, RankedTensorType::get(*shape, ta.getElementType()),
             cond, a, c)
      .getResult();
}

Value NodeContext::unary(xf::UnaryKind kind, Value x,
                         std::optional<float> alpha,
                         std::optional<float> beta) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (kind == xf::UnaryKind::is_nan || kind == xf::UnaryKind::is_inf)
    t = RankedTensorType::get(t.getShape(), b().getI1Type());
  FloatAttr a = alpha ? b().getF32FloatAttr(*alpha) : FloatAttr();
  FloatAttr be = beta ? b().getF32FloatAttr(*beta) : FloatAttr();
  return xf::UnaryOp::create(b(), loc_, t, kind, x, a, be).getResult();
}

Value NodeContext::reshape(Value x, llvm::ArrayRef<int64_t> shape) {
  // reshape(reshape(y)) is reshape(y): chains (Flatten -> Squeeze, ...)
  // collapse here, and an unused inner reshape is dead code.
  if (auto inner = x.getDefiningOp<xf::ReshapeOp>())
    x = inner.getInput();
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (t.getShape() == shape)
    return x;
  return xf::ReshapeOp::create(
             b(), loc_, RankedTensorType::get(shape, t.getElementType()), x)
      .getResult();
}

Value NodeContext::transpose(Value x, llvm::ArrayRef<int64_t> perm) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  llvm::SmallVector<int64_t> shape;
  bool identity = true;
  for (size_t i = 0; i < perm.size(); ++i) {
    shape.push_back(t.getDimSize(perm[i]));
    identity &= perm[i] == static_cast<int64_t>(i);
  }
  if (identity)
    return x;
  return xf::TransposeOp::create(
             b(), loc_, RankedTensorType::get(shape, t.getElementType()), x,
             perm)
      .getResult();
}

Value NodeContext::cast(Value x, Type eltType) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (t.getElementType() == eltType)
    return x;
  return xf::CastOp::create(b(), loc_,
                            RankedTensorType::get(t.getShape(), eltType), x)
      .getResult();
}

static bool isUnsignedDType(int32_t dtype) {
  return dtype == dt::UInt8 || dtype == dt::UInt16 || dtype == dt::UInt32 ||
         dtype == dt::UInt64;
}

Value NodeContext::castDType(Value x, int32_t from, int32_t to) {
  Type toType = dtypeToType(ctx(), to);
  Type fromType = llvm::cast<RankedTensorType>(x.getType()).getElementType();
  bool toFloat = isa<FloatType>(toType);
  unsigned fromWidth = fromType.getIntOrFloatBitWidth();
  unsigned toWidth = toType.getIntOrFloatBitWidth();
  if (isUnsignedDType(from) && fromWidth < 64 && !toType.isInteger(1) &&
      (toFloat || toWidth > fromWidth)) {
    // Zero-extend: widen (sign-extending), then clear the copied sign bits.
    // Through i32 (i64 for uint32) on the way to a float.
    Type wide = !toFloat ? toType
                         : b().getIntegerType(fromWidth < 32 ? 32 : 64);
    Value v = cast(x, wide);
    double ones = static_cast<double>((int64_t(1) << fromWidth) - 1);
    Value mask = splat(wide, ones);
    x = xf::BinaryOp::create(b(), loc_, v.getType(), BinaryKind::bitand_, v,
                             mask)
            .getResult();
  } else if (isUnsignedDType(to) && isa<FloatType>(fromType) && toWidth < 64) {
    x = cast(x, b().getIntegerType(toWidth < 32 ? 32 : 64));
  }
  return cast(x, toType);
}

Value NodeContext::slice(Value x, llvm::ArrayRef<int64_t> starts,
                         llvm::ArrayRef<int64_t> steps,
                         llvm::ArrayRef<int64_t> sizes) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  return xf::SliceOp::create(b(), loc_,
                             RankedTensorType::get(sizes, t.getElementType()),
                             x, starts, steps)
      .getResult();
}

FailureOr<Value> NodeContext::broadcastTo(Value x,
                                          llvm::ArrayRef<int64_t> shape) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  if (t.getShape() == shape)
    return x;
  if (!xf::isBroadcastableTo(t.getShape(), shape))
    return fail("shape " + shapeStr(t.getShape()) +
                " cannot be broadcast to " + shapeStr(shape));
  return xf::BroadcastOp::create(
             b(), loc_, RankedTensorType::get(shape, t.getElementType()), x)
      .getResult();
}

Value NodeContext::reduce(xf::ReduceKind kind, Value x,
                          llvm::ArrayRef<int64_t> axes, bool keepDims) {
  auto t = llvm::cast<RankedTensorType>(x.getType());
  llvm::SmallVector<int64_t> shape;
  for (int64_t d = 0; d < t.getRank(); ++d) {
    if (!llvm::is_contained(axes, d))
      shape.push_back(t.getDimSize(d));
    else if (keepDims)
      shape.push_back(1);
  }
  return xf::ReduceOp::create(b(), loc_,
                              RankedTensorType::get(shape, t.getElementType()),
                              kind, x, axes, keepDims)
      .getResult();
}

FailureOr<Value> NodeContext::concat(ValueRange inputs, int64_t axis) {
  auto first = llvm::cast<RankedTensorType>(inputs[0].getType());
  llvm::SmallVector<int64_t> shape(first.getShape());
  shape[axis] = 0;
  for (Value v : inputs) {
    auto t = llvm::cast<RankedTensorType>(v.getType());
    if (t.getRank() != first.getRank() ||
        t.getElementType() != first.getElementType())
      return fail("inputs differ in rank or element type");
    for (int64_t d = 0; d < t.getRank(); ++d) {
      int64_t s = t.getDimSize(d);
      if (d == axis) {
        shape[d] = ShapedType::isDynamic(s) || ShapedType::isDynamic(shape[d])
                       ? ShapedType::kDynamic
                       : shape[d] + s;
      } else if (ShapedType::isDynamic(shape[d])) {
        shape[d] = s;
      } else if (!ShapedType::isDynamic(s) && s != shape[d]) {
        return fail("input shapes " + shapeStr(first.getShape()) + " and " +
                    shapeStr(t.getShape()) + " differ outside axis " +
                    llvm::Twine(axis));
      }
    }
  }
  if (inputs.size() == 1)
    return inputs[0];
  return xf::ConcatOp::create(
             b(), loc_, RankedTensorType::get(shape, first.getElementType()),
             inputs, static_cast<uint64_t>(axis))
      .getResult();
}

//===----------------------------------------------------------------------===//
// Registry
//===----------------------------------------------------------------------===//

void OpRegistry::on(llvm::StringRef opType, std::initializer_list<int> versions,
                    ConvertFn fn, llvm::StringRef notes) {
  auto shared = std::make_shared<ConvertFn>(std::move(fn));
  std::vector<Entry> &list = byOp_[opType];
  for (int v : versions)
    list.push_back({opType.str(), v, shared, notes.str()});
  llvm::sort(list, [](const Entry &a, const Entry &b) { return a.since < b.since; });
}

const OpRegistry::Entry *OpRegistry::lookup(llvm::StringRef opType,
                                            int64_t opset) const {
  auto it = byOp_.find(opType);
  if (it == byOp_.end())
    return nullptr;
  const Entry *best = nullptr;
  for (const Entry &e : it->second)
    if (e.since <= opset)
      best = &e;
  return best;
}

std::vector<int> OpRegistry::versions(llvm::StringRef opType) const {
  std::vector<int> out;
  auto it = byOp_.find(opType);
  if (it != byOp_.end())
    for (const Entry &e : it->second)
      out.push_back(e.since);
  return out;
}

std::vector<OpRegistry::Entry> OpRegistry::entries() const {
  std::vector<Entry> out;
  for (const auto &kv : byOp_)
    llvm::append_range(out, kv.second);
  llvm::sort(out, [](const Entry &a, const Entry &b) {
    return std::tie(a.opType, a.since) < std::tie(b.opType, b.since);
  });
  return out;
}

const OpRegistry &OpRegistry::instance() {
  static const OpRegistry registry = [] {
    OpRegistry r;
    registerElementwiseOps(r);
    registerReductionOps(r);
    registerShapeOps(r);
    registerSlicingOps(r);
    registerNNOps(r);
    registerConvPoolOps(r);
    registerImageOps(r);
    registerIndexingOps(r);
    registerSelectionOps(r);
    registerLossOps(r);
    registerQuantizationOps(r);
    registerRecurrentOps(r);
    registerControlFlowOps(r);
    registerScanOps(r);
    registerSequenceOps(r);
    registerSignalOps(r);
    registerTextOps(r);
    registerLinearAlgebraOps(r);
    return r;
  }();
  return registry;
}

} // namespace xfc::onnx_import
