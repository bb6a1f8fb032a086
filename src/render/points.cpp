// SPDX-License-Identifier: MIT
// Data points on the field: shape and colour tell the class; training points filled, test
// points hollow, user-added points larger with a halo, flipped labels crossed, misclassified
// points ringed.
#include <algorithm>
#include <cmath>

#include "compose_parts.hpp"

namespace nnlive::render {

namespace {

constexpr uint32_t k_class_shapes[8] = {SHAPE_DISC, SHAPE_SQUARE, SHAPE_TRIANGLE, SHAPE_DIAMOND,
                                        SHAPE_STAR, SHAPE_DISC,   SHAPE_SQUARE,   SHAPE_TRIANGLE};

// Shapes look equally big at the same radius when their areas match a disc's.
float radius_for(uint32_t kind, float r) {
  switch (kind) {
    case SHAPE_SQUARE: return r * 0.886f;
    case SHAPE_TRIANGLE: return r * 1.30f;
    case SHAPE_DIAMOND: return r * 1.20f;
    case SHAPE_STAR: return r * 1.45f;
    default: return r;
  }
}

}  // namespace

void draw_points(const Parts& p, const FieldPanel& panel) {
  const data::Dataset& d = *p.scene.dataset;
  const nn::Mlp model = nn::model_of(*p.scene.snapshot);
  const auto& v = panel.view;
  const Rect& r = panel.rect;
  const float sx = r.width() / float(v[2] - v[0]), sy = r.height() / float(v[3] - v[1]);
  const float radius = std::max(2.5f, 6.0f * p.s);
  const float stroke = std::max(1.0f, 1.3f * p.s);
  std::vector<float> in(p.scene.input_map.size());
  nn::Trace t;

  auto draw = [&](const data::Point& pt, bool test, bool user) {
    const float x = r.x0 + (pt.x - float(v[0])) * sx, y = r.y0 + (float(v[3]) - pt.y) * sy;
    if (x < r.x0 - radius || x > r.x1 + radius || y < r.y0 - radius || y > r.y1 + radius) return;
    p.scene.input_map.apply(pt.x, pt.y, in.data());
    model.forward(in.data(), 1, t);
    const bool wrong = nn::predicted_class(t.output().data(), model.outputs()) != pt.label;
    const uint32_t kind = k_class_shapes[pt.label & 7];
    const float rr = radius_for(kind, user ? radius * 1.35f : radius);
    const Rgba colour = p.c.class_colour(pt.label);
    if (user) p.out.marker(kind, x, y, rr + 2.5f * stroke, {1, 1, 1, 0.95f});
    if (test) {
      p.out.marker(kind, x, y, rr, {1, 1, 1, 0.9f}, 3.2f * stroke);
      p.out.marker(kind, x, y, rr - 0.5f * stroke, colour, 2.2f * stroke);
      p.out.marker(kind, x, y, rr, p.c.outline, 0.8f * stroke);
    } else {
      p.out.marker(kind, x, y, rr, colour);
      p.out.marker(kind, x, y, rr, p.c.outline, stroke);
    }
    if (pt.noisy) p.out.marker(SHAPE_CROSS, x, y, 0.5f * radius, p.c.outline);
    if (wrong) p.out.disc(x, y, rr + 3.5f * stroke, p.c.wrong, 1.6f * stroke);
  };
  for (const auto& pt : d.test) draw(pt, true, false);
  for (const auto& pt : d.train) draw(pt, false, false);
  for (const auto& pt : d.user) draw(pt, false, true);

  // The probe sample (the one the diagram's node colours and the step-through view follow): a
  // dark ring with a crosshair.
  const int probe = p.scene.snapshot->probe_index;
  if (p.options.mark_probe && probe >= 0) {
    const std::vector<data::Point> training = d.training_points();
    if (size_t(probe) < training.size()) {
      const data::Point& pt = training[size_t(probe)];
      const float x = r.x0 + (pt.x - float(v[0])) * sx, y = r.y0 + (float(v[3]) - pt.y) * sy;
      const float ring = radius * 2.6f;
      p.out.disc(x, y, ring, {1, 1, 1, 0.9f}, 4.0f * stroke);
      p.out.disc(x, y, ring, p.c.text, 2.0f * stroke);
      for (const float sgn : {-1.0f, 1.0f}) {
        p.out.line(x + sgn * ring, y, x + sgn * (ring + 2.2f * radius), y, 2.0f * stroke, p.c.text);
        p.out.line(x, y + sgn * ring, x, y + sgn * (ring + 2.2f * radius), 2.0f * stroke, p.c.text);
      }
    }
  }
}

}  // namespace nnlive::render
