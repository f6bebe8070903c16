//===- NodeContext.h - what a node converter sees ------------------------===//
//
// Every ONNX op is converted by one small function registered with its op
// type and the since-versions it implements (torch-mlir style):
//
//   r.on("Relu", {6, 13, 14}, [](NodeContext &c) {
//     return c.done(c.unary(xf::UnaryKind::relu, c.in(0)));
//   });
//
// The NodeContext gives the converter validated access to the node's inputs
// (values, types, compile-time constants), its attributes (type-checked), a
// builder positioned with the node's location, and small builders for xf ops
// that compute result types with the shape rules of XfShapes.h. Converters
// validate everything they read before building; `fail` records a problem.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_NODECONTEXT_H
#define XFC_LIB_IMPORT_ONNX_NODECONTEXT_H

#include "ConstTensor.h"
#include "Fold.h"

#include "dialects/Xf/IR/XfDialect.h"

#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"

#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace onnx {
class GraphProto;
class NodeProto;
class AttributeProto;
class TensorProto;
class TypeProto;
} // namespace onnx

namespace xfc::onnx_import {

class GraphImporter;
struct ValueState;

class NodeContext {
public:
  NodeContext(GraphImporter &graph, const onnx::NodeProto &node,
              llvm::StringRef name, mlir::Location loc, int64_t opset,
              int since);

  //===--- The node ------------------------------------------------------===//
  llvm::StringRef opType() const;
  llvm::StringRef name() const { return name_; }
  /// The model's opset for the node's domain.
  int64_t opset() const { return opset_; }
  /// The since-version of the converter that runs.
  int since() const { return since_; }
  mlir::Location loc() const { return loc_; }
  mlir::OpBuilder &b();
  mlir::MLIRContext *ctx();
  /// Directory external data is resolved against.
  llvm::StringRef modelDir() const;

  //===--- Inputs --------------------------------------------------------===//
  unsigned numInputs() const;
  /// True when input `i` is present (optional inputs may be empty names).
  bool has(unsigned i) const;
  /// The SSA value of input `i` (a known constant is materialized here).
  mlir::Value in(unsigned i);
  mlir::RankedTensorType type(unsigned i) const;
  llvm::ArrayRef<int64_t> shape(unsigned i) const { return type(i).getShape(); }
  int64_t rank(unsigned i) const { return type(i).getRank(); }
  mlir::Type elt(unsigned i) const { return type(i).getElementType(); }
  /// The ONNX element type of input `i`: a constant's own, else ONNX's type
  /// inference's (which tells uint8 from int8, both i8 in xf), else the one
  /// the MLIR type reads as (signless integers as signed).
  int32_t dtype(unsigned i) const;
  /// What the importer knows of input `i`, a tensor or not (ValueKind).
  const ValueState &state(unsigned i) const;
  /// The tensors that carry input `i` (see ValueKind): a tensor's value
  /// (a known constant is materialized here), or a sequence's or an
  /// optional's parts.
  llvm::SmallVector<mlir::Value> parts(unsigned i);
  /// The compile-time value of input `i`, or null.
  const ConstTensor *constant(unsigned i) const;
  /// Like constant(), but also returns partially known values (shapes with
  /// dynamic dimensions); converters that propagate them use this.
  const ConstTensor *partial(unsigned i) const;
  /// True when input `i` is at least partially known and each unknown
  /// element is a run-time size that names a dimension (from Shape): a
  /// shape-like input such converters resolve into static sizes and
  /// tensor.dim. A computed size (`Shape(x)[0] * 2`) or no knowledge at all
  /// sends them to their run-time path.
  bool namesDimensions(unsigned i) const;
  /// True when every present input has a compile-time value.
  bool allConstant() const;
  /// True when every present input is at least partially known.
  bool allPartial() const;
  /// The values of a shape-like input, which must be a compile-time
  /// constant: otherwise fails with "<what> of <Op> must be a compile-time
  /// constant".
  mlir::FailureOr<llvm::SmallVector<int64_t>> constInts(unsigned i,
                                                        llvm::StringRef what);
  /// Like constInts, but unknown elements of a partially known shape come
  /// back as ShapedType::kDynamic.
  mlir::FailureOr<llvm::SmallVector<int64_t>> constDims(unsigned i,
                                                        llvm::StringRef what);
  /// The run-time size (an index) that unknown element `k` of a partially
  /// known shape-like input `i` stands for: tensor.dim of the tensor its
  /// Shape was taken of, or, for a computed size, the element of the
  /// input's run-time value. Null when the element is known.
  mlir::Value runtimeDim(unsigned i, int64_t k);
  /// The tensor and dimension element `k` of input `i` names, if any.
  std::optional<std::pair<mlir::Value, int64_t>> dimSymbolOf(unsigned i, int64_t k) const;
  /// The placeholder for dimension `d` of input `i` in a partially known
  /// shape (see kDimSymbolBase).
  int64_t dimSymbol(unsigned i, int64_t d);
  /// A one-element compile-time input as a double.
  mlir::FailureOr<double> constScalar(unsigned i, llvm::StringRef what);

