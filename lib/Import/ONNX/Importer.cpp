//===- Importer.cpp - ONNX model -> xf dialect ---------------------------===//
//
// The driver: reads the file, runs the ONNX checker and shape inference
// (through OnnxBridge), then converts the main graph node by node into one
// func.func @main. Problems are collected, never asserted on.
//
//===----------------------------------------------------------------------===//

#include "xfc/Import/ONNX/Importer.h"

#include "GraphImporter.h"
#include "InputShapes.h"
#include "NodeContext.h"
#include "OnnxBridge.h"
#include "Sequence.h"

#include "dialects/Xf/IR/XfDialect.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Tensor/IR/Tensor.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/Verifier.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Regex.h"

#include <functional>

using namespace mlir;

namespace xfc {
namespace onnx_import {

GraphImporter::GraphImporter(MLIRContext &ctx, const onnx::ModelProto &model,
                             llvm::StringRef file, llvm::StringRef modelDir,
                             const ImportOptions &opts,
                             std::vector<ImportProblem> &problems)
    : ctx_(ctx), model_(model), file_(file.str()), modelDir_(modelDir.str()),
      opts_(opts), problems_(problems), builder_(&ctx) {}

Location GraphImporter::fileLoc() {
  return FileLineColLoc::get(&ctx_, file_, 0, 0);
}

Location GraphImporter::nameLoc(llvm::StringRef name) {
  return NameLoc::get(StringAttr::get(&ctx_, name), fileLoc());
}

Location GraphImporter::nodeLoc(llvm::StringRef name, llvm::StringRef opType) {
  // The op type rides along as fused metadata so that a diagnostic from any
  // later pass can still say `node 'NAME' (OpType)`.
  return FusedLoc::get(&ctx_, {nameLoc(name)}, StringAttr::get(&ctx_, opType));
}

void GraphImporter::addProblem(llvm::StringRef node, llvm::StringRef opType,
                               llvm::StringRef domain, int64_t opset,
                               const llvm::Twine &reason) {
  problems_.push_back(
      {node.str(), opType.str(), domain.str(), opset, reason.str()});
  failed_ = true;
}

ValueState *GraphImporter::lookup(llvm::StringRef name) {
  for (Scope &scope : llvm::reverse(scopes_)) {
    auto it = scope.values.find(name);
    if (it != scope.values.end())
      return &it->second;
  }
  return nullptr;
}

int64_t GraphImporter::dimSymbol(Value tensor, int64_t dim) {
  std::pair<Value, int64_t> key{tensor, dim};
  auto it = llvm::find(dimSymbols_, key);
  int64_t k = it - dimSymbols_.begin();
  if (it == dimSymbols_.end())
    dimSymbols_.push_back(key);
  return kDimSymbolBase + k;
}

std::optional<std::pair<Value, int64_t>>
GraphImporter::lookupDimSymbol(int64_t placeholder) const {
  int64_t k = placeholder - kDimSymbolBase;
  if (k < 0 || k >= static_cast<int64_t>(dimSymbols_.size()))
    return std::nullopt;
  return dimSymbols_[k];
}

Value GraphImporter::materializeDimSymbols(const ConstTensor &t, Location loc) {
  Type elt = dtypeToType(&ctx_, t.dtype());
  if (t.isFloat() || !elt || t.isSplat() || t.numElements() > 64)
    return {};
  SmallVector<Value> elements;
  for (int64_t i = 0; i < t.numElements(); ++i) {
    if (t.known(i)) {
      elements.push_back(arith::ConstantOp::create(
          builder_, loc, IntegerAttr::get(elt, t.intAt(i))));
      continue;
    }
    auto symbol = lookupDimSymbol(t.intAt(i));
    if (!symbol)
      return {};
    Value size = tensor::DimOp::create(builder_, loc, symbol->first, symbol->second);
    elements.push_back(arith::IndexCastOp::create(builder_, loc, elt, size));
  }
  return tensor::FromElementsOp::create(builder_, loc, t.type(&ctx_), elements);
}

Value GraphImporter::rematerialize(const ValueState &s, bool quiet) {
  // Copies: `s` may be one of the entries the conversion redefines.
  const onnx::NodeProto &node = *s.producer;
  std::string name = s.producerName;
  std::string out = node.output(s.producerOutput);
  RankedTensorType type = s.type;
  const OpRegistry::Entry *entry =
      OpRegistry::instance().lookup(node.op_type(), opset_);
  if (!entry)
    return {};
  // The conversion defines the node's outputs in the innermost scope; what
  // was there before (the partially known states) is put back afterwards,
  // so that folding consumers still see the known elements.
  Scope &scope = scopes_.back();
  std::vector<std::optional<ValueState>> saved;
  for (const std::string &o : node.output()) {
    auto it = o.empty() ? scope.values.end() : scope.values.find(o);
    saved.push_back(it == scope.values.end()
                        ? std::nullopt
                        : std::optional<ValueState>(it->second));
  }
  size_t problemCount = problems_.size();
  bool wasFailed = failed_;

  NodeContext ctx(*this, node, name, nodeLoc(name, node.op_type()), opset_,
                  entry->since);
  ctx.setDataOnly();
  NodeContext *outer = current_;
  current_ = &ctx;
  LogicalResult result = (*entry->fn)(ctx);
  current_ = outer;
  Value v;
  if (succeeded(result) && !ctx.failed()) {
    auto it = scope.values.find(out);
    if (it != scope.values.end())
      v = it->second.value;
  }
  for (auto [o, old] : llvm::zip(node.output(), saved)) {
    if (o.empty())
      continue;
    if (old)
      scope.values[o] = std::move(*old);
    else
      scope.values.erase(o);
  }
  if (v && v.getType() != type) {
    if (tensor::CastOp::areCastCompatible(v.getType(), type))
      v = tensor::CastOp::create(builder_, v.getLoc(), type, v);
    else
      v = {};
  }
  if (!v && quiet) {
    problems_.resize(problemCount);
    failed_ = wasFailed;
  }
  return v;
}

void GraphImporter::define(llvm::StringRef name, ValueState state) {
  scopes_.back().values[name] = std::move(state);
}

void GraphImporter::openScope(const onnx::GraphProto &graph) {
  scopes_.emplace_back();
  collectTypes(graph);
}

void GraphImporter::closeScope() { scopes_.pop_back(); }

Value GraphImporter::materialize(llvm::StringRef name) {
  ValueState *s = lookup(name);
  if (!s)
    return {};
  // A constant of an enclosing graph used in a subgraph is materialized in
  // the subgraph's region; caching that value in the enclosing scope would
  // let later uses outside the region see it.
  if (!s->value && !scopes_.back().values.count(name)) {
    ValueState copy = *s;
    define(name, std::move(copy));
    s = &scopes_.back().values.find(name)->second;
  }
  return materialize(*s, name);
}

Value GraphImporter::materialize(ValueState &s, llvm::StringRef name) {
  if (!s.value && s.constant && !s.constant->fullyKnown()) {
    // A shape whose unknown elements all name run-time sizes becomes a
    // tensor of those sizes.
    if (Value v = materializeDimSymbols(*s.constant, Location(s.loc))) {
      s.value = v;
      return v;
    }
    if (s.producer) {
      if (Value v = rematerialize(s)) {
        s.value = v;
        return v;
      }
    }
    // A partially known value without a producer to rebuild (or whose
    // rebuilding failed, already reported) has no run-time value: only
    // shape-like operands may use it.
    if (current_)
      (void)current_->fail("'" + name +
                           "' depends on a dynamic dimension and cannot be "
                           "used as data");
    else
      addProblem("", "", "", opset_,
                 "graph output '" + name + "' depends on a dynamic dimension");
    return tensor::EmptyOp::create(builder_, Location(s.loc), s.type.getShape(),
                                   s.type.getElementType());
  }
  if (!s.value && s.constant) {
    ElementsAttr attr = s.constant->toAttr(&ctx_, s.blobName);
    s.value = arith::ConstantOp::create(builder_, Location(s.loc),
                                        llvm::cast<TypedAttr>(attr));
  }
  return s.value;
}

std::optional<RankedTensorType>
GraphImporter::tensorType(const onnx::TypeProto &type, std::string &error) {
  if (!type.has_tensor_type()) {
    error = type.has_sequence_type() || type.has_optional_type()
                ? "is not a tensor (optional values hold tensors or "
                  "sequences of tensors)"
                : "is not a tensor (map and sparse values are not "
                  "supported)";
    return std::nullopt;
  }
  const onnx::TypeProto::Tensor &tensor = type.tensor_type();
  Type elt = dtypeToType(&ctx_, tensor.elem_type());
  if (!elt) {
    error = "has unsupported element type " + dtypeName(tensor.elem_type());
    return std::nullopt;
  }
  if (!tensor.has_shape()) {
    error = "has no shape (unknown rank is not supported)";
    return std::nullopt;
  }
  llvm::SmallVector<int64_t> shape;
  for (const auto &dim : tensor.shape().dim()) {
    if (dim.has_dim_value()) {
      if (dim.dim_value() < 0) {
        error = "has a negative dimension " + std::to_string(dim.dim_value());
        return std::nullopt;
      }
      if (dim.dim_value() > kMaxDim) {
        error = "has a dimension " + std::to_string(dim.dim_value()) +
                " that is too large";
        return std::nullopt;
      }
      shape.push_back(dim.dim_value());
    } else {
      shape.push_back(ShapedType::kDynamic);
    }
  }
  return RankedTensorType::get(shape, elt);
}

const onnx::TypeProto *GraphImporter::findOnnxType(llvm::StringRef name) const {
  for (const Scope &scope : llvm::reverse(scopes_)) {
    auto it = scope.types.find(name);
    if (it != scope.types.end())
      return it->second;
  }
  return nullptr;
}

std::optional<RankedTensorType>
GraphImporter::onnxType(llvm::StringRef name) {
  const onnx::TypeProto *t = findOnnxType(name);
  if (!t)
    return std::nullopt;
  std::string error;
  return tensorType(*t, error);
}

bool GraphImporter::readInitializer(const onnx::TensorProto &init,
                                    llvm::StringRef what) {
  const std::string &name = init.name();
  if (name.empty()) {
    addProblem("", "", "", opset_, "an initializer has no name");
    return false;
  }
  if (scopes_.back().values.count(name)) {
    addProblem("", "", "", opset_, what + " '" + name + "' is defined twice");
    return false;
  }
  ConstTensor tensor;
  std::string error;
  if (!readTensorProto(init, modelDir_, tensor, error)) {
    addProblem("", "", "", opset_, what + " '" + name + "': " + error);
    define(name, ValueState{});
    lookup(name)->poisoned = true;
    return false;
  }
  RankedTensorType type = tensor.type(&ctx_);
  define(name,
         ValueState{Value(),
                    std::make_shared<const ConstTensor>(std::move(tensor)),
                    type, nameLoc(name), name, false});
  return true;
}

LogicalResult GraphImporter::readInitializers() {
  const onnx::GraphProto &graph = model_.graph();
  if (graph.sparse_initializer_size() > 0)
    addProblem("", "", "", opset_, "sparse initializers are not supported");
  for (const onnx::TensorProto &init : graph.initializer())
    (void)readInitializer(init, "initializer");
  return success(!failed_);
}

LogicalResult GraphImporter::convertSubgraph(const onnx::GraphProto &graph,
                                             llvm::StringRef prefix) {
  if (graph.sparse_initializer_size() > 0) {
    addProblem("", "", "", opset_, "sparse initializers are not supported");
    return failure();
  }
  for (const onnx::TensorProto &init : graph.initializer())
    if (!readInitializer(init, "subgraph initializer"))
      return failure();
  bool ok = true;
  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    std::string name =
        node.name().empty()
            ? (prefix + "/" + node.op_type() + "_" + llvm::Twine(i)).str()
            : node.name();
    if (failed(convertNode(node, name))) {
      ok = false;
      if (!opts_.checkOnly)
        return failure();
    }
  }
  return success(ok);
}

void GraphImporter::collectUses(const onnx::GraphProto &graph) {
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &in : node.input())
      used_.insert(in);
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        collectUses(attr.g());
      for (const onnx::GraphProto &g : attr.graphs())
        collectUses(g);
    }
  }
  for (const onnx::ValueInfoProto &out : graph.output())
    used_.insert(out.name());
}

