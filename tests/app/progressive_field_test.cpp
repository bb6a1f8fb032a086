// SPDX-License-Identifier: MIT
// The live window's progressive field: levels coarse to fine down to the exact field, the live
// stride that fits the budget, newer wants taking over from a level in progress, and a prompt
// shutdown in the middle of a long level.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "field_support.hpp"
#include "live/progressive_field.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive {
namespace {

using app::live::ProgressiveField;
using namespace std::chrono_literals;

nn::Mlp make(std::vector<int> hidden, uint64_t seed) {
  nn::Mlp m(2, hidden, std::vector<nn::Activation>{nn::Activation::tanh}, 1, nn::Activation::sigmoid);
  m.init(seed);
  return m;
}

template <class F>
bool eventually(F done, std::chrono::seconds limit = 60s) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (!done()) {
    if (std::chrono::steady_clock::now() > until) return false;
    std::this_thread::sleep_for(2ms);
  }
  return true;
}

TEST(ProgressiveField, RefinesToTheExactField) {
  const nn::Mlp m = make({16, 16}, 1);
  const nn::View view{-6, -6, 6, 6};
  const auto layout = app::to_layout(m, nn::InputMap::for_view({nn::Feature::x, nn::Feature::y}, view));
  const gpu::FieldRequest full{97, 61, {-6, -6, 6, 6}};
  ProgressiveField::Options o;
  o.live_budget_s = 1e-9;  // every new want starts at the coarsest level
  o.adaptive = false;      // (adaptive levels: below, and adaptive_field_test.cpp)
  ProgressiveField field(o);
  field.want(layout, m.params(), full);
  ASSERT_TRUE(eventually([&] { return field.complete(); }));
  const auto level = field.latest();
  EXPECT_EQ(level.stride, 1u);
  EXPECT_EQ(level.request, full);
  EXPECT_GE(field.levels_done(), 2u);  // at least one coarser level came first
  EXPECT_GT(field.live_stride(), 1u);
  gpu::CpuFieldEvaluator exact(1);
  exact.set_network(layout);
  exact.set_params(m.params());
  EXPECT_EQ(level.values->values, exact.evaluate(full).values);  // bit for bit (the same blocks)

  // The same want again changes nothing.
  const uint64_t version = level.version;
  field.want(layout, m.params(), full);
  std::this_thread::sleep_for(50ms);
  EXPECT_EQ(field.latest().version, version);
  EXPECT_TRUE(field.complete());

  // Adaptively: the same field where it bends, its interpolation where it is calm. This
  // untrained field bends nearly everywhere: the samples cost at most a tenth more than
  // evaluating every pixel (savings on trained fields: adaptive_field_test.cpp).
  o.adaptive = true;
  ProgressiveField adaptive(o);
  adaptive.want(layout, m.params(), full);
  ASSERT_TRUE(eventually([&] { return adaptive.complete(); }));
  const auto a = adaptive.latest();
  const auto e = exact.evaluate(full);
  ASSERT_EQ(a.values->values.size(), e.values.size());
  for (size_t i = 0; i < e.values.size(); ++i) ASSERT_NEAR(a.values->values[i], e.values[i], 5e-3) << i;
  EXPECT_EQ(adaptive.adaptive_count().pixels, 97u * 61u);
  EXPECT_LE(adaptive.adaptive_count().evaluated, 97u * 61u * 11u / 10u);
}

TEST(ProgressiveField, ALevelHasTheSizeOfItsStride) {
  const nn::Mlp m = make({8}, 2);
  const auto layout = app::to_layout(m, nn::InputMap::identity({nn::Feature::x, nn::Feature::y}));
  ProgressiveField::Options o;
  o.live_budget_s = 1e-9;
  o.max_stride = 8;
  ProgressiveField field(o);
  field.want(layout, m.params(), {100, 30, {-1, -1, 1, 1}});
  ASSERT_TRUE(eventually([&] { return field.complete(); }));
  EXPECT_EQ(field.live_stride(), 8u);
  // Strides 8, 4, 2, 1 in turn: four levels, the first (13 x 4) rounded up.
  EXPECT_EQ(field.levels_done(), 4u);
}

