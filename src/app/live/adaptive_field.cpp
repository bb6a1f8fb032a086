// SPDX-License-Identifier: MIT
#include "live/adaptive_field.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

namespace nnlive::app::live {
namespace {

constexpr uint32_t B = k_adaptive_block;
// A block is interpolated only if its centre is within this of the corners' mean (every
// channel, probabilities): well under the 1/255 a colour may move, even where the shading is
// steepest (near even odds, which the boundary test below mostly keeps exact anyway).
constexpr float k_tolerance = 2.5e-4f;
// ... and the decision boundary is at least this many pixels away (a straight-line estimate
// from the block's log-odds): the boundary line, its anti-aliasing and the neighbours its
// slope is measured from stay on exact values.
constexpr float k_boundary_px = 8.0f;

// The request whose pixel (i, j) is the full request's pixel (x0 + i * step, y0 + j * step), in
// a w x h grid: the same positions, to float precision.
gpu::FieldRequest samples(const gpu::FieldRequest& full, double x0, double y0, double step, uint32_t w, uint32_t h) {
  const double dx = (double(full.view[2]) - full.view[0]) / full.width, dy = (double(full.view[3]) - full.view[1]) / full.height;
  gpu::FieldRequest r = full;
  r.width = w, r.height = h;
  // Pixel i of r sits at view[0] + (i + 0.5) * step * dx; it must be full's x0 + i * step.
  const double left = full.view[0] + (x0 + 0.5) * dx - 0.5 * step * dx, top = full.view[3] - (y0 + 0.5) * dy + 0.5 * step * dy;
  r.view = {float(left), float(top - h * step * dy), float(left + w * step * dx), float(top)};
  return r;
}

// The decision's log-odds at a sample (top class against the runner-up; one output: logit p),
// and the top class.
std::pair<float, uint32_t> decision(const float* p, uint32_t channels) {
  auto safe = [](float v) { return std::clamp(v, 1e-7f, 1.0f - 1e-7f); };
  if (channels == 1) {
    const float q = safe(p[0]);
    return {std::abs(std::log(q / (1.0f - q))), q >= 0.5f ? 1u : 0u};
  }
  uint32_t first = 0;
  for (uint32_t k = 1; k < channels; ++k)
    if (p[k] > p[first]) first = k;
  float second = -1.0f;
  for (uint32_t k = 0; k < channels; ++k)
    if (k != first) second = std::max(second, p[k]);
  return {std::log(safe(p[first])) - std::log(safe(second)), first};
}

}  // namespace

bool adaptive_applies(const gpu::FieldRequest& request) { return request.neuron_layer < 0 && !request.all_hidden; }

bool evaluate_adaptive(gpu::CpuFieldEvaluator& engine, const gpu::FieldRequest& full, float* out, const std::function<bool()>& stop,
                       AdaptiveCount& count) {
  const uint32_t W = full.width, H = full.height, K = engine.channels(full);
  // Samples every B/2 pixels from the top left (the last ones may lie past the edge): each
  // block has 3 x 3, its corners shared with its neighbours.
  const uint32_t bx = std::max(1u, (W + B - 1) / B), by = std::max(1u, (H + B - 1) / B);
  const uint32_t sx = 2 * bx + 1, sy = 2 * by + 1;
  std::vector<float> grid(size_t(sx) * sy * K);
  const gpu::FieldRequest gr = samples(full, 0.0, 0.0, 0.5 * B, sx, sy);
  if (!engine.evaluate_rows(gr, 0, gr.height, grid.data(), stop)) return false;
  count.evaluated += uint64_t(sx) * sy;
  count.pixels += uint64_t(W) * H;

  auto sample = [&](uint32_t i, uint32_t j) { return &grid[(size_t(j) * sx + i) * K]; };
  auto corner = [&](uint32_t i, uint32_t j) { return sample(2 * i, 2 * j); };
  // 0: calm (interpolated); 1: bends (exact); 2: changes class or nears the boundary (exact,
  // and so are its neighbours: the boundary line's slope is measured from neighbouring pixels).
  std::vector<uint8_t> kind(size_t(bx) * by);
  for (uint32_t j = 0; j < by; ++j)
    for (uint32_t i = 0; i < bx; ++i) {
      const float *c00 = corner(i, j), *c10 = corner(i + 1, j), *c01 = corner(i, j + 1), *c11 = corner(i + 1, j + 1);
      bool bends = false, boundary = false;
      float lo = INFINITY, hi = -INFINITY;
      uint32_t cls = 0;
      for (uint32_t b = 0; b < 3; ++b)
        for (uint32_t a = 0; a < 3; ++a) {
          const float* s = sample(2 * i + a, 2 * j + b);
          const float u = 0.5f * float(a), v = 0.5f * float(b);
          for (uint32_t k = 0; k < K; ++k) {
            const float bilinear = (1 - v) * ((1 - u) * c00[k] + u * c10[k]) + v * ((1 - u) * c01[k] + u * c11[k]);
            bends = bends || !std::isfinite(s[k]) || !(std::abs(s[k] - bilinear) <= k_tolerance);
          }
          const auto [g, top] = decision(s, K);
          if (a == 0 && b == 0) cls = top;
          boundary = boundary || top != cls || !std::isfinite(g);
          lo = std::min(lo, g), hi = std::max(hi, g);
        }
      // The log-odds fall by at most (hi - lo) across the block's B pixels (if straight); the
      // boundary (0) is then at least lo / ((hi - lo) / B) pixels from any of its samples.
      boundary = boundary || !(lo * B >= k_boundary_px * std::max(hi - lo, 1e-6f));
      kind[size_t(j) * bx + i] = boundary ? 2 : bends ? 1 : 0;
    }
  std::vector<uint8_t> exact(size_t(bx) * by);
  for (uint32_t j = 0; j < by; ++j)
    for (uint32_t i = 0; i < bx; ++i) {
      bool e = kind[size_t(j) * bx + i] != 0;
      for (uint32_t b = j > 0 ? j - 1 : 0; b <= std::min(j + 1, by - 1) && !e; ++b)
        for (uint32_t a = i > 0 ? i - 1 : 0; a <= std::min(i + 1, bx - 1) && !e; ++a) e = kind[size_t(b) * bx + a] == 2;
      exact[size_t(j) * bx + i] = e;
    }

  std::vector<float> run;
  for (uint32_t j = 0; j < by; ++j) {
    const uint32_t y0 = j * B, rows = std::min(B, H - y0);
    for (uint32_t i = 0; i < bx;) {
      if (stop && stop()) return false;
      const bool exact_run = exact[size_t(j) * bx + i];
      uint32_t e = i + 1;
      while (e < bx && bool(exact[size_t(j) * bx + e]) == exact_run) ++e;
      const uint32_t x0 = i * B, x1 = std::min(e * B, W);
      if (exact_run) {
        // Every pixel of these blocks, bit for bit as the full request has them: the boundary
        // line's slope is a difference of neighbouring values, and where the field is soft a
        // last-bit change in one of them moved its shade by 2/255.
        const uint32_t cols = x1 - x0;
        run.resize(size_t(cols) * rows * K);
        if (!engine.evaluate_region(full, x0, x1, y0, y0 + rows, run.data(), stop)) return false;
        count.evaluated += uint64_t(cols) * rows;
        for (uint32_t y = 0; y < rows; ++y)
          std::copy_n(&run[size_t(y) * cols * K], size_t(cols) * K, out + (size_t(y0 + y) * W + x0) * K);
      } else {
        for (uint32_t b = i; b < e; ++b)
          for (uint32_t y = 0; y < rows; ++y) {
            const float v = float(y) / B;
            for (uint32_t x = b * B; x < std::min(b * B + B, W); ++x) {
              const float u = float(x - b * B) / B;
              float* o = out + (size_t(y0 + y) * W + x) * K;
              const float *c00 = corner(b, j), *c10 = corner(b + 1, j), *c01 = corner(b, j + 1), *c11 = corner(b + 1, j + 1);
              for (uint32_t k = 0; k < K; ++k)
                o[k] = (1 - v) * ((1 - u) * c00[k] + u * c10[k]) + v * ((1 - u) * c01[k] + u * c11[k]);
            }
          }
      }
      i = e;
    }
  }
  return true;
}

}  // namespace nnlive::app::live
