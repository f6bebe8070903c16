//===- GraphImporter.h - one ONNX graph -> one func.func -----------------===//
//
// Walks the nodes of the main graph in order, keeps what is known about every
// ONNX value (its SSA value, its type, its compile-time constant), runs the
// registered converter of each node and collects problems.
//
// Names are scoped as ONNX scopes them: a subgraph (a branch of If, the body
// of Loop or Scan) sees the names of the graphs around it, its own names
// shadow them, and none of its names is visible after it.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
#define XFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H

#include "ConstTensor.h"

#include "xfc/Import/ONNX/Importer.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/Builders.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSet.h"

#include <deque>
#include <memory>
#include <optional>

namespace onnx {
class GraphProto;
class ModelProto;
class NodeProto;
class TypeProto;
} // namespace onnx

namespace xfc::onnx_import {

/// What an ONNX value is: xf has only tensors, so a value of another ONNX
/// type is carried as several tensors, its parts (see Sequence.h).
enum class ValueKind : uint8_t {
  Tensor,
  /// Parts: the elements' data, flattened and concatenated (tensor<?xT>),
  /// and their shapes, one row per element (tensor<?x?xi64>).
  Sequence,
  /// Parts: the payload's parts (a tensor, or a sequence's two), then
  /// whether it has a value (tensor<i1>).
  OptionalTensor,
  OptionalSequence,
};

/// What the importer knows about one ONNX value.
struct ValueState {
  mlir::Value value;                           ///< null until materialized
  std::shared_ptr<const ConstTensor> constant; ///< null when not known
  mlir::RankedTensorType type;
  mlir::LocationAttr loc; ///< where a constant is materialized
  std::string blobName;   ///< dense_resource key for a large constant
  bool poisoned = false;  ///< its producer failed (checkOnly)
  /// Not a tensor: `value` (of type `type`) is the first part, `moreParts`
  /// the others, and `elementType` what is known of the tensor (payload,
  /// or every element of a sequence): its rank and the sizes all share;
  /// null when not even the rank is known.
  ValueKind kind = ValueKind::Tensor;
  llvm::SmallVector<mlir::Value, 2> moreParts;
  mlir::RankedTensorType elementType;
  /// For a partially known value whose unknown elements are not all
  /// run-time sizes (`Equal(Gather(Shape(x)), 1)` with x dynamic): the node
  /// that computed it and which of its outputs it is. A consumer that needs
  /// it as data (an If condition, a Cast, arithmetic with tensors, a graph
  /// output) has that node built again on run-time values
  /// (GraphImporter::rematerialize); folding consumers keep the known part.
  const onnx::NodeProto *producer = nullptr;
  int producerOutput = 0;
  std::string producerName;
};

class NodeContext;

/// One result of @main: a graph output or an exposed intermediate value,
/// or one part of a graph output that is not a tensor.
struct GraphResult {
  mlir::Value value;
  std::string name; ///< the ONNX value name, kept in `xf.name`
  int32_t dtype;    ///< ONNX element type; dt::Undefined when not known
  llvm::StringRef valueKind = {}; ///< `xf.value_kind`; empty for a tensor
};

/// One argument of @main: a graph input, or one part of a graph input that
/// is not a tensor (Sequence.h).
struct GraphArgument {
  mlir::RankedTensorType type;
  std::string name; ///< `xf.name`: the input's, or "<input>.shapes", ...
  int32_t dtype;    ///< ONNX element type
  llvm::StringRef valueKind = {}; ///< `xf.value_kind`; empty for a tensor
};

class GraphImporter {
public:
  GraphImporter(mlir::MLIRContext &ctx, const onnx::ModelProto &model,
                llvm::StringRef file, llvm::StringRef modelDir,
                const ImportOptions &opts,
                std::vector<ImportProblem> &problems);

  /// Converts the graph; null when any problem was found.
  mlir::OwningOpRef<mlir::ModuleOp> run();

  /// True when some node had an op version no converter covers (the caller
  /// may retry after upgrading the model's opset).
  bool sawVersionGap() const { return versionGap_; }

