// SPDX-License-Identifier: MIT
// The live window playing a lesson: entering a step (its run, knobs and pace), moving on when it
// is over (an exhibit's attract loop goes to the next lesson of its playlist), and going back by
// replaying headless to the previous step's start.
#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include "live_app_impl.hpp"

namespace nnlive::app::live {

void LiveApp::lesson_enter(size_t k, std::optional<core::Run> replayed) {
  const auto config = lesson_->enter(k);
  const core::LessonStep& step = lesson_->step();
  if (replayed || config) {
    // Conditions are checked again once the trainer publishes the new run (a new generation).
    lesson_generation_ = trainer_->latest()->generation;
    lesson_rebuilding_ = true;
    if (replayed) {
      panel_.set_draft(replayed->config);
      trainer_->restart(std::move(*replayed));
      view_.reset();
    } else {
      panel_.set_draft(*config);
      apply(*config);
    }
  } else if (step.learning_rate) {
    trainer_->set_learning_rate(*step.learning_rate);
    panel_.draft().training.optimizer.lr = *step.learning_rate;
  }
  set_pace(lesson_->pace());
  playing_ = !step.pause;
  trainer_->set_playing(playing_);
  lesson_step_at_ = clock::now();
  if (!exhibit_)  // (an exhibit's lessons speak through their captions)
    message(lesson_->lesson().title + (replayed ? ": back to step " : ": step ") + std::to_string(k + 1) + " of " +
            std::to_string(lesson_->size()));
}

bool LiveApp::lesson_waiting() const {
  return lesson_ && lesson_->step().until == core::Until::next && !options_.lesson_auto;
}

void LiveApp::lesson_update(const LiveState& state) {
  if (lesson_rebuilding_ && state.generation == lesson_generation_) return;  // the step's run is not up yet
  lesson_rebuilding_ = false;
  const double seconds = std::chrono::duration<double>(clock::now() - lesson_step_at_).count();
  if (!lesson_->over(state.snapshot.epoch, history_, state.finished, seconds, options_.lesson_auto)) return;
  if (lesson_->index() + 1 < lesson_->size()) lesson_enter(lesson_->index() + 1);
  else if (options_.lesson_auto && exhibit_) exhibit_->next_lesson(), exhibit_play(true);  // the playlist moves on
  else if (options_.lesson_auto) lesson_enter(0);  // unattended: the lesson starts over
}

void LiveApp::lesson_next() {
  if (lesson_->index() + 1 < lesson_->size()) lesson_enter(lesson_->index() + 1);
  else message("the end of the lesson: \xE2\x86\x90 goes back");
}

void LiveApp::lesson_previous() {
  if (lesson_->index() == 0) {
    lesson_enter(0);  // the first step again, from its start
    return;
  }
  const size_t k = lesson_->index() - 1;
  // The run as it was when step k began: played headless from the step that set its experiment.
  HeadlessLesson replay(lesson_->lesson(), options_.lesson_timing, 30.0, k);
  while (!replay.ended() && replay.step_index() < k) replay.advance();
  if (replay.step_index() == k) lesson_enter(k, std::move(replay.run()));
}

bool LiveApp::lesson_key(int key) {
  if (key == GLFW_KEY_RIGHT || key == GLFW_KEY_PAGE_DOWN || key == GLFW_KEY_SPACE) return lesson_next(), true;
  if (key == GLFW_KEY_LEFT || key == GLFW_KEY_PAGE_UP) return lesson_previous(), true;
  return false;
}

}  // namespace nnlive::app::live
