// SPDX-License-Identifier: MIT
// Atomic file output, .npy and PNG encoding.
#include "nnlive/core/file_io.hpp"

#include <bit>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <unistd.h>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

#include "nnlive/core/error.hpp"

namespace nnlive::core {
namespace fs = std::filesystem;

void check_writable(const std::string& path) {
  const fs::path p(path);
  const fs::path dir = p.parent_path().empty() ? fs::path(".") : p.parent_path();
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) throw UserError(ExitCode::output, "cannot write " + path + ": the folder " + dir.string() + " does not exist");
  if (fs::is_directory(p, ec)) throw UserError(ExitCode::output, "cannot write " + path + ": it is a folder");
  if (access(dir.c_str(), W_OK) != 0) throw UserError(ExitCode::output, "cannot write " + path + ": the folder " + dir.string() + " is not writable");
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  check_writable(path);
  const fs::path target(path);
  const fs::path tmp = target.parent_path() / ("." + target.filename().string() + ".tmp" + std::to_string(getpid()));
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw UserError(ExitCode::output, "cannot write " + path + ": cannot create a file in its folder");
      write(out);
      out.flush();
      if (!out) throw UserError(ExitCode::output, "cannot write " + path + " (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, target, ec);
    if (ec) throw UserError(ExitCode::output, "cannot write " + path + ": " + ec.message());
  } catch (...) {
    std::error_code ec;
    fs::remove(tmp, ec);
    throw;
  }
}

void write_npy(const std::string& path, const std::vector<size_t>& shape, const float* data) {
  std::string dims;
  size_t count = 1;
  for (size_t d : shape) {
    dims += std::to_string(d) + ", ";
    count *= d;
  }
  if (shape.size() > 1) dims.erase(dims.size() - 2);  // "(H, W)" but "(N,)" for one axis
  else dims.erase(dims.size() - 1);
  std::string header = "{'descr': '<f4', 'fortran_order': False, 'shape': (" + dims + "), }";
  // Magic (6) + version (2) + length (2) + header + '\n', padded to a multiple of 64 bytes.
  const size_t total = 10 + header.size() + 1;
  header.append((64 - total % 64) % 64, ' ');
  header += '\n';
  write_file_atomically(path, [&](std::ostream& out) {
    out.write("\x93NUMPY\x01\x00", 8);
    const uint16_t len = static_cast<uint16_t>(header.size());
    const char le[2] = {static_cast<char>(len & 0xff), static_cast<char>(len >> 8)};
    out.write(le, 2);
    out.write(header.data(), std::streamsize(header.size()));
    static_assert(std::endian::native == std::endian::little, "nnlive writes .npy on little-endian machines");
    out.write(reinterpret_cast<const char*>(data), std::streamsize(count * sizeof(float)));
  });
}

void write_png(const std::string& path, int width, int height, int channels, const uint8_t* pixels) {
  std::string encoded;
  auto sink = [](void* ctx, void* d, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(d), size); };
  if (!stbi_write_png_to_func(sink, &encoded, width, height, channels, pixels, width * channels))
    throw UserError(ExitCode::output, "cannot encode the PNG for " + path);
  write_file_atomically(path, [&](std::ostream& out) { out.write(encoded.data(), std::streamsize(encoded.size())); });
}

}  // namespace nnlive::core
