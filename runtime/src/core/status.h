// Internal helpers to create xfrt_status errors.
//
// A status is a single heap block holding the code and the formatted
// message, so creating and freeing one is one malloc/free and the message
// pointer stays valid for the status's lifetime. If that malloc fails the
// runtime hands out a static "out of memory" status that xfrt_status_free
// ignores, so error reporting itself never fails.
#ifndef XFRT_SRC_CORE_STATUS_H
#define XFRT_SRC_CORE_STATUS_H

#include <stdint.h>

#include <string>

#include "xfrt/xfrt.h"

namespace xfrt {

/// Creates an error status with a printf-style message. `code` must not be
/// XFRT_STATUS_OK.
xfrt_status MakeStatus(xfrt_status_code_t code, const char *format, ...)
    __attribute__((format(printf, 2, 3)));

/// The status returned when memory for a real status cannot be allocated.
xfrt_status OutOfMemoryStatus();

/// Formats a shape as "[2,3]", writing "?" for a dynamic (-1) dimension.
std::string FormatShape(int32_t rank, const int64_t *shape);

/// Returns early from the enclosing function with `expr`'s status if it
/// failed.
#define XFRT_RETURN_IF_ERROR(expr)             \
  do {                                         \
    xfrt_status xfrt_status_tmp_ = (expr);     \
    if (xfrt_status_tmp_) return xfrt_status_tmp_; \
  } while (0)

}  // namespace xfrt

#endif  // XFRT_SRC_CORE_STATUS_H
