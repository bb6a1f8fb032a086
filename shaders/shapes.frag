// SPDX-License-Identifier: MIT
// shapes.frag: signed distance (in pixels) of the instance's shape, turned into 1-pixel
// anti-aliased coverage; outlines take the band |d + t/2| < t/2 inside the shape, and a marker's
// edge band (Shape.edge) is blended over the shape in the same pass.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

layout(set = 0, binding = 1) uniform sampler2D font_atlas;

layout(location = 0) in vec2 v_pixel;
layout(location = 1) in vec2 v_uv;
layout(location = 2) flat in vec4 v_rect;  // the instance's Shape, from shapes.vert
layout(location = 3) flat in vec4 v_geom;
layout(location = 4) flat in vec4 v_color;
layout(location = 5) flat in vec4 v_style;
layout(location = 6) flat in vec4 v_edge;
layout(location = 0) out vec4 out_color;
// SHAPE_*: the one kind this pipeline draws (rectangles, lines, glyphs), or SHAPE_MARKERS: discs
// and the other markers, together because the points of different classes alternate in the
// list (a pipeline each would make a draw of every point). Apart, because a CPU rasterizer pays
// for every branch of a shader, taken or not: the glyph's five atlas taps cost each shape's
// pixels more than the shape itself, and a line's pixels paid for the star's trigonometry.
// SHAPE_DISCS_SQUARES: the markers pipeline without the other markers' code, for a run of
// discs and squares (two classes, the diagram's nodes): on a CPU device the star's
// trigonometry cost every marker's pixels.
layout(constant_id = 0) const uint k_kind = SHAPE_RECT;
// SHAPE_PRIM_* (shapes.vert). A line primitive's inputs vary only along it, and a point's not at
// all: the pixel's place comes from its position instead.
layout(constant_id = 1) const uint k_primitive = SHAPE_PRIM_QUAD;

float sd_segment(vec2 p, vec2 a, vec2 b) {
  const vec2 pa = p - a, ba = b - a;
  const float h = clamp(dot(pa, ba) / max(dot(ba, ba), 1e-6), 0.0, 1.0);
  return length(pa - ba * h);
}

float sd_box(vec2 p, vec2 half_size) {
  const vec2 d = abs(p) - half_size;
  return length(max(d, 0.0)) + min(max(d.x, d.y), 0.0);
}

float sd_triangle(vec2 p, float r) {  // equilateral, point up (y down in pixels)
  const float k = sqrt(3.0);
  p.y = -p.y;
  p.x = abs(p.x) - r;
  p.y = p.y + r / k;
  if (p.x + k * p.y > 0.0) p = vec2(p.x - k * p.y, -k * p.x - p.y) / 2.0;
  p.x -= clamp(p.x, -2.0 * r, 0.0);
  return -length(p) * sign(p.y);
}

float sd_star(vec2 p, float r) {  // five-pointed star, inner radius 0.45 r
  const float an = 3.141593 / 5.0;
  const float en = 3.141593 / 2.5;
  const vec2 acs = vec2(cos(an), sin(an));
  const vec2 ecs = vec2(cos(en), sin(en));
  p.y = -p.y;
  const float bn = mod(atan(p.x, p.y), 2.0 * an) - an;
  p = length(p) * vec2(cos(bn), abs(sin(bn)));
  p -= r * acs;
  p += ecs * clamp(-dot(p, ecs), 0.0, r * acs.y / ecs.y * 0.55);
  return length(p) * sign(p.x);
}

void main() {
  const Shape s = Shape(v_rect, v_geom, v_color, v_style, v_edge);
  // Branches on k_kind fold away when the pipeline is built; a branch on the instance's kind
  // (the markers pipeline's) stays, and a CPU rasterizer runs every side of it.
  const bool markers = k_kind == SHAPE_MARKERS || k_kind == SHAPE_DISCS_SQUARES;
  const uint kind = markers ? uint(s.style.x) : k_kind;
  const vec2 p = k_primitive == SHAPE_PRIM_POINT ? gl_FragCoord.xy : v_pixel;
  if (k_kind == SHAPE_GLYPH) {
    // Four taps across the pixel's footprint in the atlas: thin strokes of small text stay
    // whole where one bilinear sample would step over them.
    const vec2 dx = dFdx(v_uv) * 0.25, dy = dFdy(v_uv) * 0.25;
    const float w = max(fwidth(texture(font_atlas, v_uv).r), 1e-4) * 0.6;
    float a = 0.0;
    for (int i = 0; i < 4; ++i) {
      const vec2 o = (i & 1) == 0 ? -dx : dx;
      const vec2 q = (i & 2) == 0 ? -dy : dy;
      a += smoothstep(0.5 - w, 0.5 + w, texture(font_atlas, v_uv + o + q).r);
    }
    out_color = vec4(s.color.rgb, s.color.a * a * 0.25);
    return;
  }
  float d;
  const vec2 c = s.geom.xy;
  if (k_kind == SHAPE_RECT) d = sd_box(p - 0.5 * (s.geom.xy + s.geom.zw), 0.5 * (s.geom.zw - s.geom.xy)) + 0.5;
  else if (k_kind == SHAPE_LINE) {
    vec2 uv = v_uv;  // (shapes.vert)
    if (k_primitive == SHAPE_PRIM_LINE) {
      const vec2 q = gl_FragCoord.xy - s.geom.xy;
      uv = vec2(dot(q, s.geom.zw), dot(q, vec2(-s.geom.w, s.geom.z)));
    }
    d = length(vec2(max(abs(uv.x) - s.style.w, 0.0), uv.y)) - s.style.y;
  }
  else if (kind == SHAPE_DISC) d = length(p - c) - s.geom.z;
  else if (kind == SHAPE_SQUARE || k_kind == SHAPE_DISCS_SQUARES) d = sd_box(p - c, vec2(s.geom.z));
  else if (kind == SHAPE_TRIANGLE) d = sd_triangle(p - c, s.geom.z);
  else if (kind == SHAPE_DIAMOND) d = (abs(p.x - c.x) + abs(p.y - c.y) - s.geom.z) * 0.7071068;
  else if (kind == SHAPE_CROSS) {
    const vec2 q = p - c;
    const float h = s.geom.z;
    d = min(sd_segment(q, vec2(-h, -h), vec2(h, h)), sd_segment(q, vec2(-h, h), vec2(h, -h))) - s.style.y;
  } else d = sd_star(p - c, s.geom.z);
  const float shape_d = d;
  if (s.style.z > 0.0) d = abs(d + 0.5 * s.style.z) - 0.5 * s.style.z;  // outline band inside the edge
  const float coverage = clamp(0.5 - d, 0.0, 1.0);
  if (markers && s.style.w > 0.0) {
    // The edge band over the shape, as two shapes drawn one over the other would blend.
    const float edge = clamp(0.5 - (abs(shape_d + 0.5 * s.style.w) - 0.5 * s.style.w), 0.0, 1.0);
    if (coverage <= 0.0 && edge <= 0.0) discard;
    const float a_edge = s.edge.a * edge, a_shape = s.color.a * coverage * (1.0 - a_edge);
    const float a = a_edge + a_shape;
    out_color = vec4(a > 0.0 ? (s.edge.rgb * a_edge + s.color.rgb * a_shape) / a : s.color.rgb, a);
    return;
  }
  if (coverage <= 0.0) discard;
  out_color = vec4(s.color.rgb, s.color.a * coverage);
}
