/* A minimal program that runs a model compiled by xfc through the xfrt C API.
 *
 *   xfc examples/bert_tiny/model.onnx -o bert_tiny.so
 *   cc run_model.c -I runtime/include build/runtime/libxfrt.a -lstdc++ -lpthread -ldl -lm
 *   ./a.out ./bert_tiny.so
 *
 * Every input is filled with zeros (a valid token id for the example), the
 * model runs on a thread pool over all cores, and the first values of every
 * output are printed. Every call reports errors through an xfrt_status.
 */
#include <stdio.h>
#include <stdlib.h>

#include "xfrt/xfrt.h"

/* Prints the message of a failed call and exits. */
static void check(xfrt_status status, const char *what) {
  if (xfrt_status_is_ok(status))
    return;
  fprintf(stderr, "%s: %s\n", what, xfrt_status_message(status));
  xfrt_status_free(status);
  exit(1);
}

int main(int argc, char **argv) {
  if (argc != 2) {
    fprintf(stderr, "usage: %s MODEL.so\n", argv[0]);
    return 2;
  }
  xfrt_model *model = NULL;
  check(xfrt_model_load(argv[1], &model), "load");

  int32_t num_inputs = xfrt_model_num_inputs(model);
  int32_t num_outputs = xfrt_model_num_outputs(model);
  xfrt_tensor *inputs = calloc(num_inputs, sizeof(xfrt_tensor));
  xfrt_tensor *outputs = calloc(num_outputs, sizeof(xfrt_tensor));
  for (int32_t i = 0; i < num_inputs; ++i) {
    const xfrt_tensor_desc *desc = NULL;
    check(xfrt_model_input_desc(model, i, &desc), "input desc");
    /* Zero-filled; dynamic dimensions (none here) would be set to 1. */
    check(xfrt_tensor_allocate_for_desc(desc, NULL, &inputs[i]), "allocate input");
    printf("input  %d '%s': %s, rank %d\n", i, desc->name,
           xfrt_element_type_name(desc->element_type), desc->rank);
  }

  xfrt_thread_pool *pool = NULL;
  check(xfrt_thread_pool_create(0, &pool), "thread pool");
  xfrt_context *context = NULL;
  check(xfrt_context_create(model, pool, &context), "context");
  /* Empty output tensors are allocated by the runtime. */
  check(xfrt_context_run(context, inputs, num_inputs, outputs, num_outputs), "run");

  for (int32_t i = 0; i < num_outputs; ++i) {
    const xfrt_tensor_desc *desc = NULL;
    check(xfrt_model_output_desc(model, i, &desc), "output desc");
    printf("output %d '%s': [", i, desc->name);
    for (int32_t d = 0; d < outputs[i].rank; ++d)
      printf(d ? ",%lld" : "%lld", (long long)outputs[i].shape[d]);
    printf("]");
    if (outputs[i].element_type == XFRT_ELEMENT_TYPE_FLOAT32) {
      const float *values = outputs[i].data;
      int64_t n = xfrt_tensor_element_count(&outputs[i]);
      for (int64_t k = 0; k < n && k < 4; ++k)
        printf(" %g", values[k]);
    }
    printf("\n");
    xfrt_tensor_release(&outputs[i]);
  }
  for (int32_t i = 0; i < num_inputs; ++i)
    xfrt_tensor_release(&inputs[i]);
  free(inputs);
  free(outputs);
  xfrt_context_release(context);
  xfrt_thread_pool_release(pool);
  xfrt_model_release(model);
  return 0;
}
