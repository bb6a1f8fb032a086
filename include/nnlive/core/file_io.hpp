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

// Calls write(stream) on a temporary file next to `path` (".NAME.PID.partial"), then renames it
// to `path`. On any failure the temporary file is removed, `path` is left as it was, and
// UserError(output) is thrown naming the path. A symlink is followed (the file it names is
// replaced, the link stays); a device, FIFO or socket (/dev/null, /dev/stdout) is written in
// place, never replaced. Stale partial files of the same output are removed first.
void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write);

// Checks early (before long work) that `path` can be written: its folder exists and is
// writable (after following symlinks), or it is a writable device or FIFO.
void check_writable(const std::string& path);

// For outputs that must be regular files (videos): the file `path` names, symlinks followed,
// after the checks of check_writable; UserError(output) for a device, FIFO or socket.
std::string regular_output_path(const std::string& path);

// float32 little-endian .npy (version 1.0) of the given shape, C order.
void write_npy(const std::string& path, const std::vector<size_t>& shape, const float* data);

// 8-bit RGB or RGBA PNG; pixels (height, width, channels) row 0 at the top.
void write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels);

}  // namespace nnlive::core
