#include "test_util.h"

namespace xfrt_test {

::testing::AssertionResult IsOk(xfrt_status status) {
  if (!status) return ::testing::AssertionSuccess();
  auto result = ::testing::AssertionFailure()
                << xfrt_status_code_name(xfrt_status_code(status)) << ": "
                << xfrt_status_message(status);
  xfrt_status_free(status);
  return result;
}

::testing::AssertionResult IsError(xfrt_status status, xfrt_status_code_t code,
                                   const std::string &substring) {
  if (!status)
    return ::testing::AssertionFailure()
           << "expected " << xfrt_status_code_name(code) << " containing '"
           << substring << "', got OK";
  xfrt_status_code_t actual = xfrt_status_code(status);
  std::string message = xfrt_status_message(status);
  xfrt_status_free(status);
  if (actual != code || message.find(substring) == std::string::npos)
    return ::testing::AssertionFailure()
           << "expected " << xfrt_status_code_name(code) << " containing '"
           << substring << "', got " << xfrt_status_code_name(actual) << ": "
           << message;
  return ::testing::AssertionSuccess() << message;
}

ModelPtr LoadModel(const char *path) {
  xfrt_model *model = nullptr;
  EXPECT_OK(xfrt_model_load(path, &model));
  return ModelPtr(model);
}

PoolPtr CreatePool(int32_t num_threads) {
  xfrt_thread_pool *pool = nullptr;
  EXPECT_OK(xfrt_thread_pool_create(num_threads, &pool));
  return PoolPtr(pool);
}

ContextPtr CreateContext(xfrt_model *model, xfrt_thread_pool *pool) {
  xfrt_context *context = nullptr;
  EXPECT_OK(xfrt_context_create(model, pool, &context));
  return ContextPtr(context);
}

}  // namespace xfrt_test
