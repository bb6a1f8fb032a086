// SPDX-License-Identifier: MIT
// shapes.frag's rectangles, lines, discs and squares on the host (host_shapes.hpp). A shape is
// drawn a row of pixels at a time, each pixel's coverage (the shader's distance and clamp) and
// blending in one loop of plain arithmetic, which the compiler vectorises (built for AVX-512,
// AVX2 and the baseline, NNLIVE_CLONES).
#include "host_shapes.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

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

// What draw_rows() draws: a line, a rectangle (a box whose distance is offset by half a
// pixel) or a marker (SHAPE_DISC to SHAPE_CROSS).
enum class Form { line, rect, marker };

struct HostShape {
  float cx = 0, cy = 0;   // line: its middle; rectangle, marker: the centre
  float c = 0, d = 0;     // line: its direction; rectangle: half sides; marker: radius (c)
  float half_length = 0;  // line: half its length
  float half_width = 0;   // line: half its width; cross: its strokes' (Shape.style.y)
  float outline = 0;      // Shape.style.z
  float edge_width = 0;   // marker: Shape.style.w (0: no edge band)
  float r = 0, g = 0, b = 0, a = 0;      // colour, straight, [0, 1]
  float er = 0, eg = 0, eb = 0, ea = 0;  // marker: the edge band's colour
};

// A value in [0, 1] as 8 bits, rounded to the nearest.
[[gnu::always_inline]] inline int32_t to8(float v) { return int32_t(v * 255.0f + 0.5f); }

// [0, 1] by selects (inside the vector loops; not for NaN).
[[gnu::always_inline]] inline float sat(float v) { return v < 0.0f ? 0.0f : v > 1.0f ? 1.0f : v; }

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
[[gnu::always_inline]] inline uint32_t red_blue(float r, float b) { return uint32_t(to8(r)) | uint32_t(to8(b)) << 16; }
[[gnu::always_inline]] inline uint32_t green_alpha(float g) { return uint32_t(to8(g)) | 255u << 16; }

[[gnu::always_inline]] inline float length(float x, float y) { return std::sqrt(x * x + y * y); }

// sd_segment(p, a, b) of shapes.frag, for a segment from (ax, ay) to (bx, by).
[[gnu::always_inline]] inline float sd_segment(float px, float py, float ax, float ay, float bx, float by) {
  const float pax = px - ax, pay = py - ay, bax = bx - ax, bay = by - ay;
  const float h = sat((pax * bax + pay * bay) / std::max(bax * bax + bay * bay, 1e-6f));
  return length(pax - bax * h, pay - bay * h);
}

// A marker's signed distance at (x, y) from its centre, as shapes.frag takes it.
template <uint32_t kind>
[[gnu::always_inline]] inline float marker_distance(float x, float y, float r, float stroke) {
  if constexpr (kind == SHAPE_DISC) {
    return length(x, y) - r;
  } else if constexpr (kind == SHAPE_SQUARE) {
    return sd_box(x, y, r, r);
  } else if constexpr (kind == SHAPE_DIAMOND) {
    return (std::fabs(x) + std::fabs(y) - r) * 0.7071068f;
  } else if constexpr (kind == SHAPE_TRIANGLE) {  // sd_triangle: equilateral, point up
    const float k = 1.7320508f;
    float px = std::fabs(x) - r, py = -y + r / k;
    const bool fold = px + k * py > 0.0f;
    const float fx = 0.5f * (px - k * py), fy = 0.5f * (-k * px - py);
    px = fold ? fx : px, py = fold ? fy : py;
    px -= std::clamp(px, -2.0f * r, 0.0f);
    const float sign = py > 0.0f ? 1.0f : py < 0.0f ? -1.0f : 0.0f;
    return -length(px, py) * sign;
  } else if constexpr (kind == SHAPE_CROSS) {
    return std::min(sd_segment(x, y, -r, -r, r, r), sd_segment(x, y, -r, r, r, -r)) - stroke;
  } else {  // SHAPE_STAR: sd_star, five points, inner radius 0.45 r (not vectorised: atan2)
    const float an = 3.141593f / 5.0f, en = 3.141593f / 2.5f;
    const float acx = std::cos(an), acy = std::sin(an), ecx = std::cos(en), ecy = std::sin(en);
    const float py = -y, m = 2.0f * an, t = std::atan2(x, py);
    const float bn = t - m * std::floor(t / m) - an;
    const float l = length(x, py);
    float qx = l * std::cos(bn) - r * acx, qy = l * std::fabs(std::sin(bn)) - r * acy;
    const float h = std::clamp(-(qx * ecx + qy * ecy), 0.0f, r * acy / ecy * 0.55f);
    qx += ecx * h, qy += ecy * h;
    const float sign = qx > 0.0f ? 1.0f : qx < 0.0f ? -1.0f : 0.0f;
    return length(qx, qy) * sign;
  }
}

