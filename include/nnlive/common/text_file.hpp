// SPDX-License-Identifier: MIT
// Reading an input text file (config, lesson, weights, CSV) whole, within a size limit, so that
// /dev/zero, a huge file or a folder given by mistake is refused quickly instead of eating
// memory. Header-only: the data and core modules both read files with it.
#pragma once
#include <sys/stat.h>

#include <cstdio>
#include <string>

namespace nnlive {

// Reads `path` into `text`. On failure returns false and sets `problem` to the end of a
// sentence that starts with the path ("is a folder", "is over 64 MiB", ...). NUL bytes are
// refused: none of nnlive's inputs is binary, and parsers may stop at one silently.
inline bool read_text_file(const std::string& path, size_t max_bytes, std::string& text, std::string& problem) {
  struct stat st {};
  if (stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
    problem = "is a folder, not a file";
    return false;
  }
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (!f) {
    problem = "cannot be opened";
    return false;
  }
  text.clear();
  char buf[65536];
  size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) {
    if (text.size() + n > max_bytes) {
      std::fclose(f);
      problem = "is over " + std::to_string(max_bytes >> 20) + " MiB, more than nnlive reads";
      return false;
    }
    text.append(buf, n);
  }
  const bool failed = std::ferror(f) != 0;
  std::fclose(f);
  if (failed) {
    problem = "could not be read";
    return false;
  }
  if (const size_t nul = text.find('\0'); nul != std::string::npos) {
    problem = "holds a NUL byte (at byte " + std::to_string(nul) + "); it is not a text file";
    return false;
  }
  return true;
}

}  // namespace nnlive
