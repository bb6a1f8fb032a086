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
#include "nnlive/gpu/cpu_dense.hpp"
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

using Kernel = gpu::CpuFieldEvaluator::Kernel;
// Both ways of computing a layer: nnlive's own kernel (where the processor has AVX-512; the
// same as OpenBLAS elsewhere) and OpenBLAS, which a processor without AVX-512 runs.
constexpr Kernel k_kernels[] = {Kernel::best, Kernel::blas};

const char* name(Kernel k) { return k == Kernel::best ? "best kernel" : "OpenBLAS"; }

TEST(CpuField, EveryActivationMatchesTheReference) {
  for (const Kernel k : k_kernels) {
    SCOPED_TRACE(name(k));
    gpu::CpuFieldEvaluator eval(0, k);
    expect_every_activation(eval, 1e-5);
  }
}

TEST(CpuField, TheOwnKernelRunsWhereTheProcessorHasAvx512) {
  EXPECT_EQ(gpu::CpuFieldEvaluator(0).uses_own_kernel(), gpu::dense_feature_major_available());
  EXPECT_FALSE(gpu::CpuFieldEvaluator(0, Kernel::blas).uses_own_kernel());
  if (!gpu::dense_feature_major_available()) GTEST_SKIP() << "no AVX-512 here: OpenBLAS computes every layer";
  // Every shape of tile: outputs 1..19 (eights, fours and ones), inputs 1..9, 16 to 272 pixels.
  Rng rng(4);
  for (size_t out = 1; out <= 19; ++out)
    for (size_t in = 1; in <= 9; in += 4)
      for (const size_t pixels : {16u, 48u, 64u, 272u}) {
        std::vector<float> w(out * in), b(out), a(in * pixels), z(out * pixels, NAN);
        for (auto& v : w) v = float(rng.uniform(-1.0, 1.0));
        for (auto& v : b) v = float(rng.uniform(-1.0, 1.0));
        for (auto& v : a) v = float(rng.uniform(-2.0, 2.0));
        gpu::dense_feature_major(w.data(), b.data(), a.data(), z.data(), in, out, pixels);
        for (size_t j = 0; j < out; ++j)
          for (size_t i = 0; i < pixels; ++i) {
            double sum = b[j];
            for (size_t k = 0; k < in; ++k) sum += double(w[j * in + k]) * a[k * pixels + i];
            ASSERT_NEAR(z[j * pixels + i], sum, 1e-5) << out << " outputs, " << in << " inputs, " << pixels << " pixels";
          }
      }
}

TEST(CpuField, ArchitecturesSoftmaxAndFeatures) {
  const nn::View view{-6, -5, 7, 4};
  std::vector<Arch> archs = common_architectures();
  archs.push_back({{256, 256}, {nn::Activation::relu}});           // wide
  archs.push_back({{512, 40}, {nn::Activation::leaky_relu}, 2});   // the widest layer allowed
  for (const Kernel k : k_kernels) {
    gpu::CpuFieldEvaluator eval(0, k);
    for (size_t i = 0; i < archs.size(); ++i) {
      const nn::Mlp m = make(archs[i], 100 + i);
      EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(archs[i].features, view), eval, 19, 13, view), 1e-5)
          << "architecture " << i << ", " << name(k);
    }
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

class CpuFieldKernels : public testing::TestWithParam<Kernel> {};
INSTANTIATE_TEST_SUITE_P(Both, CpuFieldKernels, testing::ValuesIn(k_kernels),
                         [](const testing::TestParamInfo<Kernel>& i) { return i.param == Kernel::best ? "best" : "blas"; });

TEST_P(CpuFieldKernels, HiddenNeuronAndAllHiddenFields) {
  const Arch a{{3, 4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 3);
  const auto map = nn::InputMap::identity(a.features);
  gpu::CpuFieldEvaluator eval(0, GetParam());
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

TEST_P(CpuFieldKernels, RowsRegionsThreadsAndStopping) {
  const Arch a{{32, 32}, {nn::Activation::tanh}, 2};
  const nn::Mlp m = make(a, 9);
  const nn::View view{-6, -6, 6, 6};
  const auto layout = app::to_layout(m, nn::InputMap::for_view(a.features, view));
  gpu::CpuFieldEvaluator one(1, GetParam()), four(4, GetParam());
  for (auto* e : {&one, &four}) e->set_network(layout), e->set_params(m.params());
  const auto req = request(123, 77, view);
  const auto r1 = one.evaluate(req), r4 = four.evaluate(req);
  ASSERT_EQ(r1.values, r4.values);  // bit for bit: every block is computed the same way

  // Rows 10..40 alone are the same rows of the whole field (within rounding: the blocks start
  // elsewhere, and a product's last rows may take another kernel).
  std::vector<float> part(size_t(30) * 123 * 2, -7.0f);
  ASSERT_TRUE(four.evaluate_rows(req, 10, 40, part.data()));
  for (size_t i = 0; i < part.size(); ++i) ASSERT_NEAR(part[i], r1.values[size_t(10) * 123 * 2 + i], 1e-6) << i;

  // A region (columns 17..101 of rows 5..60) holds the whole field's values there: bit for bit
  // with the own kernel (each pixel a lane of its own), within rounding with OpenBLAS.
  std::vector<float> region(size_t(55) * 84 * 2, -7.0f);
  ASSERT_TRUE(four.evaluate_region(req, 17, 101, 5, 60, region.data()));
  for (size_t y = 0; y < 55; ++y)
    for (size_t i = 0; i < 84 * 2; ++i) {
      const float whole = r1.values[((5 + y) * 123 + 17) * 2 + i], part_value = region[y * 84 * 2 + i];
      if (four.uses_own_kernel()) ASSERT_EQ(part_value, whole) << y << " " << i;
      else ASSERT_NEAR(part_value, whole, 1e-6) << y << " " << i;
    }
  EXPECT_THROW(four.evaluate_region(req, 100, 124, 0, 1, region.data()), gpu::GpuError);
  EXPECT_THROW(four.evaluate_region(req, 20, 10, 0, 1, region.data()), gpu::GpuError);

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
