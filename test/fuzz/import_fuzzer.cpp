//===- import_fuzzer.cpp - libFuzzer entry point for the ONNX importer ----===//
//
// Feeds arbitrary bytes to xfc::importOnnxFile, as a binary ModelProto or, when
// the input starts with '<' (which no binary model can), as ONNX text
// (.onnxtxt). Every input is imported twice, with --check semantics
// (checkOnly: convert every node) and without, and the importer's contract is
// checked: problems iff no module, every problem one non-empty line. With
// XFC_FUZZ_LOWER=1 a successful import is also run through the graph passes
// and the xf→linalg lowering of `xfc`.
//
// The importer reads a file (external data resolves relative to it), so the
// bytes go to a file in a private temporary directory under $TMPDIR.
//
//   XFC_FUZZ_FORMAT=auto|binary|text   how to read the input (default auto)
//   XFC_FUZZ_LOWER=1                   also lower successful imports
//
// Build: cmake -DXFC_ENABLE_SANITIZERS=ON (clang) builds it, see
// test/fuzz/CMakeLists.txt; run_fuzz.sh is the bounded run ctest does.
//
//===----------------------------------------------------------------------===//

#include "xfc/Import/ONNX/Importer.h"
#include "xfc/InitAll.h"

#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/Support/raw_ostream.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <unistd.h>

namespace {

struct FuzzState {
  std::string dir;
  std::string binaryPath;
  std::string textPath;
  enum { Auto, Binary, Text } format = Auto;
  bool lower = false;
  mlir::DialectRegistry registry;
};

// Never destroyed: reachable at exit, so LeakSanitizer does not count it.
FuzzState *state = nullptr;

[[noreturn]] void contractViolation(const char *what, const std::string &detail) {
  llvm::errs() << "xfc-import-fuzzer: importer contract violated: " << what
               << ": " << detail << "\n";
  std::abort();
}

void writeFile(const std::string &path, const uint8_t *data, size_t size) {
  FILE *f = std::fopen(path.c_str(), "wb");
  if (!f || (size && std::fwrite(data, 1, size, f) != size) || std::fclose(f)) {
    std::perror(path.c_str());
    std::abort(); // Not the importer's fault, but nothing useful can go on.
  }
}

void importOnce(const std::string &path, bool checkOnly) {
  mlir::MLIRContext ctx(state->registry, mlir::MLIRContext::Threading::DISABLED);
  // Diagnostics of the lowering are expected for odd models; keep them quiet.
  mlir::ScopedDiagnosticHandler quiet(&ctx, [](mlir::Diagnostic &) {
    return mlir::success();
  });
  xfc::ImportOptions opts;
  opts.checkOnly = checkOnly;
  std::vector<xfc::ImportProblem> problems;
  mlir::OwningOpRef<mlir::ModuleOp> module =
      xfc::importOnnxFile(path, ctx, opts, problems);

  if (!module && problems.empty())
    contractViolation("no module and no problem reported", path);
  if (module && !problems.empty())
    contractViolation("a module and problems", xfc::formatProblem(path, problems[0]));
  for (const xfc::ImportProblem &p : problems) {
    std::string line = xfc::formatProblem(path, p);
    if (p.reason.empty())
      contractViolation("empty problem reason", line);
    if (line.find('\n') != std::string::npos || line.find('\r') != std::string::npos)
      contractViolation("problem is not one line", line);
  }
  if (!module || !state->lower || checkOnly)
    return;

  // What `xfc` runs after importing, up to linalg (-O3 graph passes).
  mlir::PassManager graph(&ctx);
  if (failed(mlir::parsePassPipeline("canonicalize,cse,xf-fuse,canonicalize,cse",
                                     graph, llvm::errs())))
    std::abort();
  if (failed(graph.run(*module)))
    return;
  mlir::PassManager lower(&ctx);
  if (failed(mlir::parsePassPipeline("xfc-record-abi,convert-xf-to-linalg,"
                                     "canonicalize,cse",
                                     lower, llvm::errs())))
    std::abort();
  (void)lower.run(*module);
}

} // namespace

extern "C" int LLVMFuzzerInitialize(int *, char ***) {
  state = new FuzzState;
  xfc::registerAllDialects(state->registry);
  xfc::registerAllPasses();

  if (const char *f = std::getenv("XFC_FUZZ_FORMAT")) {
    if (!std::strcmp(f, "binary"))
      state->format = FuzzState::Binary;
    else if (!std::strcmp(f, "text"))
      state->format = FuzzState::Text;
  }
  if (const char *l = std::getenv("XFC_FUZZ_LOWER"))
    state->lower = *l && std::strcmp(l, "0") != 0;

  const char *tmp = std::getenv("TMPDIR");
  std::string templ = std::string(tmp && *tmp ? tmp : "/tmp") + "/xfc-fuzz-XXXXXX";
  if (!mkdtemp(templ.data())) {
    std::perror("xfc-import-fuzzer: mkdtemp");
    std::exit(1);
  }
  state->dir = templ;
  state->binaryPath = state->dir + "/model.onnx";
  state->textPath = state->dir + "/model.onnxtxt";
  std::atexit([] {
    std::remove(state->binaryPath.c_str());
    std::remove(state->textPath.c_str());
    rmdir(state->dir.c_str());
  });
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  bool text = state->format == FuzzState::Text ||
              (state->format == FuzzState::Auto && size > 0 && data[0] == '<');
  const std::string &path = text ? state->textPath : state->binaryPath;
  writeFile(path, data, size);
  importOnce(path, /*checkOnly=*/true);
  importOnce(path, /*checkOnly=*/false);
  return 0;
}
