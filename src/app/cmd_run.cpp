// SPDX-License-Identifier: MIT
// `nnlive run` (and `nnlive` alone): the live window.
#include "commands.hpp"

#include <cmath>
#include <cstdlib>
#include <sstream>

#include "experiment_flags.hpp"
#include "live/live_app.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "render_flags.hpp"

namespace nnlive::app {

void add_unattended_flags(CLI::App& sub, LiveOptions& live) {
  const char* g = "Window";
  sub.add_option("--quit-after", live.quit_after_s, "close by itself after this many seconds (demos, tests)")->group(g);
  sub.add_option("--step-back-memory", live.step_back_mib,
                 "MiB that step back's checkpoints may hold together; the oldest go first (1 to 65536)")
      ->capture_default_str()
      ->group(g);
  sub.add_option("--hang-exit", live.hang_exit_s,
                 "exit with code 9 when the frame loop stalls this many seconds, for a service to restart it "
                 "(default: 3/4 of systemd's WatchdogSec when set, else never; 0: never)")
      ->group(g);
}

void add_touch_flags(CLI::App& sub, TouchFlags& touch) {
  const char* g = "Touch";
  sub.add_option("--tuio", touch.tuio, "UDP port for TUIO 1.1 touches from a touch table (/tuio/2Dcur), or off (default 3333)")
      ->group(g);
  sub.add_option("--tuio-map", touch.map,
                 "X0,Y0,X1,Y1: the TUIO coordinates at the window's top-left and bottom-right corners "
                 "(default 0,0,1,1; swap to mirror)")
      ->group(g);
  sub.add_option("--xi-touch", touch.xi,
                 "on|off: touches on the window itself as XInput 2.2 touch events (a touch screen), each finger "
                 "followed on its own (default on where the X server offers them)")
      ->group(g);
}

void check_touch_flags(LiveOptions& live, const TouchFlags& touch) {
  if (!touch.xi.empty()) {
    if (touch.xi != "on" && touch.xi != "off")
      throw core::UserError(core::ExitCode::usage, "--xi-touch must be on or off, not '" + touch.xi + "'");
    live.xi_touch = touch.xi == "on";
  }
  if (!touch.tuio.empty()) {
    live.tuio_required = true;
    if (touch.tuio == "off") {
      live.tuio_port = -1;
    } else {
      char* end = nullptr;
      const long p = std::strtol(touch.tuio.c_str(), &end, 10);
      if (end == touch.tuio.c_str() || *end || p < 1 || p > 65535)
        throw core::UserError(core::ExitCode::usage, "--tuio must be a UDP port (1 to 65535) or off, not '" + touch.tuio + "'");
      live.tuio_port = int(p);
    }
  }
  if (!touch.map.empty()) {
    std::array<double, 4> m{};
    char c1 = 0, c2 = 0, c3 = 0;
    std::istringstream in(touch.map);
    if (!(in >> m[0] >> c1 >> m[1] >> c2 >> m[2] >> c3 >> m[3]) || c1 != ',' || c2 != ',' || c3 != ',' || !(in >> std::ws).eof())
      throw core::UserError(core::ExitCode::usage, "--tuio-map must be four numbers X0,Y0,X1,Y1");
    for (double v : m)
      if (!(std::abs(v) <= 10.0)) throw core::UserError(core::ExitCode::usage, "--tuio-map values must be within -10..10");
    if (std::abs(m[2] - m[0]) < 0.01 || std::abs(m[3] - m[1]) < 0.01)
      throw core::UserError(core::ExitCode::usage, "--tuio-map must span at least 0.01 on each axis");
    live.tuio_map = m;
  }
}

void check_unattended_flags(const LiveOptions& live) {
  if (!(live.quit_after_s >= 0.0)) throw core::UserError(core::ExitCode::usage, "--quit-after must be 0 or more seconds");
  if (!(live.step_back_mib >= 1.0 && live.step_back_mib <= 65536.0))
    throw core::UserError(core::ExitCode::usage, "--step-back-memory must be 1 to 65536 MiB");
  if (std::isnan(live.hang_exit_s) || live.hang_exit_s > 86400.0 || (live.hang_exit_s < 1.0 && live.hang_exit_s != 0.0 && live.hang_exit_s != -1.0))
    throw core::UserError(core::ExitCode::usage, "--hang-exit must be 0 (never) or 1 to 86400 seconds");
}

void add_window_flags(CLI::App& sub, LiveOptions& live, std::string& size) {
  const char* g = "Window";
  sub.add_option("--size", size, "window WIDTHxHEIGHT")->capture_default_str()->group(g);
  sub.add_flag("--fullscreen", live.fullscreen, "full screen (F11 toggles)")->group(g);
  sub.add_option("--monitor", live.monitor, "monitor for --fullscreen, from 0")->group(g);
  sub.add_flag("--present", live.present, "presentation mode: no controls, large text (H toggles)")->group(g);
  add_unattended_flags(sub, live);
}

void check_window_flags(LiveOptions& live, const std::string& size) {
  const auto [w, h] = parse_size(size, "--size", 7680);
  live.width = w, live.height = h;
  check_unattended_flags(live);
}

std::function<int()> add_run_command(CLI::App& app) {
  auto* sub = app.add_subcommand("run", "Open the live window: the network trains while you watch (also `nnlive` alone)");
  struct State {
    ExperimentFlags flags;
    RenderFlags picture;
    LiveOptions live;
    TouchFlags touch;
    std::string size = "1280x720";
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  s->picture.add_to(*sub);
  add_window_flags(*sub, s->live, s->size);
  add_touch_flags(*sub, s->touch);
  const char* g = "Window";
  sub->add_option("--present-mode", s->live.present_mode, "fifo (vsync), fifo-relaxed, mailbox or immediate")
      ->check(CLI::IsMember({"fifo", "vsync", "fifo-relaxed", "mailbox", "immediate"}))
      ->capture_default_str()
      ->group(g);
  sub->add_option("--save-path", s->live.save_path, "where Ctrl+S saves and Ctrl+O loads the experiment (TOML)")
      ->capture_default_str()
      ->group(g);
  sub->add_flag("--compare-free", s->live.compare_free,
                "side by side, each run at its own speed (default: one epoch clock, the fastest waits)")
      ->group("Picture");
  sub->add_flag("--paused", s->live.paused, "open with training paused (Space starts it)")->group(g);
  sub->add_option("--speed", s->live.speed, "training pace in epochs per second, 0 for full speed (default: the preset's pace)")
      ->check(CLI::Range(0.0, 100000.0))
      ->group(g);
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    auto configs = s->flags.resolve_all(s->picture.compare, s->picture.compare_set);
    // Every experiment builds (a CSV may be unreadable) before the window opens.
    const core::Run main_run = core::build_run(configs[0]);
    for (size_t i = 1; i < configs.size(); ++i) core::build_run(configs[i]);
    s->live.config = configs[0];
    s->live.compare.assign(configs.begin() + 1, configs.end());
    if (s->live.compare_free && s->live.compare.empty())
      throw core::UserError(core::ExitCode::usage, "--compare-free needs experiments side by side (--compare or --compare-set)");
    check_window_flags(s->live, s->size);
    check_touch_flags(s->live, s->touch);
    s->live.picture = s->picture.options_for(main_run.trainer->model(), true);
    return run_live(s->live);
  };
}

int run_default() {
  LiveOptions o;
  o.config = core::load_experiment(std::nullopt, std::nullopt);
  return run_live(o);
}

}  // namespace nnlive::app
