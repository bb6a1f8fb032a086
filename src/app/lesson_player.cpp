// SPDX-License-Identifier: MIT
// The lesson player: steps, conditions, highlights; and its headless, frame-exact driver.
#include "lesson_player.hpp"

#include "nnlive/core/interrupt.hpp"

#include <algorithm>
#include <cmath>

#include "nnlive/core/error.hpp"

namespace nnlive::app {

LessonPlayer::LessonPlayer(core::Lesson lesson, LessonTiming timing) : lesson_(std::move(lesson)), timing_(timing) {
  // A caption time given explicitly (tests, fast previews) also shortens the minimum per step.
  if (timing_.caption_seconds >= 0.0) timing_.min_step_seconds = std::min(timing_.min_step_seconds, timing_.caption_seconds);
}

std::optional<core::ExperimentConfig> LessonPlayer::enter(size_t k) {
  index_ = std::min(k, size() - 1);
  // The experiment, pace and zoom in force at step k: the latest ones set at or before it.
  experiment_.reset(), pace_.reset(), zoom_.reset();
  for (size_t i = 0; i <= index_; ++i) {
    const core::LessonStep& s = lesson_.steps[i];
    if (s.experiment) experiment_ = *s.experiment, pace_.reset(), zoom_.reset();
    if (s.learning_rate && experiment_) experiment_->training.optimizer.lr = *s.learning_rate;
    if (s.pace) pace_ = *s.pace;
    if (s.zoom) zoom_ = *s.zoom;
  }
  return step().experiment ? experiment_ : std::nullopt;
}

double LessonPlayer::pace() const {
  if (timing_.speed >= 0.0) return timing_.speed;
  return pace_ ? *pace_ : experiment_->pace;
}

bool LessonPlayer::trained_enough(const nn::Trainer& t) const {
  return trained_enough(t.epoch(), t.history(), t.finished());
}

bool LessonPlayer::trained_enough(int epoch, const std::vector<nn::Metrics>& h, bool finished) const {
  const core::LessonStep& s = step();
  if (finished) return true;  // paused by its stop rule, capped or diverged: nothing more comes
  switch (s.until) {
    case core::Until::epoch:
      return epoch >= s.epoch;
    case core::Until::loss: {
      if (int(h.size()) < s.for_epochs + 1) return false;
      for (size_t i = h.size() - size_t(s.for_epochs); i < h.size(); ++i)
        if (!(h[i].train_loss < s.loss)) return false;
      return true;
    }
    default:
      return true;
  }
}

bool LessonPlayer::over(const nn::Trainer& t, double seconds, bool unattended) const {
  return over(t.epoch(), t.history(), t.finished(), seconds, unattended);
}

bool LessonPlayer::over(int epoch, const std::vector<nn::Metrics>& history, bool finished, double seconds, bool unattended) const {
  const core::LessonStep& s = step();
  if (seconds < timing_.min_step_seconds) return false;
  switch (s.until) {
    case core::Until::next: {
      const double wait = timing_.caption_seconds >= 0.0 ? timing_.caption_seconds : core::reading_seconds(s.caption);
      return unattended && seconds >= wait;
    }
    case core::Until::seconds:
      return seconds >= s.seconds;
    default:
      return trained_enough(epoch, history, finished);
  }
}

void LessonPlayer::check_highlights(const nn::Mlp& model) const {
  const core::LessonStep& s = step();
  const auto& layers = model.layers();
  const int hidden = int(layers.size()) - 1;
  auto bad = [&](const std::string& what) {
    throw core::UserError(core::ExitCode::bad_input, "lesson " + lesson_.name + ", step " + std::to_string(index_ + 1) +
                                                         " (line " + std::to_string(s.line) + "): " + what);
  };
  if (s.neuron_layer >= 0 && (s.neuron_layer >= hidden || s.neuron >= layers[size_t(s.neuron_layer)].out))
    bad("highlight_neuron " + std::to_string(s.neuron_layer + 1) + ":" + std::to_string(s.neuron + 1) +
        " is not a hidden neuron of the network (" + std::to_string(hidden) + " hidden layers)");
  if (s.edge_layer >= 0 && (s.edge_layer >= int(layers.size()) || s.edge_from >= layers[size_t(s.edge_layer)].in ||
                            s.edge_to >= layers[size_t(s.edge_layer)].out))
    bad("highlight_edge " + std::to_string(s.edge_layer + 1) + ":" + std::to_string(s.edge_from + 1) + ":" +
        std::to_string(s.edge_to + 1) + " is not an edge of the network");
}

void LessonPlayer::decorate(render::Scene& scene, render::RenderOptions& options, bool waiting_for_viewer) const {
  const core::LessonStep& s = step();
  scene.caption = s.caption;
  if (waiting_for_viewer) scene.caption_hint = index_ + 1 < size() ? "next \xE2\x86\x92" : "the end";
  else if (s.invite_click) scene.caption_hint = "click to add points";
  scene.highlight_region = s.region;
  scene.highlight_curve = s.curve;
  if (zoom_) scene.view = *zoom_;
  if (s.neuron_layer >= 0) options.neuron_layer = s.neuron_layer, options.neuron = s.neuron;
  if (s.edge_layer >= 0) options.edge_layer = s.edge_layer, options.edge_from = s.edge_from, options.edge_to = s.edge_to;
}

HeadlessLesson::HeadlessLesson(core::Lesson lesson, LessonTiming timing, double fps, size_t first)
    : player_(std::move(lesson), timing), fps_(fps) {
  // Start at the step that set the experiment in force at `first`.
  size_t k = std::min(first, player_.size() - 1);
  while (k > 0 && !player_.lesson().steps[k].experiment) --k;
  start(k);
}

void validate_lesson(const core::Lesson& lesson) {
  LessonPlayer p(lesson, {});
  std::optional<nn::Mlp> model;
  for (size_t k = 0; k < p.size(); ++k) {
    if (auto config = p.enter(k)) model = core::build_run(*config).trainer->model();
    p.check_highlights(*model);
  }
}

void HeadlessLesson::start(size_t k) {
  step_over_ = false;
  step_frames_ = 0;
  if (auto config = player_.enter(k)) run_ = core::build_run(*config);
  else if (player_.step().learning_rate) run_.trainer->set_learning_rate(*player_.step().learning_rate);
  carry_ = 0.0;
}

bool HeadlessLesson::advance() {
  if (ended_) return false;
  if (step_over_) {
    if (player_.index() + 1 >= player_.size()) {
      ended_ = true;
      return false;
    }
    start(player_.index() + 1);
  }
  nn::Trainer& t = *run_.trainer;
  if (!player_.step().pause) {
    // The frame's share of the pace; a step that trains to a condition stops at it exactly.
    const double pace = player_.pace() > 0.0 ? player_.pace() : k_full_speed;
    carry_ += pace * t.steps_per_epoch() / fps_;
    const bool to_condition = player_.step().until == core::Until::epoch || player_.step().until == core::Until::loss;
    for (; carry_ >= 1.0 && !core::interrupted(); carry_ -= 1.0) {
      if (to_condition && player_.trained_enough(t)) break;
      if (t.finished()) {
        if (!run_.config.training.endless || t.diverged()) break;
        t.extend(t.epoch() + 1);  // an endless experiment trains on past its cap
      }
      t.step();
    }
    carry_ = std::min(carry_, 1.0);
  }
  ++step_frames_;  // counted in frames, so "1 s at 10 fps" is exactly 10 frames
  step_over_ = player_.over(t, double(step_frames_) / fps_ + 1e-9, true);
  return true;
}

void HeadlessLesson::finish_step(size_t k) {
  while (!ended_ && !(player_.index() == k && step_over_) && player_.index() <= k)
    if (!advance()) break;
}

render::Scene HeadlessLesson::scene(const nn::Snapshot& snap, double time_s, render::RenderOptions& options) const {
  render::Scene sc = render::make_scene(run_, snap, time_s);
  player_.decorate(sc, options, false);
  return sc;
}

}  // namespace nnlive::app