void GraphImporter::collectTypes(const onnx::GraphProto &graph) {
  llvm::StringMap<const onnx::TypeProto *> &types = scopes_.back().types;
  for (const onnx::ValueInfoProto &vi : graph.value_info())
    types[vi.name()] = &vi.type();
  for (const onnx::ValueInfoProto &vi : graph.output())
    types[vi.name()] = &vi.type();
  for (const onnx::ValueInfoProto &vi : graph.input())
    types.try_emplace(vi.name(), &vi.type());
}

int32_t GraphImporter::onnxDType(llvm::StringRef name) const {
  const onnx::TypeProto *t = findOnnxType(name);
  if (!t || !t->has_tensor_type())
    return dt::Undefined;
  return t->tensor_type().elem_type();
}

LogicalResult GraphImporter::convertNode(const onnx::NodeProto &node,
                                         llvm::StringRef nodeName) {
  const std::string &opType = node.op_type();
  std::string name = nodeName.str();
  nodeOpTypes_[name] = opType;
  // Outputs are defined in the innermost scope: a subgraph's names may
  // shadow those of the graphs around it.
  auto definedHere = [&](const std::string &out) {
    return scopes_.back().values.count(out) != 0;
  };
  auto poisonOutputs = [&] {
    for (const std::string &out : node.output())
      if (!out.empty() && !definedHere(out)) {
        ValueState poisoned;
        poisoned.poisoned = true;
        define(out, std::move(poisoned));
      }
    return failure();
  };

  const std::string &domain = node.domain();
  if (!domain.empty() && domain != "ai.onnx") {
    int64_t domainOpset = 0;
    for (const auto &imp : model_.opset_import())
      if (imp.domain() == domain)
        domainOpset = imp.version();
    addProblem(name, opType, domain, domainOpset,
               "operators of domain '" + domain + "' are not supported");
    return poisonOutputs();
  }

  const OpRegistry &registry = OpRegistry::instance();
  const OpRegistry::Entry *entry = registry.lookup(opType, opset_);
  int schemaSince = onnx_import::schemaSinceVersion(opType, opset_, "");
  if (!entry || (schemaSince > entry->since)) {
    if (!registry.knows(opType)) {
      addProblem(name, opType, domain, opset_,
                 "unsupported operator (opset " + std::to_string(opset_) + ")");
    } else {
      versionGap_ = true;
      std::string supported;
      for (int v : registry.versions(opType))
        supported += (supported.empty() ? "" : ", ") + std::to_string(v);
      std::string which = schemaSince > 0
                              ? opType + "-" + std::to_string(schemaSince)
                              : opType;
      addProblem(name, opType, domain, opset_,
                 which + " (opset " + std::to_string(opset_) +
                     ") is not supported; supported since-versions: " +
                     supported);
    }
    return poisonOutputs();
  }

  for (int slot = 0; slot < node.input_size(); ++slot) {
    const std::string &in = node.input(slot);
    if (in.empty())
      continue;
    ValueState *s = lookup(in);
    if (!s) {
      addProblem(name, opType, domain, opset_,
                 "input '" + in +
                     "' is not produced by any earlier node, initializer or "
                     "graph input");
      return poisonOutputs();
    }
    if (s->poisoned)
      return poisonOutputs(); // The cause is already reported.
    if (s->kind != ValueKind::Tensor && !takesNonTensor(opType, slot)) {
      addProblem(name, opType, domain, opset_,
                 "input '" + in + "' is " + kindName(s->kind).str() +
                     " where " + opType + " takes a tensor");
      return poisonOutputs();
    }
  }
  for (const std::string &out : node.output()) {
    if (!out.empty() && definedHere(out)) {
      addProblem(name, opType, domain, opset_,
                 "output '" + out + "' is already defined");
      return failure();
    }
  }

  NodeContext ctx(*this, node, name, nodeLoc(name, node.op_type()), opset_,
                  entry->since);
  NodeContext *outer = current_;
  current_ = &ctx;
  LogicalResult result = (*entry->fn)(ctx);
  current_ = outer;
  if (failed(result) || ctx.failed()) {
    if (!ctx.failed())
      (void)ctx.fail("conversion failed");
    return poisonOutputs();
  }
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    ValueState *s = out.empty() ? nullptr : lookup(out);
    if (s && s->type && !saneShape(s->type.getShape())) {
      (void)ctx.fail("output '" + out + "' would have the shape " +
                     shapeStr(s->type.getShape()) + ", which is too large");
      return poisonOutputs();
    }
    if (!out.empty() && !definedHere(out) && isUsed(out)) {
      (void)ctx.fail("output " + std::to_string(i) + " ('" + out +
                     "') is not supported");
      return poisonOutputs();
    }
  }
  // Partially known outputs remember their producer, to be rebuilt on
  // run-time values where a consumer needs them as data.
  for (int i = 0; i < node.output_size(); ++i) {
    const std::string &out = node.output(i);
    auto it = out.empty() ? scopes_.back().values.end()
                          : scopes_.back().values.find(out);
    if (it == scopes_.back().values.end())
      continue;
    ValueState &s = it->second;
    if (!s.value && s.constant && !s.constant->fullyKnown() && !s.producer &&
        s.kind == ValueKind::Tensor) {
      s.producer = &node;
      s.producerOutput = i;
      s.producerName = name;
    }
  }
  checkAgainstOnnx(node, name);
  return success();
}

