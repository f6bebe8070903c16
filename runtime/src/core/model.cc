// xfrt_model: loading a compiled model library and checking its descriptor.
//
// Everything the runtime later trusts about a model (counts, ranks, element
// types, non-NULL pointers) is checked once here, so that the per-call path
// in context.cc can index the descriptor without re-validating it and a
// malformed library is reported instead of crashing the process.
#include "core/model.h"

#include <dlfcn.h>
#include <errno.h>
#include <string.h>
#include <sys/stat.h>

#include <new>

#include "core/status.h"

namespace xfrt {
namespace {

// Generous bound on the number of inputs/outputs; anything above it is a
// corrupt descriptor, not a real model.
constexpr int32_t kMaxTensors = 1 << 16;

// Checks how entries group into ONNX values (model_abi.h, xfrt_value_kind):
// tools that rebuild sequences and optionals from the entries index the
// neighbours without checking again.
xfrt_status ValidateValueKinds(const char *kind, int32_t count,
                               const xfrt_tensor_desc *list) {
  for (int32_t i = 0; i < count; ++i) {
    const xfrt_tensor_desc &t = list[i];
    const int32_t previous = i > 0 ? list[i - 1].value_kind : -1;
    switch (t.value_kind) {
    case XFRT_VALUE_TENSOR:
      break;
    case XFRT_VALUE_SEQUENCE_DATA:
      if (t.rank != 1)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: sequence data %s '%s' "
                          "has rank %d, not 1",
                          kind, t.name, t.rank);
      if (i + 1 == count || list[i + 1].value_kind != XFRT_VALUE_SEQUENCE_SHAPES)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: sequence data %s '%s' "
                          "is not followed by its shapes",
                          kind, t.name);
      break;
    case XFRT_VALUE_SEQUENCE_SHAPES:
      if (previous != XFRT_VALUE_SEQUENCE_DATA)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: sequence shapes %s '%s' "
                          "does not follow sequence data",
                          kind, t.name);
      if (t.element_type != XFRT_ELEMENT_TYPE_INT64 || t.rank != 2)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: sequence shapes %s '%s' "
                          "must be int64 of rank 2",
                          kind, t.name);
      break;
    case XFRT_VALUE_OPTIONAL_FLAG:
      if (t.element_type != XFRT_ELEMENT_TYPE_BOOL || t.rank != 0)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: optional flag %s '%s' "
                          "must be bool of rank 0",
                          kind, t.name);
      if (previous != XFRT_VALUE_TENSOR && previous != XFRT_VALUE_SEQUENCE_SHAPES)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: optional flag %s '%s' "
                          "does not follow a tensor or a sequence",
                          kind, t.name);
      break;
    default:
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "malformed model descriptor: %s '%s' has value kind "
                        "%d",
                        kind, t.name, t.value_kind);
    }
  }
  return nullptr;
}

xfrt_status ValidateTensorList(const char *kind, int32_t count,
                               const xfrt_tensor_desc *list,
                               int64_t *total_rank) {
  if (count < 0 || count > kMaxTensors)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "malformed model descriptor: %d %ss", count, kind);
  if (count > 0 && !list)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "malformed model descriptor: %s list is NULL", kind);
  for (int32_t i = 0; i < count; ++i) {
    const xfrt_tensor_desc &t = list[i];
    if (!t.name)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "malformed model descriptor: %s %d has no name", kind, i);
    if (xfrt_element_type_byte_size(t.element_type) == 0)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "model %s '%s' has element type code %d, which this "
                        "runtime does not support",
                        kind, t.name, t.element_type);
    if (t.rank < 0 || t.rank > XFRT_MAX_RANK)
      return MakeStatus(XFRT_STATUS_UNIMPLEMENTED,
                        "model %s '%s' has rank %d; this runtime supports "
                        "ranks 0 to %d",
                        kind, t.name, t.rank, XFRT_MAX_RANK);
    if (t.rank > 0 && !t.shape)
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "malformed model descriptor: %s '%s' has no shape", kind, t.name);
    for (int32_t d = 0; d < t.rank; ++d) {
      if (t.shape[d] < -1)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: %s '%s' dimension %d is %lld",
                          kind, t.name, d, static_cast<long long>(t.shape[d]));
      // Only dynamic dimensions have names (context.cc relies on it).
      if (t.dim_names && t.dim_names[d] && t.shape[d] != -1)
        return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                          "malformed model descriptor: %s '%s' names its static "
                          "dimension %d",
                          kind, t.name, d);
    }
    *total_rank += t.rank;
  }
  return ValidateValueKinds(kind, count, list);
}