  //===--- Used by NodeContext -------------------------------------------===//
  mlir::MLIRContext *ctx() { return &ctx_; }
  mlir::OpBuilder &builder() { return builder_; }
  /// What is known about `name` in the innermost scope that defines it.
  ValueState *lookup(llvm::StringRef name);
  /// The SSA value of `name`, materializing a known constant.
  mlir::Value materialize(llvm::StringRef name);
  /// The SSA value of `s` (a constant is materialized at the builder's
  /// insertion point); `name` is for messages.
  mlir::Value materialize(ValueState &s, llvm::StringRef name);
  /// Builds, at the insertion point, the run-time value of `s`, a
  /// partially known value with a producer, by converting that node again
  /// with its inputs as run-time values; null when that fails (the problem
  /// is recorded, or discarded when `quiet`).
  mlir::Value rematerialize(const ValueState &s, bool quiet = false);
  /// Defines `name` in the innermost scope.
  void define(llvm::StringRef name, ValueState state);
  /// Opens the scope of subgraph `graph` (its names and value_info types);
  /// closeScope drops it with every name defined in it.
  void openScope(const onnx::GraphProto &graph);
  void closeScope();
  bool isUsed(llvm::StringRef name) const { return used_.contains(name); }
  /// The type the model (value_info, graph outputs) or ONNX's shape
  /// inference gives `name`, when it is a tensor type xfc can represent.
  std::optional<mlir::RankedTensorType> onnxType(llvm::StringRef name);
  /// ONNX's element type of value `name` (graph inputs and outputs, and
  /// what shape inference found); dt::Undefined when it is not known.
  int32_t onnxDType(llvm::StringRef name) const;
  /// Converts the initializers and nodes of subgraph `graph` in the
  /// innermost scope, at the builder's insertion point; unnamed nodes are
  /// named `<prefix>/<op>_<i>`.
  mlir::LogicalResult convertSubgraph(const onnx::GraphProto &graph,
                                      llvm::StringRef prefix);
  llvm::StringRef modelDir() const { return modelDir_; }
  /// The placeholder of an unknown shape element that stands for dimension
  /// `dim` of `tensor` (see kDimSymbolBase).
  int64_t dimSymbol(mlir::Value tensor, int64_t dim);
  /// The tensor and dimension a placeholder stands for, if it is a symbol.
  std::optional<std::pair<mlir::Value, int64_t>> lookupDimSymbol(int64_t placeholder) const;
  void addProblem(llvm::StringRef node, llvm::StringRef opType,
                  llvm::StringRef domain, int64_t opset,
                  const llvm::Twine &reason);

private:
  mlir::Location fileLoc();
  mlir::Location nameLoc(llvm::StringRef name);
  /// The location of ops built for a node: its name, with the op type.
  mlir::Location nodeLoc(llvm::StringRef name, llvm::StringRef opType);
  /// The tensor type of a graph input/output; empty on failure.
  std::optional<mlir::RankedTensorType>
  tensorType(const onnx::TypeProto &type, std::string &error);
  /// The arguments that carry graph input `name` of ONNX type `type` (one
  /// for a tensor); empty, with `error` set, when xfc cannot take it
  /// (GraphBoundary.cpp).
  std::vector<GraphArgument> inputArguments(const onnx::TypeProto &type,
                                            llvm::StringRef name,
                                            std::string &error);
  /// What is known of the graph input of ONNX type `type` that `args`
  /// (from inputArguments) carry.
  ValueState inputState(const onnx::TypeProto &type,
                        llvm::ArrayRef<mlir::BlockArgument> args);
  /// The results that carry graph output `name`, whose state is `s` and
  /// whose tensors (payload, elements) are of ONNX type `dtype`.
  void appendResults(llvm::StringRef name, ValueState &s, int32_t dtype,
                     llvm::SmallVectorImpl<GraphResult> &results);
  mlir::LogicalResult readInitializers();
  /// A partially known integer tensor whose unknown elements all name
  /// run-time sizes, built from them (tensor.from_elements); null when some
  /// unknown element is anonymous.
  mlir::Value materializeDimSymbols(const ConstTensor &t, mlir::Location loc);
  mlir::LogicalResult convertNode(const onnx::NodeProto &node,
                                 llvm::StringRef name);
  /// Names read by nodes of `graph` and of its subgraphs.
  void collectUses(const onnx::GraphProto &graph);
  /// ONNX's types of the values of `graph` (not of its subgraphs), into the
  /// innermost scope.
  void collectTypes(const onnx::GraphProto &graph);
  const onnx::TypeProto *findOnnxType(llvm::StringRef name) const;
  /// Reads `init` into a constant of the innermost scope; false (with a
  /// problem recorded) when it is invalid or its name is taken.
  bool readInitializer(const onnx::TensorProto &init, llvm::StringRef what);
  void checkAgainstOnnx(const onnx::NodeProto &node, llvm::StringRef nodeName);
  /// Appends the node outputs that `opts_.expose` selects to `results`.
  void exposeIntermediates(const onnx::GraphProto &graph,
                           llvm::SmallVectorImpl<GraphResult> &results);
  mlir::LogicalResult verifyModule(mlir::ModuleOp module);

  mlir::MLIRContext &ctx_;
  const onnx::ModelProto &model_;
  std::string file_, modelDir_;
  ImportOptions opts_;
  std::vector<ImportProblem> &problems_;
  mlir::OpBuilder builder_;
  /// The names one graph defines and ONNX's types of its values.
  struct Scope {
    llvm::StringMap<ValueState> values;
    llvm::StringMap<const onnx::TypeProto *> types;
  };
  /// The main graph's scope first, the innermost last. A deque, so that a
  /// ValueState pointer stays valid while subgraph scopes come and go.
  std::deque<Scope> scopes_;
  llvm::StringSet<> used_;
  llvm::StringMap<std::string> nodeOpTypes_; ///< node name -> op type
  std::vector<std::pair<mlir::Value, int64_t>> dimSymbols_;
  NodeContext *current_ = nullptr;
  int64_t opset_ = 0;
  bool versionGap_ = false;
  bool failed_ = false;
};

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_GRAPHIMPORTER_H
