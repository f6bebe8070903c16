// xfrt_tensor: wrapping, allocation, sizes.
#include <stdint.h>

#include "test_util.h"

namespace {

using xfrt_test::Tensor;

TEST(Tensor, WrapDescribesCallerBuffer) {
  float data[6] = {};
  const int64_t shape[2] = {2, 3};
  xfrt_tensor t;
  ASSERT_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, data, sizeof data, &t));
  EXPECT_EQ(t.data, data);
  EXPECT_EQ(t.byte_size, sizeof data);
  EXPECT_EQ(t.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  EXPECT_EQ(xfrt_tensor_element_count(&t), 6);
  xfrt_tensor_release(&t);  // does not free the caller's buffer
  EXPECT_EQ(t.data, nullptr);
}

TEST(Tensor, WrapRejectsSmallBuffer) {
  float data[5];
  const int64_t shape[2] = {2, 3};
  xfrt_tensor t;
  EXPECT_ERROR(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, data, sizeof data, &t),
               XFRT_STATUS_INVALID_ARGUMENT, "buffer has 20 bytes");
}

TEST(Tensor, WrapRejectsBadHeaders) {
  const int64_t negative[1] = {-1};
  const int64_t ok[1] = {1};
  int64_t value = 0;
  xfrt_tensor t;
  EXPECT_ERROR(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 1, negative, &value, 8, &t),
               XFRT_STATUS_INVALID_ARGUMENT, "dimension 0 is -1");
  EXPECT_ERROR(xfrt_tensor_wrap(8 /*string*/, 1, ok, &value, 8, &t),
               XFRT_STATUS_INVALID_ARGUMENT, "unknown element type");
  EXPECT_ERROR(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, XFRT_MAX_RANK + 1, ok, &value, 8, &t),
               XFRT_STATUS_INVALID_ARGUMENT, "rank");
  EXPECT_ERROR(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_INT64, 1, ok, nullptr, 8, &t),
               XFRT_STATUS_INVALID_ARGUMENT, "NULL");
}

TEST(Tensor, AllocateIsAlignedZeroedAndOwned) {
  const int64_t shape[3] = {3, 5, 7};
  Tensor t;
  ASSERT_OK(xfrt_tensor_allocate(XFRT_ELEMENT_TYPE_FLOAT64, 3, shape, &t.t));
  EXPECT_EQ(reinterpret_cast<uintptr_t>(t.t.data) % 64, 0u);
  EXPECT_EQ(t.t.byte_size, 3u * 5 * 7 * 8);
  EXPECT_NE(t.t.flags & XFRT_TENSOR_FLAG_OWNS_DATA, 0u);
  const double *values = static_cast<const double *>(t.t.data);
  for (int i = 0; i < 105; ++i) ASSERT_EQ(values[i], 0.0);
}

TEST(Tensor, EmptyAndScalarTensors) {
  const int64_t empty_shape[2] = {4, 0};
  Tensor empty, scalar;
  ASSERT_OK(xfrt_tensor_allocate(XFRT_ELEMENT_TYPE_INT32, 2, empty_shape, &empty.t));
  EXPECT_NE(empty.t.data, nullptr);  // a valid pointer even for 0 elements
  EXPECT_EQ(xfrt_tensor_element_count(&empty.t), 0);
  ASSERT_OK(xfrt_tensor_allocate(XFRT_ELEMENT_TYPE_BOOL, 0, nullptr, &scalar.t));
  EXPECT_EQ(xfrt_tensor_element_count(&scalar.t), 1);
  EXPECT_EQ(scalar.t.byte_size, 1u);
}

TEST(Tensor, ByteSizeOverflowIsAnError) {
  const int64_t huge[3] = {INT64_MAX / 2, 4, 4};
  size_t bytes = 0;
  EXPECT_ERROR(xfrt_tensor_byte_size_for(XFRT_ELEMENT_TYPE_FLOAT32, 3, huge, &bytes),
               XFRT_STATUS_INVALID_ARGUMENT, "too large");
  const int64_t shape[2] = {10, 3};
  ASSERT_OK(xfrt_tensor_byte_size_for(XFRT_ELEMENT_TYPE_FLOAT16, 2, shape, &bytes));
  EXPECT_EQ(bytes, 60u);
}

TEST(Tensor, AllocateForDescriptor) {
  const int64_t shape[3] = {-1, 4, -1};
  xfrt_tensor_desc desc = {"x", XFRT_ELEMENT_TYPE_UINT8, 3, shape};
  Tensor t;
  EXPECT_ERROR(xfrt_tensor_allocate_for_desc(&desc, nullptr, &t.t),
               XFRT_STATUS_INVALID_ARGUMENT, "dimension 0 is dynamic");
  const int64_t dims[2] = {2, 5};
  ASSERT_OK(xfrt_tensor_allocate_for_desc(&desc, dims, &t.t));
  EXPECT_EQ(t.t.rank, 3);
  EXPECT_EQ(t.t.shape[0], 2);
  EXPECT_EQ(t.t.shape[1], 4);
  EXPECT_EQ(t.t.shape[2], 5);
  EXPECT_EQ(t.t.byte_size, 40u);
}

TEST(Tensor, ReleaseIsSafeOnZeroAndNull) {
  xfrt_tensor t{};
  xfrt_tensor_release(&t);
  xfrt_tensor_release(nullptr);
}

}  // namespace
