// SPDX-License-Identifier: MIT
// field_view.vert: one triangle over a tile of the view and a pixel around it (cut to that by
// the scissor), so that no edge crosses the view: the fragment shader takes differences across
// each 2x2 quad of pixels, and a CPU rasterizer gives the pixels of a quad that a triangle does
// not cover no values from memory (the seam of a two-triangle quad showed as a line).
#version 450

// The viewport is twice the size of what the triangle must cover (a tile and its ring) from its
// corner (FieldViewPass), so the triangle lies inside it and no clipper cuts it in two.
void main() {
  const vec2 corners[3] = vec2[3](vec2(-1, -1), vec2(1, -1), vec2(-1, 1));
  gl_Position = vec4(corners[gl_VertexIndex], 0.0, 1.0);
}
