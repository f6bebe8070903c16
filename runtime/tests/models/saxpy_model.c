/* A fake compiled model with enough work to keep a pool busy, for the
 * concurrency tests:  y = 2 * x + 1  over float32 [256, 1024].
 * Each row task splits its row into blocks with a nested parallel_for, the
 * way tiled code emitted by the compiler may, so nesting is exercised
 * through the real ABI path. */
#include "xfrt/model_abi.h"

#define ROWS 256
#define COLS 1024
#define BLOCK 256

static const int64_t kShape[2] = {ROWS, COLS};
static const xfrt_tensor_desc kInputs[1] = {
    {"x", XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape},
};
static const xfrt_tensor_desc kOutputs[1] = {
    {"y", XFRT_ELEMENT_TYPE_FLOAT32, 2, kShape},
};

typedef struct {
  const xfrt_exec_env *env;
  const float *x;
  float *y;
} row_closure;

typedef struct {
  const float *x;
  float *y;
} block_closure;

static void saxpy_block(void *closure, int64_t block) {
  const block_closure *c = (const block_closure *)closure;
  for (int64_t j = block * BLOCK; j < (block + 1) * BLOCK; ++j)
    c->y[j] = 2.0f * c->x[j] + 1.0f;
}

static void saxpy_row(void *closure, int64_t row) {
  const row_closure *c = (const row_closure *)closure;
  block_closure inner = {c->x + row * COLS, c->y + row * COLS};
  c->env->parallel_for(c->env->runtime_state, COLS / BLOCK, saxpy_block, &inner);
}

static int32_t saxpy_run(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                         xfrt_buffer_ref *outputs) {
  row_closure c = {env, (const float *)inputs[0].data, (float *)outputs[0].data};
  env->parallel_for(env->runtime_state, ROWS, saxpy_row, &c);
  outputs[0].shape[0] = ROWS;
  outputs[0].shape[1] = COLS;
  return 0;
}

static const xfrt_model_desc kDesc = {
    XFRT_MODEL_ABI_VERSION, 0, "saxpy", 1, 1, kInputs, kOutputs, saxpy_run,
};

const xfrt_model_desc *saxpy_descriptor(void) { return &kDesc; }
const xfrt_model_desc *xfrt_model_descriptor(void)
    __attribute__((weak, alias("saxpy_descriptor")));
