// SPDX-License-Identifier: MIT
// field.comp against the CPU forward pass on the same grid (<= 1e-3 absolute), for many
// architectures, every activation, softmax, every feature and both weight placements. Runs on
// whatever Vulkan device is present (lavapipe on CI) with the validation layer on; any
// validation message fails the test.
#include <gtest/gtest.h>

#include <cmath>

#include "field_support.hpp"
#include "field_test_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive {
namespace {

gpu::Context& context() {
  static gpu::Context ctx(gpu::ContextOptions{.validation = true});
  return ctx;
}

class GpuField : public testing::Test {
 protected:
  void SetUp() override { before_ = context().validation_message_count(); }
  void TearDown() override {
    EXPECT_EQ(context().validation_message_count(), before_) << "Vulkan validation messages were reported";
  }
  uint32_t before_ = 0;
};

using testing_support::Arch;
using testing_support::make;
using testing_support::common_architectures;
using testing_support::expect_every_activation;
using testing_support::max_diff_to_reference;

TEST_F(GpuField, EveryActivationMatchesTheCpu) {
  gpu::FieldEvaluator eval(context());
  expect_every_activation(eval, 1e-3);
}

TEST_F(GpuField, ArchitecturesSoftmaxFeaturesAndPlacements) {
  const nn::View view{-6, -5, 7, 4};
  std::vector<Arch> archs = common_architectures();
  archs.push_back({{64, 64, 64}, {nn::Activation::tanh}});  // the big benchmark shape
  for (bool force_storage : {false, true}) {
    gpu::FieldEvaluator eval(context(), {.force_storage_weights = force_storage});
    for (size_t i = 0; i < archs.size(); ++i) {
      const nn::Mlp m = make(archs[i], 100 + i);
      EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(archs[i].features, view), eval, 19, 13, view), 1e-3)
          << "architecture " << i << (force_storage ? " (storage weights)" : " (uniform weights)");
      EXPECT_EQ(eval.uses_uniform_weights(), !force_storage);
    }
  }
}

TEST_F(GpuField, FieldsLargerThanOneBindingAreEvaluatedInBands) {
  // Bands of 5 rows (200 bytes per row of 2 channels x 25 pixels): the same field as one piece,
  // and the CPU's within float32 rounding.
  gpu::FieldEvaluatorOptions o;
  o.max_binding_bytes = 1000;
  gpu::FieldEvaluator banded(context(), o), whole(context());
  const Arch a{{8, 8}, {nn::Activation::tanh}, 2};
  const nn::Mlp m = make(a, 3);
  const nn::View view{-5, -3, 7, 4};
  const nn::InputMap map = nn::InputMap::for_view(a.features, view);
  EXPECT_LE(max_diff_to_reference(m, map, banded, 25, 23, view), 1e-3);
  for (auto* e : {&banded, &whole}) e->set_network(app::to_layout(m, map)), e->set_params(m.params());
  const gpu::FieldRequest req{25, 23, {-5.0f, -3.0f, 7.0f, 4.0f}};
  const gpu::FieldResult b = banded.evaluate(req), w = whole.evaluate(req);
  ASSERT_EQ(b.values.size(), w.values.size());
  for (size_t i = 0; i < b.values.size(); ++i) ASSERT_NEAR(b.values[i], w.values[i], 1e-5) << i;
  // What a single recording cannot bind is refused with a reason, not a validation message.
  const vk::raii::CommandBuffers cbs(context().device(), {*context().command_pool(), vk::CommandBufferLevel::ePrimary, 1});
  cbs[0].begin({});
  EXPECT_THROW(banded.record(cbs[0], req), gpu::GpuError);
  cbs[0].end();
}

TEST_F(GpuField, LargeNetworksFallBackToStorageWeights) {
  gpu::FieldEvaluator eval(context());
  const Arch a{{512, 40}, {nn::Activation::leaky_relu}, 2};  // ~22k parameters: more than 64 KiB
  const nn::Mlp m = make(a, 7);
  const nn::View view{-6, -6, 6, 6};
  EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 9, 7, view), 1e-3);
  EXPECT_FALSE(eval.uses_uniform_weights());
  EXPECT_EQ(eval.max_width(), 512u);
}

