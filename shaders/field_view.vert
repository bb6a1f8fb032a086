// SPDX-License-Identifier: MIT
// field_view.vert: one triangle over a tile of the view and a pixel around it (cut to that by
// the scissor), so that no edge crosses the view: the fragment shader takes differences across
// each 2x2 quad of pixels, and a CPU rasterizer gives the pixels of a quad that a triangle does
// not cover no values from memory (the seam of a two-triangle quad showed as a line).
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

layout(std140, set = 0, binding = 1) uniform PaletteBlock { Palette palette; };
layout(push_constant) uniform Push { FieldView v; vec4 target; } pc;
// What the fragment shader reads, as flat inputs (see field_view.frag).
layout(location = 0) flat out vec4 v_rect;
layout(location = 1) flat out uvec4 v_grid;
layout(location = 2) flat out uvec4 v_mode;
layout(location = 3) flat out vec4 v_style;
layout(location = 4) flat out vec4 v_neutral;
layout(location = 5) flat out vec4 v_boundary;
layout(location = 6) flat out vec4 v_low;
layout(location = 7) flat out vec4 v_high;

// The viewport is twice the size of what the triangle must cover (a tile and its ring) from its
// corner (FieldViewPass), so the triangle lies inside it and no clipper cuts it in two.
void main() {
  const vec2 corners[3] = vec2[3](vec2(-1, -1), vec2(1, -1), vec2(-1, 1));
  gl_Position = vec4(corners[gl_VertexIndex], 0.0, 1.0);
  v_rect = pc.v.rect;
  v_grid = pc.v.grid;
  v_mode = pc.v.mode;
  v_style = vec4(pc.v.style.xy, pc.target.xy);
  v_neutral = palette.neutral;
  v_boundary = palette.boundary;
  const bool neuron = pc.v.mode.x == FIELD_VIEW_NEURON;
  v_low = neuron ? palette.negative : palette.classes[0];
  v_high = neuron ? palette.positive : palette.classes[1];
}
