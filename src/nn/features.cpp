// SPDX-License-Identifier: MIT
// Input features and their view-based normalization.
#include "nnlive/nn/features.hpp"

#include <algorithm>
#include <cmath>

namespace nnlive::nn {
namespace {
constexpr std::array<std::string_view, k_feature_count> k_names{"x", "y", "x2", "y2", "xy", "sinx", "siny"};
constexpr std::array<const char*, k_feature_count> k_display{"x", "y", "x\xC2\xB2", "y\xC2\xB2", "xy", "sin x", "sin y"};
}

const char* display_name(Feature f) { return k_display.at(static_cast<size_t>(f)); }

std::string_view to_string(Feature f) { return k_names.at(static_cast<size_t>(f)); }

std::optional<Feature> parse_feature(std::string_view name) {
  std::string s;
  for (char c : name)
    if (c != '_' && c != '^' && c != '(' && c != ')' && c != ' ') s += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (size_t i = 0; i < k_names.size(); ++i)
    if (k_names[i] == s) return static_cast<Feature>(i);
  return std::nullopt;
}

std::string feature_names() {
  std::string out;
  for (auto n : k_names) {
    if (!out.empty()) out += ", ";
    out += n;
  }
  return out;
}

float raw_feature(Feature f, float x, float y) {
  switch (f) {
    case Feature::x: return x;
    case Feature::y: return y;
    case Feature::x2: return x * x;
    case Feature::y2: return y * y;
    case Feature::xy: return x * y;
    case Feature::sin_x: return std::sin(x);
    case Feature::sin_y: return std::sin(y);
  }
  return 0.0f;
}

InputMap InputMap::identity(std::vector<Feature> features) {
  InputMap m;
  m.offset.assign(features.size(), 0.0f);
  m.scale.assign(features.size(), 1.0f);
  m.features = std::move(features);
  return m;
}

std::string view_problem(const View& v) {
  for (double x : v)
    if (!std::isfinite(x) || std::abs(x) > 1e6) return "its coordinates must be finite numbers within -1e6..1e6";
  if (!(v[2] > v[0]) || !(v[3] > v[1])) return "it needs x1 > x0 and y1 > y0";
  const double largest = std::max({std::abs(v[0]), std::abs(v[1]), std::abs(v[2]), std::abs(v[3])});
  const double least = std::max(1e-3, 1e-5 * largest);
  if (v[2] - v[0] < least || v[3] - v[1] < least) return "it is too small to draw (each side at least 1e-3, and 1e-5 of its largest coordinate)";
  return {};
}

InputMap InputMap::for_view(std::vector<Feature> features, const View& v) {
  InputMap m = identity(std::move(features));
  const double cx = 0.5 * (v[0] + v[2]), cy = 0.5 * (v[1] + v[3]);
  const double hx = std::max(0.5 * std::abs(v[2] - v[0]), 1e-6);
  const double hy = std::max(0.5 * std::abs(v[3] - v[1]), 1e-6);
  const double mx = std::max({std::abs(v[0]), std::abs(v[2]), 1e-6});
  const double my = std::max({std::abs(v[1]), std::abs(v[3]), 1e-6});
  for (size_t i = 0; i < m.features.size(); ++i) {
    switch (m.features[i]) {
      case Feature::x: m.offset[i] = float(cx); m.scale[i] = float(1.0 / hx); break;
      case Feature::y: m.offset[i] = float(cy); m.scale[i] = float(1.0 / hy); break;
      case Feature::x2: m.scale[i] = float(1.0 / (mx * mx)); break;
      case Feature::y2: m.scale[i] = float(1.0 / (my * my)); break;
      case Feature::xy: m.scale[i] = float(1.0 / (mx * my)); break;
      case Feature::sin_x:
      case Feature::sin_y: break;
    }
  }
  return m;
}

void InputMap::apply(float x, float y, float* out) const {
  for (size_t i = 0; i < features.size(); ++i) out[i] = (raw_feature(features[i], x, y) - offset[i]) * scale[i];
}

}  // namespace nnlive::nn
