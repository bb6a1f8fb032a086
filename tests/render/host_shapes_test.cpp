// SPDX-License-Identifier: MIT
// Which shapes a CPU device's host draws (host_shapes.hpp), and what it draws
// there (no device needed; Render.ShapesDrawnOnTheHostMatchTheDevice compares the pixels
// with the device's).
#include <gtest/gtest.h>

#include "nnlive/render/shape_batch.hpp"
#include "render/host_shapes.hpp"

namespace nnlive::render {
namespace {

constexpr Rgba k_panel{1.0f, 1.0f, 1.0f, 1.0f};

// A panel's underlay: an opaque 200 x 100 rectangle at (100, 50) (a fill and four strips).
ShapeBatch panel() {
  ShapeBatch b;
  b.rect({100.0f, 50.0f, 300.0f, 150.0f}, k_panel);
  return b;
}

const PixelSpan k_clip{0, 0, 640, 480};

TEST(HostShapes, AFillWithLinesOverItIsARegionAndTheDeviceSkipsWhatLiesWhollyInIt) {
  ShapeBatch b = panel();
  b.line(120.0f, 70.0f, 280.0f, 130.0f, 2.0f, {0.0f, 0.0f, 1.0f, 0.5f});  // inside
  b.line(90.0f, 100.0f, 200.0f, 100.0f, 2.0f, {1.0f, 0.0f, 0.0f, 1.0f});  // reaching out to the left
  b.disc(200.0f, 100.0f, 5.0f, {0.0f, 1.0f, 0.0f, 1.0f});                // inside
  std::vector<uint8_t> skips;
  const auto regions = plan_host_regions(b.shapes(), k_clip, skips);
  ASSERT_EQ(regions.size(), 1u);
  // The fill's whole pixels: centres a pixel or more inside the rectangle.
  EXPECT_EQ(regions[0].pixels.x0, 101);
  EXPECT_EQ(regions[0].pixels.y0, 51);
  EXPECT_EQ(regions[0].pixels.x1, 299);
  EXPECT_EQ(regions[0].pixels.y1, 149);
  EXPECT_EQ(regions[0].fill, 0u);
  ASSERT_EQ(skips.size(), b.size());
  EXPECT_EQ(skips[0], 1) << "the fill";
  for (size_t i = 1; i <= 4; ++i) EXPECT_EQ(skips[i], 0) << "strip " << i << " lies outside the region";
  EXPECT_EQ(skips[5], 1);
  EXPECT_EQ(skips[6], 0) << "the device draws the part outside";
  EXPECT_EQ(skips[7], 1);
}

TEST(HostShapes, NoRegionWhereNothingIsOverTheFillOrWhatIsOverItIsNotDrawnOnTheHost) {
  std::vector<uint8_t> skips;
  EXPECT_TRUE(plan_host_regions(panel().shapes(), k_clip, skips).empty()) << "a fill alone: the device's clear costs nothing";
  ShapeBatch glyph = panel();
  glyph.line(120.0f, 70.0f, 280.0f, 130.0f, 2.0f, {0.0f, 0.0f, 1.0f, 0.5f});
  glyph.glyph({150.0f, 80.0f, 170.0f, 100.0f}, {0.0f, 0.0f, 0.1f, 0.1f}, {0.0f, 0.0f, 0.0f, 1.0f});
  EXPECT_TRUE(plan_host_regions(glyph.shapes(), k_clip, skips).empty());
  ShapeBatch fill = panel();
  fill.line(120.0f, 70.0f, 280.0f, 130.0f, 2.0f, {0.0f, 0.0f, 1.0f, 0.5f});
  fill.rect({150.0f, 60.0f, 250.0f, 140.0f}, {0.5f, 0.5f, 0.5f, 1.0f});  // another fill over it
  const auto regions = plan_host_regions(fill.shapes(), k_clip, skips);
  ASSERT_EQ(regions.size(), 0u) << "the second fill has nothing over it, the first another fill";
  for (uint8_t s : skips) EXPECT_EQ(s, 0);
  // Outside the panel's clip: nothing.
  ShapeBatch lines = panel();
  lines.line(120.0f, 70.0f, 280.0f, 130.0f, 2.0f, {0.0f, 0.0f, 1.0f, 0.5f});
  EXPECT_TRUE(plan_host_regions(lines.shapes(), PixelSpan{400, 0, 640, 480}, skips).empty());
}

TEST(HostShapes, TheRegionHoldsTheFillWithTheShapesBlendedOverIt) {
  ShapeBatch b = panel();
  b.line(120.0f, 100.5f, 280.0f, 100.5f, 4.0f, {0.0f, 0.0f, 1.0f, 1.0f});  // rows 99-101 whole, 98 and 102 half
  b.disc(200.0f, 80.0f, 6.0f, {1.0f, 0.0f, 0.0f, 0.5f});
  std::vector<uint8_t> skips;
  const auto regions = plan_host_regions(b.shapes(), k_clip, skips);
  ASSERT_EQ(regions.size(), 1u);
  const PixelSpan& r = regions[0].pixels;
  std::vector<uint32_t> px(r.area());
  draw_host_region(b.shapes(), regions[0], px.data());
  auto at = [&](int x, int y) { return px[size_t(y - r.y0) * size_t(r.width()) + size_t(x - r.x0)]; };
  EXPECT_EQ(at(110, 60), 0xFFFFFFFFu) << "the fill";
  EXPECT_EQ(at(200, 100), 0xFFFF0000u) << "on the line: its blue";
  EXPECT_EQ(at(200, 99), 0xFFFF0000u);
  const uint32_t edge = at(200, 98);  // half covered: half blue over white
  EXPECT_NEAR(int(edge & 255u), 128, 1);
  EXPECT_EQ(edge >> 16 & 255u, 255u);
  EXPECT_EQ(at(200, 96), 0xFFFFFFFFu) << "beyond the line's reach";
  EXPECT_EQ(at(110, 100), 0xFFFFFFFFu) << "before its round cap";
  // The disc's centre: red at half alpha over white.
  const uint32_t disc = at(200, 80);
  EXPECT_EQ(disc & 255u, 255u);
  EXPECT_NEAR(int(disc >> 8 & 255u), 128, 1);
  EXPECT_EQ(disc >> 24, 255u);
}

TEST(HostShapes, ARegionDrawnFromItsCacheHasTheSamePixelsAndKeepsItsUnchangedStart) {
  // Frame after frame: many edges that stay (until a new state), pulses after them that move.
  auto frame = [](int state, int time) {
    ShapeBatch b = panel();
    for (int i = 0; i < 60; ++i)
      b.line(105.0f + 3.0f * float(i), 55.0f, 295.0f - 2.0f * float(i), 145.0f, 1.0f + 0.05f * float(state),
             {0.2f, 0.4f, 0.9f, 0.3f + 0.01f * float(i)});
    for (int i = 0; i < 5; ++i)
      b.disc(110.0f + 15.0f * float(i) + 7.0f * float(time), 100.0f, 3.0f, {0.98f, 0.78f, 0.2f, 0.8f});
    return b;
  };
  HostRegionCache cache;
  // The batch's one region drawn from the cache has the pixels of the whole list drawn.
  auto same_as_drawn_whole = [&](const ShapeBatch& b) {
    std::vector<uint8_t> skips;
    const auto regions = plan_host_regions(b.shapes(), k_clip, skips);
    if (regions.size() != 1u) return false;
    std::vector<uint32_t> plain(regions[0].pixels.area()), cached(plain.size());
    draw_host_region(b.shapes(), regions[0], plain.data());
    draw_host_region(b.shapes(), regions[0], cached.data(), cache);
    return plain == cached;
  };
  const int states[] = {0, 0, 0, 1, 1, 1, 1, 0};
  for (int f = 0; f < 8; ++f) {
    EXPECT_TRUE(same_as_drawn_whole(frame(states[f], f))) << "frame " << f;
    // From the second frame on, all but the 5 pulses are kept for the next frame (a new
    // state's edges too, after as many shapes as the last frame kept), so it draws only pulses.
    ASSERT_EQ(cache.shapes.size(), 65u);
    EXPECT_EQ(cache.steady, f == 0 ? 0u : 60u) << "frame " << f;
  }
  // Another region (the panel moved): drawn whole again.
  ShapeBatch moved;
  moved.rect({110.0f, 60.0f, 310.0f, 160.0f}, k_panel);
  moved.line(120.0f, 70.0f, 280.0f, 130.0f, 2.0f, {0.0f, 0.0f, 1.0f, 0.5f});
  EXPECT_TRUE(same_as_drawn_whole(moved));
}

TEST(HostShapes, OverACanvasTheHostDrawsTheOverlaysFirstShapesUntilOneItCannot) {
  // A field view's pixels at (100, 50)-(300, 150): points inside, a line across, text, a point
  // reaching out over the edge; shapes elsewhere do not count.
  const PixelSpan canvas{100, 50, 300, 150};
  ShapeBatch b;
  b.rect_outline({99.0f, 49.0f, 301.0f, 151.0f}, 1.0f, {0.0f, 0.0f, 0.0f, 1.0f});  // 0-3: the frame, outside
  b.marker(SHAPE_DISC, 150.0f, 100.0f, 6.0f, {1.0f, 0.0f, 0.0f, 1.0f}, 0.0f, {{0.0f, 0.0f, 0.0f, 1.0f}, 1.3f});  // 4
  b.marker(SHAPE_TRIANGLE, 160.0f, 100.0f, 6.0f, {0.0f, 1.0f, 0.0f, 1.0f}, 2.0f);                                // 5
  b.marker(SHAPE_CROSS, 170.0f, 100.0f, 3.0f, {0.0f, 0.0f, 0.0f, 1.0f});                                          // 6
  b.line(120.0f, 60.0f, 280.0f, 140.0f, 2.0f, {0.0f, 0.0f, 1.0f, 1.0f});                                         // 7
  b.glyph({400.0f, 10.0f, 420.0f, 30.0f}, {0.0f, 0.0f, 0.1f, 0.1f}, {0.0f, 0.0f, 0.0f, 1.0f});                   // 8: elsewhere
  b.marker(SHAPE_SQUARE, 101.0f, 100.0f, 5.0f, {1.0f, 0.0f, 0.0f, 1.0f});                                       // 9: over the edge
  b.marker(SHAPE_DISC, 200.0f, 100.0f, 6.0f, {1.0f, 0.0f, 0.0f, 1.0f});                                          // 10: after it
  std::vector<uint8_t> skips;
  const auto which = plan_host_overlay(b.shapes(), canvas, skips);
  EXPECT_EQ(which, (std::vector<size_t>{4, 5, 6, 7}));
  ASSERT_EQ(skips.size(), b.size());
  for (size_t i = 0; i < skips.size(); ++i) EXPECT_EQ(skips[i], i >= 4 && i <= 7 ? 1 : 0) << i;
  // A glyph over the canvas ends them too.
  ShapeBatch text;
  text.marker(SHAPE_DISC, 150.0f, 100.0f, 6.0f, {1.0f, 0.0f, 0.0f, 1.0f});
  text.glyph({140.0f, 90.0f, 160.0f, 110.0f}, {0.0f, 0.0f, 0.1f, 0.1f}, {0.0f, 0.0f, 0.0f, 1.0f});
  text.marker(SHAPE_DISC, 200.0f, 100.0f, 6.0f, {1.0f, 0.0f, 0.0f, 1.0f});
  EXPECT_EQ(plan_host_overlay(text.shapes(), canvas, skips), (std::vector<size_t>{0}));
  EXPECT_TRUE(plan_host_overlay(text.shapes(), PixelSpan{}, skips).empty());
  // Drawn: the disc's centre red, its edge band dark, the canvas beyond it as it was.
  std::vector<uint32_t> px(canvas.area(), 0xFF808080u);
  draw_host_shapes(b.shapes(), which, canvas, px.data());
  auto at = [&](int x, int y) { return px[size_t(y - canvas.y0) * size_t(canvas.width()) + size_t(x - canvas.x0)]; };
  EXPECT_EQ(at(150, 100), 0xFF0000FFu);
  EXPECT_LT(at(150, 94) & 255u, 16u) << "the edge band, 6 px up: dark, not red";
  EXPECT_EQ(at(150, 90), 0xFF808080u);
}

}  // namespace
}  // namespace nnlive::render
