/* The binary contract between a model compiled by xfc and the xfrt runtime.
 *
 * A compiled model is a shared library (or object) with C linkage and no
 * global state. It exports
 *
 *   const xfrt_model_desc *<prefix>_descriptor(void);
 *
 * and, for discovery by dlopen, the same function under the weak name
 * `xfrt_model_descriptor`. The descriptor describes the inputs and outputs
 * and carries the entry point. Everything here is plain C so that the
 * compiler (which emits these structures as LLVM globals) and the runtime
 * agree on one layout; the layout is frozen per XFRT_MODEL_ABI_VERSION.
 *
 * Element types use the ONNX TensorProto.DataType codes so that no mapping
 * table is needed between the model file, the compiler and the runtime.
 */
#ifndef XFRT_MODEL_ABI_H
#define XFRT_MODEL_ABI_H

#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/* Bumped whenever any structure below changes layout or meaning. */
#define XFRT_MODEL_ABI_VERSION 4u

/* ONNX TensorProto.DataType codes. */
typedef enum xfrt_element_type {
  XFRT_ELEMENT_TYPE_FLOAT32 = 1,
  XFRT_ELEMENT_TYPE_UINT8 = 2,
  XFRT_ELEMENT_TYPE_INT8 = 3,
  XFRT_ELEMENT_TYPE_UINT16 = 4,
  XFRT_ELEMENT_TYPE_INT16 = 5,
  XFRT_ELEMENT_TYPE_INT32 = 6,
  XFRT_ELEMENT_TYPE_INT64 = 7,
  XFRT_ELEMENT_TYPE_BOOL = 9,
  XFRT_ELEMENT_TYPE_FLOAT16 = 10,
  XFRT_ELEMENT_TYPE_FLOAT64 = 11,
  XFRT_ELEMENT_TYPE_UINT32 = 12,
  XFRT_ELEMENT_TYPE_UINT64 = 13,
  XFRT_ELEMENT_TYPE_BFLOAT16 = 16,
} xfrt_element_type;

/* What an input or output is part of (version 4). Every entry is an
 * ordinary tensor to the runtime; the kind says how consecutive entries
 * together carry one ONNX value that is not a plain tensor:
 *
 *   sequence s of tensors with element type T and rank r (the elements'
 *   sizes may differ):
 *     SEQUENCE_DATA   "s"         T,     shape [-1]: every element's data,
 *                                 flattened row-major, in order;
 *     SEQUENCE_SHAPES "s.shapes"  int64, shape [-1, r] (r may be -1): row i
 *                                 is element i's shape; the number of rows
 *                                 is the sequence's length.
 *   optional o (a tensor, a sequence or nothing):
 *     its payload's entries (one TENSOR "o", or SEQUENCE_DATA "o" and
 *     SEQUENCE_SHAPES "o.shapes"), then
 *     OPTIONAL_FLAG   "o.has_value"  bool, rank 0: whether o has a value.
 *     When the flag is false the payload's contents are meaningless: an
 *     absent input is passed as a payload of any acceptable shape (0 for
 *     dynamic dimensions, a sequence of no elements) and an absent output
 *     comes back the same way.
 *
 * A SEQUENCE_SHAPES entry always directly follows its SEQUENCE_DATA entry,
 * an OPTIONAL_FLAG entry directly follows the last entry of its payload
 * (a TENSOR or a SEQUENCE_SHAPES); the runtime rejects other descriptors at
 * load time. Names are informative only. */
typedef enum xfrt_value_kind {
  XFRT_VALUE_TENSOR = 0,          /* a plain tensor (or an optional's payload) */
  XFRT_VALUE_SEQUENCE_DATA = 1,   /* a sequence's concatenated element data */
  XFRT_VALUE_SEQUENCE_SHAPES = 2, /* a sequence's element shapes, one per row */
  XFRT_VALUE_OPTIONAL_FLAG = 3,   /* whether the preceding optional has a value */
} xfrt_value_kind;

