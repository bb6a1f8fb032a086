// SPDX-License-Identifier: MIT
// SPIR-V of every shader, compiled at build time and embedded, so nothing is read from disk.
#pragma once
#include <cstdint>
#include <span>

namespace nnlive::gpu::shaders {
std::span<const uint32_t> field_ubo();   // field.comp, weights in a uniform buffer
std::span<const uint32_t> field_ssbo();  // field.comp, weights in a storage buffer
std::span<const uint32_t> field_tiled_ubo();   // field_tiled.comp, weights in a uniform buffer
std::span<const uint32_t> field_tiled_ssbo();  // field_tiled.comp, weights in a storage buffer
std::span<const uint32_t> field_coop();  // field_coop.comp (fp16 cooperative matrices)
std::span<const uint32_t> field_coop_emulated();  // field_coop.comp, its tiles as plain arrays (tests)
std::span<const uint32_t> shapes_vert();
std::span<const uint32_t> shapes_frag();
std::span<const uint32_t> field_view_vert();
std::span<const uint32_t> field_view_frag();
}  // namespace nnlive::gpu::shaders
