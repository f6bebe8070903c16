//===- ContainedPath.h - files a model may name, and no others -------------===//
//
// A model (or a test-data .pb file) names its external data by a location
// relative to its own directory. Whoever wrote the model must not be able to
// make xfc read anything else: not an absolute path, not `..`, and not a
// symlink that leads out of the directory (ONNX Runtime had CVEs for exactly
// this). Devices, FIFOs and directories are refused too: reading one would
// block, or return what was never a tensor.
//
// Plain C++ over POSIX, no LLVM: the compiler and xfc-run both use it.
//
//===----------------------------------------------------------------------===//

#ifndef XFC_SUPPORT_CONTAINEDPATH_H
#define XFC_SUPPORT_CONTAINEDPATH_H

#include <string>

namespace xfc {

/// Resolves `location` against directory `dir` and checks that, after every
/// symlink, it is a regular file inside `dir` (itself resolved). On success
/// returns "" and sets `resolved` to the real path to open; otherwise
/// returns what is wrong, in a phrase that reads after "external data
/// location 'X' ", naming the directory as `dirName` (e.g. "leads outside
/// the model's directory").
std::string resolveContainedFile(const std::string &dir,
                                 const std::string &location,
                                 const std::string &dirName,
                                 std::string &resolved);

} // namespace xfc

#endif // XFC_SUPPORT_CONTAINEDPATH_H
