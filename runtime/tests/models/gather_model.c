/* A fake compiled model with an int64 input and a dynamic dimension:
 *   x: float32 [?, 4], idx: int64 [2]  ->  y: float32 [2, 4] = x[idx]
 * An out-of-range index makes run() return error code 3, which the runtime
 * must turn into an error status. */
#include "xfrt/model_abi.h"

static const int64_t kXShape[2] = {-1, 4};
static const int64_t kIdxShape[1] = {2};
static const int64_t kYShape[2] = {2, 4};

static const xfrt_tensor_desc kInputs[2] = {
    {"x", XFRT_ELEMENT_TYPE_FLOAT32, 2, kXShape},
    {"idx", XFRT_ELEMENT_TYPE_INT64, 1, kIdxShape},
};
static const xfrt_tensor_desc kOutputs[1] = {
    {"y", XFRT_ELEMENT_TYPE_FLOAT32, 2, kYShape},
};

static int32_t gather_run(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                          xfrt_buffer_ref *outputs) {
  (void)env;
  const float *x = (const float *)inputs[0].data;
  const int64_t *idx = (const int64_t *)inputs[1].data;
  float *y = (float *)outputs[0].data;
  int64_t rows = inputs[0].shape[0];
  for (int i = 0; i < 2; ++i) {
    int64_t r = idx[i] < 0 ? idx[i] + rows : idx[i];
    if (r < 0 || r >= rows) return 3;
    for (int j = 0; j < 4; ++j) y[i * 4 + j] = x[r * 4 + j];
  }
  outputs[0].shape[0] = 2;
  outputs[0].shape[1] = 4;
  return 0;
}

static const xfrt_model_desc kDesc = {
    XFRT_MODEL_ABI_VERSION, 0, "gather", 2, 1, kInputs, kOutputs, gather_run,
};

const xfrt_model_desc *gather_descriptor(void) { return &kDesc; }
const xfrt_model_desc *xfrt_model_descriptor(void)
    __attribute__((weak, alias("gather_descriptor")));