/* One input or output. `shape` has `rank` entries; -1 marks a dimension that
 * is only known at run time. `dim_names` (version 3) is NULL or has `rank`
 * entries: the model's symbolic name of each dynamic dimension (ONNX's
 * dim_param, e.g. "batch"), NULL where it has none. Inputs whose dimensions
 * share a name must agree on their size; the runtime checks that before the
 * call. `value_kind` (version 4) is an xfrt_value_kind, see above. */
typedef struct xfrt_tensor_desc {
  const char *name;
  int32_t element_type; /* xfrt_element_type */
  int32_t rank;
  const int64_t *shape;
  const char *const *dim_names;
  int32_t value_kind; /* xfrt_value_kind */
} xfrt_tensor_desc;

/* Services the runtime lends to compiled code for the duration of one call.
 * Compiled code reaches the thread pool and scratch memory only through this
 * table, so a model library links against nothing but libc and libm. */
typedef struct xfrt_exec_env {
  uint32_t abi_version;
  int32_t num_threads;
  void *runtime_state; /* opaque to compiled code */
  /* Runs task(closure, i) for every i in [0, count), spread over the pool,
   * and returns when all have finished. Safe to call with count <= 1. */
  void (*parallel_for)(void *runtime_state, int64_t count,
                       void (*task)(void *closure, int64_t index),
                       void *closure);
  /* Records that run-time check `code` (1-based, see xfrt_model_desc's
   * check_messages) failed; the first report of a call wins. Compiled code
   * reports and keeps going when a check guards a value the compiled shapes
   * do not depend on (the rest of the call stays in bounds); after a failed
   * check of run-time sizes (two dynamic dimensions that must agree) it
   * returns at once instead. Either way the runtime turns the report into an
   * error status when run returns. Thread-safe. */
  void (*check_failed)(void *call_state, int32_t code);
  void *call_state; /* opaque to compiled code */
  /* Version 3. The buffer of output `index`, whose descriptor has dynamic
   * dimensions, once compiled code knows its `shape` (rank entries): the
   * caller's buffer when it is large enough, else one the runtime
   * allocates. Compiled code calls it at most once per such output and per
   * call, from the thread that called run, and writes the output there.
   * NULL means the call cannot go on (out of memory): compiled code returns
   * at once and the runtime reports the error. Outputs with static shapes
   * keep coming in xfrt_buffer_ref. */
  void *(*allocate_output)(void *call_state, int32_t index,
                           const int64_t *shape);
} xfrt_exec_env;

/* A buffer handed to or returned from compiled code: dense, row-major,
 * `shape` holds the tensor's rank entries. For inputs the runtime fills both
 * fields (the actual sizes of dynamic dimensions included); for outputs with
 * a static shape the runtime provides `data` sized from the descriptor's
 * shape and compiled code writes `shape`; for outputs with dynamic
 * dimensions compiled code ignores the ref and calls
 * xfrt_exec_env.allocate_output instead. */
typedef struct xfrt_buffer_ref {
  void *data;
  int64_t *shape;
} xfrt_buffer_ref;

/* Entry point. Returns 0 on success; a non-zero value is a model-defined
 * error code (the runtime turns it into a status with a message). */
typedef int32_t (*xfrt_model_run_fn)(const xfrt_exec_env *env,
                                     const xfrt_buffer_ref *inputs,
                                     xfrt_buffer_ref *outputs);

typedef struct xfrt_model_desc {
  uint32_t abi_version; /* XFRT_MODEL_ABI_VERSION of the compiler */
  uint32_t reserved;
  const char *name;     /* the model's symbol prefix */
  int32_t num_inputs;
  int32_t num_outputs;
  const xfrt_tensor_desc *inputs;
  const xfrt_tensor_desc *outputs;
  xfrt_model_run_fn run;
  /* The messages of the model's run-time checks, by code - 1 (each names
   * the node and what its inputs must satisfy). */
  int32_t num_check_messages;
  const char *const *check_messages;
} xfrt_model_desc;

typedef const xfrt_model_desc *(*xfrt_model_descriptor_fn)(void);

#ifdef __cplusplus
} /* extern "C" */
#endif

#endif /* XFRT_MODEL_ABI_H */
