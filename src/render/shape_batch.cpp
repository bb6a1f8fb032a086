// SPDX-License-Identifier: MIT
// Shape instances: bounds padded by a pixel so anti-aliased edges are not clipped.
#include "nnlive/render/shape_batch.hpp"

#include <algorithm>
#include <cmath>

namespace nnlive::render {

void ShapeBatch::push(const Rect& b, const shared::vec4& geom, const Rgba& c, uint32_t kind, float width, float outline,
                      const Edge& edge) {
  const Rgba& e = edge.colour;
  shapes_.push_back({{b.x0, b.y0, b.x1, b.y1}, geom, {c[0], c[1], c[2], c[3]}, {float(kind), width, outline, edge.width},
                     {e[0], e[1], e[2], e[3]}});
}

void ShapeBatch::rect(const Rect& r, const Rgba& c) {
  const shared::vec4 box{r.x0, r.y0, r.x1, r.y1};
  // A large opaque rectangle: the pixels it covers whole (their centres a pixel or more inside)
  // are cleared, which costs a CPU rasterizer next to nothing, and the rest drawn as four strips
  // of the same rectangle (so every pixel has the colour it would have had).
  constexpr float k_fill_side = 32.0f;
  if (c[3] >= 1.0f) {
    const float ix0 = std::ceil(r.x0 + 0.5f), iy0 = std::ceil(r.y0 + 0.5f);
    const float ix1 = std::floor(r.x1 - 1.5f) + 1.0f, iy1 = std::floor(r.y1 - 1.5f) + 1.0f;
    if (ix1 - ix0 >= k_fill_side && iy1 - iy0 >= k_fill_side) {
      push({ix0, iy0, ix1, iy1}, box, c, SHAPE_FILL, 0.0f, 0.0f);
      for (const Rect& strip : {Rect{r.x0, r.y0, r.x1, iy0}, Rect{r.x0, iy1, r.x1, r.y1}, Rect{r.x0, iy0, ix0, iy1}, Rect{ix1, iy0, r.x1, iy1}})
        push(strip, box, c, SHAPE_RECT, 0.0f, 0.0f);
      return;
    }
  }
  push(r, box, c, SHAPE_RECT, 0.0f, 0.0f);
}

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
    if (kind == SHAPE_GLYPH) continue;  // atlas coordinates
    s.geom.x += dx, s.geom.y += dy;
    if (kind == SHAPE_LINE || kind == SHAPE_RECT || kind == SHAPE_FILL) s.geom.z += dx, s.geom.w += dy;
    // A fill moved by part of a pixel no longer covers whole pixels: drawn, as the rest.
    if (kind == SHAPE_FILL && (dx != std::floor(dx) || dy != std::floor(dy))) s.style.x = float(SHAPE_RECT);
  }
}

std::vector<LineDraw> plan_line_draws(std::span<const float> half_widths, float max_width, size_t min_group) {
  std::vector<LineDraw> draws;
  auto quads = [&](size_t first, size_t count) {
    if (count == 0) return;
    if (!draws.empty() && draws.back().width == 0.0f && draws.back().first + draws.back().count == first) draws.back().count += count;
    else draws.push_back({first, count, 0.0f});
  };
  auto width = [](float half) { return 2.0f * (half + k_line_fringe); };
  for (size_t g = 0; g < half_widths.size();) {
    const float w0 = width(half_widths[g]);
    if (!(std::isfinite(w0) && w0 <= max_width && w0 > 0.0f)) {
      quads(g, 1);
      ++g;
      continue;
    }
    // The group: while its widest line is at most 1.3 times its narrowest and a pixel (a thin
    // line then shades at most about a third of its own quad more).
    float lo = w0, hi = w0;
    size_t h = g + 1;
    for (; h < half_widths.size(); ++h) {
      const float w = width(half_widths[h]);
      if (!(std::isfinite(w) && w <= max_width && w > 0.0f)) break;
      const float l2 = std::min(lo, w), h2 = std::max(hi, w);
      if (h2 > 1.3f * l2 + 1.0f) break;
      lo = l2, hi = h2;
    }
    if (h - g >= min_group) draws.push_back({g, h - g, hi});
    else quads(g, h - g);
    g = h;
  }
  return draws;
}

bool as_points(std::span<const shared::vec4> quads, float max_size, float width, float height) {
  return std::all_of(quads.begin(), quads.end(), [&](const shared::vec4& q) {
    const float w = q.z - q.x, h = q.w - q.y, cx = 0.5f * (q.x + q.z), cy = 0.5f * (q.y + q.w);
    // (Written so that a NaN fails.)
    return std::abs(w - h) <= 1e-3f * w && w > 0.0f && w <= max_size && cx >= 0.0f && cx < width && cy >= 0.0f && cy < height;
  });
}

}  // namespace nnlive::render
