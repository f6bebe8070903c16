//===- Fold.cpp - evaluating ONNX ops on compile-time tensors ------------===//

#include "Fold.h"

#include "dialects/Xf/IR/XfShapes.h"

#include <cmath>
#include <limits>

using namespace mlir;
using xfc::xf::BinaryKind;
using xfc::xf::ReduceKind;
using xfc::xf::UnaryKind;

namespace xfc::onnx_import {

namespace {

bool isUnsigned(int32_t dtype) {
  return dtype == dt::UInt8 || dtype == dt::UInt16 || dtype == dt::UInt32 ||
         dtype == dt::UInt64;
}

/// Strides of a row-major shape.
llvm::SmallVector<int64_t> stridesOf(llvm::ArrayRef<int64_t> shape) {
  llvm::SmallVector<int64_t> strides(shape.size(), 1);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d)
    strides[d] = strides[d + 1] * shape[d + 1];
  return strides;
}

/// Builds a tensor of `dtype` from a per-element generator that produces
/// either ints or floats depending on the dtype.
template <typename IntFn, typename FloatFn>
ConstTensor generate(int32_t dtype, llvm::ArrayRef<int64_t> shape, int64_t n,
                     IntFn intAt, FloatFn floatAt) {
  if (isFloatDType(dtype)) {
    std::vector<double> v(n);
    for (int64_t i = 0; i < n; ++i)
      v[i] = floatAt(i);
    return ConstTensor::ofFloats(dtype, shape, std::move(v));
  }
  std::vector<int64_t> v(n);
  for (int64_t i = 0; i < n; ++i)
    v[i] = intAt(i);
  return ConstTensor::ofInts(dtype, shape, std::move(v));
}

/// Same elements picked by an index map (gather-like ops).
ConstTensor pick(const ConstTensor &a, llvm::ArrayRef<int64_t> shape,
                 const std::vector<int64_t> &index) {
  int64_t n = index.size();
  if (a.isSplat()) {
    ConstTensor t =
        a.isFloat() ? ConstTensor::splat(a.dtype(), shape, a.floatAt(0))
                    : ConstTensor::splatInt(a.dtype(), shape, a.intAt(0));
    return a.fullyKnown() ? t : t.withUnknown({1});
  }
  ConstTensor t = generate(
      a.dtype(), shape, n, [&](int64_t i) { return a.intAt(index[i]); },
      [&](int64_t i) { return a.floatAt(index[i]); });
  if (a.fullyKnown())
    return t;
  std::vector<uint8_t> mask(n);
  for (int64_t i = 0; i < n; ++i)
    mask[i] = !a.known(index[i]);
  return t.withUnknown(std::move(mask));
}

std::optional<int64_t> intBinary(BinaryKind kind, int32_t dtype, int64_t x,
                                 int64_t y) {
  uint64_t ux = static_cast<uint64_t>(x), uy = static_cast<uint64_t>(y);
  switch (kind) {
  case BinaryKind::add: return static_cast<int64_t>(ux + uy);
  case BinaryKind::sub: return static_cast<int64_t>(ux - uy);
  case BinaryKind::mul: return static_cast<int64_t>(ux * uy);
  case BinaryKind::div:
    if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1))
      return std::nullopt;
    if (dtype == dt::UInt64)
      return static_cast<int64_t>(ux / uy);
    return x / y;
  case BinaryKind::mod:
  case BinaryKind::fmod: {
    if (y == 0 || (x == std::numeric_limits<int64_t>::min() && y == -1))
      return std::nullopt;
    if (dtype == dt::UInt64)
      return static_cast<int64_t>(ux % uy);
    int64_t r = x % y;
    if (kind == BinaryKind::mod && r != 0 && ((r < 0) != (y < 0)))
      r += y;
    return r;
  }
  case BinaryKind::pow: {
    if (y < 0)
      return std::nullopt;
    uint64_t result = 1, base = ux;
    for (int64_t e = y; e > 0; e >>= 1) {
      if (e & 1)
        result *= base;
      base *= base;
    }
    return static_cast<int64_t>(result);
  }
  case BinaryKind::max:
    return isUnsigned(dtype) ? static_cast<int64_t>(std::max(ux, uy))
                             : std::max(x, y);
  case BinaryKind::min:
    return isUnsigned(dtype) ? static_cast<int64_t>(std::min(ux, uy))
                             : std::min(x, y);
  case BinaryKind::and_: return (x != 0) && (y != 0);
  case BinaryKind::or_: return (x != 0) || (y != 0);
  case BinaryKind::xor_: return (x != 0) != (y != 0);
  case BinaryKind::eq: return x == y;
  case BinaryKind::lt: return isUnsigned(dtype) ? ux < uy : x < y;
  case BinaryKind::le: return isUnsigned(dtype) ? ux <= uy : x <= y;
  case BinaryKind::gt: return isUnsigned(dtype) ? ux > uy : x > y;
  case BinaryKind::ge: return isUnsigned(dtype) ? ux >= uy : x >= y;
  case BinaryKind::bitand_: return x & y;
  case BinaryKind::bitor_: return x | y;
  case BinaryKind::bitxor_: return x ^ y;
  case BinaryKind::shl:
    return uy >= 64 ? 0 : static_cast<int64_t>(ux << uy);
  case BinaryKind::shr:
    if (uy >= 64)
      return 0;
    return isUnsigned(dtype) ? static_cast<int64_t>(ux >> uy) : (x >> uy);
  }
  return std::nullopt;
}

