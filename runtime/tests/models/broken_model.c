/* Libraries that look like models but are not usable ones, for the loader's
 * error paths. One source, selected by a macro:
 *   BROKEN_NO_SYMBOL   no xfrt_model_descriptor at all
 *   BROKEN_ABI         a descriptor from a future ABI version
 *   BROKEN_MALFORMED   a descriptor with an invalid rank and no run function
 *   BROKEN_NULL_DESC   a descriptor function that returns NULL */
#include <stddef.h>

#include "xfrt/model_abi.h"

#if defined(BROKEN_NO_SYMBOL)

int not_a_model(void) { return 42; }

#else

static const int64_t kShape[1] = {4};
static const xfrt_tensor_desc kTensors[1] = {
#if defined(BROKEN_MALFORMED)
    {"t", XFRT_ELEMENT_TYPE_FLOAT32, 99, kShape},
#else
    {"t", XFRT_ELEMENT_TYPE_FLOAT32, 1, kShape},
#endif
};

static int32_t broken_run(const xfrt_exec_env *env, const xfrt_buffer_ref *inputs,
                          xfrt_buffer_ref *outputs) {
  (void)env, (void)inputs, (void)outputs;
  return 0;
}

static const xfrt_model_desc kDesc = {
#if defined(BROKEN_ABI)
    XFRT_MODEL_ABI_VERSION + 1,
#else
    XFRT_MODEL_ABI_VERSION,
#endif
    0, "broken", 1, 1, kTensors, kTensors,
#if defined(BROKEN_MALFORMED)
    NULL,
#else
    broken_run,
#endif
};

const xfrt_model_desc *broken_descriptor(void) {
#if defined(BROKEN_NULL_DESC)
  (void)kDesc;
  return NULL;
#else
  return &kDesc;
#endif
}
const xfrt_model_desc *xfrt_model_descriptor(void)
    __attribute__((weak, alias("broken_descriptor")));

#endif
