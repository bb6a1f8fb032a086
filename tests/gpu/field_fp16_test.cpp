// SPDX-License-Identifier: MIT
// The fp16 field kernel's host side (nnlive/gpu/field_fp16.hpp): binary16 conversion against
// the compiler's own _Float16, the packed weights' places, and the accuracy the issue asks of
// the fp16 path, shown with its exact rounding on the CPU: on every preset it applies to,
// trained, and on wide networks, its field is within 1e-2 of the fp32 field.
#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <iostream>

#include "field_support.hpp"
#include "field_test_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/experiment.hpp"
#include "nnlive/gpu/field_fp16.hpp"
#include "nnlive/gpu/field_shared.h"

namespace nnlive {
namespace {

using testing_support::Arch;
using testing_support::make;

TEST(Fp16Field, HalvesRoundToNearestEvenAndSaturate) {
  EXPECT_EQ(gpu::to_half(1.0f), 0x3c00u);
  EXPECT_EQ(gpu::to_half(-2.0f), 0xc000u);
  EXPECT_EQ(gpu::to_half(1.0f + 0x1p-11f), 0x3c00u);        // a tie: to the even neighbour
  EXPECT_EQ(gpu::to_half(1.0f + 3 * 0x1p-11f), 0x3c02u);    // a tie: to the even neighbour, up
  EXPECT_EQ(gpu::to_half(1.0f + 0x1p-11f + 0x1p-20f), 0x3c01u);
  EXPECT_EQ(gpu::to_half(0x1p-24f), 0x0001u);               // the smallest subnormal
  EXPECT_EQ(gpu::to_half(0x1p-25f), 0x0000u);               // half of it: a tie, to zero
  EXPECT_EQ(gpu::to_half(3 * 0x1p-26f), 0x0001u);
  EXPECT_EQ(gpu::to_half(65504.0f), 0x7bffu);
  EXPECT_EQ(gpu::to_half(1e9f), 0x7bffu);                   // saturates at ±65504, never infinite
  EXPECT_EQ(gpu::to_half(-INFINITY), 0xfbffu);
  EXPECT_TRUE(std::isnan(gpu::from_half(gpu::to_half(NAN))));
  // Every finite half survives the round trip.
  for (uint32_t h = 0; h < 0x10000u; ++h) {
    if (((h >> 10) & 0x1fu) == 0x1fu) continue;  // infinities and NaNs
    ASSERT_EQ(gpu::to_half(gpu::from_half(uint16_t(h))), h);
  }
  // A split value keeps about 22 significant bits.
  Rng rng(3);
  for (int i = 0; i < 10000; ++i) {
    const float v = float(rng.normal(0.0, 30.0));
    const float hi = gpu::from_half(gpu::to_half(v));
    const float lo = gpu::from_half(gpu::to_half((v - hi) * gpu::k_fp16_lo_scale));
    ASSERT_LE(std::abs(hi + lo / gpu::k_fp16_lo_scale - v), std::abs(v) * 0x1p-21f + 0x1p-30f) << v;
  }
}

TEST(Fp16Field, AppliesBetweenHiddenLayersOnly) {
  const nn::View view{-6, -6, 6, 6};
  auto layout_of = [&](const Arch& a) { return app::to_layout(make(a, 1), nn::InputMap::for_view(a.features, view)); };
  EXPECT_FALSE(gpu::fp16_applies(layout_of({{}, {nn::Activation::tanh}})));
  EXPECT_FALSE(gpu::fp16_applies(layout_of({{64}, {nn::Activation::relu}})));
  EXPECT_TRUE(gpu::fp16_applies(layout_of({{8, 8}, {nn::Activation::relu}, 3})));
  gpu::NetworkLayout hidden_softmax = layout_of({{8, 8}, {nn::Activation::relu}});
  hidden_softmax.layers[1].activation = FIELD_ACT_SOFTMAX;
  EXPECT_FALSE(gpu::fp16_applies(hidden_softmax));
}

TEST(Fp16Field, PackingPutsEveryWeightAndBiasInItsPlace) {
  const Arch a{{5, 20, 33, 3}, {nn::Activation::relu}, 4};
  const nn::Mlp m = make(a, 7);
  const gpu::NetworkLayout layout = app::to_layout(m, nn::InputMap::for_view(a.features, {-6, -6, 6, 6}));
  gpu::Fp16Weights w = gpu::fp16_layout(layout);
  gpu::fp16_pack(layout, m.params(), w);
  ASSERT_EQ(w.layers.size(), layout.layers.size());
  EXPECT_EQ(w.widest_padded, 48u);
  EXPECT_EQ(w.layers[0].k_pad, 0u);
  EXPECT_EQ(w.layers.back().n_pad, 0u);
  size_t halves = 0;
  for (size_t l = 1; l + 1 < layout.layers.size(); ++l) {
    const auto& s = layout.layers[l];
    const auto& p = w.layers[l];
    EXPECT_EQ(p.k_pad, gpu::fp16_padded(s.in));
    EXPECT_EQ(p.n_pad, gpu::fp16_padded(s.out));
    EXPECT_EQ(p.w_offset, halves);
    EXPECT_EQ(p.lo_offset, halves + size_t(p.k_pad) * p.n_pad);
    halves += 2 * size_t(p.k_pad) * p.n_pad;
    for (uint32_t k = 0; k < p.k_pad; ++k) {
      for (uint32_t n = 0; n < p.n_pad; ++n) {
        const size_t at = size_t(k) * p.n_pad + n;
        const float v = k < s.in && n < s.out ? m.params()[s.w_offset + size_t(n) * s.in + k] : 0.0f;
        ASSERT_EQ(w.halves[p.w_offset + at], gpu::to_half(v)) << "layer " << l << " k " << k << " n " << n;
        const float lo = (v - gpu::from_half(gpu::to_half(v))) * gpu::k_fp16_lo_scale;
        ASSERT_EQ(w.halves[p.lo_offset + at], gpu::to_half(lo)) << "layer " << l << " k " << k << " n " << n;
      }
    }
    for (uint32_t r = 0; r < gpu::k_fp16_tile; ++r) {
      for (uint32_t n = 0; n < p.n_pad; ++n) {
        const float want = n < s.out ? m.params()[s.b_offset + n] : 0.0f;
        ASSERT_EQ(w.bias_rows[p.b_offset + size_t(r) * p.n_pad + n], want);
      }
    }
  }
  EXPECT_EQ(w.halves.size(), halves);
  EXPECT_THROW(gpu::fp16_pack(layout, std::span<const float>(m.params()).first(3), w), gpu::GpuError);
}

// The fp16 reference (split or not) against the fp32 reference on one network over a grid.
gpu::FieldAgreement fp16_against_fp32(const nn::Mlp& m, const nn::InputMap& map, const nn::View& v, uint32_t side, bool split) {
  const gpu::NetworkLayout layout = app::to_layout(m, map);
  const gpu::FieldRequest req{side, side, {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
  const std::vector<float> half = gpu::fp16_reference_field(layout, m.params(), req, split);
  const std::vector<float> full = app::cpu_field(m, map, side, side, v);
  return gpu::compare_fields(half, full, uint32_t(m.outputs()));
}

// Each preset the kernel applies to (two hidden layers or more), trained for up to 400 epochs,
// its field over the preset's own view; with the preset's own network, and with three hidden
// layers of 128 ReLU (100 epochs): the widths the fp16 path is for.
struct Trained {
  std::string name;
  nn::Mlp mlp;
  nn::InputMap map;
  nn::View view;
};
std::vector<Trained> trained_presets(bool wide) {
  std::vector<Trained> out;
  for (const auto& info : core::list_presets()) {
    core::ExperimentConfig c = core::load_preset(info.name);
    if (c.hidden.size() < 2) continue;
    c.training.max_epochs = std::min(c.training.max_epochs, 400);
    if (wide) {
      c.hidden = {128, 128, 128};
      c.activations = {nn::Activation::relu};
      c.training.max_epochs = 100;
    }
    c.training.endless = false;
    core::Run run = core::build_run(c);
    core::train_to_end(*run.trainer);
    out.push_back({info.name, run.trainer->model(), run.input_map, run.view});
  }
  return out;
}

TEST(Fp16Field, SplitAgreesWithFloat32OnEveryTrainedPreset) {
  // Split: within 1e-5 of fp32 and not one pixel changes class. Single products: what the
  // split is for, printed (up to 0.023 apart and a few pixels flipped beside the boundary).
  for (const bool wide : {false, true}) {
    const std::vector<Trained> runs = trained_presets(wide);
    EXPECT_GE(runs.size(), 8u);
    for (const Trained& t : runs) {
      const gpu::FieldAgreement split = fp16_against_fp32(t.mlp, t.map, t.view, 96, true);
      const gpu::FieldAgreement single = fp16_against_fp32(t.mlp, t.map, t.view, 96, false);
      std::cout << t.name << (wide ? " 128x3" : "") << ": |split - fp32| " << split.max_abs_diff << " (" << split.class_flips
                << " flips), |single - fp32| " << single.max_abs_diff << " (" << single.class_flips << " flips) of " << split.pixels
                << " pixels\n";
      EXPECT_LE(split.max_abs_diff, 1e-5) << t.name;
      EXPECT_EQ(split.class_flips, 0u) << t.name;
      EXPECT_LE(single.max_abs_diff, 0.05) << t.name;
    }
  }
}

TEST(Fp16Field, WithinOneHundredthOfFloat32OnWideNetworks) {
  // Seeded networks of the widths the kernel is for, every activation among them: split within
  // 1e-5, single products within 1e-2.
  const nn::View view{-6, -6, 6, 6};
  const std::vector<Arch> archs{
      {{256, 256, 256, 256}, {nn::Activation::relu}},
      {{512, 512}, {nn::Activation::relu}},
      {{64, 64, 64}, {nn::Activation::tanh}, 3},
      {{100, 37, 80}, {nn::Activation::gelu, nn::Activation::sigmoid, nn::Activation::leaky_relu}, 5},
      {{48, 48}, {nn::Activation::sin}, 1, {nn::Feature::x, nn::Feature::y, nn::Feature::xy, nn::Feature::sin_x}},
  };
  for (size_t i = 0; i < archs.size(); ++i) {
    const nn::Mlp m = make(archs[i], 40 + i);
    const nn::InputMap map = nn::InputMap::for_view(archs[i].features, view);
    const gpu::FieldAgreement split = fp16_against_fp32(m, map, view, 40, true);
    const gpu::FieldAgreement single = fp16_against_fp32(m, map, view, 40, false);
    EXPECT_LE(split.max_abs_diff, 1e-5) << "arch " << i;
    EXPECT_LE(single.max_abs_diff, 1e-2) << "arch " << i;
  }
}

TEST(Fp16Field, CompareFieldsCountsClassFlips) {
  const std::vector<float> a{0.2f, 0.7f, 0.5f, 0.49f}, b{0.21f, 0.4f, 0.5f, 0.51f};
  const gpu::FieldAgreement one = gpu::compare_fields(a, b, 1);
  EXPECT_NEAR(one.max_abs_diff, 0.3, 1e-6);
  EXPECT_EQ(one.class_flips, 2u);
  EXPECT_EQ(one.pixels, 4u);
  const gpu::FieldAgreement two = gpu::compare_fields(a, b, 2);  // (0.2, 0.7) / (0.21, 0.4): class 1 -> 1; (0.5, 0.49) -> 0 / 1
  EXPECT_EQ(two.class_flips, 1u);
  EXPECT_THROW(gpu::compare_fields(a, std::vector<float>{1.0f}, 1), gpu::GpuError);
}

}  // namespace
}  // namespace nnlive