std::optional<double> floatBinary(BinaryKind kind, double x, double y) {
  switch (kind) {
  case BinaryKind::add: return x + y;
  case BinaryKind::sub: return x - y;
  case BinaryKind::mul: return x * y;
  case BinaryKind::div: return x / y;
  case BinaryKind::fmod: return std::fmod(x, y);
  case BinaryKind::pow: return std::pow(x, y);
  case BinaryKind::max: return (std::isnan(x) || std::isnan(y)) ? NAN : std::max(x, y);
  case BinaryKind::min: return (std::isnan(x) || std::isnan(y)) ? NAN : std::min(x, y);
  case BinaryKind::eq: return x == y;
  case BinaryKind::lt: return x < y;
  case BinaryKind::le: return x <= y;
  case BinaryKind::gt: return x > y;
  case BinaryKind::ge: return x >= y;
  default: return std::nullopt;
  }
}

bool isComparison(BinaryKind kind) {
  return kind == BinaryKind::eq || kind == BinaryKind::lt ||
         kind == BinaryKind::le || kind == BinaryKind::gt ||
         kind == BinaryKind::ge;
}

} // namespace

std::vector<int64_t> stridedIndexMap(llvm::ArrayRef<int64_t> shape,
                                     llvm::ArrayRef<int64_t> strides,
                                     int64_t base) {
  int64_t n = checkedNumElements(shape);
  std::vector<int64_t> map(std::max<int64_t>(n, 0));
  int64_t rank = shape.size();
  llvm::SmallVector<int64_t> coord(rank, 0);
  int64_t offset = base;
  for (int64_t i = 0; i < n; ++i) {
    map[i] = offset;
    for (int64_t d = rank - 1; d >= 0; --d) {
      offset += strides[d];
      if (++coord[d] < shape[d])
        break;
      offset -= strides[d] * coord[d];
      coord[d] = 0;
    }
  }
  return map;
}

std::vector<int64_t> broadcastIndexMap(llvm::ArrayRef<int64_t> inShape,
                                       llvm::ArrayRef<int64_t> outShape) {
  size_t rank = outShape.size(), lead = rank - inShape.size();
  llvm::SmallVector<int64_t> inStrides = stridesOf(inShape);
  // Stride of every output dimension in the input (0 where broadcast).
  llvm::SmallVector<int64_t> strides(rank, 0);
  for (size_t d = lead; d < rank; ++d)
    strides[d] = inShape[d - lead] == 1 ? 0 : inStrides[d - lead];
  return stridedIndexMap(outShape, strides, 0);
}

