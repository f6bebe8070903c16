//===- Values.cpp - element access by type code ---------------------------===//
#include "Values.h"

#include <cmath>
#include <cstdio>
#include <cstring>

#include "xfrt/xfrt.h"

namespace xfc::run {

namespace {
template <typename T> T loadAs(const void *data, int64_t index) {
  T value;
  std::memcpy(&value, static_cast<const char *>(data) + index * sizeof(T),
              sizeof(T));
  return value;
}
} // namespace

bool isFloatType(int32_t elementType) {
  return elementType == XFRT_ELEMENT_TYPE_FLOAT32 ||
         elementType == XFRT_ELEMENT_TYPE_FLOAT64 ||
         elementType == XFRT_ELEMENT_TYPE_FLOAT16 ||
         elementType == XFRT_ELEMENT_TYPE_BFLOAT16;
}

float halfToFloat(uint16_t bits) {
  uint32_t sign = static_cast<uint32_t>(bits & 0x8000u) << 16;
  uint32_t exponent = (bits >> 10) & 0x1f;
  uint32_t mantissa = bits & 0x3ffu;
  uint32_t result;
  if (exponent == 0x1f) { // inf / nan
    result = sign | 0x7f800000u | (mantissa << 13);
  } else if (exponent != 0) { // normal
    result = sign | ((exponent + 112) << 23) | (mantissa << 13);
  } else if (mantissa == 0) { // zero
    result = sign;
  } else { // subnormal: value = mantissa * 2^-24
    float value = std::ldexp(static_cast<float>(mantissa), -24);
    std::memcpy(&result, &value, sizeof result);
    result |= sign;
  }
  float value;
  std::memcpy(&value, &result, sizeof value);
  return value;
}

uint16_t floatToHalf(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  uint16_t sign = static_cast<uint16_t>((bits >> 16) & 0x8000u);
  uint32_t absBits = bits & 0x7fffffffu;
  if (absBits >= 0x7f800000u) // inf or nan
    return sign | (absBits > 0x7f800000u ? 0x7e00 : 0x7c00);
  if (absBits >= 0x477ff000u) // rounds to >= 65520: overflow to inf
    return sign | 0x7c00;
  if (absBits < 0x38800000u) { // below the smallest normal half: subnormal
    float magnitude;
    std::memcpy(&magnitude, &absBits, sizeof magnitude);
    return sign | static_cast<uint16_t>(std::nearbyint(magnitude * 16777216.0f));
  }
  // Normal: rebias the exponent and round the mantissa to nearest even.
  uint32_t rounded = absBits + 0xfffu + ((absBits >> 13) & 1u);
  return sign | static_cast<uint16_t>((rounded - 0x38000000u) >> 13);
}

float bfloat16ToFloat(uint16_t bits) {
  uint32_t wide = static_cast<uint32_t>(bits) << 16;
  float value;
  std::memcpy(&value, &wide, sizeof value);
  return value;
}

uint16_t floatToBfloat16(float value) {
  uint32_t bits;
  std::memcpy(&bits, &value, sizeof bits);
  if ((bits & 0x7fffffffu) > 0x7f800000u) // keep NaN a NaN
    return static_cast<uint16_t>((bits >> 16) | 0x40);
  bits += 0x7fffu + ((bits >> 16) & 1u); // round to nearest even
  return static_cast<uint16_t>(bits >> 16);
}

double loadFloat(int32_t elementType, const void *data, int64_t index) {
  switch (elementType) {
  case XFRT_ELEMENT_TYPE_FLOAT32:
    return loadAs<float>(data, index);
  case XFRT_ELEMENT_TYPE_FLOAT64:
    return loadAs<double>(data, index);
  case XFRT_ELEMENT_TYPE_FLOAT16:
    return halfToFloat(loadAs<uint16_t>(data, index));
  case XFRT_ELEMENT_TYPE_BFLOAT16:
    return bfloat16ToFloat(loadAs<uint16_t>(data, index));
  default:
    return static_cast<double>(loadInteger(elementType, data, index));
  }
}

int64_t loadInteger(int32_t elementType, const void *data, int64_t index) {
  switch (elementType) {
  case XFRT_ELEMENT_TYPE_UINT8:
    return loadAs<uint8_t>(data, index);
  case XFRT_ELEMENT_TYPE_INT8:
    return loadAs<int8_t>(data, index);
  case XFRT_ELEMENT_TYPE_UINT16:
    return loadAs<uint16_t>(data, index);
  case XFRT_ELEMENT_TYPE_INT16:
    return loadAs<int16_t>(data, index);
  case XFRT_ELEMENT_TYPE_INT32:
    return loadAs<int32_t>(data, index);
  case XFRT_ELEMENT_TYPE_INT64:
    return loadAs<int64_t>(data, index);
  case XFRT_ELEMENT_TYPE_BOOL:
    return loadAs<uint8_t>(data, index) != 0;
  case XFRT_ELEMENT_TYPE_UINT32:
    return loadAs<uint32_t>(data, index);
  case XFRT_ELEMENT_TYPE_UINT64:
    return static_cast<int64_t>(loadAs<uint64_t>(data, index));
  default:
    return static_cast<int64_t>(loadFloat(elementType, data, index));
  }
}

uint64_t loadBits(int32_t elementType, const void *data, int64_t index) {
  if (elementType == XFRT_ELEMENT_TYPE_UINT64)
    return loadAs<uint64_t>(data, index);
  return static_cast<uint64_t>(loadInteger(elementType, data, index));
}

std::string formatElement(int32_t elementType, const void *data,
                          int64_t index) {
  char buffer[64];
  if (isFloatType(elementType)) {
    double value = loadFloat(elementType, data, index);
    // Enough digits to tell float32 values apart, fewer for the rest.
    int digits = elementType == XFRT_ELEMENT_TYPE_FLOAT64   ? 10
                 : elementType == XFRT_ELEMENT_TYPE_FLOAT32 ? 7
                                                            : 4;
    std::snprintf(buffer, sizeof buffer, "%.*g", digits, value);
  } else if (elementType == XFRT_ELEMENT_TYPE_BOOL) {
    return loadAs<uint8_t>(data, index) ? "true" : "false";
  } else if (elementType == XFRT_ELEMENT_TYPE_UINT64) {
    std::snprintf(buffer, sizeof buffer, "%llu",
                  static_cast<unsigned long long>(loadAs<uint64_t>(data, index)));
  } else {
    std::snprintf(buffer, sizeof buffer, "%lld",
                  static_cast<long long>(loadInteger(elementType, data, index)));
  }
  return buffer;
}

} // namespace xfc::run
