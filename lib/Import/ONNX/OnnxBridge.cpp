//===- OnnxBridge.cpp - exception-free calls into the ONNX library --------===//
//
// The one file of xfc compiled with -fexceptions (see CMakeLists.txt). Every
// function catches everything: no exception may leave this file.
//
//===----------------------------------------------------------------------===//

#include "OnnxBridge.h"

#include "onnx/checker.h"
#include "onnx/defs/parser.h"
#include "onnx/defs/schema.h"
#include "onnx/onnx_pb.h"
#include "onnx/shape_inference/implementation.h"
#include "onnx/version_converter/convert.h"

#include <google/protobuf/io/coded_stream.h>

#include <climits>
#include <exception>
#include <unordered_map>
#include <unordered_set>

namespace xfc::onnx_import {

namespace {

/// ONNX messages span lines ("==> Context: ..."); tools print one line per
/// problem.
std::string oneLine(std::string s) {
  std::string out;
  bool space = false;
  for (char c : s) {
    if (c == '\n' || c == '\r' || c == '\t' || c == ' ') {
      space = !out.empty();
      continue;
    }
    if (space) {
      out += ' ';
      space = false;
    }
    out += c;
  }
  while (!out.empty() && out.back() == ' ')
    out.pop_back();
  return out.empty() ? std::string("unknown error") : out;
}

template <typename Fn>
std::string guarded(Fn &&fn) {
  try {
    return fn();
  } catch (const std::exception &e) {
    return oneLine(e.what());
  } catch (...) {
    return "unknown exception";
  }
}

} // namespace

std::string parseModelBinary(const char *data, size_t size,
                             onnx::ModelProto &model) {
  return guarded([&]() -> std::string {
    if (size > static_cast<size_t>(INT_MAX))
      return "the model is larger than 2 GB; keep weights in external data";
    google::protobuf::io::CodedInputStream stream(
        reinterpret_cast<const uint8_t *>(data), static_cast<int>(size));
    stream.SetTotalBytesLimit(INT_MAX);
    stream.SetRecursionLimit(512);
    if (!model.ParseFromCodedStream(&stream) ||
        !stream.ConsumedEntireMessage())
      return "not a valid ONNX model (protobuf parsing failed)";
    return "";
  });
}

std::string parseModelText(const std::string &text, onnx::ModelProto &model) {
  return guarded([&]() -> std::string {
    onnx::OnnxParser parser(text.c_str());
    auto status = parser.Parse(model);
    if (!status.IsOK())
      return "cannot parse the ONNX text: " + oneLine(status.ErrorMessage());
    if (!parser.EndOfInput())
      return "cannot parse the ONNX text: unexpected text after the graph";
    return "";
  });
}

std::string checkModel(const onnx::ModelProto &model,
                       const std::string &modelDir) {
  // onnx::checker::check_model(ModelProto) resolves external data relative to
  // the working directory; this is its body with the model's directory set.
  return guarded([&]() -> std::string {
    using namespace onnx::checker;
    if (!model.ir_version())
      return "the model does not set ir_version";
    if (model.ir_version() > onnx::IR_VERSION)
      return "the model's ir_version " + std::to_string(model.ir_version()) +
             " is newer than this ONNX library supports (" +
             std::to_string(onnx::IR_VERSION) + ")";
    std::unordered_set<std::string> keys;
    for (const auto &entry : model.metadata_props())
      if (!keys.insert(entry.key()).second)
        return "the model has duplicate keys in metadata_props";
    CheckerContext ctx;
    ctx.set_ir_version(static_cast<int>(model.ir_version()));
    std::unordered_map<std::string, int> opsets;
    for (const auto &imp : model.opset_import())
      opsets[imp.domain()] = static_cast<int>(imp.version());
    if (model.ir_version() >= 3) {
      if (opsets.empty())
        return "the model does not import any opset (opset_import is empty)";
    } else if (opsets.empty()) {
      opsets[""] = 1;
    } else {
      return "a model with ir_version < 3 cannot have opset_import";
    }
    ctx.set_opset_imports(opsets);
    ctx.set_model_dir(modelDir);
    LexicalScopeContext lex;
    check_graph(model.graph(), ctx, lex);
    if (ctx.get_ir_version() >= 8)
      check_model_local_functions(model, ctx, lex);
    return "";
  });
}

std::string inferShapes(onnx::ModelProto &model) {
  return guarded([&]() -> std::string {
    onnx::ShapeInferenceOptions options(/*check_type=*/false,
                                        /*strict_mode=*/0,
                                        /*data_prop=*/false);
    onnx::shape_inference::InferShapes(
        model, onnx::OpSchemaRegistry::Instance(), options);
    return "";
  });
}

std::string convertVersion(const onnx::ModelProto &in, int targetOpset,
                           onnx::ModelProto &out) {
  return guarded([&]() -> std::string {
    out = onnx::version_conversion::ConvertVersion(in, targetOpset);
    return "";
  });
}

int schemaSinceVersion(const std::string &opType, int opset,
                       const std::string &domain) {
  try {
    const onnx::OpSchema *schema =
        onnx::OpSchemaRegistry::Schema(opType, opset, domain);
    return schema ? schema->SinceVersion() : -1;
  } catch (...) {
    return -1;
  }
}

} // namespace xfc::onnx_import
