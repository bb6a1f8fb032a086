// SPDX-License-Identifier: MIT
// Colours of the picture. Blue / orange is the default, safe for the common colour-vision
// deficiencies; blue / magenta is the alternative. Class 1 is always blue.
#pragma once
#include "nnlive/render/render_shared.h"
#include "nnlive/render/scene.hpp"
#include "nnlive/render/shape_batch.hpp"

namespace nnlive::render {

struct Colours {
  Rgba background{0.955f, 0.957f, 0.965f, 1.0f};
  Rgba panel{1.0f, 1.0f, 1.0f, 1.0f};
  Rgba frame{0.80f, 0.81f, 0.84f, 1.0f};
  Rgba text{0.12f, 0.13f, 0.16f, 1.0f};
  Rgba muted{0.42f, 0.44f, 0.49f, 1.0f};
  Rgba grid{0.90f, 0.91f, 0.93f, 1.0f};
  Rgba outline{0.10f, 0.10f, 0.13f, 0.85f};
  Rgba wrong{0.78f, 0.08f, 0.12f, 1.0f};   // misclassified points
  Rgba train_curve{0.13f, 0.15f, 0.22f, 1.0f};
  Rgba test_curve{0.13f, 0.15f, 0.22f, 0.75f};
  Rgba marker{0.10f, 0.55f, 0.30f, 1.0f};   // auto-pause and best-test markers
  shared::Palette field{};                 // class hues, neutral, boundary, positive, negative
  Rgba class_colour(int k) const;
  Rgba positive() const;
  Rgba negative() const;
};

Colours colours_for(PaletteKind kind);

// The colour of run i (from 0) of experiments side by side, as their badges and the comparison
// chart show it: Okabe and Ito's colour-blind-safe set, yellow and black replaced by colours
// that read on white; nine, then repeating.
Rgba run_colour(size_t i);
constexpr size_t k_run_colours = 9;

}  // namespace nnlive::render
