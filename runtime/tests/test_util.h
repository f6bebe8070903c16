// Shared helpers for the xfrt unit tests: status assertions and RAII owners
// for the C objects.
#ifndef XFRT_TESTS_TEST_UTIL_H
#define XFRT_TESTS_TEST_UTIL_H

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "xfrt/xfrt.h"

namespace xfrt_test {

/// Succeeds for a NULL status; otherwise fails with its message. Frees it.
::testing::AssertionResult IsOk(xfrt_status status);

/// Succeeds if `status` is an error with `code` whose message contains
/// `substring`. Frees it.
::testing::AssertionResult IsError(xfrt_status status, xfrt_status_code_t code,
                                   const std::string &substring);

struct ModelDeleter {
  void operator()(xfrt_model *model) const { xfrt_model_release(model); }
};
struct PoolDeleter {
  void operator()(xfrt_thread_pool *pool) const { xfrt_thread_pool_release(pool); }
};
struct ContextDeleter {
  void operator()(xfrt_context *context) const { xfrt_context_release(context); }
};
using ModelPtr = std::unique_ptr<xfrt_model, ModelDeleter>;
using PoolPtr = std::unique_ptr<xfrt_thread_pool, PoolDeleter>;
using ContextPtr = std::unique_ptr<xfrt_context, ContextDeleter>;

/// Loads `path`, failing the test (fatally for the caller's ASSERT) on error.
ModelPtr LoadModel(const char *path);
PoolPtr CreatePool(int32_t num_threads);
ContextPtr CreateContext(xfrt_model *model, xfrt_thread_pool *pool);

/// An xfrt_tensor that releases itself.
struct Tensor {
  xfrt_tensor t{};
  Tensor() = default;
  Tensor(const Tensor &) = delete;
  Tensor &operator=(const Tensor &) = delete;
  ~Tensor() { xfrt_tensor_release(&t); }
};

}  // namespace xfrt_test

#define EXPECT_OK(expr) EXPECT_TRUE(::xfrt_test::IsOk(expr))
#define ASSERT_OK(expr) ASSERT_TRUE(::xfrt_test::IsOk(expr))
#define EXPECT_ERROR(expr, code, substring) \
  EXPECT_TRUE(::xfrt_test::IsError((expr), (code), (substring)))

#endif  // XFRT_TESTS_TEST_UTIL_H