// Pixels [x0, x0 + n) of one row (pixel x0's centre at (qx, qy) from the shape's centre)
// blended with the shape, only those in [q0, q1) of them (its quad's pixels: a rectangle's
// strip and a cross are cut by their quads). No branch in the loop, so that it vectorises; a
// pixel the shape does not cover keeps its value exactly.
template <Form form, uint32_t kind>
[[gnu::always_inline]] inline void blend_run(const HostShape& s, float qx, float qy, int n, int q0, int q1, uint32_t* __restrict px) {
  const uint32_t rb = red_blue(s.r, s.b), ga = green_alpha(s.g);
  // (the shape's values held here: read from it under a select, they were loads the vectoriser
  // could not make)
  const float t = s.outline, w = s.edge_width, sr = s.r, sg = s.g, sb = s.b, sa = s.a;
  const float er = s.er, eg = s.eg, eb = s.eb, ea = s.ea;
  for (int i = 0; i < n; ++i) {
    const float x = qx + float(i), in_quad = i >= q0 && i < q1 ? 1.0f : 0.0f;
    float d;
    if constexpr (form == Form::line) {
      // shapes.vert's place along (u) and across (v) the segment, from its middle.
      const float u = x * s.c + qy * s.d, v = qy * s.c - x * s.d;
      float au = std::fabs(u) - s.half_length;
      au = au > 0.0f ? au : 0.0f;
      d = length(au, v) - s.half_width;
    } else if constexpr (form == Form::rect) {
      d = sd_box(x, qy, s.c, s.d) + 0.5f;
    } else {
      d = marker_distance<kind>(x, qy, s.c, s.half_width);
    }
    const float cover = coverage(d, t) * in_quad;
    if constexpr (form == Form::marker) {
      // The edge band over the shape, as two shapes drawn one over the other would blend.
      const float edge = w > 0.0f ? coverage(std::fabs(d + 0.5f * w) - 0.5f * w, 0.0f) * in_quad : 0.0f;
      const float a_edge = ea * edge, a_shape = sa * cover * (1.0f - a_edge), a = a_edge + a_shape;
      const float inv = a > 0.0f ? 1.0f / a : 0.0f;
      const float r = a > 0.0f ? sat((er * a_edge + sr * a_shape) * inv) : sr;
      const float g = a > 0.0f ? sat((eg * a_edge + sg * a_shape) * inv) : sg;
      const float b = a > 0.0f ? sat((eb * a_edge + sb * a_shape) * inv) : sb;
      // (selects of values, not of calls: the loop stays one path)
      const bool edged = w > 0.0f;
      px[i] = blend(px[i], edged ? red_blue(r, b) : rb, edged ? green_alpha(g) : ga, edged ? sat(a) : cover * sa);
    } else {
      px[i] = blend(px[i], rb, ga, cover * sa);
    }
  }
}

