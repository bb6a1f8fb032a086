// SPDX-License-Identifier: MIT
// shapes.vert: expands instance i into the quad of its bounds (6 vertices, no vertex buffer).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

layout(std430, set = 0, binding = 0) readonly buffer Shapes { Shape shapes[]; };
layout(push_constant) uniform Push { vec2 target_size; } pc;

layout(location = 0) out vec2 v_pixel;
layout(location = 1) out vec2 v_uv;
layout(location = 2) flat out uint v_index;

void main() {
  const Shape s = shapes[gl_InstanceIndex];
  const vec2 corners[6] = vec2[6](vec2(0, 0), vec2(1, 0), vec2(0, 1), vec2(1, 0), vec2(1, 1), vec2(0, 1));
  const vec2 c = corners[gl_VertexIndex];
  const vec2 pixel = mix(s.rect.xy, s.rect.zw, c);
  v_pixel = pixel;
  v_uv = mix(s.geom.xy, s.geom.zw, c);
  v_index = gl_InstanceIndex;
  gl_Position = vec4(pixel / pc.target_size * 2.0 - 1.0, 0.0, 1.0);
}
