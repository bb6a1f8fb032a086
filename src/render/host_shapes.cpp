// SPDX-License-Identifier: MIT
// shapes.frag's rectangles, lines, discs and squares on the host (host_shapes.hpp). A shape is
// drawn a row of pixels at a time, each pixel's coverage (the shader's distance and clamp) and
// blending in one loop of plain arithmetic, which the compiler vectorises (built for AVX-512,
// AVX2 and the baseline, NNLIVE_CLONES).
#include "host_shapes.hpp"

#include <algorithm>
#include <cmath>

#include "nnlive/common/fast_float.hpp"

namespace nnlive::render {
namespace {

// The quad of shape `s` as its pixels: those whose centres lie in it (left and top edges in,
// right and bottom out), within `clip`. Empty if none, or a bound is not a number.
PixelSpan quad_pixels(const shared::vec4& q, const PixelSpan& clip) {
  auto first = [](float v, int lo) {  // the first pixel whose centre is at or past v
    const float f = std::ceil(v - 0.5f);
    return f > float(lo) ? int(std::min(f, 1e9f)) : lo;
  };
  auto last = [](float v, int hi) {  // one past the last pixel whose centre is before v
    const float f = std::ceil(v - 0.5f);
    return f < float(hi) ? int(std::max(f, -1e9f)) : hi;
  };
  if (!(q.x <= q.z && q.y <= q.w)) return {};
  return {first(q.x, clip.x0), first(q.y, clip.y0), last(q.z, clip.x1), last(q.w, clip.y1)};
}

bool overlaps(const shared::vec4& q, const PixelSpan& r) {
  return q.z > float(r.x0) && q.x < float(r.x1) && q.w > float(r.y0) && q.y < float(r.y1);
}

bool inside(const shared::vec4& q, const PixelSpan& r) {
  return q.x >= float(r.x0) && q.z <= float(r.x1) && q.y >= float(r.y0) && q.w <= float(r.y1);
}

// The shape's SHAPE_* (Shape.style.x), or none of them.
uint32_t kind_of(const shared::Shape& s) { return s.style.x >= 0.0f && s.style.x < 256.0f ? uint32_t(s.style.x) : 256u; }

// [0, 1], and 0 for what is not a number (a fragment's output is clamped for a UNORM target).
float unit(float v) { return v >= 0.0f ? (v <= 1.0f ? v : 1.0f) : 0.0f; }

// shapes.frag's coverage clamp(0.5 − d, 0, 1) after its outline band (t > 0: |d + t/2| − t/2).
[[gnu::always_inline]] inline float coverage(float d, float t) {
  d = t > 0.0f ? std::fabs(d + 0.5f * t) - 0.5f * t : d;
  float c = 0.5f - d;
  c = c < 0.0f ? 0.0f : c;
  return c > 1.0f ? 1.0f : c;
}

// sd_box(p, half): the signed distance of (px, py) from a box of half sides (hx, hy) at the origin.
[[gnu::always_inline]] inline float sd_box(float px, float py, float hx, float hy) {
  const float dx = std::fabs(px) - hx, dy = std::fabs(py) - hy;
  const float ox = dx > 0.0f ? dx : 0.0f, oy = dy > 0.0f ? dy : 0.0f;
  const float in = std::min(std::max(dx, dy), 0.0f);
  return std::sqrt(ox * ox + oy * oy) + in;
}

enum class Form { line, disc, box };

// A shape as draw_rows() takes it.
struct RowShape {
  Form form;
  float a, b, c, d;        // line: middle x, y, direction x, y; disc: centre x, y, radius; box: centre x, y, half sides
  float half_length = 0;   // line: half its length
  float half_width = 0;    // line: half its width
  float offset = 0;        // box: added to the distance (a rectangle's 0.5)
  float outline = 0;       // Shape.style.z
  float r = 0, g = 0, b_ = 0, alpha = 0;  // colour, straight, [0, 1]
};

// A value in [0, 1] as 8 bits, rounded to the nearest.
[[gnu::always_inline]] inline int32_t to8(float v) { return int32_t(v * 255.0f + 0.5f); }

// (x · y) / 255 rounded to the nearest, for each of the two 16-bit halves of x (each at most
// 255) and y in [0, 255]: neither half's product reaches the other's bits.
[[gnu::always_inline]] inline uint32_t mul8x2(uint32_t x, uint32_t y) {
  const uint32_t t = x * y + 0x00800080u;
  return ((t + ((t >> 8) & 0x00FF00FFu)) >> 8) & 0x00FF00FFu;
}

// The pipelines' blending over the RGBA8 pixel d of a colour at alpha a: colour · a +
// destination · (1 − a), alpha a + destination alpha · (1 − a), in 8-bit arithmetic as a CPU
// device's blending does it (the alpha and colour in 8 bits, each product rounded), so that
// the host's pixels are the device's but for a rounding of the coverage. The colour comes as
// its red and blue (rb: red in bits 0-7, blue in 16-23) and green and an alpha of 255 (ga),
// the pixel's channels taken two at a time the same way.
[[gnu::always_inline]] inline uint32_t blend(uint32_t d, uint32_t rb, uint32_t ga, float a) {
  const uint32_t a8 = uint32_t(to8(a)), k = 255u - a8;
  const uint32_t out_rb = mul8x2(rb, a8) + mul8x2(d & 0x00FF00FFu, k);
  const uint32_t out_ga = mul8x2(ga, a8) + mul8x2((d >> 8) & 0x00FF00FFu, k);
  return out_rb | out_ga << 8;
}

// A colour's channels as blend() takes them.
uint32_t red_blue(float r, float b) { return uint32_t(to8(r)) | uint32_t(to8(b)) << 16; }
uint32_t green_alpha(float g) { return uint32_t(to8(g)) | 255u << 16; }

// Pixels [x0, x0 + n) of one row (pixel x0's centre at (x, y) relative to the shape's
// centre) blended with the shape's coverage. No branch in the loop, so that it vectorises; a
// pixel the shape does not cover (coverage 0) keeps its value exactly.
template <Form form>
[[gnu::always_inline]] inline void blend_run(const RowShape& s, float qx, float qy, int n, uint32_t* __restrict px) {
  const uint32_t rb = red_blue(s.r, s.b_), ga = green_alpha(s.g);
  const float alpha = s.alpha, t = s.outline;
  for (int i = 0; i < n; ++i) {
    const float x = qx + float(i);
    float d;
    if constexpr (form == Form::line) {
      // shapes.vert's place along (u) and across (v) the segment, from its middle.
      const float u = x * s.c + qy * s.d, v = qy * s.c - x * s.d;
      float au = std::fabs(u) - s.half_length;
      au = au > 0.0f ? au : 0.0f;
      d = std::sqrt(au * au + v * v) - s.half_width;
    } else if constexpr (form == Form::disc) {
      d = std::sqrt(x * x + qy * qy) - s.c;
    } else {
      d = sd_box(x, qy, s.c, s.d) + s.offset;
    }
    px[i] = blend(px[i], rb, ga, coverage(d, t) * alpha);
  }
}

// Shape `s` over the pixels `px` of the region (`out`, `region`'s width a row). A line's rows
// are cut to the pixels within its reach (half width and half a pixel) of the segment; every
// row's run is made a multiple of 8 pixels where the region (a box: its quad) allows, so that the vector loop
// covers it whole (a pixel with no coverage is left as it was).
template <Form form>
NNLIVE_CLONES void draw_rows(const RowShape& s, const PixelSpan& px, const PixelSpan& region, uint32_t* out) {
  const size_t stride = size_t(region.width());
  // A line: the pixel centres X (from the middle) with |X dx + Y dy| <= along and
  // |Y dx − X dy| <= across, an interval of X for each row Y (or all or none of it).
  const float along = s.half_length + s.half_width + 0.55f, across = s.half_width + 0.55f;
  const float dx = s.c, dy = s.d;
  const bool slab_x = std::fabs(dx) >= 1e-6f, slab_y = std::fabs(dy) >= 1e-6f;
  const float inv_dx = slab_x ? 1.0f / dx : 0.0f, inv_dy = slab_y ? 1.0f / dy : 0.0f;
  for (int y = px.y0; y < px.y1; ++y) {
    const float qy = float(y) + 0.5f - s.b;
    int x0 = px.x0, x1 = px.x1;
    if constexpr (form == Form::line) {
      float lo = -1e30f, hi = 1e30f;
      if (slab_x) {
        const float e0 = (-along - qy * dy) * inv_dx, e1 = (along - qy * dy) * inv_dx;
        lo = std::max(lo, std::min(e0, e1)), hi = std::min(hi, std::max(e0, e1));
      } else if (std::fabs(qy * dy) > along) {
        continue;
      }
      if (slab_y) {  // |qy dx − X dy| <= across
        const float e0 = (qy * dx - across) * inv_dy, e1 = (qy * dx + across) * inv_dy;
        lo = std::max(lo, std::min(e0, e1)), hi = std::min(hi, std::max(e0, e1));
      } else if (std::fabs(qy * dx) > across) {
        continue;
      }
      if (!(lo <= hi)) continue;
      // pixel x's centre is x + 0.5 − middle
      x0 = std::max(x0, int(std::max(std::ceil(lo + s.a - 0.5f), -1e9f)));
      x1 = std::min(x1, int(std::min(std::floor(hi + s.a - 0.5f), 1e9f)) + 1);
      if (x1 <= x0) continue;
    }
    // (A rectangle's strip is cut by its quad, where its distance is the whole rectangle's: a
    // box's runs stay within its quad's pixels.)
    const int lo_x = form == Form::box ? px.x0 : region.x0, hi_x = form == Form::box ? px.x1 : region.x1;
    int n = (x1 - x0 + 7) & ~7;
    if (x0 + n > hi_x) x0 = std::max(hi_x - n, lo_x), n = std::min(n, hi_x - x0);
    blend_run<form>(s, float(x0) + 0.5f - s.a, qy, n, out + size_t(y - region.y0) * stride + size_t(x0 - region.x0));
  }
}

// A marker with an edge band (Shape.edge): the shader's two layers, pixel by pixel.
void draw_marker_with_edge(const shared::Shape& sh, const RowShape& f, const PixelSpan& px, const PixelSpan& region, uint32_t* out) {
  const float w = sh.style.w, t = sh.style.z;
  const float er = unit(sh.edge.x), eg = unit(sh.edge.y), eb = unit(sh.edge.z), ea = unit(sh.edge.w);
  for (int y = px.y0; y < px.y1; ++y)
    for (int x = px.x0; x < px.x1; ++x) {
      const float qx = float(x) + 0.5f - f.a, qy = float(y) + 0.5f - f.b;
      const float shape_d = f.form == Form::disc ? std::sqrt(qx * qx + qy * qy) - f.c : sd_box(qx, qy, f.c, f.d);
      const float c = coverage(shape_d, t), e = coverage(std::fabs(shape_d + 0.5f * w) - 0.5f * w, 0.0f);
      if (!(c > 0.0f || e > 0.0f)) continue;
      const float a_edge = ea * e, a_shape = f.alpha * c * (1.0f - a_edge), a = unit(a_edge + a_shape);
      const float r = a > 0.0f ? unit((er * a_edge + f.r * a_shape) / a) : f.r;
      const float g = a > 0.0f ? unit((eg * a_edge + f.g * a_shape) / a) : f.g;
      const float b = a > 0.0f ? unit((eb * a_edge + f.b_ * a_shape) / a) : f.b_;
      uint32_t& p = out[size_t(y - region.y0) * size_t(region.width()) + size_t(x - region.x0)];
      p = blend(p, red_blue(r, b), green_alpha(g), a);
    }
}

// One shape over the region's pixels `out`.
void draw_shape(const shared::Shape& sh, const PixelSpan& region, uint32_t* out) {
  const uint32_t kind = kind_of(sh);
  const PixelSpan px = quad_pixels(sh.rect, region);
  if (px.empty()) return;
  RowShape f{};
  f.outline = sh.style.z;
  f.r = unit(sh.color.x), f.g = unit(sh.color.y), f.b_ = unit(sh.color.z), f.alpha = unit(sh.color.w);
  if (kind == SHAPE_LINE) {
    const float ax = sh.geom.x, ay = sh.geom.y, bx = sh.geom.z, by = sh.geom.w;
    const float len = std::sqrt((bx - ax) * (bx - ax) + (by - ay) * (by - ay));
    f.form = Form::line;
    f.a = 0.5f * (ax + bx), f.b = 0.5f * (ay + by);
    f.c = len > 1e-4f ? (bx - ax) / len : 1.0f, f.d = len > 1e-4f ? (by - ay) / len : 0.0f;
    f.half_length = 0.5f * len, f.half_width = sh.style.y;
  } else if (kind == SHAPE_DISC) {
    f.form = Form::disc, f.a = sh.geom.x, f.b = sh.geom.y, f.c = sh.geom.z;
  } else if (kind == SHAPE_SQUARE) {
    f.form = Form::box, f.a = sh.geom.x, f.b = sh.geom.y, f.c = sh.geom.z, f.d = sh.geom.z;
  } else {  // SHAPE_RECT (a fill's strip, or any rectangle): the whole rectangle's distance, + 0.5
    f.form = Form::box;
    f.a = 0.5f * (sh.geom.x + sh.geom.z), f.b = 0.5f * (sh.geom.y + sh.geom.w);
    f.c = 0.5f * (sh.geom.z - sh.geom.x), f.d = 0.5f * (sh.geom.w - sh.geom.y), f.offset = 0.5f;
  }
  if ((kind == SHAPE_DISC || kind == SHAPE_SQUARE) && sh.style.w > 0.0f) {
    draw_marker_with_edge(sh, f, px, region, out);
    return;
  }
  if (!(f.alpha > 0.0f) || !std::isfinite(f.a + f.b + f.c + f.d + f.half_length + f.half_width + f.offset + f.outline)) return;
  if (f.form == Form::line) draw_rows<Form::line>(f, px, region, out);
  else if (f.form == Form::disc) draw_rows<Form::disc>(f, px, region, out);
  else draw_rows<Form::box>(f, px, region, out);
}

}  // namespace

bool host_drawable(const shared::Shape& s) {
  const uint32_t k = kind_of(s);
  return float(k) == s.style.x && (k == SHAPE_RECT || k == SHAPE_LINE || k == SHAPE_DISC || k == SHAPE_SQUARE || k == SHAPE_FILL);
}

std::vector<HostRegion> plan_host_regions(std::span<const shared::Shape> shapes, const PixelSpan& clip,
                                          std::vector<uint8_t>& device_skips) {
  device_skips.assign(shapes.size(), 0);
  std::vector<HostRegion> regions;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const shared::Shape& fill = shapes[i];
    if (fill.style.x != float(SHAPE_FILL)) continue;
    const shared::vec4& q = fill.rect;  // (whole pixels: ShapeBatch::rect)
    if (!(q.x <= q.z && q.y <= q.w) || q.x != std::floor(q.x) || q.y != std::floor(q.y) || q.z != std::floor(q.z) ||
        q.w != std::floor(q.w) || std::fabs(q.x) > 1e8f || std::fabs(q.y) > 1e8f || std::fabs(q.z) > 1e8f || std::fabs(q.w) > 1e8f)
      continue;
    const PixelSpan r{std::max(int(q.x), clip.x0), std::max(int(q.y), clip.y0), std::min(int(q.z), clip.x1), std::min(int(q.w), clip.y1)};
    if (r.empty()) continue;
    bool any = false, all = true;
    for (size_t j = i + 1; j < shapes.size() && all; ++j) {
      if (!overlaps(shapes[j].rect, r)) continue;
      any = true;
      all = host_drawable(shapes[j]) && shapes[j].style.x != float(SHAPE_FILL);
    }
    if (!any || !all) continue;
    regions.push_back({r, i});
    device_skips[i] = 1;
    for (size_t j = i + 1; j < shapes.size(); ++j)
      if (inside(shapes[j].rect, r)) device_skips[j] = 1;
  }
  return regions;
}

void draw_host_region(std::span<const shared::Shape> shapes, const HostRegion& r, uint32_t* out) {
  const shared::Shape& fill = shapes[r.fill];
  auto u8 = [](float c) { return uint32_t(int32_t(unit(c) * 255.0f + 0.5f)); };
  const uint32_t colour = u8(fill.color.x) | u8(fill.color.y) << 8 | u8(fill.color.z) << 16 | 255u << 24;
  std::fill(out, out + r.pixels.area(), colour);
  for (size_t j = r.fill + 1; j < shapes.size(); ++j)
    if (overlaps(shapes[j].rect, r.pixels)) draw_shape(shapes[j], r.pixels, out);
}

}  // namespace nnlive::render
