// SPDX-License-Identifier: MIT
// Files built into the binary (cmake/Embed.cmake), so nnlive runs from any directory.
#pragma once
#include <span>
#include <string_view>

namespace nnlive::embedded {

struct File {
  std::string_view name;  // base name, such as "spiral.toml"
  std::string_view data;
};

std::span<const File> presets();  // assets/presets/*.toml
std::span<const File> lessons();  // assets/lessons/*.toml

}  // namespace nnlive::embedded
