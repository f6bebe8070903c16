//===- ConstTensor.cpp - compile-time tensors of the ONNX importer -------===//
//
// Decoding of TensorProto (raw_data, typed fields, external data) with every
// size checked against the declared dims, and encoding into MLIR attributes.
//
//===----------------------------------------------------------------------===//

#include "ConstTensor.h"

#include "xfc/Support/ContainedPath.h"

#include "onnx/onnx_pb.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/BuiltinDialect.h"
#include "mlir/IR/DialectResourceBlobManager.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"

#include <cmath>
#include <cstring>
#include <limits>

using namespace mlir;

namespace xfc::onnx_import {

//===----------------------------------------------------------------------===//
// Element types
//===----------------------------------------------------------------------===//

std::string dtypeName(int32_t dtype) {
  switch (dtype) {
  case dt::Float: return "float";
  case dt::UInt8: return "uint8";
  case dt::Int8: return "int8";
  case dt::UInt16: return "uint16";
  case dt::Int16: return "int16";
  case dt::Int32: return "int32";
  case dt::Int64: return "int64";
  case dt::String: return "string";
  case dt::Bool: return "bool";
  case dt::Float16: return "float16";
  case dt::Double: return "double";
  case dt::UInt32: return "uint32";
  case dt::UInt64: return "uint64";
  case dt::Complex64: return "complex64";
  case dt::Complex128: return "complex128";
  case dt::BFloat16: return "bfloat16";
  default: return "element type " + std::to_string(dtype);
  }
}

bool isFloatDType(int32_t dtype) {
  return dtype == dt::Float || dtype == dt::Double || dtype == dt::Float16 ||
         dtype == dt::BFloat16;
}

int dtypeSize(int32_t dtype) {
  switch (dtype) {
  case dt::Bool: case dt::Int8: case dt::UInt8: return 1;
  case dt::Int16: case dt::UInt16: case dt::Float16: case dt::BFloat16: return 2;
  case dt::Int32: case dt::UInt32: case dt::Float: return 4;
  case dt::Int64: case dt::UInt64: case dt::Double: return 8;
  default: return 0;
  }
}

Type dtypeToType(MLIRContext *ctx, int32_t dtype) {
  switch (dtype) {
  case dt::Float: return Float32Type::get(ctx);
  case dt::Double: return Float64Type::get(ctx);
  case dt::Float16: return Float16Type::get(ctx);
  case dt::BFloat16: return BFloat16Type::get(ctx);
  case dt::Bool: return IntegerType::get(ctx, 1);
  case dt::Int8: case dt::UInt8: return IntegerType::get(ctx, 8);
  case dt::Int16: case dt::UInt16: return IntegerType::get(ctx, 16);
  case dt::Int32: case dt::UInt32: return IntegerType::get(ctx, 32);
  case dt::Int64: case dt::UInt64: return IntegerType::get(ctx, 64);
  default: return {};
  }
}

int32_t typeToDType(Type type) {
  if (type.isF32()) return dt::Float;
  if (type.isF64()) return dt::Double;
  if (type.isF16()) return dt::Float16;
  if (type.isBF16()) return dt::BFloat16;
  if (type.isInteger(1)) return dt::Bool;
  if (type.isInteger(8)) return dt::Int8;
  if (type.isInteger(16)) return dt::Int16;
  if (type.isInteger(32)) return dt::Int32;
  if (type.isInteger(64)) return dt::Int64;
  return dt::Undefined;
}

int64_t wrapInt(int32_t dtype, int64_t v) {
  switch (dtype) {
  case dt::Bool: return v != 0;
  case dt::Int8: return static_cast<int8_t>(v);
  case dt::UInt8: return static_cast<uint8_t>(v);
  case dt::Int16: return static_cast<int16_t>(v);
  case dt::UInt16: return static_cast<uint16_t>(v);
  case dt::Int32: return static_cast<int32_t>(v);
  case dt::UInt32: return static_cast<uint32_t>(v);
  default: return v;
  }
}

static const llvm::fltSemantics &semantics(int32_t dtype) {
  switch (dtype) {
  case dt::Float16: return llvm::APFloat::IEEEhalf();
  case dt::BFloat16: return llvm::APFloat::BFloat();
  case dt::Float: return llvm::APFloat::IEEEsingle();
  default: return llvm::APFloat::IEEEdouble();
  }
}

static llvm::APFloat toAPFloat(int32_t dtype, double v) {
  llvm::APFloat f(v);
  bool lost;
  f.convert(semantics(dtype), llvm::APFloat::rmNearestTiesToEven, &lost);
  return f;
}

double roundFloat(int32_t dtype, double v) {
  if (dtype == dt::Double)
    return v;
  if (dtype == dt::Float)
    return static_cast<float>(v);
  llvm::APFloat f = toAPFloat(dtype, v);
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

/// f16/bf16 bits -> double.
static double halfBitsToDouble(int32_t dtype, uint16_t bits) {
  llvm::APFloat f(semantics(dtype), llvm::APInt(16, bits));
  bool lost;
  f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
            &lost);
  return f.convertToDouble();
}

int64_t checkedNumElements(llvm::ArrayRef<int64_t> shape) {
  int64_t n = 1;
  for (int64_t d : shape) {
    if (d < 0)
      return -1;
    if (d != 0 && n > std::numeric_limits<int64_t>::max() / 4 / d)
      return -1;
    n *= d;
  }
  return n;
}

//===----------------------------------------------------------------------===//
// ConstTensor
//===----------------------------------------------------------------------===//

ConstTensor ConstTensor::ofInts(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                                std::vector<int64_t> values) {
  ConstTensor t;
  t.dtype_ = dtype;
  t.shape_.assign(shape.begin(), shape.end());
  t.numElements_ = checkedNumElements(shape);
  for (int64_t &v : values)
    v = wrapInt(dtype, v);
  t.ints_ = std::move(values);
  return t;
}

ConstTensor ConstTensor::ofFloats(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                                  std::vector<double> values) {
  ConstTensor t;
  t.dtype_ = dtype;
  t.shape_.assign(shape.begin(), shape.end());
  t.numElements_ = checkedNumElements(shape);
  for (double &v : values)
    v = roundFloat(dtype, v);
  t.floats_ = std::move(values);
  return t;
}

ConstTensor ConstTensor::splat(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                               double value) {
  ConstTensor t = isFloatDType(dtype)
                      ? ofFloats(dtype, shape, {value})
                      : ofInts(dtype, shape, {static_cast<int64_t>(value)});
  t.splat_ = true;
  return t;
}

ConstTensor ConstTensor::splatInt(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                                  int64_t value) {
  ConstTensor t = isFloatDType(dtype)
                      ? ofFloats(dtype, shape, {static_cast<double>(value)})
                      : ofInts(dtype, shape, {value});
  t.splat_ = true;
  return t;
}

ConstTensor ConstTensor::ofRaw(int32_t dtype, llvm::ArrayRef<int64_t> shape,
                               llvm::ArrayRef<char> bytes,
                               std::shared_ptr<const void> owner,
                               bool mappedFile) {
  ConstTensor t;
  t.dtype_ = dtype;
  t.shape_.assign(shape.begin(), shape.end());
  t.numElements_ = checkedNumElements(shape);
  t.raw_ = bytes;
  t.owner_ = std::move(owner);
  t.mapped_ = mappedFile;
  return t;
}

template <typename T>
static T loadLE(const char *p) {
  T v;
  std::memcpy(&v, p, sizeof(T));
  return v;
}

int64_t ConstTensor::intAt(int64_t i) const {
  if (!ints_.empty())
    return ints_[storageIndex(i)];
  if (!floats_.empty()) {
    double f = floats_[storageIndex(i)];
    if (!(f > -9.2e18 && f < 9.2e18))
      return 0;
    return static_cast<int64_t>(f);
  }
  if (isFloat())
    return static_cast<int64_t>(floatAt(i));
  const char *p = raw_.data() + i * dtypeSize(dtype_);
  switch (dtype_) {
  case dt::Bool: return loadLE<uint8_t>(p) != 0;
  case dt::Int8: return loadLE<int8_t>(p);
  case dt::UInt8: return loadLE<uint8_t>(p);
  case dt::Int16: return loadLE<int16_t>(p);
  case dt::UInt16: return loadLE<uint16_t>(p);
  case dt::Int32: return loadLE<int32_t>(p);
  case dt::UInt32: return loadLE<uint32_t>(p);
  default: return loadLE<int64_t>(p);
  }
}

double ConstTensor::floatAt(int64_t i) const {
  if (!floats_.empty())
    return floats_[storageIndex(i)];
  if (!ints_.empty())
    return static_cast<double>(ints_[storageIndex(i)]);
  if (!isFloat())
    return static_cast<double>(intAt(i));
  const char *p = raw_.data() + i * dtypeSize(dtype_);
  switch (dtype_) {
  case dt::Float: return loadLE<float>(p);
  case dt::Double: return loadLE<double>(p);
  default: return halfBitsToDouble(dtype_, loadLE<uint16_t>(p));
  }
}

std::vector<int64_t> ConstTensor::ints() const {
  std::vector<int64_t> out(numElements_);
  for (int64_t i = 0; i < numElements_; ++i)
    out[i] = intAt(i);
  return out;
}

std::vector<double> ConstTensor::floats() const {
  std::vector<double> out(numElements_);
  for (int64_t i = 0; i < numElements_; ++i)
    out[i] = floatAt(i);
  return out;
}

ConstTensor ConstTensor::withUnknown(std::vector<uint8_t> mask) const {
  ConstTensor t = *this;
  t.unknown_.clear();
  for (uint8_t m : mask)
    if (m) {
      t.unknown_ = std::move(mask);
      break;
    }
  return t;
}

ConstTensor ConstTensor::reshaped(llvm::ArrayRef<int64_t> shape) const {
  ConstTensor t = *this;
  t.shape_.assign(shape.begin(), shape.end());
  return t;
}

RankedTensorType ConstTensor::type(MLIRContext *ctx) const {
  return RankedTensorType::get(shape_, dtypeToType(ctx, dtype_));
}

/// Resource keys print as bare identifiers: keep [A-Za-z0-9_].
static std::string blobKey(llvm::StringRef name) {
  std::string key;
  for (char c : name)
    key += (std::isalnum(static_cast<unsigned char>(c)) || c == '_') ? c : '_';
  if (key.empty() || std::isdigit(static_cast<unsigned char>(key[0])))
    key = "w_" + key;
  return key;
}

ElementsAttr ConstTensor::toAttr(MLIRContext *ctx,
                                 llvm::StringRef blobName) const {
  RankedTensorType t = type(ctx);
  Type elt = t.getElementType();
  auto scalarAttr = [&](int64_t i) -> Attribute {
    if (auto ft = dyn_cast<FloatType>(elt))
      return FloatAttr::get(ft, toAPFloat(dtype_, floatAt(i)));
    return IntegerAttr::get(elt, llvm::APInt(elt.getIntOrFloatBitWidth(),
                                             static_cast<uint64_t>(intAt(i)),
                                             /*isSigned=*/true,
                                             /*implicitTrunc=*/true));
  };
  if (numElements_ == 0)
    return DenseElementsAttr::get(t, llvm::ArrayRef<Attribute>());
  if (splat_ || numElements_ == 1)
    return DenseElementsAttr::get(t, scalarAttr(0));
  if (elt.isInteger(1)) {
    llvm::SmallVector<bool> bits(numElements_);
    for (int64_t i = 0; i < numElements_; ++i)
      bits[i] = intAt(i) != 0;
    return DenseElementsAttr::get(t, llvm::ArrayRef<bool>(bits));
  }
  int size = dtypeSize(dtype_);
  if (numElements_ <= kDenseLimit) {
    if (!raw_.empty())
      return DenseElementsAttr::getFromRawBuffer(t, raw_);
    llvm::SmallVector<Attribute> values;
    for (int64_t i = 0; i < numElements_; ++i)
      values.push_back(scalarAttr(i));
    return DenseElementsAttr::get(t, values);
  }

  size_t bytes = static_cast<size_t>(numElements_) * size;
  AsmResourceBlob blob;
  if (!raw_.empty() && mapped_ &&
      reinterpret_cast<uintptr_t>(raw_.data()) % size == 0) {
    // Memory-mapped external data: the blob keeps the mapping alive instead
    // of copying it.
    std::shared_ptr<const void> owner = owner_;
    blob = AsmResourceBlob(
        raw_, size, [owner](void *, size_t, size_t) mutable { owner.reset(); },
        /*dataIsMutable=*/false);
  } else if (!raw_.empty()) {
    blob = HeapAsmResourceBlob::allocateAndCopyWithAlign(raw_, size);
  } else {
    blob = HeapAsmResourceBlob::allocate(bytes, size);
    char *out = blob.getMutableData().data();
    for (int64_t i = 0; i < numElements_; ++i) {
      llvm::APInt bits =
          isFloat() ? toAPFloat(dtype_, floatAt(i)).bitcastToAPInt()
                    : llvm::APInt(size * 8, static_cast<uint64_t>(intAt(i)),
                                  /*isSigned=*/true, /*implicitTrunc=*/true);
      uint64_t word = bits.getZExtValue();
      std::memcpy(out + i * size, &word, size); // little-endian host
    }
  }
  return DenseResourceElementsAttr::get(t, blobKey(blobName), std::move(blob));
}

//===----------------------------------------------------------------------===//
// TensorProto
//===----------------------------------------------------------------------===//

namespace {

/// Reads `length` bytes at `offset` of an external-data file, mapped.
bool mapExternal(const onnx::TensorProto &proto, llvm::StringRef modelDir,
                 int64_t expectedBytes, llvm::ArrayRef<char> &bytes,
                 std::shared_ptr<const void> &owner, std::string &error) {
  std::string location;
  int64_t offset = 0, length = -1;
  for (const auto &entry : proto.external_data()) {
    const std::string &key = entry.key(), &value = entry.value();
    auto parseNumber = [&](int64_t &out) {
      llvm::StringRef s(value);
      unsigned long long v;
      if (s.getAsInteger(10, v) || v > (1ull << 62)) {
        error = "external data " + key + " '" + value + "' is not a number";
        return false;
      }
      out = static_cast<int64_t>(v);
      return true;
    };
    if (key == "location") {
      location = value;
    } else if (key == "offset") {
      if (!parseNumber(offset))
        return false;
    } else if (key == "length") {
      if (!parseNumber(length))
        return false;
    }
  }
  if (location.empty()) {
    error = "external data has no location";
    return false;
  }
  std::string path;
  if (std::string why = resolveContainedFile(modelDir.str(), location,
                                             "the model's directory", path);
      !why.empty()) {
    error = "external data location '" + location + "' " + why;
    return false;
  }
  uint64_t fileSize;
  if (std::error_code ec = llvm::sys::fs::file_size(path, fileSize)) {
    error = "cannot read external data file '" + std::string(path) +
            "': " + ec.message();
    return false;
  }
  if (length < 0)
    length = static_cast<int64_t>(fileSize) - offset;
  if (length != expectedBytes) {
    error = "external data holds " + std::to_string(length) +
            " bytes but the dims need " + std::to_string(expectedBytes);
    return false;
  }
  if (static_cast<uint64_t>(offset) > fileSize ||
      static_cast<uint64_t>(length) > fileSize - offset) {
    error = "external data file '" + std::string(path) + "' is too short (" +
            std::to_string(fileSize) + " bytes, need " +
            std::to_string(offset + length) + ")";
    return false;
  }
  if (length == 0) {
    bytes = {};
    return true;
  }
  auto buffer = llvm::MemoryBuffer::getFileSlice(path, length, offset);
  if (!buffer) {
    error = "cannot map external data file '" + std::string(path) +
            "': " + buffer.getError().message();
    return false;
  }
  std::shared_ptr<llvm::MemoryBuffer> shared(std::move(*buffer));
  bytes = llvm::ArrayRef<char>(shared->getBufferStart(), shared->getBufferSize());
  owner = shared;
  return true;
}

template <typename Field>
bool checkCount(const Field &field, int64_t n, const char *name,
                std::string &error) {
  if (static_cast<int64_t>(field.size()) != n) {
    error = std::string(name) + " holds " + std::to_string(field.size()) +
            " values but the dims need " + std::to_string(n);
    return false;
  }
  return true;
}

} // namespace

bool readTensorProto(const onnx::TensorProto &proto, llvm::StringRef modelDir,
                     ConstTensor &out, std::string &error) {
  int32_t dtype = proto.data_type();
  if (dtype == dt::Undefined) {
    error = "tensor has no data_type";
    return false;
  }
  int size = dtypeSize(dtype);
  if (size == 0) {
    error = "tensors of " + dtypeName(dtype) + " are not supported";
    return false;
  }
  if (proto.has_segment()) {
    error = "segmented tensors are not supported";
    return false;
  }
  llvm::SmallVector<int64_t> shape(proto.dims().begin(), proto.dims().end());
  for (int64_t d : shape) {
    if (d < 0) {
      error = "tensor has a negative dimension " + std::to_string(d);
      return false;
    }
    if (d > kMaxDim) {
      error = "tensor dimension " + std::to_string(d) + " is too large";
      return false;
    }
  }
  int64_t n = checkedNumElements(shape);
  if (n < 0 || n > (int64_t(1) << 40)) {
    error = "tensor has too many elements";
    return false;
  }
  int64_t bytes = n * size;

  if (proto.data_location() == onnx::TensorProto::EXTERNAL) {
    llvm::ArrayRef<char> data;
    std::shared_ptr<const void> owner;
    if (!mapExternal(proto, modelDir, bytes, data, owner, error))
      return false;
    out = ConstTensor::ofRaw(dtype, shape, data, std::move(owner),
                             /*mappedFile=*/true);
    return true;
  }
  if (proto.has_raw_data()) {
    const std::string &raw = proto.raw_data();
    if (static_cast<int64_t>(raw.size()) != bytes) {
      error = "raw_data holds " + std::to_string(raw.size()) +
              " bytes but the dims need " + std::to_string(bytes);
      return false;
    }
    // The ModelProto outlives every ConstTensor of the import.
    out = ConstTensor::ofRaw(dtype, shape,
                             llvm::ArrayRef<char>(raw.data(), raw.size()),
                             nullptr, /*mappedFile=*/false);
    return true;
  }

  switch (dtype) {
  case dt::Float: {
    if (!checkCount(proto.float_data(), n, "float_data", error))
      return false;
    out = ConstTensor::ofFloats(dtype, shape, std::vector<double>(
        proto.float_data().begin(), proto.float_data().end()));
    return true;
  }
  case dt::Double: {
    if (!checkCount(proto.double_data(), n, "double_data", error))
      return false;
    out = ConstTensor::ofFloats(dtype, shape, std::vector<double>(
        proto.double_data().begin(), proto.double_data().end()));
    return true;
  }
  case dt::Int64: {
    if (!checkCount(proto.int64_data(), n, "int64_data", error))
      return false;
    out = ConstTensor::ofInts(dtype, shape, std::vector<int64_t>(
        proto.int64_data().begin(), proto.int64_data().end()));
    return true;
  }
  case dt::UInt32:
  case dt::UInt64: {
    if (!checkCount(proto.uint64_data(), n, "uint64_data", error))
      return false;
    out = ConstTensor::ofInts(dtype, shape, std::vector<int64_t>(
        proto.uint64_data().begin(), proto.uint64_data().end()));
    return true;
  }
  case dt::Float16:
  case dt::BFloat16: {
    if (!checkCount(proto.int32_data(), n, "int32_data", error))
      return false;
    std::vector<double> values;
    values.reserve(n);
    for (int32_t bits : proto.int32_data())
      values.push_back(halfBitsToDouble(dtype, static_cast<uint16_t>(bits)));
    out = ConstTensor::ofFloats(dtype, shape, std::move(values));
    return true;
  }
  default: {
    // bool, int8/16/32, uint8/16 live in int32_data.
    if (!checkCount(proto.int32_data(), n, "int32_data", error))
      return false;
    out = ConstTensor::ofInts(dtype, shape, std::vector<int64_t>(
        proto.int32_data().begin(), proto.int32_data().end()));
    return true;
  }
  }
}

} // namespace xfc::onnx_import
