// SPDX-License-Identifier: MIT
// Both field kernels (field.comp, field_tiled.comp) against the CPU forward pass on the same grid
// (<= 1e-3 absolute), for many architectures, every activation, softmax, every feature, every
// output mode and both weight placements; the fp16 kernel (field_coop.comp) where offered. Runs on
// whatever Vulkan device is present (lavapipe on CI) with the validation layer on; any
// validation message fails the test.
#include <gtest/gtest.h>

#include <cmath>

#include "field_support.hpp"
#include "field_test_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_fp16.hpp"
#include "nnlive/gpu/field_shared.h"

namespace nnlive {
namespace {

gpu::Context& context() {
  static gpu::Context ctx(gpu::ContextOptions{.validation = true});
  return ctx;
}

// Every test runs once per kernel: one pixel per invocation (specialised to the network's shape,
// and not), and tiled.
struct Kernel {
  gpu::FieldKernel kernel;
  bool specialize;
};
class GpuField : public testing::TestWithParam<Kernel> {
 protected:
  void SetUp() override { before_ = context().validation_message_count(); }
  void TearDown() override {
    EXPECT_EQ(context().validation_message_count(), before_) << "Vulkan validation messages were reported";
  }
  gpu::FieldEvaluatorOptions options(gpu::FieldEvaluatorOptions o = {}) const {
    o.kernel = GetParam().kernel;
    o.specialize = GetParam().specialize;
    return o;
  }
  uint32_t before_ = 0;
};

using testing_support::Arch;
using testing_support::make;
using testing_support::common_architectures;
using testing_support::expect_every_activation;
using testing_support::max_diff_to_reference;

TEST_P(GpuField, EveryActivationMatchesTheCpu) {
  gpu::FieldEvaluator eval(context(), options());
  expect_every_activation(eval, 1e-3);
}

TEST_P(GpuField, ArchitecturesSoftmaxFeaturesAndPlacements) {
  const nn::View view{-6, -5, 7, 4};
  std::vector<Arch> archs = common_architectures();
  archs.push_back({{64, 64, 64}, {nn::Activation::tanh}});  // the big benchmark shape
  archs.push_back({{37, 130, 5}, {nn::Activation::relu, nn::Activation::sigmoid, nn::Activation::sin}, 3});  // ragged widths, softmax
  for (bool force_storage : {false, true}) {
    gpu::FieldEvaluator eval(context(), options({.force_storage_weights = force_storage}));
    for (size_t i = 0; i < archs.size(); ++i) {
      const nn::Mlp m = make(archs[i], 100 + i);
      EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(archs[i].features, view), eval, 19, 13, view), 1e-3)
          << "architecture " << i << (force_storage ? " (storage weights)" : " (uniform weights)");
      EXPECT_EQ(eval.uses_uniform_weights(), !force_storage);
      EXPECT_EQ(eval.kernel(), GetParam().kernel);
    }
  }
}

TEST_P(GpuField, FieldsLargerThanOneBindingAreEvaluatedInBands) {
  // Bands of 5 rows (200 bytes per row of 2 channels x 25 pixels): the same field as one piece,
  // and the CPU's within float32 rounding.
  gpu::FieldEvaluatorOptions o;
  o.max_binding_bytes = 1000;
  gpu::FieldEvaluator banded(context(), options(o)), whole(context(), options());
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

TEST_P(GpuField, LargeNetworksFallBackToStorageWeights) {
  gpu::FieldEvaluator eval(context(), options());
  const Arch a{{512, 40}, {nn::Activation::leaky_relu}, 2};  // ~22k parameters: more than 64 KiB
  const nn::Mlp m = make(a, 7);
  const nn::View view{-6, -6, 6, 6};
  EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 9, 7, view), 1e-3);
  EXPECT_FALSE(eval.uses_uniform_weights());
  EXPECT_EQ(eval.max_width(), 512u);
}

