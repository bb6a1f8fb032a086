// SPDX-License-Identifier: MIT
// field_view.frag: colours one field value per output pixel (never upscaled) and draws the
// decision boundary as an anti-aliased line of constant on-screen width. The distance to the
// boundary is |g| / |grad g| with g the log-odds (one output: logit p; softmax: log p_i - log p_j
// of the two likeliest classes), exact where g is linear, as with no hidden layer. A field
// evaluated at a reduced resolution (the live window while training on a slow device) is
// interpolated with a cubic in log-odds and the boundary's width is still measured in output
// pixels.
#version 450
#extension GL_GOOGLE_include_directive : require
#include "nnlive/render/render_shared.h"

// The field's values as a texel buffer rather than a storage buffer: a CPU rasterizer fetches a
// texel buffer for 8 pixels with one gather, and loads a storage buffer lane by lane (on
// lavapipe that load was half of this shader's instructions).
layout(set = 0, binding = 0) uniform samplerBuffer field;
// The palette's class colours, for the softmax shade only (it picks them per pixel); everything
// else the view reads comes from field_view.vert as flat inputs: a CPU rasterizer (Mesa 22's
// llvmpipe) loads a push constant or uniform in a fragment shader lane by lane, with a bounds
// check, for every pixel, and passes a flat input along as it is.
layout(std140, set = 0, binding = 1) uniform PaletteBlock { Palette palette; };
layout(location = 0) flat in vec4 v_rect;    // FieldView.rect
layout(location = 1) flat in uvec4 v_grid;   // FieldView.grid
layout(location = 2) flat in uvec4 v_mode;   // FieldView.mode
layout(location = 3) flat in vec4 v_style;   // FieldView.style.xy, the target's size
layout(location = 4) flat in vec4 v_neutral; // Palette.neutral
layout(location = 5) flat in vec4 v_boundary;
layout(location = 6) flat in vec4 v_low;     // class 0's colour (a neuron's view: the negative one)
layout(location = 7) flat in vec4 v_high;    // class 1's colour (a neuron's view: the positive one)
// 0: the field has one value per output pixel (the pipeline for it has no resampling code at
// all: a CPU rasterizer would run the cubic's taps for every pixel whichever way a branch went);
// 1: a reduced field may be resampled.
layout(constant_id = 0) const uint k_resample = 1u;
// FIELD_VIEW_SHADE_*: a neuron's value, one output's probability, or K softmax probabilities.
layout(constant_id = 1) const uint k_shade = FIELD_VIEW_SHADE_ONE;

layout(location = 0) out vec4 out_color;

float texel(ivec2 t, uint k) {
  t = clamp(t, ivec2(0), ivec2(v_grid.xy) - 1);
  return texelFetch(field, int((uint(t.y) * v_grid.x + uint(t.x)) * v_grid.z + v_grid.w + k)).r;
}

// Texels per output pixel: 1 when the field has one evaluation per pixel.
vec2 texel_scale() { return vec2(v_grid.xy) / (v_rect.zw - v_rect.xy); }

// Probabilities are interpolated as log-odds (one output) or log-probabilities (softmax), where
// the network's output is smooth; in probability space a saturated sigmoid turns a reduced
// field's cells into visible steps along the boundary.
bool interpolate_log() { return k_shade != FIELD_VIEW_SHADE_NEURON; }
float to_interp(float p) {
  if (!interpolate_log()) return p;
  if (k_shade == FIELD_VIEW_SHADE_ONE) {
    p = clamp(p, 1e-6, 1.0 - 1e-6);
    return log(p / (1.0 - p));
  }
  return log(max(p, 1e-12));
}
float from_interp(float x) {
  if (!interpolate_log()) return x;
  return k_shade == FIELD_VIEW_SHADE_ONE ? 1.0 / (1.0 + exp(-x)) : exp(x);
}

// Catmull-Rom weights for the four taps around fraction f: a cubic through the samples, so
// the boundary bends smoothly across cell edges instead of kinking at them.
vec4 catmull_rom(float f) {
  const float f2 = f * f, f3 = f2 * f;
  return vec4(-0.5 * f3 + f2 - 0.5 * f, 1.5 * f3 - 2.5 * f2 + 1.0, -1.5 * f3 + 2.0 * f2 + 0.5 * f, 0.5 * f3 - 0.5 * f2);
}

// The value at output pixel t (relative to the panel): its own texel, or cubic between the
// sixteen nearest of a reduced field.
float value(ivec2 t, uint k) {
  const vec2 s = texel_scale();
  if (k_resample == 0u || (s.x >= 1.0 && s.y >= 1.0)) return texel(t, k);
  const vec2 p = (vec2(t) + 0.5) * s - 0.5;
  const ivec2 i = ivec2(floor(p));
  const vec2 f = p - vec2(i);
  const vec4 wx = catmull_rom(f.x), wy = catmull_rom(f.y);
  float sum = 0.0;
  for (int y = 0; y < 4; ++y) {
    float row = 0.0;
    for (int x = 0; x < 4; ++x) row += wx[x] * to_interp(texel(i + ivec2(x - 1, y - 1), k));
    sum += wy[y] * row;
  }
  return from_interp(sum);
}

float logit(float p) {
  p = clamp(p, 1e-6, 1.0 - 1e-6);
  return log(p / (1.0 - p));
}

