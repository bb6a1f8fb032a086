// SPDX-License-Identifier: MIT
// Activation functions of the MLP and their derivatives. The numeric codes are shared with
// shaders/field.comp (see gpu/field_shared.h), so their order is part of the GPU contract.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace nnlive::nn {

enum class Activation : uint32_t {
  linear = 0,
  sigmoid = 1,
  tanh = 2,
  relu = 3,
  leaky_relu = 4,  // slope 0.01 for z < 0
  gelu = 5,        // tanh approximation
  sin = 6,
  softmax = 7,  // output layer only; applied across the layer, not per unit
};

inline constexpr float k_leaky_slope = 0.01f;

std::string_view to_string(Activation a);
// Parses a name such as "tanh" or "leaky_relu" (also "leaky-relu"); nullopt if unknown.
std::optional<Activation> parse_activation(std::string_view name);
// The names accepted for hidden layers, comma-separated, for error messages and help.
std::string hidden_activation_names();

// a = f(z) for one unit (softmax is not per-unit: callers handle it).
float activate(Activation act, float z);
// da/dz given z and a = f(z).
float activate_derivative(Activation act, float z, float a);

}  // namespace nnlive::nn
