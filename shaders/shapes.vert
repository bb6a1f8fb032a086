// SPDX-License-Identifier: MIT
// shapes.vert: expands instance i into the quad of its bounds (6 vertices, no vertex buffer), or
// on a CPU device into a line or a point (k_primitive). Lines get a quad along the segment
// instead of their bounding box: a long diagonal edge of the network diagram then shades a few
// thousand pixels rather than tens of thousands.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

layout(std430, set = 0, binding = 0) readonly buffer Shapes { Shape shapes[]; };
layout(push_constant) uniform Push { vec2 target_size; } pc;

layout(location = 0) out vec2 v_pixel;
layout(location = 1) out vec2 v_uv;
// The instance, per vertex rather than per pixel: a CPU rasterizer gathers a storage-buffer read
// lane by lane for every pixel, and passes a flat input along as it is.
layout(location = 2) flat out vec4 v_rect;
layout(location = 3) flat out vec4 v_geom;
layout(location = 4) flat out vec4 v_color;
layout(location = 5) flat out vec4 v_style;
layout(location = 6) flat out vec4 v_edge;
// SHAPE_PRIM_*: each instance a quad (6 vertices), a wide line (2 vertices, the segment's ends
// moved out by the cap; the width is set for the draw) or a point (1 vertex: the quad, a square).
layout(constant_id = 1) const uint k_primitive = SHAPE_PRIM_QUAD;

void main() {
  const Shape s = shapes[gl_InstanceIndex];
  const vec2 corners[6] = vec2[6](vec2(0, 0), vec2(1, 0), vec2(0, 1), vec2(1, 0), vec2(1, 1), vec2(0, 1));
  const vec2 c = corners[gl_VertexIndex];
  vec2 pixel = mix(s.rect.xy, s.rect.zw, c);
  vec4 geom = s.geom;
  v_uv = mix(s.geom.xy, s.geom.zw, c);
  v_style = s.style;
  if (uint(s.style.x) == SHAPE_LINE) {
    const vec2 a = s.geom.xy, b = s.geom.zw;
    const float pad = s.style.y + SHAPE_LINE_FRINGE;  // the half width and the anti-aliased fringe
    const float len = length(b - a);
    const vec2 d = len > 1e-4 ? (b - a) / len : vec2(1.0, 0.0);
    v_style.w = 0.5 * len;
    if (k_primitive == SHAPE_PRIM_LINE) {
      // The segment's ends, moved out by the cap; the fragment shader measures from the middle
      // (v_geom.xy) along and across the direction (v_geom.zw).
      pixel = gl_VertexIndex == 0 ? a - d * pad : b + d * pad;
      geom = vec4(0.5 * (a + b), d);
    } else {
      const vec2 n = vec2(-d.y, d.x);
      pixel = mix(a - d * pad, b + d * pad, c.x) + n * mix(-pad, pad, c.y);
      // For the fragment shader: the pixel along the segment from its middle and across it
      // (linear over the quad, so exact at every pixel) and half the segment's length; its
      // distance then needs no projection of its own.
      v_uv = vec2((c.x - 0.5) * (len + 2.0 * pad), mix(-pad, pad, c.y));
    }
  }
  v_pixel = pixel;
  v_rect = s.rect;
  v_geom = geom;
  v_color = s.color;
  v_edge = s.edge;
  gl_PointSize = 1.0;
  if (k_primitive == SHAPE_PRIM_POINT) {
    pixel = 0.5 * (s.rect.xy + s.rect.zw);
    gl_PointSize = s.rect.z - s.rect.x;
  }
  gl_Position = vec4(pixel / pc.target_size * 2.0 - 1.0, 0.0, 1.0);
}
