// SPDX-License-Identifier: MIT
// ShapeBatch: the CPU-side list of shape instances one frame draws in a single instanced call.
// Coordinates are target pixels, y down (glm::vec2); colours straight RGBA (glm::vec4).
#pragma once
#include <array>
#include <glm/vec2.hpp>
#include <glm/vec4.hpp>
#include <span>
#include <vector>

#include "nnlive/render/render_shared.h"

namespace nnlive::render {

using Vec2 = glm::vec2;
using Rgba = glm::vec4;

struct Rect {
  float x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  float width() const { return x1 - x0; }
  float height() const { return y1 - y0; }
  Rect inset(float d) const { return {x0 + d, y0 + d, x1 - d, y1 - d}; }
};

// A band of `width` pixels along a marker's edge, inside it, drawn over the marker in the same
// instance: a filled disc with its outline is one shape, not two (each costs a CPU rasterizer
// its pixels).
struct Edge {
  Rgba colour{0.0f};
  float width = 0.0f;
};

class ShapeBatch {
 public:
  void clear() { shapes_.clear(); }
  const std::vector<shared::Shape>& shapes() const { return shapes_; }
  size_t size() const { return shapes_.size(); }

  void rect(const Rect& r, const Rgba& c);
  void rect_outline(const Rect& r, float thickness, const Rgba& c);
  void disc(float x, float y, float radius, const Rgba& c, float outline = 0.0f, const Edge& edge = {});
  void disc(Vec2 at, float radius, const Rgba& c, float outline = 0.0f, const Edge& edge = {}) {
    disc(at.x, at.y, radius, c, outline, edge);
  }
  // A marker of the given SHAPE_* kind (disc, square, triangle, diamond, star, cross): filled,
  // or with `outline` > 0 a band that wide inside its edge; `edge`, when wider than 0, over it.
  // The cross takes no edge.
  void marker(uint32_t kind, float x, float y, float radius, const Rgba& c, float outline = 0.0f, const Edge& edge = {});
  void line(float x0, float y0, float x1, float y1, float width, const Rgba& c);
  void line(Vec2 a, Vec2 b, float width, const Rgba& c) { line(a.x, a.y, b.x, b.y, width, c); }
  void glyph(const Rect& quad, const std::array<float, 4>& uv, const Rgba& c);
  // Moves every shape by (dx, dy) pixels (a composite drawn into a sub-rectangle of the frame).
  void translate(float dx, float dy);

 private:
  void push(const Rect& bounds, const shared::vec4& geom, const Rgba& c, uint32_t kind, float width, float outline,
            const Edge& edge = {});
  std::vector<shared::Shape> shapes_;
};

// How a run of consecutive lines is drawn where the device rasterizes wide lines (a CPU
// rasterizer shades each 4x4 block of a thin quad twice, once for each of its triangles, and a
// line primitive once): groups of lines of about the same width, each one draw of line
// primitives as wide as its widest line's quad (`width` pixels: twice the half width and the
// fringe); lines that fit no such group (fewer than `min_group` together, a width that is not a
// number or beyond `max_width`) are drawn as quads (`width` 0), neighbours in one draw. In list
// order, every line once.
struct LineDraw {
  size_t first = 0, count = 0;  // into the run
  float width = 0.0f;           // 0: quads
};
inline constexpr float k_line_fringe = float(SHAPE_LINE_FRINGE);  // beyond the half width, each side (shapes.vert)
std::vector<LineDraw> plan_line_draws(std::span<const float> half_widths, float max_width, size_t min_group = 4);

// Whether a run of markers (their quads, Shape.rect) may be drawn as point primitives, on a
// device whose largest point is `max_size` pixels, into a target `width` x `height`: every quad
// a square no larger, centred inside the target (a point whose centre is outside the viewport is
// dropped whole, where a quad shows its part inside).
bool as_points(std::span<const shared::vec4> quads, float max_size, float width, float height);

}  // namespace nnlive::render