// Shape `s` over the pixels `px` (its quad's, within the region) of the region (`out`,
// `region`'s width a row). A line's rows are cut to the pixels within its reach (half width
// and half a pixel) of the segment; every row's run is made a multiple of 8 pixels where the
// region allows, so that the vector loop covers it whole (the pixels beyond the shape keep
// their values).
template <Form form, uint32_t kind = 0>
NNLIVE_CLONES void draw_rows(const HostShape& s, const PixelSpan& px, const PixelSpan& region, uint32_t* out) {
  const size_t stride = size_t(region.width());
  // A line: the pixel centres X (from the middle) with |X dx + Y dy| <= along and
  // |Y dx − X dy| <= across, an interval of X for each row Y (or all or none of it).
  const float along = s.half_length + s.half_width + 0.55f, across = s.half_width + 0.55f;
  const float dx = s.c, dy = s.d;
  const bool slab_x = std::fabs(dx) >= 1e-6f, slab_y = std::fabs(dy) >= 1e-6f;
  const float inv_dx = slab_x ? 1.0f / dx : 0.0f, inv_dy = slab_y ? 1.0f / dy : 0.0f;
  for (int y = px.y0; y < px.y1; ++y) {
    const float qy = float(y) + 0.5f - s.cy;
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
      x0 = std::max(x0, int(std::max(std::ceil(lo + s.cx - 0.5f), -1e9f)));
      x1 = std::min(x1, int(std::min(std::floor(hi + s.cx - 0.5f), 1e9f)) + 1);
      if (x1 <= x0) continue;
    }
    int n = (x1 - x0 + 7) & ~7, start = x0;
    if (start + n > region.x1) start = std::max(region.x1 - n, region.x0), n = std::min(n, region.x1 - start);
    blend_run<form, kind>(s, float(start) + 0.5f - s.cx, qy, n, px.x0 - start, px.x1 - start,
                          out + size_t(y - region.y0) * stride + size_t(start - region.x0));
  }
}

// One shape over the region's pixels `out`.
void draw_shape(const shared::Shape& sh, const PixelSpan& region, uint32_t* out) {
  const uint32_t kind = kind_of(sh);
  const PixelSpan px = quad_pixels(sh.rect, region);
  if (px.empty()) return;
  HostShape f;
  f.outline = sh.style.z;
  f.r = unit(sh.color.x), f.g = unit(sh.color.y), f.b = unit(sh.color.z), f.a = unit(sh.color.w);
  const bool marker = kind >= SHAPE_DISC && kind <= SHAPE_STAR && kind != SHAPE_LINE && kind != SHAPE_GLYPH;
  if (kind == SHAPE_LINE) {
    const float ax = sh.geom.x, ay = sh.geom.y, bx = sh.geom.z, by = sh.geom.w;
    const float len = length(bx - ax, by - ay);
    f.cx = 0.5f * (ax + bx), f.cy = 0.5f * (ay + by);
    f.c = len > 1e-4f ? (bx - ax) / len : 1.0f, f.d = len > 1e-4f ? (by - ay) / len : 0.0f;
    f.half_length = 0.5f * len, f.half_width = sh.style.y;
  } else if (marker) {
    f.cx = sh.geom.x, f.cy = sh.geom.y, f.c = sh.geom.z;
    f.half_width = kind == SHAPE_CROSS ? sh.style.y : 0.0f;
    // (the markers pipeline's edge band; the cross takes none)
    if (kind != SHAPE_CROSS && sh.style.w > 0.0f) {
      f.edge_width = sh.style.w;
      f.er = unit(sh.edge.x), f.eg = unit(sh.edge.y), f.eb = unit(sh.edge.z), f.ea = unit(sh.edge.w);
    }
  } else {  // SHAPE_RECT (a fill's strip, or any rectangle): the whole rectangle's distance, + 0.5
    f.cx = 0.5f * (sh.geom.x + sh.geom.z), f.cy = 0.5f * (sh.geom.y + sh.geom.w);
    f.c = 0.5f * (sh.geom.z - sh.geom.x), f.d = 0.5f * (sh.geom.w - sh.geom.y);
  }
  if (!(f.a > 0.0f || (f.edge_width > 0.0f && f.ea > 0.0f)) ||
      !std::isfinite(f.cx + f.cy + f.c + f.d + f.half_length + f.half_width + f.outline + f.edge_width))
    return;
  switch (marker ? kind : kind == SHAPE_LINE ? 100u : 101u) {
    case 100u: draw_rows<Form::line>(f, px, region, out); break;
    case 101u: draw_rows<Form::rect>(f, px, region, out); break;
    case SHAPE_DISC: draw_rows<Form::marker, SHAPE_DISC>(f, px, region, out); break;
    case SHAPE_SQUARE: draw_rows<Form::marker, SHAPE_SQUARE>(f, px, region, out); break;
    case SHAPE_TRIANGLE: draw_rows<Form::marker, SHAPE_TRIANGLE>(f, px, region, out); break;
    case SHAPE_DIAMOND: draw_rows<Form::marker, SHAPE_DIAMOND>(f, px, region, out); break;
    case SHAPE_CROSS: draw_rows<Form::marker, SHAPE_CROSS>(f, px, region, out); break;
    default: draw_rows<Form::marker, SHAPE_STAR>(f, px, region, out); break;
  }
}

