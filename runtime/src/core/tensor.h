// Internal tensor helpers shared by tensor.cc and context.cc.
#ifndef XFRT_SRC_CORE_TENSOR_H
#define XFRT_SRC_CORE_TENSOR_H

#include <stddef.h>
#include <stdint.h>

#include "xfrt/xfrt.h"

namespace xfrt {

/// Alignment of every buffer the runtime allocates: a cache line, and enough
/// for any vector load the compiler emits (AVX-512).
constexpr size_t kBufferAlignment = 64;

/// Product of `rank` dimensions, or -1 if one is negative or it overflows.
int64_t ElementCount(int32_t rank, const int64_t *shape);

/// Bytes of a dense tensor, or false on overflow / negative dimension /
/// unknown type.
bool DenseByteSize(int32_t element_type, int32_t rank, const int64_t *shape,
                   size_t *out_bytes);

/// 64-byte aligned, zero-filled allocation of at least `bytes` (at least one
/// alignment unit, so an empty tensor still gets a valid pointer). Returns
/// NULL when memory is exhausted. Free with FreeBuffer.
void *AllocateBuffer(size_t bytes);
void FreeBuffer(void *data);

}  // namespace xfrt

#endif  // XFRT_SRC_CORE_TENSOR_H