TEST(ProgressiveField, ANewerWantTakesOver) {
  // A wide network on a big grid: full resolution takes a while, so wants made meanwhile end
  // the level in progress; the field shown in the end is the last want's.
  const nn::Mlp a = make({256, 256}, 3), b = make({256, 256}, 4);
  const nn::View view{-6, -6, 6, 6};
  const auto layout = app::to_layout(a, nn::InputMap::for_view({nn::Feature::x, nn::Feature::y}, view));
  const gpu::FieldRequest full{1024, 1024, {-6, -6, 6, 6}};
  ProgressiveField::Options o;
  o.live_budget_s = 1e-9;
  ProgressiveField field(o);
  field.want(layout, a.params(), full);
  ASSERT_TRUE(eventually([&] { return field.levels_done() >= 2; }));
  field.want(layout, b.params(), full);
  ASSERT_TRUE(eventually([&] { return field.complete(); }, 180s));
  gpu::CpuFieldEvaluator exact;
  exact.set_network(layout);
  exact.set_params(b.params());
  gpu::FieldRequest corner = full;  // the top rows suffice to tell the two networks apart
  std::vector<float> top(size_t(full.width) * 4);
  exact.evaluate_rows(corner, 0, 4, top.data());
  const auto level = field.latest();
  for (size_t i = 0; i < top.size(); ++i) ASSERT_NEAR(level.values->values[i], top[i], 1e-6) << i;
  EXPECT_GE(field.levels_abandoned(), 1u);
}

TEST(ProgressiveField, ALevelHeldIsNeverRewritten) {
  // The window holds a level while it draws it; the worker reuses arrays nobody holds. A held
  // level keeps its size and values however many newer levels (of other sizes) come meanwhile.
  const nn::Mlp m = make({12, 12}, 5);
  const auto layout = app::to_layout(m, nn::InputMap::identity({nn::Feature::x, nn::Feature::y}));
  ProgressiveField::Options o;
  o.live_budget_s = 1e-9;  // every want starts at the coarsest level and refines: sizes change
  o.max_stride = 8;
  o.adaptive = false;
  ProgressiveField field(o);
  std::vector<float> params(m.params().begin(), m.params().end());
  field.want(layout, params, {160, 120, {-1, -1, 1, 1}});
  ASSERT_TRUE(eventually([&] { return field.latest().values != nullptr; }));
  int checked = 0;
  for (int round = 0; round < 60; ++round) {
    params[size_t(round) % params.size()] += 0.01f;
    field.want(layout, params, {160, 120, {-1, -1, 1, 1}});
    const ProgressiveField::Level held = field.latest();
    if (!held.values) continue;
    const std::vector<float> copy = held.values->values;
    const uint32_t width = held.values->width, height = held.values->height;
    const uint64_t version = held.version;
    ASSERT_TRUE(eventually([&] { return field.latest().version >= version + 2 || field.complete(); }));
    ASSERT_EQ(held.values->width, width);
    ASSERT_EQ(held.values->height, height);
    ASSERT_EQ(held.values->values, copy) << "round " << round;
    ++checked;
  }
  EXPECT_GE(checked, 50);
}

TEST(ProgressiveField, TheShaderEngineRefinesToo) {
  // field.comp on the device, from the field's own thread (own command pool, the queue shared
  // under the context's mutex): the same levels and the exact field, with no validation message.
  gpu::Context ctx(gpu::ContextOptions{.validation = true});
  const nn::Mlp m = make({16, 16}, 6);
  const nn::View view{-6, -6, 6, 6};
  const auto layout = app::to_layout(m, nn::InputMap::for_view({nn::Feature::x, nn::Feature::y}, view));
  const gpu::FieldRequest full{67, 45, {-6, -6, 6, 6}};
  ProgressiveField::Options o;
  o.live_budget_s = 1e-9;
  {
    ProgressiveField field(o, &ctx);
    field.want(layout, m.params(), full);
    ASSERT_TRUE(eventually([&] { return field.complete(); }));
    EXPECT_GE(field.levels_done(), 2u);
    gpu::FieldEvaluator exact(ctx);
    exact.set_network(layout);
    exact.set_params(m.params());
    const auto want = exact.evaluate(full).values;
    const auto level = field.latest();
    ASSERT_EQ(level.values->values.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) ASSERT_NEAR(level.values->values[i], want[i], 1e-5) << i;
  }
  EXPECT_EQ(ctx.validation_message_count(), 0u);
}

TEST(ProgressiveField, StopsPromptlyInTheMiddleOfALevel) {
  const nn::Mlp m = make({512, 512}, 5);
  const auto layout = app::to_layout(m, nn::InputMap::identity({nn::Feature::x, nn::Feature::y}));
  const auto t0 = std::chrono::steady_clock::now();
  {
    ProgressiveField::Options o;
    o.live_budget_s = 0.0;  // straight to full resolution: 4096 x 4096 x 262k multiply-adds, minutes here
    ProgressiveField field(o);
    field.want(layout, m.params(), {4096, 4096, {-1, -1, 1, 1}});
    std::this_thread::sleep_for(200ms);
  }
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 20s);  // not the minutes the level would take
}

}  // namespace
}  // namespace nnlive
