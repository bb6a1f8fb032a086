// SPDX-License-Identifier: MIT
// ShapeBatch: what a shape becomes in the instance list (no device needed).
#include <gtest/gtest.h>

#include <cmath>

#include "nnlive/render/shape_batch.hpp"

namespace nnlive::render {
namespace {

uint32_t kind(const shared::Shape& s) { return uint32_t(s.style.x); }
Rect quad(const shared::Shape& s) { return {s.rect.x, s.rect.y, s.rect.z, s.rect.w}; }

// Which of the shapes' quads holds the centre of pixel (x, y) (the quads must not overlap), -1
// if none.
int holder(const std::vector<shared::Shape>& shapes, int x, int y) {
  int found = -1;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const Rect q = quad(shapes[i]);
    const float cx = float(x) + 0.5f, cy = float(y) + 0.5f;
    if (cx >= q.x0 && cx < q.x1 && cy >= q.y0 && cy < q.y1) {
      EXPECT_EQ(found, -1) << "pixel " << x << "," << y << " in two quads";
      found = int(i);
    }
  }
  return found;
}

TEST(ShapeBatch, ALargeOpaqueRectangleIsAFillOfWholePixelsAndFourStripsOfTheSameRectangle) {
  for (const Rect r : {Rect{10.0f, 20.0f, 300.0f, 200.0f}, Rect{10.3f, 19.6f, 299.5f, 200.7f}, Rect{-40.25f, 5.75f, 90.0f, 64.5f}}) {
    ShapeBatch b;
    b.rect(r, {0.2f, 0.4f, 0.6f, 1.0f});
    const auto& s = b.shapes();
    ASSERT_EQ(s.size(), 5u);
    EXPECT_EQ(kind(s[0]), SHAPE_FILL);
    for (size_t i = 0; i < s.size(); ++i) {
      // Every piece keeps the whole rectangle as its geometry, and its colour.
      EXPECT_EQ(s[i].geom.x, r.x0);
      EXPECT_EQ(s[i].geom.y, r.y0);
      EXPECT_EQ(s[i].geom.z, r.x1);
      EXPECT_EQ(s[i].geom.w, r.y1);
      EXPECT_EQ(s[i].color.w, 1.0f);
      if (i > 0) {
        EXPECT_EQ(kind(s[i]), SHAPE_RECT);
      }
    }
    // The fill: whole pixels, each with its centre a pixel or more inside (coverage 1).
    const Rect f = quad(s[0]);
    for (float v : {f.x0, f.y0, f.x1, f.y1}) {
      EXPECT_EQ(v, std::floor(v));
    }
    EXPECT_GE(f.x0 + 0.5f, r.x0 + 1.0f);
    EXPECT_GE(f.y0 + 0.5f, r.y0 + 1.0f);
    EXPECT_LE(f.x1 - 0.5f, r.x1 - 1.0f);
    EXPECT_LE(f.y1 - 0.5f, r.y1 - 1.0f);
    // ... and the widest such: the next pixel out is less than a pixel inside.
    EXPECT_LT(f.x0 - 0.5f, r.x0 + 1.0f);
    EXPECT_GT(f.x1 + 0.5f, r.x1 - 1.0f);
    // The five quads hold every pixel centre of the rectangle once, and none outside it.
    for (int y = int(std::floor(r.y0)) - 2; y < int(std::ceil(r.y1)) + 2; ++y)
      for (int x = int(std::floor(r.x0)) - 2; x < int(std::ceil(r.x1)) + 2; ++x) {
        const float cx = float(x) + 0.5f, cy = float(y) + 0.5f;
        const bool inside = cx >= r.x0 && cx < r.x1 && cy >= r.y0 && cy < r.y1;
        EXPECT_EQ(holder(s, x, y) >= 0, inside) << x << "," << y;
      }
  }
}

TEST(ShapeBatch, SmallOrTranslucentRectanglesAreDrawnWhole) {
  ShapeBatch b;
  b.rect({0, 0, 500, 500}, {1, 1, 1, 0.9f});  // translucent
  b.rect({0, 0, 30, 500}, {1, 1, 1, 1});      // narrow
  b.rect({0, 0, NAN, 500}, {1, 1, 1, 1});     // not a rectangle at all
  ASSERT_EQ(b.size(), 3u);
  for (const auto& s : b.shapes()) {
    EXPECT_EQ(kind(s), SHAPE_RECT);
    EXPECT_TRUE(s.rect.x == s.geom.x && s.rect.y == s.geom.y && s.rect.w == s.geom.w);
  }
}

TEST(ShapeBatch, AFillMovedByPartOfAPixelIsDrawnInstead) {
  ShapeBatch whole, part;
  whole.rect({10, 10, 200, 200}, {1, 1, 1, 1});
  part.rect({10, 10, 200, 200}, {1, 1, 1, 1});
  whole.translate(5.0f, -3.0f);
  part.translate(5.5f, 0.0f);
  EXPECT_EQ(kind(whole.shapes()[0]), SHAPE_FILL);
  EXPECT_EQ(whole.shapes()[0].geom.x, 15.0f);
  EXPECT_EQ(whole.shapes()[0].geom.w, 197.0f);
  EXPECT_EQ(kind(part.shapes()[0]), SHAPE_RECT);
  for (const auto& s : part.shapes()) {
    EXPECT_EQ(s.geom.x, 15.5f);
    EXPECT_EQ(s.geom.z, 205.5f);
  }
}

TEST(ShapeBatch, AMarkersEdgeTravelsInItsInstance) {
  ShapeBatch b;
  b.disc(5, 5, 4, {1, 0, 0, 1}, 0.0f, {{0, 0, 1, 0.5f}, 1.5f});
  b.marker(SHAPE_CROSS, 5, 5, 4, {1, 0, 0, 1}, 0.0f, {{0, 0, 1, 1}, 1.5f});  // a cross takes none
  b.disc(5, 5, 4, {1, 0, 0, 1});
  ASSERT_EQ(b.size(), 3u);
  EXPECT_EQ(b.shapes()[0].style.w, 1.5f);
  EXPECT_EQ(b.shapes()[0].edge.z, 1.0f);
  EXPECT_EQ(b.shapes()[0].edge.w, 0.5f);
  EXPECT_EQ(b.shapes()[1].style.w, 0.0f);
  EXPECT_EQ(b.shapes()[2].style.w, 0.0f);
}

// Every line once, in list order: the draws tile the run.
void expect_tiles(const std::vector<LineDraw>& draws, size_t n) {
  size_t at = 0;
  for (const LineDraw& d : draws) {
    EXPECT_EQ(d.first, at);
    EXPECT_GT(d.count, 0u);
    at += d.count;
  }
  EXPECT_EQ(at, n);
}

TEST(ShapeBatch, LinesOfAboutOneWidthAreOneDrawOfLinePrimitivesAsWideAsTheWidest) {
  // A diagram's edges, weakest (thinnest) first, as draw_network lists them.
  std::vector<float> half;
  for (int i = 0; i < 600; ++i) half.push_back(0.3f + 2.0f * float(i) / 599.0f);
  const auto draws = plan_line_draws(half, 64.0f);
  expect_tiles(draws, half.size());
  EXPECT_LE(draws.size(), 5u);
  for (const LineDraw& d : draws) {
    ASSERT_GT(d.width, 0.0f);
    float lo = 1e9f, hi = 0.0f;
    for (size_t i = d.first; i < d.first + d.count; ++i) {
      lo = std::min(lo, 2.0f * (half[i] + k_line_fringe));
      hi = std::max(hi, 2.0f * (half[i] + k_line_fringe));
    }
    EXPECT_EQ(d.width, hi);  // every line's quad inside the primitive
    EXPECT_LE(hi, 1.3f * lo + 1.0f);
  }
}

TEST(ShapeBatch, AlternatingOrUnfitLineWidthsAreDrawnAsQuadsInOneDraw) {
  // Pulses: a wide glow under each thin streak, 200 times. One draw of quads, not 400.
  std::vector<float> pulses;
  for (int i = 0; i < 200; ++i) pulses.insert(pulses.end(), {3.0f, 1.0f});
  const auto alternating = plan_line_draws(pulses, 64.0f);
  expect_tiles(alternating, pulses.size());
  ASSERT_EQ(alternating.size(), 1u);
  EXPECT_EQ(alternating[0].width, 0.0f);

  // Beyond the device's widest line, not a number, or too few alike: quads.
  const std::vector<float> mixed{1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 40.0f, std::nanf(""), 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 1.0f, 8.0f};
  const auto draws = plan_line_draws(mixed, 32.0f);
  expect_tiles(draws, mixed.size());
  ASSERT_EQ(draws.size(), 4u);
  EXPECT_EQ(draws[0].count, 5u);
  EXPECT_EQ(draws[0].width, 2.0f * (1.0f + k_line_fringe));
  EXPECT_EQ(draws[1].count, 2u);  // the one too wide and the NaN, together
  EXPECT_EQ(draws[1].width, 0.0f);
  EXPECT_EQ(draws[2].count, 6u);
  EXPECT_EQ(draws[3].count, 1u);  // a lone wide line
  EXPECT_EQ(draws[3].width, 0.0f);
  EXPECT_TRUE(plan_line_draws({}, 32.0f).empty());
  // A device with no wide lines (1 pixel at most): every line a quad, in one draw.
  const auto narrow = plan_line_draws(mixed, 1.0f);
  ASSERT_EQ(narrow.size(), 1u);
  EXPECT_EQ(narrow[0].width, 0.0f);
}

TEST(ShapeBatch, MarkersArePointsOnlyWhenEverySquareFitsAndIsCentredInTheTarget) {
  ShapeBatch b;
  b.disc(10.0f, 20.0f, 5.0f, Rgba(1.0f), 0.0f, Edge{Rgba(0.0f), 1.0f});
  b.marker(SHAPE_STAR, 300.0f, 200.0f, 9.0f, Rgba(1.0f), 0.0f, Edge{});
  std::vector<shared::vec4> quads;
  for (const auto& s : b.shapes()) quads.push_back(s.rect);
  EXPECT_TRUE(as_points(quads, 64.0f, 320.0f, 240.0f));
  EXPECT_FALSE(as_points(quads, 20.0f, 320.0f, 240.0f));   // the star's 21-pixel square is too large
  EXPECT_FALSE(as_points(quads, 64.0f, 299.0f, 240.0f));   // its centre past the target's edge
  b.translate(-12.0f, 0.0f);                                 // the disc's centre left of it
  quads.clear();
  for (const auto& s : b.shapes()) quads.push_back(s.rect);
  EXPECT_FALSE(as_points(quads, 64.0f, 320.0f, 240.0f));
  EXPECT_FALSE(as_points(std::vector<shared::vec4>{{0.0f, 0.0f, 10.0f, 4.0f}}, 64.0f, 320.0f, 240.0f));  // not square
  EXPECT_FALSE(as_points(std::vector<shared::vec4>{{std::nanf(""), 0.0f, 10.0f, 10.0f}}, 64.0f, 320.0f, 240.0f));
  EXPECT_TRUE(as_points({}, 64.0f, 320.0f, 240.0f));
}

}  // namespace
}  // namespace nnlive::render
