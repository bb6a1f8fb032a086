// SPDX-License-Identifier: MIT
// Shapes drawn on the host (private to src/render). On a CPU Vulkan device (lavapipe) a thin
// line costs its rasterizer a 4x4 block of pixels for every few it covers, and a small marker
// its primitive's set-up besides: the network diagram's edges and pulses, drawn over its
// opaque panel, took a sixth of a 1080p frame's CPU time, and the points on the field as much
// again. Where the pixels under some shapes are known on the host (an opaque fill of an
// underlay: the diagram's and the charts' panels; a field view coloured on the host, under the
// overlay's points), those shapes are drawn here instead, as shapes.frag would draw them (the
// same distances and coverage, blended into RGBA8 one shape after another as the pipelines'
// blending does), and the pixels copied into the target; the device leaves those shapes out.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "host_view.hpp"
#include "nnlive/render/render_shared.h"

namespace nnlive::render {

// A region drawn on the host: the whole pixels of the opaque fill `fill` (an index into the
// shapes), within the panel and the target.
struct HostRegion {
  PixelSpan pixels;
  size_t fill = 0;
};

// Whether the host draws this shape as shapes.frag would: a rectangle, a line, a marker (disc,
// square, triangle, diamond, star or cross, with their outline and edge bands), or a fill.
// Not a glyph.
bool host_drawable(const shared::Shape& s);

// The regions of `shapes` (one panel's underlay, in list order, target pixels) to draw on the
// host: each SHAPE_FILL whose whole pixels within `clip` some later shape reaches into, where
// every later shape that does is host_drawable() and none is another fill (so the regions are
// disjoint, and each holds the fill's colour before its shapes). `device_skips` (resized to the
// shapes) is set for the shapes the device need not draw: the regions' fills, and the later
// shapes whose quads lie wholly inside a region.
std::vector<HostRegion> plan_host_regions(std::span<const shared::Shape> shapes, const PixelSpan& clip,
                                          std::vector<uint8_t>& device_skips);

// The shapes of an overlay (in list order, target pixels) to draw on the host over `canvas`,
// pixels whose colours the host has when the overlay begins (a field view it coloured): each
// shape that reaches into the canvas, from the first on, while each is host_drawable() (not a
// fill) and lies wholly in it; the first that does not ends them, and the device draws it and
// every shape after it. `device_skips` (resized to the shapes) is set for those returned.
std::vector<size_t> plan_host_overlay(std::span<const shared::Shape> shapes, const PixelSpan& canvas,
                                      std::vector<uint8_t>& device_skips);

// Those shapes (plan_host_overlay) over the canvas's pixels (RGBA8, `canvas.width()` a row),
// blended as draw_host_region() blends.
void draw_host_shapes(std::span<const shared::Shape> shapes, std::span<const size_t> which, const PixelSpan& canvas,
                      uint32_t* pixels);

// Region `r` of `shapes` into `out` (RGBA8, red in the low byte, `r.pixels.width()` a row): the
// fill's colour, then every later shape over it in order, each pixel blended as the shapes
// pipelines blend (colour · a + destination · (1 − a), alpha a + destination alpha · (1 − a)) and
// rounded to 8 bits after each shape.
void draw_host_region(std::span<const shared::Shape> shapes, const HostRegion& r, uint32_t* out);

// A region's drawing kept from one frame to the next: the shapes over its fill last time, and
// its pixels after the first `steady` of them, the part that had not changed since the frame
// before. While training, a diagram's thousands of edges stay the same from one state to the
// next frame and only its pulses move: the edges are then drawn once, not every frame.
struct HostRegionCache {
  PixelSpan pixels;
  shared::vec4 fill{};
  std::vector<shared::Shape> shapes;  // last time's, in order
  size_t steady = 0;                  // `base` holds the fill and the first `steady` of them
  std::vector<uint32_t> base;
  size_t hint = 0;                    // how many were unchanged in the last settled frame
};

// draw_host_region(), to the same pixels, starting from what `cache` keeps where the shapes
// begin as they did last time; then updates it.
void draw_host_region(std::span<const shared::Shape> shapes, const HostRegion& r, uint32_t* out, HostRegionCache& cache);

}  // namespace nnlive::render
