// SPDX-License-Identifier: MIT
// Shape instances: bounds padded by a pixel so anti-aliased edges are not clipped.
#include "nnlive/render/shape_batch.hpp"

#include <algorithm>

namespace nnlive::render {

void ShapeBatch::push(const Rect& b, const shared::vec4& geom, const Rgba& c, uint32_t kind, float width, float outline,
                      const Edge& edge) {
  const Rgba& e = edge.colour;
  shapes_.push_back({{b.x0, b.y0, b.x1, b.y1}, geom, {c[0], c[1], c[2], c[3]}, {float(kind), width, outline, edge.width},
                     {e[0], e[1], e[2], e[3]}});
}

void ShapeBatch::rect(const Rect& r, const Rgba& c) { push(r, {}, c, SHAPE_RECT, 0.0f, 0.0f); }

void ShapeBatch::rect_outline(const Rect& r, float t, const Rgba& c) {
  rect({r.x0, r.y0, r.x1, r.y0 + t}, c);
  rect({r.x0, r.y1 - t, r.x1, r.y1}, c);
  rect({r.x0, r.y0 + t, r.x0 + t, r.y1 - t}, c);
  rect({r.x1 - t, r.y0 + t, r.x1, r.y1 - t}, c);
}

void ShapeBatch::disc(float x, float y, float radius, const Rgba& c, float outline, const Edge& edge) {
  marker(SHAPE_DISC, x, y, radius, c, outline, edge);
}

void ShapeBatch::marker(uint32_t kind, float x, float y, float r, const Rgba& c, float outline, const Edge& edge) {
  const float pad = r + 1.5f;
  const bool cross = kind == SHAPE_CROSS;
  push({x - pad, y - pad, x + pad, y + pad}, {x, y, r, 0.0f}, c, kind, cross ? std::max(0.9f, r * 0.22f) : 0.0f, outline,
       cross || !(edge.width > 0.0f) ? Edge{} : edge);
}

void ShapeBatch::line(float x0, float y0, float x1, float y1, float width, const Rgba& c) {
  const float h = 0.5f * width, pad = h + 1.5f;
  push({std::min(x0, x1) - pad, std::min(y0, y1) - pad, std::max(x0, x1) + pad, std::max(y0, y1) + pad}, {x0, y0, x1, y1},
       c, SHAPE_LINE, h, 0.0f);
}

void ShapeBatch::glyph(const Rect& q, const std::array<float, 4>& uv, const Rgba& c) {
  push(q, {uv[0], uv[1], uv[2], uv[3]}, c, SHAPE_GLYPH, 0.0f, 0.0f);
}

void ShapeBatch::translate(float dx, float dy) {
  for (auto& s : shapes_) {
    s.rect.x += dx, s.rect.z += dx;
    s.rect.y += dy, s.rect.w += dy;
    const auto kind = uint32_t(s.style.x);
    if (kind == SHAPE_RECT || kind == SHAPE_GLYPH) continue;  // geometry is the quad itself, or atlas coordinates
    s.geom.x += dx, s.geom.y += dy;
    if (kind == SHAPE_LINE) s.geom.z += dx, s.geom.w += dy;
  }
}

}  // namespace nnlive::render
