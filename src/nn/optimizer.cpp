// SPDX-License-Identifier: MIT
// Optimizer updates: compute every delta first, check it, then apply.
#include "nnlive/nn/optimizer.hpp"

#include <cmath>
#include <string>

namespace nnlive::nn {

std::string_view to_string(OptimizerKind k) {
  switch (k) {
    case OptimizerKind::sgd: return "sgd";
    case OptimizerKind::momentum: return "momentum";
    case OptimizerKind::adam: return "adam";
  }
  return "unknown";
}

std::optional<OptimizerKind> parse_optimizer(std::string_view name) {
  std::string s(name);
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "sgd" || s == "gd") return OptimizerKind::sgd;
  if (s == "momentum" || s == "sgd_momentum" || s == "sgd-momentum") return OptimizerKind::momentum;
  if (s == "adam") return OptimizerKind::adam;
  return std::nullopt;
}

Optimizer::Optimizer(OptimizerConfig config, size_t param_count)
    : config_(config), m_(param_count, 0.0f), v_(config.kind == OptimizerKind::adam ? param_count : 0, 0.0f),
      delta_(param_count, 0.0f) {}

bool Optimizer::step(std::vector<float>& params, const std::vector<float>& grads) {
  const size_t n = params.size();
  const float lr = config_.lr;
  ++t_;
  switch (config_.kind) {
    case OptimizerKind::sgd:
      for (size_t i = 0; i < n; ++i) delta_[i] = -lr * grads[i];
      break;
    case OptimizerKind::momentum: {
      const float mu = config_.momentum;
      for (size_t i = 0; i < n; ++i) {
        m_[i] = mu * m_[i] + grads[i];
        delta_[i] = -lr * m_[i];
      }
      break;
    }
    case OptimizerKind::adam: {
      const float b1 = config_.beta1, b2 = config_.beta2, eps = config_.epsilon;
      const float c1 = static_cast<float>(1.0 / (1.0 - std::pow(double(b1), double(t_))));
      const float c2 = static_cast<float>(1.0 / (1.0 - std::pow(double(b2), double(t_))));
      for (size_t i = 0; i < n; ++i) {
        const float g = grads[i];
        m_[i] = b1 * m_[i] + (1.0f - b1) * g;
        v_[i] = b2 * v_[i] + (1.0f - b2) * g * g;
        delta_[i] = -lr * (m_[i] * c1) / (std::sqrt(v_[i] * c2) + eps);
      }
      break;
    }
  }
  for (size_t i = 0; i < n; ++i)
    if (!(std::abs(params[i] + delta_[i]) <= k_max_param)) {  // also catches NaN and infinities
      std::fill(delta_.begin(), delta_.end(), 0.0f);
      return false;
    }
  for (size_t i = 0; i < n; ++i) params[i] += delta_[i];
  return true;
}

}  // namespace nnlive::nn