TEST_P(GpuField, PixelCentresFollowTheDocumentedFormula) {
  // A linear net whose output is sigmoid(x): row-independent, increasing to the right.
  nn::Mlp m(2, std::vector<int>{}, std::vector<nn::Activation>{nn::Activation::tanh}, 1, nn::Activation::sigmoid);
  m.params() = {1.0f, 0.0f, 0.0f};
  gpu::FieldEvaluator eval(context(), options());
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

TEST_P(GpuField, HiddenNeuronField) {
  const Arch a{{3, 4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 3);
  const auto map = nn::InputMap::identity(a.features);
  gpu::FieldEvaluator eval(context(), options());
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

TEST_P(GpuField, ParamsUpdateBetweenEvaluations) {
  const Arch a{{4}, {nn::Activation::tanh}};
  nn::Mlp m = make(a, 1);
  const nn::View view{-6, -6, 6, 6};
  const auto map = nn::InputMap::for_view(a.features, view);
  gpu::FieldEvaluator eval(context(), options());
  EXPECT_LE(max_diff_to_reference(m, map, eval, 16, 16, view), 1e-3);
  for (auto& p : m.params()) p *= -1.5f;
  eval.set_params(m.params());
  const auto r = eval.evaluate({16, 16, {-6, -6, 6, 6}});
  const auto cpu = app::cpu_field(m, map, 16, 16, view);
  for (size_t i = 0; i < cpu.size(); ++i) ASSERT_NEAR(r.values[i], cpu[i], 1e-3);
}

TEST_P(GpuField, RejectsBadRequests) {
  gpu::FieldEvaluator eval(context(), options());
  EXPECT_THROW(eval.evaluate({8, 8, {0, 0, 1, 1}}), gpu::GpuError);  // no network yet
  const Arch a{{4}, {nn::Activation::tanh}};
  const nn::Mlp m = make(a, 1);
  eval.set_network(app::to_layout(m, nn::InputMap::identity(a.features)));
  EXPECT_THROW(eval.set_params(std::vector<float>(3)), gpu::GpuError);
  EXPECT_THROW(eval.evaluate({0, 8, {0, 0, 1, 1}}), gpu::GpuError);
}

// Every hidden neuron's field (all_hidden: layer by layer) over a w x h grid of -1..1 against
// the CPU's activations: the largest difference.
double max_hidden_diff(gpu::FieldEvaluator& eval, const nn::Mlp& m, const nn::InputMap& map, uint32_t w, uint32_t h) {
  eval.set_network(app::to_layout(m, map));
  eval.set_params(m.params());
  const auto r = eval.evaluate({w, h, {-1, -1, 1, 1}, -1, 0, true});
  uint32_t channels = 0;
  for (int l = 0; l < m.hidden_layers(); ++l) channels += uint32_t(m.layers()[l].out);
  EXPECT_EQ(r.channels, channels);
  if (r.channels != channels) return 1e30;
  double worst = 0.0;
  for (uint32_t y = 0; y < h; ++y) {
    for (uint32_t x = 0; x < w; ++x) {
      nn::Trace t;
      std::vector<float> in(size_t(m.inputs()));
      map.apply(-1 + (x + 0.5f) * 2.0f / w, 1 - (y + 0.5f) * 2.0f / h, in.data());
      m.forward(in.data(), 1, t);
      const float* px = &r.values[(size_t(y) * w + x) * r.channels];
      for (int l = 0; l < m.hidden_layers(); ++l) {
        for (int j = 0; j < m.layers()[l].out; ++j) worst = std::max(worst, double(std::abs(*px++ - t.a[l + 1][j])));
      }
    }
  }
  return worst;
}

TEST_P(GpuField, EveryHiddenNeuronField) {
  // Layer by layer, every hidden neuron: channel j of layer l at the CPU's activation.
  const Arch a{{70, 9}, {nn::Activation::gelu, nn::Activation::tanh}, 2};
  gpu::FieldEvaluator eval(context(), options());
  EXPECT_LE(max_hidden_diff(eval, make(a, 5), nn::InputMap::identity(a.features), 11, 6), 1e-4);
}

// The largest networks nnlive accepts (8 hidden layers of 512), on every kernel: rows on vec4s
// and not (510 wide, every feature, 8 classes), and every hidden neuron's field. On lavapipe
// these run past 65,535 loop iterations an invocation unless the kernels keep their loops
// short: llvmpipe ends every loop of a shader after that many in all, silently (Mesa 22.3's
// LP_MAX_TGSI_LOOP_ITERATIONS), and the field came out wrong from 5 layers of 512 on.
TEST_P(GpuField, TheLargestNetworksMatchTheCpu) {
  const std::vector<nn::Feature> all = testing_support::every_feature();
  const nn::View view{-6, -5, 7, 4};
  gpu::FieldEvaluator eval(context(), options());
  const Arch aligned{std::vector<int>(nn::Mlp::k_max_hidden_layers, nn::Mlp::k_max_width), {nn::Activation::relu}};
  const Arch ragged{std::vector<int>(nn::Mlp::k_max_hidden_layers, nn::Mlp::k_max_width - 2), {nn::Activation::tanh}, 8, all};
  for (const Arch& a : {aligned, ragged}) {
    const nn::Mlp m = make(a, 21);
    EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 5, 3, view), 1e-3) << a.hidden.front() << " wide";
  }
  // Every hidden neuron, layer by layer (4096 channels a pixel; tanh, whose activations stay
  // small: ReLU's reach 2e4 eight layers deep).
  const Arch bounded{aligned.hidden, {nn::Activation::tanh}};
  EXPECT_LE(max_hidden_diff(eval, make(bounded, 22), nn::InputMap::identity(bounded.features), 3, 2), 1e-4);
}

TEST_P(GpuField, ManyBlocksAndLargeGrids) {
  // More blocks than one row of workgroups holds (the tiled kernel numbers blocks across a
  // grid of them): 1100 x 70 pixels at 512 wide is 9625 blocks of 8; and a grid whose pixel
  // count is no multiple of any block.
  const Arch a{{512}, {nn::Activation::relu}};
  const nn::Mlp m = make(a, 9);
  const nn::View view{-3, -2, 4, 5};
  gpu::FieldEvaluator eval(context(), options());
  EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 1100, 70, view), 1e-3);
  EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 301, 3, view), 1e-3);
}

