// SPDX-License-Identifier: MIT
// Adaptive field evaluation: the picture drawn from it equals the one drawn from the full
// evaluation within 1/255 per channel, on every preset (trained a while) and on random wide
// networks (untrained and trained, one output and softmax), and it saves evaluations where the
// field is calm.
#include <gtest/gtest.h>

#include <algorithm>
#include <cstdio>

#include "live/adaptive_field.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive {
namespace {

gpu::Context& context() {
  static gpu::Context ctx(gpu::ContextOptions{.validation = true});
  return ctx;
}

struct Outcome {
  int worst = 0;             // largest channel difference of the two pictures, of 255
  double evaluated = 0.0;    // share of the pixels evaluated adaptively
};

// The field-only picture of run (W x H) drawn from the full evaluation and from the adaptive one.
Outcome compare(core::Run& run, uint32_t W, uint32_t H) {
  const nn::Snapshot snap = run.trainer->snapshot(0, 0);
  const render::Scene scene = render::make_scene(run, snap, 0.0);
  render::RenderOptions options;
  options.layout = render::Layout::field;
  const nn::View v = render::fit_view(scene.view, float(W), float(H));
  const gpu::FieldRequest req{W, H, {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
  gpu::CpuFieldEvaluator engine(2);
  engine.set_network(render::network_layout(snap.layers, snap.params.size(), scene.input_map));
  engine.set_params(snap.params);
  const gpu::FieldResult full = engine.evaluate(req);
  gpu::FieldResult adaptive{W, H, full.channels, std::vector<float>(full.values.size(), -1.0f)};
  app::live::AdaptiveCount count;
  EXPECT_TRUE(app::live::evaluate_adaptive(engine, req, adaptive.values.data(), {}, count));
  static render::Renderer renderer(context());
  std::vector<std::vector<uint8_t>> pictures;
  for (const gpu::FieldResult* f : {&full, static_cast<const gpu::FieldResult*>(&adaptive)}) {
    render::Panel panel{scene, options, {0, 0, float(W), float(H)}};
    panel.field = std::make_shared<const gpu::FieldResult>(*f);
    panel.field_request = req;
    static uint64_t version = 0;
    panel.field_version = ++version;  // (never one a frame slot already holds)
    render::SceneTarget target(context(), W, H);
    renderer.render(std::vector<render::Panel>{panel}, target);
    pictures.push_back(target.pixels());
  }
  Outcome o;
  for (size_t i = 0; i < pictures[0].size(); ++i) o.worst = std::max(o.worst, std::abs(int(pictures[0][i]) - int(pictures[1][i])));
  o.evaluated = double(count.evaluated) / double(count.pixels);
  return o;
}

TEST(AdaptiveField, EveryPresetsPictureMatchesTheFullEvaluation) {
  const uint32_t before = context().validation_message_count();
  double saved_somewhere = 1.0;
  for (const auto& p : core::list_presets()) {
    core::ExperimentConfig c = core::load_preset(p.name);
    c.training.max_epochs = std::min(c.training.max_epochs, 150);
    c.training.endless = false;
    core::Run run = core::build_run(c);
    core::train_to_end(*run.trainer);
    const Outcome o = compare(run, 480, 360);
    EXPECT_LE(o.worst, 1) << p.name;
    std::printf("%-14s worst %d/255, %.0f%% of pixels evaluated\n", p.name.c_str(), o.worst, 100.0 * o.evaluated);
    saved_somewhere = std::min(saved_somewhere, o.evaluated);
  }
  EXPECT_LT(saved_somewhere, 0.5) << "a trained preset's calm field should need far fewer evaluations";
  EXPECT_EQ(context().validation_message_count(), before);
}

TEST(AdaptiveField, RandomWideNetworksMatchTheFullEvaluation) {
  struct Case {
    const char* preset;
    std::vector<int> hidden;
    nn::Activation act;
    int epochs;
  };
  const std::vector<Case> cases{{"spiral", {64, 64, 64}, nn::Activation::relu, 0},
                                {"spiral", {256, 256}, nn::Activation::tanh, 0},
                                {"spiral", {128, 128, 128}, nn::Activation::relu, 30},
                                {"blobs", {96, 96}, nn::Activation::gelu, 0},
                                {"blobs", {64, 64}, nn::Activation::tanh, 40},
                                {"moons-like", {32, 32, 32, 32}, nn::Activation::sin, 0}};
  for (uint64_t seed : {3u, 11u}) {
    for (const auto& k : cases) {
      core::ExperimentConfig c = core::load_preset(std::string(k.preset) == "moons-like" ? "xor" : k.preset);
      c.seed = seed;
      c.hidden = k.hidden;
      c.activations = {k.act};
      c.training.max_epochs = std::max(k.epochs, 1);
      c.training.endless = false;
      core::Run run = core::build_run(c);
      if (k.epochs > 0) core::train_to_end(*run.trainer);
      const Outcome o = compare(run, 400, 300);
      EXPECT_LE(o.worst, 1) << k.preset << " seed " << seed << " hidden " << k.hidden.size() << "x" << k.hidden[0];
      std::printf("%-8s %zux%-4d seed %2llu: worst %d/255, %.0f%% evaluated\n", k.preset, k.hidden.size(), k.hidden[0],
                  static_cast<unsigned long long>(seed), o.worst, 100.0 * o.evaluated);
    }
  }
}

TEST(AdaptiveField, StopsWhenAsked) {
  core::Run run = core::build_run(core::load_preset("spiral"));
  const nn::Snapshot snap = run.trainer->snapshot(0, 0);
  gpu::CpuFieldEvaluator engine(1);
  engine.set_network(render::network_layout(snap.layers, snap.params.size(), run.input_map));
  engine.set_params(snap.params);
  std::vector<float> out(200 * 100);
  app::live::AdaptiveCount count;
  EXPECT_FALSE(app::live::evaluate_adaptive(engine, {200, 100, {-1, -1, 1, 1}}, out.data(), [] { return true; }, count));
  EXPECT_FALSE(app::live::adaptive_applies({200, 100, {-1, -1, 1, 1}, 0, 0}));
  EXPECT_TRUE(app::live::adaptive_applies({200, 100, {-1, -1, 1, 1}}));
}

}  // namespace
}  // namespace nnlive