  //===--- Attributes (a wrong attribute type records a problem) ---------===//
  bool hasAttr(llvm::StringRef name) const;
  int64_t attrInt(llvm::StringRef name, int64_t dflt);
  float attrFloat(llvm::StringRef name, float dflt);
  std::string attrString(llvm::StringRef name, llvm::StringRef dflt);
  std::optional<llvm::SmallVector<int64_t>> attrInts(llvm::StringRef name);
  std::optional<llvm::SmallVector<float>> attrFloats(llvm::StringRef name);
  std::optional<llvm::SmallVector<std::string>>
  attrStrings(llvm::StringRef name);
  const onnx::TensorProto *attrTensor(llvm::StringRef name);
  const onnx::GraphProto *attrGraph(llvm::StringRef name);
  /// A TYPE_PROTO attribute (Optional's `type`), or null.
  const onnx::TypeProto *attrType(llvm::StringRef name);
  /// True once a problem was recorded for this node.
  bool failed() const { return failed_; }
  /// Converts the node for its run-time values (GraphImporter::
  /// rematerialize): partially known inputs read as unknown, so that
  /// converters build ops instead of folding.
  void setDataOnly() { dataOnly_ = true; }

  //===--- Outputs -------------------------------------------------------===//
  unsigned numOutputs() const;
  /// The type of output `i` as the model declares it (value_info, graph
  /// outputs) or ONNX's shape inference found it, when fully static: lets a
  /// converter specialize an op whose shape depends on run-time values.
  std::optional<mlir::RankedTensorType> declaredType(unsigned i) const;
  /// The rank of output `i` as the model declares it (or ONNX's shape
  /// inference found it), whether or not its dimensions are known.
  std::optional<int64_t> declaredRank(unsigned i) const;
  /// declaredType(i) for a converter whose shape-like input `what` is a
  /// run-time value; fails with "<what> of <Op> must be a compile-time
  /// constant (or the model must declare the output's static shape)".
  mlir::FailureOr<mlir::RankedTensorType>
  declaredOutput(const llvm::Twine &what, unsigned i = 0);
  /// True when output `i` is named and read by a node or the graph.
  bool outputUsed(unsigned i) const;
  void set(unsigned i, mlir::Value v);
  /// Output `i` is `s` (a sequence or an optional).
  void setState(unsigned i, ValueState s);
  void setConst(unsigned i, ConstTensor t);
  mlir::LogicalResult done(mlir::Value v) {
    set(0, v);
    return mlir::success();
  }
  mlir::LogicalResult doneConst(ConstTensor t) {
    setConst(0, std::move(t));
    return mlir::success();
  }
  /// Output `out` is input `in` (Identity, no-op reductions); a known
  /// constant stays known.
  mlir::LogicalResult forward(unsigned in, unsigned out = 0);