std::optional<ConstTensor> foldBinary(BinaryKind kind, const ConstTensor &a,
                                      const ConstTensor &b) {
  if (a.dtype() != b.dtype())
    return std::nullopt;
  auto shape = xf::broadcastShapes(a.shape(), b.shape());
  if (!shape)
    return std::nullopt;
  int64_t n = checkedNumElements(*shape);
  bool splat = a.isSplat() && b.isSplat();
  if (n < 0 || (!splat && n > kFoldLimit))
    return std::nullopt;
  std::vector<int64_t> ia, ib;
  if (!splat) {
    ia = broadcastIndexMap(a.shape(), *shape);
    ib = broadcastIndexMap(b.shape(), *shape);
  }
  int64_t count = splat ? std::min<int64_t>(n, 1) : n;
  int32_t outType = isComparison(kind) ? dt::Bool : a.dtype();
  bool isFloat = a.isFloat();
  std::vector<int64_t> ints(isFloat && outType != dt::Bool ? 0 : count);
  std::vector<double> floats(isFloat && outType != dt::Bool ? count : 0);
  std::vector<uint8_t> mask;
  if (!a.fullyKnown() || !b.fullyKnown())
    mask.assign(count, 0);
  for (int64_t i = 0; i < count; ++i) {
    int64_t xa = splat ? 0 : ia[i], xb = splat ? 0 : ib[i];
    if (!a.known(xa) || !b.known(xb)) {
      mask[i] = 1; // Unknown in, unknown out; the value stays 0.
      continue;
    }
    if (isFloat) {
      auto r = floatBinary(kind, a.floatAt(xa), b.floatAt(xb));
      if (!r)
        return std::nullopt;
      if (outType == dt::Bool)
        ints[i] = *r != 0;
      else
        floats[i] = *r;
    } else {
      auto r = intBinary(kind, a.dtype(), a.intAt(xa), b.intAt(xb));
      if (!r)
        return std::nullopt;
      ints[i] = *r;
    }
  }
  ConstTensor out =
      splat ? (isFloat && outType != dt::Bool
                   ? ConstTensor::splat(outType, *shape,
                                        floats.empty() ? 0 : floats[0])
                   : ConstTensor::splatInt(outType, *shape,
                                           ints.empty() ? 0 : ints[0]))
      : isFloat && outType != dt::Bool
          ? ConstTensor::ofFloats(outType, *shape, std::move(floats))
          : ConstTensor::ofInts(outType, *shape, std::move(ints));
  return mask.empty() ? out : out.withUnknown(std::move(mask));
}

std::optional<ConstTensor> foldUnary(UnaryKind kind, const ConstTensor &a) {
  if (!a.fullyKnown()) {
    // Keep the mask; unknown elements compute on placeholder values.
    std::vector<uint8_t> mask(a.isSplat() ? 1 : a.numElements());
    for (size_t i = 0; i < mask.size(); ++i)
      mask[i] = !a.known(i);
    auto known = foldUnary(kind, a.withUnknown({}));
    if (!known)
      return std::nullopt;
    return known->withUnknown(std::move(mask));
  }
  int64_t n = a.numElements();
  if (!a.isSplat() && n > kFoldLimit)
    return std::nullopt;
  int64_t count = a.isSplat() ? std::min<int64_t>(n, 1) : n;
  if (!a.isFloat()) {
    std::vector<int64_t> v(count);
    for (int64_t i = 0; i < count; ++i) {
      int64_t x = a.intAt(i);
      switch (kind) {
      case UnaryKind::neg: v[i] = static_cast<int64_t>(0 - static_cast<uint64_t>(x)); break;
      case UnaryKind::abs: v[i] = x < 0 ? static_cast<int64_t>(0 - static_cast<uint64_t>(x)) : x; break;
      case UnaryKind::sign: v[i] = (x > 0) - (x < 0); break;
      case UnaryKind::relu: v[i] = std::max<int64_t>(x, 0); break;
      case UnaryKind::not_: v[i] = x == 0; break;
      default: return std::nullopt;
      }
    }
    if (a.isSplat())
      return ConstTensor::splatInt(a.dtype(), a.shape(), v.empty() ? 0 : v[0]);
    return ConstTensor::ofInts(a.dtype(), a.shape(), std::move(v));
  }
  std::vector<double> v(count);
  for (int64_t i = 0; i < count; ++i) {
    double x = a.floatAt(i);
    switch (kind) {
    case UnaryKind::neg: v[i] = -x; break;
    case UnaryKind::abs: v[i] = std::fabs(x); break;
    case UnaryKind::exp: v[i] = std::exp(x); break;
    case UnaryKind::log: v[i] = std::log(x); break;
    case UnaryKind::sqrt: v[i] = std::sqrt(x); break;
    case UnaryKind::rsqrt: v[i] = 1.0 / std::sqrt(x); break;
    case UnaryKind::reciprocal: v[i] = 1.0 / x; break;
    case UnaryKind::ceil: v[i] = std::ceil(x); break;
    case UnaryKind::floor: v[i] = std::floor(x); break;
    case UnaryKind::round: v[i] = std::nearbyint(x); break;
    case UnaryKind::sign: v[i] = std::isnan(x) ? x : (x > 0) - (x < 0); break;
    case UnaryKind::relu: v[i] = x > 0 ? x : 0.0; break;
    case UnaryKind::tanh: v[i] = std::tanh(x); break;
    case UnaryKind::sigmoid: v[i] = 1.0 / (1.0 + std::exp(-x)); break;
    case UnaryKind::erf: v[i] = std::erf(x); break;
    case UnaryKind::sin: v[i] = std::sin(x); break;
    case UnaryKind::cos: v[i] = std::cos(x); break;
    default: return std::nullopt;
    }
  }
  if (a.isSplat())
    return ConstTensor::splat(a.dtype(), a.shape(), v.empty() ? 0 : v[0]);
  return ConstTensor::ofFloats(a.dtype(), a.shape(), std::move(v));
}

