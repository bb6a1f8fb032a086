// SPDX-License-Identifier: MIT
// Field views coloured on the host (private to src/render). On a CPU Vulkan device (lavapipe)
// every pixel the field-view shader colours costs the CPU its rasterizer's per-pixel work on top
// of the shader's: a 1080p frame's field view took more of its time than evaluating the field.
// Where the field's values are already in host memory (the CPU field engine), at one value per
// output pixel, and the view shows one output or a neuron, colour_field_view() does on the host
// what field_view.frag does (the same colours, boundary and stripes, the boundary's differences
// taken across the same 2x2 quads of target pixels), and a pipeline that only fetches the
// colours draws them. Softmax fields and reduced (interpolated) fields keep the shader.
#pragma once
#include <cstddef>
#include <cstdint>

#include "nnlive/render/render_shared.h"

namespace nnlive::render {

// Target pixels [x0, x1) x [y0, y1).
struct PixelSpan {
  int x0 = 0, y0 = 0, x1 = 0, y1 = 0;
  int width() const { return x1 - x0; }
  int height() const { return y1 - y0; }
  bool empty() const { return x1 <= x0 || y1 <= y0; }
  size_t area() const { return empty() ? 0 : size_t(width()) * size_t(height()); }
  bool operator==(const PixelSpan&) const = default;
};

// The pixels a field view with rectangle `rect` draws: those whose centres lie in it, within
// `panel` and the target. Empty if none (or a coordinate is not a number).
PixelSpan view_pixels(const shared::vec4& rect, const PixelSpan& panel, uint32_t target_width, uint32_t target_height);

// True when colour_field_view() can colour this view: one value per output pixel (the field's
// grid at least the size of its rectangle), one output or a neuron (FIELD_VIEW_SHADE_ONE or
// _NEURON).
bool host_colourable(const shared::FieldView& v);

// field_view.frag on the host for view `v` (as pushed to the shader) over `values` (v.grid:
// width, height, channels per pixel, channel shown), with the palette's colours: the RGBA8
// colour of each pixel in `pixels` (row by row, `pixels.width()` a row, red in the low byte),
// as the shader would write it into the RGBA8 target of `target_width` x `target_height`. The
// boundary's gradient is the difference of the log-odds across each 2x2 quad of target pixels
// (the shader's dFdxFine/dFdyFine), a quad's partner outside the field taking the nearest
// value, and none across the target's last column or row when that is odd. `v` must be
// host_colourable.
void colour_field_view(const shared::FieldView& v, const shared::Palette& palette, uint32_t target_width, uint32_t target_height,
                       const PixelSpan& pixels, const float* values, uint32_t* out);

}  // namespace nnlive::render
