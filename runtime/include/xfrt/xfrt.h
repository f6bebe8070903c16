/* xfrt: the runtime that loads and runs models compiled by xfc.
 *
 * A plain C API in the style of IREE's runtime:
 *
 *   - every call that can fail returns an `xfrt_status`: NULL means success,
 *     anything else is an error that carries a code and a message and must be
 *     released with xfrt_status_free();
 *   - results come back through `out_` parameters, which are written only on
 *     success;
 *   - names are xfrt_<object>_<verb>.
 *
 * Objects and their rules:
 *
 *   xfrt_model        a compiled model (a shared library loaded with dlopen, or
 *                     a descriptor linked into the program). Immutable once
 *                     loaded: any number of threads may use one model at once.
 *                     Reference counted.
 *   xfrt_thread_pool  a fork-join pool that runs the model's parallel loops.
 *                     Shareable by any number of contexts and threads.
 *                     Reference counted.
 *   xfrt_context      the per-call state for one model (execution environment,
 *                     buffer tables). One thread at a time: create one context
 *                     per thread that runs the model. Holds a reference to its
 *                     model and pool.
 *   xfrt_tensor       a plain struct describing a dense, row-major tensor,
 *                     either over a caller's buffer or over a buffer the
 *                     runtime allocated (see the ownership notes below).
 *
 * Typical use:
 *
 *   xfrt_model *model; xfrt_thread_pool *pool; xfrt_context *ctx;
 *   CHECK(xfrt_model_load("model.so", &model));
 *   CHECK(xfrt_thread_pool_create(0, &pool));
 *   CHECK(xfrt_context_create(model, pool, &ctx));
 *   xfrt_tensor in[2], out[1] = {0};
 *   CHECK(xfrt_tensor_wrap(XFRT_ELEMENT_TYPE_FLOAT32, 2, shape, a, sizeof a, &in[0]));
 *   ...
 *   CHECK(xfrt_context_run(ctx, in, 2, out, 1));  // out[0] allocated by xfrt
 *   ... use out[0].data ...
 *   xfrt_tensor_release(&out[0]);
 *   xfrt_context_release(ctx); xfrt_thread_pool_release(pool);
 *   xfrt_model_release(model);
 */
#ifndef XFRT_XFRT_H
#define XFRT_XFRT_H

#include <stddef.h>
#include <stdint.h>

#include "xfrt/model_abi.h"