TEST_P(GpuField, OutputsShareOneWeightsUpload) {
  // The renderer's field and thumbnails: two requests recorded in one command buffer, each into
  // its own output, from one set_params; then new parameters reach both.
  const Arch a{{9, 70}, {nn::Activation::tanh}, 3};
  nn::Mlp m = make(a, 12);
  const auto map = nn::InputMap::identity(a.features);
  gpu::FieldEvaluator shared(context(), options({.outputs = 2})), single(context(), options());
  const gpu::FieldRequest field{23, 17, {-2, -1, 2, 1}}, hidden{8, 8, {-2, -2, 2, 2}, -1, 0, true};
  for (int round = 0; round < 2; ++round) {
    for (auto* e : {&shared, &single}) {
      if (round == 0) e->set_network(app::to_layout(m, map));
      e->set_params(m.params());
    }
    const vk::raii::CommandBuffers cbs(context().device(), {*context().command_pool(), vk::CommandBufferLevel::ePrimary, 1});
    cbs[0].begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
    EXPECT_EQ(shared.record(cbs[0], field, 0), 3u);
    EXPECT_EQ(shared.record(cbs[0], hidden, 1), 79u);
    const vk::MemoryBarrier2 to_host{vk::PipelineStageFlagBits2::eComputeShader, vk::AccessFlagBits2::eShaderStorageWrite,
                                     vk::PipelineStageFlagBits2::eHost, vk::AccessFlagBits2::eHostRead};
    cbs[0].pipelineBarrier2(vk::DependencyInfo{{}, to_host});
    cbs[0].end();
    const vk::raii::Fence fence(context().device(), vk::FenceCreateInfo{});
    context().submit_and_wait(cbs[0], fence, "two field outputs");
    EXPECT_NE(shared.output_buffer(0), shared.output_buffer(1));
    for (const auto& [req, output] : {std::pair{field, 0u}, std::pair{hidden, 1u}}) {
      const gpu::FieldResult want = single.evaluate(req);
      const std::span<const float> got = shared.output_values(output);
      ASSERT_GE(got.size(), want.values.size());
      for (size_t i = 0; i < want.values.size(); ++i) ASSERT_NEAR(got[i], want.values[i], 1e-6) << "output " << output << ", round " << round;
    }
    for (auto& p : m.params()) p *= -0.7f;
  }
  EXPECT_THROW(shared.output_buffer(2), gpu::GpuError);
}

