// SPDX-License-Identifier: MIT
// SPIR-V of every shader, compiled at build time and embedded, so nothing is read from disk.
#pragma once
#include <cstdint>
#include <span>

namespace nnlive::gpu::shaders {
std::span<const uint32_t> field_ubo();   // field.comp, weights in a uniform buffer
std::span<const uint32_t> field_ssbo();  // field.comp, weights in a storage buffer
}  // namespace nnlive::gpu::shaders