#ifdef __cplusplus
extern "C" {
#endif

/*===----------------------------------------------------------------------===*
 * Status
 *===----------------------------------------------------------------------===*/

typedef enum xfrt_status_code_e {
  XFRT_STATUS_OK = 0,
  /* A caller passed something malformed: a NULL pointer, a wrong input count,
   * shape or element type, a buffer that is too small. */
  XFRT_STATUS_INVALID_ARGUMENT = 1,
  /* A file or a named input/output does not exist. */
  XFRT_STATUS_NOT_FOUND = 2,
  /* The call is not allowed in the object's current state (for example a
   * context already running on another thread). */
  XFRT_STATUS_FAILED_PRECONDITION = 3,
  /* Memory or threads could not be allocated. */
  XFRT_STATUS_RESOURCE_EXHAUSTED = 4,
  /* The model was compiled for another model ABI version. */
  XFRT_STATUS_INCOMPATIBLE = 5,
  /* The model's run function returned a non-zero error code. */
  XFRT_STATUS_MODEL_ERROR = 6,
  /* A bug in the runtime or in the compiled code (for example a model that
   * reported an output shape its descriptor does not allow). */
  XFRT_STATUS_INTERNAL = 7,
  /* Something the runtime does not support yet. */
  XFRT_STATUS_UNIMPLEMENTED = 8,
} xfrt_status_code_t;

/* NULL on success; otherwise an error owned by the caller. */
typedef struct xfrt_status_impl *xfrt_status;

/* The code of `status`; XFRT_STATUS_OK for NULL. */
xfrt_status_code_t xfrt_status_code(xfrt_status status);
/* The message of `status` ("OK" for NULL). Valid until xfrt_status_free. */
const char *xfrt_status_message(xfrt_status status);
/* Releases `status`; NULL is allowed. */
void xfrt_status_free(xfrt_status status);
/* "OK", "INVALID_ARGUMENT", ... for a code. */
const char *xfrt_status_code_name(xfrt_status_code_t code);

/* Convenience: true when `status` is success. */
static inline int xfrt_status_is_ok(xfrt_status status) { return status == NULL; }

/*===----------------------------------------------------------------------===*
 * Element types (the ONNX TensorProto.DataType codes of model_abi.h)
 *===----------------------------------------------------------------------===*/

/* "float32", "int64", "bool", ...; "unknown" for a code xfrt does not know. */
const char *xfrt_element_type_name(int32_t element_type);
/* Bytes per element; 0 for a code xfrt does not know. */
size_t xfrt_element_type_byte_size(int32_t element_type);

/*===----------------------------------------------------------------------===*
 * Tensors
 *===----------------------------------------------------------------------===*/

/* The largest rank an xfrt_tensor can describe. Models whose descriptors use a
 * larger rank are rejected at load time. */
#define XFRT_MAX_RANK 16

/* `data` was allocated by xfrt and belongs to the tensor: release it with
 * xfrt_tensor_release(). Without this flag the buffer belongs to the caller,
 * who must keep it alive while the tensor is used. */
#define XFRT_TENSOR_FLAG_OWNS_DATA 1u

/* A dense, row-major tensor. Plain data: copy it freely, but only one copy
 * may be passed to xfrt_tensor_release() when it owns its data. A
 * zero-initialized xfrt_tensor is a valid "empty" tensor (no data, nothing
 * to release). */
typedef struct xfrt_tensor {
  int32_t element_type; /* xfrt_element_type */
  int32_t rank;         /* 0 <= rank <= XFRT_MAX_RANK */
  int64_t shape[XFRT_MAX_RANK];
  void *data;       /* may be NULL only when the tensor has no elements */
  size_t byte_size; /* capacity of `data` in bytes (>= the bytes in use) */
  uint32_t flags;   /* XFRT_TENSOR_FLAG_* */
} xfrt_tensor;

/* Number of elements of `tensor` (1 for rank 0), or -1 if a dimension is
 * negative or the product overflows. */
int64_t xfrt_tensor_element_count(const xfrt_tensor *tensor);

/* Bytes needed by a dense tensor of this type and shape, with overflow and
 * validity checks (unknown type, negative dimension, rank out of range). */
xfrt_status xfrt_tensor_byte_size_for(int32_t element_type, int32_t rank,
                                      const int64_t *shape,
                                      size_t *out_byte_size);

/* Describes a caller-owned buffer; nothing is copied and the caller keeps
 * ownership. Fails if `byte_size` is smaller than the shape needs or `data`
 * is NULL for a non-empty tensor. */
xfrt_status xfrt_tensor_wrap(int32_t element_type, int32_t rank,
                             const int64_t *shape, void *data,
                             size_t byte_size, xfrt_tensor *out_tensor);

/* Allocates a zero-filled, 64-byte aligned buffer owned by the tensor
 * (XFRT_TENSOR_FLAG_OWNS_DATA). Release it with xfrt_tensor_release(). */
xfrt_status xfrt_tensor_allocate(int32_t element_type, int32_t rank,
                                 const int64_t *shape,
                                 xfrt_tensor *out_tensor);

/* Same for a model input or output descriptor. Dimensions that the
 * descriptor leaves dynamic (-1) are taken from `dynamic_dims`, in order;
 * pass NULL when the descriptor is fully static (a dynamic dimension then
 * fails with INVALID_ARGUMENT). */
xfrt_status xfrt_tensor_allocate_for_desc(const xfrt_tensor_desc *desc,
                                          const int64_t *dynamic_dims,
                                          xfrt_tensor *out_tensor);

/* Frees the buffer if the tensor owns it and resets the struct to zero.
 * Safe on a zero-initialized tensor and on NULL. */
void xfrt_tensor_release(xfrt_tensor *tensor);

/*===----------------------------------------------------------------------===*
 * Models
 *===----------------------------------------------------------------------===*/

typedef struct xfrt_model xfrt_model;

/* Loads a compiled model library with dlopen(RTLD_NOW | RTLD_LOCAL) and finds
 * its `xfrt_model_descriptor` symbol. A path without a '/' is taken relative
 * to the working directory (never searched for on the library path). Errors:
 * NOT_FOUND (no such file), INVALID_ARGUMENT (not a loadable library, no
 * descriptor symbol, malformed descriptor), INCOMPATIBLE (another ABI
 * version). The returned model has one reference. */
xfrt_status xfrt_model_load(const char *path, xfrt_model **out_model);

/* Wraps a descriptor linked into the program (`<prefix>_descriptor()`); the
 * descriptor must outlive the model. Same validation as xfrt_model_load. */
xfrt_status xfrt_model_wrap(const xfrt_model_desc *desc,
                            xfrt_model **out_model);

void xfrt_model_retain(xfrt_model *model);
/* Drops a reference; the library is unloaded with the last one. NULL is
 * allowed. */
void xfrt_model_release(xfrt_model *model);

/* Accessors that cannot fail on a valid model return their value directly. */
const xfrt_model_desc *xfrt_model_get_desc(const xfrt_model *model);
/* The descriptor's name, or "model" when it has none. */
const char *xfrt_model_name(const xfrt_model *model);
/* The path the model was loaded from; "" for a wrapped descriptor. */
const char *xfrt_model_path(const xfrt_model *model);
int32_t xfrt_model_num_inputs(const xfrt_model *model);
int32_t xfrt_model_num_outputs(const xfrt_model *model);

/* Descriptor of input/output `index` (INVALID_ARGUMENT when out of range).
 * The pointer lives as long as the model. */
xfrt_status xfrt_model_input_desc(const xfrt_model *model, int32_t index,
                                  const xfrt_tensor_desc **out_desc);
xfrt_status xfrt_model_output_desc(const xfrt_model *model, int32_t index,
                                   const xfrt_tensor_desc **out_desc);

/* Index of the input/output called `name`; NOT_FOUND if there is none. */
xfrt_status xfrt_model_find_input(const xfrt_model *model, const char *name,
                                  int32_t *out_index);
xfrt_status xfrt_model_find_output(const xfrt_model *model, const char *name,
                                   int32_t *out_index);

/*===----------------------------------------------------------------------===*
 * Thread pool
 *===----------------------------------------------------------------------===*/

typedef struct xfrt_thread_pool xfrt_thread_pool;

/* Creates a pool that runs parallel loops on `num_threads` threads in total:
 * the thread that calls parallel_for takes part, so num_threads - 1 worker
 * threads are started. 0 means one thread per CPU this process may run on
 * (sched_getaffinity). Idle workers spin briefly (100 us by default; the
 * XFRT_SPIN_US environment variable overrides it, 0 = never spin), then
 * sleep on a condition variable.
 *
 * Concurrency: several threads may call parallel_for on one pool at the same
 * time (for example several contexts sharing it). Each call gets its own job
 * and the workers help whichever jobs have work left; every caller works on
 * its own job, so no call ever waits for another call's work. Up to 16 calls
 * may be in flight at once; a call beyond that runs on its own thread alone.
 * A parallel_for issued from inside a task (nested) runs inline on the
 * calling thread, so nesting never deadlocks. */
xfrt_status xfrt_thread_pool_create(int32_t num_threads,
                                    xfrt_thread_pool **out_pool);
void xfrt_thread_pool_retain(xfrt_thread_pool *pool);
/* Drops a reference; the last one joins the workers. NULL is allowed. No
 * parallel_for may be in flight on the pool when the last reference goes. */
void xfrt_thread_pool_release(xfrt_thread_pool *pool);
/* Total threads that run a loop, caller included (1 for a NULL pool). */
int32_t xfrt_thread_pool_num_threads(const xfrt_thread_pool *pool);
/* Runs task(closure, i) for every i in [0, count) and returns when all have
 * finished. A NULL pool runs the loop on the calling thread. */
void xfrt_thread_pool_parallel_for(xfrt_thread_pool *pool, int64_t count,
                                   void (*task)(void *closure, int64_t index),
                                   void *closure);
/* The number of CPUs this process may run on (at least 1). */
int32_t xfrt_cpu_count(void);

/*===----------------------------------------------------------------------===*
 * Contexts
 *===----------------------------------------------------------------------===*/

typedef struct xfrt_context xfrt_context;

/* Creates the per-thread state for running `model`. `pool` may be NULL: the
 * model then runs on the calling thread only. The context retains both. */
xfrt_status xfrt_context_create(xfrt_model *model, xfrt_thread_pool *pool,
                                xfrt_context **out_context);
/* NULL is allowed. Must not be called while the context is running. */
void xfrt_context_release(xfrt_context *context);
const xfrt_model *xfrt_context_model(const xfrt_context *context);

/* Runs the model once.
 *
 * Inputs: `num_inputs` tensors in the descriptor's order. Each one's element
 * type, rank and every static dimension are checked against the descriptor;
 * a mismatch returns INVALID_ARGUMENT naming the input, e.g.
 *   input 'x': dimension 1 is 7, the model expects 16
 * Input buffers need no particular alignment and are only read.
 *
 * Inputs with dynamic dimensions take any size there; dimensions that the
 * model names the same (ONNX's dim_param, see xfrt_tensor_desc.dim_names)
 * must agree across inputs. Sizes the model relates otherwise (two
 * dimensions that must broadcast) are checked by the compiled code, and a
 * mismatch is an INVALID_ARGUMENT naming the node.
 *
 * Outputs: `num_outputs` tensors, each either
 *   - empty (data == NULL, e.g. zero-initialized): the runtime allocates a
 *     64-byte aligned buffer and the tensor owns it (release with
 *     xfrt_tensor_release). For an output with dynamic dimensions this
 *     happens during the call, once the compiled code knows the shape;
 *   - a buffer (data != NULL, byte_size = its capacity), caller-owned or left
 *     from a previous run: the model writes into it. Its capacity is checked
 *     against the output's shape (for dynamic dimensions, the shape this call
 *     computes), and too small a buffer is an INVALID_ARGUMENT error that
 *     leaves the buffer untouched. To reuse an owned output of another size,
 *     release it first.
 * On success every output's element_type, rank and shape are set from the
 * descriptor and the shape the model computed. On failure runtime-allocated
 * outputs of this call are freed again and the output structs are left as
 * they were.
 *
 * A context runs one call at a time: a concurrent call on the same context
 * fails with FAILED_PRECONDITION. */
xfrt_status xfrt_context_run(xfrt_context *context, const xfrt_tensor *inputs,
                             int32_t num_inputs, xfrt_tensor *outputs,
                             int32_t num_outputs);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* XFRT_XFRT_H */
