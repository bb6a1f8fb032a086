// SPDX-License-Identifier: MIT
// `nnlive bench field`: GPU field evaluation (timestamps and wall clock) against a
// straightforward single-thread CPU evaluation of the same grid, in one run, as one JSON line.
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iostream>
#include <optional>
#include <set>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "field_support.hpp"
#include "median.hpp"
#include "live/adaptive_field.hpp"
#include "nnlive/common/rng.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/experiment.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/cpu_field.hpp"
#include "nnlive/gpu/field_fp16.hpp"

namespace nnlive::app {
namespace {

double ms_since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
}

std::string arch_name(const nn::Mlp& m) {
  std::string s = std::to_string(m.inputs());
  for (const auto& l : m.layers()) s += "-" + std::to_string(l.out);
  return s;
}

// A float32 NumPy forward pass of the same weights over the same grid, in chunks of 65,536
// pixels (as a NumPy user would write it; the whole grid at once would need gigabytes for wide
// layers): Debian's python3-numpy, whose matrix products run on OpenBLAS when
// libopenblas0-pthread is installed (the project's setup installs it). Prints the median
// milliseconds of `reps` runs and the output field's checksum.
constexpr const char* k_numpy_script = R"PY(
import json, sys, time
import numpy as np
spec = json.load(open(sys.argv[1]))
W, H = spec["width"], spec["height"]
x0, y0, x1, y1 = spec["view"]
f32 = np.float32
xs = f32(x0) + (np.arange(W, dtype=f32) + f32(0.5)) * f32((x1 - x0) / W)
ys = f32(y1) - (np.arange(H, dtype=f32) + f32(0.5)) * f32((y1 - y0) / H)
X, Y = [a.reshape(-1) for a in np.meshgrid(xs, ys)]
raw = {0: lambda: X, 1: lambda: Y, 2: lambda: X * X, 3: lambda: Y * Y, 4: lambda: X * Y, 5: lambda: np.sin(X), 6: lambda: np.sin(Y)}
inputs = np.stack([(raw[c]() - f32(o)) * f32(s) for c, o, s in zip(spec["features"], spec["offset"], spec["scale"])], axis=1).astype(f32)
params = np.array(spec["params"], dtype=f32)
layers = [(params[l["w"]:l["w"] + l["in"] * l["out"]].reshape(l["out"], l["in"]).T.copy(), params[l["b"]:l["b"] + l["out"]], l["act"]) for l in spec["layers"]]
acts = {0: lambda z: z, 1: lambda z: f32(1) / (f32(1) + np.exp(-z)), 2: np.tanh, 3: lambda z: np.maximum(z, f32(0)), 6: np.sin}
def forward():
    out = []
    for start in range(0, inputs.shape[0], 65536):
        a = inputs[start:start + 65536]
        for w, b, act in layers:
            a = acts[act](a @ w + b)
        out.append(a)
    return np.concatenate(out)
forward()
times = []
for _ in range(spec["reps"]):
    t0 = time.perf_counter()
    field = forward()
    times.append((time.perf_counter() - t0) * 1e3)
print(json.dumps({"ms": sorted(times)[len(times) // 2], "sum": float(field.astype(np.float64).sum())}))
)PY";

// Runs k_numpy_script on the bench's network; nullopt (and why) when it cannot.
std::optional<double> numpy_ms(const nn::Mlp& mlp, const nn::InputMap& map, uint32_t w, uint32_t h, const nn::View& view, int reps,
                               std::string& why) {
  for (const auto& l : mlp.layers())
    if (l.activation != nn::Activation::linear && l.activation != nn::Activation::sigmoid && l.activation != nn::Activation::tanh &&
        l.activation != nn::Activation::relu && l.activation != nn::Activation::sin) {
      why = "the NumPy baseline takes linear, sigmoid, tanh, relu and sin";
      return std::nullopt;
    }
  char dir_template[] = "/tmp/nnlive-bench-XXXXXX";
  if (!mkdtemp(dir_template)) {
    why = "no temporary folder";
    return std::nullopt;
  }
  const std::filesystem::path dir = dir_template;
  nlohmann::json spec{{"width", w}, {"height", h}, {"view", view}, {"reps", reps}, {"params", mlp.params()}};
  for (size_t i = 0; i < map.features.size(); ++i) {
    spec["features"].push_back(uint32_t(map.features[i]));
    spec["offset"].push_back(map.offset[i]);
    spec["scale"].push_back(map.scale[i]);
  }
  for (const auto& l : mlp.layers())
    spec["layers"].push_back({{"in", l.in}, {"out", l.out}, {"w", l.w_offset}, {"b", l.b_offset}, {"act", uint32_t(l.activation)}});
  std::ofstream(dir / "spec.json") << spec.dump();
  std::ofstream(dir / "forward.py") << k_numpy_script;
  const std::string cmd = "/usr/bin/python3 '" + (dir / "forward.py").string() + "' '" + (dir / "spec.json").string() + "' 2>&1";
  std::string out;
  if (FILE* p = popen(cmd.c_str(), "r")) {
    char buf[4096];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out.append(buf, n);
    pclose(p);
  }
  std::error_code ec;
  std::filesystem::remove_all(dir, ec);
  try {
    const auto j = nlohmann::json::parse(out.substr(out.rfind('{')));
    return j.at("ms").get<double>();
  } catch (const std::exception&) {
    why = "python3 with numpy did not run: " + out.substr(0, 200);
    return std::nullopt;
  }
}

}  // namespace

std::function<int()> add_bench_command(CLI::App& app) {
  auto* bench = app.add_subcommand("bench", "Benchmarks; each prints one JSON line with a baseline from the same run");
  bench->require_subcommand(1);
  auto* sub = bench->add_subcommand(
      "field", "The field engines (field.comp, the CPU GEMM) against a one-thread CPU evaluation and, with --numpy, NumPy on OpenBLAS, on the same grid");
  struct State {
    std::string hidden = "24,24", activation = "tanh", features = "x,y", size = "512x512", preset;
    int epochs = 0;
    int reps = 5, outputs = 1, fp16_rows = 0;
    bool numpy = false;
    std::set<std::string> skip;
  };
  auto s = std::make_shared<State>();
  sub->add_option("--hidden", s->hidden, "neurons per hidden layer")->capture_default_str();
  sub->add_option("--activation", s->activation, "hidden activation")->capture_default_str();
  sub->add_option("--features", s->features, "input features")->capture_default_str();
  sub->add_option("--outputs", s->outputs, "outputs: 1 (sigmoid) or 2..8 (softmax)")->capture_default_str();
  sub->add_option("--size", s->size, "grid WIDTHxHEIGHT")->capture_default_str();
  sub->add_option("--preset", s->preset,
                  "a preset's network trained to its epoch cap (or --epochs) over its own view, instead of an untrained one "
                  "over -6..6 (--hidden and --activation, when given, replace the preset's; --features and --outputs are the preset's)");
  sub->add_option("--epochs", s->epochs, "with --preset: train this many epochs (default: the preset's cap)");
  sub->add_flag("--numpy", s->numpy, "also time a float32 NumPy forward pass of the same weights over the same grid (python3-numpy on OpenBLAS)");
  sub->add_option("--skip", s->skip,
                  "leave out the slow parts at big sizes: shader (every field kernel), others (the fp32 kernels beside the "
                  "chosen one), gemm (the CPU engine, adaptive too), reference (the one-thread CPU pass)")
      ->delimiter(',')
      ->check(CLI::IsMember({"shader", "others", "gemm", "reference"}));
  sub->add_option("--reps", s->reps, "GPU repetitions (the median is reported), 1..1000")->capture_default_str();
  sub->add_option("--fp16-rows", s->fp16_rows,
                  "the fp16 kernels: at most this many pixels per workgroup (16..128, a multiple of 16; default: as many as fit)");
  auto record = add_bench_record_command(*bench);
  return [s, sub, record]() {
    if (!sub->parsed()) return record();
    const auto [w, h] = parse_size(s->size, "--size", 16384);
    if (s->reps < 1 || s->reps > 1000) throw core::UserError(core::ExitCode::usage, "--reps must be 1 to 1000");
    if (s->outputs < 1 || s->outputs > 8) throw core::UserError(core::ExitCode::usage, "--outputs must be 1 to 8");
    if (s->fp16_rows != 0 && (s->fp16_rows < 16 || s->fp16_rows > 128 || s->fp16_rows % 16 != 0))
      throw core::UserError(core::ExitCode::usage, "--fp16-rows must be a multiple of 16 from 16 to 128");
    const auto hidden = core::parse_hidden(s->hidden);
    const auto acts = core::parse_activations(s->activation);
    const auto features = core::parse_features(s->features);
    core::ExperimentConfig check;  // reuse the experiment's range checks for the architecture
    check.hidden = hidden;
    check.activations = acts;
    check.features = features;
    core::validate(check);

    nn::View view{-6.0, -6.0, 6.0, 6.0};
    nn::Mlp mlp(static_cast<int>(features.size()), hidden, acts, s->outputs,
                s->outputs == 1 ? nn::Activation::sigmoid : nn::Activation::softmax);
    mlp.init(derive_seed(1, 1));
    nn::InputMap map = nn::InputMap::for_view(features, view);
    if (!s->preset.empty()) {
      // A trained network: its field is what the window shows once training pauses.
      core::ExperimentConfig c = core::load_preset(s->preset);
      if (s->epochs > 0) c.training.max_epochs = s->epochs;
      if (sub->get_option("--hidden")->count() > 0) c.hidden = hidden;  // a wider network on the preset's data
      if (sub->get_option("--activation")->count() > 0) c.activations = acts;
      c.training.endless = false;
      core::Run run = core::build_run(c);
      core::train_to_end(*run.trainer);
      mlp = run.trainer->model();
      map = run.input_map;
      view = run.view;
    }

    const bool run_shader = !s->skip.contains("shader"), run_reference = !s->skip.contains("reference");
    const bool run_others = !s->skip.contains("others"), run_gemm = !s->skip.contains("gemm");
    const gpu::FieldRequest req{w, h, {float(view[0]), float(view[1]), float(view[2]), float(view[3])}};
    gpu::Context ctx;
    auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
    const double macs = double(w) * h * double(mlp.macs_per_sample());
    nlohmann::json out{
        {"bench", "field"},
        {"arch", arch_name(mlp)},
        {"activation", std::string(nn::to_string(mlp.layers().front().activation))},
        {"network", s->preset.empty() ? std::string("untrained, over -6..6") : s->preset + " trained"},
        {"size", std::to_string(w) + "x" + std::to_string(h)},
        {"macs_per_pixel", mlp.macs_per_sample()},
        {"device", ctx.device_name()},
        {"field_engine", ctx.field_engine() == gpu::Context::FieldEngine::cpu ? "cpu" : "shader"},
        {"reps", s->reps},
    };

    // The field kernels on the device: the one `automatic` picks, and the other one beside it.
    gpu::FieldResult shader_result;
    double shader_best = -1.0;
    if (run_shader) {
      struct Timed {
        gpu::FieldResult result;
        gpu::FieldKernel kernel;
        bool uniform, specialised, timestamps;
        gpu::FieldPrecision precision;
        double probe_diff;
        uint32_t fp16_rows, fp16_chunk_rows;
        double best_ms, wall_ms;  // best: GPU time where the device has timestamps, else wall time
      };
      auto time_kernel = [&](gpu::FieldKernel kernel, bool specialize = true, gpu::FieldPrecision precision = gpu::FieldPrecision::fp32,
                             gpu::Fp16Kernel fp16_kernel = gpu::Fp16Kernel::automatic) {
        gpu::FieldEvaluator eval(ctx, {.kernel = kernel,
                                       .precision = precision,
                                       .specialize = specialize,
                                       .fp16_kernel = fp16_kernel,
                                       .fp16_max_rows = uint32_t(s->fp16_rows)});
        eval.set_network(to_layout(mlp, map));
        eval.set_params(mlp.params());
        eval.evaluate(req);  // warm-up: first-use costs (pipeline compilation on some drivers, page faults)
        Timed t{};
        std::vector<double> gpu_ms, wall_ms;
        for (int i = 0; i < s->reps; ++i) {
          const auto t0 = std::chrono::steady_clock::now();
          t.result = eval.evaluate(req);
          wall_ms.push_back(ms_since(t0));
          if (t.result.gpu_ms >= 0) gpu_ms.push_back(t.result.gpu_ms);
        }
        t.kernel = eval.kernel();
        t.uniform = eval.uses_uniform_weights();
        t.specialised = eval.specialised();
        t.precision = eval.precision();
        t.probe_diff = eval.fp16_probe_diff();
        t.fp16_rows = eval.fp16_rows();
        t.fp16_chunk_rows = eval.fp16_chunk_rows();
        t.timestamps = !gpu_ms.empty();
        t.wall_ms = median(wall_ms);
        t.best_ms = t.timestamps ? median(gpu_ms) : t.wall_ms;
        return t;
      };
      const Timed chosen = time_kernel(gpu::FieldKernel::automatic);
      shader_result = chosen.result;
      shader_best = chosen.best_ms;
      const bool tiled = chosen.kernel == gpu::FieldKernel::tiled;
      out["kernel"] = tiled ? "tiled" : "per_pixel";
      out["specialised"] = chosen.specialised;
      out["weights_in"] = chosen.uniform ? "uniform" : "storage";
      out["gpu_ms"] = chosen.timestamps ? nlohmann::json(round3(chosen.best_ms)) : nlohmann::json(nullptr);
      out["gpu_wall_ms"] = round3(chosen.wall_ms);
      out["gpu_gmacs"] = round3(macs / (shader_best * 1e6));
      if (run_others) {
        // The other kernel, checked against the first: the tiled one's gain over one invocation
        // per pixel on this device.
        const Timed other = time_kernel(tiled ? gpu::FieldKernel::per_pixel : gpu::FieldKernel::tiled);
        double kernels_diff = 0.0;
        for (size_t i = 0; i < other.result.values.size(); ++i)
          kernels_diff = std::max(kernels_diff, double(std::abs(other.result.values[i] - shader_result.values[i])));
        out[tiled ? "per_pixel_ms" : "tiled_ms"] = round3(other.best_ms);
        out["tiled_vs_per_pixel"] = round3(tiled ? other.best_ms / chosen.best_ms : chosen.best_ms / other.best_ms);
        out["kernels_max_abs_diff"] = kernels_diff;
        // One pixel per invocation without the pipeline specialised to this network's shape.
        const double generic = time_kernel(gpu::FieldKernel::per_pixel, false).best_ms;
        out["per_pixel_generic_ms"] = round3(generic);
        out["specialised_vs_generic"] = round3(generic / (tiled ? other.best_ms : chosen.best_ms));
      }
      // The fp16 kernel (tensor cores), split and not, each with its weights read where they
      // lie (direct: fp16x3_ms, ...) and staged in shared memory (fp16x3_staged_ms, ...),
      // against the fp32 kernel above: time, the largest difference and the pixels whose class
      // differs.
      if (!ctx.fp16_matrices()) {
        out["fp16"] = "not offered by " + ctx.device_name() + " (no fp16 cooperative matrices)";
      } else {
        for (const auto precision : {gpu::FieldPrecision::fp16x3, gpu::FieldPrecision::fp16}) {
          for (const auto fp16_kernel : {gpu::Fp16Kernel::direct, gpu::Fp16Kernel::staged}) {
            const std::string name = std::string(precision == gpu::FieldPrecision::fp16x3 ? "fp16x3" : "fp16") +
                                     (fp16_kernel == gpu::Fp16Kernel::staged ? "_staged" : "");
            const Timed t = time_kernel(gpu::FieldKernel::automatic, true, precision, fp16_kernel);
            if (t.precision != precision) {
              out[name] = t.probe_diff >= 0.0 ? "differed from its reference on this device by " + std::to_string(t.probe_diff)
                                              : std::string("does not apply to this network (fp32 instead)");
              continue;
            }
            const gpu::FieldAgreement a = gpu::compare_fields(t.result.values, shader_result.values, t.result.channels);
            out[name + "_ms"] = round3(t.best_ms);
            out[name + "_gmacs"] = round3(macs / (t.best_ms * 1e6));
            out[name + "_vs_fp32"] = round3(shader_best / t.best_ms);
            out[name + "_max_abs_diff"] = a.max_abs_diff;
            out[name + "_class_flips"] = a.class_flips;
            out[name + "_probe_diff"] = t.probe_diff;
            out[name + "_pixels_per_workgroup"] = t.fp16_rows;
            if (t.fp16_chunk_rows > 0) out[name + "_chunk_rows"] = t.fp16_chunk_rows;
          }
        }
        // What `auto` takes in the window for this network (FieldEvaluatorOptions::tune_precision).
        gpu::FieldEvaluator tuned(ctx, {.tune_precision = true});
        tuned.set_network(to_layout(mlp, map));
        for (const auto& k : tuned.tuning())
          if (k.chosen) out["auto_takes"] = gpu::tuned_kernel_name(k);
      }
    }

    // The field engine's CPU path (GEMM over blocks of pixels, all cores).
    gpu::FieldResult gemm_result;
    double gemm_best = -1.0;
    if (run_gemm) {
      gpu::CpuFieldEvaluator gemm;
      gemm.set_network(to_layout(mlp, map));
      gemm.set_params(mlp.params());
      gemm.evaluate(req);  // warm-up
      std::vector<double> gemm_ms;
      for (int i = 0; i < s->reps; ++i) {
        const auto t0 = std::chrono::steady_clock::now();
        gemm_result = gemm.evaluate(req);
        gemm_ms.push_back(ms_since(t0));
      }
      gemm_best = median(gemm_ms);
      out["gemm_ms"] = round3(gemm_best);
      out["gemm_threads"] = gemm.threads();
      out["gemm_kernel"] = gemm.uses_own_kernel() ? "nnlive avx512" : "openblas";
      out["gemm_gmacs"] = round3(macs / (gemm_best * 1e6));
      if (run_shader) out["gemm_vs_shader"] = round3(shader_best / gemm_best);

      // The same engine evaluating adaptively, as the live window's full-resolution levels do:
      // exact where the field bends or nears the boundary, interpolated elsewhere.
      if (live::adaptive_applies(req)) {
        std::vector<float> values(gemm_result.values.size());
        std::vector<double> adaptive_ms;
        live::AdaptiveCount count;
        for (int i = 0; i < s->reps; ++i) {
          count = {};
          const auto t0 = std::chrono::steady_clock::now();
          live::evaluate_adaptive(gemm, req, values.data(), {}, count);
          adaptive_ms.push_back(ms_since(t0));
        }
        double diff = 0.0;
        for (size_t i = 0; i < values.size(); ++i) diff = std::max(diff, double(std::abs(values[i] - gemm_result.values[i])));
        out["adaptive_ms"] = round3(median(adaptive_ms));
        out["adaptive_evaluated"] = round3(double(count.evaluated) / double(count.pixels));  // share of the pixels
        out["adaptive_evaluations_saved"] = round3(1.0 - double(count.evaluated) / double(count.pixels));
        out["adaptive_vs_gemm"] = round3(gemm_best / median(adaptive_ms));
        out["adaptive_max_abs_diff"] = diff;
      }
    }

    // The straightforward one-thread CPU forward pass: the reference every path is checked against.
    if (run_reference) {
      const auto t0 = std::chrono::steady_clock::now();
      const std::vector<float> cpu = cpu_field(mlp, map, w, h, view);
      const double cpu_ms = ms_since(t0);
      double shader_diff = 0.0, gemm_diff = 0.0;
      for (size_t i = 0; i < cpu.size(); ++i) {
        if (run_shader) shader_diff = std::max(shader_diff, double(std::abs(cpu[i] - shader_result.values[i])));
        if (run_gemm) gemm_diff = std::max(gemm_diff, double(std::abs(cpu[i] - gemm_result.values[i])));
      }
      out["cpu_ms"] = round3(cpu_ms);
      out["cpu_gmacs"] = round3(macs / (cpu_ms * 1e6));
      if (run_gemm) out["gemm_max_abs_diff"] = gemm_diff;
      if (run_shader) {
        out["speedup"] = round3(cpu_ms / shader_best);
        out["max_abs_diff"] = shader_diff;
      }
    }

    if (s->numpy) {
      std::string why;
      const std::optional<double> np_ms = numpy_ms(mlp, map, w, h, view, s->reps, why);
      out["numpy_ms"] = np_ms ? nlohmann::json(round3(*np_ms)) : nlohmann::json(nullptr);
      if (np_ms) {
        out["numpy_gmacs"] = round3(macs / (*np_ms * 1e6));
        if (run_gemm) out["gemm_vs_numpy"] = round3(*np_ms / gemm_best);
        if (run_shader) out["shader_vs_numpy"] = round3(*np_ms / shader_best);
      } else {
        out["numpy_error"] = why;
      }
    }
    std::cout << out.dump() << std::endl;
    return 0;
  };
}

}  // namespace nnlive::app
