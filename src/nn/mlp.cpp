// SPDX-License-Identifier: MIT
// MLP forward and backward passes over a batch, on the contiguous parameter array.
#include "nnlive/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlive/common/rng.hpp"

namespace nnlive::nn {

Mlp::Mlp(int inputs, std::span<const int> hidden, std::span<const Activation> hidden_acts, int outputs,
         Activation output_activation) {
  if (inputs < 1) throw std::invalid_argument("the network needs at least one input");
  if (static_cast<int>(hidden.size()) > k_max_hidden_layers)
    throw std::invalid_argument("at most " + std::to_string(k_max_hidden_layers) + " hidden layers are supported, got " +
                                std::to_string(hidden.size()));
  if (!hidden.empty() && hidden_acts.size() != 1 && hidden_acts.size() != hidden.size())
    throw std::invalid_argument("give one activation for all hidden layers or one per hidden layer (" +
                                std::to_string(hidden.size()) + "), got " + std::to_string(hidden_acts.size()));
  if (outputs < 1 || outputs > k_max_outputs)
    throw std::invalid_argument("the output layer needs 1 to " + std::to_string(k_max_outputs) + " units, got " +
                                std::to_string(outputs));
  size_t offset = 0;
  int in = inputs;
  auto add = [&](int out, Activation act) {
    LayerShape l{in, out, act, offset, offset + size_t(out) * size_t(in)};
    offset = l.b_offset + size_t(out);
    layers_.push_back(l);
    in = out;
  };
  for (size_t i = 0; i < hidden.size(); ++i) {
    if (hidden[i] < 1 || hidden[i] > k_max_width)
      throw std::invalid_argument("hidden layer " + std::to_string(i + 1) + " has " + std::to_string(hidden[i]) +
                                  " neurons; each layer takes 1 to " + std::to_string(k_max_width));
    const Activation act = hidden_acts.size() == 1 ? hidden_acts[0] : hidden_acts[i];
    if (act == Activation::softmax) throw std::invalid_argument("softmax is only allowed on the output layer");
    add(hidden[i], act);
  }
  add(outputs, output_activation);
  params_.assign(offset, 0.0f);
}

int Mlp::max_width() const {
  int w = inputs();
  for (const auto& l : layers_) w = std::max(w, l.out);
  return w;
}

size_t Mlp::macs_per_sample() const {
  size_t m = 0;
  for (const auto& l : layers_) m += size_t(l.in) * size_t(l.out);
  return m;
}

std::vector<uint8_t> Mlp::weight_mask() const {
  std::vector<uint8_t> mask(params_.size(), 0);
  for (const auto& l : layers_) std::fill_n(mask.begin() + l.w_offset, size_t(l.in) * l.out, uint8_t{1});
  return mask;
}

void Mlp::init(uint64_t seed) {
  Rng rng(seed);
  for (const auto& l : layers_) {
    const bool relu_family = l.activation == Activation::relu || l.activation == Activation::leaky_relu ||
                             l.activation == Activation::gelu;
    const double sd = relu_family ? std::sqrt(2.0 / l.in) : std::sqrt(2.0 / (l.in + l.out));
    for (size_t i = 0; i < size_t(l.in) * l.out; ++i) params_[l.w_offset + i] = static_cast<float>(rng.normal() * sd);
    std::fill_n(params_.begin() + l.b_offset, l.out, 0.0f);
  }
}

void Mlp::forward(const float* x, int n, Trace& t) const {
  t.n = n;
  t.a.resize(layers_.size() + 1);
  t.z.resize(layers_.size());
  t.a[0].assign(x, x + size_t(n) * inputs());
  for (size_t li = 0; li < layers_.size(); ++li) {
    const LayerShape& l = layers_[li];
    const float* W = params_.data() + l.w_offset;  // (out, in)
    const float* b = params_.data() + l.b_offset;  // (out)
    const std::vector<float>& in = t.a[li];        // (n, in)
    std::vector<float>& z = t.z[li];               // (n, out)
    std::vector<float>& a = t.a[li + 1];           // (n, out)
    z.resize(size_t(n) * l.out);
    a.resize(z.size());
    for (int s = 0; s < n; ++s) {
      const float* xi = in.data() + size_t(s) * l.in;
      float* zs = z.data() + size_t(s) * l.out;
      for (int j = 0; j < l.out; ++j) {
        const float* w = W + size_t(j) * l.in;
        float sum = b[j];
        for (int i = 0; i < l.in; ++i) sum += w[i] * xi[i];
        zs[j] = sum;
      }
      float* as = a.data() + size_t(s) * l.out;
      if (l.activation == Activation::softmax) {
        const float m = *std::max_element(zs, zs + l.out);
        float total = 0.0f;
        for (int j = 0; j < l.out; ++j) total += as[j] = std::exp(zs[j] - m);
        for (int j = 0; j < l.out; ++j) as[j] /= total;
      } else {
        for (int j = 0; j < l.out; ++j) as[j] = activate(l.activation, zs[j]);
      }
    }
  }
}

void Mlp::backward(const Trace& t, const float* dL_dz, float* grads) const {
  const int n = t.n;
  std::vector<float> dz(dL_dz, dL_dz + size_t(n) * outputs());  // (n, out) of the current layer
  std::vector<float> da;                                         // (n, in) of the current layer
  for (size_t li = layers_.size(); li-- > 0;) {
    const LayerShape& l = layers_[li];
    const float* W = params_.data() + l.w_offset;
    const std::vector<float>& in = t.a[li];
    float* gW = grads + l.w_offset;
    float* gb = grads + l.b_offset;
    std::fill_n(gW, size_t(l.in) * l.out, 0.0f);
    std::fill_n(gb, l.out, 0.0f);
    for (int s = 0; s < n; ++s) {
      const float* xi = in.data() + size_t(s) * l.in;
      const float* d = dz.data() + size_t(s) * l.out;
      for (int j = 0; j < l.out; ++j) {
        gb[j] += d[j];
        float* g = gW + size_t(j) * l.in;
        for (int i = 0; i < l.in; ++i) g[i] += d[j] * xi[i];
      }
    }
    if (li == 0) break;
    da.assign(size_t(n) * l.in, 0.0f);
    for (int s = 0; s < n; ++s) {
      const float* d = dz.data() + size_t(s) * l.out;
      float* dai = da.data() + size_t(s) * l.in;
      for (int j = 0; j < l.out; ++j) {
        const float* w = W + size_t(j) * l.in;
        for (int i = 0; i < l.in; ++i) dai[i] += d[j] * w[i];
      }
    }
    const LayerShape& prev = layers_[li - 1];
    const std::vector<float>& zp = t.z[li - 1];
    const std::vector<float>& ap = t.a[li];
    dz.resize(da.size());
    for (size_t k = 0; k < da.size(); ++k) dz[k] = da[k] * activate_derivative(prev.activation, zp[k], ap[k]);
  }
}

}  // namespace nnlive::nn
