//===- HostTensor.h - an owning xfrt_tensor ---------------------*- C++ -*-===//
//
// A move-only owner of an xfrt_tensor whose buffer the runtime allocated (or
// that is still empty, for outputs the runtime allocates during a run).
//
//===----------------------------------------------------------------------===//
#ifndef XFC_TOOLS_XFC_RUN_HOSTTENSOR_H
#define XFC_TOOLS_XFC_RUN_HOSTTENSOR_H

#include <cstring>
#include <string>
#include <vector>

#include "Error.h"
#include "xfrt/xfrt.h"

namespace xfc::run {

inline std::vector<int64_t> shapeOf(const xfrt_tensor &tensor) {
  return std::vector<int64_t>(tensor.shape, tensor.shape + tensor.rank);
}

class HostTensor {
public:
  HostTensor() { std::memset(&tensor_, 0, sizeof tensor_); }
  HostTensor(HostTensor &&other) noexcept : tensor_(other.tensor_) {
    std::memset(&other.tensor_, 0, sizeof other.tensor_);
  }
  HostTensor &operator=(HostTensor &&other) noexcept {
    if (this != &other) {
      xfrt_tensor_release(&tensor_);
      tensor_ = other.tensor_;
      std::memset(&other.tensor_, 0, sizeof other.tensor_);
    }
    return *this;
  }
  HostTensor(const HostTensor &) = delete;
  HostTensor &operator=(const HostTensor &) = delete;
  ~HostTensor() { xfrt_tensor_release(&tensor_); }

  /// A zero-filled tensor; `file` names the source in error messages.
  static HostTensor allocate(int32_t elementType,
                             const std::vector<int64_t> &shape,
                             const std::string &file) {
    HostTensor result;
    check(xfrt_tensor_allocate(elementType, static_cast<int32_t>(shape.size()),
                               shape.data(), &result.tensor_),
          file);
    return result;
  }

  xfrt_tensor &raw() { return tensor_; }
  const xfrt_tensor &raw() const { return tensor_; }
  int32_t elementType() const { return tensor_.element_type; }
  std::vector<int64_t> shape() const { return shapeOf(tensor_); }
  int64_t numElements() const { return xfrt_tensor_element_count(&tensor_); }
  void *data() { return tensor_.data; }
  const void *data() const { return tensor_.data; }
  size_t elementSize() const {
    return xfrt_element_type_byte_size(tensor_.element_type);
  }

private:
  xfrt_tensor tensor_;
};

/// "[2,3]".
std::string formatShape(const std::vector<int64_t> &shape);

} // namespace xfc::run

#endif // XFC_TOOLS_XFC_RUN_HOSTTENSOR_H
