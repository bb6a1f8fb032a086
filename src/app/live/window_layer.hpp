// SPDX-License-Identifier: MIT
// WindowLayer: the live window's platform layer, RAII. GLFW, the window and its input callbacks
// (into the app's InputEvents), the Vulkan context and swapchain for the window, and the ImGui
// context with its GLFW and Vulkan backends and their Vulkan objects (the UI render pass over
// the swapchain images, their framebuffers, the descriptor pool). Released in reverse order of
// creation on every way out, an exception included. `run`, `lesson` and `exhibit` all open
// their window through it.
#pragma once
#include <memory>
#include <vector>

#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/swapchain.hpp"

struct GLFWwindow;

namespace nnlive::app {
struct LiveOptions;
}

namespace nnlive::app::live {

struct InputEvents;

class WindowLayer {
 public:
  // Opens GLFW, the window (full screen on --monitor when asked) and the Vulkan context and
  // swapchain for it; the window's callbacks fill `events` (which must outlive the layer).
  // core::UserError (exit code 6 or 2) when there is no display or no way to present.
  WindowLayer(const LiveOptions& options, InputEvents& events);
  ~WindowLayer();
  WindowLayer(const WindowLayer&) = delete;
  WindowLayer& operator=(const WindowLayer&) = delete;

  GLFWwindow* window() const { return window_; }
  gpu::Context& ctx() const { return *ctx_; }
  gpu::Swapchain& swapchain() const { return *swapchain_; }

  // The swapchain at the framebuffer's size and the UI's framebuffers over its images (the
  // caller has waited for the GPU); false while the window has no area.
  bool rebuild();
  bool has_images() const { return !framebuffers_.empty(); }
  // ImGui: the context (no ini file), fonts at the window's scale, both backends. Call once,
  // after the first rebuild(). Returns the UI's scale; `content_scale` the monitor's.
  float init_ui(float& content_scale);
  vk::RenderPass ui_pass() const { return *ui_pass_; }
  vk::Framebuffer framebuffer(uint32_t image) const { return *framebuffers_.at(image); }

 private:
  struct Glfw {  // glfwInit, and glfwTerminate last of all
    Glfw();
    ~Glfw();
  } glfw_;
  GLFWwindow* window_ = nullptr;
  std::unique_ptr<gpu::Context> ctx_;
  std::unique_ptr<gpu::Swapchain> swapchain_;
  vk::raii::DescriptorPool ui_pool_{nullptr};
  vk::raii::RenderPass ui_pass_{nullptr};
  std::vector<vk::raii::Framebuffer> framebuffers_;
  bool imgui_context_ = false, imgui_glfw_ = false, imgui_vulkan_ = false;  // what of ImGui is up
};

}  // namespace nnlive::app::live
