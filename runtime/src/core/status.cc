// xfrt_status: the error object every runtime call returns.
#include "core/status.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct xfrt_status_impl {
  xfrt_status_code_t code;
  char message[1];  // NUL-terminated, allocated to its full length
};

namespace xfrt {
namespace {

// Handed out when malloc fails while reporting an error; never freed.
xfrt_status_impl g_out_of_memory = {XFRT_STATUS_RESOURCE_EXHAUSTED, {0}};
const char kOutOfMemoryMessage[] = "out of memory";

}  // namespace

xfrt_status OutOfMemoryStatus() { return &g_out_of_memory; }

xfrt_status MakeStatus(xfrt_status_code_t code, const char *format, ...) {
  va_list args;
  va_start(args, format);
  va_list copy;
  va_copy(copy, args);
  int length = vsnprintf(nullptr, 0, format, copy);
  va_end(copy);
  if (length < 0) length = 0;
  auto *status = static_cast<xfrt_status_impl *>(
      malloc(sizeof(xfrt_status_impl) + static_cast<size_t>(length)));
  if (!status) {
    va_end(args);
    return OutOfMemoryStatus();
  }
  status->code = code == XFRT_STATUS_OK ? XFRT_STATUS_INTERNAL : code;
  vsnprintf(status->message, static_cast<size_t>(length) + 1, format, args);
  va_end(args);
  return status;
}

std::string FormatShape(int32_t rank, const int64_t *shape) {
  std::string text = "[";
  for (int32_t i = 0; i < rank; ++i) {
    if (i) text += ',';
    text += shape[i] < 0 ? std::string("?") : std::to_string(shape[i]);
  }
  text += ']';
  return text;
}

}  // namespace xfrt

extern "C" {

xfrt_status_code_t xfrt_status_code(xfrt_status status) {
  return status ? status->code : XFRT_STATUS_OK;
}

const char *xfrt_status_message(xfrt_status status) {
  if (!status) return "OK";
  if (status == &xfrt::g_out_of_memory) return xfrt::kOutOfMemoryMessage;
  return status->message;
}

void xfrt_status_free(xfrt_status status) {
  if (status && status != &xfrt::g_out_of_memory) free(status);
}

const char *xfrt_status_code_name(xfrt_status_code_t code) {
  // A C caller may pass any int; in C++ an enum value outside the range of
  // the enumerators is undefined behaviour (UBSan: -fsanitize=enum), so the
  // value is read as the int it is.
  static_assert(sizeof(code) == sizeof(int), "xfrt_status_code_t is an int");
  int value;
  memcpy(&value, &code, sizeof value);
  switch (value) {
    case XFRT_STATUS_OK: return "OK";
    case XFRT_STATUS_INVALID_ARGUMENT: return "INVALID_ARGUMENT";
    case XFRT_STATUS_NOT_FOUND: return "NOT_FOUND";
    case XFRT_STATUS_FAILED_PRECONDITION: return "FAILED_PRECONDITION";
    case XFRT_STATUS_RESOURCE_EXHAUSTED: return "RESOURCE_EXHAUSTED";
    case XFRT_STATUS_INCOMPATIBLE: return "INCOMPATIBLE";
    case XFRT_STATUS_MODEL_ERROR: return "MODEL_ERROR";
    case XFRT_STATUS_INTERNAL: return "INTERNAL";
    case XFRT_STATUS_UNIMPLEMENTED: return "UNIMPLEMENTED";
  }
  return "UNKNOWN";
}

}  // extern "C"
