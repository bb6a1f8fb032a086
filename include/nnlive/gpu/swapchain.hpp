// SPDX-License-Identifier: MIT
// Swapchain: the images a window shows, for a surface the app created (gpu/ knows no window
// system). Prefers an 8-bit UNORM format (the scene target's colours are already display
// values), FIFO (vsync) unless another present mode is asked for and supported.
//
// Contract: recreate() after a resize or when acquire()/present() report the swapchain out of
// date; the caller waits for its frames first. One "ready to present" semaphore per image.
#pragma once
#include <optional>
#include <vector>

#include "nnlive/gpu/context.hpp"

namespace nnlive::gpu {

class Swapchain {
 public:
  Swapchain(const Context& ctx, vk::raii::SurfaceKHR surface, vk::PresentModeKHR preferred);
  // Builds (or rebuilds) the swapchain for a framebuffer of width x height pixels; returns false
  // when the window has no area (minimized), in which case nothing may be drawn.
  bool recreate(uint32_t width, uint32_t height);

  // The next image's index, or nullopt if the swapchain must be recreated first.
  std::optional<uint32_t> acquire(vk::Semaphore signal);
  // Presents; false if the swapchain must be recreated.
  bool present(uint32_t image);

  vk::Format format() const { return format_; }
  vk::Extent2D extent() const { return extent_; }
  uint32_t image_count() const { return uint32_t(images_.size()); }
  vk::Image image(uint32_t i) const { return images_[i]; }
  vk::ImageView view(uint32_t i) const { return *views_[i]; }
  vk::Semaphore ready(uint32_t i) const { return *ready_[i]; }
  vk::PresentModeKHR present_mode() const { return mode_; }
  bool valid() const { return static_cast<bool>(*swapchain_); }

 private:
  const Context& ctx_;
  vk::raii::SurfaceKHR surface_;
  vk::PresentModeKHR preferred_;
  vk::raii::SwapchainKHR swapchain_{nullptr};
  vk::Format format_ = vk::Format::eB8G8R8A8Unorm;
  vk::Extent2D extent_{};
  vk::PresentModeKHR mode_ = vk::PresentModeKHR::eFifo;
  std::vector<vk::Image> images_;
  std::vector<vk::raii::ImageView> views_;
  std::vector<vk::raii::Semaphore> ready_;
  uint32_t acquired_index_scratch = 0;
};

}  // namespace nnlive::gpu
