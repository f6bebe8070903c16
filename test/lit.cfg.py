# lit configuration for xfc: FileCheck tests of the dialects, the importer,
# the conversions and the targets, plus end-to-end numerical tests.
import os

import lit.formats
from lit.llvm import llvm_config

config.name = "xfc"
config.test_format = lit.formats.ShTest(not llvm_config.use_lit_shell)
config.suffixes = [".mlir", ".test"]
config.test_source_root = os.path.dirname(__file__)
config.test_exec_root = os.path.join(config.xfc_obj_root, "test")
config.excludes = ["lit.cfg.py", "lit.site.cfg.py", "CMakeLists.txt", "Inputs", "e2e/models", "onnx"]

llvm_config.use_default_substitutions()
llvm_config.with_environment("PATH", config.xfc_tools_dir, append_path=True)
llvm_config.with_environment("PATH", config.llvm_tools_dir, append_path=True)
llvm_config.add_tool_substitutions(["xfc", "xfc-opt", "xfc-run"], [config.xfc_tools_dir])
config.substitutions.append(("%python", config.python_executable))
config.substitutions.append(("%xfc_src", config.xfc_src_root))
config.substitutions.append(("%xfc_obj", config.xfc_obj_root))
