// SPDX-License-Identifier: MIT
// `nnlive exhibit`: the window as a kiosk for a museum or a touch table. Full screen on one
// monitor, no way out for visitors, an attract loop of lessons that a touch interrupts, visitor
// controls with big targets, back to the attract loop when left alone, an operator menu behind a
// held key chord or a PIN.
#include <sstream>

#include "commands.hpp"
#include "lesson_player.hpp"
#include "live/live_app.hpp"
#include "nnlive/common/text_file.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/lesson.hpp"
#include "render_flags.hpp"

namespace nnlive::app {
namespace {

using core::ExitCode;
using core::UserError;

core::Lesson playlist_entry(const std::string& entry, const std::string& where) {
  try {
    core::Lesson l = core::load_lesson(entry);
    validate_lesson(l);
    return l;
  } catch (const UserError& e) {
    throw UserError(e.code == ExitCode::usage && !where.empty() ? ExitCode::bad_input : e.code,
                    where.empty() ? std::string(e.what()) : where + ": " + e.what());
  }
}

// One lesson per line: a built-in lesson's name or a lesson file (relative to the playlist's
// folder); '#' starts a comment; blank lines are skipped.
std::vector<core::Lesson> load_playlist(const std::string& path) {
  std::string text, problem;
  if (!read_text_file(path, size_t(64) << 10, text, problem))
    throw UserError(ExitCode::bad_input, "the playlist " + path + " " + problem);
  const std::string folder = path.find('/') == std::string::npos ? "" : path.substr(0, path.rfind('/') + 1);
  std::vector<core::Lesson> lessons;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (const auto hash = line.find('#'); hash != std::string::npos) line.resize(hash);
    const auto first = line.find_first_not_of(" \t\r"), last = line.find_last_not_of(" \t\r");
    if (first == std::string::npos) continue;
    std::string entry = line.substr(first, last - first + 1);
    if (entry.ends_with(".toml") && entry.front() != '/') entry = folder + entry;
    lessons.push_back(playlist_entry(entry, path + ":" + std::to_string(n)));
  }
  if (lessons.empty()) throw UserError(ExitCode::bad_input, "the playlist " + path + " names no lesson");
  return lessons;
}

}  // namespace

std::function<int()> add_exhibit_command(CLI::App& app) {
  auto* sub = app.add_subcommand("exhibit", "Kiosk mode for exhibits and touch tables: full screen, an attract loop of lessons, "
                                            "visitor controls, no way out but the operator's");
  struct State {
    std::vector<std::string> lessons;
    std::string playlist;
    LiveOptions live;
    TouchFlags touch;
    ExhibitOptions exhibit;
    std::string palette = "blue-orange";
  };
  auto s = std::make_shared<State>();
  const char* g = "Exhibit";
  auto* lessons = sub->add_option("--lessons", s->lessons, "the attract loop's lessons, comma-separated (default: every built-in lesson)")
                      ->delimiter(',')
                      ->group(g);
  sub->add_option("--playlist", s->playlist, "a file naming the attract loop's lessons, one per line")->excludes(lessons)->group(g);
  sub->add_option("--monitor", s->live.monitor, "the monitor to fill, from 0")->capture_default_str()->group(g);
  sub->add_option("--idle", s->exhibit.idle_s, "seconds without a touch, click or key before the attract loop resumes (5 to 86400)")
      ->capture_default_str()
      ->group(g);
  sub->add_option("--operator-pin", s->exhibit.operator_pin,
                  "4 to 12 digits: a 3 s press on the top-right corner opens a keypad for the operator menu "
                  "(the key chord Ctrl+Alt+O held 2 s always opens it)")
      ->group(g);
  sub->add_option("--palette", s->palette, "blue-orange (colour-blind safe) or blue-magenta")->capture_default_str()->group(g);
  add_unattended_flags(*sub, s->live);
  add_touch_flags(*sub, s->touch);
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    check_unattended_flags(s->live);
    check_touch_flags(s->live, s->touch);
    if (!(s->exhibit.idle_s >= 5.0 && s->exhibit.idle_s <= 86400.0))
      throw UserError(ExitCode::usage, "--idle must be 5 to 86400 seconds");
    const std::string& pin = s->exhibit.operator_pin;
    if (!pin.empty() && (pin.size() < 4 || pin.size() > 12 || pin.find_first_not_of("0123456789") != std::string::npos))
      throw UserError(ExitCode::usage, "--operator-pin must be 4 to 12 digits");
    if (s->live.monitor < 0) throw UserError(ExitCode::usage, "--monitor must be 0 or more");
    if (!s->playlist.empty()) {
      s->exhibit.playlist = load_playlist(s->playlist);
    } else if (!s->lessons.empty()) {
      for (const auto& name : s->lessons) s->exhibit.playlist.push_back(playlist_entry(name, ""));
    } else {
      for (const auto& l : core::list_lessons()) s->exhibit.playlist.push_back(playlist_entry(l.name, ""));
    }
    LiveOptions& live = s->live;
    live.fullscreen = true;
    live.present = true;
    live.lesson = s->exhibit.playlist.front();
    live.lesson_auto = true;
    live.config = *live.lesson->steps.front().experiment;
    RenderFlags picture;
    picture.palette = s->palette;
    live.picture = picture.options_for(core::build_run(live.config).trainer->model(), true);
    live.exhibit = std::move(s->exhibit);
    return run_live(live);
  };
}

}  // namespace nnlive::app
