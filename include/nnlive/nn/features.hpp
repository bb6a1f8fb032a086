// SPDX-License-Identifier: MIT
// Input features computed from a point's data coordinates (x, y), and the fixed affine
// normalization applied to them before the first layer. The feature codes are shared with
// shaders/field.comp, so their order is part of the GPU contract.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace nnlive::nn {

enum class Feature : uint32_t { x = 0, y = 1, x2 = 2, y2 = 3, xy = 4, sin_x = 5, sin_y = 6 };
inline constexpr int k_feature_count = 7;

std::string_view to_string(Feature f);                         // "x", "y", "x2", "y2", "xy", "sinx", "siny"
// For people (UTF-8, NUL-terminated): "x", "y", "x²", "y²", "xy", "sin x", "sin y".
const char* display_name(Feature f);
std::optional<Feature> parse_feature(std::string_view name);   // also accepts "sin_x", "x^2"
std::string feature_names();                                   // comma-separated, for messages
float raw_feature(Feature f, float x, float y);

// Data rectangle: x0, y0 (lower left) and x1, y1 (upper right), in data units.
using View = std::array<double, 4>;

// What is wrong with a view, or empty if it is usable: four finite numbers within +-1e6,
// x1 > x0 and y1 > y0, and an extent the float32 field can resolve (at least 1e-3, and at
// least 1e-5 of the largest coordinate). Views outside that draw blank or NaN pictures.
std::string view_problem(const View& v);

// Maps (x, y) to the network's input vector: input_i = (feature_i(x, y) - offset_i) * scale_i.
// The normalization keeps inputs near [-1, 1] whatever the data's units; it is fixed by the view
// (never by the data), and export folds it into the first layer so a weights file needs none.
struct InputMap {
  std::vector<Feature> features;  // in input order; 1..7, no repeats
  std::vector<float> offset;      // per feature
  std::vector<float> scale;       // per feature

  static InputMap identity(std::vector<Feature> features);
  // x, y centred on the view and scaled by its half extents; squares and products scaled by
  // the largest magnitude in the view; sines left as they are.
  static InputMap for_view(std::vector<Feature> features, const View& view);

  int size() const { return static_cast<int>(features.size()); }
  // Writes size() inputs for the point (x, y) to out.
  void apply(float x, float y, float* out) const;
};

}  // namespace nnlive::nn
