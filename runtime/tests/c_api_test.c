/* Compiled as C: proves xfrt.h is a C header and exercises a full run
 * through the C API alone. Called from c_api_smoke_test in model_test. */
#include <string.h>

#include "xfrt/xfrt.h"

/* Returns 0 on success, or the line number of the first failure. */
int xfrt_c_api_smoke(const char *model_path) {
  xfrt_model *model = NULL;
  xfrt_thread_pool *pool = NULL;
  xfrt_context *context = NULL;
  int failed_line = 0;
#define CHECK(cond)                                   \
  do {                                                \
    if (!(cond) && !failed_line) failed_line = __LINE__; \
  } while (0)
#define CHECK_OK(expr)                  \
  do {                                  \
    xfrt_status s_ = (expr);            \
    CHECK(s_ == NULL);                  \
    xfrt_status_free(s_);               \
  } while (0)

  CHECK_OK(xfrt_model_load(model_path, &model));
  CHECK_OK(xfrt_thread_pool_create(2, &pool));
  if (model && pool) CHECK_OK(xfrt_context_create(model, pool, &context));
  if (context) {
    float a[6] = {1, 2, 3, 4, 5, 6}, b[6] = {6, 5, 4, 3, 2, 1};
    const int64_t shape[2] = {2, 3};
    xfrt_tensor inputs[2];
    xfrt_tensor output;
    memset(&output, 0, sizeof output);
    CHECK_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, a, sizeof a, &inputs[0]));
    CHECK_OK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, b, sizeof b, &inputs[1]));
    CHECK_OK(xfrt_context_run(context, inputs, 2, &output, 1));
    CHECK(output.data != NULL && xfrt_tensor_element_count(&output) == 6);
    if (output.data)
      for (int i = 0; i < 6; ++i) CHECK(((const float *)output.data)[i] == 7.0f);
    xfrt_tensor_release(&output);
  }
  xfrt_context_release(context);
  xfrt_thread_pool_release(pool);
  xfrt_model_release(model);
  return failed_line;
#undef CHECK
#undef CHECK_OK
}
