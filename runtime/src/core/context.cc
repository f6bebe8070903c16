// xfrt_context: checks a call's tensors against the descriptor, builds the
// buffer tables and the execution environment, and calls the model.
//
// The tables (buffer refs, shape arrays) are sized once at creation, so a
// run allocates nothing unless it has to allocate outputs.
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include <algorithm>

#include <atomic>
#include <new>
#include <vector>

#include "core/model.h"
#include "core/status.h"
#include "core/tensor.h"
#include "cpu/thread_pool.h"

struct xfrt_context {
  xfrt_model *model = nullptr;       // retained
  xfrt_thread_pool *pool = nullptr;  // retained; NULL = single thread
  xfrt_exec_env env{};
  std::vector<xfrt_buffer_ref> input_refs;
  std::vector<xfrt_buffer_ref> output_refs;
  // Shape storage for every input and output, descriptor order; the model
  // receives pointers into it (and writes output shapes there).
  std::vector<int64_t> shapes;
  // Outputs this call allocated, to free again if the call fails.
  std::vector<char> allocated_here;
  std::atomic<bool> running{false};
  // The code of the first run-time check that failed in this call, 0 if none.
  std::atomic<int32_t> failed_check{0};
  // The caller's output tensors during a call, for env->allocate_output.
  xfrt_tensor *call_outputs = nullptr;
  // Which outputs compiled code obtained through allocate_output this call.
  std::vector<char> allocated_by_model;
  // The first allocate_output problem of the call ("" if none), and buffers
  // lent instead of a too-small caller buffer, freed when the call ends.
  // Fixed storage, written from inside compiled code.
  char output_error[256] = "";
  std::vector<void *> scratch;  // capacity reserved: one per output
};

namespace xfrt {
namespace {

// A valid address for tensors with no elements, so compiled code never sees
// NULL (it may compute an address from it without dereferencing).
alignas(kBufferAlignment) char g_empty_buffer[kBufferAlignment];

void PoolParallelFor(void *state, int64_t count, TaskFn task, void *closure) {
  static_cast<ThreadPool *>(state)->ParallelFor(count, task, closure);
}

// env->check_failed: remembers the first failed check of the call.
void RecordFailedCheck(void *call_state, int32_t code) {
  auto *context = static_cast<xfrt_context *>(call_state);
  int32_t none = 0;
  context->failed_check.compare_exchange_strong(none, code);
}

bool IsStatic(const xfrt_tensor_desc &desc) {
  for (int32_t d = 0; d < desc.rank; ++d)
    if (desc.shape[d] < 0) return false;
  return true;
}

// Records the first allocate_output problem of the call.
__attribute__((format(printf, 2, 3))) void *OutputError(xfrt_context *context,
                                                        const char *format, ...) {
  if (context->output_error[0]) return nullptr;
  va_list args;
  va_start(args, format);
  vsnprintf(context->output_error, sizeof context->output_error, format, args);
  va_end(args);
  return nullptr;
}

// env->allocate_output: the buffer of a dynamically shaped output, once
// compiled code knows its shape. A caller's buffer that is too small is an
// error, but the model still gets a scratch buffer of the right size, so
// the call runs to its end and frees what it allocated on the way.
void *AllocateOutputOrThrow(xfrt_context *context, int32_t index,
                            const int64_t *shape) {
  const xfrt_model_desc *desc = context->model->desc;
  if (index < 0 || index >= desc->num_outputs || IsStatic(desc->outputs[index]) ||
      context->allocated_by_model[index] || !context->call_outputs)
    return OutputError(context,
                       "the model asked for output buffer %d, which is not a "
                       "dynamic output or was already given",
                       index);
  const xfrt_tensor_desc &output_desc = desc->outputs[index];
  size_t bytes = 0;
  if (!DenseByteSize(output_desc.element_type, output_desc.rank, shape, &bytes))
    return OutputError(context, "output '%s': the model computed shape %s",
                       output_desc.name, FormatShape(output_desc.rank, shape).c_str());
  xfrt_tensor &tensor = context->call_outputs[index];
  xfrt_buffer_ref &ref = context->output_refs[index];
  if (output_desc.rank > 0)
    memcpy(ref.shape, shape, sizeof(int64_t) * output_desc.rank);
  context->allocated_by_model[index] = 1;
  if (tensor.data && tensor.byte_size >= bytes) return tensor.data;
  void *data = AllocateBuffer(bytes);
  if (!data)
    return OutputError(context, "output '%s': cannot allocate %zu bytes",
                       output_desc.name, bytes);
  if (tensor.data) {
    context->scratch.push_back(data);
    OutputError(context, "output '%s': buffer has %zu bytes, shape %s of %s needs %zu",
                output_desc.name, tensor.byte_size,
                FormatShape(output_desc.rank, shape).c_str(),
                xfrt_element_type_name(output_desc.element_type), bytes);
    return data;
  }
  tensor.data = data;
  tensor.byte_size = bytes;
  tensor.flags |= XFRT_TENSOR_FLAG_OWNS_DATA;
  context->allocated_here[index] = 1;
  return data;
}

// No exception may unwind through compiled code.
void *AllocateOutput(void *call_state, int32_t index, const int64_t *shape) {
  auto *context = static_cast<xfrt_context *>(call_state);
  try {
    return AllocateOutputOrThrow(context, index, shape);
  } catch (...) {
    return OutputError(context, "out of memory while allocating output %d", index);
  }
}

void InlineParallelFor(void *, int64_t count, TaskFn task, void *closure) {
  if (count > 0) ThreadPool::RunInline(count, task, closure);
}

// Marks the context busy for the duration of a run, so that two threads
// sharing one context get an error instead of corrupting its tables.
class RunGuard {
 public:
  explicit RunGuard(xfrt_context *context)
      : context_(context),
        acquired_(!context->running.exchange(true, std::memory_order_acquire)) {}
  ~RunGuard() {
    if (acquired_) context_->running.store(false, std::memory_order_release);
  }
  bool acquired() const { return acquired_; }