// `origin` names the library or "descriptor" in messages.
xfrt_status ValidateDescriptor(const xfrt_model_desc *desc, const char *origin,
                               int64_t *total_rank) {
  if (desc->abi_version != XFRT_MODEL_ABI_VERSION)
    return MakeStatus(XFRT_STATUS_INCOMPATIBLE,
                      "%s: the model was compiled for model ABI version %u, "
                      "this runtime supports version %u; recompile it with a "
                      "matching xfc",
                      origin, desc->abi_version, XFRT_MODEL_ABI_VERSION);
  if (!desc->run)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: malformed model descriptor: no run function", origin);
  if (desc->num_check_messages < 0 ||
      (desc->num_check_messages > 0 && !desc->check_messages))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: malformed model descriptor: %d check messages at %p", origin,
                      desc->num_check_messages,
                      static_cast<const void *>(desc->check_messages));
  for (int32_t i = 0; i < desc->num_check_messages; ++i)
    if (!desc->check_messages[i])
      return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                        "%s: malformed model descriptor: check message %d is NULL",
                        origin, i + 1);
  *total_rank = 0;
  xfrt_status status = ValidateTensorList("input", desc->num_inputs, desc->inputs, total_rank);
  if (!status)
    status = ValidateTensorList("output", desc->num_outputs, desc->outputs, total_rank);
  if (status) {
    // Prefix the origin so the caller sees which file is broken.
    xfrt_status prefixed = MakeStatus(xfrt_status_code(status), "%s: %s", origin,
                                      xfrt_status_message(status));
    xfrt_status_free(status);
    return prefixed;
  }
  return nullptr;
}

// Builds the model object around a validated descriptor. Takes ownership of
// `library` (closed on failure).
xfrt_status CreateModel(const xfrt_model_desc *desc, void *library,
                        const char *path, xfrt_model **out_model) {
  const char *origin = path ? path : "descriptor";
  int64_t total_rank = 0;
  xfrt_status status = ValidateDescriptor(desc, origin, &total_rank);
  xfrt_model *model = nullptr;
  if (!status) {
    try {
      model = new xfrt_model();
      model->library = library;
      model->desc = desc;
      model->path = path ? path : "";
      model->name = desc->name && desc->name[0] ? desc->name : "model";
      model->total_rank = total_rank;
    } catch (const std::bad_alloc &) {
      delete model;
      model = nullptr;
      status = OutOfMemoryStatus();
    }
  }
  if (status) {
    if (library) dlclose(library);
    return status;
  }
  *out_model = model;
  return nullptr;
}

xfrt_status FindByName(const char *kind, int32_t count,
                       const xfrt_tensor_desc *list, const char *name,
                       int32_t *out_index) {
  if (!name || !out_index)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "name or out_index is NULL");
  for (int32_t i = 0; i < count; ++i) {
    if (strcmp(list[i].name, name) == 0) {
      *out_index = i;
      return nullptr;
    }
  }
  return MakeStatus(XFRT_STATUS_NOT_FOUND, "the model has no %s named '%s'", kind, name);
}

xfrt_status GetDesc(const char *kind, int32_t count, const xfrt_tensor_desc *list,
                    int32_t index, const xfrt_tensor_desc **out_desc) {
  if (!out_desc) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "out_desc is NULL");
  if (index < 0 || index >= count)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s index %d is out of range; the model has %d %ss", kind,
                      index, count, kind);
  *out_desc = &list[index];
  return nullptr;
}

}  // namespace
}  // namespace xfrt

using namespace xfrt;

