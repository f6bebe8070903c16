//===- GraphBoundary.cpp - graph inputs and outputs that are not tensors --===//
//
// A sequence or optional graph input is several arguments of @main, and a
// graph output of those kinds several results, in the order and with the
// `xf.value_kind` marks of Sequence.h (the runtime ABI's xfrt_value_kind).
//
//===----------------------------------------------------------------------===//

#include "GraphImporter.h"
#include "NodeContext.h"
#include "Sequence.h"

#include "onnx/onnx_pb.h"

#include "mlir/Dialect/Tensor/IR/Tensor.h"

using namespace mlir;

namespace xfc::onnx_import {

namespace {

/// What a sequence's elements are declared to be: their element type and,
/// when the model gives it, their rank and sizes (null type: unknown rank).
struct DeclaredElements {
  Type elt;
  RankedTensorType type;
};

std::optional<DeclaredElements> sequenceElements(MLIRContext *ctx,
                                                 const onnx::TypeProto &seq,
                                                 std::string &error) {
  const onnx::TypeProto &elem = seq.sequence_type().elem_type();
  if (!elem.has_tensor_type()) {
    error = "is a sequence of non-tensors, which is not supported";
    return std::nullopt;
  }
  Type elt = dtypeToType(ctx, elem.tensor_type().elem_type());
  if (!elt) {
    error = "is a sequence of unsupported element type " +
            dtypeName(elem.tensor_type().elem_type());
    return std::nullopt;
  }
  if (!elem.tensor_type().has_shape())
    return DeclaredElements{elt, {}};
  SmallVector<int64_t> dims;
  for (const auto &d : elem.tensor_type().shape().dim())
    dims.push_back(d.has_dim_value() ? d.dim_value() : ShapedType::kDynamic);
  if (!saneShape(dims)) {
    error = "has an invalid element shape";
    return std::nullopt;
  }
  return DeclaredElements{elt, RankedTensorType::get(dims, elt)};
}

/// The type of a sequence's shapes part at the boundary: the rank is
/// static when known.
RankedTensorType boundaryShapesType(MLIRContext *ctx,
                                    RankedTensorType elementType) {
  return RankedTensorType::get(
      {ShapedType::kDynamic,
       elementType ? elementType.getRank() : ShapedType::kDynamic},
      IntegerType::get(ctx, 64));
}

} // namespace

int32_t elementDType(const onnx::TypeProto &type) {
  if (type.has_optional_type())
    return elementDType(type.optional_type().elem_type());
  if (type.has_sequence_type())
    return elementDType(type.sequence_type().elem_type());
  return type.has_tensor_type() ? type.tensor_type().elem_type()
                                : dt::Undefined;
}

std::vector<GraphArgument>
GraphImporter::inputArguments(const onnx::TypeProto &type,
                              llvm::StringRef name, std::string &error) {
  const std::string n = name.str();
  bool optional = type.has_optional_type();
  const onnx::TypeProto &payload =
      optional ? type.optional_type().elem_type() : type;
  std::vector<GraphArgument> args;
  if (payload.has_sequence_type()) {
    std::optional<DeclaredElements> elems =
        sequenceElements(&ctx_, payload, error);
    if (!elems)
      return {};
    args.push_back({RankedTensorType::get({ShapedType::kDynamic}, elems->elt),
                    n, payload.sequence_type().elem_type().tensor_type()
                           .elem_type(),
                    "sequence_data"});
    args.push_back({boundaryShapesType(&ctx_, elems->type), n + ".shapes",
                    dt::Int64, "sequence_shapes"});
  } else {
    std::optional<RankedTensorType> t = tensorType(payload, error);
    if (!t)
      return {};
    if (!saneShape(t->getShape())) {
      error = "has too many elements";
      return {};
    }
    args.push_back({*t, n, payload.tensor_type().elem_type(), {}});
  }
  if (optional)
    args.push_back({RankedTensorType::get({}, builder_.getI1Type()),
                    n + ".has_value", dt::Bool, "optional_flag"});
  return args;
}

ValueState GraphImporter::inputState(const onnx::TypeProto &type,
                                     llvm::ArrayRef<BlockArgument> args) {
  bool optional = type.has_optional_type();
  const onnx::TypeProto &payloadType =
      optional ? type.optional_type().elem_type() : type;
  ValueState payload;
  if (payloadType.has_sequence_type()) {
    std::string unused;
    RankedTensorType elementType =
        sequenceElements(&ctx_, payloadType, unused)->type;
    Value shapes = tensor::CastOp::create(builder_, args[1].getLoc(),
                                          sequenceShapesType(&ctx_), args[1]);
    payload = sequenceState(args[0], shapes, elementType);
  } else {
    payload.value = args[0];
    payload.type = cast<RankedTensorType>(args[0].getType());
    payload.loc = args[0].getLoc();
  }
  return optional ? optionalState(payload, args.back()) : payload;
}

void GraphImporter::appendResults(llvm::StringRef name, ValueState &s,
                                  int32_t dtype,
                                  llvm::SmallVectorImpl<GraphResult> &results) {
  const std::string n = name.str();
  if (s.kind == ValueKind::Tensor) {
    results.push_back({materialize(s, name), n, dtype});
    return;
  }
  bool sequence = s.kind == ValueKind::Sequence ||
                  s.kind == ValueKind::OptionalSequence;
  // The model's ONNX type tells uint8 from int8 (both i8 in xf).
  if (dtype == dt::Undefined)
    dtype = typeToDType(s.type.getElementType());
  if (sequence) {
    results.push_back({s.value, n, dtype, "sequence_data"});
    // The shapes of an output keep a dynamic rank: an empty sequence has
    // none, whatever its elements would have.
    results.push_back(
        {s.moreParts[0], n + ".shapes", dt::Int64, "sequence_shapes"});
  } else {
    results.push_back({s.value, n, dtype, {}});
  }
  if (s.kind == ValueKind::OptionalTensor ||
      s.kind == ValueKind::OptionalSequence)
    results.push_back(
        {s.moreParts.back(), n + ".has_value", dt::Bool, "optional_flag"});
}

} // namespace xfc::onnx_import
