// SPDX-License-Identifier: MIT
// `nnlive render`: train in lock-step to the epoch cap (or the stop rule, or divergence), then
// draw the composite offscreen and write it as a PNG. Same command, same pixels.
#include <chrono>
#include <cmath>
#include <iostream>
#include <tuple>
#include <sstream>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app {

render::RenderOptions parse_render_options(const std::string& layout, const std::string& palette, const std::string& neuron,
                                           bool discretize, bool linear_loss, const nn::Mlp& mlp) {
  render::RenderOptions o;
  const auto l = render::parse_layout(layout);
  if (!l) throw core::UserError(core::ExitCode::usage, "unknown layout '" + layout + "'; choose full, field or field+curves");
  o.layout = *l;
  const auto p = render::parse_palette(palette);
  if (!p) throw core::UserError(core::ExitCode::usage, "unknown palette '" + palette + "'; choose blue-orange or blue-magenta");
  o.palette = *p;
  o.discretize = discretize;
  o.log_loss = !linear_loss;
  if (!neuron.empty()) std::tie(o.neuron_layer, o.neuron) = parse_neuron(neuron, mlp);
  return o;
}

std::function<int()> add_render_command(CLI::App& app) {
  auto* sub = app.add_subcommand("render", "Train in lock-step, then write the picture (field, points, diagram, curves) as PNG");
  struct State {
    ExperimentFlags flags;
    std::string size = "1920x1080", out, layout = "full", palette = "blue-orange", neuron;
    std::vector<std::string> compare;
    bool discretize = false, linear_loss = false;
    double time = 1.8;
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  sub->add_option("--size", s->size, "picture WIDTHxHEIGHT, 320x240 to 7680x4320")->capture_default_str();
  sub->add_option("--out", s->out, "output PNG")->required();
  sub->add_option("--layout", s->layout, "full, field or field+curves")->capture_default_str();
  sub->add_option("--palette", s->palette, "blue-orange (colour-blind safe) or blue-magenta")->capture_default_str();
  sub->add_option("--neuron", s->neuron, "LAYER:INDEX (from 1): show this hidden neuron's field instead of the output");
  sub->add_flag("--discretize", s->discretize, "hard class regions instead of confidence shading");
  sub->add_flag("--linear-loss", s->linear_loss, "linear loss axis (default logarithmic)");
  sub->add_option("--compare", s->compare,
                  "also show this experiment side by side (repeatable): a preset, a FILE.toml, or flags over the "
                  "main experiment in quotes, such as \"--hidden 64,64,64\"");
  sub->add_option("--time", s->time, "animation time in seconds (where the forward/backprop pulses are)")->capture_default_str();
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    const core::ExperimentConfig config = s->flags.resolve();
    const auto [w, h] = parse_size(s->size, "--size", render::SceneTarget::k_max_width);
    if (w < render::SceneTarget::k_min_width || h < render::SceneTarget::k_min_height || h > render::SceneTarget::k_max_height)
      throw core::UserError(core::ExitCode::usage, "--size must be 320x240 to 7680x4320; got '" + s->size + "'");
    if (!(s->time >= 0.0 && s->time < 1e7)) throw core::UserError(core::ExitCode::usage, "--time must be 0 or more seconds");
    if (s->out.size() < 4 || s->out.substr(s->out.size() - 4) != ".png")
      throw core::UserError(core::ExitCode::usage, "--out must end in .png; got '" + s->out + "'");
    core::check_writable(s->out);
    std::vector<core::ExperimentConfig> configs{config};
    for (auto& c : resolve_compare(config, s->compare)) configs.push_back(std::move(c));
    const std::vector<render::Rect> rects = render::tile(uint32_t(configs.size()), w, h);
    for (const auto& r : rects)
      if (r.width() < render::SceneTarget::k_min_width || r.height() < render::SceneTarget::k_min_height)
        throw core::UserError(core::ExitCode::usage, std::to_string(configs.size()) + " experiments need a bigger --size than " +
                                                         s->size + ": each panel needs at least 320x240 pixels");
    // Every run trains to its own epoch cap (or stop rule, or divergence).
    std::vector<core::Run> runs;
    std::vector<nn::Snapshot> snaps;
    std::vector<render::Panel> panels;
    for (const auto& c : configs) runs.push_back(core::build_run(c));
    for (size_t i = 0; i < runs.size(); ++i) {
      core::Run& run = runs[i];
      const render::RenderOptions options =
          parse_render_options(s->layout, s->palette, i == 0 ? s->neuron : std::string(), s->discretize, s->linear_loss,
                               run.trainer->model());
      while (!run.trainer->finished()) run.trainer->run_epoch();
      snaps.push_back(run.trainer->snapshot(0, 0));
      panels.push_back({{}, options, rects[i]});
    }
    for (size_t i = 0; i < runs.size(); ++i) panels[i].scene = render::make_scene(runs[i], snaps[i], s->time);

    gpu::Context ctx;
    render::Renderer renderer(ctx);
    render::SceneTarget target(ctx, w, h);
    renderer.render(panels, target);  // first frame: includes one-time pipeline and buffer setup
    const auto t0 = std::chrono::steady_clock::now();
    renderer.render(panels, target);  // a steady-state frame, as in a video
    const double frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const auto pixels = target.pixels();
    core::write_png(s->out, int(w), int(h), 4, pixels.data());
    std::cerr << "nnlive: " << w << "x" << h << " picture of " << config.name;
    if (runs.size() > 1) std::cerr << " and " << runs.size() - 1 << " more";
    std::cerr << " at epoch " << snaps[0].epoch << " written to " << s->out << " (frame " << std::lround(frame_ms) << " ms on "
              << ctx.device_name() << ")\n";
    return 0;
  };
}

}  // namespace nnlive::app
