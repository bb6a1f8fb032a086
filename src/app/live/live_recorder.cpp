// SPDX-License-Identifier: MIT
#include "live_recorder.hpp"

#include <algorithm>
#include <cmath>

#include "nnlive/record/sink.hpp"

namespace nnlive::app::live {
namespace {

record::VideoFormat format_for(const RecordRequest& r, const render::RenderOptions& picture) {
  record::VideoFormat f;
  f.width = r.width;
  f.height = r.height;
  f.fps = r.fps;
  f.background = background_rgb(picture);
  return f;
}

}  // namespace

LiveRecorder::LiveRecorder(const gpu::Context& ctx, LiveTrainer& trainer, const RecordRequest& request, int steps_per_epoch,
                           const render::RenderOptions& picture)
    : trainer_(trainer),
      request_(request),
      renderer_(ctx),
      writer_(record::open_sink(request.path, format_for(request, picture)), 3, false),
      pipeline_(ctx, renderer_, request.width, request.height, [this](std::vector<uint8_t> rgba) { writer_.push(std::move(rgba)); }),
      clock_(record::EpochSchedule::constant(request.epochs_per_frame), request.fps, std::max(steps_per_epoch, 1)) {
  trainer_.set_lockstep(true);
  ticket_ = trainer_.advance(0);  // frame 0: the run as it is now
}

LiveRecorder::~LiveRecorder() {
  if (!done_) {
    renderer_.wait_all();
    writer_.abort();
    trainer_.set_lockstep(false);
  }
}

void LiveRecorder::update(const LiveState& state, const std::vector<nn::Metrics>& history, render::RenderOptions picture,
                          bool playing) {
  if (done_ || state.ticket < ticket_ || !pipeline_.ready()) return;
  const render::Scene scene = scene_of(state, history, state.view, double(frame_) / request_.fps);
  picture.field_resolution = 1.0f;  // a recording is always one evaluation per pixel
  picture.transparent = false;
  const std::vector<render::Panel> panels{{scene, picture, {0, 0, float(request_.width), float(request_.height)}}};
  pipeline_.submit(panels);
  ++frame_;
  // The next frame's steps (none while the user has paused: the picture still animates).
  const long long steps = clock_.steps_for_frame(frame_);
  ticket_ = trainer_.advance(playing ? steps : 0);
}

void LiveRecorder::finish() {
  if (done_) return;
  done_ = true;
  trainer_.set_lockstep(false);
  try {
    pipeline_.flush();
    writer_.finish();
  } catch (...) {
    writer_.abort();
    throw;
  }
}

}  // namespace nnlive::app::live
