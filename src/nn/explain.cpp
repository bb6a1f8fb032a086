// SPDX-License-Identifier: MIT
#include "nnlive/nn/explain.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>
#include <stdexcept>

namespace nnlive::nn {

StepExplanation explain_step(const Snapshot& snap, Loss loss, const std::vector<float>& input, int label, double confidence) {
  if (snap.layers.empty()) throw std::invalid_argument("the snapshot has no network");
  if (int(input.size()) != snap.layers.front().in) throw std::invalid_argument("the sample has the wrong number of inputs");
  const int outputs = snap.layers.back().out;
  if (label < 0 || label >= std::max(outputs, 2)) throw std::invalid_argument("the label is out of range");

  StepExplanation e;
  e.input = input;
  e.label = label;
  e.params_before = snap.params;
  if (snap.last_update.size() == snap.params.size())
    for (size_t i = 0; i < e.params_before.size(); ++i) e.params_before[i] -= snap.last_update[i];
  e.batch_grad = snap.grads;
  e.update = snap.last_update;

  // The same forward and backward passes the trainer runs, on the weights before the step.
  Mlp model = model_of(snap);
  model.params() = e.params_before;
  Trace trace;
  model.forward(input.data(), 1, trace);
  std::vector<float> dL_dz(static_cast<size_t>(outputs), 0.0f);
  e.loss = evaluate_loss(loss, trace, &label, dL_dz.data(), confidence);
  e.sample_grad.assign(model.param_count(), 0.0f);
  model.backward(trace, dL_dz.data(), e.sample_grad.data());

  // Deltas layer by layer, output first: delta_l = (W_{l+1}^T delta_{l+1}) * act'(z_l).
  const auto& layers = snap.layers;
  e.layers.resize(layers.size());
  for (size_t l = 0; l < layers.size(); ++l) e.layers[l].z = trace.z[l], e.layers[l].a = trace.a[l + 1];
  e.layers.back().delta = dL_dz;
  for (size_t l = layers.size() - 1; l > 0; --l) {
    const LayerShape& next = layers[l];
    const float* W = e.params_before.data() + next.w_offset;
    LayerExplanation& cur = e.layers[l - 1];
    cur.delta.assign(size_t(next.in), 0.0f);
    for (int i = 0; i < next.in; ++i) {
      float sum = 0.0f;
      for (int j = 0; j < next.out; ++j) sum += W[size_t(j) * next.in + i] * e.layers[l].delta[j];
      cur.delta[i] = sum * activate_derivative(layers[l - 1].activation, cur.z[i], cur.a[i]);
    }
  }
  return e;
}

std::vector<PathStrength> path_strengths(const std::vector<LayerShape>& layers, const std::vector<float>& params) {
  std::vector<PathStrength> paths;
  if (layers.size() != 2) return paths;
  const LayerShape& a = layers[0];
  const LayerShape& b = layers[1];
  if (a.out != b.in || params.size() < std::max(a.w_offset + size_t(a.in) * a.out, b.w_offset + size_t(b.in) * b.out)) return paths;
  paths.reserve(size_t(a.in) * a.out * b.out);
  for (int i = 0; i < a.in; ++i)
    for (int h = 0; h < a.out; ++h)
      for (int o = 0; o < b.out; ++o)
        paths.push_back({i, h, o, params[a.w_offset + size_t(h) * a.in + size_t(i)] * params[b.w_offset + size_t(o) * b.in + size_t(h)]});
  return paths;
}

std::vector<int> largest(const std::vector<float>& values, int k) {
  std::vector<int> idx(values.size());
  std::iota(idx.begin(), idx.end(), 0);
  k = std::clamp(k, 0, int(idx.size()));
  std::partial_sort(idx.begin(), idx.begin() + k, idx.end(),
                    [&](int a, int b) { return std::abs(values[a]) > std::abs(values[b]); });
  idx.resize(size_t(k));
  return idx;
}

}  // namespace nnlive::nn
