//===- Error.h - xfc-run's error type ---------------------------*- C++ -*-===//
//
// Every failure in xfc-run becomes one `Error` naming the file it concerns;
// main() prints it as the single line `xfc-run: <file>: <what>`.
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_ERROR_H
#define XFC_TOOLS_XFC_RUN_ERROR_H

#include <stdexcept>
#include <string>

#include "xfrt/xfrt.h"

namespace xfc::run {

class Error : public std::runtime_error {
public:
  /// `file` may be empty when no file is involved (usage errors).
  Error(std::string file, const std::string &what)
      : std::runtime_error(what), file_(std::move(file)) {}
  const std::string &file() const { return file_; }

private:
  std::string file_;
};

/// Throws an Error for a failed xfrt call (and frees the status).
inline void check(xfrt_status status, const std::string &file) {
  if (!status)
    return;
  std::string message = xfrt_status_message(status);
  xfrt_status_free(status);
  throw Error(file, message);
}

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_ERROR_H