extern "C" {

xfrt_status xfrt_model_load(const char *path, xfrt_model **out_model) {
  if (!path || !out_model)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "path or out_model is NULL");
  // Check the file first: dlopen's messages for a missing file are vague,
  // and a missing file deserves its own status code.
  struct stat info;
  if (stat(path, &info) != 0) {
    int error = errno;
    return MakeStatus(error == ENOENT || error == ENOTDIR ? XFRT_STATUS_NOT_FOUND
                                                          : XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: cannot open the model: %s", path, strerror(error));
  }
  if (!S_ISREG(info.st_mode))
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "%s: not a regular file", path);

  // dlopen searches the library path for a name without a slash; a model
  // path always means a file, so anchor it to the working directory.
  std::string open_path;
  try {
    open_path = strchr(path, '/') ? std::string(path) : "./" + std::string(path);
  } catch (const std::bad_alloc &) {
    return OutOfMemoryStatus();
  }
  // RTLD_LOCAL keeps each model's symbols (every model exports the same weak
  // `xfrt_model_descriptor`) out of the global namespace, so several models
  // can be loaded side by side.
  dlerror();
  void *library = dlopen(open_path.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!library) {
    const char *error = dlerror();
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: not a loadable model library: %s", path,
                      error ? error : "dlopen failed");
  }
  dlerror();
  void *symbol = dlsym(library, "xfrt_model_descriptor");
  if (!symbol) {
    dlclose(library);
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: not an xfc model: it has no 'xfrt_model_descriptor' "
                      "symbol",
                      path);
  }
  auto descriptor_fn = reinterpret_cast<xfrt_model_descriptor_fn>(symbol);
  const xfrt_model_desc *desc = descriptor_fn();
  if (!desc) {
    dlclose(library);
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT,
                      "%s: xfrt_model_descriptor() returned NULL", path);
  }
  return CreateModel(desc, library, path, out_model);
}

xfrt_status xfrt_model_wrap(const xfrt_model_desc *desc, xfrt_model **out_model) {
  if (!desc || !out_model)
    return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "desc or out_model is NULL");
  return CreateModel(desc, nullptr, nullptr, out_model);
}

void xfrt_model_retain(xfrt_model *model) {
  if (model) model->ref_count.fetch_add(1, std::memory_order_relaxed);
}

void xfrt_model_release(xfrt_model *model) {
  if (!model) return;
  if (model->ref_count.fetch_sub(1, std::memory_order_acq_rel) != 1) return;
  if (model->library) dlclose(model->library);
  delete model;
}

const xfrt_model_desc *xfrt_model_get_desc(const xfrt_model *model) {
  return model ? model->desc : nullptr;
}

const char *xfrt_model_name(const xfrt_model *model) {
  return model ? model->name.c_str() : "";
}

const char *xfrt_model_path(const xfrt_model *model) {
  return model ? model->path.c_str() : "";
}

int32_t xfrt_model_num_inputs(const xfrt_model *model) {
  return model ? model->desc->num_inputs : 0;
}

int32_t xfrt_model_num_outputs(const xfrt_model *model) {
  return model ? model->desc->num_outputs : 0;
}

xfrt_status xfrt_model_input_desc(const xfrt_model *model, int32_t index,
                                  const xfrt_tensor_desc **out_desc) {
  if (!model) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model is NULL");
  return GetDesc("input", model->desc->num_inputs, model->desc->inputs, index, out_desc);
}

xfrt_status xfrt_model_output_desc(const xfrt_model *model, int32_t index,
                                   const xfrt_tensor_desc **out_desc) {
  if (!model) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model is NULL");
  return GetDesc("output", model->desc->num_outputs, model->desc->outputs, index,
                 out_desc);
}

xfrt_status xfrt_model_find_input(const xfrt_model *model, const char *name,
                                  int32_t *out_index) {
  if (!model) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model is NULL");
  return FindByName("input", model->desc->num_inputs, model->desc->inputs, name,
                    out_index);
}

xfrt_status xfrt_model_find_output(const xfrt_model *model, const char *name,
                                   int32_t *out_index) {
  if (!model) return MakeStatus(XFRT_STATUS_INVALID_ARGUMENT, "model is NULL");
  return FindByName("output", model->desc->num_outputs, model->desc->outputs, name,
                    out_index);
}

}  // extern "C"
