// SPDX-License-Identifier: MIT
// The multilayer perceptron: architecture, one contiguous parameter array, a forward pass that
// returns a Trace and a backward pass that consumes it. The same trace feeds the diagram's node
// activations, so there is one forward implementation. Not an autograd library.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <stdexcept>
#include <vector>

#include "nnlive/nn/activation.hpp"

namespace nnlive::nn {

// Where one layer lives in the parameter array: weights (out, in) row-major at w_offset,
// then bias (out) at b_offset = w_offset + out * in. Layers follow each other with no gaps.
struct LayerShape {
  int in = 0;
  int out = 0;
  Activation activation = Activation::linear;
  size_t w_offset = 0;
  size_t b_offset = 0;
};

// Everything one forward pass computed, for n samples.
struct Trace {
  int n = 0;
  std::vector<std::vector<float>> a;  // a[0]: inputs (n, in); a[l + 1]: output of layer l (n, out_l)
  std::vector<std::vector<float>> z;  // z[l]: pre-activation of layer l (n, out_l)
  const std::vector<float>& output() const { return a.back(); }
};

class Mlp {
 public:
  static constexpr int k_max_hidden_layers = 8;
  static constexpr int k_max_width = 512;
  static constexpr int k_max_outputs = 8;

  // hidden_acts holds one activation for every hidden layer, or a single one shared by all.
  // Throws std::invalid_argument naming the problem if the shape is out of range.
  Mlp(int inputs, std::span<const int> hidden, std::span<const Activation> hidden_acts, int outputs,
      Activation output_activation);

  int inputs() const { return layers_.front().in; }
  int outputs() const { return layers_.back().out; }
  Activation output_activation() const { return layers_.back().activation; }
  int hidden_layers() const { return static_cast<int>(layers_.size()) - 1; }
  int max_width() const;  // the widest layer, inputs included
  const std::vector<LayerShape>& layers() const { return layers_; }

  size_t param_count() const { return params_.size(); }
  std::vector<float>& params() { return params_; }
  const std::vector<float>& params() const { return params_; }
  // Multiply-adds of one forward pass for one sample.
  size_t macs_per_sample() const;
  // True if offset i is a weight (not a bias); regularization applies to weights only.
  std::vector<uint8_t> weight_mask() const;

  // Seeded initialization suited to each layer's activation: He-normal for the relu family,
  // Glorot-normal otherwise; biases zero.
  void init(uint64_t seed);

  // x: (n, inputs) row-major. Fills t (reusing its storage).
  void forward(const float* x, int n, Trace& t) const;
  // dL_dz: (n, outputs), the loss gradient w.r.t. the last layer's pre-activation.
  // grads: (param_count), overwritten with dL/dparams, laid out like params().
  void backward(const Trace& t, const float* dL_dz, float* grads) const;

 private:
  std::vector<LayerShape> layers_;
  std::vector<float> params_;
};

}  // namespace nnlive::nn