/// A disagreement with ONNX's own shape inference is a bug (in the model or
/// the importer); catching it here keeps it from reaching the lowering.
void GraphImporter::checkAgainstOnnx(const onnx::NodeProto &node,
                                     llvm::StringRef nodeName) {
  for (const std::string &out : node.output()) {
    ValueState *s = out.empty() ? nullptr : lookup(out);
    const onnx::TypeProto *onnxType = findOnnxType(out);
    if (!s || !s->type || !onnxType)
      continue;
    const onnx::TypeProto &t = *onnxType;
    if (!t.has_tensor_type())
      continue;
    const auto &tensor = t.tensor_type();
    RankedTensorType mine = s->type;
    if (tensor.elem_type() != 0) {
      Type elt = dtypeToType(&ctx_, tensor.elem_type());
      if (elt && elt != mine.getElementType()) {
        addProblem(nodeName, node.op_type(), node.domain(), opset_,
                   "output '" + out + "' is " +
                       dtypeName(typeToDType(mine.getElementType())) +
                       " but ONNX type inference says " +
                       dtypeName(tensor.elem_type()));
        return;
      }
    }
    if (!tensor.has_shape())
      continue;
    llvm::SmallVector<int64_t> theirs;
    for (const auto &dim : tensor.shape().dim())
      theirs.push_back(dim.has_dim_value() ? dim.dim_value()
                                           : ShapedType::kDynamic);
    bool ok = static_cast<int64_t>(theirs.size()) == mine.getRank();
    for (size_t d = 0; ok && d < theirs.size(); ++d)
      ok = ShapedType::isDynamic(theirs[d]) || mine.isDynamicDim(d) ||
           theirs[d] == mine.getDimSize(d);
    if (!ok) {
      addProblem(nodeName, node.op_type(), node.domain(), opset_,
                 "output '" + out + "' has shape " +
                     shapeStr(mine.getShape()) +
                     " but ONNX shape inference says " + shapeStr(theirs));
      return;
    }
  }
}

