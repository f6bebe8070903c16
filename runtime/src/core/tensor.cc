// xfrt_tensor: describing caller buffers and allocating runtime-owned ones.
#include "core/tensor.h"

#include <stdlib.h>
#include <string.h>

#include "core/status.h"

namespace xfrt {

int64_t ElementCount(int32_t rank, const int64_t *shape) {
  int64_t count = 1;
  for (int32_t i = 0; i < rank; ++i) {
    if (shape[i] < 0) return -1;
    if (__builtin_mul_overflow(count, shape[i], &count)) return -1;
  }
  return count;
}

bool DenseByteSize(int32_t element_type, int32_t rank, const int64_t *shape,
                   size_t *out_bytes) {
  size_t element_size = xfrt_element_type_byte_size(element_type);
  if (element_size == 0 || rank < 0 || rank > XFRT_MAX_RANK) return false;
  if (rank > 0 && !shape) return false;
  int64_t count = ElementCount(rank, shape);
  if (count < 0) return false;
  size_t bytes;
  if (__builtin_mul_overflow(static_cast<size_t>(count), element_size, &bytes))
    return false;
  *out_bytes = bytes;
  return true;
}

void *AllocateBuffer(size_t bytes) {
  // aligned_alloc wants a multiple of the alignment; round up (and never ask
  // for 0 bytes, whose result may be NULL).
  size_t rounded = bytes + (kBufferAlignment - 1);
  if (rounded < bytes) return nullptr;
  rounded &= ~(kBufferAlignment - 1);
  if (rounded == 0) rounded = kBufferAlignment;
  void *data = aligned_alloc(kBufferAlignment, rounded);
  if (data) memset(data, 0, rounded);
  return data;
}

void FreeBuffer(void *data) { free(data); }

namespace {

// Validates the type, rank and shape and fills everything but the buffer.
xfrt_status InitHeader(int32_t element_type, int32_t rank, const int64_t *shape,
                       xfrt_tensor *tensor, size_t *out_bytes) {
  if (!tensor) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_tensor is NULL");
  if (xfrt_element_type_byte_size(element_type) == 0)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "unknown element type code %d", element_type);
  if (rank < 0 || rank > XFRT_MAX_RANK)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "rank %d is outside [0, %d]", rank, XFRT_MAX_RANK);
  if (rank > 0 && !shape)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "shape is NULL for rank %d", rank);
  for (int32_t i = 0; i < rank; ++i)
    if (shape[i] < 0)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "dimension %d is %lld; dimensions must be >= 0", i,
                        static_cast<long long>(shape[i]));
  if (!DenseByteSize(element_type, rank, shape, out_bytes))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "a %s tensor of shape %s is too large",
                      xfrt_element_type_name(element_type),
                      FormatShape(rank, shape).c_str());
  memset(tensor, 0, sizeof(*tensor));
  tensor->element_type = element_type;
  tensor->rank = rank;
  for (int32_t i = 0; i < rank; ++i) tensor->shape[i] = shape[i];
  return nullptr;
}

}  // namespace
}  // namespace xfrt

using namespace xfrt;

extern "C" {

int64_t xfrt_tensor_element_count(const xfrt_tensor *tensor) {
  if (!tensor || tensor->rank < 0 || tensor->rank > XFRT_MAX_RANK) return -1;
  return ElementCount(tensor->rank, tensor->shape);
}

xfrt_status xfrt_tensor_byte_size_for(int32_t element_type, int32_t rank,
                                      const int64_t *shape,
                                      size_t *out_byte_size) {
  if (!out_byte_size)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_byte_size is NULL");
  xfrt_tensor scratch;
  return InitHeader(element_type, rank, shape, &scratch, out_byte_size);
}

xfrt_status xfrt_tensor_wrap(int32_t element_type, int32_t rank,
                             const int64_t *shape, void *data,
                             size_t byte_size, xfrt_tensor *out_tensor) {
  xfrt_tensor tensor;
  size_t needed = 0;
  XFRT_RETURN_IF_ERROR(InitHeader(element_type, rank, shape, &tensor, &needed));
  if (!out_tensor) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_tensor is NULL");
  if (byte_size < needed)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "buffer has %zu bytes, a %s tensor of shape %s needs %zu",
                      byte_size, xfrt_element_type_name(element_type),
                      FormatShape(rank, shape).c_str(), needed);
  if (!data && needed > 0)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "data is NULL for a non-empty tensor");
  tensor.data = data;
  tensor.byte_size = byte_size;
  *out_tensor = tensor;
  return nullptr;
}

xfrt_status xfrt_tensor_allocate(int32_t element_type, int32_t rank,
                                 const int64_t *shape,
                                 xfrt_tensor *out_tensor) {
  xfrt_tensor tensor;
  size_t bytes = 0;
  XFRT_RETURN_IF_ERROR(InitHeader(element_type, rank, shape, &tensor, &bytes));
  if (!out_tensor) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_tensor is NULL");
  tensor.data = AllocateBuffer(bytes);
  if (!tensor.data)
    return MakeStatus(XFRT_STATUS_RESOURCE_EXHAUSTED,
                      "cannot allocate %zu bytes for a tensor", bytes);
  tensor.byte_size = bytes;
  tensor.flags = XFRT_TENSOR_FLAG_OWNS_DATA;
  *out_tensor = tensor;
  return nullptr;
}

xfrt_status xfrt_tensor_allocate_for_desc(const xfrt_tensor_desc *desc,
                                          const int64_t *dynamic_dims,
                                          xfrt_tensor *out_tensor) {
  if (!desc) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "desc is NULL");
  if (desc->rank < 0 || desc->rank > XFRT_MAX_RANK || (desc->rank > 0 && !desc->shape))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "malformed tensor descriptor");
  const char *name = desc->name ? desc->name : "";
  int64_t shape[XFRT_MAX_RANK];
  for (int32_t i = 0, next_dynamic = 0; i < desc->rank; ++i) {
    shape[i] = desc->shape[i];
    if (shape[i] >= 0) continue;
    if (!dynamic_dims)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "'%s': dimension %d is dynamic and no size was given", name, i);
    shape[i] = dynamic_dims[next_dynamic++];
  }
  return xfrt_tensor_allocate(desc->element_type, desc->rank, shape, out_tensor);
}

void xfrt_tensor_release(xfrt_tensor *tensor) {
  if (!tensor) return;
  if (tensor->flags & XFRT_TENSOR_FLAG_OWNS_DATA) FreeBuffer(tensor->data);
  memset(tensor, 0, sizeof(*tensor));
}

}  // extern "C"
