// SPDX-License-Identifier: MIT
// field_view.vert: the panel's quad.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

layout(push_constant) uniform Push { FieldView v; vec2 target_size; } pc;

void main() {
  const vec2 corners[6] = vec2[6](vec2(0, 0), vec2(1, 0), vec2(0, 1), vec2(1, 0), vec2(1, 1), vec2(0, 1));
  const vec2 pixel = mix(pc.v.rect.xy, pc.v.rect.zw, corners[gl_VertexIndex]);
  gl_Position = vec4(pixel / pc.target_size * 2.0 - 1.0, 0.0, 1.0);
}