ConstTensor foldCast(const ConstTensor &a, int32_t to) {
  if (!a.fullyKnown()) {
    std::vector<uint8_t> mask(a.isSplat() ? 1 : a.numElements());
    for (size_t i = 0; i < mask.size(); ++i)
      mask[i] = !a.known(i);
    return foldCast(a.withUnknown({}), to).withUnknown(std::move(mask));
  }
  int64_t count = a.isSplat() ? std::min<int64_t>(a.numElements(), 1)
                              : a.numElements();
  auto toInt = [&](int64_t i) -> int64_t {
    if (!a.isFloat())
      return a.intAt(i);
    double x = a.floatAt(i);
    if (to == dt::Bool)
      return x != 0;
    if (std::isnan(x))
      return 0;
    if (x >= 9.2233720368547758e18)
      return std::numeric_limits<int64_t>::max();
    if (x <= -9.2233720368547758e18)
      return std::numeric_limits<int64_t>::min();
    return static_cast<int64_t>(x); // truncates toward zero
  };
  auto toFloat = [&](int64_t i) -> double {
    if (a.isFloat())
      return a.floatAt(i);
    int64_t x = a.intAt(i);
    return a.dtype() == dt::UInt64 ? static_cast<double>(static_cast<uint64_t>(x))
                                   : static_cast<double>(x);
  };
  ConstTensor out = generate(to, a.shape(), count, [&](int64_t i) {
    int64_t v = toInt(i);
    return to == dt::Bool ? int64_t(v != 0) : v;
  }, toFloat);
  if (a.isSplat())
    return isFloatDType(to) ? ConstTensor::splat(to, a.shape(), out.floatAt(0))
                            : ConstTensor::splatInt(to, a.shape(), out.intAt(0));
  return out;
}

std::optional<ConstTensor> foldSelect(const ConstTensor &cond,
                                      const ConstTensor &a,
                                      const ConstTensor &b) {
  if (a.dtype() != b.dtype())
    return std::nullopt;
  auto ab = xf::broadcastShapes(a.shape(), b.shape());
  auto shape = ab ? xf::broadcastShapes(cond.shape(), *ab) : std::nullopt;
  if (!shape)
    return std::nullopt;
  int64_t n = checkedNumElements(*shape);
  if (n < 0 || n > kFoldLimit)
    return std::nullopt;
  auto ic = broadcastIndexMap(cond.shape(), *shape);
  auto ia = broadcastIndexMap(a.shape(), *shape);
  auto ib = broadcastIndexMap(b.shape(), *shape);
  ConstTensor out = generate(
      a.dtype(), *shape, n,
      [&](int64_t i) { return cond.intAt(ic[i]) ? a.intAt(ia[i]) : b.intAt(ib[i]); },
      [&](int64_t i) {
        return cond.intAt(ic[i]) ? a.floatAt(ia[i]) : b.floatAt(ib[i]);
      });
  if (cond.fullyKnown() && a.fullyKnown() && b.fullyKnown())
    return out;
  std::vector<uint8_t> mask(n);
  for (int64_t i = 0; i < n; ++i)
    mask[i] = !cond.known(ic[i]) ||
              (cond.intAt(ic[i]) ? !a.known(ia[i]) : !b.known(ib[i]));
  return out.withUnknown(std::move(mask));
}

