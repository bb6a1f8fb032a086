// SPDX-License-Identifier: MIT
// FramePipeline: renders frames with Renderer::k_frames_in_flight in flight, each into its own
// target, and hands their pixels to a consumer in frame order once the GPU is done with them.
// While frame n draws, the caller trains and composes frame n+1.
#pragma once
#include <array>
#include <functional>
#include <memory>
#include <span>
#include <vector>

#include "nnlive/render/renderer.hpp"

namespace nnlive::app {

// The picture's background as 0xRRGGBB (what record::VideoFormat pads odd sizes with).
uint32_t background_rgb(const render::RenderOptions& options);

class FramePipeline {
 public:
  using Consumer = std::function<void(std::vector<uint8_t> rgba)>;
  // `buffers`, if given, supplies a buffer to read each frame's pixels into (its memory reused,
  // such as QueuedWriter::spare(); an empty one is fine).
  using Buffers = std::function<std::vector<uint8_t>()>;
  FramePipeline(const gpu::Context& ctx, render::Renderer& renderer, uint32_t width, uint32_t height, Consumer consume,
                Buffers buffers = {});
  ~FramePipeline();
  // Submits a frame; first waits for the frame that used the same target and consumes it.
  void submit(std::span<const render::Panel> panels);
  // True when submit() would not wait for the GPU (the next target is free or finished).
  bool ready() const;
  // Waits for and consumes every frame still in flight.
  void flush();
  uint64_t consumed() const { return consumed_; }

 private:
  void drain(size_t slot);

  render::Renderer& renderer_;
  std::vector<std::unique_ptr<render::SceneTarget>> targets_;
  std::vector<uint64_t> in_flight_;  // frame number per target, 0 = none
  Consumer consume_;
  Buffers buffers_;
  uint64_t submitted_ = 0, consumed_ = 0;
};

}  // namespace nnlive::app