 private:
  xfrt_context *context_;
  bool acquired_;
};

xfrt_status CheckInput(const xfrt_tensor_desc &desc, const xfrt_tensor *tensor) {
  const char *name = desc.name;
  if (tensor->element_type != desc.element_type)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "input '%s': element type is %s, the model expects %s", name,
                      xfrt_element_type_name(tensor->element_type),
                      xfrt_element_type_name(desc.element_type));
  if (tensor->rank != desc.rank)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "input '%s': rank is %d (shape %s), the model expects rank "
                      "%d (shape %s)",
                      name, tensor->rank,
                      tensor->rank >= 0 && tensor->rank <= XFRT_MAX_RANK
                          ? FormatShape(tensor->rank, tensor->shape).c_str()
                          : "?",
                      desc.rank, FormatShape(desc.rank, desc.shape).c_str());
  for (int32_t d = 0; d < desc.rank; ++d) {
    int64_t size = tensor->shape[d];
    if (size < 0)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "input '%s': dimension %d is %lld; sizes must be >= 0",
                        name, d, static_cast<long long>(size));
    if (desc.shape[d] >= 0 && size != desc.shape[d])
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "input '%s': dimension %d is %lld, the model expects %lld "
                        "(shape %s)",
                        name, d, static_cast<long long>(size),
                        static_cast<long long>(desc.shape[d]),
                        FormatShape(desc.rank, desc.shape).c_str());
  }
  size_t bytes = 0;
  if (!DenseByteSize(tensor->element_type, tensor->rank, tensor->shape, &bytes))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "input '%s': shape %s is too large", name,
                      FormatShape(tensor->rank, tensor->shape).c_str());
  if (tensor->byte_size < bytes)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "input '%s': buffer has %zu bytes, shape %s of %s needs %zu",
                      name, tensor->byte_size,
                      FormatShape(tensor->rank, tensor->shape).c_str(),
                      xfrt_element_type_name(tensor->element_type), bytes);
  if (!tensor->data && bytes > 0)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "input '%s': data is NULL", name);
  return nullptr;
}

