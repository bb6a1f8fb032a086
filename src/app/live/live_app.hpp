// SPDX-License-Identifier: MIT
// The live window: GLFW + Vulkan swapchain showing the composite while the network trains on
// its own thread, with a Dear ImGui control panel, mouse and keyboard.
#pragma once
#include <array>
#include <optional>
#include <string>
#include <vector>

#include "lesson_player.hpp"
#include "nnlive/core/experiment.hpp"
#include "nnlive/core/lesson.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::app {

// `nnlive exhibit`: the attract loop's lessons and how the window waits for visitors.
struct ExhibitOptions {
  std::vector<core::Lesson> playlist;   // at least one
  double idle_s = 90.0;                 // without a touch, click or key: back to the attract loop
  std::string operator_pin;             // empty: the operator chord only
};

struct LiveOptions {
  core::ExperimentConfig config;
  render::RenderOptions picture;
  bool fullscreen = false;
  int monitor = 0;
  bool present = false;                 // presentation mode: no controls, large header
  std::string present_mode = "fifo";    // fifo (vsync), mailbox, immediate
  std::string save_path = "nnlive-experiment.toml";
  uint32_t width = 1280, height = 720;
  double quit_after_s = 0.0;            // > 0: close by itself (tests, demos)
  bool paused = false;                  // open with training paused
  double step_back_mib = 256.0;         // memory the step-back checkpoints may hold together
  bool xi_touch = true;                 // XInput 2.2 touches on the window (where the X server has them)
  int tuio_port = 3333;                 // TUIO touches (UDP); -1: off
  bool tuio_required = false;           // --tuio given: a port that cannot be opened is an error
  std::array<double, 4> tuio_map{0.0, 0.0, 1.0, 1.0};  // TUIO x, y at the window's top left, then bottom right
  double hang_exit_s = -1.0;            // exit with code 9 when the frame loop stalls this long;
                                        // < 0: 3/4 of systemd's WatchdogSec when set, else never; 0: never
  double speed = -1.0;                  // epochs per second (0 = full speed); < 0: the experiment's pace
  std::optional<core::Lesson> lesson;   // play this lesson (`nnlive lesson`); config is its first experiment
  LessonTiming lesson_timing;
  std::optional<ExhibitOptions> exhibit;  // kiosk mode (`nnlive exhibit`)
  // Side by side (`run --compare`): these experiments beside `config`, each trained on its own
  // thread from the same data and seed; on one epoch clock unless compare_free.
  std::vector<core::ExperimentConfig> compare;
  bool compare_free = false;
  bool lesson_auto = false;             // steps waiting for the viewer move on after their caption time,
                                        // and the lesson starts over at its end (unattended use)
};

// Runs until the window closes; returns the exit code. Throws core::UserError / gpu::GpuError.
int run_live(const LiveOptions& options);

}  // namespace nnlive::app