LogicalResult GraphImporter::verifyModule(ModuleOp module) {
  std::vector<std::pair<Location, std::string>> diags;
  ScopedDiagnosticHandler handler(&ctx_, [&](Diagnostic &d) {
    if (d.getSeverity() == DiagnosticSeverity::Error)
      diags.push_back({d.getLocation(), d.str()});
    return success();
  });
  if (succeeded(mlir::verify(module)) && diags.empty())
    return success();
  for (auto &[loc, message] : diags) {
    std::string node;
    loc->walk([&](Location l) {
      if (auto name = llvm::dyn_cast<NameLoc>(l)) {
        node = name.getName().str();
        return WalkResult::interrupt();
      }
      return WalkResult::advance();
    });
    auto it = nodeOpTypes_.find(node);
    addProblem(node, it == nodeOpTypes_.end() ? "" : it->second, "", opset_,
               "produces invalid IR: " + message);
  }
  if (diags.empty())
    addProblem("", "", "", opset_, "the imported module does not verify");
  return failure();
}

/// Node outputs are appended in node order, which ONNX keeps topological, so
/// a comparison that walks the results finds the first diverging node first.
/// Values computed at import (folded constants) are exposed too, as
/// constants: they check the importer's folding. Skipped, because no tensor
/// exists for them: outputs no node reads (the importer never computes them,
/// e.g. Dropout's mask) and folded shapes with a dynamic dimension. A name
/// asked for explicitly that cannot be exposed is a problem, so that a typo
/// does not go unnoticed.
void GraphImporter::exposeIntermediates(
    const onnx::GraphProto &graph, llvm::SmallVectorImpl<GraphResult> &results) {
  const ExposeOptions &expose = opts_.expose;
  std::optional<llvm::Regex> regex;
  if (!expose.regex.empty()) {
    regex.emplace("^(" + expose.regex + ")$", llvm::Regex::NoFlags);
    std::string error;
    if (!regex->isValid(error)) {
      addProblem("", "", "", opset_,
                 "invalid regex '" + expose.regex + "' for exposed values: " +
                     error);
      return;
    }
  }
  const bool all = expose.names.empty() && !regex;
  llvm::StringSet<> named, taken, produced;
  for (const std::string &name : expose.names)
    named.insert(name);
  for (const GraphResult &r : results)
    taken.insert(r.name);
  for (const onnx::NodeProto &node : graph.node()) {
    for (const std::string &name : node.output()) {
      if (name.empty() || !produced.insert(name).second)
        continue;
      bool explicitlyNamed = named.contains(name);
      if (!all && !explicitlyNamed && !(regex && regex->match(name)))
        continue;
      if (!taken.insert(name).second)
        continue; // Already a graph output.
      ValueState *s = lookup(name);
      const char *why = nullptr;
      if (!s || s->poisoned)
        why = "the importer does not compute it (no node reads it)";
      else if (!s->value && s->constant && !s->constant->fullyKnown())
        why = "it is a shape that depends on a dynamic dimension";
      else if (s->kind != ValueKind::Tensor)
        why = "it is not a tensor";
      if (!why) {
        results.push_back({materialize(name), name, onnxDType(name)});
      } else if (explicitlyNamed) {
        addProblem("", "", "", opset_,
                   "cannot expose '" + name + "': " + why);
      }
    }
  }
  for (const std::string &name : expose.names)
    if (!produced.contains(name))
      addProblem("", "", "", opset_,
                 "cannot expose '" + name +
                     "': no node of the main graph produces it");
}

