// SPDX-License-Identifier: MIT
// The drawing functions of the composition, one per element (private to src/render).
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>
#include "nnlive/render/compose.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::render {

struct Parts {
  const Scene& scene;
  const RenderOptions& options;
  const Colours& c;
  const Fonts& fonts;
  float s;          // design scale
  ShapeBatch& out;  // over the field views
  // Beneath them: the panels, and over each panel its lines (the diagram's edges and pulses, the
  // charts' axes, grid and curves), which a CPU device's host draws (host_shapes.hpp); text
  // and markers go over them in `out`.
  ShapeBatch& under;
  // A text size: `design` pixels at 1080p, scaled, and never below the presentation minimum.
  float text(float design) const { return std::max(design, options.min_text_px) * s; }
  // Side by side, the radius of the run's badge in the field's top-right corner (0 alone).
  float badge_radius() const {
    return scene.compare_index >= 0 ? std::round(22.0f * s * std::max(1.0f, options.min_text_px / 18.0f)) : 0.0f;
  }
};

void draw_points(const Parts& p, const FieldPanel& panel);
void draw_names(const Parts& p, const FieldPanel& panel);  // named axes and classes, if the data has them
void draw_curves(const Parts& p, const Rect& r);
void draw_comparison(const Parts& p, const Rect& r);  // scene.compared: every run's loss on one chart
void draw_badge(const Parts& p, float cx, float cy, float radius, int index);  // a run's colour and number
void draw_network(const Parts& p, const Rect& r, Composition& comp);
// Indices of the k largest magnitudes (all if fewer), weakest first; among equal values the
// lower index first; NaN counts as smaller than any (the diagram's strongest edges).
std::vector<size_t> strongest(const std::vector<float>& magnitude, size_t k);

// A polyline; dash > 0 draws dashes of that length with equal gaps (pixels).
void polyline(ShapeBatch& out, const std::vector<Vec2>& pts, float width, const Rgba& c, float dash = 0.0f);

// The network described by a snapshot, with its parameters (for predictions at the points).

}  // namespace nnlive::render
