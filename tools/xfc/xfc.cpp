//===- xfc.cpp - the xfc compiler driver ----------------------------------===//
//
//   xfc MODEL.onnx -o OUT.so [--target=cpu] [-O0|-O1|-O2|-O3]
//       [--emit=xf|linalg|llvm-dialect|llvm|obj|lib] [--check]
//       [--expose-intermediates[=NAME,...]] [--expose-intermediates-regex=RE]
//       [--input-shape=NAME:D0xD1x...]... [--dim=PARAM=N]...
//   xfc --list-supported-ops
//
// Imports an ONNX model (or reads xf/linalg MLIR), runs the graph passes,
// the shared xf→linalg lowering and the target's pipeline, and writes the
// requested stage. Every problem is one line on stderr naming the file and
// the ONNX node; the exit code is non-zero.
//
//===----------------------------------------------------------------------===//

#include "xfc/Import/ONNX/Importer.h"
#include "xfc/InitAll.h"
#include "xfc/Support/NodeLocation.h"
#include "xfc/Target/Target.h"
#include "xfc/Transforms/Passes.h"

#include "mlir/IR/AsmState.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Support/FileUtilities.h"
#include "mlir/Support/Timing.h"
#include "llvm/ADT/STLExtras.h"
#include "llvm/ADT/StringExtras.h"
#include "llvm/Support/CommandLine.h"
#include "llvm/Support/InitLLVM.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <cctype>
#include <tuple>

using namespace mlir;
namespace cl = llvm::cl;