// Log-odds between classes i and j at texel t (one output: the logit of P(class 1)).
float odds(ivec2 t, uint i, uint j) {
  if (k_shade == FIELD_VIEW_SHADE_ONE) return logit(value(t, 0u));
  return log(max(value(t, i), 1e-12)) - log(max(value(t, j), 1e-12));
}

// A field value that is NaN or infinite (parameters that overflow float32): shown as grey
// diagonal stripes, its own state, never the white of "unsure".
bool no_value(ivec2 t) {
  const uint channels = k_shade == FIELD_VIEW_SHADE_SOFTMAX ? v_mode.y : 1u;
  const ivec2 nearest = ivec2(floor((vec2(t) + 0.5) * min(texel_scale(), vec2(1.0))));
  for (uint k = 0u; k < channels; ++k) {
    const float v = texel(nearest, k);
    if (isnan(v) || isinf(v)) return true;
  }
  return false;
}

void main() {
  const ivec2 t = ivec2(floor(gl_FragCoord.xy - v_rect.xy));
  const uint classes = v_mode.y;
  vec3 colour;
  uint first = 0u, second = 1u;
  // One output or a neuron: the pixel's value is computed once (a texel, or a cubic of sixteen),
  // and the boundary's gradient is the difference of the log-odds across the pixel's 2x2 quad
  // (dFdxFine), not four more values: on a CPU rasterizer the neighbours' taps and logarithms
  // were most of this shader's cost. The one triangle over the view and its ring
  // (field_view.vert; the scissor keeps to the view) gives every pixel its quad, except past
  // the target's last column or row when that is odd: there the difference is left out.
  float single = 0.0, g = 0.0;
  vec2 grad = vec2(0.0);
  if (k_shade != FIELD_VIEW_SHADE_SOFTMAX) {
    single = value(t, 0u);
    if (k_shade == FIELD_VIEW_SHADE_ONE && v_mode.w != 0u) {
      g = logit(single);
      grad = vec2(dFdxFine(g), dFdyFine(g));
      const vec2 px = floor(gl_FragCoord.xy);
      const bvec2 alone = bvec2(px.x + 1.0 >= v_style.z && mod(px.x, 2.0) == 0.0, px.y + 1.0 >= v_style.w && mod(px.y, 2.0) == 0.0);
      grad = mix(grad, vec2(0.0), alone);
    }
  }
  const bool missing = k_shade != FIELD_VIEW_SHADE_SOFTMAX && k_resample == 0u ? isnan(single) || isinf(single) : no_value(t);
  if (missing) {
    const float stripe = mod(floor((gl_FragCoord.x + gl_FragCoord.y) / (6.0 * max(v_style.w / 1080.0, 1.0))), 2.0);
    out_color = vec4(vec3(stripe > 0.5 ? 0.30 : 0.45), 1.0);
    return;
  }

  if (k_shade == FIELD_VIEW_SHADE_NEURON) {
    const float a = clamp(single / v_style.y, -1.0, 1.0);
    colour = mix(v_neutral.rgb, a >= 0.0 ? v_high.rgb : v_low.rgb, pow(abs(a), 0.8));
  } else if (k_shade == FIELD_VIEW_SHADE_ONE) {
    const float p = single;
    const vec3 hue = p >= 0.5 ? v_high.rgb : v_low.rgb;
    const float confidence = v_mode.z != 0u ? 0.55 : pow(abs(p - 0.5) * 2.0, 0.8);
    colour = mix(v_neutral.rgb, hue, confidence);
  } else {
    float best = -1.0, runner = -1.0;
    vec3 blend = vec3(0.0);
    for (uint k = 0u; k < classes; ++k) {
      const float p = value(t, k);
      blend += p * palette.classes[k].rgb;
      if (p > best) { runner = best; second = first; best = p; first = k; }
      else if (p > runner) { runner = p; second = k; }
    }
    const float floor_p = 1.0 / float(classes);
    if (v_mode.z != 0u) {
      colour = mix(v_neutral.rgb, palette.classes[first].rgb, 0.55);
    } else {
      colour = mix(v_neutral.rgb, blend, pow(clamp((best - floor_p) / (1.0 - floor_p), 0.0, 1.0), 0.8));
    }
  }

  if (k_shade != FIELD_VIEW_SHADE_NEURON && v_mode.w != 0u) {
    if (k_shade == FIELD_VIEW_SHADE_SOFTMAX) {
      // The two likeliest classes differ from pixel to pixel: the neighbours' log-odds between
      // this pixel's two.
      g = odds(t, first, second);
      grad = 0.5 * vec2(odds(t + ivec2(1, 0), first, second) - odds(t - ivec2(1, 0), first, second),
                        odds(t + ivec2(0, 1), first, second) - odds(t - ivec2(0, 1), first, second));
    }
    // Pixels to the boundary. A flat field has none to draw, even at exactly even odds (a dead
    // network's constant 0.5 would otherwise be all boundary).
    const float slope = length(grad);
    const float dist = slope > 1e-6 ? abs(g) / slope : 1e9;
    const float line = clamp(v_style.x + 0.5 - dist, 0.0, 1.0);
    colour = mix(colour, v_boundary.rgb, line * v_boundary.a);
  }
  out_color = vec4(colour, 1.0);
}
