// SPDX-License-Identifier: MIT
// `nnlive lesson NAME|FILE`: a lesson in the live window (captions, → / ← or a clicker to move
// on, --auto for unattended use); `nnlive lessons`: the built-in ones.
#include <iostream>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "lesson_player.hpp"
#include "live/live_app.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/lesson.hpp"
#include "render_flags.hpp"

namespace nnlive::app {

std::function<int()> add_lesson_command(CLI::App& app) {
  auto* sub = app.add_subcommand("lesson", "Play a lesson in the live window: captions, steps, highlights (see `nnlive lessons`)");
  struct State {
    std::string lesson;
    RenderFlags picture;
    LiveOptions live;
    TouchFlags touch;
    std::string size = "1280x720";
  };
  auto s = std::make_shared<State>();
  sub->add_option("lesson", s->lesson, "a built-in lesson's name or a lesson FILE.toml")->required();
  const char* gl = "Lesson";
  sub->add_flag("--auto", s->live.lesson_auto, "unattended: steps that wait for the viewer move on after their caption time, "
                                               "and the lesson starts over at its end")
      ->group(gl);
  sub->add_option("--caption-seconds", s->live.lesson_timing.caption_seconds,
                  "with --auto: how long a step that waits for the viewer lasts (default: reading time)")
      ->check(CLI::Range(0.0, 600.0))
      ->group(gl);
  sub->add_option("--speed", s->live.lesson_timing.speed, "epochs per second in every step, 0 for full speed (default: each step's pace)")
      ->check(CLI::Range(0.0, 100000.0))
      ->group(gl);
  add_window_flags(*sub, s->live, s->size);
  add_touch_flags(*sub, s->touch);
  sub->add_option("--palette", s->picture.palette, "blue-orange (colour-blind safe) or blue-magenta")->capture_default_str()->group("Window");
  return [s, sub]() {
    if (!sub->parsed()) return -1;
    core::Lesson lesson = core::load_lesson(s->lesson);
    validate_lesson(lesson);  // every step's network and highlights, before the window opens
    s->live.config = *lesson.steps.front().experiment;
    check_window_flags(s->live, s->size);
    check_touch_flags(s->live, s->touch);
    s->live.picture = s->picture.options_for(core::build_run(s->live.config).trainer->model(), true);
    s->live.lesson = std::move(lesson);
    return run_live(s->live);
  };
}

std::function<int()> add_lessons_command(CLI::App& app) {
  auto* sub = app.add_subcommand("lessons", "List the built-in lessons, one line each");
  return [sub]() {
    if (!sub->parsed()) return -1;
    for (const auto& l : core::list_lessons()) {
      const core::Lesson lesson = core::load_lesson(l.name);
      std::string pad(l.name.size() < 22 ? 22 - l.name.size() : 1, ' ');
      std::cout << l.name << pad << l.title << " (" << lesson.steps.size() << " steps)\n";
    }
    return 0;
  };
}

}  // namespace nnlive::app
