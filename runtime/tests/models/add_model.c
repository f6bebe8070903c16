/* A hand-written stand-in for a compiled model: y = a + b over float32
 * [2,3], one parallel_for task per row. It uses only model_abi.h, exactly
 * like code emitted by xfc, and is built as a shared library for the loader
 * tests and linked statically for xfrt_model_wrap. */
#include "xfrt/model_abi.h"

static const int64_t kShape[2] = {2, 3};

static const xfrt_tensor_desc kInputs[2] = {
    {"a", XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape},
    {"b", XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape},
};
static const xfrt_tensor_desc kOutputs[1] = {
    {"y", XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape},
};

typedef struct {
  const float *a, *b;
  float *y;
} add_closure;

static void add_row(void *closure, int64_t row) {
  const add_closure *c = (const add_closure *)closure;
  for (int64_t j = 0; j < 3; ++j) c->y[row * 3 + j] = c->a[row * 3 + j] + c->b[row * 3 + j];
}

static int32_t add_run(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                       xfrt_buffer_ref *outputs) {
  if (env->abi_version != XFRT_MODEL_ABI_VERSION) return 2;
  add_closure c = {(const float *)inputs[0].data, (const float *)inputs[1].data,
                   (float *)outputs[0].data};
  env->parallel_for(env->runtime_state, 2, add_row, &c);
  outputs[0].shape[0] = 2;
  outputs[0].shape[1] = 3;
  return 0;
}

static const xfrt_model_desc kDesc = {
    XFRT_MODEL_ABI_VERSION, 0, "add", 2, 1, kInputs, kOutputs, add_run,
};

const xfrt_model_desc *add_descriptor(void) { return &kDesc; }
const xfrt_model_desc *xfrt_model_descriptor(void)
    __attribute__((weak, alias("add_descriptor")));
