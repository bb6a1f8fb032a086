// SPDX-License-Identifier: MIT
// `nnlive record`: frame-exact video (or PNG frames) of a training run, rendered offscreen in
// lock-step: frame n shows animation time n/fps after the scheduled training steps. Frames go
// through FramePipeline (two in flight) to a writer thread and on to ffmpeg or PNG files.
// `nnlive bench record`: frames/s for render only, encode only and both, at 1080p and 4K.
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <optional>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "field_support.hpp"
#include "frame_pipeline.hpp"
#include "lesson_player.hpp"
#include "median.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/interrupt.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/record/schedule.hpp"
#include "nnlive/render/palette.hpp"
#include "nnlive/record/sink.hpp"
#include "nnlive/record/writer.hpp"
#include "render_flags.hpp"

namespace nnlive::app {

std::pair<uint32_t, uint32_t> parse_frame_size(const std::string& text);  // cmd_render.cpp

namespace {

std::string clock_text(double seconds) {
  const long s = std::lround(std::max(seconds, 0.0));
  char buf[32];
  if (s >= 3600) std::snprintf(buf, sizeof buf, "%ld:%02ld:%02ld", s / 3600, s / 60 % 60, s % 60);
  else std::snprintf(buf, sizeof buf, "%ld:%02ld", s / 60, s % 60);
  return buf;
}

// A one-line progress bar on a terminal; on anything else a line at every tenth.
class Progress {
 public:
  Progress(uint64_t total, bool enabled) : total_(total), enabled_(enabled), tty_(isatty(2) != 0) {}
  void update(uint64_t done) {
    if (!enabled_) return;
    const auto now = std::chrono::steady_clock::now();
    const double elapsed = std::chrono::duration<double>(now - start_).count();
    const double rate = elapsed > 0 ? double(done) / elapsed : 0.0;
    const double eta = rate > 0 ? double(total_ - done) / rate : 0.0;
    const uint64_t tenth = total_ >= 10 ? done * 10 / total_ : done;
    if (!tty_ && tenth == last_tenth_ && done != total_) return;
    if (tty_ && done != total_ && now - last_ < std::chrono::milliseconds(100)) return;
    last_ = now;
    last_tenth_ = tenth;
    const int width = 30, filled = int(double(width) * double(done) / double(std::max<uint64_t>(total_, 1)));
    char line[200];
    std::snprintf(line, sizeof line, "%s[%s%s] %llu/%llu frames  %.2f frames/s  ETA %s", tty_ ? "\r" : "",
                  std::string(size_t(filled), '#').c_str(), std::string(size_t(width - filled), '-').c_str(),
                  static_cast<unsigned long long>(done), static_cast<unsigned long long>(total_), rate,
                  clock_text(eta).c_str());
    std::cerr << line << (tty_ ? "\x1b[K" : "\n") << std::flush;
  }
  void end() {
    if (enabled_ && tty_) std::cerr << "\n";
  }

