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

#include <cerrno>
#include <climits>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <exception>
#include <functional>
#include <unordered_map>
#include <unordered_set>

#include <fcntl.h>
#include <sys/wait.h>
#include <unistd.h>

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
    auto parse = [&](int recursionLimit) {
      model.Clear();
      google::protobuf::io::CodedInputStream stream(
          reinterpret_cast<const uint8_t *>(data), static_cast<int>(size));
      stream.SetTotalBytesLimit(INT_MAX);
      stream.SetRecursionLimit(recursionLimit);
      return model.ParseFromCodedStream(&stream) &&
             stream.ConsumedEntireMessage();
    };
    // A nesting level is three messages (node, attribute, graph); a graph
    // holds a few more below it (a tensor attribute, a sparse tensor, a
    // type). A model that parses only with four times the depth is valid
    // but nested too deep.
    constexpr int kLimit = 3 * kMaxSubgraphNesting + 16;
    if (parse(kLimit))
      return "";
    if (parse(4 * kLimit)) {
      model.Clear();
      return "subgraphs (If, Loop and Scan bodies) nest deeper than " +
             std::to_string(kMaxSubgraphNesting) +
             " levels, the most xfc supports";
    }
    return "not a valid ONNX model (protobuf parsing failed)";
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

//===----------------------------------------------------------------------===//
// Isolation: libonnx 1.12 crashes on some malformed models (null
// dereferences, divisions by zero, reads past vectors, unbounded recursion in
// its checker, shape inference and version converter). The importer checks
// what it knows of beforehand; everything else runs in a forked child, so a
// crash there becomes an error message.
//===----------------------------------------------------------------------===//