// A fill's colour as a pixel (RGBA8, red in the low byte).
uint32_t fill_pixel(const shared::Shape& fill) {
  return red_blue(unit(fill.color.x), unit(fill.color.z)) | green_alpha(unit(fill.color.y)) << 8;
}

}  // namespace

bool host_drawable(const shared::Shape& s) {
  const uint32_t k = kind_of(s);
  return float(k) == s.style.x && k <= SHAPE_FILL && k != SHAPE_GLYPH && k != SHAPE_MARKERS;
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
  std::fill(out, out + r.pixels.area(), fill_pixel(fill));
  for (size_t j = r.fill + 1; j < shapes.size(); ++j)
    if (overlaps(shapes[j].rect, r.pixels)) draw_shape(shapes[j], r.pixels, out);
}

void draw_host_region(std::span<const shared::Shape> shapes, const HostRegion& r, uint32_t* out, HostRegionCache& cache) {
  const shared::Shape& fill = shapes[r.fill];
  std::vector<shared::Shape> over;
  for (size_t j = r.fill + 1; j < shapes.size(); ++j)
    if (overlaps(shapes[j].rect, r.pixels)) over.push_back(shapes[j]);
  const bool same_region = !cache.base.empty() && cache.pixels == r.pixels && std::memcmp(&cache.fill, &fill.color, sizeof fill.color) == 0;
  // How many of the shapes begin as last time's did.
  size_t same = 0;
  if (same_region)
    while (same < over.size() && same < cache.shapes.size() && std::memcmp(&over[same], &cache.shapes[same], sizeof over[same]) == 0) ++same;
  // Settled: what the cache keeps is unchanged, and this frame starts from it. The pixels are
  // kept this time after every shape that did not change; on a frame where fewer did (a new
  // state), after as many as the last settled frame had, for the next frame, which likely
  // shows the same state.
  const bool settled = same_region && cache.steady <= same;
  const size_t keep_at = settled ? same : std::min(cache.hint, over.size());
  if (settled) cache.hint = same;
  const size_t area = r.pixels.area();
  size_t from = 0;
  if (settled) {
    std::memcpy(out, cache.base.data(), area * sizeof(uint32_t));
    from = cache.steady;
  } else {
    std::fill(out, out + area, fill_pixel(fill));
  }
  bool keep = !settled || keep_at > cache.steady;
  for (; from < over.size(); ++from) {
    if (keep && from == keep_at) {
      cache.base.assign(out, out + area);
      cache.steady = keep_at;
      keep = false;
    }
    draw_shape(over[from], r.pixels, out);
  }
  if (keep) {  // (keep_at is the end)
    cache.base.assign(out, out + area);
    cache.steady = keep_at;
  }
  cache.pixels = r.pixels;
  cache.fill = fill.color;
  cache.shapes = std::move(over);
}

std::vector<size_t> plan_host_overlay(std::span<const shared::Shape> shapes, const PixelSpan& canvas,
                                      std::vector<uint8_t>& device_skips) {
  device_skips.assign(shapes.size(), 0);
  std::vector<size_t> which;
  if (canvas.empty()) return which;
  for (size_t i = 0; i < shapes.size(); ++i) {
    const shared::Shape& s = shapes[i];
    if (!overlaps(s.rect, canvas)) continue;
    if (!host_drawable(s) || s.style.x == float(SHAPE_FILL) || !inside(s.rect, canvas)) break;
    which.push_back(i);
    device_skips[i] = 1;
  }
  return which;
}

void draw_host_shapes(std::span<const shared::Shape> shapes, std::span<const size_t> which, const PixelSpan& canvas, uint32_t* pixels) {
  for (const size_t i : which) draw_shape(shapes[i], canvas, pixels);
}

}  // namespace nnlive::render
