//===- HostTensor.cpp -----------------------------------------------------===//
#include "HostTensor.h"

namespace xfc::run {

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string text = "[";
  for (size_t i = 0; i < shape.size(); ++i) {
    if (i)
      text += ',';
    text += std::to_string(shape[i]);
  }
  return text + "]";
}

} // namespace xfc::run