  //===--- Subgraphs (If, Loop, Scan) ------------------------------------===//
  /// Converts `graph`, the subgraph attribute `attr`, at the builder's
  /// insertion point in a scope of its own: its inputs are `inputs` (one per
  /// graph input), the names of the graphs around it stay visible unless it
  /// shadows them, and its own names are gone afterwards. Returns what is
  /// known about its outputs; constants are not materialized.
  mlir::FailureOr<std::vector<ValueState>>
  importSubgraph(const onnx::GraphProto &graph, llvm::StringRef attr,
                 llvm::ArrayRef<ValueState> inputs);
  /// The SSA value of a subgraph output; a constant is materialized at the
  /// builder's insertion point.
  mlir::Value materialize(ValueState &output);
  /// The tensors that carry a subgraph output (see parts(unsigned)).
  llvm::SmallVector<mlir::Value> materializeParts(ValueState &output);
  /// Converts subgraph `attr` (it has no inputs) in place and makes its
  /// outputs this node's outputs (If with a constant condition).
  mlir::LogicalResult inlineSubgraph(llvm::StringRef attr);
  /// A run-time check (xf.assert): when any element of the i1 tensor `ok`
  /// is false, the call fails with "node '<name>' (<op>): <what>".
  void check(mlir::Value ok, const llvm::Twine &what);
  /// Checks at run time that the input `i` holds `expected`, for a
  /// converter that specialized on the node's declared output type; `what`
  /// names the input and the expected values in the message. A float input
  /// (OneHot's depth) is truncated to an integer first, as ONNX reads it.
  mlir::LogicalResult checkEquals(unsigned i, llvm::ArrayRef<int64_t> expected,
                                  const llvm::Twine &what);
  /// Records a problem for this node; returns failure.
  mlir::LogicalResult fail(const llvm::Twine &reason);
  /// Fails unless only output 0 (of possibly several) is used.
  mlir::LogicalResult onlyFirstOutput(llvm::StringRef why);

  //===--- Helpers -------------------------------------------------------===//
  /// `axis` normalized to [0, rank); fails when out of range.
  mlir::FailureOr<int64_t> normAxis(int64_t axis, int64_t rank,
                                    llvm::StringRef what = "axis");
  /// Sorted, unique, normalized axes; fails on duplicates or out of range.
  mlir::FailureOr<llvm::SmallVector<int64_t>>
  normAxes(llvm::ArrayRef<int64_t> axes, int64_t rank);

  //===--- Builders (at the node's location) -----------------------------===//
  mlir::Value constant(const ConstTensor &t);
  /// A splat tensor of `eltType` holding `v`, with `shape` (scalar default).
  mlir::Value splat(mlir::Type eltType, double v,
                    llvm::ArrayRef<int64_t> shape = {});
  mlir::FailureOr<mlir::Value> binary(xf::BinaryKind kind, mlir::Value a,
                                      mlir::Value b);
  mlir::FailureOr<mlir::Value> select(mlir::Value cond, mlir::Value a,
                                      mlir::Value b);
  mlir::Value unary(xf::UnaryKind kind, mlir::Value x,
                    std::optional<float> alpha = std::nullopt,
                    std::optional<float> beta = std::nullopt);
  mlir::Value reshape(mlir::Value x, llvm::ArrayRef<int64_t> shape);
  mlir::Value transpose(mlir::Value x, llvm::ArrayRef<int64_t> perm);
  mlir::Value cast(mlir::Value x, mlir::Type eltType);
  /// `x`, of ONNX element type `from`, converted to ONNX type `to` with
  /// unsigned semantics where either side is unsigned: an unsigned source
  /// is zero-extended when widened or converted to float, and float goes to
  /// an unsigned type through i64 (a direct conversion to a narrow type is
  /// undefined beyond that type's signed range).
  mlir::Value castDType(mlir::Value x, int32_t from, int32_t to);
  mlir::Value slice(mlir::Value x, llvm::ArrayRef<int64_t> starts,
                    llvm::ArrayRef<int64_t> steps,
                    llvm::ArrayRef<int64_t> sizes);
  mlir::FailureOr<mlir::Value> broadcastTo(mlir::Value x,
                                           llvm::ArrayRef<int64_t> shape);
  /// Reduction over sorted unique `axes`.
  mlir::Value reduce(xf::ReduceKind kind, mlir::Value x,
                     llvm::ArrayRef<int64_t> axes, bool keepDims);
  mlir::FailureOr<mlir::Value> concat(mlir::ValueRange inputs, int64_t axis);

private:
  const onnx::AttributeProto *attr(llvm::StringRef name) const;
  const onnx::AttributeProto *typedAttr(llvm::StringRef name, int type,
                                        const char *typeName);

