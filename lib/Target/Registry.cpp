//===- Registry.cpp - the name → target table -----------------------------===//

#include "xfc/Target/Target.h"

#include "llvm/ADT/StringMap.h"

namespace xfc {

static llvm::StringMap<std::unique_ptr<TargetBackend>> &registry() {
  static llvm::StringMap<std::unique_ptr<TargetBackend>> targets;
  return targets;
}

void registerTargetBackend(std::unique_ptr<TargetBackend> backend) {
  std::string key = backend->name().str();
  registry()[key] = std::move(backend);
}

const TargetBackend *lookupTargetBackend(llvm::StringRef name) {
  auto it = registry().find(name);
  return it == registry().end() ? nullptr : it->second.get();
}

std::vector<std::string> registeredTargetNames() {
  std::vector<std::string> names;
  for (auto &entry : registry())
    names.push_back(entry.getKey().str());
  std::sort(names.begin(), names.end());
  return names;
}

} // namespace xfc