INSTANTIATE_TEST_SUITE_P(Kernels, GpuField,
                         testing::Values(Kernel{gpu::FieldKernel::per_pixel, true}, Kernel{gpu::FieldKernel::per_pixel, false},
                                         Kernel{gpu::FieldKernel::tiled, false}),
                         [](const testing::TestParamInfo<Kernel>& i) {
                           return std::string(i.param.kernel == gpu::FieldKernel::tiled ? "tiled"
                                              : i.param.specialize                     ? "per_pixel_specialised"
                                                                                       : "per_pixel");
                         });

TEST(GpuFieldKernel, AutomaticTakesOnePixelPerInvocationOnEveryDevice) {
  // (lavapipe, and an H200 too: bench field timed the tiled kernel 2-10x slower there, but for
  // one case that came out even)
  gpu::FieldEvaluator eval(context());
  const nn::View view{-6, -6, 6, 6};
  for (const auto& [hidden, want] : std::vector<std::pair<std::vector<int>, gpu::FieldKernel>>{
           {{8, 8}, gpu::FieldKernel::per_pixel},
           {{24, 24}, gpu::FieldKernel::per_pixel},
           {{40}, gpu::FieldKernel::per_pixel},  // 40 rounds up to the 64 bucket
           {{256, 256}, gpu::FieldKernel::per_pixel}}) {
    const Arch a{hidden, {nn::Activation::tanh}};
    const nn::Mlp m = make(a, 2);
    EXPECT_LE(max_diff_to_reference(m, nn::InputMap::for_view(a.features, view), eval, 13, 9, view), 1e-3);
    EXPECT_EQ(eval.kernel(), want) << hidden.front();
    // One pixel per invocation is specialised to the shape up to 1536 multiply-adds per pixel:
    // all but 2-256-256-1.
    EXPECT_EQ(eval.specialised(), want == gpu::FieldKernel::per_pixel && hidden.front() < 256) << hidden.front();
  }
}

// The fp16 kernel (field_coop.comp), split and not, against its CPU reference (exact rounding;
// only the sums' order differs) and against fp32: partial blocks, every activation among the
// networks, softmax, all features, and the fp32 kernels for a neuron's field. `emulate`: its
// tiles as plain arrays (lavapipe); else on the device's cooperative matrices. `staged`: the
// weights staged in shared memory (Fp16Kernel::staged), else read where they lie.
struct Fp16Case {
  Arch arch;
  uint32_t w, h;
};
void check_fp16_kernel(gpu::Context& ctx, bool emulate, bool staged, const std::vector<Fp16Case>& cases) {
  const nn::View view{-6, -6, 6, 6};
  for (const bool split : {true, false}) {
    gpu::FieldEvaluator eval(ctx, {.precision = split ? gpu::FieldPrecision::fp16x3 : gpu::FieldPrecision::fp16,
                                   .emulate_fp16_matrices = emulate,
                                   .fp16_kernel = staged ? gpu::Fp16Kernel::staged : gpu::Fp16Kernel::direct});
    for (size_t i = 0; i < cases.size(); ++i) {
      SCOPED_TRACE(testing::Message() << (emulate ? "emulated " : "") << (staged ? "staged " : "direct ") << (split ? "fp16x3" : "fp16")
                                      << ", case " << i);
      const nn::Mlp m = make(cases[i].arch, 60 + i);
      const nn::InputMap map = nn::InputMap::for_view(cases[i].arch.features, view);
      const gpu::NetworkLayout layout = app::to_layout(m, map);
      eval.set_network(layout);
      eval.set_params(m.params());
      // fp32 only where the activations do not fit in shared memory (split halves need twice
      // as much): 512 wide split, and unsplit below 48 KiB; on lavapipe (32 KiB) split 256 wide
      // too, unless staged (one buffer of activations, not two).
      const uint32_t widest = *std::max_element(cases[i].arch.hidden.begin(), cases[i].arch.hidden.end());
      const bool fits = widest < 256 || (widest == 256 && (!split || staged || ctx.max_shared_bytes() >= 48 * 1024)) ||
                        (widest == 512 && !split && ctx.max_shared_bytes() >= 48 * 1024);
      ASSERT_EQ(eval.precision(), !fits ? gpu::FieldPrecision::fp32 : split ? gpu::FieldPrecision::fp16x3 : gpu::FieldPrecision::fp16);
      if (!fits) continue;
      EXPECT_EQ(eval.fp16_staged(), staged);
      EXPECT_GE(eval.fp16_rows(), 16u);
      EXPECT_GE(eval.fp16_probe_diff(), 0.0);
      EXPECT_LE(eval.fp16_probe_diff(), split ? 1e-4 : 1e-2);
      const gpu::FieldRequest req{cases[i].w, cases[i].h, {-6.0f, -6.0f, 6.0f, 6.0f}};
      const gpu::FieldResult r = eval.evaluate(req);
      const std::vector<float> ref = gpu::fp16_reference_field(layout, m.params(), req, split);
      const std::vector<float> fp32 = app::cpu_field(m, map, req.width, req.height, view);
      // (One product per weight on tensor cores: their sums' order and rounding differ from the
      // reference's by 1e-7, enough to move an activation to the neighbouring fp16 value now and
      // then; on the H200 2-100-37-80-5 came out 0.0104 from it, within the 2e-2 documented.)
      EXPECT_LE(gpu::compare_fields(r.values, ref, r.channels).max_abs_diff, split ? 1e-4 : emulate ? 1e-2 : 2e-2);
      EXPECT_LE(gpu::compare_fields(r.values, fp32, r.channels).max_abs_diff, split ? 1e-4 : 2e-2);
      // A neuron's field: the fp32 kernels, from the same weights.
      const gpu::FieldResult n = eval.evaluate({9, 7, {-6.0f, -6.0f, 6.0f, 6.0f}, 1, 3});
      ASSERT_EQ(n.channels, 1u);
      gpu::FieldEvaluator plain(ctx);
      plain.set_network(layout);
      plain.set_params(m.params());
      EXPECT_EQ(plain.evaluate({9, 7, {-6.0f, -6.0f, 6.0f, 6.0f}, 1, 3}).values, n.values);
    }
  }
}

