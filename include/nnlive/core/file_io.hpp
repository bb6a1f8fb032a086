// SPDX-License-Identifier: MIT
// Output files written whole or not at all: into a temporary file beside the target, renamed
// over it only once complete. Plus the .npy and PNG encoders nnlive writes with it.
#pragma once
#include <cstdint>
#include <functional>
#include <ostream>
#include <string>
#include <vector>

namespace nnlive::core {

// Calls write(stream) on a temporary file next to `path`, then renames it to `path`. On any
// failure the temporary file is removed, `path` is left as it was, and UserError(output) is
// thrown naming the path.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// Checks early (before long work) that `path`'s directory exists and is writable.
void check_writable(const std::string& path);

// float32 little-endian .npy (version 1.0) of the given shape, C order.
void write_npy(const std::string& path, const std::vector<size_t>& shape, const float* data);

// 8-bit RGB or RGBA PNG; pixels (height, width, channels) row 0 at the top.
void write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels);

}  // namespace nnlive::core