 private:
  uint64_t total_;
  bool enabled_, tty_;
  std::chrono::steady_clock::time_point start_ = std::chrono::steady_clock::now(), last_{};
  uint64_t last_tenth_ = ~uint64_t(0);
};

// CPU seconds (user and system) this process has used, every thread (a CPU Vulkan device's
// rasterizer threads among them), or its children that have been waited for (the encoders, once
// finished): unlike wall time, not stretched by whatever else the machine runs.
double cpu_seconds(int who = RUSAGE_SELF) {
  rusage u{};
  getrusage(who, &u);
  return double(u.ru_utime.tv_sec + u.ru_stime.tv_sec) + 1e-6 * double(u.ru_utime.tv_usec + u.ru_stime.tv_usec);
}

// A pipeline that hands each frame to `writer` and reads the next into a buffer the writer has
// finished with.
FramePipeline into_writer(const gpu::Context& ctx, render::Renderer& renderer, uint32_t width, uint32_t height,
                          record::QueuedWriter& writer) {
  return FramePipeline(ctx, renderer, width, height, [&writer](std::vector<uint8_t> rgba) { writer.push(std::move(rgba)); },
                       [&writer] { return writer.spare(); });
}

double since(std::chrono::steady_clock::time_point t0) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

// Submits frames 0..total-1 until interrupted (submit(f) returns false to end early), then
// flushes the pipeline and finishes the file; on any error the writer is aborted (nothing is
// left under the output's name). Returns the frames made.
template <class Submit>
long long record_frames(long long total, Progress& progress, FramePipeline& pipeline, record::QueuedWriter& writer,
                        Submit&& submit) {
  long long made = 0;
  try {
    for (long long f = 0; f < total && !core::interrupted(); ++f) {
      if (!submit(f)) break;
      ++made;
      progress.update(pipeline.consumed());
    }
    pipeline.flush();
    progress.update(pipeline.consumed());
    progress.end();
    // Interrupted before the first frame (during setup): there is nothing worth keeping.
    if (made == 0) throw core::UserError(core::ExitCode::interrupted, "interrupted before the first frame; nothing was written");
    check_gpu_clean();  // frames drawn after a GPU error may be wrong: none is kept
    writer.finish();
  } catch (...) {
    progress.end();
    writer.abort();
    throw;
  }
  return made;
}

// `record --lesson`: every frame of a lesson played headless, captions and highlights drawn.
int record_lesson(const core::Lesson& lesson, const LessonTiming& timing, long long total, const RenderFlags& picture,
                  const std::string& out, record::VideoFormat format, double fps, bool quiet, bool overwrite) {
  HeadlessLesson play(lesson, timing, fps);
  format.background = background_rgb(picture.options_for(play.run().trainer->model(), true));
  record::QueuedWriter writer(record::open_sink(out, format, overwrite), 3, format.transparent);
  gpu::Context ctx;
  render::Renderer renderer(ctx);
  FramePipeline pipeline = into_writer(ctx, renderer, format.width, format.height, writer);
  Progress progress(uint64_t(total), !quiet);
  const auto t0 = std::chrono::steady_clock::now();
  const long long made = record_frames(total, progress, pipeline, writer, [&](long long f) {
    if (f > 0 && !play.advance()) return false;
    const nn::Snapshot snap = play.run().trainer->snapshot(play.run().trainer->epoch(), 0);
    render::RenderOptions options = picture.options_for(play.run().trainer->model(), true);
    render::Scene scene = play.scene(snap, double(f) / fps, options);  // the step's highlights go into options
    const std::vector<render::Panel> panels{{std::move(scene), options, {0, 0, float(format.width), float(format.height)}}};
    pipeline.submit(panels);
    return true;
  });
  if (core::interrupted())
    throw core::UserError(core::ExitCode::interrupted, "interrupted after " + std::to_string(made) + " of " + std::to_string(total) +
                                                           " frames; " + out + " holds them");
  std::cerr << "nnlive: lesson " << lesson.name << " (" << lesson.steps.size() << " steps), " << made << " frames ("
            << format.width << "x" << format.height << " at " << fps << " fps), written to " << out << " in "
            << clock_text(since(t0)) << " on " << ctx.device_name() << "\n";
  return 0;
}

}  // namespace

std::function<int()> add_record_command(CLI::App& app) {
  auto* sub = app.add_subcommand("record", "Record a training run as video (mp4, mov, mkv, webm, gif) or PNG frames, frame-exact");
  struct State {
    ExperimentFlags flags;
    RenderFlags picture;
    std::string size = "1920x1080", out, schedule = "1", codec;
    double fps = 60.0, seconds = 0.0;
    long long frames = 0;
    int crf = 18;
    bool transparent = false, quiet = false, overwrite = false;
    std::string lesson;
    double caption_seconds = -1.0, speed = -1.0;
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  s->picture.add_to(*sub);
  const char* g = "Video";
  sub->add_option("--out", s->out, "FILE.mp4, .mov, .mkv, .webm, .gif, or DIR/ for frame_00000.png, ...")->required()->group(g);
  sub->add_option("--size", s->size, "frame WIDTHxHEIGHT, 320x240 to 7680x4320")->capture_default_str()->group(g);
  sub->add_option("--fps", s->fps, "frames per second (1..240)")->capture_default_str()->group(g);
  auto* secs = sub->add_option("--seconds", s->seconds, "length in seconds (default 10)")->group(g);
  auto* frames = sub->add_option("--frames", s->frames, "length in frames")->group(g);
  secs->excludes(frames);
  sub->add_option("--epochs-per-frame", s->schedule,
                  "training epochs per frame: K (may be fractional, such as 0.25), or a schedule K@SECONDS,... "
                  "such as 0.5@0,20@8 (changing geometrically in between)")
      ->capture_default_str()
      ->group(g);
  sub->add_option("--codec", s->codec, "h264 (default for .mp4/.mov/.mkv), h265, vp9 (.webm), prores (ProRes 4444, .mov)")->group(g);
  sub->add_option("--crf", s->crf, "quality for h264/h265 (0..51) and vp9 (0..63); lower is better")->capture_default_str()->group(g);
  sub->add_flag("--transparent", s->transparent, "transparent background: ProRes 4444 (.mov), VP9 (.webm) or PNG frames")->group(g);
  sub->add_flag("--quiet", s->quiet, "no progress bar")->group(g);
  sub->add_flag("--overwrite", s->overwrite, "replace the frame_*.png files an earlier recording left in the --out folder")->group(g);
  sub->add_flag("--present", s->picture.present, "text as presentation mode draws it (20 pt at 1080p, for projectors)")->group(g);
  const char* gl = "Lesson";
  sub->add_option("--lesson", s->lesson, "record a whole lesson with its captions (NAME or FILE.toml); its length is the lesson's")
      ->group(gl);
  sub->add_option("--caption-seconds", s->caption_seconds, "how long a step that waits for the viewer lasts (default: reading time)")
      ->check(CLI::Range(0.0, 600.0))
      ->group(gl);
  sub->add_option("--speed", s->speed, "epochs per second in every step (default: each step's pace)")
      ->check(CLI::Range(0.001, 100000.0))
      ->group(gl);
  return [s, sub, secs, frames]() {
    if (!sub->parsed()) return -1;
    const auto configs = s->flags.resolve_all(s->picture.compare, s->picture.compare_set);
    const core::ExperimentConfig& config = configs[0];
    const auto [w, h] = parse_frame_size(s->size);
    if (!(s->fps >= 1.0 && s->fps <= 240.0)) throw core::UserError(core::ExitCode::usage, "--fps must be 1 to 240");
    long long total = 0;
    std::optional<core::Lesson> lesson;
    const LessonTiming timing{s->caption_seconds, s->speed};
    if (!s->lesson.empty()) {
      if (frames->count() || secs->count() || !s->picture.compare.empty() || !s->picture.compare_set.empty())
        throw core::UserError(core::ExitCode::usage, "--lesson sets the length and the experiments; drop --frames, --seconds and --compare");
      lesson = core::load_lesson(s->lesson);
      validate_lesson(*lesson);
      // A dry run counts the frames before any output is opened.
      HeadlessLesson dry(*lesson, timing, s->fps);
      total = 1;
      while (dry.advance()) {
        core::throw_if_interrupted("while timing the lesson; nothing was written");
        if (++total > 10'000'000) throw core::UserError(core::ExitCode::usage, "the lesson runs over 10 million frames at this pace");
      }
    } else if (frames->count()) {
      if (s->frames < 1 || s->frames > 10'000'000) throw core::UserError(core::ExitCode::usage, "--frames must be 1 to 10000000");
      total = s->frames;
    } else {
      const double seconds = secs->count() ? s->seconds : 10.0;
      if (!(seconds > 0.0) || seconds * s->fps > 1e7)
        throw core::UserError(core::ExitCode::usage, "--seconds must be more than 0 (and at most 10 million frames)");
      total = std::max(1LL, std::llround(seconds * s->fps));
    }
    record::VideoFormat format;
    format.width = w;
    format.height = h;
    format.fps = s->fps;
    format.crf = s->crf;
    format.transparent = s->transparent;
    if (!s->codec.empty()) {
      format.codec = record::parse_codec(s->codec);
      if (!format.codec) throw core::UserError(core::ExitCode::usage, "unknown codec '" + s->codec + "'; choose h264, h265, vp9 or prores");
    }
    const int max_crf = format.codec == record::Codec::vp9 ? 63 : 51;
    if (s->crf < 0 || s->crf > max_crf)
      throw core::UserError(core::ExitCode::usage, "--crf must be 0 to " + std::to_string(max_crf));
    const record::EpochSchedule schedule = record::EpochSchedule::parse(s->schedule);

    s->picture.transparent = s->transparent;
    if (lesson) return record_lesson(*lesson, timing, total, s->picture, s->out, format, s->fps, s->quiet, s->overwrite);
    Experiments experiments(configs, s->picture, w, h, s->size);
    std::vector<record::StepClock> clocks;
    for (size_t i = 0; i < experiments.size(); ++i)
      clocks.emplace_back(schedule, s->fps, experiments.run(i).trainer->steps_per_epoch());
    format.background = background_rgb(experiments.options(0));

    // Everything that can fail on bad input has been checked: open the output, then the GPU.
    record::QueuedWriter writer(record::open_sink(s->out, format, s->overwrite), 3, s->transparent);
    gpu::Context ctx;
    render::Renderer renderer(ctx);
    FramePipeline pipeline = into_writer(ctx, renderer, w, h, writer);
    Progress progress(uint64_t(total), !s->quiet);
    const auto t0 = std::chrono::steady_clock::now();
    const long long made = record_frames(total, progress, pipeline, writer, [&](long long f) {
      // Frame 0 shows the untrained network; each later frame first trains its scheduled steps.
      for (size_t i = 0; i < experiments.size() && f > 0; ++i) {
        nn::Trainer& trainer = *experiments.run(i).trainer;
        for (long long n = clocks[i].steps_for_frame(f); n > 0 && !trainer.finished() && !core::interrupted(); --n) trainer.step();
      }
      pipeline.submit(experiments.panels(double(f) / s->fps));
      return true;
    });
    const double wall = since(t0);
    const nn::Trainer& trainer = *experiments.run(0).trainer;
    if (core::interrupted())
      throw core::UserError(core::ExitCode::interrupted, "interrupted after " + std::to_string(made) + " of " +
                                                             std::to_string(total) + " frames; " + s->out + " holds them");
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.2f", double(made) / std::max(wall, 1e-9));
    std::cerr << "nnlive: " << made << " frames (" << w << "x" << h << " at " << s->fps << " fps) of " << config.name
              << ", epoch 0 to " << trainer.epoch() << ", written to " << s->out << " in " << clock_text(wall) << " ("
              << rate << " frames/s on " << ctx.device_name() << ")\n";
    return 0;
  };
}

namespace {

// A frame's pass times (Renderer::last_pass_times) as JSON, 3 decimals; null where unmeasured.
nlohmann::json pass_json(const render::Renderer::PassTimes& p) {
  auto v = [](double ms) { return ms < 0.0 ? nlohmann::json(nullptr) : nlohmann::json(std::round(ms * 1000.0) / 1000.0); };
  return {{"field_gpu", v(p.field_ms)}, {"field_host", v(p.field_host_ms)}, {"field_view", v(p.field_view_ms)}, {"field_view_host", v(p.view_host_ms)},
          {"shapes", v(p.shapes_ms)},  {"shapes_host", v(p.shapes_host_ms)}, {"copy_out", v(p.copy_ms)}};
}

}  // namespace

std::function<int()> add_bench_record_command(CLI::App& bench) {
  auto* sub = bench.add_subcommand("record", "Recording frames/s at 1080p and 4K: render only, encode only (h264), and both");
  struct State {
    ExperimentFlags flags;
    int frames = 8;
    int rounds = 4;
    std::vector<std::string> sizes{"1920x1080", "3840x2160"};
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  sub->add_option("--frames", s->frames, "frames per measurement (1..1000)")->capture_default_str();
  sub->add_option("--size", s->sizes, "frame sizes to measure (repeatable)")->capture_default_str();
  sub->add_option("--rounds", s->rounds, "rounds of the encode-only and export runs, one after the other, encode-only first in even rounds and export first in odd ones (medians reported; 1..20)")
      ->capture_default_str();
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    if (s->frames < 1 || s->frames > 1000) throw core::UserError(core::ExitCode::usage, "--frames must be 1 to 1000");
    if (s->rounds < 1 || s->rounds > 20) throw core::UserError(core::ExitCode::usage, "--rounds must be 1 to 20");
    core::ExperimentConfig config = s->flags.resolve();
    core::Run run = core::build_run(config);
    const int epochs = std::min(run.config.training.max_epochs, 300);
    while (run.trainer->epoch() < epochs && !run.trainer->finished()) run.trainer->run_epoch();
    // One snapshot per frame, a training step apart, as in a recording: every frame evaluates
    // its field afresh (a still would let the renderer reuse it).
    std::vector<nn::Snapshot> snaps;
    for (int f = 0; f <= s->frames; ++f) {
      snaps.push_back(run.trainer->snapshot(run.trainer->epoch(), 0));
      if (run.trainer->finished()) run.trainer->extend(run.trainer->epoch() + 1);
      run.trainer->step();
    }
    const nn::Snapshot& snap = snaps.front();

    gpu::Context ctx;
    render::Renderer renderer(ctx);
    nlohmann::json results = nlohmann::json::array();
    namespace fs = std::filesystem;
    const fs::path scratch = fs::temp_directory_path() / ("nnlive-bench-" + std::to_string(getpid()) + ".mp4");
    for (const auto& size : s->sizes) {
      const auto [w, h] = parse_frame_size(size);
      std::vector<render::Panel> panels{{render::make_scene(run, snap, 0.0), {}, {0, 0, float(w), float(h)}}};
      auto frame_panels = [&](int f) {
        panels[0].scene.snapshot = &snaps[size_t(f) % snaps.size()];
        panels[0].scene.time_s = double(f) / 60.0;
        return std::span<const render::Panel>(panels);
      };
      record::VideoFormat format;
      format.width = w;
      format.height = h;
      format.background = background_rgb({});
      // Warm-up: pipelines, buffers and page faults of the first frame.
      {
        FramePipeline warm(ctx, renderer, w, h, [](std::vector<uint8_t>) {});
        warm.submit(frame_panels(s->frames));  // a snapshot the timed frames do not use
        warm.flush();
      }
      // Render only: frames in flight, pixels read back and kept for the encode-only runs.
      std::vector<std::vector<uint8_t>> rendered;
      auto t0 = std::chrono::steady_clock::now();
      {
        FramePipeline pipe(ctx, renderer, w, h, [&](std::vector<uint8_t> rgba) { rendered.push_back(std::move(rgba)); });
        for (int f = 0; f < s->frames; ++f) pipe.submit(frame_panels(f));
        pipe.flush();
      }
      const double render_s = since(t0);
      const render::Renderer::PassTimes passes = renderer.last_pass_times();  // the last frame's
      // A run's wall time, and CPU time of this process and of the encoder.
      struct Cost {
        double wall = 0.0, self_cpu = 0.0, encoder_cpu = 0.0;
      };
      auto measure = [&](auto&& body) {
        const auto start = std::chrono::steady_clock::now();
        const double self0 = cpu_seconds(), children0 = cpu_seconds(RUSAGE_CHILDREN);
        body();
        return Cost{since(start), cpu_seconds() - self0, cpu_seconds(RUSAGE_CHILDREN) - children0};
      };
      // Encode only: those frames, in turn, through the writer thread and ffmpeg.
      auto encode = [&](int n) {
        return measure([&] {
          record::QueuedWriter writer(record::open_sink(scratch.string(), format), 3, false);
          for (int f = 0; f < n; ++f) writer.push(rendered[size_t(f) % rendered.size()]);
          writer.finish();
        });
      };
      // Both, as `record` runs them.
      auto both = [&](int n) {
        return measure([&] {
          record::QueuedWriter writer(record::open_sink(scratch.string(), format), 3, false);
          FramePipeline pipe = into_writer(ctx, renderer, w, h, writer);
          for (int f = 0; f < n; ++f) pipe.submit(frame_panels(f));
          pipe.flush();
          writer.finish();
        });
      };
      // Render only, again (the frames dropped): the first run above also faulted in its memory.
      auto render_again = [&] {
        return measure([&] {
          std::vector<uint8_t> kept;  // one buffer, read into again and again
          FramePipeline pipe(ctx, renderer, w, h, [&](std::vector<uint8_t> rgba) { kept = std::move(rgba); },
                             [&] { return std::move(kept); });
          for (int f = 0; f < s->frames; ++f) pipe.submit(frame_panels(f));
          pipe.flush();
        });
      };
      // Encode and both also with three times the frames: the difference is the steady rate,
      // ffmpeg's start-up and flush counted apart (they cost the same either way). In rounds,
      // each measuring every way one after the other, so that a busy spell of a shared machine
      // falls on both sides of a ratio; the medians are reported. Encode-only goes first in
      // even rounds and export in odd ones: a machine that runs slower under sustained load
      // (this one's host slows x264 by a quarter after a few seconds flat out, and speeds it up
      // again after a pause) otherwise always measures encode-only the fresher.
      struct Round {
        Cost render, encode, encode3, both, both3;
      };
      std::vector<Round> rounds;
      for (int r = 0; r < s->rounds; ++r) {
        Round x;
        x.render = render_again();
        if (r % 2 == 0) {
          x.encode = encode(s->frames), x.encode3 = encode(3 * s->frames);
          x.both = both(s->frames), x.both3 = both(3 * s->frames);
        } else {
          x.both = both(s->frames), x.both3 = both(3 * s->frames);
          x.encode = encode(s->frames), x.encode3 = encode(3 * s->frames);
        }
        rounds.push_back(x);
      }
      std::error_code ec;
      fs::remove(scratch, ec);
      auto fps = [&](double secs) { return std::round(double(s->frames) / std::max(secs, 1e-6) * 1000.0) / 1000.0; };
      auto round3 = [](double v) { return std::round(v * 1000.0) / 1000.0; };
      // Per round: steady frames/s (NaN when the longer run was not measurably longer: too few
      // frames to tell), and steady CPU milliseconds per frame.
      auto steady_fps = [&](const Cost& longer, const Cost& shorter) {
        return longer.wall - shorter.wall > 0.05 ? 2.0 * s->frames / (longer.wall - shorter.wall) : NAN;
      };
      auto steady_ms = [&](double longer, double shorter) { return 1000.0 * (longer - shorter) / (2.0 * s->frames); };
      std::vector<double> encode_fps, both_fps, ratios, encoder_ms, export_ms, render_ms;
      for (const Round& r : rounds) {
        render_ms.push_back(1000.0 * r.render.self_cpu / s->frames);
        encode_fps.push_back(steady_fps(r.encode3, r.encode));
        both_fps.push_back(steady_fps(r.both3, r.both));
        ratios.push_back(both_fps.back() / encode_fps.back());
        encoder_ms.push_back(steady_ms(r.encode3.encoder_cpu, r.encode.encoder_cpu));
        export_ms.push_back(steady_ms(r.both3.self_cpu + r.both3.encoder_cpu, r.both.self_cpu + r.both.encoder_cpu));
      }
      auto json_of = [&](double v) { return std::isfinite(v) ? nlohmann::json(round3(v)) : nlohmann::json(nullptr); };
      auto json_list = [&](const std::vector<double>& v) {
        nlohmann::json a = nlohmann::json::array();
        for (double x : v) a.push_back(json_of(x));
        return a;
      };
      const Round& first = rounds.front();
      const nlohmann::json encode_steady = json_of(median(encode_fps)), both_steady = json_of(median(both_fps));
      const double render_cpu_ms = median(render_ms), encoder_cpu_ms = median(encoder_ms);
      results.push_back({{"size", std::to_string(w) + "x" + std::to_string(h)},
                         {"render_fps", fps(render_s)},
                         {"render_cpu_ms_per_frame", round3(render_cpu_ms)},
                         {"encode_fps", fps(first.encode.wall)},
                         {"both_fps", fps(first.both.wall)},
                         {"encode_fps_steady", encode_steady},
                         {"both_fps_steady", both_steady},
                         {"encode_startup_flush_s", round3(first.encode.wall - 0.5 * (first.encode3.wall - first.encode.wall))},
                         {"export_vs_encode", json_of(median(ratios))},
                         {"export_vs_encode_rounds", json_list(ratios)},
                         {"encoder_cpu_ms_per_frame", json_of(encoder_cpu_ms)},
                         {"export_cpu_ms_per_frame", json_of(median(export_ms))},
                         // On a machine whose cores both sides keep busy, export runs at this share of
                         // the encoder's own rate: its CPU per frame over render's and its own.
                         {"cpu_bound_export_vs_encode", json_of(encoder_cpu_ms / (encoder_cpu_ms + render_cpu_ms))},
                         {"passes_ms", pass_json(passes)}});
      std::cerr << "nnlive: " << w << "x" << h << ": render " << fps(render_s) << " frames/s (" << round3(render_cpu_ms)
                << " ms CPU a frame), encode (h264) " << fps(first.encode.wall) << " frames/s, both " << fps(first.both.wall)
                << " frames/s; steady (start-up and flush apart, median of " << s->rounds << "): encode " << encode_steady.dump()
                << " (" << json_of(encoder_cpu_ms).dump() << " ms CPU a frame), both " << both_steady.dump()
                << " frames/s, export/encode " << json_of(median(ratios)).dump() << "\n";
    }
    const nlohmann::json out{{"bench", "record"},     {"experiment", config.name}, {"epoch", snap.epoch},
                             {"frames", s->frames},   {"codec", "h264"},            {"device", ctx.device_name()},
                             {"results", results}};
    std::cout << out.dump() << std::endl;
    return 0;
  };
}

}  // namespace nnlive::app