// Where the device offers fp16 cooperative matrices the kernel runs on them; where it does not
// (lavapipe, CI) asking for it is refused in one sentence, the automatic choice is fp32, and the
// emulated kernel (everything but the tensor cores) is checked instead.
TEST(GpuFieldPrecision, Fp16KernelMatchesItsReferenceWhereOfferedAndIsRefusedWhereNot) {
  gpu::Context& ctx = context();
  const uint32_t before = ctx.validation_message_count();
  const std::vector<nn::Feature> all = testing_support::every_feature();
  if (ctx.fp16_matrices()) {
    const std::vector<Fp16Case> cases{
        {{{64, 64}, {nn::Activation::relu}}, 37, 23},
        {{{256, 256, 256, 256}, {nn::Activation::relu}}, 301, 167},
        {{{100, 37, 80}, {nn::Activation::gelu, nn::Activation::sigmoid, nn::Activation::leaky_relu}, 5}, 64, 48},
        {{{48, 48, 48}, {nn::Activation::tanh, nn::Activation::sin, nn::Activation::linear}, 1, all}, 17, 129},
        {{{512, 512}, {nn::Activation::relu}}, 50, 40},
    };
    check_fp16_kernel(ctx, false, false, cases);
    check_fp16_kernel(ctx, false, true, cases);
  } else {
    for (const auto p : {gpu::FieldPrecision::fp16, gpu::FieldPrecision::fp16x3}) {
      try {
        gpu::FieldEvaluator eval(ctx, {.precision = p});
        ADD_FAILURE() << "fp16 was not refused";
      } catch (const gpu::GpuError& e) {
        EXPECT_NE(std::string(e.what()).find("VK_NV_cooperative_matrix"), std::string::npos) << e.what();
      }
    }
    try {
      gpu::Context asked(gpu::ContextOptions{.validation = true, .field_precision = "fp16x3"});
      ADD_FAILURE() << "fp16x3 was not refused";
    } catch (const gpu::GpuError& e) {
      EXPECT_NE(std::string(e.what()).find("does not offer; use fp32"), std::string::npos) << e.what();
    }
    const nn::View view{-6, -6, 6, 6};
    gpu::FieldEvaluator eval(ctx);
    const Arch a{{64, 64}, {nn::Activation::relu}};
    EXPECT_LE(max_diff_to_reference(make(a, 3), nn::InputMap::for_view(a.features, view), eval, 9, 7, view), 1e-3);
    EXPECT_EQ(eval.precision(), gpu::FieldPrecision::fp32);
    EXPECT_EQ(eval.fp16_probe_diff(), -1.0);
  }
  if (ctx.fp16_storage() && ctx.subgroup_size() == FIELD_COOP_EMULATED_LANES) {
    // Small grids and widths: the emulation is slow. Still several row tiles per workgroup,
    // several groups of output tiles (the last one partial), 16-input steps, all features.
    // 160 wide split, 96 x 4, 128 x 4 and 8 x 128 take the most loop iterations an invocation:
    // with each product's 16 terms in a loop, 160 split and 96 x 4 ran past llvmpipe's limit
    // (see field_coop.comp) and came out as garbage; with four terms a step, 8 x 128 split.
    const std::vector<Fp16Case> cases{
        {{{64, 64}, {nn::Activation::relu}}, 37, 23},
        {{{100, 37, 80}, {nn::Activation::gelu, nn::Activation::sigmoid, nn::Activation::leaky_relu}, 5}, 29, 19},
        {{{48, 48, 48}, {nn::Activation::tanh, nn::Activation::sin, nn::Activation::linear}, 1, all}, 17, 41},
        {{{160, 160}, {nn::Activation::relu}}, 13, 11},
        {{{96, 96, 96, 96}, {nn::Activation::tanh}}, 11, 9},
        {{{128, 128, 128, 128}, {nn::Activation::relu}}, 9, 7},
        {{std::vector<int>(8, 128), {nn::Activation::tanh}}, 7, 5},
        {{{512, 512}, {nn::Activation::relu}}, 11, 7},
    };
    check_fp16_kernel(ctx, true, false, cases);
    check_fp16_kernel(ctx, true, true, cases);
  } else {
    EXPECT_TRUE(ctx.fp16_matrices()) << "neither the fp16 kernel nor its emulation was checked on " << ctx.device_name();
  }
  EXPECT_EQ(ctx.validation_message_count(), before) << "Vulkan validation messages were reported";
}

