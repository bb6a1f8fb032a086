// SPDX-License-Identifier: MIT
// What a frame's panels stand on: the network layout the field engines read (nn's codes passed
// through, checked here), the offscreen target, and the panels' rectangles side by side.
#include <cmath>
#include <cstring>

#include "frame_slots.hpp"
#include "nnlive/gpu/field_shared.h"
#include "nnlive/render/renderer.hpp"

namespace nnlive::render {

// The field engine's codes are nn's (the layout passes nn's numbers through unchanged).
static_assert(uint32_t(nn::Activation::linear) == FIELD_ACT_LINEAR && uint32_t(nn::Activation::sigmoid) == FIELD_ACT_SIGMOID &&
              uint32_t(nn::Activation::tanh) == FIELD_ACT_TANH && uint32_t(nn::Activation::relu) == FIELD_ACT_RELU &&
              uint32_t(nn::Activation::leaky_relu) == FIELD_ACT_LEAKY_RELU && uint32_t(nn::Activation::gelu) == FIELD_ACT_GELU &&
              uint32_t(nn::Activation::sin) == FIELD_ACT_SIN && uint32_t(nn::Activation::softmax) == FIELD_ACT_SOFTMAX);
static_assert(uint32_t(nn::Feature::x) == FIELD_FEATURE_X && uint32_t(nn::Feature::y) == FIELD_FEATURE_Y &&
              uint32_t(nn::Feature::x2) == FIELD_FEATURE_X2 && uint32_t(nn::Feature::y2) == FIELD_FEATURE_Y2 &&
              uint32_t(nn::Feature::xy) == FIELD_FEATURE_XY && uint32_t(nn::Feature::sin_x) == FIELD_FEATURE_SIN_X &&
              uint32_t(nn::Feature::sin_y) == FIELD_FEATURE_SIN_Y && nn::k_feature_count == 7);
static_assert(nn::k_leaky_slope == 0.01f, "field.comp and the CPU field engine use slope 0.01");

gpu::NetworkLayout network_layout(const std::vector<nn::LayerShape>& layers, size_t param_count, const nn::InputMap& map) {
  gpu::NetworkLayout n;
  for (const auto& l : layers)
    n.layers.push_back({uint32_t(l.in), uint32_t(l.out), uint32_t(l.activation), uint32_t(l.w_offset), uint32_t(l.b_offset)});
  for (auto f : map.features) n.features.push_back(uint32_t(f));
  n.feature_offset = map.offset;
  n.feature_scale = map.scale;
  n.param_count = param_count;
  return n;
}

namespace {
constexpr vk::ImageUsageFlags k_target_usage =
    vk::ImageUsageFlagBits::eColorAttachment | vk::ImageUsageFlagBits::eTransferSrc | vk::ImageUsageFlagBits::eTransferDst;
}

SceneTarget::SceneTarget(const gpu::Context& ctx, uint32_t width, uint32_t height)
    : serial_(next_serial_++),
      image_(ctx, width, height, k_target_format, k_target_usage, "scene target", 1,
             ctx.is_software() && gpu::host_readable_supported(ctx, k_target_format, k_target_usage, width, height)
                 ? gpu::ImageMemory::host_readable
                 : gpu::ImageMemory::device) {
  if (width < k_min_width || height < k_min_height || width > k_max_width || height > k_max_height)
    throw gpu::GpuError("the picture must be 320x240 to 7680x4320 pixels");
  if (!image_.mapped())
    readback_.emplace(ctx, vk::DeviceSize(width) * height * 4, vk::BufferUsageFlagBits::eTransferDst, gpu::MemoryUse::readback,
                      "scene readback");
}

std::vector<uint8_t> SceneTarget::pixels() const {
  std::vector<uint8_t> out;
  pixels_into(out);
  return out;
}

void SceneTarget::pixels_into(std::vector<uint8_t>& out) const {
  const size_t row = size_t(width()) * 4;
  if (readback_) {
    const auto* p = static_cast<const uint8_t*>(readback_->mapped());
    out.assign(p, p + row * height());
    return;
  }
  out.resize(row * height());
  const uint8_t* p = image_.mapped();
  if (image_.row_pitch() == row) std::memcpy(out.data(), p, row * height());
  else
    for (uint32_t y = 0; y < height(); ++y) std::memcpy(out.data() + row * y, p + image_.row_pitch() * y, row);
}

std::vector<Rect> tile(uint32_t n, uint32_t width, uint32_t height) {
  std::vector<Rect> rects;
  if (n == 0) return rects;
  // The grid whose cells come closest to the 16:9 the composite is designed for.
  uint32_t best_cols = 1;
  double best = 1e9;
  for (uint32_t cols = 1; cols <= n; ++cols) {
    const uint32_t rows = (n + cols - 1) / cols;
    const double aspect = (double(width) / cols) / (double(height) / rows);
    const double score = std::abs(std::log(aspect / (16.0 / 9.0)));
    if (score < best - 1e-9) best = score, best_cols = cols;
  }
  const uint32_t cols = best_cols, rows = (n + cols - 1) / cols;
  for (uint32_t i = 0; i < n; ++i) {
    const uint32_t c = i % cols, r = i / cols;
    const float x0 = std::round(float(width) * c / cols), x1 = std::round(float(width) * (c + 1) / cols);
    const float y0 = std::round(float(height) * r / rows), y1 = std::round(float(height) * (r + 1) / rows);
    rects.push_back({x0 + (c > 0 ? 1.0f : 0.0f), y0 + (r > 0 ? 1.0f : 0.0f), x1, y1});
  }
  return rects;
}

std::vector<Rect> tile_with_chart(uint32_t n, uint32_t width, uint32_t height) {
  std::vector<Rect> rects = tile(n + 1, width, height);
  rects.back().x1 = float(width);  // the chart takes the rest of the last row
  return rects;
}

}  // namespace nnlive::render
