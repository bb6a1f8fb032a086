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
#include "nnlive/core/interrupt.hpp"

namespace nnlive::core {
namespace fs = std::filesystem;

namespace {

// Where an output really goes. Symlinks are followed on purpose: the file a link names is
// replaced and the link stays a link (a dangling link creates the file it names). Anything
// that exists and is neither a regular file nor a folder (a device such as /dev/null or
// /dev/stdout, a FIFO, a socket) is written in place, never replaced.
struct Target {
  fs::path path;
  bool special = false;
};

Target resolve_output(const std::string& given) {
  std::error_code ec;
  const fs::file_status st = fs::status(given, ec);
  if (fs::exists(st) && !fs::is_regular_file(st) && !fs::is_directory(st)) return {given, true};
  fs::path p(given);
  if (fs::exists(st)) {
    if (fs::is_symlink(fs::symlink_status(p, ec))) {
      const fs::path real = fs::canonical(p, ec);
      if (!ec) return {real, false};
    }
    return {p, false};
  }
  for (int hops = 0; hops < 40 && fs::is_symlink(fs::symlink_status(p, ec)); ++hops) {
    const fs::path link = fs::read_symlink(p, ec);
    if (ec) break;
    p = link.is_absolute() ? link : p.parent_path() / link;
  }
  return {p.lexically_normal(), false};
}

void check_target(const std::string& path, const Target& t) {
  std::error_code ec;
  if (t.special) {
    if (access(t.path.c_str(), W_OK) != 0) throw UserError(ExitCode::output, "cannot write " + path + ": it is not writable");
    return;
  }
  const fs::path dir = t.path.parent_path().empty() ? fs::path(".") : t.path.parent_path();
  const std::string named = t.path.string() == path ? path : path + " (" + t.path.string() + ")";
  if (!fs::is_directory(dir, ec)) throw UserError(ExitCode::output, "cannot write " + named + ": the folder " + dir.string() + " does not exist");
  if (fs::is_directory(t.path, ec)) throw UserError(ExitCode::output, "cannot write " + named + ": it is a folder");
  if (access(dir.c_str(), W_OK) != 0) throw UserError(ExitCode::output, "cannot write " + named + ": the folder " + dir.string() + " is not writable");
}

}  // namespace

void check_writable(const std::string& path) { check_target(path, resolve_output(path)); }

std::string regular_output_path(const std::string& path) {
  const Target t = resolve_output(path);
  if (t.special) throw UserError(ExitCode::output, "cannot write " + path + ": it is a device, FIFO or socket, not a file");
  check_target(path, t);
  return t.path.string();
}

void write_file_atomically(const std::string& path, const std::function<void(std::ostream&)>& write) {
  const Target target = resolve_output(path);
  check_target(path, target);
  if (target.special) {
    std::ofstream out(target.path, std::ios::binary);
    if (!out) throw UserError(ExitCode::output, "cannot write " + path + ": cannot open it");
    write(out);
    out.flush();
    if (!out) throw UserError(ExitCode::output, "cannot write " + path + ": writing failed");
    return;
  }
  sweep_stale_partials(target.path.string());
  const fs::path tmp = partial_path(target.path.string());
  const PartialOutput guard(tmp.string());
  try {
    {
      std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
      if (!out) throw UserError(ExitCode::output, "cannot write " + path + ": cannot create a file in its folder");
      write(out);
      out.flush();
      if (!out) throw UserError(ExitCode::output, "cannot write " + path + " (disk full?)");
    }
    std::error_code ec;
    fs::rename(tmp, target.path, ec);
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
