// SPDX-License-Identifier: MIT
// Networks for the field-engine tests: an architecture and a seeded network with non-zero
// biases (so every term of the forward pass is exercised), and the largest difference between
// an engine's field and the reference forward pass.
#pragma once
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "field_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/nn/mlp.hpp"

namespace nnlive::testing_support {

struct Arch {
  std::vector<int> hidden;
  std::vector<nn::Activation> acts;
  int outputs = 1;
  std::vector<nn::Feature> features{nn::Feature::x, nn::Feature::y};
};

inline nn::Mlp make(const Arch& a, uint64_t seed) {
  nn::Mlp m(static_cast<int>(a.features.size()), a.hidden, a.acts, a.outputs,
            a.outputs == 1 ? nn::Activation::sigmoid : nn::Activation::softmax);
  m.init(seed);
  Rng rng(seed);
  for (auto& p : m.params()) p += static_cast<float>(rng.normal(0.0, 0.2));  // non-zero biases
  return m;
}

// Evaluates with `eval` (either field engine) and with the reference forward pass on the same
// grid; returns the largest absolute difference (and checks sizes, channels, finiteness).
template <class Evaluator>
double max_diff_to_reference(const nn::Mlp& m, const nn::InputMap& map, Evaluator& eval, uint32_t w, uint32_t h, const nn::View& v) {
  eval.set_network(app::to_layout(m, map));
  eval.set_params(m.params());
  const gpu::FieldResult r = eval.evaluate({w, h, {float(v[0]), float(v[1]), float(v[2]), float(v[3])}});
  const std::vector<float> cpu = app::cpu_field(m, map, w, h, v);
  EXPECT_EQ(r.values.size(), cpu.size());
  EXPECT_EQ(r.channels, uint32_t(m.outputs()));
  double d = 0.0;
  for (size_t i = 0; i < cpu.size() && i < r.values.size(); ++i) {
    EXPECT_TRUE(std::isfinite(r.values[i]));
    d = std::max(d, double(std::abs(cpu[i] - r.values[i])));
  }
  return d;
}

// Every activation (codes 0..6) on a 2-6-5-1 network, over a 37 x 23 grid: not a multiple of any
// block or workgroup, so partial ones are exercised.
template <class Evaluator>
void expect_every_activation(Evaluator& eval, double tolerance) {
  const nn::View view{-6, -6, 6, 6};
  for (uint32_t code = 0; code <= 6; ++code) {
    const Arch a{{6, 5}, {nn::Activation(code)}};
    const nn::Mlp m = make(a, 10 + code);
    EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 37, 23, view), tolerance)
        << nn::to_string(nn::Activation(code));
  }
}

// All seven input features.
inline std::vector<nn::Feature> every_feature() {
  return {nn::Feature::x, nn::Feature::y, nn::Feature::x2, nn::Feature::y2, nn::Feature::xy, nn::Feature::sin_x, nn::Feature::sin_y};
}

// The shapes every field engine handles; each engine's test adds its own large ones.
inline std::vector<Arch> common_architectures() {
  const std::vector<nn::Feature> all = every_feature();
  return {
      {{}, {nn::Activation::tanh}},                               // logistic regression
      {{4}, {nn::Activation::tanh}, 3},                           // softmax, 3 classes
      {{8, 8}, {nn::Activation::relu, nn::Activation::gelu}, 8},  // per-layer activations, 8 classes
      {{5, 4, 3}, {nn::Activation::sin}, 1, all},                 // every input feature
      {std::vector<int>(8, 6), {nn::Activation::tanh}},           // 8 hidden layers
  };
}

}  // namespace nnlive::testing_support
