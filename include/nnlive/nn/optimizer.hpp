// SPDX-License-Identifier: MIT
// SGD, SGD with momentum and Adam as one flat loop over the contiguous parameter array.
// An update that would make any parameter non-finite is refused and leaves the parameters as
// they were, so nothing non-finite ever reaches the display.
#pragma once
#include <cstddef>
#include <optional>
#include <string_view>
#include <vector>

namespace nnlive::nn {

enum class OptimizerKind { sgd, momentum, adam };

std::string_view to_string(OptimizerKind k);                    // "sgd", "momentum", "adam"
std::optional<OptimizerKind> parse_optimizer(std::string_view name);

struct OptimizerConfig {
  OptimizerKind kind = OptimizerKind::sgd;
  float lr = 0.03f;         // learning rate, 1e-5 .. 100
  float momentum = 0.9f;    // momentum coefficient mu, [0, 1): v = mu v + g, p -= lr v
  float beta1 = 0.9f;       // Adam first-moment decay, [0, 1)
  float beta2 = 0.999f;     // Adam second-moment decay, [0, 1)
  float epsilon = 1e-8f;    // Adam denominator guard, > 0
};

class Optimizer {
 public:
  Optimizer(OptimizerConfig config, size_t param_count);

  // The largest parameter magnitude a run may reach. Beyond it a run has diverged even while
  // its loss is finite: float32 evaluation of the field (GPU) overflows to NaN.
  static constexpr float k_max_param = 1e6f;

  // Applies one update from grads (same layout as params). Returns false and leaves params,
  // but not the optimizer's moments, unchanged if any new parameter would be non-finite or
  // larger in magnitude than k_max_param.
  bool step(std::vector<float>& params, const std::vector<float>& grads);

  // params_after - params_before of the last accepted step (zeros before the first).
  const std::vector<float>& last_update() const { return delta_; }
  const OptimizerConfig& config() const { return config_; }
  void set_learning_rate(float lr) { config_.lr = lr; }
  long long steps() const { return t_; }

 private:
  OptimizerConfig config_;
  std::vector<float> m_;      // momentum velocity, or Adam's first moment
  std::vector<float> v_;      // Adam's second moment
  std::vector<float> delta_;  // proposed, then applied, update
  long long t_ = 0;
};

}  // namespace nnlive::nn