// Inputs whose dynamic dimensions share a name (ONNX's dim_param) must
// agree on their size: the compiled code assumes they are equal.
xfrt_status CheckNamedDims(const xfrt_model_desc &desc, const xfrt_tensor *inputs) {
  for (int32_t i = 0; i < desc.num_inputs; ++i) {
    const xfrt_tensor_desc &a = desc.inputs[i];
    if (!a.dim_names) continue;
    for (int32_t d = 0; d < a.rank; ++d) {
      if (!a.dim_names[d]) continue;
      // The first dimension with this name is the reference.
      for (int32_t j = 0; j <= i; ++j) {
        const xfrt_tensor_desc &b = desc.inputs[j];
        if (!b.dim_names) continue;
        int32_t e = 0;
        while (e < b.rank && !(b.dim_names[e] && strcmp(b.dim_names[e], a.dim_names[d]) == 0))
          ++e;
        if (e == b.rank || (j == i && e == d)) continue;
        if (inputs[j].shape[e] != inputs[i].shape[d])
          return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                            "input '%s': dimension %d ('%s') is %lld, but dimension "
                            "%d of input '%s', which the model names the same, is %lld",
                            a.name, d, a.dim_names[d],
                            static_cast<long long>(inputs[i].shape[d]), e, b.name,
                            static_cast<long long>(inputs[j].shape[e]));
        break;
      }
    }
  }
  return nullptr;
}

// Gives output `desc` a buffer: the caller's, checked, or a new one.
xfrt_status PrepareOutput(const xfrt_tensor_desc &desc, xfrt_tensor *tensor,
                          bool *allocated) {
  *allocated = false;
  const char *name = desc.name;
  if (tensor->data && tensor->element_type != 0 &&
      tensor->element_type != desc.element_type)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "output '%s': element type is %s, the model produces %s", name,
                      xfrt_element_type_name(tensor->element_type),
                      xfrt_element_type_name(desc.element_type));
  // A dynamic output gets its buffer once the model knows its shape
  // (AllocateOutput).
  if (!IsStatic(desc)) return nullptr;
  size_t bytes = 0;
  if (!DenseByteSize(desc.element_type, desc.rank, desc.shape, &bytes))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "output '%s': shape %s is too large",
                      name, FormatShape(desc.rank, desc.shape).c_str());
  if (tensor->data) {
    if (tensor->byte_size < bytes)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "output '%s': buffer has %zu bytes, shape %s of %s needs %zu",
                        name, tensor->byte_size,
                        FormatShape(desc.rank, desc.shape).c_str(),
                        xfrt_element_type_name(desc.element_type), bytes);
    return nullptr;
  }
  void *data = AllocateBuffer(bytes);
  if (!data)
    return MakeStatus(XFRT_STATUS_RESOURCE_EXHAUSTED,
                      "output '%s': cannot allocate %zu bytes", name, bytes);
  tensor->data = data;
  tensor->byte_size = bytes;
  tensor->flags |= XFRT_TENSOR_FLAG_OWNS_DATA;
  *allocated = true;
  return nullptr;
}

// Checks the shape the model wrote for an output before the caller trusts
// it. A violation means the compiled code is wrong (or, for dynamic shapes,
// the caller's buffer was too small and memory may already be corrupt).
xfrt_status CheckReportedShape(const xfrt_tensor_desc &desc, const int64_t *shape,
                               size_t capacity) {
  for (int32_t d = 0; d < desc.rank; ++d) {
    if (shape[d] < 0 || (desc.shape[d] >= 0 && shape[d] != desc.shape[d]))
      return MakeStatus(XFRT_STATUS_INTERNAL,
                        "output '%s': the model reported shape %s, its descriptor "
                        "says %s",
                        desc.name, FormatShape(desc.rank, shape).c_str(),
                        FormatShape(desc.rank, desc.shape).c_str());
  }
  size_t bytes = 0;
  if (!DenseByteSize(desc.element_type, desc.rank, shape, &bytes) || bytes > capacity)
    return MakeStatus(XFRT_STATUS_INTERNAL,
                      "output '%s': the model produced shape %s, larger than the "
                      "%zu-byte buffer it was given",
                      desc.name, FormatShape(desc.rank, shape).c_str(), capacity);
  return nullptr;
}

}  // namespace
}  // namespace xfrt

