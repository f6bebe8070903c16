//===- InputShapes.cpp - fixing dynamic input sizes at compile time -------===//

#include "InputShapes.h"

#include "onnx/onnx_pb.h"

#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/ADT/StringSet.h"

namespace xfc::onnx_import {

namespace {

std::string dimsText(const std::vector<int64_t> &dims) {
  if (dims.empty())
    return "a scalar";
  std::string s;
  for (int64_t d : dims)
    s += (s.empty() ? "" : "x") +
         (d == InputShapeOverride::kKeep ? std::string("?")
                                         : std::to_string(d));
  return s;
}

std::string shapeText(const onnx::TensorShapeProto &shape) {
  std::string s = "[";
  for (int i = 0; i < shape.dim_size(); ++i) {
    const auto &d = shape.dim(i);
    s += i ? ", " : "";
    s += d.has_dim_value()   ? std::to_string(d.dim_value())
         : d.has_dim_param() ? d.dim_param()
                             : std::string("?");
  }
  return s + "]";
}

std::string dimParamsNamed(const onnx::GraphProto &graph) {
  llvm::SmallVector<std::string> names;
  llvm::StringSet<> seen;
  for (const onnx::ValueInfoProto &in : graph.input())
    if (in.type().has_tensor_type() && in.type().tensor_type().has_shape())
      for (const auto &d : in.type().tensor_type().shape().dim())
        if (d.has_dim_param() && seen.insert(d.dim_param()).second)
          names.push_back(d.dim_param());
  return names.empty() ? "none is named"
                       : "the named ones are " + llvm::join(names, ", ");
}

std::string applyDimParam(onnx::GraphProto &graph, const DimParamOverride &o) {
  bool found = false;
  for (onnx::ValueInfoProto &in : *graph.mutable_input()) {
    if (!in.type().has_tensor_type() || !in.type().tensor_type().has_shape())
      continue;
    for (auto &d :
         *in.mutable_type()->mutable_tensor_type()->mutable_shape()->mutable_dim()) {
      if (d.has_dim_param() && d.dim_param() == o.param) {
        d.set_dim_value(o.size); // clears dim_param (a oneof)
        found = true;
      }
    }
  }
  if (!found)
    return "--dim=" + o.param + "=" + std::to_string(o.size) +
           ": no graph input has a dimension named '" + o.param + "' (" +
           dimParamsNamed(graph) + ")";
  return "";
}

std::string applyInputShape(onnx::GraphProto &graph,
                            const llvm::StringSet<> &initializers,
                            const InputShapeOverride &o) {
  std::string what = "input '" + o.name + "': --input-shape=" + o.name + ":" +
                     (o.dims.empty() ? "" : dimsText(o.dims));
  auto it = llvm::find_if(graph.input(), [&](const onnx::ValueInfoProto &in) {
    return in.name() == o.name;
  });
  if (it == graph.input().end()) {
    llvm::SmallVector<std::string> names;
    for (const onnx::ValueInfoProto &in : graph.input())
      if (!initializers.contains(in.name()))
        names.push_back("'" + in.name() + "'");
    return "--input-shape=" + o.name + ":" + dimsText(o.dims) +
           ": the model has no graph input '" + o.name + "' (its inputs: " +
           (names.empty() ? std::string("none") : llvm::join(names, ", ")) +
           ")";
  }
  if (initializers.contains(o.name))
    return what + ": the input is an initializer (a weight), whose shape "
                  "is fixed";
  onnx::ValueInfoProto &in =
      graph.mutable_input()->at(std::distance(graph.input().begin(), it));
  if (!in.type().has_tensor_type())
    return what + ": the input is not a tensor";
  auto *tensor = in.mutable_type()->mutable_tensor_type();
  int rank = static_cast<int>(o.dims.size());
  if (tensor->has_shape() && tensor->shape().dim_size() != rank)
    return what + ": the input has rank " +
           std::to_string(tensor->shape().dim_size()) + " " +
           shapeText(tensor->shape()) + ", not " + std::to_string(rank);
  if (!tensor->has_shape()) {
    for (int k = 0; k < rank; ++k)
      tensor->mutable_shape()->add_dim();
  }
  for (int k = 0; k < rank; ++k) {
    const auto &d = tensor->shape().dim(k);
    if (o.dims[k] != InputShapeOverride::kKeep && d.has_dim_value() &&
        d.dim_value() != o.dims[k])
      return what + ": dimension " + std::to_string(k) + " is " +
             std::to_string(d.dim_value()) + " in the model " +
             shapeText(tensor->shape());
  }
  for (int k = 0; k < rank; ++k)
    if (o.dims[k] != InputShapeOverride::kKeep)
      tensor->mutable_shape()->mutable_dim(k)->set_dim_value(o.dims[k]);
  return "";
}

} // namespace

std::string specializeInputs(onnx::ModelProto &model,
                             const ImportOptions &opts) {
  onnx::GraphProto &graph = *model.mutable_graph();
  llvm::StringSet<> initializers;
  for (const onnx::TensorProto &init : graph.initializer())
    initializers.insert(init.name());
  for (const DimParamOverride &o : opts.dimParams)
    if (std::string error = applyDimParam(graph, o); !error.empty())
      return error;
  llvm::StringSet<> given;
  for (const InputShapeOverride &o : opts.inputShapes) {
    if (!given.insert(o.name).second)
      return "input '" + o.name + "': --input-shape names it twice";
    if (std::string error = applyInputShape(graph, initializers, o);
        !error.empty())
      return error;
  }
  return "";
}

} // namespace xfc::onnx_import
