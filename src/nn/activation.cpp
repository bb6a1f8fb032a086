// SPDX-License-Identifier: MIT
// Activation functions: names, values and derivatives.
#include "nnlive/nn/activation.hpp"

#include <array>
#include <cmath>

namespace nnlive::nn {
namespace {

struct Named {
  Activation act;
  std::string_view name;
};
constexpr std::array<Named, 8> k_names{{
    {Activation::linear, "linear"},
    {Activation::sigmoid, "sigmoid"},
    {Activation::tanh, "tanh"},
    {Activation::relu, "relu"},
    {Activation::leaky_relu, "leaky_relu"},
    {Activation::gelu, "gelu"},
    {Activation::sin, "sin"},
    {Activation::softmax, "softmax"},
}};

constexpr float k_gelu_c = 0.7978845608028654f;  // sqrt(2 / pi)
constexpr float k_gelu_a = 0.044715f;

}  // namespace

std::string_view to_string(Activation a) {
  for (const auto& n : k_names)
    if (n.act == a) return n.name;
  return "unknown";
}

std::optional<Activation> parse_activation(std::string_view name) {
  std::string s(name);
  for (auto& c : s) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (const auto& n : k_names)
    if (n.name == s) return n.act;
  return std::nullopt;
}

std::string hidden_activation_names() {
  std::string out;
  for (const auto& n : k_names) {
    if (n.act == Activation::softmax) continue;
    if (!out.empty()) out += ", ";
    out += n.name;
  }
  return out;
}

float activate(Activation act, float z) {
  switch (act) {
    case Activation::linear: return z;
    case Activation::sigmoid: return 1.0f / (1.0f + std::exp(-z));
    case Activation::tanh: return std::tanh(z);
    case Activation::relu: return z > 0.0f ? z : 0.0f;
    case Activation::leaky_relu: return z > 0.0f ? z : k_leaky_slope * z;
    case Activation::gelu: return 0.5f * z * (1.0f + std::tanh(k_gelu_c * (z + k_gelu_a * z * z * z)));
    case Activation::sin: return std::sin(z);
    case Activation::softmax: return z;  // handled across the layer by the caller
  }
  return z;
}

float activate_derivative(Activation act, float z, float a) {
  switch (act) {
    case Activation::linear: return 1.0f;
    case Activation::sigmoid: return a * (1.0f - a);
    case Activation::tanh: return 1.0f - a * a;
    case Activation::relu: return z > 0.0f ? 1.0f : 0.0f;
    case Activation::leaky_relu: return z > 0.0f ? 1.0f : k_leaky_slope;
    case Activation::gelu: {
      const float u = k_gelu_c * (z + k_gelu_a * z * z * z);
      const float t = std::tanh(u);
      const float du = k_gelu_c * (1.0f + 3.0f * k_gelu_a * z * z);
      return 0.5f * (1.0f + t) + 0.5f * z * (1.0f - t * t) * du;
    }
    case Activation::sin: return std::cos(z);
    case Activation::softmax: return 1.0f;  // the loss supplies dL/dz for softmax outputs
  }
  return 1.0f;
}

}  // namespace nnlive::nn
