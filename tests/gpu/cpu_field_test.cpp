// SPDX-License-Identifier: MIT
// The field engine's CPU path (GEMM over blocks of pixels) against the CPU reference forward
// pass and against field.comp on the same grid: every activation, softmax, every feature, deep
// and wide networks, hidden-neuron and all-hidden fields, row ranges, cancellation, and results
// that do not depend on the thread count.
#include <gtest/gtest.h>

#include <atomic>
#include <cmath>

#include "field_support.hpp"
#include "field_test_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/cpu_field.hpp"

namespace nnlive {
namespace {

using testing_support::Arch;
using testing_support::make;
using testing_support::common_architectures;
using testing_support::expect_every_activation;
using testing_support::max_diff_to_reference;

gpu::FieldRequest request(uint32_t w, uint32_t h, const nn::View& v) {
  return {w, h, {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
}

TEST(CpuField, EveryActivationMatchesTheReference) {
  gpu::CpuFieldEvaluator eval;
  expect_every_activation(eval, 1e-5);
}

TEST(CpuField, ArchitecturesSoftmaxAndFeatures) {
  const nn::View view{-6, -5, 7, 4};
  std::vector<Arch> archs = common_architectures();
  archs.push_back({{256, 256}, {nn::Activation::relu}});           // wide
  archs.push_back({{512, 40}, {nn::Activation::leaky_relu}, 2});   // the widest layer allowed
  gpu::CpuFieldEvaluator eval;
  for (size_t i = 0; i < archs.size(); ++i) {
    const nn::Mlp m = make(archs[i], 100 + i);
    EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(archs[i].features, view), eval, 19, 13, view), 1e-5)
        << "architecture " << i;
  }
}

TEST(CpuField, AgreesWithTheShader) {
  gpu::Context ctx(gpu::ContextOptions{.validation = true});
  const nn::View view{-3, -2, 4, 3};
  for (const Arch& a : {Arch{{24, 24}, {nn::Activation::tanh}}, Arch{{16, 16}, {nn::Activation::relu}, 3}}) {
    const nn::Mlp m = make(a, 5);
    const auto layout = app::to_layout(m, nn::InputMap::for_view(a.features, view));
    gpu::FieldEvaluator shader(ctx);
    gpu::CpuFieldEvaluator gemm;
    shader.set_network(layout), gemm.set_network(layout);
    shader.set_params(m.params()), gemm.set_params(m.params());
    const auto req = request(41, 29, view);
    const auto s = shader.evaluate(req), g = gemm.evaluate(req);
    ASSERT_EQ(s.values.size(), g.values.size());
    ASSERT_EQ(s.channels, g.channels);
    for (size_t i = 0; i < s.values.size(); ++i) ASSERT_NEAR(s.values[i], g.values[i], 1e-5) << i;
  }
  EXPECT_EQ(ctx.validation_message_count(), 0u);
}

TEST(CpuField, HiddenNeuronAndAllHiddenFields) {
  const Arch a{{3, 4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 3);
  const auto map = nn::InputMap::identity(a.features);
  gpu::CpuFieldEvaluator eval;
  eval.set_network(app::to_layout(m, map));
  eval.set_params(m.params());
  const auto one = eval.evaluate({5, 3, {-1, -1, 1, 1}, 1, 2});  // layer 2, neuron 3
  ASSERT_EQ(one.channels, 1u);
  gpu::FieldRequest all_req{5, 3, {-1, -1, 1, 1}};
  all_req.all_hidden = true;
  const auto all = eval.evaluate(all_req);
  ASSERT_EQ(all.channels, 7u);
  nn::Trace t;
  for (uint32_t py = 0; py < 3; ++py)
    for (uint32_t px = 0; px < 5; ++px) {
      float in[2];
      map.apply(-1 + (px + 0.5f) * 0.4f, 1 - (py + 0.5f) * 2.0f / 3.0f, in);
      m.forward(in, 1, t);
      const size_t p = py * 5 + px;
      EXPECT_NEAR(one.values[p], t.a[2][2], 1e-5);
      for (int j = 0; j < 3; ++j) EXPECT_NEAR(all.values[p * 7 + j], t.a[1][j], 1e-5);
      for (int j = 0; j < 4; ++j) EXPECT_NEAR(all.values[p * 7 + 3 + j], t.a[2][j], 1e-5);
    }
  EXPECT_THROW(eval.evaluate({5, 3, {-1, -1, 1, 1}, 2, 0}), gpu::GpuError);  // the output layer is no hidden layer
}

TEST(CpuField, RowsThreadsAndStopping) {
  const Arch a{{32, 32}, {nn::Activation::tanh}, 2};
  const nn::Mlp m = make(a, 9);
  const nn::View view{-6, -6, 6, 6};
  const auto layout = app::to_layout(m, nn::InputMap::for_view(a.features, view));
  gpu::CpuFieldEvaluator one(1), four(4);
  for (auto* e : {&one, &four}) e->set_network(layout), e->set_params(m.params());
  const auto req = request(123, 77, view);
  const auto r1 = one.evaluate(req), r4 = four.evaluate(req);
  ASSERT_EQ(r1.values, r4.values);  // bit for bit: every block is computed the same way

  // Rows 10..40 alone are the same rows of the whole field (within rounding: the blocks start
  // elsewhere, and a product's last rows may take another kernel).
  std::vector<float> part(size_t(30) * 123 * 2, -7.0f);
  ASSERT_TRUE(four.evaluate_rows(req, 10, 40, part.data()));
  for (size_t i = 0; i < part.size(); ++i) ASSERT_NEAR(part[i], r1.values[size_t(10) * 123 * 2 + i], 1e-6) << i;

  // A stop request ends the call between blocks.
  std::atomic<int> asked{0};
  std::vector<float> out(r1.values.size());
  EXPECT_FALSE(four.evaluate_rows(req, 0, 77, out.data(), [&] { return ++asked > 3; }));
  EXPECT_THROW(four.evaluate_rows(req, 40, 78, out.data()), gpu::GpuError);
}

TEST(CpuField, RejectsBadNetworksAndRequests) {
  gpu::CpuFieldEvaluator eval;
  EXPECT_THROW(eval.evaluate({8, 8, {0, 0, 1, 1}}), gpu::GpuError);  // no network yet
  const Arch a{{4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 1);
  const auto layout = app::to_layout(m, nn::InputMap::identity(a.features));
  eval.set_network(layout);
  EXPECT_THROW(eval.set_params(std::vector<float>(3)), gpu::GpuError);
  EXPECT_THROW(eval.evaluate({0, 8, {0, 0, 1, 1}}), gpu::GpuError);
  EXPECT_THROW(eval.evaluate({8, 16385, {0, 0, 1, 1}}), gpu::GpuError);
  auto broken = layout;
  broken.layers[1].in = 5;  // does not chain
  EXPECT_THROW(eval.set_network(broken), gpu::GpuError);
  broken = layout;
  broken.layers[0].w_offset = uint32_t(layout.param_count);  // outside the parameters
  EXPECT_THROW(eval.set_network(broken), gpu::GpuError);
}

TEST(CpuField, NonFiniteWeightsGiveNonFiniteValuesNotACrash) {
  const Arch a{{4}, {nn::Activation::relu}};
  nn::Mlp m = make(a, 2);
  m.params()[0] = NAN;
  m.params()[1] = INFINITY;
  gpu::CpuFieldEvaluator eval;
  eval.set_network(app::to_layout(m, nn::InputMap::identity(a.features)));
  eval.set_params(m.params());
  const auto r = eval.evaluate({16, 16, {-1, -1, 1, 1}});
  EXPECT_EQ(r.values.size(), 256u);
}

}  // namespace
}  // namespace nnlive