// The tuning's choice: the fastest kernel that ran and agreed with its reference, an fp16 one
// only when k_tune_margin times as fast as fp32.
TEST(GpuFieldTuning, PicksTheFastestAgreeingKernelWithAMarginOverFp32) {
  using P = gpu::FieldPrecision;
  auto pick = [](double fp32, double direct, double staged, bool staged_agrees = true) {
    const std::vector<gpu::TunedKernel> k{{P::fp32, false, fp32}, {P::fp16x3, false, direct}, {P::fp16x3, true, staged, 1e-6, staged_agrees}};
    return gpu::pick_tuned_kernel(k);
  };
  EXPECT_EQ(pick(10.0, 12.0, 11.0), 0u);   // both slower
  EXPECT_EQ(pick(10.0, 9.5, 9.8), 0u);     // faster, but within the margin
  EXPECT_EQ(pick(10.0, 9.0, 9.5), 1u);     // direct beats fp32 by 10 %
  EXPECT_EQ(pick(10.0, 8.0, 3.0), 2u);     // staged fastest
  EXPECT_EQ(pick(10.0, 8.0, 3.0, false), 1u);  // staged differed from its reference
  EXPECT_EQ(pick(10.0, -1.0, 3.0), 2u);    // direct did not run (did not fit)
  EXPECT_EQ(pick(-1.0, 1.0, 1.0), 0u);     // no fp32 time: nothing to compare with
}

