// SPDX-License-Identifier: MIT
#include "window_layer.hpp"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>

#include <algorithm>
#include <array>
#include <fstream>

#include "live_app.hpp"
#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
namespace {

InputEvents* events_of(GLFWwindow* w) { return static_cast<InputEvents*>(glfwGetWindowUserPointer(w)); }

vk::PresentModeKHR parse_present_mode(const std::string& s) {
  if (s == "fifo" || s == "vsync") return vk::PresentModeKHR::eFifo;
  if (s == "mailbox") return vk::PresentModeKHR::eMailbox;
  if (s == "immediate") return vk::PresentModeKHR::eImmediate;
  if (s == "fifo-relaxed") return vk::PresentModeKHR::eFifoRelaxed;
  throw core::UserError(core::ExitCode::usage, "unknown present mode '" + s + "'; choose fifo, fifo-relaxed, mailbox or immediate");
}

}  // namespace

WindowLayer::Glfw::Glfw() {
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit())
    throw core::UserError(core::ExitCode::gpu,
                          "cannot open a window: no display (set DISPLAY); `nnlive render` and `nnlive record` need none");
}

// Also destroys any window still open (a constructor that threw after opening one).
WindowLayer::Glfw::~Glfw() { glfwTerminate(); }

WindowLayer::WindowLayer(const LiveOptions& options, InputEvents& events) {
  const vk::PresentModeKHR present_mode = parse_present_mode(options.present_mode);  // before anything needs freeing
  if (!glfwVulkanSupported()) throw core::UserError(core::ExitCode::gpu, "the Vulkan loader cannot show pictures in a window here");
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHintString(GLFW_X11_CLASS_NAME, "nnlive");
  glfwWindowHintString(GLFW_X11_INSTANCE_NAME, "nnlive");
  GLFWmonitor* monitor = nullptr;
  if (options.fullscreen) {
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    if (count == 0) throw core::UserError(core::ExitCode::gpu, "--fullscreen: no monitor found");
    if (options.monitor < 0 || options.monitor >= count)
      throw core::UserError(core::ExitCode::usage, "--monitor must be 0 to " + std::to_string(count - 1));
    monitor = monitors[options.monitor];
  }
  uint32_t w = options.width, h = options.height;
  if (monitor) {
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    w = uint32_t(mode->width), h = uint32_t(mode->height);
  }
  window_ = glfwCreateWindow(int(w), int(h), "nnlive", monitor, nullptr);
  if (!window_) throw core::UserError(core::ExitCode::gpu, "cannot open a window");
  glfwSetWindowSizeLimits(window_, 480, 320, GLFW_DONT_CARE, GLFW_DONT_CARE);
  glfwSetWindowUserPointer(window_, &events);
  // Ours first; ImGui's backend chains to them.
  // A button event happens where the pointer last moved to, in event order: glfwGetCursorPos
  // asks the X server where the pointer is now, which for several clicks within one poll is
  // the last one's place for all of them.
  glfwSetCursorPosCallback(window_, [](GLFWwindow* win, double x, double y) { events_of(win)->pointer = {x, y}; });
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* win, int b, int a, int m) {
    InputEvents* ev = events_of(win);
    if (!ev->pointer) {
      double x, y;
      glfwGetCursorPos(win, &x, &y);
      ev->pointer = {x, y};
    }
    ev->buttons.push_back({b, a, m, (*ev->pointer)[0], (*ev->pointer)[1], glfwGetTime()});
  });
  glfwSetKeyCallback(window_, [](GLFWwindow* win, int key, int, int action, int mods) {
    if (action != GLFW_RELEASE) events_of(win)->keys.emplace_back(key, mods);
  });
  glfwSetScrollCallback(window_, [](GLFWwindow* win, double, double dy) { events_of(win)->scroll += dy; });
  glfwSetFramebufferSizeCallback(window_, [](GLFWwindow* win, int, int) { events_of(win)->resized = true; });

  gpu::ContextOptions co;
  uint32_t n = 0;
  const char** exts = glfwGetRequiredInstanceExtensions(&n);
  for (uint32_t i = 0; i < n; ++i) co.instance_extensions.emplace_back(exts[i]);
  co.can_present = [](VkInstance inst, VkPhysicalDevice dev, uint32_t family) {
    return glfwGetPhysicalDevicePresentationSupport(inst, dev, family) == GLFW_TRUE;
  };
  ctx_ = std::make_unique<gpu::Context>(co);
  VkSurfaceKHR raw_surface = VK_NULL_HANDLE;
  if (glfwCreateWindowSurface(*ctx_->instance(), window_, nullptr, &raw_surface) != VK_SUCCESS)
    throw gpu::GpuError("cannot create a Vulkan surface for the window");
  vk::raii::SurfaceKHR surface(ctx_->instance(), raw_surface);  // owned from here on, whatever fails next
  swapchain_ = std::make_unique<gpu::Swapchain>(*ctx_, std::move(surface), present_mode);
}

