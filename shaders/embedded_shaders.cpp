// SPDX-License-Identifier: MIT
// The SPIR-V word lists glslc wrote at build time (shaders/CMakeLists.txt).
#include "nnlive/gpu/shaders.hpp"

namespace nnlive::gpu::shaders {
namespace {
const uint32_t k_field_ubo[] = {
#include "field_ubo.spv.inc"
};
const uint32_t k_field_ssbo[] = {
#include "field_ssbo.spv.inc"
};
const uint32_t k_field_tiled_ubo[] = {
#include "field_tiled_ubo.spv.inc"
};
const uint32_t k_field_tiled_ssbo[] = {
#include "field_tiled_ssbo.spv.inc"
};
const uint32_t k_field_coop[] = {
#include "field_coop.spv.inc"
};
const uint32_t k_field_coop_emulated[] = {
#include "field_coop_emulated.spv.inc"
};
const uint32_t k_shapes_vert[] = {
#include "shapes_vert.spv.inc"
};
const uint32_t k_shapes_frag[] = {
#include "shapes_frag.spv.inc"
};
const uint32_t k_field_view_vert[] = {
#include "field_view_vert.spv.inc"
};
const uint32_t k_field_view_frag[] = {
#include "field_view_frag.spv.inc"
};
}  // namespace

std::span<const uint32_t> field_ubo() { return k_field_ubo; }
std::span<const uint32_t> field_ssbo() { return k_field_ssbo; }
std::span<const uint32_t> field_tiled_ubo() { return k_field_tiled_ubo; }
std::span<const uint32_t> field_tiled_ssbo() { return k_field_tiled_ssbo; }
std::span<const uint32_t> field_coop() { return k_field_coop; }
std::span<const uint32_t> field_coop_emulated() { return k_field_coop_emulated; }
std::span<const uint32_t> shapes_vert() { return k_shapes_vert; }
std::span<const uint32_t> shapes_frag() { return k_shapes_frag; }
std::span<const uint32_t> field_view_vert() { return k_field_view_vert; }
std::span<const uint32_t> field_view_frag() { return k_field_view_frag; }
}  // namespace nnlive::gpu::shaders
