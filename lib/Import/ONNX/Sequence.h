//===- Sequence.h - ONNX sequences and optionals as tensors -----*- C++ -*-===//
//
// xf has only tensors. An ONNX sequence of tensors is carried by two of them
// from import on, so that every later pass, the control flow and the
// runtime ABI see nothing new:
//
//   data   : tensor<?xT>      the elements, each flattened row-major, in order
//   shapes : tensor<?x?xi64>  row k is the shape of element k
//
// Elements may differ in size but share the element type and the rank (the
// number of columns; an empty sequence takes the rank of the first element
// inserted). An optional is its payload's parts followed by a tensor<i1>
// that says whether it has a value. The parts of a graph input or output
// are consecutive arguments or results of @main, marked `xf.value_kind`
// (the runtime ABI's xfrt_value_kind).
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_SEQUENCE_H
#define XFC_LIB_IMPORT_ONNX_SEQUENCE_H

#include "GraphImporter.h"

namespace xfc::onnx_import {

/// "a tensor", "a sequence", "an optional tensor" or "an optional
/// sequence", for messages.
llvm::StringRef kindName(ValueKind kind);

/// Whether input `input` of an `opType` node may be a sequence or an
/// optional (its converter checks the kind itself); every other input of
/// every converter is a tensor.
bool takesNonTensor(llvm::StringRef opType, unsigned input);

/// The ONNX element type of the tensors `type` holds (itself, an optional's
/// payload, a sequence's elements); dt::Undefined when it names none.
int32_t elementDType(const onnx::TypeProto &type);

/// The type of a sequence's shapes part.
mlir::RankedTensorType sequenceShapesType(mlir::MLIRContext *ctx);

/// A sequence of `data` and `shapes` whose elements are known to have
/// `elementType` (null when not even the rank is known).
ValueState sequenceState(mlir::Value data, mlir::Value shapes,
                         mlir::RankedTensorType elementType);

/// An optional holding `payload` (a tensor or a sequence) when `hasValue`.
ValueState optionalState(const ValueState &payload, mlir::Value hasValue);

/// The payload of an optional (what it holds when it has a value).
ValueState payloadOf(const ValueState &optional);

/// A value of `like`'s kind and element type carried by `parts` (the
/// results of an scf.if or a loop that carried `like`'s parts).
ValueState withParts(const ValueState &like, mlir::ValueRange parts);

/// What is known of elements of both types: the rank when they agree
/// (else null) and the sizes both have.
mlir::RankedTensorType mergeElementTypes(mlir::RankedTensorType a,
                                         mlir::RankedTensorType b);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_SEQUENCE_H
