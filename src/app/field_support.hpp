// SPDX-License-Identifier: MIT
// Glue between nn and gpu for field evaluation: the network description the shader takes, a
// CPU reference evaluation of the same grid, and a provisional colouring for field PNGs.
#pragma once
#include <vector>

#include "nnlive/gpu/field_evaluator.hpp"
#include "nnlive/nn/features.hpp"
#include "nnlive/nn/mlp.hpp"

namespace nnlive::app {

gpu::NetworkLayout to_layout(const nn::Mlp& mlp, const nn::InputMap& map);

// The CPU forward pass at every pixel centre, (height, width, outputs) like the GPU's result.
std::vector<float> cpu_field(const nn::Mlp& mlp, const nn::InputMap& map, uint32_t width, uint32_t height,
                             const nn::View& view);

// With NNLIVE_VALIDATION=1: throws UserError(internal) if the validation layer has reported
// anything, so that no output is written after a GPU error (what it drew may be wrong).
void check_gpu_clean();

// RGB pixels for a field: one output -> orange (0) / white (0.5) / blue (1); K outputs -> the
// class hues blended by probability.
std::vector<uint8_t> colour_field(const gpu::FieldResult& field);

}  // namespace nnlive::app