OwningOpRef<ModuleOp> GraphImporter::run() {
  const onnx::GraphProto &graph = model_.graph();
  bool hasDefault = false;
  for (const auto &imp : model_.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx") {
      opset_ = imp.version();
      hasDefault = true;
    }
  if (!hasDefault && model_.opset_import_size() == 0)
    opset_ = 1; // ir_version < 3: the default opset is 1.
  // Without the default opset, every node is of another domain (the checker
  // made sure), and each is reported as such.

  OwningOpRef<ModuleOp> module = ModuleOp::create(fileLoc());
  (*module)->setAttr("xf.model_name",
                     StringAttr::get(&ctx_, llvm::sys::path::stem(file_)));

  scopes_.emplace_back();
  collectUses(graph);
  collectTypes(graph);

  if (failed(readInitializers()) && !opts_.checkOnly)
    return nullptr;

  // Arguments: graph inputs that are not initializers, in order; a
  // sequence or optional takes several (Sequence.h).
  llvm::SmallVector<Type> argTypes;
  llvm::SmallVector<std::string> argNames;
  llvm::SmallVector<int32_t> argDtypes;
  llvm::SmallVector<GraphArgument> parts;
  llvm::SmallVector<const onnx::ValueInfoProto *> partOf;
  for (const onnx::ValueInfoProto &input : graph.input()) {
    const std::string &name = input.name();
    if (lookup(name))
      continue; // An initializer listed as input (ir_version < 4 style).
    if (name.empty() || llvm::is_contained(argNames, name)) {
      addProblem("", "", "", opset_,
                 name.empty() ? "a graph input has no name"
                              : "graph input '" + name + "' is listed twice");
      continue;
    }
    std::string error;
    std::vector<GraphArgument> args = inputArguments(input.type(), name, error);
    if (args.empty()) {
      addProblem("", "", "", opset_, "graph input '" + name + "' " + error);
      define(name, ValueState{});
      lookup(name)->poisoned = true;
      continue;
    }
    argNames.push_back(name);
    for (GraphArgument &arg : args) {
      argTypes.push_back(arg.type);
      argDtypes.push_back(arg.dtype);
      parts.push_back(std::move(arg));
      partOf.push_back(&input);
    }
  }
  if (failed_ && !opts_.checkOnly)
    return nullptr;

  builder_.setInsertionPointToEnd(module->getBody());
  auto func = func::FuncOp::create(builder_, fileLoc(), "main",
                                   builder_.getFunctionType(argTypes, {}));
  Block *entry = func.addEntryBlock();
  builder_.setInsertionPointToEnd(entry);
  for (size_t i = 0; i < parts.size();) {
    const onnx::ValueInfoProto &input = *partOf[i];
    const std::string &name = input.name();
    size_t count = 1;
    while (i + count < parts.size() && partOf[i + count] == &input)
      ++count;
    for (size_t k = i; k < i + count; ++k)
      entry->getArgument(k).setLoc(nameLoc(name));
    if (!parts[i].valueKind.empty() || count > 1) {
      define(name, inputState(input.type(),
                              entry->getArguments().slice(i, count)));
      i += count;
      continue;
    }
    BlockArgument arg = entry->getArgument(i);
    auto type = llvm::cast<RankedTensorType>(arg.getType());
    // An integer input with no elements (an empty list of axes, pads, ...)
    // has no data to wait for: its value is known, so e.g. ReduceSum's axes
    // given as an empty input fold. Empty data tensors stay arguments.
    std::shared_ptr<const ConstTensor> empty;
    if (type.hasStaticShape() && type.getNumElements() == 0 &&
        llvm::isa<IntegerType>(type.getElementType()))
      empty = std::make_shared<const ConstTensor>(
          ConstTensor::splat(argDtypes[i], type.getShape(), 0.0));
    define(name,
           ValueState{arg, std::move(empty), type, nameLoc(name), name, false});
    ++i;
  }

  for (int i = 0; i < graph.node_size(); ++i) {
    const onnx::NodeProto &node = graph.node(i);
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(i)
                           : node.name();
    if (failed(convertNode(node, name)) && !opts_.checkOnly)
      return nullptr;
  }

  llvm::SmallVector<GraphResult> results;
  for (const onnx::ValueInfoProto &out : graph.output()) {
    ValueState *s = lookup(out.name());
    if (!s) {
      addProblem("", "", "", opset_,
                 "graph output '" + out.name() +
                     "' is not produced by any node, initializer or input");
      continue;
    }
    if (s->poisoned)
      continue;
    appendResults(out.name(), *s, elementDType(out.type()), results);
  }
  if (failed_)
    return nullptr;
  if (results.empty()) {
    addProblem("", "", "", opset_, "the graph has no outputs");
    return nullptr;
  }
  if (opts_.expose.enabled)
    exposeIntermediates(graph, results);
  if (failed_)
    return nullptr;

  llvm::SmallVector<Value> resultValues;
  for (const GraphResult &r : results)
    resultValues.push_back(r.value);
  func::ReturnOp::create(builder_, fileLoc(), resultValues);
  func.setType(
      builder_.getFunctionType(argTypes, ValueRange(resultValues).getTypes()));
  // Unsigned ONNX types import as signless integers; `xf.onnx_type` keeps
  // the ONNX element type for the runtime ABI.
  auto onnxType = [&](int32_t dtype) -> StringAttr {
    if (dtype == dt::UInt8 || dtype == dt::UInt16 || dtype == dt::UInt32 ||
        dtype == dt::UInt64)
      return builder_.getStringAttr(dtypeName(dtype));
    return {};
  };
  // ONNX's symbolic dimension names (dim_param) of the inputs: the runtime
  // checks that dimensions sharing a name agree.
  auto dimNames = [&](const onnx::TypeProto &t) -> ArrayAttr {
    if (!t.has_tensor_type())
      return {};
    SmallVector<Attribute> names;
    bool any = false;
    for (const auto &dim : t.tensor_type().shape().dim()) {
      any |= dim.has_dim_param() && !dim.dim_param().empty();
      names.push_back(builder_.getStringAttr(dim.has_dim_param() ? dim.dim_param() : ""));
    }
    return any ? builder_.getArrayAttr(names) : ArrayAttr();
  };
  // All at once: setArgAttr per attribute rebuilds (and uniques) the whole
  // array of argument attributes each time, quadratic in time and memory
  // for models with many inputs.
  SmallVector<DictionaryAttr> argAttrs, resultAttrs;
  for (auto [i, part] : llvm::enumerate(parts)) {
    NamedAttrList attrs;
    attrs.append("xf.name", builder_.getStringAttr(part.name));
    if (StringAttr t = onnxType(argDtypes[i]))
      attrs.append("xf.onnx_type", t);
    if (!part.valueKind.empty())
      attrs.append("xf.value_kind", builder_.getStringAttr(part.valueKind));
    else if (ArrayAttr dims = dimNames(partOf[i]->type()))
      attrs.append("xf.dim_names", dims);
    argAttrs.push_back(attrs.getDictionary(&ctx_));
  }
  for (const GraphResult &r : results) {
    NamedAttrList attrs;
    attrs.append("xf.name", builder_.getStringAttr(r.name));
    if (StringAttr t = onnxType(r.dtype))
      attrs.append("xf.onnx_type", t);
    if (!r.valueKind.empty())
      attrs.append("xf.value_kind", builder_.getStringAttr(r.valueKind));
    resultAttrs.push_back(attrs.getDictionary(&ctx_));
  }
  func.setAllArgAttrs(argAttrs);
  func.setAllResultAttrs(resultAttrs);

  if (failed(verifyModule(*module)))
    return nullptr;
  return module;
}

} // namespace onnx_import