  GraphImporter &graph_;
  const onnx::NodeProto &node_;
  std::string name_;
  mlir::Location loc_;
  int64_t opset_;
  int since_;
  bool failed_ = false;
  bool dataOnly_ = false;
};

/// Shape as text, "[2, 3, ?]", for messages.
/// Builders for chains of xf ops whose shapes broadcast by construction
/// (Det's elimination, Unique's comparisons): a failure still records the
/// node's problem, and `ok` turns false instead of each step being checked.
struct ChainedOps {
  NodeContext &c;
  bool ok = true;

  mlir::Value bin(xf::BinaryKind kind, mlir::Value a, mlir::Value b) {
    mlir::FailureOr<mlir::Value> r = c.binary(kind, a, b);
    ok = ok && mlir::succeeded(r);
    return mlir::succeeded(r) ? *r : a;
  }
  mlir::Value select(mlir::Value cond, mlir::Value a, mlir::Value b) {
    mlir::FailureOr<mlir::Value> r = c.select(cond, a, b);
    ok = ok && mlir::succeeded(r);
    return mlir::succeeded(r) ? *r : a;
  }
};

std::string shapeStr(llvm::ArrayRef<int64_t> shape);
/// Integer list as text, "[0, -1]" (no `?`), for messages.
std::string listStr(llvm::ArrayRef<int64_t> values);

/// Product of dimensions; dynamic when any is dynamic.
int64_t dimProduct(llvm::ArrayRef<int64_t> dims);

/// At most rank 64, every static dimension in [0, kMaxDim], at most 2^50
/// elements: the importer refuses to build types outside this range.
bool saneShape(llvm::ArrayRef<int64_t> shape);

using ConvertFn = std::function<mlir::LogicalResult(NodeContext &)>;

/// Converters by op type and since-version (default ONNX domain).
class OpRegistry {
public:
  struct Entry {
    std::string opType;
    int since;
    std::shared_ptr<ConvertFn> fn;
    std::string notes;
  };

  /// Registers `fn` for each since-version in `versions`: it handles every
  /// opset from the smallest version on, until a newer registration.
  void on(llvm::StringRef opType, std::initializer_list<int> versions,
          ConvertFn fn, llvm::StringRef notes = "");

  /// The entry with the largest since-version <= opset; null when the op is
  /// unknown or only newer versions exist.
  const Entry *lookup(llvm::StringRef opType, int64_t opset) const;
  bool knows(llvm::StringRef opType) const { return byOp_.count(opType); }
  /// Registered since-versions of `opType`, ascending.
  std::vector<int> versions(llvm::StringRef opType) const;
  std::vector<Entry> entries() const;

  static const OpRegistry &instance();

private:
  llvm::StringMap<std::vector<Entry>> byOp_;
};

/// Folds when input 0 is a constant small enough, else calls `build`.
template <typename FoldFn, typename BuildFn>
mlir::LogicalResult foldOrBuild(NodeContext &c, FoldFn fold, BuildFn build) {
  if (const ConstTensor *t = c.partial(0))
    if (t->isSplat() || t->numElements() <= kFoldLimit)
      return c.doneConst(fold(*t));
  return c.done(build(c.in(0)));
}

void registerElementwiseOps(OpRegistry &r);
void registerReductionOps(OpRegistry &r);
void registerShapeOps(OpRegistry &r);
void registerSlicingOps(OpRegistry &r);
void registerNNOps(OpRegistry &r);
void registerConvPoolOps(OpRegistry &r);
void registerImageOps(OpRegistry &r);
void registerIndexingOps(OpRegistry &r);
void registerSelectionOps(OpRegistry &r);
void registerLossOps(OpRegistry &r);
void registerQuantizationOps(OpRegistry &r);
void registerRecurrentOps(OpRegistry &r);
void registerControlFlowOps(OpRegistry &r);
void registerScanOps(OpRegistry &r);
void registerSequenceOps(OpRegistry &r);
void registerSignalOps(OpRegistry &r);
void registerTextOps(OpRegistry &r);
void registerLinearAlgebraOps(OpRegistry &r);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_NODECONTEXT_H
