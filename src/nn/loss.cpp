// SPDX-License-Identifier: MIT
// Loss values and their gradients w.r.t. the output pre-activations, computed stably from z.
#include "nnlive/nn/loss.hpp"

#include <algorithm>
#include <cmath>
#include <string>

namespace nnlive::nn {

std::string_view to_string(Loss l) {
  switch (l) {
    case Loss::bce: return "bce";
    case Loss::mse: return "mse";
    case Loss::softmax_ce: return "softmax";
  }
  return "unknown";
}

std::optional<Loss> parse_loss(std::string_view name) {
  std::string s(name);
  for (auto& c : s) c = c == '-' ? '_' : static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (s == "bce" || s == "cross_entropy" || s == "binary_cross_entropy" || s == "log") return Loss::bce;
  if (s == "mse" || s == "squared" || s == "squared_error") return Loss::mse;
  if (s == "softmax" || s == "softmax_ce" || s == "categorical_cross_entropy") return Loss::softmax_ce;
  return std::nullopt;
}

Activation output_activation(Loss l) { return l == Loss::softmax_ce ? Activation::softmax : Activation::sigmoid; }

namespace {

double plogp(double p) { return p > 0.0 ? p * std::log(p) : 0.0; }

// The entropy (nats) of one sample's output distribution: binary for one sigmoid output.
double entropy(Loss loss, const float* a, int k) {
  if (loss != Loss::softmax_ce) return -(plogp(a[0]) + plogp(1.0 - a[0]));
  double h = 0.0;
  for (int j = 0; j < k; ++j) h -= plogp(a[j]);
  return h;
}

}  // namespace

double output_entropy(Loss loss, const Trace& t) {
  const int n = t.n;
  if (n == 0) return 0.0;
  const std::vector<float>& a = t.a.back();
  const int k = static_cast<int>(a.size() / size_t(n));
  double total = 0.0;
  for (int s = 0; s < n; ++s) total += entropy(loss, a.data() + size_t(s) * k, k);
  return total / n;
}

double evaluate_loss(Loss loss, const Trace& t, const int* labels, float* dL_dz, double confidence) {
  const int n = t.n;
  if (n == 0) return 0.0;
  const std::vector<float>& z = t.z.back();
  const std::vector<float>& a = t.a.back();
  const int k = static_cast<int>(z.size() / size_t(n));
  const double inv_n = 1.0 / n;
  double total = 0.0;
  for (int s = 0; s < n; ++s) {
    const float* zs = z.data() + size_t(s) * k;
    const float* as = a.data() + size_t(s) * k;
    const int y = labels[s];
    switch (loss) {
      case Loss::bce: {
        // -[y log p + (1 - y) log(1 - p)] with p = sigmoid(z), written to stay finite for large |z|.
        const double zz = zs[0];
        total += std::max(zz, 0.0) - zz * y + std::log1p(std::exp(-std::abs(zz)));
        if (dL_dz) dL_dz[s] = static_cast<float>((as[0] - y) * inv_n);
        break;
      }
      case Loss::mse: {
        const double e = double(as[0]) - y;
        total += e * e;
        if (dL_dz) dL_dz[s] = static_cast<float>(2.0 * e * as[0] * (1.0 - as[0]) * inv_n);
        break;
      }
      case Loss::softmax_ce: {
        const double m = *std::max_element(zs, zs + k);
        double sum = 0.0;
        for (int j = 0; j < k; ++j) sum += std::exp(zs[j] - m);
        total += m + std::log(sum) - zs[y];
        if (dL_dz)
          for (int j = 0; j < k; ++j) dL_dz[size_t(s) * k + j] = static_cast<float>((as[j] - (j == y ? 1.0 : 0.0)) * inv_n);
        break;
      }
    }
    if (dL_dz && confidence > 0.0) {
      // dH/dz. One sigmoid output p = sigmoid(z): H = -p ln p - (1-p) ln(1-p), dH/dz = -z p (1-p).
      // Softmax: dH/dz_j = -p_j (ln p_j + H). Both vanish as the prediction becomes certain.
      if (loss != Loss::softmax_ce) {
        const double p = as[0];
        dL_dz[s] += static_cast<float>(confidence * -double(zs[0]) * p * (1.0 - p) * inv_n);
      } else {
        const double h = entropy(loss, as, k);
        for (int j = 0; j < k; ++j) {
          const double p = as[j];
          const double d = p > 0.0 ? -p * (std::log(p) + h) : 0.0;
          dL_dz[size_t(s) * k + j] += static_cast<float>(confidence * d * inv_n);
        }
      }
    }
  }
  return total * inv_n;
}

int predicted_class(const float* out, int k) {
  if (k == 1) return out[0] >= 0.5f ? 1 : 0;
  return static_cast<int>(std::max_element(out, out + k) - out);
}

}  // namespace nnlive::nn