ConstTensor foldBroadcast(const ConstTensor &a, llvm::ArrayRef<int64_t> shape) {
  if (a.isSplat())
    return pick(a, shape, {});
  return pick(a, shape, broadcastIndexMap(a.shape(), shape));
}

ConstTensor foldTranspose(const ConstTensor &a, llvm::ArrayRef<int64_t> perm) {
  llvm::SmallVector<int64_t> inStrides = stridesOf(a.shape());
  llvm::SmallVector<int64_t> shape, strides;
  for (int64_t p : perm) {
    shape.push_back(a.shape()[p]);
    strides.push_back(inStrides[p]);
  }
  if (a.isSplat())
    return pick(a, shape, {});
  return pick(a, shape, stridedIndexMap(shape, strides, 0));
}

ConstTensor foldSlice(const ConstTensor &a, llvm::ArrayRef<int64_t> starts,
                      llvm::ArrayRef<int64_t> steps,
                      llvm::ArrayRef<int64_t> sizes) {
  if (a.isSplat())
    return pick(a, sizes, {});
  llvm::SmallVector<int64_t> inStrides = stridesOf(a.shape());
  llvm::SmallVector<int64_t> strides;
  int64_t base = 0;
  for (size_t d = 0; d < sizes.size(); ++d) {
    base += starts[d] * inStrides[d];
    strides.push_back(steps[d] * inStrides[d]);
  }
  return pick(a, sizes, stridedIndexMap(sizes, strides, base));
}

ConstTensor foldConcat(llvm::ArrayRef<const ConstTensor *> inputs,
                       int64_t axis) {
  llvm::SmallVector<int64_t> shape(inputs[0]->shape());
  shape[axis] = 0;
  for (const ConstTensor *t : inputs)
    shape[axis] += t->shape()[axis];
  int64_t outer = 1;
  for (int64_t d = 0; d < axis; ++d)
    outer *= shape[d];
  int64_t n = checkedNumElements(shape);
  // Element i of the result: which input and which of its elements.
  std::vector<std::pair<int, int64_t>> source;
  source.reserve(n);
  for (int64_t o = 0; o < outer; ++o)
    for (size_t k = 0; k < inputs.size(); ++k) {
      int64_t inner = 1;
      for (size_t d = axis; d < shape.size(); ++d)
        inner *= inputs[k]->shape()[d];
      for (int64_t j = 0; j < inner; ++j)
        source.push_back({static_cast<int>(k), o * inner + j});
    }
  int32_t dtype = inputs[0]->dtype();
  ConstTensor out = generate(
      dtype, shape, n,
      [&](int64_t i) { return inputs[source[i].first]->intAt(source[i].second); },
      [&](int64_t i) {
        return inputs[source[i].first]->floatAt(source[i].second);
      });
  if (llvm::all_of(inputs, [](const ConstTensor *t) { return t->fullyKnown(); }))
    return out;
  std::vector<uint8_t> mask(n);
  for (int64_t i = 0; i < n; ++i)
    mask[i] = !inputs[source[i].first]->known(source[i].second);
  return out.withUnknown(std::move(mask));
}

