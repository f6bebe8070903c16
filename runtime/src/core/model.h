// The xfrt_model object, shared by model.cc and context.cc.
#ifndef XFRT_SRC_CORE_MODEL_H
#define XFRT_SRC_CORE_MODEL_H

#include <atomic>
#include <string>

#include "xfrt/xfrt.h"

struct xfrt_model {
  std::atomic<int32_t> ref_count{1};
  void *library = nullptr;  // dlopen handle; NULL for a wrapped descriptor
  const xfrt_model_desc *desc = nullptr;
  std::string path;
  std::string name;
  // Sum of all input and output ranks: the size of a context's shape table.
  int64_t total_rank = 0;
};

#endif  // XFRT_SRC_CORE_MODEL_H
