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

// A dataset's names: what each axis measures along the field's bottom and left edges, and a
// legend of the classes (their point shape and colour, and name) in the top-right corner.
void draw_names(const Parts& p, const FieldPanel& panel) {
  const data::Dataset& d = *p.scene.dataset;
  const Rect& r = panel.rect;
  const float size = p.text(20), pad = 0.35f * size;
  const Rgba pill{1, 1, 1, 0.86f};
  auto label = [&](const std::string& text, float x, float y, Align align) {
    const float w = p.fonts.regular.measure(text, size);
    const float x0 = align == Align::right ? x - w : align == Align::center ? x - 0.5f * w : x;
    p.out.rect({x0 - pad, y - size - 0.2f * pad, x0 + w + pad, y + 1.2f * pad}, pill);
    p.fonts.regular.draw(p.out, text, x, y - 0.1f * size, size, p.c.text, align);
  };
  if (!d.axis_names[0].empty()) label(d.axis_names[0] + " \xE2\x86\x92", 0.5f * (r.x0 + r.x1), r.y1 - pad, Align::center);
  if (!d.axis_names[1].empty()) label("\xE2\x86\x91 " + d.axis_names[1], r.x0 + 1.5f * pad, r.y0 + size + pad, Align::left);
  if (d.class_names.empty()) return;
  // Below the run's badge side by side (draw_badge, in the same corner).
  const float badge = p.badge_radius();
  float y = r.y0 + size + pad + (badge > 0.0f ? 2.0f * badge + 8.0f * p.s : 0.0f);
  for (size_t k = d.class_names.size(); k-- > 0;) {  // the last class on top, as in the data
    const std::string& name = d.class_names[k];
    const float w = p.fonts.regular.measure(name, size);
    const float x1 = r.x1 - 1.5f * pad, x0 = x1 - w - 1.6f * size;
    p.out.rect({x0 - pad, y - size - 0.2f * pad, x1 + pad, y + 1.2f * pad}, pill);
    const uint32_t kind = k_class_shapes[k & 7];
    const float cx = x0 + 0.55f * size, cy = y - 0.38f * size;
    p.out.marker(kind, cx, cy, radius_for(kind, 0.42f * size), p.c.class_colour(int(k)), 0.0f, {p.c.outline, std::max(1.0f, 1.3f * p.s)});
    p.fonts.regular.draw(p.out, name, x1, y - 0.1f * size, size, p.c.text, Align::right);
    y += size + 2.0f * pad;
  }
}

namespace {

// Whether the network misclassifies each point (test, train, then user): the trainer's own
// verdicts where the snapshot has them, else from one forward pass over them all; memoized with
// the scene's snapshot and dataset.
std::vector<uint8_t> misclassified(const Scene& scene) {
  const data::Dataset& d = *scene.dataset;
  const auto& measured = scene.snapshot->misclassified;
  if (measured && measured->size() == d.test.size() + d.train.size() + d.user.size()) return *measured;
  std::unique_lock<std::mutex> lock;
  if (scene.memo) {
    lock = std::unique_lock(scene.memo->mutex);
    if (scene.memo->misclassified) return *scene.memo->misclassified;
  }
  std::vector<data::Point> points(d.test);
  points.insert(points.end(), d.train.begin(), d.train.end());
  points.insert(points.end(), d.user.begin(), d.user.end());
  const nn::LabeledSet set = core::to_labeled_set(points, scene.input_map);
  const nn::Mlp model = nn::model_of(*scene.snapshot);
  // In chunks: a trace of all points at once would hold every layer's values for each.
  constexpr size_t k_chunk = 64;
  const size_t n = set.labels.size();
  const int k = model.outputs();
  nn::Trace t;
  std::vector<uint8_t> wrong(n);
  for (size_t c = 0; c < n; c += k_chunk) {
    const size_t m = std::min(k_chunk, n - c);
    model.forward(set.x.data() + c * size_t(set.inputs), int(m), t);
    for (size_t i = 0; i < m; ++i) wrong[c + i] = nn::predicted_class(t.output().data() + i * size_t(k), k) != set.labels[c + i];
  }
  if (scene.memo) scene.memo->misclassified = wrong;
  return wrong;
}

}  // namespace

void draw_points(const Parts& p, const FieldPanel& panel) {
  const data::Dataset& d = *p.scene.dataset;
  const Rect& r = panel.rect;
  const float radius = std::max(2.5f, 6.0f * p.s);
  const float stroke = std::max(1.0f, 1.3f * p.s);
  const std::vector<uint8_t> wrong_at = misclassified(p.scene);
  size_t next = 0;
  auto draw = [&](const data::Point& pt, bool test, bool user) {
    const size_t index = next++;
    const Vec2 at = panel.pixel(pt.x, pt.y);
    const float x = at.x, y = at.y;
    if (x < r.x0 - radius || x > r.x1 + radius || y < r.y0 - radius || y > r.y1 + radius) return;
    const bool wrong = wrong_at[index] != 0;
    const uint32_t kind = k_class_shapes[pt.label & 7];
    const float rr = radius_for(kind, user ? radius * 1.35f : radius);
    const Rgba colour = p.c.class_colour(pt.label);
    if (user) p.out.marker(kind, x, y, rr + 2.5f * stroke, {1, 1, 1, 0.95f});
    if (test) {
      p.out.marker(kind, x, y, rr, {1, 1, 1, 0.9f}, 3.2f * stroke);
      p.out.marker(kind, x, y, rr - 0.5f * stroke, colour, 2.2f * stroke);
      p.out.marker(kind, x, y, rr, p.c.outline, 0.8f * stroke);
    } else {
      p.out.marker(kind, x, y, rr, colour, 0.0f, {p.c.outline, stroke});
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
    if (const data::Point* pt = d.training_point(size_t(probe))) {
      const Vec2 at = panel.pixel(pt->x, pt->y);
      const float x = at.x, y = at.y;
      const float ring = radius * 2.6f;
      p.out.disc(x, y, ring, {1, 1, 1, 0.9f}, 4.0f * stroke, {p.c.text, 2.0f * stroke});
      for (const float sgn : {-1.0f, 1.0f}) {
        p.out.line(x + sgn * ring, y, x + sgn * (ring + 2.2f * radius), y, 2.0f * stroke, p.c.text);
        p.out.line(x, y + sgn * ring, x, y + sgn * (ring + 2.2f * radius), 2.0f * stroke, p.c.text);
      }
    }
  }
}

}  // namespace nnlive::render
