// SPDX-License-Identifier: MIT
// Networks for the field-engine tests: an architecture and a seeded network with non-zero
// biases (so every term of the forward pass is exercised).
#pragma once
#include <vector>

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

}  // namespace nnlive::testing_support
