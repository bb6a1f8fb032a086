// SPDX-License-Identifier: MIT
// Structs shared by the render passes (C++) and their shaders (GLSL), std430/push layout.
#ifndef NNLIVE_RENDER_SHARED_H
#define NNLIVE_RENDER_SHARED_H

// Shape kinds: every 2-D element (points, nodes, edges, curves, axes, text) is an instanced
// quad whose fragment shader evaluates the kind's signed distance in target pixels.
#define SHAPE_RECT 0u      // geom: a filled rectangle x0, y0, x1, y1 (the quad: it, or a strip of it)
#define SHAPE_DISC 1u      // geom: centre x, y, radius
#define SHAPE_LINE 2u      // geom: x0, y0, x1, y1; style.y = half width; round caps
#define SHAPE_SQUARE 3u    // geom: centre x, y, half size
#define SHAPE_TRIANGLE 4u  // geom: centre x, y, radius (point up)
#define SHAPE_DIAMOND 5u   // geom: centre x, y, radius
#define SHAPE_CROSS 6u     // geom: centre x, y, half size; style.y = half width of the strokes
#define SHAPE_GLYPH 7u     // geom: atlas u0, v0, u1, v1 (SDF font)
#define SHAPE_STAR 8u      // geom: centre x, y, radius (five points)
#define SHAPE_MARKERS 9u   // shapes.frag's constant 0 for the pipeline of the discs and markers (style.x says which)
#define SHAPE_FILL 10u     // rect: whole pixels inside an opaque rectangle (geom), cleared rather than drawn
#define SHAPE_DISCS_SQUARES 11u  // shapes.frag's constant 0 for a run of discs and squares only (CPU devices)
// The primitive a shapes pipeline draws each instance as (its constant 1): a quad of two
// triangles, or, on a CPU device, a wide line (lines) or a large point (markers), which a CPU
// rasterizer shades once per 4x4 block rather than once for each triangle over it.
#define SHAPE_PRIM_QUAD 0u
#define SHAPE_PRIM_LINE 1u
#define SHAPE_PRIM_POINT 2u
// A line's quad or primitive reaches this far past its half width on each side and past each
// end: a pixel whose centre lies within half a pixel outside the edge is partly covered
// (coverage 0.5 - d in shapes.frag), one further out not at all.
#define SHAPE_LINE_FRINGE 0.5

#define FIELD_VIEW_OUTPUT 0u    // P(class 1) or K softmax probabilities
#define FIELD_VIEW_NEURON 1u    // one hidden neuron's activation (diverging around 0)

// What a field-view pipeline shades (its fragment shader's specialization constant 1), fixed
// per pipeline: a CPU rasterizer pays for every branch a shader has, taken or not.
#define FIELD_VIEW_SHADE_NEURON 0u   // FIELD_VIEW_NEURON
#define FIELD_VIEW_SHADE_ONE 1u      // FIELD_VIEW_OUTPUT of one sigmoid output
#define FIELD_VIEW_SHADE_SOFTMAX 2u  // FIELD_VIEW_OUTPUT of K >= 2 softmax outputs

#ifdef __cplusplus
#include <cstdint>
namespace nnlive::render::shared {
using uint = uint32_t;
struct vec4 { float x, y, z, w; };
struct uvec4 { uint x, y, z, w; };
#endif

struct Shape {
  vec4 rect;   // quad bounds x0, y0, x1, y1 in target pixels (y down)
  vec4 geom;   // kind-specific geometry (see SHAPE_*)
  vec4 color;  // straight RGBA, 0..1
  vec4 style;  // x = kind, y = kind-specific width, z = outline thickness (0 = filled), w = edge width (markers; 0 = none;
               // shapes.vert passes a line's half length in its place)
  vec4 edge;   // markers: straight RGBA of a band of width style.w along the shape's edge, over the shape
};

// Push constants of the field view: one panel showing one field (or one channel of it).
struct FieldView {
  vec4 rect;    // panel x0, y0, x1, y1 in target pixels
  uvec4 grid;   // x = field width, y = field height, z = channels per pixel, w = first channel
  uvec4 mode;   // x = FIELD_VIEW_*, y = classes shown, z = discretize (0/1), w = draw boundary (0/1)
  vec4 style;   // x = boundary half width (px), y = neuron value range, z, w = unused (the view is opaque)
};

// The field view's push constants: the view, and the target's size.
struct FieldViewPush {
  FieldView v;
  vec4 target;  // xy = target size in pixels
};

// The palette, a uniform buffer shared by the field view passes.
struct Palette {
  vec4 classes[8];  // class colours, class 0 first
  vec4 neutral;     // colour where the network is unsure
  vec4 boundary;    // the decision boundary line
  vec4 positive;    // neuron fields: activation > 0
  vec4 negative;    // neuron fields: activation < 0
};

#ifdef __cplusplus
static_assert(sizeof(Shape) == 80, "Shape must match std430");
static_assert(sizeof(FieldView) == 64, "FieldView must fit the push-constant layout");
static_assert(sizeof(FieldViewPush) == 80, "FieldViewPush must match the push-constant block (at most 128 bytes)");
static_assert(sizeof(Palette) == 16 * 12, "Palette must match std140");
}  // namespace nnlive::render::shared
#endif

#endif
