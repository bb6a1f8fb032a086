// SPDX-License-Identifier: MIT
// MLP forward and backward passes over a batch, on the contiguous parameter array.
#include "nnlive/nn/mlp.hpp"

#include <algorithm>
#include <cmath>
#include <string>

#include "nnlive/common/fast_float.hpp"
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

namespace {

constexpr int k_block = 16;  // samples a dense_block takes together (one AVX-512 register)

// z (out, k_block) = W (out, in) · x (in, k_block) + b, both blocks feature-major: each sum
// starts from its bias and adds w[i] * x[i] in order of i, the order of a dot product one
// sample at a time, so that every value is the same to the bit, and the loops over the block's
// samples vectorise (mlp.cpp is built with -ffp-contract=off: no clone fuses a multiply-add).
NNLIVE_CLONES void dense_block(const float* W, const float* b, const float* x, float* z, int in, int out) {
  int j = 0;
  for (; j + 4 <= out; j += 4) {  // four outputs a pass: each input row loaded once for them
    float acc[4][k_block];
    for (int r = 0; r < 4; ++r)
      for (int s = 0; s < k_block; ++s) acc[r][s] = b[j + r];
    const float *w0 = W + size_t(j) * in, *w1 = w0 + in, *w2 = w1 + in, *w3 = w2 + in;
    for (int i = 0; i < in; ++i) {
      const float* xi = x + size_t(i) * k_block;
      for (int s = 0; s < k_block; ++s) {
        acc[0][s] += w0[i] * xi[s];
        acc[1][s] += w1[i] * xi[s];
        acc[2][s] += w2[i] * xi[s];
        acc[3][s] += w3[i] * xi[s];
      }
    }
    for (int r = 0; r < 4; ++r)
      for (int s = 0; s < k_block; ++s) z[size_t(j + r) * k_block + s] = acc[r][s];
  }
  for (; j < out; ++j) {
    float acc[k_block];
    for (int s = 0; s < k_block; ++s) acc[s] = b[j];
    const float* w = W + size_t(j) * in;
    for (int i = 0; i < in; ++i)
      for (int s = 0; s < k_block; ++s) acc[s] += w[i] * x[size_t(i) * k_block + s];
    for (int s = 0; s < k_block; ++s) z[size_t(j) * k_block + s] = acc[s];
  }
}

}  // namespace

void Mlp::forward(const float* x, int n, Trace& t) const {
  t.n = n;
  t.a.resize(layers_.size() + 1);
  t.z.resize(layers_.size());
  t.a[0].assign(x, x + size_t(n) * inputs());
  std::vector<float> xb, zb;  // one block of samples, feature-major
  for (size_t li = 0; li < layers_.size(); ++li) {
    const LayerShape& l = layers_[li];
    const float* W = params_.data() + l.w_offset;  // (out, in)
    const float* b = params_.data() + l.b_offset;  // (out)
    const std::vector<float>& in = t.a[li];        // (n, in)
    std::vector<float>& z = t.z[li];               // (n, out)
    std::vector<float>& a = t.a[li + 1];           // (n, out)
    z.resize(size_t(n) * l.out);
    a.resize(z.size());
    xb.assign(size_t(l.in) * k_block, 0.0f);
    zb.resize(size_t(l.out) * k_block);
    for (int s0 = 0; s0 < n; s0 += k_block) {
      const int m = std::min(k_block, n - s0);
      for (int s = 0; s < m; ++s)
        for (int i = 0; i < l.in; ++i) xb[size_t(i) * k_block + s] = in[size_t(s0 + s) * l.in + i];
      dense_block(W, b, xb.data(), zb.data(), l.in, l.out);
      for (int s = 0; s < m; ++s)
        for (int j = 0; j < l.out; ++j) z[size_t(s0 + s) * l.out + j] = zb[size_t(j) * k_block + s];
    }
    for (int s = 0; s < n; ++s) {
      const float* zs = z.data() + size_t(s) * l.out;
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
