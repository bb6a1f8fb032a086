// SPDX-License-Identifier: MIT
#include "view_state.hpp"

#include <algorithm>
#include <cmath>

namespace nnlive::app::live {

nn::View ViewState::panned(const nn::View& from, double dx, double dy, const render::Rect& field) {
  const double du = dx / std::max(double(field.width()), 1.0) * (from[2] - from[0]);
  const double dv = dy / std::max(double(field.height()), 1.0) * (from[3] - from[1]);
  return nn::View{from[0] - du, from[1] + dv, from[2] - du, from[3] + dv};
}

std::optional<nn::View> ViewState::zoomed(const nn::View& from, std::array<double, 2> centre, double k) {
  const double span = (from[2] - from[0]) * k;
  if (!std::isfinite(span) || span < k_min_span || span > k_max_span) return std::nullopt;
  const auto& c = centre;
  return nn::View{c[0] + (from[0] - c[0]) * k, c[1] + (from[1] - c[1]) * k, c[0] + (from[2] - c[0]) * k, c[1] + (from[3] - c[1]) * k};
}

double ViewState::wheel_factor(double clicks) { return std::clamp(std::pow(0.85, clicks), 0.1, 10.0); }

std::optional<size_t> ViewState::Mapping::panel_at(double x, double y) const {
  const auto [px, py] = to_target(x, y);
  for (size_t i = 0; i < fields.size(); ++i) {
    const auto& f = fields[i];
    if (px >= f.rect.x0 && px < f.rect.x1 && py >= f.rect.y0 && py < f.rect.y1) return i;
  }
  return std::nullopt;
}

std::optional<std::array<double, 2>> ViewState::Mapping::to_data(double x, double y) const {
  // Any panel's field: side by side, they all show the same data and view.
  const auto panel = panel_at(x, y);
  if (!panel) return std::nullopt;
  const auto [px, py] = to_target(x, y);
  const auto& f = fields[*panel];
  const double u = (px - f.rect.x0) / f.rect.width(), v = (py - f.rect.y0) / f.rect.height();
  return std::array<double, 2>{f.view[0] + u * (f.view[2] - f.view[0]), f.view[3] - v * (f.view[3] - f.view[1])};
}

}  // namespace nnlive::app::live
