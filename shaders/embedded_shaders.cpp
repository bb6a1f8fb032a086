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
}  // namespace

std::span<const uint32_t> field_ubo() { return k_field_ubo; }
std::span<const uint32_t> field_ssbo() { return k_field_ssbo; }
}  // namespace nnlive::gpu::shaders
