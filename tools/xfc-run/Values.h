//===- Values.h - reading and writing elements of any type ------*- C++ -*-===//
//
// Element access by runtime type code, for comparison, printing and random
// filling. float16 and bfloat16 are converted in software so the tool needs
// no compiler support for them.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_VALUES_H
#define XFC_TOOLS_XFC_RUN_VALUES_H

#include <cstdint>
#include <string>

namespace xfc::run {

/// float32, float64, float16, bfloat16.
bool isFloatType(int32_t elementType);

float halfToFloat(uint16_t bits);
uint16_t floatToHalf(float value);
float bfloat16ToFloat(uint16_t bits);
uint16_t floatToBfloat16(float value);

/// Element `index` of a float-typed buffer as a double.
double loadFloat(int32_t elementType, const void *data, int64_t index);
/// Element `index` of an integer or bool buffer; unsigned 64-bit values
/// above INT64_MAX wrap (compare with loadUnsigned for exactness).
int64_t loadInteger(int32_t elementType, const void *data, int64_t index);
/// Raw bits of element `index` widened to 64 bits, for exact comparisons.
uint64_t loadBits(int32_t elementType, const void *data, int64_t index);

/// Element `index` as text: "%g"-style for floats, decimal for integers,
/// "true"/"false" for bool.
std::string formatElement(int32_t elementType, const void *data,
                          int64_t index);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_VALUES_H