//===----------------------------------------------------------------------===//
// Public API
//===----------------------------------------------------------------------===//

using namespace onnx_import;

/// Per-node structural problems that onnx::checker would report without
/// naming the node (and only the first of them): inputs nothing defines and
/// operators the default domain does not have. Checked first so every such
/// node gets its own line.
static void findNodeProblems(const onnx::ModelProto &model,
                             std::vector<ImportProblem> &problems) {
  int64_t opset = 0;
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
  const onnx::GraphProto &graph = model.graph();
  llvm::StringSet<> defined;
  for (const auto &input : graph.input())
    defined.insert(input.name());
  for (const auto &init : graph.initializer())
    defined.insert(init.name());
  for (int i = 0, e = graph.node_size(); i < e; ++i) {
    const onnx::NodeProto &node = graph.node(i);
    std::string name = node.name().empty()
                           ? node.op_type() + "_" + std::to_string(i)
                           : node.name();
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    for (const std::string &in : node.input())
      if (!in.empty() && !defined.contains(in))
        problems.push_back({name, node.op_type(), node.domain(), opset,
                            "input '" + in +
                                "' is not produced by any earlier node, "
                                "initializer or graph input"});
    if (defaultDomain && opset > 0 &&
        schemaSinceVersion(node.op_type(), static_cast<int>(opset), "") < 0)
      problems.push_back({name, node.op_type(), node.domain(), opset,
                          "unknown operator '" + node.op_type() +
                              "' at opset " + std::to_string(opset)});
    for (const std::string &out : node.output())
      defined.insert(out);
  }
  for (const auto &out : graph.output())
    if (!defined.contains(out.name()))
      problems.push_back({"", "", "", opset,
                          "graph output '" + out.name() +
                              "' is not produced by any node, initializer or "
                              "input"});
}

/// Whether every output of `graph` and of its subgraphs names a value of its
/// own graph or of an enclosing one. ONNX's version converter dereferences a
/// null value for an output that names nothing.
static bool outputsDefined(const onnx::GraphProto &graph,
                           std::vector<const llvm::StringSet<> *> &outer) {
  llvm::StringSet<> local;
  for (const auto &input : graph.input())
    local.insert(input.name());
  for (const auto &init : graph.initializer())
    local.insert(init.name());
  for (const onnx::NodeProto &node : graph.node())
    for (const std::string &out : node.output())
      local.insert(out);
  for (const auto &out : graph.output())
    if (!local.contains(out.name()) &&
        llvm::none_of(outer, [&](const llvm::StringSet<> *scope) {
          return scope->contains(out.name());
        }))
      return false;
  outer.push_back(&local);
  bool ok = true;
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &attr : node.attribute()) {
      if (attr.has_g())
        ok = ok && outputsDefined(attr.g(), outer);
      for (const onnx::GraphProto &g : attr.graphs())
        ok = ok && outputsDefined(g, outer);
    }
  outer.pop_back();
  return ok;
}

