// SPDX-License-Identifier: MIT
// Plays a lesson: which step is on, what entering a step does to the run (a new experiment, a
// learning rate, a pace), when a step is over, and what a frame shows of it (caption, hint,
// highlights, zoom). The window drives it with wall-clock time and the viewer's keys; `render`
// and `record` drive it headless with frame time (HeadlessLesson), so a recording is exact.
#pragma once
#include <optional>
#include <string>

#include "nnlive/core/experiment.hpp"
#include "nnlive/core/lesson.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::app {

struct LessonTiming {
  double caption_seconds = -1.0;  // how long a step waiting for the viewer lasts when nobody is
                                  // there (--auto, recordings); < 0: the caption's reading time
  double speed = -1.0;            // epochs/s for every step; < 0: the step's or experiment's pace
  double min_step_seconds = 2.0;  // a caption stays at least this long before the step moves on
};

// Builds every step's experiment and checks its highlights against the network; throws
// UserError(bad_input) naming the lesson, step and problem. Before any window or output opens.
void validate_lesson(const core::Lesson& lesson);

class LessonPlayer {
 public:
  LessonPlayer(core::Lesson lesson, LessonTiming timing);

  const core::Lesson& lesson() const { return lesson_; }
  size_t index() const { return index_; }
  size_t size() const { return lesson_.steps.size(); }
  const core::LessonStep& step() const { return lesson_.steps[index_]; }

  // Enters step k: returns the experiment to start if the step sets one (the caller builds and
  // starts it), and keeps its own record of the experiment in force (for its pace).
  std::optional<core::ExperimentConfig> enter(size_t k);
  // Epochs per second while this step trains (0 = as fast as it goes).
  double pace() const;
  // Whether the step's training condition holds (epoch reached, loss held low), or the run has
  // stopped by itself. Steps that wait for the viewer or for time have none (always true).
  bool trained_enough(const nn::Trainer& t) const;
  bool trained_enough(int epoch, const std::vector<nn::Metrics>& history, bool finished) const;
  // Over, for a step shown `seconds` so far: its condition and the minimum time; a step waiting
  // for the viewer is over only when `unattended` (then after its caption time).
  bool over(const nn::Trainer& t, double seconds, bool unattended) const;
  bool over(int epoch, const std::vector<nn::Metrics>& history, bool finished, double seconds, bool unattended) const;
  // Checks the step's highlights against the network; throws UserError(bad_input) naming the
  // lesson, step and problem.
  void check_highlights(const nn::Mlp& model) const;
  // Caption, hint and highlights of the current step into a frame.
  void decorate(render::Scene& scene, render::RenderOptions& options, bool waiting_for_viewer) const;

 private:
  core::Lesson lesson_;
  LessonTiming timing_;
  size_t index_ = 0;
  std::optional<core::ExperimentConfig> experiment_;
  std::optional<double> pace_;                 // the latest step pace in force
  std::optional<nn::View> zoom_;               // the latest zoom in force
};

// A lesson played headless at `fps`, frame by frame: the same runs, the same pace, steps that
// wait for the viewer lasting their caption time. Frame 0 is the first step's untrained network.
// It trusts the lesson's highlights: check them with validate_lesson first.
class HeadlessLesson {
 public:
  // Starts at step `first` (from the step that set its experiment, played headless from there).
  HeadlessLesson(core::Lesson lesson, LessonTiming timing, double fps, size_t first = 0);
  // Advances one frame: starts the next step if the last frame ended one, trains the frame's
  // steps and checks whether the step is over (the frame that ends a step still shows it).
  // False, and no frame, once the last step is over.
  bool advance();
  // Advances until step k (0-based) is over (the run as it ends), or the lesson ends.
  void finish_step(size_t k);
  size_t step_index() const { return player_.index(); }
  bool ended() const { return ended_; }
  core::Run& run() { return run_; }
  const LessonPlayer& player() const { return player_; }
  // The frame's scene; `options` (the picture's) gets the step's highlights.
  render::Scene scene(const nn::Snapshot& snap, double time_s, render::RenderOptions& options) const;

 private:
  void start(size_t k);
  LessonPlayer player_;
  double fps_;
  core::Run run_;
  long long step_frames_ = 0;  // frames the current step has been shown
  double carry_ = 0.0;  // fractional training steps owed
  bool step_over_ = false;  // the current step is over; the next frame starts the next one
  bool ended_ = false;
  static constexpr double k_full_speed = 200.0;  // epochs/s for a step at "full speed" in a video
};

}  // namespace nnlive::app