namespace {

cl::OptionCategory xfcCategory("xfc options");
cl::OptionCategory mlirDebugCategory("MLIR debugging options");

cl::opt<std::string> inputPath(cl::Positional, cl::desc("<model.onnx | model.onnxtxt | input.mlir>"),
                               cl::Optional, cl::cat(xfcCategory));
cl::opt<std::string> outputPath("o", cl::desc("Output file ('-' for stdout)"),
                                cl::value_desc("path"), cl::cat(xfcCategory));
cl::opt<std::string> targetName("target", cl::desc("Code generation target"),
                                cl::init("cpu"), cl::cat(xfcCategory));
cl::opt<xfc::EmitKind> emitKind(
    "emit", cl::desc("What to produce"), cl::init(xfc::EmitKind::Library),
    cl::values(clEnumValN(xfc::EmitKind::Xf, "xf", "xf dialect after graph passes"),
               clEnumValN(xfc::EmitKind::Linalg, "linalg", "linalg on tensors"),
               clEnumValN(xfc::EmitKind::LLVMDialect, "llvm-dialect",
                          "MLIR LLVM dialect"),
               clEnumValN(xfc::EmitKind::LLVMIR, "llvm", "optimized LLVM IR"),
               clEnumValN(xfc::EmitKind::Object, "obj", "object file"),
               clEnumValN(xfc::EmitKind::Library, "lib", "shared library (default)")),
    cl::cat(xfcCategory));
cl::opt<bool> checkOnly("check",
                        cl::desc("List every unsupported node and exit"),
                        cl::cat(xfcCategory));
cl::opt<bool> listSupportedOps(
    "list-supported-ops",
    cl::desc("Print the supported ONNX operators as a Markdown table and exit"),
    cl::cat(xfcCategory));
cl::opt<std::string> prefixOpt("prefix",
                               cl::desc("Symbol prefix of the compiled model "
                                        "(default: from the output file name)"),
                               cl::cat(xfcCategory));
// Numerics debugging: intermediate values become extra model outputs.
// A plain `--expose-intermediates` exposes every node output.
cl::opt<std::string> exposeNames(
    "expose-intermediates", cl::ValueOptional,
    cl::desc("Also output every node output (or only the comma-separated "
             "ONNX value names), after the graph outputs in node order"),
    cl::value_desc("name,..."), cl::cat(xfcCategory));
cl::opt<std::string> exposeRegex(
    "expose-intermediates-regex",
    cl::desc("Also output the node outputs whose ONNX names match this "
             "regex (POSIX extended, whole name)"),
    cl::value_desc("regex"), cl::cat(xfcCategory));
// Specializing a model with dynamic inputs: both rewrite the graph inputs
// before ONNX's shape inference runs.
cl::list<std::string> inputShapes(
    "input-shape",
    cl::desc("Fix the shape of graph input NAME (repeatable); a '?' keeps "
             "that dimension dynamic, an empty list makes it a scalar"),
    cl::value_desc("NAME:D0xD1x..."), cl::cat(xfcCategory));
cl::list<std::string> dimParams(
    "dim",
    cl::desc("Fix every input dimension named PARAM (its dim_param) to N "
             "(repeatable)"),
    cl::value_desc("PARAM=N"), cl::cat(xfcCategory));
bool exposeRequested() {
  return exposeNames.getNumOccurrences() > 0 || !exposeRegex.empty();
}
enum OptLevel { O0 = 0, O1 = 1, O2 = 2, O3 = 3 };
cl::opt<OptLevel> optLevel(cl::desc("Optimization level (default -O3)"),
                           cl::init(O3), cl::cat(xfcCategory),
                           cl::values(clEnumVal(O0, "no optimization"),
                                      clEnumVal(O1, "light"),
                                      clEnumVal(O2, "default"),
                                      clEnumVal(O3, "aggressive (default)")));

/// --help lists xfc's options and MLIR's IR printing, timing and statistics
/// options; every other option linked in (LLVM's backends, MLIR's
/// internals) is listed only by --help-hidden.
void organizeHelp() {
  static constexpr StringRef kDebugPrefixes[] = {
      "mlir-print-ir-",       "mlir-timing",           "mlir-pass-statistics",
      "mlir-print-debuginfo", "mlir-print-local-scope", "mlir-print-op-generic",
      "mlir-elide-elementsattrs-if-larger",            "mlir-disable-threading"};
  static constexpr StringRef kGeneric[] = {
      "help", "help-hidden", "help-list", "help-list-hidden", "version",
      "print-options", "print-all-options"};
  for (auto &entry : cl::getRegisteredOptions()) {
    StringRef name = entry.first;
    cl::Option *option = entry.second;
    if (llvm::is_contained(option->Categories, &xfcCategory) ||
        llvm::is_contained(kGeneric, name))
      continue;
    if (llvm::any_of(kDebugPrefixes,
                     [&](StringRef p) { return name.starts_with(p); })) {
      option->addCategory(mlirDebugCategory);
      continue;
    }
    if (option->getOptionHiddenFlag() == cl::NotHidden)
      option->setHiddenFlag(cl::Hidden);
  }
}

/// Parses `--input-shape` and `--dim` into `options`; false (with one line
/// on stderr) on a malformed value.
bool parseShapeOverrides(xfc::ImportOptions &options) {
  auto parseSize = [](StringRef text, int64_t &out) {
    unsigned long long v;
    if (text.getAsInteger(10, v) || v > (1ull << 40))
      return false;
    out = static_cast<int64_t>(v);
    return true;
  };
  for (StringRef arg : inputShapes) {
    size_t colon = arg.rfind(':');
    if (colon == StringRef::npos || colon == 0) {
      llvm::errs() << "xfc: --input-shape=" << arg
                   << ": expected NAME:D0xD1x... (e.g. input:1x3x224x224)\n";
      return false;
    }
    xfc::InputShapeOverride override{arg.take_front(colon).str(), {}};
    StringRef dims = arg.drop_front(colon + 1);
    if (!dims.empty()) {
      for (StringRef d : llvm::split(dims, 'x')) {
        int64_t size = xfc::InputShapeOverride::kKeep;
        if (d != "?" && !parseSize(d, size)) {
          llvm::errs() << "xfc: --input-shape=" << arg << ": '" << d
                       << "' is not a dimension size (a number up to 2^40, "
                          "or ? to keep it dynamic)\n";
          return false;
        }
        override.dims.push_back(size);
      }
    }
    options.inputShapes.push_back(std::move(override));
  }
  for (StringRef arg : dimParams) {
    auto [param, value] = arg.split('=');
    int64_t size;
    if (param.empty() || value.empty() || !parseSize(value, size)) {
      llvm::errs() << "xfc: --dim=" << arg
                   << ": expected PARAM=N with N a size up to 2^40 (e.g. "
                      "batch=1)\n";
      return false;
    }
    options.dimParams.push_back({param.str(), size});
  }
  return true;
}

/// Turns a file name into a C identifier for the symbol prefix.
std::string sanitizePrefix(StringRef path) {
  std::string stem = llvm::sys::path::stem(path).str();
  // model.so → "model"; lib names like "bert.onnx.so" keep their first part.
  if (auto dot = stem.find('.'); dot != std::string::npos)
    stem = stem.substr(0, dot);
  std::string out;
  for (char c : stem)
    out.push_back(std::isalnum(static_cast<unsigned char>(c)) ? c : '_');
  if (out.empty() || std::isdigit(static_cast<unsigned char>(out[0])))
    out = "m_" + out;
  return out;
}

/// Prints MLIR diagnostics as `file: node 'NAME' (OpType): message`.
LogicalResult printDiagnostic(Diagnostic &diag) {
  if (diag.getSeverity() == DiagnosticSeverity::Note ||
      diag.getSeverity() == DiagnosticSeverity::Remark)
    return success();
  llvm::errs() << inputPath << ": ";
  if (std::string node = xfc::nodeDescription(diag.getLocation()); !node.empty())
    llvm::errs() << node << ": ";
  if (diag.getSeverity() == DiagnosticSeverity::Warning)
    llvm::errs() << "warning: ";
  llvm::errs() << diag.str() << "\n";
  return success();
}

/// Markdown table cell: `|` would end the cell, a newline the row.
std::string markdownCell(StringRef text) {
  std::string out;
  for (char c : text) {
    if (c == '|')
      out += "\\|";
    else
      out.push_back(c == '\n' ? ' ' : c);
  }
  return out;
}

/// The importer's converter registry as a Markdown table, one row per
/// operator with all its since-versions (docs/supported-ops.md is this
/// output; test/docs checks that it is current).
void printSupportedOps(llvm::raw_ostream &os) {
  std::vector<xfc::SupportedOp> ops = xfc::listSupportedOps();
  std::stable_sort(ops.begin(), ops.end(),
                   [](const xfc::SupportedOp &a, const xfc::SupportedOp &b) {
                     return std::tie(a.domain, a.opType) <
                            std::tie(b.domain, b.opType);
                   });
  // Every imported op becomes xf ops, and convert-xf-to-linalg (shared by
  // all targets) has a pattern for every xf op with the whole dialect
  // illegal, so the CPU column is the same for every row.
  os << "| domain | operator | since versions | CPU | notes |\n"
     << "| --- | --- | --- | --- | --- |\n";
  for (size_t i = 0; i < ops.size();) {
    size_t end = i;
    std::string versions;
    std::vector<std::string> notes;
    for (; end < ops.size() && ops[end].domain == ops[i].domain &&
           ops[end].opType == ops[i].opType;
         ++end) {
      versions += (versions.empty() ? "" : ", ") +
                  std::to_string(ops[end].sinceVersion);
      if (!ops[end].notes.empty() &&
          llvm::find(notes, ops[end].notes) == notes.end())
        notes.push_back(ops[end].notes);
    }
    std::string domain = ops[i].domain.empty() ? "ai.onnx" : ops[i].domain;
    os << "| " << markdownCell(domain) << " | " << markdownCell(ops[i].opType)
       << " | " << versions << " | xf→linalg | "
       << markdownCell(llvm::join(notes, "; ")) << " |\n";
    i = end;
  }
}

OwningOpRef<ModuleOp> loadInput(MLIRContext &ctx) {
  StringRef path = inputPath;
  if (path.ends_with(".mlir")) {
    if (exposeRequested()) {
      llvm::errs() << path
                   << ": --expose-intermediates needs an ONNX model, whose "
                      "value names it exposes\n";
      return nullptr;
    }
    if (!inputShapes.empty() || !dimParams.empty()) {
      llvm::errs() << path
                   << ": --input-shape and --dim need an ONNX model, whose "
                      "inputs they rewrite\n";
      return nullptr;
    }
    llvm::SourceMgr sourceMgr;
    std::string error;
    auto file = openInputFile(path, &error);
    if (!file) {
      llvm::errs() << path << ": " << error << "\n";
      return nullptr;
    }
    sourceMgr.AddNewSourceBuffer(std::move(file), llvm::SMLoc());
    return parseSourceFile<ModuleOp>(sourceMgr, &ctx);
  }
  xfc::ImportOptions options;
  options.checkOnly = checkOnly;
  options.expose.enabled = exposeRequested();
  if (!exposeNames.empty())
    for (StringRef name : llvm::split(exposeNames, ','))
      options.expose.names.push_back(name.str());
  options.expose.regex = exposeRegex;
  if (!parseShapeOverrides(options))
    return nullptr;
  std::vector<xfc::ImportProblem> problems;
  OwningOpRef<ModuleOp> module = xfc::importOnnxFile(path, ctx, options, problems);
  for (const xfc::ImportProblem &p : problems)
    llvm::errs() << xfc::formatProblem(path, p) << "\n";
  if (!problems.empty())
    return nullptr;
  return module;
}

LogicalResult printModule(ModuleOp module, StringRef path) {
  std::string error;
  auto out = openOutputFile(path.empty() ? "-" : path, &error);
  if (!out) {
    llvm::errs() << "xfc: " << error << "\n";
    return failure();
  }
  module.print(out->os());
  out->keep();
  return success();
}

int compile(MLIRContext &ctx) {
  const xfc::TargetBackend *target = xfc::lookupTargetBackend(targetName);
  if (!target) {
    llvm::errs() << "xfc: unknown target '" << targetName << "'; available:";
    for (const std::string &name : xfc::registeredTargetNames())
      llvm::errs() << " " << name;
    llvm::errs() << "\n";
    return 1;
  }
  OwningOpRef<ModuleOp> module = loadInput(ctx);
  if (!module)
    return 1;
  if (checkOnly) {
    llvm::outs() << inputPath << ": every node is supported\n";
    return 0;
  }

  xfc::CompileOptions options;
  options.target = targetName;
  options.optLevel = optLevel;
  // The prefix comes from the output file, or from the input when the
  // output is stdout or not given.
  bool namedOutput = !outputPath.empty() && outputPath != "-";
  options.prefix = prefixOpt.empty()
                       ? sanitizePrefix(namedOutput ? outputPath : inputPath)
                       : sanitizePrefix(prefixOpt);

  bool textual = emitKind == xfc::EmitKind::Xf || emitKind == xfc::EmitKind::Linalg ||
                 emitKind == xfc::EmitKind::LLVMDialect ||
                 emitKind == xfc::EmitKind::LLVMIR;
  if (!textual && outputPath.empty()) {
    llvm::errs() << "xfc: -o OUTPUT is required for --emit=obj and --emit=lib\n";
    return 1;
  }

  // Each stage is its own pass manager so that --emit can stop between
  // them; the MLIR command-line options (IR printing, timing) apply to all.
  DefaultTimingManager timing;
  applyDefaultTimingManagerCLOptions(timing);
  TimingScope rootTiming = timing.getRootScope();
  auto runStage = [&](function_ref<void(PassManager &)> build) {
    PassManager pm(&ctx);
    if (failed(applyPassManagerCLOptions(pm)))
      return failure();
    pm.enableTiming(rootTiming);
    build(pm);
    return pm.run(*module);
  };

  // -O0 keeps the graph as imported (the unfused reference); above it,
  // decomposed attention, norms, GELU and lookups are raised to xf ops.
  auto graphStage = [&](PassManager &pm) {
    (void)parsePassPipeline(optLevel == O0 ? "canonicalize,cse"
                                           : "canonicalize,cse,xf-fuse,canonicalize,cse",
                            pm, llvm::errs());
  };
  if (failed(runStage(graphStage)))
    return 1;
  if (emitKind == xfc::EmitKind::Xf)
    return failed(printModule(*module, outputPath)) ? 1 : 0;

  if (failed(runStage([&](PassManager &pm) {
        pm.addPass(xfc::createRecordAbiPass());
        (void)parsePassPipeline("convert-xf-to-linalg,canonicalize,cse", pm,
                                llvm::errs());
      })))
    return 1;
  if (emitKind == xfc::EmitKind::Linalg)
    return failed(printModule(*module, outputPath)) ? 1 : 0;

  if (failed(runStage([&](PassManager &pm) {
        target->buildLoweringPipeline(pm, options);
      })))
    return 1;
  if (emitKind == xfc::EmitKind::LLVMDialect)
    return failed(printModule(*module, outputPath)) ? 1 : 0;

  TimingScope emitTiming = rootTiming.nest("emit " + target->name().str());
  return failed(target->emit(*module, options, emitKind,
                             outputPath.empty() ? "-" : StringRef(outputPath)))
             ? 1
             : 0;
}

} // namespace

int main(int argc, char **argv) {
  llvm::InitLLVM initLLVM(argc, argv);
  // Passes first: --mlir-print-ir-after=PASS only knows the passes that are
  // registered when the pass manager options are.
  xfc::registerAllPasses();
  registerAsmPrinterCLOptions();
  registerMLIRContextCLOptions();
  registerPassManagerCLOptions();
  registerDefaultTimingManagerCLOptions();
  organizeHelp();
  cl::ParseCommandLineOptions(argc, argv, "xfc: ONNX model compiler\n");
  if (listSupportedOps) {
    printSupportedOps(llvm::outs());
    return 0;
  }
  if (inputPath.empty()) {
    llvm::errs() << "xfc: no input file (see --help)\n";
    return 1;
  }

  DialectRegistry registry;
  xfc::registerAllDialects(registry);
  MLIRContext ctx(registry);
  ctx.loadAllAvailableDialects();
  ScopedDiagnosticHandler handler(&ctx, printDiagnostic);
  return compile(ctx);
}