WindowLayer::~WindowLayer() {
  if (imgui_vulkan_) ImGui_ImplVulkan_Shutdown();
  if (imgui_glfw_) ImGui_ImplGlfw_Shutdown();
  if (imgui_context_) ImGui::DestroyContext();
  framebuffers_.clear();
  ui_pass_ = nullptr;
  ui_pool_ = nullptr;
  swapchain_.reset();  // (with the surface, before the window it shows)
  ctx_.reset();
  glfwDestroyWindow(window_);
}

bool WindowLayer::rebuild() {
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  framebuffers_.clear();
  if (!swapchain_->recreate(uint32_t(std::max(w, 0)), uint32_t(std::max(h, 0)))) return false;
  const auto e = swapchain_->extent();
  if (!*ui_pass_) {
    // The UI is drawn over the blitted scene, then the image is presented.
    vk::AttachmentDescription a{{}, swapchain_->format(), vk::SampleCountFlagBits::e1, vk::AttachmentLoadOp::eLoad,
                                vk::AttachmentStoreOp::eStore, vk::AttachmentLoadOp::eDontCare, vk::AttachmentStoreOp::eDontCare,
                                vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::ePresentSrcKHR};
    vk::AttachmentReference ref{0, vk::ImageLayout::eColorAttachmentOptimal};
    vk::SubpassDescription sub{{}, vk::PipelineBindPoint::eGraphics, {}, ref};
    vk::SubpassDependency dep{VK_SUBPASS_EXTERNAL, 0,
                              vk::PipelineStageFlagBits::eTransfer, vk::PipelineStageFlagBits::eColorAttachmentOutput,
                              vk::AccessFlagBits::eTransferWrite,
                              vk::AccessFlagBits::eColorAttachmentRead | vk::AccessFlagBits::eColorAttachmentWrite};
    ui_pass_ = vk::raii::RenderPass(ctx_->device(), vk::RenderPassCreateInfo{{}, a, sub, dep});
  }
  for (uint32_t i = 0; i < swapchain_->image_count(); ++i) {
    const vk::ImageView v = swapchain_->view(i);
    framebuffers_.emplace_back(ctx_->device(), vk::FramebufferCreateInfo{{}, *ui_pass_, v, e.width, e.height, 1});
  }
  if (imgui_vulkan_) ImGui_ImplVulkan_SetMinImageCount(2);
  return true;
}

float WindowLayer::init_ui(float& content_scale) {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  imgui_context_ = true;
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini beside the user's files
  float xs = 1.0f, ys = 1.0f;
  glfwGetWindowContentScale(window_, &xs, &ys);
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  content_scale = std::max(1.0f, xs);
  const float ui_scale = std::max(1.0f, std::max(xs, float(h) / 900.0f));
  ImGui::StyleColorsLight();
  ImGui::GetStyle().ScaleAllSizes(ui_scale);
  ImGui::GetStyle().WindowRounding = 0.0f;
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // Latin, Greek (δ, Σ, η), arrows, mathematical operators, the recording dot, ✓ and ✗.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0x2713, 0x2717, 0};
  if (std::ifstream(font).good()) io.Fonts->AddFontFromFileTTF(font, 15.0f * ui_scale, nullptr, ranges);
  ImGui_ImplGlfw_InitForVulkan(window_, true);
  imgui_glfw_ = true;
  const std::array<vk::DescriptorPoolSize, 1> sizes{{{vk::DescriptorType::eCombinedImageSampler, 16}}};
  ui_pool_ = vk::raii::DescriptorPool(ctx_->device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, 16, sizes});
  ImGui_ImplVulkan_InitInfo info{};
  info.Instance = *ctx_->instance();
  info.PhysicalDevice = *ctx_->physical_device();
  info.Device = *ctx_->device();
  info.QueueFamily = ctx_->queue_family();
  info.Queue = *ctx_->queue();
  info.DescriptorPool = *ui_pool_;
  info.MinImageCount = 2;
  info.ImageCount = swapchain_->image_count();
  info.MSAASamples = VK_SAMPLE_COUNT_1_BIT;
  ImGui_ImplVulkan_Init(&info, *ui_pass_);
  imgui_vulkan_ = true;
  ctx_->submit_and_wait([](const vk::raii::CommandBuffer& cb) { ImGui_ImplVulkan_CreateFontsTexture(*cb); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  return ui_scale;
}

}  // namespace nnlive::app::live