TEST_F(GpuField, PixelCentresFollowTheDocumentedFormula) {
  // A linear net whose output is sigmoid(x): row-independent, increasing to the right.
  nn::Mlp m(2, std::vector<int>{}, std::vector<nn::Activation>{nn::Activation::tanh}, 1, nn::Activation::sigmoid);
  m.params() = {1.0f, 0.0f, 0.0f};
  gpu::FieldEvaluator eval(context());
  eval.set_network(app::to_layout(m, nn::InputMap::identity({nn::Feature::x, nn::Feature::y})));
  eval.set_params(m.params());
  const auto r = eval.evaluate({4, 2, {0.0f, 0.0f, 4.0f, 2.0f}});
  for (int c = 0; c < 4; ++c) EXPECT_NEAR(r.values[c], 1.0 / (1.0 + std::exp(-(c + 0.5))), 1e-6);
  // y-dependence: output sigmoid(y); row 0 is the top (y = 1.5), row 1 below (y = 0.5).
  m.params() = {0.0f, 1.0f, 0.0f};
  eval.set_params(m.params());
  const auto r2 = eval.evaluate({4, 2, {0.0f, 0.0f, 4.0f, 2.0f}});
  EXPECT_NEAR(r2.values[0], 1.0 / (1.0 + std::exp(-1.5)), 1e-6);
  EXPECT_NEAR(r2.values[4], 1.0 / (1.0 + std::exp(-0.5)), 1e-6);
}

TEST_F(GpuField, HiddenNeuronField) {
  const Arch a{{3, 4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 3);
  const auto map = nn::InputMap::identity(a.features);
  gpu::FieldEvaluator eval(context());
  eval.set_network(app::to_layout(m, map));
  eval.set_params(m.params());
  const auto r = eval.evaluate({5, 3, {-1, -1, 1, 1}, 1, 2});  // layer 2, neuron 3
  ASSERT_EQ(r.channels, 1u);
  nn::Trace t;
  float in[2];
  map.apply(-1 + 0.2f, 1 - 1.0f / 3.0f, in);  // pixel (0, 0)
  m.forward(in, 1, t);
  EXPECT_NEAR(r.values[0], t.a[2][2], 1e-5);
  EXPECT_THROW(eval.evaluate({5, 3, {-1, -1, 1, 1}, 2, 0}), gpu::GpuError);  // the output layer is no hidden layer
}

TEST_F(GpuField, ParamsUpdateBetweenEvaluations) {
  const Arch a{{4}, {nn::Activation::tanh}};
  nn::Mlp m = make(a, 1);
  const nn::View view{-6, -6, 6, 6};
  const auto map = nn::InputMap::for_view(a.features, view);
  gpu::FieldEvaluator eval(context());
  EXPECT_LE(max_diff_to_reference(m, map, eval, 16, 16, view), 1e-3);
  for (auto& p : m.params()) p *= -1.5f;
  eval.set_params(m.params());
  const auto r = eval.evaluate({16, 16, {-6, -6, 6, 6}});
  const auto cpu = app::cpu_field(m, map, 16, 16, view);
  for (size_t i = 0; i < cpu.size(); ++i) ASSERT_NEAR(r.values[i], cpu[i], 1e-3);
}

TEST_F(GpuField, RejectsBadRequests) {
  gpu::FieldEvaluator eval(context());
  EXPECT_THROW(eval.evaluate({8, 8, {0, 0, 1, 1}}), gpu::GpuError);  // no network yet
  const Arch a{{4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 1);
  eval.set_network(app::to_layout(m, nn::InputMap::identity(a.features)));
  EXPECT_THROW(eval.set_params(std::vector<float>(3)), gpu::GpuError);
  EXPECT_THROW(eval.evaluate({0, 8, {0, 0, 1, 1}}), gpu::GpuError);
}

}  // namespace
}  // namespace nnlive
