// SPDX-License-Identifier: MIT
// The live window's view of the data plane: the viewer's pan and zoom over the run's own view,
// and the geometry that turns window positions into target pixels, panels and data coordinates.
// Mouse drags and the wheel, touch pans and pinches, and a double-click (reset) all change it
// through here; side by side, every panel shows the same view.
#pragma once
#include <array>
#include <optional>
#include <span>

#include "nnlive/nn/features.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app::live {

class ViewState {
 public:
  // Zoom stops at these spans (data units across the field) either way.
  static constexpr double k_min_span = 1e-3, k_max_span = 1e4;

  // The view shown: the viewer's, else the run's own.
  nn::View shown(const nn::View& run) const { return view_.value_or(run); }
  bool changed() const { return view_.has_value(); }
  void reset() { view_.reset(); }
  void set(const nn::View& v) { view_ = v; }

  // `from` moved with the pointer by (dx, dy) target pixels over a field drawn in `field`: what
  // was under the pointer stays under it.
  static nn::View panned(const nn::View& from, double dx, double dy, const render::Rect& field);
  // `from` scaled by k about the data point `centre` (k < 1 zooms in); nothing when the span
  // would leave [k_min_span, k_max_span].
  static std::optional<nn::View> zoomed(const nn::View& from, std::array<double, 2> centre, double k);
  // The wheel's factor for `clicks` (positive: away from the viewer, zooming in), bounded.
  static double wheel_factor(double clicks);

  // Window coordinates to target pixels, and on to a panel's field and its data coordinates, as
  // the last frame placed them.
  struct Mapping {
    double sx = 1.0, sy = 1.0;  // target pixels per window pixel
    std::span<const render::Renderer::Placement> fields;
    std::array<double, 2> to_target(double x, double y) const { return {x * sx, y * sy}; }
    std::optional<size_t> panel_at(double x, double y) const;                 // the field under window (x, y)
    std::optional<std::array<double, 2>> to_data(double x, double y) const;   // its data coordinates
  };

 private:
  std::optional<nn::View> view_;  // unset: the run's view
};

}  // namespace nnlive::app::live
