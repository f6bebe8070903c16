//===- ConstTensor.h - compile-time tensors of the ONNX importer ---------===//
//
// A ConstTensor is a tensor whose value the importer knows: an initializer, a
// Constant node, or the result of folding a shape computation. Large tensors
// keep their little-endian bytes where they already are (inside the parsed
// protobuf or a memory-mapped external-data file); small and folded ones hold
// decoded values. Either way, values read as int64 or double.
//
// A small integer tensor may also be *partially* known: Shape of a tensor
// with a dynamic batch dimension is [?, 8, 64]. Such tensors carry a mask of
// unknown elements; they flow through shape arithmetic (Gather, Concat,
// Unsqueeze, Mul, ...) so that a Reshape target can still be resolved with a
// single dynamic dimension. They never become runtime values.
//
// An unknown element may also name the run-time size it stands for (Shape
// of a tensor with dynamic dimensions): its placeholder value is then
// kDimSymbolBase + k, symbol k of the graph importer's table (a tensor and
// one of its dimensions). Ops that only move elements (Gather, Concat,
// Unsqueeze, Slice, ...) copy placeholders and so keep symbols; arithmetic
// marks its result unknown with another placeholder, an anonymous size.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_LIB_IMPORT_ONNX_CONSTTENSOR_H
#define XFC_LIB_IMPORT_ONNX_CONSTTENSOR_H

#include "mlir/IR/BuiltinAttributes.h"
#include "mlir/IR/BuiltinTypes.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/SmallVector.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>
#include <vector>

namespace onnx {
class TensorProto;
} // namespace onnx

namespace xfc::onnx_import {

/// ONNX TensorProto::DataType values.
namespace dt {
enum : int32_t {
  Undefined = 0, Float = 1, UInt8 = 2, Int8 = 3, UInt16 = 4, Int16 = 5,
  Int32 = 6, Int64 = 7, String = 8, Bool = 9, Float16 = 10, Double = 11,
  UInt32 = 12, UInt64 = 13, Complex64 = 14, Complex128 = 15, BFloat16 = 16
};
} // namespace dt

/// Name of an ONNX element type ("float", "int64", ...).
std::string dtypeName(int32_t dtype);
bool isFloatDType(int32_t dtype);
/// Bytes per element in ONNX raw_data, 0 for types xfc does not handle.
int dtypeSize(int32_t dtype);
/// The MLIR element type for an ONNX one (signless integers; bool -> i1),
/// or null for types xfc does not handle (string, complex).
mlir::Type dtypeToType(mlir::MLIRContext *ctx, int32_t dtype);
/// The ONNX element type of an MLIR one (signless integers read as signed).
int32_t typeToDType(mlir::Type type);
/// `v` wrapped to the range of an integer dtype (bool: 0 or 1).
int64_t wrapInt(int32_t dtype, int64_t v);
/// `v` rounded to the precision of a float dtype.
double roundFloat(int32_t dtype, double v);

/// No dimension of a tensor xfc handles is larger than this (2^40): it keeps
/// all shape arithmetic far from int64 overflow.
constexpr int64_t kMaxDim = int64_t(1) << 40;

/// Placeholder values of unknown elements at or above this (and below
/// twice it) name a dimension symbol; see the file comment.
constexpr int64_t kDimSymbolBase = int64_t(1) << 52;

/// Product of `shape`, or -1 on overflow or a negative dimension.
int64_t checkedNumElements(llvm::ArrayRef<int64_t> shape);

class ConstTensor {
public:
  ConstTensor() = default;

  static ConstTensor ofInts(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                            std::vector<int64_t> values);
  static ConstTensor ofFloats(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                              std::vector<double> values);
  /// Every element equal to `value` (read as an int or a float per dtype).
  static ConstTensor splat(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                           double value);
  static ConstTensor splatInt(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                              int64_t value);
  /// Little-endian bytes in ONNX raw_data layout; `owner` keeps them alive.
  static ConstTensor ofRaw(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                           llvm::ArrayRef<char> bytes,
                           std::shared_ptr<const void> owner,
                           bool mappedFile);

  int32_t dtype() const { return dtype_; }
  llvm::ArrayRef<int64_t> shape() const { return shape_; }
  int64_t rank() const { return shape_.size(); }
  int64_t numElements() const { return numElements_; }
  bool isFloat() const { return isFloatDType(dtype_); }
  bool isSplat() const { return splat_; }
  /// False when some element is unknown (a partially known shape).
  bool fullyKnown() const { return unknown_.empty(); }
  bool known(int64_t i) const {
    return unknown_.empty() || !unknown_[storageIndex(i)];
  }
  /// The same tensor with elements marked unknown where `mask` is non-zero.
  ConstTensor withUnknown(std::vector<uint8_t> mask) const;

  int64_t intAt(int64_t i) const;
  double floatAt(int64_t i) const;
  /// All values as int64 (floats truncated toward zero).
  std::vector<int64_t> ints() const;
  std::vector<double> floats() const;

  /// Same values under another shape with the same element count.
  ConstTensor reshaped(llvm::ArrayRef<int64_t> shape) const;

  mlir::RankedTensorType type(mlir::MLIRContext *ctx) const;

  /// The value as an attribute for arith.constant: a DenseElementsAttr when
  /// it has at most `kDenseLimit` elements or is a splat, else a
  /// dense_resource blob named after `blobName` (memory-mapped external data
  /// is not copied).
  mlir::ElementsAttr toAttr(mlir::MLIRContext *ctx,
                            llvm::StringRef blobName) const;

  static constexpr int64_t kDenseLimit = 64;

private:
  int32_t dtype_ = dt::Undefined;
  llvm::SmallVector<int64_t, 4> shape_;
  int64_t numElements_ = 0;
  bool splat_ = false;
  // Exactly one storage is used: decoded ints (integer and bool types),
  // decoded floats (float types), or raw bytes.
  std::vector<int64_t> ints_;
  std::vector<double> floats_;
  llvm::ArrayRef<char> raw_;
  std::shared_ptr<const void> owner_;
  bool mapped_ = false;
  std::vector<uint8_t> unknown_; ///< empty when every element is known

  int64_t storageIndex(int64_t i) const { return splat_ ? 0 : i; }
};

/// Reads an initializer or Constant value. External data is memory-mapped
/// relative to `modelDir`. Every size and field is validated; on error
/// returns false and sets `error`.
bool readTensorProto(const onnx::TensorProto &proto, llvm::StringRef modelDir,
                     ConstTensor &out, std::string &error);

} // namespace xfc::onnx_import

#endif // XFC_LIB_IMPORT_ONNX_CONSTTENSOR_H
