// SPDX-License-Identifier: MIT
// Frames in flight for recording and benchmarks.
#include "frame_pipeline.hpp"

#include <algorithm>
#include <cmath>

#include "nnlive/render/palette.hpp"

namespace nnlive::app {

uint32_t background_rgb(const render::RenderOptions& o) {
  const render::Rgba bg = render::colours_for(o.palette).background;
  auto byte = [](float v) { return uint32_t(std::lround(std::clamp(v, 0.0f, 1.0f) * 255.0f)); };
  return byte(bg[0]) << 16 | byte(bg[1]) << 8 | byte(bg[2]);
}

FramePipeline::FramePipeline(const gpu::Context& ctx, render::Renderer& renderer, uint32_t width, uint32_t height,
                             Consumer consume, Buffers buffers)
    : renderer_(renderer), in_flight_(render::Renderer::k_frames_in_flight, 0), consume_(std::move(consume)), buffers_(std::move(buffers)) {
  for (uint32_t i = 0; i < render::Renderer::k_frames_in_flight; ++i)
    targets_.push_back(std::make_unique<render::SceneTarget>(ctx, width, height));
}

FramePipeline::~FramePipeline() {
  // The GPU may still write into the targets' readback buffers.
  for (uint64_t f : in_flight_)
    if (f) renderer_.wait(f);
}

void FramePipeline::drain(size_t slot) {
  if (!in_flight_[slot]) return;
  renderer_.wait(in_flight_[slot]);
  in_flight_[slot] = 0;
  ++consumed_;
  std::vector<uint8_t> rgba = buffers_ ? buffers_() : std::vector<uint8_t>{};
  targets_[slot]->pixels_into(rgba);
  consume_(std::move(rgba));
}

void FramePipeline::submit(std::span<const render::Panel> panels) {
  const size_t slot = submitted_ % targets_.size();
  drain(slot);
  in_flight_[slot] = renderer_.submit(panels, *targets_[slot]);
  ++submitted_;
}

bool FramePipeline::ready() const {
  const uint64_t f = in_flight_[submitted_ % targets_.size()];
  return f == 0 || renderer_.finished(f);
}

void FramePipeline::flush() {
  // Oldest first: the slot after the newest frame holds the oldest.
  for (size_t i = 0; i < targets_.size(); ++i) drain((submitted_ + i) % targets_.size());
}

}  // namespace nnlive::app