/// What would crash ONNX 1.12's own shape inference, which runs before the
/// importer looks at any node, checked beforehand:
///  * tensors whose raw_data is not a whole number of elements: shape
///    inference reads initializers and Constant values (ParseData) into a
///    vector of size/elementSize elements, then copies all the bytes;
///  * zero or negative strides and dilations of convolutions and pooling,
///    and block sizes of DepthToSpace/SpaceToDepth: it divides by them
///    (by the square of the block size).
/// The importer validates everything else about them later.
static std::optional<ImportProblem>
findOnnxHazards(const onnx::ModelProto &model) {
  auto partial = [](const onnx::TensorProto &t) -> std::string {
    if (!t.has_raw_data())
      return "";
    int32_t dtype = t.data_type();
    size_t size = dtype == dt::Complex64    ? 8
                  : dtype == dt::Complex128 ? 16
                                            : static_cast<size_t>(dtypeSize(dtype));
    if (size <= 1 || t.raw_data().size() % size == 0)
      return "";
    return "raw_data holds " + std::to_string(t.raw_data().size()) +
           " bytes, not a whole number of " + dtypeName(dtype) + " elements";
  };
  static const llvm::StringSet<> convPool = {
      "Conv", "ConvInteger", "QLinearConv", "ConvTranspose", "MaxPool",
      "AveragePool", "LpPool", "MaxUnpool"};
  auto badAttribute = [](const onnx::NodeProto &node,
                         const onnx::AttributeProto &attr) -> std::string {
    bool defaultDomain = node.domain().empty() || node.domain() == "ai.onnx";
    if (!defaultDomain)
      return "";
    if (convPool.contains(node.op_type()) &&
        (attr.name() == "strides" || attr.name() == "dilations")) {
      for (int64_t v : attr.ints())
        if (v < 1)
          return attr.name() + " must be positive, not " + std::to_string(v);
    }
    // It divides by blocksize², which must not overflow either.
    if ((node.op_type() == "DepthToSpace" || node.op_type() == "SpaceToDepth") &&
        attr.name() == "blocksize" && (attr.i() < 1 || attr.i() > (1 << 20)))
      return "blocksize must be in [1, 1048576], not " + std::to_string(attr.i());
    return "";
  };
  std::optional<ImportProblem> found;
  std::function<void(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &)>
      scanNodes;
  auto scanGraph = [&](const onnx::GraphProto &graph) {
    for (const onnx::TensorProto &init : graph.initializer())
      if (std::string why = partial(init); !why.empty() && !found)
        found = ImportProblem{"", "", "", 0,
                              "initializer '" + init.name() + "': " + why};
    scanNodes(graph.node());
  };
  scanNodes = [&](const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes) {
    for (int i = 0, e = nodes.size(); i < e && !found; ++i) {
      const onnx::NodeProto &node = nodes.Get(i);
      for (const onnx::AttributeProto &attr : node.attribute()) {
        std::string why = attr.has_t() ? partial(attr.t()) : "";
        for (const onnx::TensorProto &t : attr.tensors())
          if (why.empty())
            why = partial(t);
        if (!why.empty())
          why = "attribute '" + attr.name() + "': " + why;
        else
          why = badAttribute(node, attr);
        if (!why.empty() && !found) {
          std::string name = node.name().empty()
                                 ? node.op_type() + "_" + std::to_string(i)
                                 : node.name();
          found = ImportProblem{name, node.op_type(), node.domain(), 0, why};
        }
        if (attr.has_g())
          scanGraph(attr.g());
        for (const onnx::GraphProto &g : attr.graphs())
          scanGraph(g);
      }
    }
  };
  scanGraph(model.graph());
  for (const onnx::FunctionProto &fn : model.functions())
    scanNodes(fn.node());
  return found;
}

/// Model-local functions, which ONNX's shape inference expands at every call
/// without a limit: a function that calls itself recurses until the stack
/// overflows, and functions that call others several times expand
/// exponentially. Returns an error when the functions the model calls
/// (transitively) form a cycle or expand to more than a million nodes.
static std::string checkLocalFunctions(const onnx::ModelProto &model) {
  if (model.functions_size() == 0)
    return "";
  constexpr uint64_t kMaxExpandedNodes = 1'000'000;
  auto keyOf = [](const std::string &domain, const std::string &name) {
    return domain + '\0' + name;
  };
  llvm::StringMap<int> index;
  for (int i = 0, e = model.functions_size(); i < e; ++i)
    index.try_emplace(keyOf(model.functions(i).domain(), model.functions(i).name()), i);

  // Per function: its plain nodes and the functions it calls, including
  // from nodes in subgraph attributes (protobuf bounds their nesting).
  struct Calls {
    uint64_t plain = 0;
    std::vector<int> callees;
  };
  std::function<void(const google::protobuf::RepeatedPtrField<onnx::NodeProto> &,
                     Calls &)>
      scan = [&](const google::protobuf::RepeatedPtrField<onnx::NodeProto> &nodes,
                 Calls &calls) {
        for (const onnx::NodeProto &node : nodes) {
          auto it = index.find(keyOf(node.domain(), node.op_type()));
          if (it != index.end())
            calls.callees.push_back(it->second);
          else
            ++calls.plain;
          for (const onnx::AttributeProto &attr : node.attribute()) {
            if (attr.has_g())
              scan(attr.g().node(), calls);
            for (const onnx::GraphProto &g : attr.graphs())
              scan(g.node(), calls);
          }
        }
      };
  std::vector<Calls> calls(model.functions_size());
  for (int i = 0, e = model.functions_size(); i < e; ++i)
    scan(model.functions(i).node(), calls[i]);

  // Expanded size of every function, by an iterative depth-first search
  // (the chain of calls may be as long as the list of functions).
  enum { New, Active, Done };
  std::vector<int> state(calls.size(), New);
  std::vector<uint64_t> expanded(calls.size(), 0);
  auto name = [&](int f) {
    const onnx::FunctionProto &fn = model.functions(f);
    return fn.domain().empty() ? fn.name() : fn.domain() + "." + fn.name();
  };
  for (int root = 0, e = static_cast<int>(calls.size()); root < e; ++root) {
    if (state[root] != New)
      continue;
    std::vector<std::pair<int, size_t>> stack{{root, 0}};
    state[root] = Active;
    while (!stack.empty()) {
      auto &[f, next] = stack.back();
      if (next < calls[f].callees.size()) {
        int callee = calls[f].callees[next++];
        if (state[callee] == Active)
          return "model-local function '" + name(callee) +
                 "' calls itself (directly or through other functions)";
        if (state[callee] == New) {
          state[callee] = Active;
          stack.push_back({callee, 0});
        }
        continue;
      }
      uint64_t total = calls[f].plain;
      for (int callee : calls[f].callees)
        total = std::min(total + expanded[callee], kMaxExpandedNodes + 1);
      expanded[f] = total;
      state[f] = Done;
      stack.pop_back();
    }
  }
  Calls top;
  scan(model.graph().node(), top);
  uint64_t total = top.plain;
  for (int callee : top.callees)
    total = std::min(total + expanded[callee], kMaxExpandedNodes + 1);
  if (total > kMaxExpandedNodes)
    return "the model's functions expand to more than " +
           std::to_string(kMaxExpandedNodes) + " nodes";
  return "";
}

/// True when subgraphs nest deeper than kMaxSubgraphNesting below `graph`
/// (at `depth`). Parsing already bounds the depth, so the walk is bounded
/// too; this makes the limit exact for binary and text models alike.
static bool subgraphsTooDeep(const onnx::GraphProto &graph, int depth) {
  if (depth > kMaxSubgraphNesting)
    return true;
  for (const onnx::NodeProto &node : graph.node())
    for (const onnx::AttributeProto &a : node.attribute()) {
      if (a.has_g() && subgraphsTooDeep(a.g(), depth + 1))
        return true;
      for (const onnx::GraphProto &g : a.graphs())
        if (subgraphsTooDeep(g, depth + 1))
          return true;
    }
  return false;
}