std::optional<ConstTensor> foldGather(const ConstTensor &data,
                                      const ConstTensor &indices,
                                      int64_t axis) {
  if (!indices.fullyKnown())
    return std::nullopt;
  llvm::ArrayRef<int64_t> ds = data.shape();
  llvm::SmallVector<int64_t> shape(ds.take_front(axis));
  llvm::append_range(shape, indices.shape());
  llvm::append_range(shape, ds.drop_front(axis + 1));
  int64_t n = checkedNumElements(shape);
  if (n < 0 || n > kFoldLimit)
    return std::nullopt;
  int64_t outer = 1, inner = 1, dim = ds[axis];
  for (int64_t d = 0; d < axis; ++d)
    outer *= ds[d];
  for (size_t d = axis + 1; d < ds.size(); ++d)
    inner *= ds[d];
  std::vector<int64_t> idx = indices.ints();
  for (int64_t &i : idx) {
    if (i < 0)
      i += dim;
    if (i < 0 || i >= dim)
      return std::nullopt;
  }
  std::vector<int64_t> index;
  index.reserve(n);
  for (int64_t o = 0; o < outer; ++o)
    for (int64_t i : idx)
      for (int64_t j = 0; j < inner; ++j)
        index.push_back((o * dim + i) * inner + j);
  return pick(data, shape, index);
}

std::optional<ConstTensor> foldReduce(ReduceKind kind, const ConstTensor &a,
                                      llvm::ArrayRef<int64_t> axes,
                                      bool keepDims) {
  if (a.numElements() > kFoldLimit || !a.fullyKnown())
    return std::nullopt;
  if (kind != ReduceKind::sum && kind != ReduceKind::prod &&
      kind != ReduceKind::min && kind != ReduceKind::max &&
      kind != ReduceKind::mean)
    return std::nullopt;
  llvm::ArrayRef<int64_t> in = a.shape();
  llvm::SmallVector<int64_t> keptShape, outShape;
  for (size_t d = 0; d < in.size(); ++d) {
    bool reduced = llvm::is_contained(axes, static_cast<int64_t>(d));
    keptShape.push_back(reduced ? 1 : in[d]);
    if (!reduced || keepDims)
      outShape.push_back(reduced ? 1 : in[d]);
  }
  int64_t outN = checkedNumElements(keptShape);
  if (outN < 0)
    return std::nullopt;
  // Every input element adds into the output element it maps to.
  llvm::SmallVector<int64_t> outStrides = stridesOf(keptShape);
  for (size_t d = 0; d < in.size(); ++d)
    if (keptShape[d] == 1)
      outStrides[d] = 0;
  int64_t n = a.numElements();
  int64_t groupSize = outN ? n / std::max<int64_t>(outN, 1) : 0;
  if ((kind == ReduceKind::min || kind == ReduceKind::max) && groupSize == 0)
    return std::nullopt;
  std::vector<double> facc(outN, kind == ReduceKind::prod ? 1.0 : 0.0);
  std::vector<int64_t> iacc(outN, kind == ReduceKind::prod ? 1 : 0);
  std::vector<bool> seen(outN, false);
  std::vector<int64_t> target = stridedIndexMap(in, outStrides, 0);
  for (int64_t i = 0; i < n; ++i) {
    int64_t offset = target[i];
    if (a.isFloat()) {
      double x = a.floatAt(i), &acc = facc[offset];
      switch (kind) {
      case ReduceKind::prod: acc *= x; break;
      case ReduceKind::max: acc = seen[offset] ? std::max(acc, x) : x; break;
      case ReduceKind::min: acc = seen[offset] ? std::min(acc, x) : x; break;
      default: acc += x; break;
      }
    } else {
      int64_t x = a.intAt(i), &acc = iacc[offset];
      uint64_t ua = static_cast<uint64_t>(acc), ux = static_cast<uint64_t>(x);
      switch (kind) {
      case ReduceKind::prod: acc = static_cast<int64_t>(ua * ux); break;
      case ReduceKind::max: acc = seen[offset] ? std::max(acc, x) : x; break;
      case ReduceKind::min: acc = seen[offset] ? std::min(acc, x) : x; break;
      default: acc = static_cast<int64_t>(ua + ux); break;
      }
    }
    seen[offset] = true;
  }
  if (kind == ReduceKind::mean) {
    if (!a.isFloat() || groupSize == 0)
      return std::nullopt;
    for (double &x : facc)
      x /= static_cast<double>(groupSize);
  }
  if (a.isFloat())
    return ConstTensor::ofFloats(a.dtype(), outShape, std::move(facc));
  return ConstTensor::ofInts(a.dtype(), outShape, std::move(iacc));
}

} // namespace xfc::onnx_import