// With the precision automatic and tuning on, a new network shape times fp32 and fp16x3 direct
// and staged and keeps the one pick_tuned_kernel picks; the same shape again reuses the
// timings; without tuning, or where fp16 does not apply, automatic is fp32 and nothing is
// timed. Emulated on lavapipe (the emulation is far slower than fp32, so fp32 wins there; on a
// GPU whichever is faster).
TEST(GpuFieldTuning, AutomaticPrecisionTimesTheKernelsOncePerShape) {
  gpu::Context& ctx = context();
  if (ctx.field_precision() != gpu::FieldPrecision::automatic) GTEST_SKIP() << "NNLIVE_FIELD_PRECISION is set";
  const bool emulate = !ctx.fp16_matrices();
  if (emulate && !(ctx.fp16_storage() && ctx.subgroup_size() == FIELD_COOP_EMULATED_LANES))
    GTEST_FAIL() << "neither fp16 cooperative matrices nor their emulation on " << ctx.device_name();
  const uint32_t before = ctx.validation_message_count();
  const nn::View view{-6, -6, 6, 6};
  const Arch a{{48, 48, 48}, {nn::Activation::tanh}}, b{{64, 64}, {nn::Activation::relu}}, flat{{32}, {nn::Activation::relu}};
  gpu::FieldEvaluator eval(ctx, {.emulate_fp16_matrices = emulate, .tune_precision = true, .tune_side = emulate ? 24u : 512u});
  const nn::Mlp ma = make(a, 5);
  const gpu::NetworkLayout la = app::to_layout(ma, nn::InputMap::for_view(a.features, view));
  eval.set_network(la);
  const std::vector<gpu::TunedKernel> first(eval.tuning().begin(), eval.tuning().end());
  ASSERT_EQ(first.size(), 3u);
  EXPECT_EQ(first[0].precision, gpu::FieldPrecision::fp32);
  size_t chosen = 0;
  for (size_t i = 0; i < first.size(); ++i) {
    SCOPED_TRACE(i);
    EXPECT_GT(first[i].ms, 0.0);
    EXPECT_TRUE(first[i].agrees);
    if (i > 0) {
      EXPECT_EQ(first[i].precision, gpu::FieldPrecision::fp16x3);
      EXPECT_EQ(first[i].staged, i == 2);
      EXPECT_LE(first[i].probe_diff, 1e-4);
    }
    if (first[i].chosen) chosen = i;
  }
  EXPECT_EQ(std::count_if(first.begin(), first.end(), [](const gpu::TunedKernel& k) { return k.chosen; }), 1);
  EXPECT_EQ(chosen, gpu::pick_tuned_kernel(first));
  EXPECT_EQ(eval.precision(), first[chosen].precision);
  EXPECT_EQ(eval.fp16_staged(), first[chosen].staged);
  // Whatever was chosen, the outputs are fp32's within 1e-4.
  eval.set_params(ma.params());
  EXPECT_LE(max_diff_to_reference(ma, nn::InputMap::for_view(a.features, view), eval, 13, 9, view), 1e-4);

  // Another shape is timed afresh; the first again reuses its timings, in this evaluator and in
  // another one on the same device (a second panel).
  const nn::Mlp mb = make(b, 6);
  eval.set_network(app::to_layout(mb, nn::InputMap::for_view(b.features, view)));
  ASSERT_EQ(eval.tuning().size(), 3u);
  EXPECT_NE(eval.tuning()[0].ms, first[0].ms);
  eval.set_network(la);
  ASSERT_EQ(eval.tuning().size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(eval.tuning()[i].ms, first[i].ms) << i;
  gpu::FieldEvaluator panel(ctx, {.emulate_fp16_matrices = emulate, .tune_precision = true, .tune_side = emulate ? 24u : 512u});
  panel.set_network(la);
  ASSERT_EQ(panel.tuning().size(), 3u);
  for (size_t i = 0; i < 3; ++i) EXPECT_EQ(panel.tuning()[i].ms, first[i].ms) << i;

  // One hidden layer: no product between hidden layers, nothing to time.
  const nn::Mlp mf = make(flat, 7);
  eval.set_network(app::to_layout(mf, nn::InputMap::for_view(flat.features, view)));
  EXPECT_TRUE(eval.tuning().empty());
  EXPECT_EQ(eval.precision(), gpu::FieldPrecision::fp32);

  // Tuning off (render, record): fp32, nothing timed.
  gpu::FieldEvaluator plain(ctx, {.emulate_fp16_matrices = emulate});
  plain.set_network(la);
  EXPECT_TRUE(plain.tuning().empty());
  EXPECT_EQ(plain.precision(), gpu::FieldPrecision::fp32);
  EXPECT_EQ(ctx.validation_message_count(), before) << "Vulkan validation messages were reported";
}

}  // namespace
}  // namespace nnlive
