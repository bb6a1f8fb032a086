// SPDX-License-Identifier: MIT
// `nnlive render`: train in lock-step to the epoch cap (or the stop rule, or divergence), then
// draw the composite offscreen and write it as a PNG. Same command, same pixels.
#include <chrono>
#include <cmath>
#include <iostream>

#include "commands.hpp"
#include "field_support.hpp"
#include "experiment_flags.hpp"
#include "lesson_player.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/gpu/context.hpp"
#include "render_flags.hpp"

namespace nnlive::app {

std::pair<uint32_t, uint32_t> parse_frame_size(const std::string& text) {
  const auto [w, h] = parse_size(text, "--size", render::SceneTarget::k_max_width);
  if (w < render::SceneTarget::k_min_width || h < render::SceneTarget::k_min_height || h > render::SceneTarget::k_max_height)
    throw core::UserError(core::ExitCode::usage, "--size must be 320x240 to 7680x4320; got '" + text + "'");
  return {w, h};
}

namespace {

// `render --lesson NAME --step K`: the lesson played headless (30 frames a second of lesson
// time) until step K is over, drawn with its caption and highlights.
template <class State>
int render_lesson_step(const State& s, uint32_t w, uint32_t h) {
  if (!s.picture.compare.empty() || !s.picture.compare_set.empty()) throw core::UserError(core::ExitCode::usage, "--lesson draws one experiment; drop --compare");
  const core::Lesson lesson = core::load_lesson(s.lesson);
  validate_lesson(lesson);
  const size_t step = s.step > 0 ? size_t(s.step) : lesson.steps.size();
  if (step > lesson.steps.size())
    throw core::UserError(core::ExitCode::usage, "--step " + std::to_string(step) + ": the lesson " + lesson.name + " has " +
                                                     std::to_string(lesson.steps.size()) + " steps");
  HeadlessLesson play(lesson, {s.caption_seconds, s.speed}, 30.0);
  play.finish_step(step - 1);
  const nn::Snapshot snap = play.run().trainer->snapshot(play.run().trainer->epoch(), 0);
  render::RenderOptions options = s.picture.options_for(play.run().trainer->model(), true);
  const render::Scene scene = play.scene(snap, s.time, options);
  const std::vector<render::Panel> panels{{scene, options, {0, 0, float(w), float(h)}}};
  gpu::Context ctx;
  render::Renderer renderer(ctx);
  render::SceneTarget target(ctx, w, h);
  renderer.render(panels, target);
  const auto pixels = target.pixels();
  check_gpu_clean();
  core::write_png(s.out, int(w), int(h), 4, pixels.data());
  std::cerr << "nnlive: " << w << "x" << h << " picture of lesson " << lesson.name << ", step " << step << " of "
            << lesson.steps.size() << " (" << play.run().config.name << " at epoch " << play.run().trainer->epoch()
            << ") written to " << s.out << "\n";
  return 0;
}

}  // namespace

std::function<int()> add_render_command(CLI::App& app) {
  auto* sub = app.add_subcommand("render", "Train in lock-step, then write the picture (field, points, diagram, curves) as PNG");
  struct State {
    ExperimentFlags flags;
    RenderFlags picture;
    std::string size = "1920x1080", out;
    double time = 1.8;
    std::string lesson;
    int step = 0;
    double caption_seconds = -1.0, speed = -1.0;
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  s->picture.add_to(*sub);
  sub->add_option("--size", s->size, "picture WIDTHxHEIGHT, 320x240 to 7680x4320")->capture_default_str();
  sub->add_option("--out", s->out, "output PNG")->required();
  sub->add_flag("--present", s->picture.present, "text as presentation mode draws it (20 pt at 1080p, for projectors)");
  sub->add_option("--time", s->time, "animation time in seconds (where the forward/backprop pulses are)")->capture_default_str();
  const char* gl = "Lesson";
  auto* lesson = sub->add_option("--lesson", s->lesson, "draw a lesson's step with its caption (NAME or FILE.toml)")->group(gl);
  sub->add_option("--step", s->step, "the step to draw, from 1 (default: the last), as it is when the step is over")
      ->check(CLI::Range(1, 1000))
      ->needs(lesson)
      ->group(gl);
  sub->add_option("--caption-seconds", s->caption_seconds, "how long a step that waits for the viewer lasts (default: reading time)")
      ->check(CLI::Range(0.0, 600.0))
      ->needs(lesson)
      ->group(gl);
  sub->add_option("--speed", s->speed, "epochs per second in every step (default: each step's pace)")
      ->check(CLI::Range(0.001, 100000.0))
      ->needs(lesson)
      ->group(gl);
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    const auto configs = s->flags.resolve_all(s->picture.compare, s->picture.compare_set);
    const core::ExperimentConfig& config = configs[0];
    const auto [w, h] = parse_frame_size(s->size);
    if (!(s->time >= 0.0 && s->time < 1e7)) throw core::UserError(core::ExitCode::usage, "--time must be 0 or more seconds");
    if (s->out.size() < 4 || s->out.substr(s->out.size() - 4) != ".png")
      throw core::UserError(core::ExitCode::usage, "--out must end in .png; got '" + s->out + "'");
    core::check_writable(s->out);
    if (!s->lesson.empty()) return render_lesson_step(*s, w, h);
    Experiments experiments(configs, s->picture, w, h, s->size);
    // Every run trains to its own epoch cap (or stop rule, or divergence).
    for (size_t i = 0; i < experiments.size(); ++i)
      core::train_to_end(*experiments.run(i).trainer);
    const auto& panels = experiments.panels(s->time);

    gpu::Context ctx;
    render::Renderer renderer(ctx);
    render::SceneTarget target(ctx, w, h);
    {
      // First frame: one-time pipeline and buffer setup. Into a target of its own: a frame that
      // would draw what its target holds draws nothing, and the timed frame must draw.
      render::SceneTarget warm_up(ctx, w, h);
      renderer.render(panels, warm_up);
    }
    const auto t0 = std::chrono::steady_clock::now();
    renderer.render(panels, target);  // a steady-state frame, as in a video
    const double frame_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    const auto pixels = target.pixels();
    check_gpu_clean();
    core::write_png(s->out, int(w), int(h), 4, pixels.data());
    std::cerr << "nnlive: " << w << "x" << h << " picture of " << config.name;
    if (experiments.size() > 1) std::cerr << " and " << experiments.size() - 1 << " more";
    // Each run stops at its own cap: one epoch where they agree, else each run's.
    const int first = experiments.run(0).trainer->epoch();
    std::string epochs;
    bool same = true;
    for (size_t i = 0; i < experiments.size(); ++i) {
      const int e = experiments.run(i).trainer->epoch();
      epochs += (i ? ", " : "") + std::to_string(e);
      same = same && e == first;
    }
    std::cerr << (same ? " at epoch " + std::to_string(first) : " at epochs " + epochs) << " written to " << s->out << " (frame "
              << std::lround(frame_ms) << " ms on " << ctx.device_name() << ")\n";
    return 0;
  };
}

}  // namespace nnlive::app
