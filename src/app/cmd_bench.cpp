// SPDX-License-Identifier: MIT
// `nnlive bench field`: GPU field evaluation (timestamps and wall clock) against a
// straightforward single-thread CPU evaluation of the same grid, in one run, as one JSON line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <iostream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "field_support.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/experiment.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/cpu_field.hpp"

namespace nnlive::app {
namespace {

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  return v.empty() ? -1.0 : v[v.size() / 2];
}

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string arch_name(const nn::Mlp& m) {
  std::string s = std::to_string(m.inputs());
  for (const auto& l : m.layers()) s += "-" + std::to_string(l.out);
  return s;
}

}  // namespace

std::function<int()> add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks; each prints one JSON line with a baseline from the same run");
  bench->require_subcommand(1);
  auto* sub = bench->add_subcommand("field", "GPU field evaluation against a single-thread CPU evaluation of the same grid");
  struct State {
    std::string hidden = "24,24", activation = "tanh", features = "x,y", size = "512x512";
    int reps = 5, outputs = 1;
  };
  auto s = std::make_shared<State>();
  sub->add_option("--hidden", s->hidden, "neurons per hidden layer")->capture_default_str();
  sub->add_option("--activation", s->activation, "hidden activation")->capture_default_str();
  sub->add_option("--features", s->features, "input features")->capture_default_str();
  sub->add_option("--outputs", s->outputs, "outputs: 1 (sigmoid) or 2..8 (softmax)")->capture_default_str();
  sub->add_option("--size", s->size, "grid WIDTHxHEIGHT")->capture_default_str();
  sub->add_option("--reps", s->reps, "GPU repetitions (the median is reported), 1..1000")->capture_default_str();
  auto record = add_bench_record_command(*bench);
  return [s, sub, record]() {
    if (!sub->parsed()) return record();
    const auto [w, h] = parse_size(s->size, "--size", 16384);
    if (s->reps < 1 || s->reps > 1000) throw core::UserError(core::ExitCode::usage, "--reps must be 1 to 1000");
    if (s->outputs < 1 || s->outputs > 8) throw core::UserError(core::ExitCode::usage, "--outputs must be 1 to 8");
    const auto hidden = core::parse_hidden(s->hidden);
    const auto acts = core::parse_activations(s->activation);
    const auto features = core::parse_features(s->features);
    core::ExperimentConfig check;  // reuse the experiment's range checks for the architecture
    check.hidden = hidden;
    check.activations = acts;
    check.features = features;
    core::validate(check);

    const nn::View view{-6.0, -6.0, 6.0, 6.0};
    nn::Mlp mlp(static_cast<int>(features.size()), hidden, acts, s->outputs,
                s->outputs == 1 ? nn::Activation::sigmoid : nn::Activation::softmax);
    mlp.init(derive_seed(1, 1));
    const nn::InputMap map = nn::InputMap::for_view(features, view);

    gpu::Context ctx;
    gpu::FieldEvaluator eval(ctx);
    eval.set_network(to_layout(mlp, map));
    eval.set_params(mlp.params());
    const gpu::FieldRequest req{w, h, {float(view[0]), float(view[1]), float(view[2]), float(view[3])}};
    eval.evaluate(req);  // warm-up: first-use costs (pipeline compilation on some drivers, page faults)
    std::vector<double> gpu_ms, wall_ms;
    gpu::FieldResult result;
    for (int i = 0; i < s->reps; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      result = eval.evaluate(req);
      wall_ms.push_back(ms_since(t0));
      if (result.gpu_ms >= 0) gpu_ms.push_back(result.gpu_ms);
    }

    // The field engine's CPU path (GEMM over blocks of pixels, all cores).
    gpu::CpuFieldEvaluator gemm;
    gemm.set_network(to_layout(mlp, map));
    gemm.set_params(mlp.params());
    gemm.evaluate(req);  // warm-up
    std::vector<double> gemm_ms;
    gpu::FieldResult gemm_result;
    for (int i = 0; i < s->reps; ++i) {
      const auto t0 = std::chrono::steady_clock::now();
      gemm_result = gemm.evaluate(req);
      gemm_ms.push_back(ms_since(t0));
    }

    const auto t0 = std::chrono::steady_clock::now();
    const std::vector<float> cpu = cpu_field(mlp, map, w, h, view);
    const double cpu_ms = ms_since(t0);
    double max_diff = 0.0, gemm_diff = 0.0;
    for (size_t i = 0; i < cpu.size(); ++i) {
      max_diff = std::max(max_diff, double(std::abs(cpu[i] - result.values[i])));
      gemm_diff = std::max(gemm_diff, double(std::abs(cpu[i] - gemm_result.values[i])));
    }

    const double pixels = double(w) * h;
    const double macs = pixels * double(mlp.macs_per_sample());
    const double gpu_best = gpu_ms.empty() ? median(wall_ms) : median(gpu_ms);
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    const nlohmann::json out{
        {"bench", "field"},
        {"arch", arch_name(mlp)},
        {"activation", s->activation},
        {"size", std::to_string(w) + "x" + std::to_string(h)},
        {"macs_per_pixel", mlp.macs_per_sample()},
        {"device", ctx.device_name()},
        {"weights_in", eval.uses_uniform_weights() ? "uniform" : "storage"},
        {"reps", s->reps},
        {"gpu_ms", gpu_ms.empty() ? nlohmann::json(nullptr) : nlohmann::json(round3(median(gpu_ms)))},
        {"gpu_wall_ms", round3(median(wall_ms))},
        {"cpu_ms", round3(cpu_ms)},
        {"gpu_gmacs", round3(macs / (gpu_best * 1e6))},
        {"cpu_gmacs", round3(macs / (cpu_ms * 1e6))},
        {"speedup", round3(cpu_ms / gpu_best)},
        {"max_abs_diff", max_diff},
        {"gemm_ms", round3(median(gemm_ms))},
        {"gemm_threads", gemm.threads()},
        {"gemm_gmacs", round3(macs / (median(gemm_ms) * 1e6))},
        {"gemm_vs_shader", round3(gpu_best / median(gemm_ms))},
        {"gemm_max_abs_diff", gemm_diff},
    };
    std::cout << out.dump() << std::endl;
    return 0;
  };
}

}  // namespace nnlive::app
