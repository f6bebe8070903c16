//===- ContainedPath.cpp - files a model may name, and no others -----------===//

#include "xfc/Support/ContainedPath.h"

#include <cerrno>
#include <climits>
#include <cstdlib>
#include <cstring>
#include <memory>

#include <sys/stat.h>

namespace xfc {

namespace {

/// realpath(3) as a string; empty with errno set on failure.
std::string realPath(const std::string &path) {
  std::unique_ptr<char, decltype(&std::free)> real(
      ::realpath(path.c_str(), nullptr), &std::free);
  return real ? std::string(real.get()) : std::string();
}

bool hasDotDotComponent(const std::string &location) {
  size_t start = 0;
  while (start <= location.size()) {
    size_t end = location.find('/', start);
    if (end == std::string::npos)
      end = location.size();
    if (location.compare(start, end - start, "..") == 0)
      return true;
    start = end + 1;
  }
  return false;
}

} // namespace

std::string resolveContainedFile(const std::string &dir,
                                 const std::string &location,
                                 const std::string &dirName,
                                 std::string &resolved) {
  if (location.empty())
    return "is empty";
  if (location.front() == '/')
    return "must be a relative path inside " + dirName;
  if (hasDotDotComponent(location))
    return "must be a relative path inside " + dirName;
  if (location.find('\0') != std::string::npos)
    return "contains a NUL character";
  std::string realDir = realPath(dir.empty() ? "." : dir);
  if (realDir.empty())
    return std::string("cannot be resolved: the directory '") + dir +
           "': " + std::strerror(errno);
  std::string real = realPath(realDir + "/" + location);
  if (real.empty())
    return std::string("cannot be read: ") + std::strerror(errno);
  std::string prefix = realDir == "/" ? realDir : realDir + "/";
  if (real.compare(0, prefix.size(), prefix) != 0 || real == realDir)
    return "leads outside " + dirName + " (to '" + real +
           "', through a symlink)";
  struct stat st;
  if (::stat(real.c_str(), &st) != 0)
    return std::string("cannot be read: ") + std::strerror(errno);
  if (!S_ISREG(st.st_mode))
    return S_ISDIR(st.st_mode) ? "is a directory, not a file"
                               : "is not a regular file (a device, FIFO or "
                                 "socket)";
  resolved = std::move(real);
  return "";
}

} // namespace xfc
