// SPDX-License-Identifier: MIT
// field_view.frag's colours on the host (host_view.hpp). Each step below names the shader's
// line it stands for; the loops over a row are plain arithmetic on arrays, which the compiler
// vectorises (built for AVX-512, AVX2 and the baseline, NNLIVE_CLONES).
#include "host_view.hpp"

#include <algorithm>
#include <cmath>
#include <vector>

#include "nnlive/common/fast_float.hpp"

namespace nnlive::render {
namespace {

constexpr float k_ln2 = 0.693147181f;

// The shader's logit(p) = ln(p / (1 − p)), p clamped to [1e-6, 1 − 1e-6], in base 2 (the
// boundary's distance |g| / |grad g| is the same in any base). NaN stays NaN.
[[gnu::always_inline]] inline float logit2(float p) {
  p = p < 1e-6f ? 1e-6f : p;
  p = p > 1.0f - 1e-6f ? 1.0f - 1e-6f : p;
  return log2_approx(p / (1.0f - p));
}

// pow(x, 0.8) for x in [0, 1] (pow(0, 0.8) = 0: about 2^−101 here).
[[gnu::always_inline]] inline float pow08(float x) { return exp2_approx(0.8f * log2_approx(x)); }

[[gnu::always_inline]] inline float mix(float a, float b, float t) { return a + t * (b - a); }

// A colour channel in [0, 1] as the RGBA8 target stores it (rounded to the nearest of 255 steps).
[[gnu::always_inline]] inline uint32_t unorm8(float c) {
  c = c < 0.0f ? 0.0f : c;
  c = c > 1.0f ? 1.0f : c;
  return uint32_t(int32_t(c * 255.0f + 0.5f));
}

struct Colours {
  float neutral[3], boundary[4], low[3], high[3];
};

// One row of a view into RGBA8: its values and (one output with its boundary) the log-odds and
// their differences across each pixel's quad. The shader's main() after the texel fetch and the
// differences; no branch in the loop (selects only), so that it vectorises.
template <bool neuron, bool boundary, bool discretize>
[[gnu::always_inline]] inline void colour_row(const float* __restrict value, const float* __restrict g, const float* __restrict dx,
                                              const float* __restrict dy, int n, float half_width, float range, const Colours& c,
                                              uint32_t* __restrict out) {
  const float n0 = c.neutral[0], n1 = c.neutral[1], n2 = c.neutral[2], l0 = c.low[0], l1 = c.low[1], l2 = c.low[2];
  const float h0 = c.high[0], h1 = c.high[1], h2 = c.high[2], b0 = c.boundary[0], b1 = c.boundary[1], b2 = c.boundary[2];
  const float ba = c.boundary[3];
  for (int i = 0; i < n; ++i) {
    const float v = value[i];
    float w;
    bool up;
    if constexpr (neuron) {
      // a = clamp(single / range, −1, 1); mix(neutral, a >= 0 ? high : low, pow(|a|, 0.8))
      float a = v / range;
      a = a < -1.0f ? -1.0f : a;
      a = a > 1.0f ? 1.0f : a;
      w = pow08(std::fabs(a));
      up = a >= 0.0f;
    } else {
      // hue = p >= 0.5 ? high : low; confidence = discretize ? 0.55 : pow(|p − 0.5| · 2, 0.8)
      w = discretize ? 0.55f : pow08(std::fabs(v - 0.5f) * 2.0f);
      up = v >= 0.5f;
    }
    float r = mix(n0, up ? h0 : l0, w);
    float gr = mix(n1, up ? h1 : l1, w);
    float b = mix(n2, up ? h2 : l2, w);
    if constexpr (boundary) {
      // dist = slope > 1e-6 ? |g| / slope : 1e9; line = clamp(half width + 0.5 − dist, 0, 1)
      // (in base 2 the slope is 1 / ln 2 times the shader's)
      const float slope = std::sqrt(dx[i] * dx[i] + dy[i] * dy[i]);
      const float ratio = std::fabs(g[i]) / (slope > 1e-6f / k_ln2 ? slope : 1.0f);
      const float dist = slope > 1e-6f / k_ln2 ? ratio : 1e9f;
      float line = half_width + 0.5f - dist;
      line = line < 0.0f ? 0.0f : line;
      line = line > 1.0f ? 1.0f : line;
      const float t = line * ba;
      r = mix(r, b0, t);
      gr = mix(gr, b1, t);
      b = mix(b, b2, t);
    }
    out[i] = unorm8(r) | unorm8(gr) << 8 | unorm8(b) << 16 | 0xff000000u;
  }
}

// A function each: GCC vectorises the loops of several inlined into one function only in part.
NNLIVE_CLONES void colour_row_neuron(const float* value, int n, float range, const Colours& c, uint32_t* out) {
  colour_row<true, false, false>(value, nullptr, nullptr, nullptr, n, 0.0f, range, c, out);
}

NNLIVE_CLONES void colour_row_one(const float* value, int n, const Colours& c, uint32_t* out) {
  colour_row<false, false, false>(value, nullptr, nullptr, nullptr, n, 0.0f, 1.0f, c, out);
}

NNLIVE_CLONES void colour_row_discrete(const float* value, int n, const Colours& c, uint32_t* out) {
  colour_row<false, false, true>(value, nullptr, nullptr, nullptr, n, 0.0f, 1.0f, c, out);
}

NNLIVE_CLONES void colour_row_boundary(const float* value, const float* g, const float* dx, const float* dy, int n, float half_width,
                                       const Colours& c, uint32_t* out) {
  colour_row<false, true, false>(value, g, dx, dy, n, half_width, 1.0f, c, out);
}

NNLIVE_CLONES void colour_row_discrete_boundary(const float* value, const float* g, const float* dx, const float* dy, int n,
                                                float half_width, const Colours& c, uint32_t* out) {
  colour_row<false, true, true>(value, g, dx, dy, n, half_width, 1.0f, c, out);
}

// How many of n values are NaN or infinite.
NNLIVE_CLONES int count_missing(const float* value, int n) {
  int missing = 0;
  for (int i = 0; i < n; ++i) missing += std::fabs(value[i]) <= 3.4028235e38f ? 0 : 1;
  return missing;
}

NNLIVE_CLONES void logit2_row(const float* p, float* g, int n) {
  for (int i = 0; i < n; ++i) g[i] = logit2(p[i]);
}

// A row's values by texel column (a gather; the partners past the field's edges repeat its
// first or last).
NNLIVE_CLONES void gather_row(const float* row, const int* column, size_t stride, int n, float* out) {
  for (int i = 0; i < n; ++i) out[i] = row[size_t(column[i]) * stride];
}

// dFdyFine for a pair of rows: the quad's lower row less its upper, for both.
NNLIVE_CLONES void quad_dy(const float* upper, const float* lower, int n, float* dy) {
  for (int i = 0; i < n; ++i) dy[i] = lower[i] - upper[i];
}

// dFdxFine along a row of whole quads (n even): each quad's right pixel less its left, for both.
NNLIVE_CLONES void quad_dx(const float* g, int n, float* dx) {
  for (int i = 0; i < n; i += 2) {
    const float d = g[i + 1] - g[i];
    dx[i] = d;
    dx[i + 1] = d;
  }
}

// The texel of pixel coordinate `pixel` (an integer) along an axis: floor(pixel + 0.5 − origin),
// clamped to the grid (the shader's texel()).
int texel_of(int pixel, float origin, uint32_t size) {
  const float t = std::floor(float(pixel) + 0.5f - origin);
  return t <= 0.0f ? 0 : t >= float(size - 1) ? int(size - 1) : int(t);
}

}  // namespace

PixelSpan view_pixels(const shared::vec4& r, const PixelSpan& panel, uint32_t target_width, uint32_t target_height) {
  const float x0 = std::max(std::ceil(r.x - 0.5f), float(std::max(panel.x0, 0)));
  const float y0 = std::max(std::ceil(r.y - 0.5f), float(std::max(panel.y0, 0)));
  const float x1 = std::min(std::ceil(r.z - 0.5f), float(std::min(panel.x1, int(target_width))));
  const float y1 = std::min(std::ceil(r.w - 0.5f), float(std::min(panel.y1, int(target_height))));
  if (!(x1 > x0 && y1 > y0)) return {};  // (also a NaN)
  return {int(x0), int(y0), int(x1), int(y1)};
}

bool host_colourable(const shared::FieldView& v) {
  const bool neuron = v.mode.x == FIELD_VIEW_NEURON;
  const bool one = v.mode.x == FIELD_VIEW_OUTPUT && v.grid.z == 1;
  return (neuron || one) && v.grid.x >= 1 && v.grid.y >= 1 && float(v.grid.x) >= v.rect.z - v.rect.x &&
         float(v.grid.y) >= v.rect.w - v.rect.y;
}

void colour_field_view(const shared::FieldView& v, const shared::Palette& palette, uint32_t target_width, uint32_t target_height,
                       const PixelSpan& px, const float* values, uint32_t* out) {
  if (px.empty()) return;
  const bool neuron = v.mode.x == FIELD_VIEW_NEURON;
  const bool boundary = !neuron && v.mode.w != 0u, discretize = v.mode.z != 0u;
  // field_view.vert's colours: a neuron's view takes the negative and positive ones.
  Colours c{};
  const shared::vec4 &low = neuron ? palette.negative : palette.classes[0], &high = neuron ? palette.positive : palette.classes[1];
  for (int k = 0; k < 3; ++k) {
    c.neutral[k] = (&palette.neutral.x)[k];
    c.low[k] = (&low.x)[k];
    c.high[k] = (&high.x)[k];
  }
  for (int k = 0; k < 4; ++k) c.boundary[k] = (&palette.boundary.x)[k];
  const float stripe_scale = 6.0f * std::max(float(target_height) / 1080.0f, 1.0f);

  // Columns from the first quad's left pixel to the last quad's right one: each pixel's texel
  // column (the partners outside the view take the nearest, as the shader's clamp does).
  const int xa = px.x0 & ~1, xb = (px.x1 + 1) & ~1, n = xb - xa;
  std::vector<int> column(size_t(n), 0);
  for (int i = 0; i < n; ++i) column[size_t(i)] = texel_of(xa + i, v.rect.x, v.grid.x);
  // Per row of a quad pair: values and log-odds; per row drawn: differences.
  std::vector<float> value[2] = {std::vector<float>(size_t(n)), std::vector<float>(size_t(n))};
  std::vector<float> g[2] = {std::vector<float>(size_t(n)), std::vector<float>(size_t(n))};
  std::vector<float> dx(static_cast<size_t>(n)), dy(static_cast<size_t>(n));
  const size_t stride = v.grid.z;
  // One value per pixel, each column its own texel, the partners in the field: the rows' values
  // are read where they are.
  const bool in_place = stride == 1 && column[0] + n - 1 == column[size_t(n - 1)];  // (steps of 0 or 1)
  // The last column's quad partner lies past an odd target's edge: no difference there.
  const bool alone_x = px.x1 >= int(target_width) && ((target_width - 1) & 1u) == 0u;
  for (int ye = px.y0 & ~1; ye < px.y1; ye += 2) {
    const float* rows[2];
    for (int k = 0; k < 2; ++k) {
      const float* row = values + size_t(texel_of(ye + k, v.rect.y, v.grid.y)) * v.grid.x * stride + v.grid.w;
      if (in_place) {
        rows[k] = row + column[0];
      } else {
        gather_row(row, column.data(), stride, n, value[k].data());
        rows[k] = value[k].data();
      }
      if (boundary) logit2_row(rows[k], g[k].data(), n);
    }
    // No difference down past an odd target's last row.
    const bool alone_y = ye + 1 >= int(target_height);
    if (boundary) {
      if (alone_y) std::fill(dy.begin(), dy.end(), 0.0f);
      else quad_dy(g[0].data(), g[1].data(), n, dy.data());
    }
    for (int k = 0; k < 2; ++k) {
      const int y = ye + k;
      if (y < px.y0 || y >= px.y1) continue;
      if (boundary) {
        quad_dx(g[k].data(), n, dx.data());
        if (alone_x) dx[size_t(n - 1)] = dx[size_t(n - 2)] = 0.0f;
      }
      const int skip = px.x0 - xa;  // 0 or 1
      const float* row = rows[k] + skip;
      uint32_t* dst = out + size_t(y - px.y0) * size_t(px.width());
      const float *gk = g[k].data() + skip, *dxk = dx.data() + skip, *dyk = dy.data() + skip;
      if (neuron) colour_row_neuron(row, px.width(), v.style.y, c, dst);
      else if (!boundary) (discretize ? colour_row_discrete : colour_row_one)(row, px.width(), c, dst);
      else (discretize ? colour_row_discrete_boundary : colour_row_boundary)(row, gk, dxk, dyk, px.width(), v.style.x, c, dst);
      // A value that is NaN or infinite: grey diagonal stripes,
      // mod(floor((x + y) / (6 max(height / 1080, 1))), 2) > 0.5 ? 0.30 : 0.45
      if (count_missing(row, px.width()) > 0)
        for (int i = 0; i < px.width(); ++i) {
          if (std::isfinite(row[i])) continue;
          const float s = std::floor((float(px.x0 + i) + 0.5f + float(y) + 0.5f) / stripe_scale);
          const uint32_t grey = unorm8(s - 2.0f * std::floor(0.5f * s) > 0.5f ? 0.30f : 0.45f);
          dst[i] = grey | grey << 8 | grey << 16 | 0xff000000u;
        }
    }
  }
}

}  // namespace nnlive::render
