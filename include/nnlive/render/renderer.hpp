// SPDX-License-Identifier: MIT
// SceneTarget: the offscreen image every pass draws into, plus its readback. Renderer: draws a
// Scene into a SceneTarget: the field (field.comp, one evaluation per output pixel), hidden
// neuron thumbnails, then every 2-D element as instanced signed-distance shapes.
//
// Contract: create a Renderer once per Context; render() records, submits and waits, so a
// SceneTarget's pixels() are ready when it returns. Pipelines and most buffers are made once;
// buffers only grow when a frame needs more than any before.
#pragma once
#include <memory>
#include <vector>

#include "nnlive/gpu/buffer.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_evaluator.hpp"
#include "nnlive/gpu/image.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::render {

// The field shader's description of a network (activation and feature codes, offsets).
gpu::NetworkLayout network_layout(const std::vector<nn::LayerShape>& layers, size_t param_count, const nn::InputMap& map);

class SceneTarget {
 public:
  static constexpr uint32_t k_min_width = 320, k_min_height = 240;
  static constexpr uint32_t k_max_width = 7680, k_max_height = 4320;

  SceneTarget(const gpu::Context& ctx, uint32_t width, uint32_t height);
  uint32_t width() const { return image_.width(); }
  uint32_t height() const { return image_.height(); }
  const gpu::Image& image() const { return image_; }
  const gpu::Buffer& readback() const { return readback_; }
  // RGBA8 pixels (height, width, 4), row 0 at the top, of the last render.
  std::vector<uint8_t> pixels() const;

 private:
  gpu::Image image_;
  gpu::Buffer readback_;
};

class Renderer {
 public:
  explicit Renderer(const gpu::Context& ctx);
  ~Renderer();
  void render(const Scene& scene, const RenderOptions& options, SceneTarget& target);

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnlive::render