namespace {

/// Whether to fork: XFC_ONNX_IN_PROCESS=1 runs libonnx in the process (to
/// debug a crash in it).
bool isolationEnabled() {
  const char *env = std::getenv("XFC_ONNX_IN_PROCESS");
  return !(env && *env && std::strcmp(env, "0") != 0);
}

bool writeAll(int fd, const char *data, size_t size) {
  while (size > 0) {
    ssize_t n = ::write(fd, data, size);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      return false;
    data += n;
    size -= static_cast<size_t>(n);
  }
  return true;
}

enum class Isolated { Done, Crashed, Unavailable };

/// Runs `work` in a forked child and returns its result string in `result`.
/// The child's diagnostics (sanitizer reports, LLVM's crash handler) are
/// silenced: its death is reported by the caller instead.
Isolated runIsolated(const std::function<std::string()> &work,
                     std::string &result, int &signal) {
  int fds[2];
  if (::pipe(fds) != 0)
    return Isolated::Unavailable;
  std::fflush(nullptr);
  pid_t pid = ::fork();
  if (pid < 0) {
    ::close(fds[0]);
    ::close(fds[1]);
    return Isolated::Unavailable;
  }
  if (pid == 0) {
    ::close(fds[0]);
    for (int sig : {SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGABRT, SIGTRAP})
      std::signal(sig, SIG_DFL);
    int devnull = ::open("/dev/null", O_WRONLY);
    if (devnull >= 0)
      ::dup2(devnull, 2);
    std::string out = guarded(work);
    ::_exit(writeAll(fds[1], out.data(), out.size()) ? 0 : 1);
  }
  ::close(fds[1]);
  result.clear();
  char buffer[1 << 16];
  for (;;) {
    ssize_t n = ::read(fds[0], buffer, sizeof buffer);
    if (n < 0 && errno == EINTR)
      continue;
    if (n <= 0)
      break;
    result.append(buffer, static_cast<size_t>(n));
  }
  ::close(fds[0]);
  int status = 0;
  while (::waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  signal = WIFSIGNALED(status) ? WTERMSIG(status) : 0;
  if (!WIFEXITED(status) || WEXITSTATUS(status) != 0 || result.empty())
    return Isolated::Crashed;
  return Isolated::Done;
}

std::string crashMessage(const char *what, int signal) {
  std::string s = std::string("ONNX's ") + what + " crashed on this model";
  if (signal) {
    const char *name = strsignal(signal);
    s += std::string(" (") + (name ? name : "signal " + std::to_string(signal)) + ")";
  }
  return s + ": it is malformed in a way that ONNX 1.12 does not check";
}

/// What shape inference adds to a model, without the tensors: the child
/// sends this back.
void stripTensors(onnx::GraphProto &graph) {
  graph.clear_initializer();
  graph.clear_sparse_initializer();
  for (onnx::NodeProto &node : *graph.mutable_node())
    for (onnx::AttributeProto &attr : *node.mutable_attribute()) {
      attr.clear_t();
      attr.clear_tensors();
      attr.clear_sparse_tensor();
      attr.clear_sparse_tensors();
      if (attr.has_g())
        stripTensors(*attr.mutable_g());
      for (onnx::GraphProto &g : *attr.mutable_graphs())
        stripTensors(g);
    }
}

/// Copies the value types shape inference wrote in `from` (the child's
/// model) into the same graphs of `to`.
bool copyInferredTypes(const onnx::GraphProto &from, onnx::GraphProto &to) {
  if (from.node_size() != to.node_size() ||
      from.input_size() != to.input_size() ||
      from.output_size() != to.output_size())
    return false;
  *to.mutable_input() = from.input();
  *to.mutable_output() = from.output();
  *to.mutable_value_info() = from.value_info();
  for (int i = 0, e = from.node_size(); i < e; ++i) {
    const onnx::NodeProto &fromNode = from.node(i);
    onnx::NodeProto &toNode = *to.mutable_node(i);
    if (fromNode.attribute_size() != toNode.attribute_size())
      return false;
    for (int j = 0, f = fromNode.attribute_size(); j < f; ++j) {
      const onnx::AttributeProto &a = fromNode.attribute(j);
      onnx::AttributeProto &b = *toNode.mutable_attribute(j);
      if (a.has_g() != b.has_g() || a.graphs_size() != b.graphs_size())
        return false;
      if (a.has_g() && !copyInferredTypes(a.g(), *b.mutable_g()))
        return false;
      for (int k = 0, g = a.graphs_size(); k < g; ++k)
        if (!copyInferredTypes(a.graphs(k), *b.mutable_graphs(k)))
          return false;
    }
  }
  return true;
}

} // namespace

std::string checkAndInferShapes(onnx::ModelProto &model,
                                const std::string &modelDir) {
  auto inProcess = [&]() -> std::string {
    if (std::string error = checkModel(model, modelDir); !error.empty())
      return "invalid model: " + error;
    if (std::string error = inferShapes(model); !error.empty())
      return "ONNX shape inference failed: " + error;
    return "";
  };
  if (!isolationEnabled())
    return inProcess();

  // The child answers 'C'/'I' + message when the checker / shape inference
  // reject the model, or 'O' + the inferred model without its tensors.
  std::string result;
  int signal = 0;
  Isolated how = runIsolated(
      [&]() -> std::string {
        if (std::string error = checkModel(model, modelDir); !error.empty())
          return "C" + error;
        if (std::string error = inferShapes(model); !error.empty())
          return "I" + error;
        stripTensors(*model.mutable_graph());
        model.clear_functions();
        std::string bytes;
        if (!model.SerializeToString(&bytes))
          return "Icannot serialize the inferred model";
        return "O" + bytes;
      },
      result, signal);
  if (how == Isolated::Unavailable)
    return inProcess();
  if (how == Isolated::Crashed)
    return crashMessage("checker or shape inference", signal);
  if (result[0] == 'C')
    return "invalid model: " + result.substr(1);
  if (result[0] == 'I')
    return "ONNX shape inference failed: " + result.substr(1);
  onnx::ModelProto inferred;
  if (result[0] != 'O' ||
      !parseModelBinary(result.data() + 1, result.size() - 1, inferred).empty() ||
      !guarded([&]() -> std::string {
         return copyInferredTypes(inferred.graph(), *model.mutable_graph())
                    ? ""
                    : "mismatch";
       }).empty())
    return "ONNX shape inference failed: its result does not match the model";
  return "";
}

std::string convertVersionAndInferShapes(const onnx::ModelProto &in,
                                         int targetOpset,
                                         onnx::ModelProto &out) {
  auto inProcess = [&]() -> std::string {
    if (std::string error = convertVersion(in, targetOpset, out); !error.empty())
      return error;
    return inferShapes(out);
  };
  if (!isolationEnabled())
    return inProcess();
  // The converted model comes back whole (this path is for old models whose
  // operators need upgrading, which the converter rewrites).
  std::string result;
  int signal = 0;
  Isolated how = runIsolated(
      [&]() -> std::string {
        if (std::string error = inProcess(); !error.empty())
          return "E" + error;
        std::string bytes;
        if (!out.SerializeToString(&bytes))
          return "Ecannot serialize the converted model";
        return "O" + bytes;
      },
      result, signal);
  if (how == Isolated::Unavailable)
    return inProcess();
  if (how == Isolated::Crashed)
    return crashMessage("version converter", signal);
  if (result[0] != 'O')
    return result.substr(1);
  return parseModelBinary(result.data() + 1, result.size() - 1, out);
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