/// ONNX's text parser recurses once per nested bracket and overflows the
/// stack on deep enough input; a binary model is held to a similar depth by
/// protobuf's recursion limit (OnnxBridge.cpp). Strings and comments are
/// skipped.
static constexpr int kMaxTextNesting = 512;
static bool textNestingTooDeep(llvm::StringRef text) {
  int depth = 0;
  for (size_t i = 0, e = text.size(); i < e; ++i) {
    char c = text[i];
    if (c == '"') {
      for (++i; i < e && text[i] != '"'; ++i)
        if (text[i] == '\\')
          ++i;
    } else if (c == '#') {
      while (i < e && text[i] != '\n')
        ++i;
    } else if (c == '(' || c == '[' || c == '{') {
      if (++depth > kMaxTextNesting)
        return true;
    } else if (c == ')' || c == ']' || c == '}') {
      depth = std::max(depth - 1, 0);
    }
  }
  return false;
}

OwningOpRef<ModuleOp> importOnnxFile(llvm::StringRef path, MLIRContext &ctx,
                                     const ImportOptions &opts,
                                     std::vector<ImportProblem> &problems) {
  ctx.loadDialect<xf::XfDialect, func::FuncDialect, arith::ArithDialect,
                  scf::SCFDialect, tensor::TensorDialect>();
  auto fail = [&](const std::string &reason) -> OwningOpRef<ModuleOp> {
    problems.push_back({"", "", "", 0, reason});
    return nullptr;
  };

  onnx::ModelProto model;
  {
    auto buffer = llvm::MemoryBuffer::getFile(path, /*IsText=*/false,
                                              /*RequiresNullTerminator=*/false);
    if (!buffer)
      return fail("cannot read the model: " + buffer.getError().message());
    llvm::StringRef bytes = (*buffer)->getBuffer();
    if (bytes.empty())
      return fail("the model file is empty");
    bool text = path.ends_with(".onnxtxt");
    if (text && textNestingTooDeep(bytes))
      return fail("cannot parse the ONNX text: brackets nest more than " +
                  std::to_string(kMaxTextNesting) + " deep");
    std::string error =
        text ? parseModelText(bytes.str(), model)
             : parseModelBinary(bytes.data(), bytes.size(), model);
    if (!error.empty())
      return fail(error);
  }
  if (!model.has_graph())
    return fail("not an ONNX model: it has no graph");
  if (subgraphsTooDeep(model.graph(), 0))
    return fail("subgraphs (If, Loop and Scan bodies) nest deeper than " +
                std::to_string(kMaxSubgraphNesting) +
                " levels, the most xfc supports");

  llvm::SmallString<256> dir(path);
  llvm::sys::path::remove_filename(dir);
  if (dir.empty())
    dir = ".";
  std::string modelDir = dir.str().str();

  findNodeProblems(model, problems);
  if (!problems.empty()) {
    if (!opts.checkOnly)
      problems.resize(1);
    return nullptr;
  }
  if (std::optional<ImportProblem> p = findOnnxHazards(model)) {
    problems.push_back(std::move(*p));
    return nullptr;
  }
  std::string error = checkLocalFunctions(model);
  if (!error.empty())
    return fail("invalid model: " + error);
  error = specializeInputs(model, opts);
  if (!error.empty())
    return fail(error);
  error = checkAndInferShapes(model, modelDir + "/");
  if (!error.empty())
    return fail(error);

  std::vector<ImportProblem> first;
  GraphImporter importer(ctx, model, path, modelDir, opts, first);
  OwningOpRef<ModuleOp> module = importer.run();
  if (module)
    return module;

  // Old models whose op versions xfc does not convert directly may convert
  // after ONNX's version converter upgrades them to opset 13.
  int64_t opset = 0;
  for (const auto &imp : model.opset_import())
    if (imp.domain().empty() || imp.domain() == "ai.onnx")
      opset = imp.version();
  std::vector<const llvm::StringSet<> *> scopes;
  if (importer.sawVersionGap() && opset > 0 && opset < 13 &&
      outputsDefined(model.graph(), scopes)) {
    onnx::ModelProto upgraded;
    if (convertVersionAndInferShapes(model, 13, upgraded).empty()) {
      std::vector<ImportProblem> second;
      GraphImporter retry(ctx, upgraded, path, modelDir, opts, second);
      if (OwningOpRef<ModuleOp> m = retry.run())
        return m;
    }
  }
  llvm::append_range(problems, first);
  return nullptr;
}

/// Names come from the model: control characters (a newline in a node name)
/// are escaped so that a problem stays on one line.
static std::string escapeControl(llvm::StringRef text) {
  std::string out;
  for (char c : text) {
    auto u = static_cast<unsigned char>(c);
    if (c == '\n')
      out += "\\n";
    else if (c == '\r')
      out += "\\r";
    else if (c == '\t')
      out += "\\t";
    else if (u < 0x20 || u == 0x7f)
      out += "\\x" + llvm::utohexstr(u, /*LowerCase=*/true, /*Width=*/2);
    else
      out += c;
  }
  return out;
}

std::string formatProblem(llvm::StringRef file, const ImportProblem &p) {
  std::string s = file.str() + ": ";
  if (!p.opType.empty())
    s += "node '" + escapeControl(p.nodeName) + "' (" + escapeControl(p.opType) +
         "): ";
  return s + escapeControl(p.reason);
}

std::vector<SupportedOp> listSupportedOps() {
  std::vector<SupportedOp> rows;
  for (const OpRegistry::Entry &e : OpRegistry::instance().entries())
    rows.push_back({"", e.opType, e.since, e.notes});
  return rows;
}

} // namespace xfc