using namespace xfrt;

extern "C" {

xfrt_status xfrt_context_create(xfrt_model *model, xfrt_thread_pool *pool,
                                xfrt_context **out_context) {
  if (!model || !out_context)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model or out_context is NULL");
  const xfrt_model_desc *desc = model->desc;
  xfrt_context *context = nullptr;
  try {
    context = new xfrt_context();
    context->input_refs.resize(static_cast<size_t>(desc->num_inputs));
    context->output_refs.resize(static_cast<size_t>(desc->num_outputs));
    context->allocated_here.resize(static_cast<size_t>(desc->num_outputs));
    context->allocated_by_model.resize(static_cast<size_t>(desc->num_outputs));
    context->scratch.reserve(static_cast<size_t>(desc->num_outputs));
    context->shapes.resize(static_cast<size_t>(model->total_rank));
  } catch (const std::bad_alloc &) {
    delete context;
    return OutOfMemoryStatus();
  }
  int64_t *shape = context->shapes.data();
  for (int32_t i = 0; i < desc->num_inputs; ++i) {
    context->input_refs[i].shape = shape;
    shape += desc->inputs[i].rank;
  }
  for (int32_t i = 0; i < desc->num_outputs; ++i) {
    context->output_refs[i].shape = shape;
    shape += desc->outputs[i].rank;
  }
  xfrt_model_retain(model);
  context->model = model;
  context->env.abi_version = XFRT_MODEL_ABI_VERSION;
  context->env.check_failed = RecordFailedCheck;
  context->env.call_state = context;
  context->env.allocate_output = AllocateOutput;
  if (pool) {
    xfrt_thread_pool_retain(pool);
    context->pool = pool;
    context->env.num_threads = pool->pool.num_threads();
    context->env.runtime_state = &pool->pool;
    context->env.parallel_for = PoolParallelFor;
  } else {
    context->env.num_threads = 1;
    context->env.runtime_state = nullptr;
    context->env.parallel_for = InlineParallelFor;
  }
  *out_context = context;
  return nullptr;
}

void xfrt_context_release(xfrt_context *context) {
  if (!context) return;
  xfrt_thread_pool_release(context->pool);
  xfrt_model_release(context->model);
  delete context;
}

const xfrt_model *xfrt_context_model(const xfrt_context *context) {
  return context ? context->model : nullptr;
}

xfrt_status xfrt_context_run(xfrt_context *context, const xfrt_tensor *inputs,
                             int32_t num_inputs, xfrt_tensor *outputs,
                             int32_t num_outputs) {
  if (!context) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "context is NULL");
  RunGuard guard(context);
  if (!guard.acquired())
    return MakeStatus(XFRT_STATUS_FAILED_PRECONDITION,
                      "the context is already running a call on another thread; "
                      "create one context per thread");
  const xfrt_model *model = context->model;
  const xfrt_model_desc *desc = model->desc;
  const char *model_name = model->name.c_str();

  if (num_inputs != desc->num_inputs)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "model '%s' takes %d input%s, got %d", model_name,
                      desc->num_inputs, desc->num_inputs == 1 ? "" : "s", num_inputs);
  if (num_outputs != desc->num_outputs)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "model '%s' produces %d output%s, got %d output tensors",
                      model_name, desc->num_outputs,
                      desc->num_outputs == 1 ? "" : "s", num_outputs);
  if ((num_inputs > 0 && !inputs) || (num_outputs > 0 && !outputs))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "inputs or outputs is NULL");

  for (int32_t i = 0; i < num_inputs; ++i) {
    const xfrt_tensor_desc &input_desc = desc->inputs[i];
    XFRT_RETURN_IF_ERROR(CheckInput(input_desc, &inputs[i]));
    xfrt_buffer_ref &ref = context->input_refs[i];
    // Compiled code takes a non-const pointer; it only reads inputs.
    ref.data = inputs[i].data ? inputs[i].data : g_empty_buffer;
    // Scalars may come with no shape array (memcpy from NULL is undefined).
    if (input_desc.rank > 0)
      memcpy(ref.shape, inputs[i].shape, sizeof(int64_t) * input_desc.rank);
  }

  XFRT_RETURN_IF_ERROR(CheckNamedDims(*desc, inputs));

  // Output tensors are only modified once the whole call succeeded, except
  // for buffers allocated here, which are undone on failure.
  auto undo_allocations = [&](int32_t upto) {
    for (int32_t i = 0; i < upto; ++i) {
      if (!context->allocated_here[i]) continue;
      FreeBuffer(outputs[i].data);
      outputs[i].data = nullptr;
      outputs[i].byte_size = 0;
      outputs[i].flags &= ~XFRT_TENSOR_FLAG_OWNS_DATA;
      context->allocated_here[i] = 0;
    }
  };
  for (int32_t i = 0; i < num_outputs; ++i) {
    const xfrt_tensor_desc &output_desc = desc->outputs[i];
    bool allocated = false;
    xfrt_status status = PrepareOutput(output_desc, &outputs[i], &allocated);
    context->allocated_here[i] = allocated;
    if (status) {
      undo_allocations(i);
      return status;
    }
    xfrt_buffer_ref &ref = context->output_refs[i];
    ref.data = outputs[i].data ? outputs[i].data : g_empty_buffer;
    // Pre-fill with the descriptor's shape (-1 where dynamic, so an output
    // the model never allocated is caught below); the model overwrites it.
    if (output_desc.rank > 0)
      memcpy(ref.shape, output_desc.shape, sizeof(int64_t) * output_desc.rank);
  }

  context->failed_check.store(0);
  context->output_error[0] = '\0';
  context->call_outputs = outputs;
  std::fill(context->allocated_by_model.begin(), context->allocated_by_model.end(), 0);
  int32_t code = desc->run(&context->env, context->input_refs.data(),
                           context->output_refs.data());
  context->call_outputs = nullptr;
  for (void *scratch : context->scratch) FreeBuffer(scratch);
  context->scratch.clear();
  if (code != 0) {
    undo_allocations(num_outputs);
    return MakeStatus(XFRT_STATUS_MODEL_ERROR, "model '%s' failed with error code %d",
                      model_name, code);
  }

  if (int32_t check = context->failed_check.load()) {
    undo_allocations(num_outputs);
    if (check > 0 && check <= desc->num_check_messages)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model '%s': %s", model_name,
                        desc->check_messages[check - 1]);
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "model '%s': run-time check %d failed", model_name, check);
  }
  if (context->output_error[0]) {
    undo_allocations(num_outputs);
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model '%s': %s", model_name,
                      context->output_error);
  }
  for (int32_t i = 0; i < num_outputs; ++i) {
    xfrt_status status = CheckReportedShape(
        desc->outputs[i], context->output_refs[i].shape,
        outputs[i].data ? outputs[i].byte_size : 0);
    if (status) {
      undo_allocations(num_outputs);
      return status;
    }
  }
  for (int32_t i = 0; i < num_outputs; ++i) {
    const xfrt_tensor_desc &output_desc = desc->outputs[i];
    outputs[i].element_type = output_desc.element_type;
    outputs[i].rank = output_desc.rank;
    if (output_desc.rank > 0)
      memcpy(outputs[i].shape, context->output_refs[i].shape,
             sizeof(int64_t) * output_desc.rank);
    context->allocated_here[i] = 0;
  }
  return nullptr;
}

}  // extern "C"
