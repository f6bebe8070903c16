//===- LLVMEmitter.cpp - LLVM-dialect module → IR, object, shared library -===//

#include "xfc/Target/LLVMEmitter.h"

#include "mlir/Support/FileUtilities.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/LegacyPassManager.h"
#include "llvm/IR/Module.h"
#include "llvm/MC/TargetRegistry.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"
#include "llvm/Support/TargetSelect.h"
#include "llvm/Support/ToolOutputFile.h"
#include "llvm/Target/TargetMachine.h"
#include "llvm/Target/TargetOptions.h"
#include "llvm/TargetParser/Host.h"
#include "llvm/TargetParser/SubtargetFeature.h"

#include <unistd.h>

using namespace mlir;

namespace xfc {
namespace {

std::unique_ptr<llvm::TargetMachine> createHostTargetMachine(int optLevel,
                                                             std::string &error) {
  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  llvm::Triple triple(llvm::sys::getDefaultTargetTriple());
  const llvm::Target *target = llvm::TargetRegistry::lookupTarget(triple, error);
  if (!target)
    return nullptr;
  llvm::SubtargetFeatures features;
  for (auto &feature : llvm::sys::getHostCPUFeatures())
    features.AddFeature(feature.getKey(), feature.getValue());
  llvm::TargetOptions targetOptions;
  auto level = optLevel >= 3   ? llvm::CodeGenOptLevel::Aggressive
               : optLevel == 2 ? llvm::CodeGenOptLevel::Default
               : optLevel == 1 ? llvm::CodeGenOptLevel::Less
                               : llvm::CodeGenOptLevel::None;
  return std::unique_ptr<llvm::TargetMachine>(target->createTargetMachine(
      triple, llvm::sys::getHostCPUName(), features.getString(), targetOptions,
      llvm::Reloc::PIC_, std::nullopt, level));
}

void optimize(llvm::Module &module, llvm::TargetMachine &tm, int optLevel) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb(&tm);
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  llvm::OptimizationLevel level = optLevel >= 3   ? llvm::OptimizationLevel::O3
                                  : optLevel == 2 ? llvm::OptimizationLevel::O2
                                  : optLevel == 1 ? llvm::OptimizationLevel::O1
                                                  : llvm::OptimizationLevel::O0;
  llvm::ModulePassManager mpm =
      level == llvm::OptimizationLevel::O0
          ? pb.buildO0DefaultPipeline(level)
          : pb.buildPerModuleDefaultPipeline(level);
  mpm.run(module, mam);
}

/// Links one object into a shared library with the system C driver, which
/// knows where libc and libm live on this machine.
LogicalResult linkSharedLibrary(StringRef objectPath, StringRef outputPath) {
  std::string driver;
  for (const char *name : {"cc", "clang-22", "clang", "gcc"}) {
    if (auto found = llvm::sys::findProgramByName(name)) {
      driver = *found;
      break;
    }
  }
  if (driver.empty()) {
    llvm::errs() << "xfc: no C compiler driver (cc, clang or gcc) found to "
                    "link the shared library\n";
    return failure();
  }
  llvm::SmallVector<llvm::StringRef> args{driver, "-shared", "-o", outputPath,
                                          objectPath, "-lm", "-Wl,-z,noexecstack"};
  std::string errorMessage;
  int rc = llvm::sys::ExecuteAndWait(driver, args, std::nullopt, {}, 0, 0,
                                     &errorMessage);
  if (rc != 0) {
    llvm::errs() << "xfc: linking " << outputPath << " failed"
                 << (errorMessage.empty() ? "" : ": ") << errorMessage << "\n";
    return failure();
  }
  return success();
}

} // namespace

LogicalResult emitHostArtifact(ModuleOp module, const CompileOptions &options,
                               EmitKind kind, StringRef outputPath) {
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(module, llvmContext, "xfc");
  if (!llvmModule) {
    module.emitError("translation to LLVM IR failed");
    return failure();
  }
  std::string error;
  auto tm = createHostTargetMachine(options.optLevel, error);
  if (!tm) {
    llvm::errs() << "xfc: no LLVM target for this host: " << error << "\n";
    return failure();
  }
  llvmModule->setDataLayout(tm->createDataLayout());
  llvmModule->setTargetTriple(tm->getTargetTriple());
  optimize(*llvmModule, *tm, options.optLevel);

  if (kind == EmitKind::LLVMIR) {
    auto out = openOutputFile(outputPath, &error);
    if (!out) {
      llvm::errs() << "xfc: " << error << "\n";
      return failure();
    }
    llvmModule->print(out->os(), nullptr);
    out->keep();
    return success();
  }

  // Objects for a library go to a temporary file next to nothing else.
  llvm::SmallString<128> objectPath(outputPath);
  int tmpFd = -1;
  if (kind == EmitKind::Library) {
    if (llvm::sys::fs::createTemporaryFile("xfc", "o", tmpFd, objectPath)) {
      llvm::errs() << "xfc: cannot create a temporary object file\n";
      return failure();
    }
    ::close(tmpFd);
  }
  {
    std::error_code ec;
    llvm::raw_fd_ostream os(objectPath, ec, llvm::sys::fs::OF_None);
    if (ec) {
      llvm::errs() << "xfc: cannot write " << objectPath << ": " << ec.message()
                   << "\n";
      return failure();
    }
    llvm::legacy::PassManager codegen;
    if (tm->addPassesToEmitFile(codegen, os, nullptr,
                                llvm::CodeGenFileType::ObjectFile)) {
      llvm::errs() << "xfc: the target cannot emit object files\n";
      return failure();
    }
    codegen.run(*llvmModule);
  }
  if (kind == EmitKind::Object)
    return success();
  LogicalResult linked = linkSharedLibrary(objectPath, outputPath);
  llvm::sys::fs::remove(objectPath);
  return linked;
}

} // namespace xfc
