// SPDX-License-Identifier: MIT
// LiveRecorder: recording from the live window. Frames are rendered offscreen at the chosen size
// in lock-step with training, as `nnlive record` does: frame n shows animation time n/fps after
// exactly its scheduled steps. The trainer runs in lock-step meanwhile (it takes each frame's
// steps when asked), so the window goes on showing the same run, at the recording's pace.
//
// Contract: call update() once per UI frame; it never waits for the GPU (a frame is submitted
// only when a target is free) and returns at once when the next frame's steps are not done yet.
// finish() writes out what is in flight and completes the file; the destructor aborts (removes
// the partial file) if finish() was not called. Errors are core::UserError.
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "../frame_pipeline.hpp"
#include "live_trainer.hpp"
#include "nnlive/record/schedule.hpp"
#include "nnlive/record/writer.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app::live {

struct RecordRequest {
  uint32_t width = 1920, height = 1080;
  double fps = 60.0;
  double epochs_per_frame = 1.0;
  std::string path;  // .mp4, .gif, .webm, ... or DIR/ for PNG frames
};

class LiveRecorder {
 public:
  // Opens the output (checks the folder and ffmpeg) and puts the trainer in lock-step.
  LiveRecorder(const gpu::Context& ctx, LiveTrainer& trainer, const RecordRequest& request, int steps_per_epoch,
               const render::RenderOptions& picture);
  ~LiveRecorder();
  void update(const LiveState& state, const std::vector<nn::Metrics>& history, render::RenderOptions picture, bool playing);
  // Renders what is in flight, completes the file, and lets the trainer run free again.
  void finish();
  uint64_t frames() const { return pipeline_.consumed(); }
  uint64_t submitted() const { return uint64_t(frame_); }  // frames rendered or being rendered
  // Stop asked before the first frame was rendered (a busy machine, V pressed twice at once):
  // the window finishes the file once it has one (LiveApp), rather than write a video of none.
  void stop_after_first_frame() { stop_asked_ = true; }
  bool stop_asked() const { return stop_asked_; }
  const RecordRequest& request() const { return request_; }

 private:
  LiveTrainer& trainer_;
  RecordRequest request_;
  render::Renderer renderer_;
  record::QueuedWriter writer_;
  FramePipeline pipeline_;
  record::StepClock clock_;
  long long frame_ = 0;    // the next frame to render
  uint64_t ticket_ = 0;    // the advance() whose state frame_ shows (0: none asked yet)
  bool done_ = false;
  bool stop_asked_ = false;
};

}  // namespace nnlive::app::live
