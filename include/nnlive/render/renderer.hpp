// SPDX-License-Identifier: MIT
// SceneTarget: the offscreen image every pass draws into, plus its readback. Renderer: draws
// panels (a Scene each, in its own sub-rectangle) into a SceneTarget: the field (field.comp, one
// evaluation per output pixel), hidden-neuron thumbnails, then every 2-D element as instanced
// signed-distance shapes.
//
// Contract: create a Renderer once per Context. submit() records and submits a frame and returns
// at once; up to k_frames_in_flight frames run on the GPU while the caller prepares the next.
// wait(frame) returns when that frame is done, after which its target's pixels() are ready. A
// target must not be drawn again before its last frame is waited for when its pixels are read
// (use one target per frame in flight). render() is submit() then wait(). Pipelines and buffers
// are made once per slot; buffers only grow when a frame needs more than any before.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "nnlive/gpu/buffer.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_evaluator.hpp"
#include "nnlive/gpu/image.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/scene.hpp"
#include "nnlive/render/shape_batch.hpp"

namespace nnlive::render {

// The field shader's description of a network (activation and feature codes, offsets).
gpu::NetworkLayout network_layout(const std::vector<nn::LayerShape>& layers, size_t param_count, const nn::InputMap& map);

class SceneTarget {
 public:
  static constexpr uint32_t k_min_width = 320, k_min_height = 240;
  static constexpr uint32_t k_max_width = 7680, k_max_height = 4320;

  // On a CPU device the image is host-readable (read where it is, no readback buffer).
  SceneTarget(const gpu::Context& ctx, uint32_t width, uint32_t height);
  uint32_t width() const { return image_.width(); }
  uint32_t height() const { return image_.height(); }
  const gpu::Image& image() const { return image_; }
  // The buffer a frame's pixels are copied to for the host; none for a host-readable image.
  const gpu::Buffer* readback() const { return readback_ ? &*readback_ : nullptr; }
  // The layout a drawn frame leaves the image in: eTransferSrcOptimal, or eGeneral for a
  // host-readable image (the layout in which the host may read it).
  vk::ImageLayout finished_layout() const {
    return readback_ ? vk::ImageLayout::eTransferSrcOptimal : vk::ImageLayout::eGeneral;
  }
  // RGBA8 pixels (height, width, 4), row 0 at the top, of the last render.
  std::vector<uint8_t> pixels() const;
  // The same into `out` (its memory reused: no fresh pages to fault in for each frame).
  void pixels_into(std::vector<uint8_t>& out) const;
  // Unique to this target in the process (an image handle may be reused by the next one).
  uint64_t serial() const { return serial_; }

 private:
  static inline std::atomic<uint64_t> next_serial_{1};
  uint64_t serial_;
  gpu::Image image_;
  std::optional<gpu::Buffer> readback_;
};

// One experiment's composite in a sub-rectangle of the frame. The scene's pointers must stay
// valid until submit() returns (everything is copied into GPU buffers by then).
struct Panel {
  Scene scene;
  RenderOptions options;
  Rect rect;  // target pixels; whole numbers, at least 320x240 (the composite's design minimum)
  // A field evaluated elsewhere (the live window's progressive field), drawn instead of one
  // evaluated for this frame: the values answer field_request, whose grid may be coarser than
  // the field's rectangle (then interpolated) and whose neuron fields say what they show. The
  // panel holds the values: whoever produced them may reuse its other arrays meanwhile.
  std::shared_ptr<const gpu::FieldResult> field;
  gpu::FieldRequest field_request;
  uint64_t field_version = 0;  // a new number whenever *field holds other values
};

// The panels' rectangles for n experiments side by side in a width x height frame: one row when
// the panels stay wider than tall enough, otherwise a grid; a 1-pixel gap between neighbours.
std::vector<Rect> tile(uint32_t n, uint32_t width, uint32_t height);
// n runs and a comparison chart after them, which takes the rest of the last row.
std::vector<Rect> tile_with_chart(uint32_t n, uint32_t width, uint32_t height);

// Extra work and synchronization for a frame shown in a window.
struct FrameHooks {
  // Recorded after the scene, with the target in its finished_layout() and its writes visible
  // to copies (e.g. a blit to a swapchain image, then UI drawn over it).
  std::function<void(const vk::raii::CommandBuffer&)> after;
  std::vector<vk::Semaphore> wait;                    // e.g. swapchain image acquired
  std::vector<vk::PipelineStageFlags> wait_stages;   // one per wait semaphore
  std::vector<vk::Semaphore> signal;                  // e.g. ready to present
  bool readback = true;                               // the host reads the frame (pixels_into)
};

class Renderer {
 public:
  static constexpr uint32_t k_frames_in_flight = 2;

  explicit Renderer(const gpu::Context& ctx);
  ~Renderer();
  // One scene filling the target; waits for the frame.
  void render(const Scene& scene, const RenderOptions& options, SceneTarget& target);
  // Several panels; waits for the frame.
  void render(std::span<const Panel> panels, SceneTarget& target);
  // Records and submits a frame, first waiting for the frame that last used this slot; returns
  // the frame's number for wait().
  uint64_t submit(std::span<const Panel> panels, SceneTarget& target, const FrameHooks& hooks = {});
  void wait(uint64_t frame);
  bool finished(uint64_t frame) const;  // the GPU is done with it (never blocks)
  // Frames submitted without drawing: everything that decides their pixels (compositions,
  // fields, target) equalled the frame before, so the target kept that frame's pixels.
  uint64_t frames_reused() const;
  // How long the passes of the last drawn frame that has finished took, in milliseconds: the
  // field on the GPU (field.comp) and on the host (the CPU engine, or uploading a field made
  // elsewhere), the field views (with the thumbnails, and on a CPU device the copies of what
  // the host drew) and their colouring on the host (a CPU device), the shapes (every 2-D element
  // and text; on the host: their instances, and the underlay regions a CPU device's host draws)
  // and the copy-out (readback, and the caller's after-hook such as a blit). GPU times are timestamps, -1 on a device without them; the host
  // times are the wall clock of submit().
  struct PassTimes {
    uint64_t frame = 0;  // 0: none measured yet
    double field_ms = -1.0, field_host_ms = 0.0, field_view_ms = -1.0, view_host_ms = 0.0, shapes_ms = -1.0, copy_ms = -1.0;
    double shapes_host_ms = 0.0;
  };
  PassTimes last_pass_times() const;
  // On a CPU device (lavapipe) the field views whose values the host has, at one per pixel, are
  // coloured on the host and drawn as colours (on by default there; GPUs always shade them).
  // Off, the shader colours them as on a GPU: for tests and measurements.
  void set_host_colours(bool on);
  // On a CPU device an opaque panel's underlay (the diagram's edges and pulses) is drawn on the
  // host and copied (on by default there; GPUs always draw it). Off, the device draws it: for
  // tests and measurements.
  void set_host_shapes(bool on);
  void wait_all();
  // Where each panel of the last submitted frame put its field (the rectangle in target pixels
  // and the data view it shows) and its diagram's nodes, in target pixels: for turning pointer
  // positions into data coordinates, neurons and edges.
  struct Placement {
    Rect rect;
    nn::View view{};
    NetworkNodes network;
  };
  const std::vector<Placement>& last_placements() const;

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnlive::render
