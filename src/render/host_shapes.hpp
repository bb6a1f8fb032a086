// SPDX-License-Identifier: MIT
// Parts of a panel's underlay drawn on the host (private to src/render). On a CPU Vulkan device
// (lavapipe) a thin line costs its rasterizer a 4x4 block of pixels for every few it covers:
// the network diagram's edges and pulses, drawn over its opaque panel, took a sixth of a 1080p
// frame's CPU time. An opaque fill and the shapes after it that reach into its pixels are drawn
// here instead, as shapes.frag would draw them (the same distances and coverage, blended into
// RGBA8 one shape after another as the pipeline's blending does), and copied into the target;
// the device leaves out the fill and the shapes that lie wholly in it.
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

// Whether draw_host_region() draws this shape as shapes.frag would: a rectangle, a line, a disc
// or a square (with their outline and edge bands), or a fill.
bool host_drawable(const shared::Shape& s);

// The regions of `shapes` (one panel's underlay, in list order, target pixels) to draw on the
// host: each SHAPE_FILL whose whole pixels within `clip` some later shape reaches into, where
// every later shape that does is host_drawable() and none is another fill (so the regions are
// disjoint, and each holds the fill's colour before its shapes). `device_skips` (resized to the
// shapes) is set for the shapes the device need not draw: the regions' fills, and the later
// shapes whose quads lie wholly inside a region.
std::vector<HostRegion> plan_host_regions(std::span<const shared::Shape> shapes, const PixelSpan& clip,
                                          std::vector<uint8_t>& device_skips);

// Region `r` of `shapes` into `out` (RGBA8, red in the low byte, `r.pixels.width()` a row): the
// fill's colour, then every later shape over it in order, each pixel blended as the shapes
// pipelines blend (colour · a + destination · (1 − a), alpha a + destination alpha · (1 − a)) and
// rounded to 8 bits after each shape.
void draw_host_region(std::span<const shared::Shape> shapes, const HostRegion& r, uint32_t* out);

}  // namespace nnlive::render
