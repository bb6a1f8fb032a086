// SPDX-License-Identifier: MIT
// The live window. Each frame: read the trainer's latest state, build the UI, render the
// composite into the scene target (Renderer, two frames in flight), blit it into the swapchain
// image and draw the UI over it in one command buffer, present. Input goes to the UI first;
// what it does not take acts on the picture (points, zoom, pan) or is a shortcut key.
#include "live_app.hpp"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <backends/imgui_impl_glfw.h>
#include <backends/imgui_impl_vulkan.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <optional>

#include "../render_flags.hpp"
#include "live_trainer.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/gpu/swapchain.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app {
namespace {

using clock = std::chrono::steady_clock;
constexpr double k_double_click_s = 0.3;
constexpr float k_drag_px = 5.0f;

// What the GLFW callbacks collected since the last frame.
struct InputEvents {
  struct Button {
    int button, action, mods;
    double x, y;
  };
  std::vector<Button> buttons;
  std::vector<std::pair<int, int>> keys;  // key, mods (presses and repeats)
  double scroll = 0.0;
  bool resized = false;
};

InputEvents* events_of(GLFWwindow* w) { return static_cast<InputEvents*>(glfwGetWindowUserPointer(w)); }

vk::PresentModeKHR parse_present_mode(const std::string& s) {
  if (s == "fifo" || s == "vsync") return vk::PresentModeKHR::eFifo;
  if (s == "mailbox") return vk::PresentModeKHR::eMailbox;
  if (s == "immediate") return vk::PresentModeKHR::eImmediate;
  if (s == "fifo-relaxed") return vk::PresentModeKHR::eFifoRelaxed;
  throw core::UserError(core::ExitCode::usage, "unknown present mode '" + s + "'; choose fifo, fifo-relaxed, mailbox or immediate");
}

// The window's own state: the view, the UI's copy of the run's history, and what the panel edits.
class LiveApp {
 public:
  explicit LiveApp(const LiveOptions& o) : options_(o), picture_(o.picture), show_ui_(!o.present) {}
  int run();

 private:
  void open_window();
  void init_imgui();
  void rebuild_swapchain();
  void draw_ui(const LiveState& state);
  void handle_input(const LiveState& state);
  void handle_key(int key, int mods, const LiveState& state);
  std::optional<std::array<double, 2>> to_data(double x, double y) const;
  void toggle_fullscreen();
  void apply(const core::ExperimentConfig& c);  // validate, then restart the run with it
  void load_preset(const std::string& name);
  void save();
  void load();
  void message(const std::string& text, bool error = false);
  render::Rect scene_rect() const;

  LiveOptions options_;
  render::RenderOptions picture_;
  bool show_ui_;
  GLFWwindow* window_ = nullptr;
  InputEvents events_;
  std::unique_ptr<gpu::Context> ctx_;
  std::unique_ptr<gpu::Swapchain> swapchain_;
  std::unique_ptr<render::Renderer> renderer_;
  std::unique_ptr<render::SceneTarget> target_;
  std::unique_ptr<LiveTrainer> trainer_;
  vk::raii::RenderPass ui_pass_{nullptr};
  std::vector<vk::raii::Framebuffer> framebuffers_;
  vk::raii::DescriptorPool ui_pool_{nullptr};
  std::array<vk::raii::Semaphore, render::Renderer::k_frames_in_flight> acquired_{nullptr, nullptr};
  std::array<uint64_t, render::Renderer::k_frames_in_flight> frame_of_slot_{};
  bool imgui_ready_ = false;

  // The UI's copy of the run.
  uint64_t generation_ = 0;
  std::vector<nn::Metrics> history_;
  core::ExperimentConfig edit_;        // what the panel shows and edits
  std::optional<nn::View> view_;       // zoomed/panned view; unset = the run's
  int selected_class_ = 1;
  double speed_ = 0.0;                 // steps/s; 0 = as fast as possible
  bool playing_ = true;
  std::string message_;
  bool message_error_ = false;
  clock::time_point message_at_{};
  // Pointer gestures on the field.
  bool pressing_ = false, dragging_ = false;
  int press_button_ = 0, press_mods_ = 0;
  double press_x_ = 0, press_y_ = 0;
  nn::View drag_view_{};
  std::optional<InputEvents::Button> pending_click_;
  clock::time_point pending_since_{};
  double last_release_time_ = -1.0;
  bool screenshot_ = false;
  bool quit_ = false;
  bool pending_apply_ = false;  // a slider changed the config; restart once it is let go
  int windowed_x_ = 100, windowed_y_ = 100, windowed_w_ = 1280, windowed_h_ = 720;
  double fps_ = 0.0;
  float ui_scale_ = 1.0f;
};

void LiveApp::open_window() {
  glfwSetErrorCallback([](int, const char*) {});
  if (!glfwInit())
    throw core::UserError(core::ExitCode::gpu,
                          "cannot open a window: no display (set DISPLAY); `nnlive render` and `nnlive record` need none");
  if (!glfwVulkanSupported()) throw core::UserError(core::ExitCode::gpu, "the Vulkan loader cannot show pictures in a window here");
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHintString(GLFW_X11_CLASS_NAME, "nnlive");
  glfwWindowHintString(GLFW_X11_INSTANCE_NAME, "nnlive");
  GLFWmonitor* monitor = nullptr;
  if (options_.fullscreen) {
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    if (count == 0) throw core::UserError(core::ExitCode::gpu, "--fullscreen: no monitor found");
    if (options_.monitor < 0 || options_.monitor >= count)
      throw core::UserError(core::ExitCode::usage, "--monitor must be 0 to " + std::to_string(count - 1));
    monitor = monitors[options_.monitor];
  }
  uint32_t w = options_.width, h = options_.height;
  if (monitor) {
    const GLFWvidmode* mode = glfwGetVideoMode(monitor);
    w = uint32_t(mode->width), h = uint32_t(mode->height);
  }
  window_ = glfwCreateWindow(int(w), int(h), "nnlive", monitor, nullptr);
  if (!window_) throw core::UserError(core::ExitCode::gpu, "cannot open a window");
  glfwSetWindowSizeLimits(window_, 480, 320, GLFW_DONT_CARE, GLFW_DONT_CARE);
  glfwSetWindowUserPointer(window_, &events_);
  // Ours first; ImGui's backend chains to them.
  glfwSetMouseButtonCallback(window_, [](GLFWwindow* win, int b, int a, int m) {
    double x, y;
    glfwGetCursorPos(win, &x, &y);
    events_of(win)->buttons.push_back({b, a, m, x, y});
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
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  if (glfwCreateWindowSurface(*ctx_->instance(), window_, nullptr, &surface) != VK_SUCCESS)
    throw gpu::GpuError("cannot create a Vulkan surface for the window");
  swapchain_ = std::make_unique<gpu::Swapchain>(*ctx_, vk::raii::SurfaceKHR(ctx_->instance(), surface),
                                                parse_present_mode(options_.present_mode));
  renderer_ = std::make_unique<render::Renderer>(*ctx_);
  for (auto& s : acquired_) s = vk::raii::Semaphore(ctx_->device(), vk::SemaphoreCreateInfo{});
}

void LiveApp::rebuild_swapchain() {
  renderer_->wait_all();
  ctx_->queue().waitIdle();  // presentation may still read the old images
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  framebuffers_.clear();
  if (!swapchain_->recreate(uint32_t(std::max(w, 0)), uint32_t(std::max(h, 0)))) return;
  const auto e = swapchain_->extent();
  const uint32_t tw = std::clamp(e.width, render::SceneTarget::k_min_width, render::SceneTarget::k_max_width);
  const uint32_t th = std::clamp(e.height, render::SceneTarget::k_min_height, render::SceneTarget::k_max_height);
  if (!target_ || target_->width() != tw || target_->height() != th) target_ = std::make_unique<render::SceneTarget>(*ctx_, tw, th);
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
  if (imgui_ready_) ImGui_ImplVulkan_SetMinImageCount(2);
}

void LiveApp::init_imgui() {
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // no imgui.ini beside the user's files
  float xs = 1.0f, ys = 1.0f;
  glfwGetWindowContentScale(window_, &xs, &ys);
  int w = 0, h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  ui_scale_ = std::max(1.0f, std::max(xs, float(h) / 900.0f));
  ImGui::StyleColorsLight();
  ImGui::GetStyle().ScaleAllSizes(ui_scale_);
  ImGui::GetStyle().WindowRounding = 0.0f;
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (std::ifstream(font).good()) io.Fonts->AddFontFromFileTTF(font, 15.0f * ui_scale_);
  ImGui_ImplGlfw_InitForVulkan(window_, true);
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
  ctx_->submit_and_wait([](const vk::raii::CommandBuffer& cb) { ImGui_ImplVulkan_CreateFontsTexture(*cb); });
  ImGui_ImplVulkan_DestroyFontUploadObjects();
  imgui_ready_ = true;
}

render::Rect LiveApp::scene_rect() const {
  const float w = float(target_->width()), h = float(target_->height());
  const float panel = show_ui_ ? std::round(std::min(360.0f * ui_scale_, w - 320.0f)) : 0.0f;
  return {std::max(panel, 0.0f), 0.0f, w, h};
}

std::optional<std::array<double, 2>> LiveApp::to_data(double x, double y) const {
  const auto& fields = renderer_->last_fields();
  if (fields.empty()) return std::nullopt;
  // Window coordinates to target pixels (they differ only below the target's minimum size).
  int ww = 1, wh = 1;
  glfwGetWindowSize(window_, &ww, &wh);
  const double px = x * target_->width() / std::max(ww, 1), py = y * target_->height() / std::max(wh, 1);
  const auto& f = fields[0];
  if (px < f.rect.x0 || px >= f.rect.x1 || py < f.rect.y0 || py >= f.rect.y1) return std::nullopt;
  const double u = (px - f.rect.x0) / f.rect.width(), v = (py - f.rect.y0) / f.rect.height();
  return std::array<double, 2>{f.view[0] + u * (f.view[2] - f.view[0]), f.view[3] - v * (f.view[3] - f.view[1])};
}

void LiveApp::message(const std::string& text, bool error) {
  message_ = text;
  message_error_ = error;
  message_at_ = clock::now();
  (error ? std::cerr : std::cout) << "nnlive: " << text << std::endl;
}

void LiveApp::apply(const core::ExperimentConfig& c) {
  try {
    core::validate(c);
    core::build_run(c);  // the dataset and model must build too (a CSV may be unreadable)
  } catch (const core::UserError& e) {
    message(e.what(), true);
    return;
  }
  view_.reset();
  trainer_->restart(c);
}

void LiveApp::load_preset(const std::string& name) {
  core::ExperimentConfig c = core::load_preset(name);
  edit_ = c;
  apply(c);
  message("preset " + name);
}

void LiveApp::save() {
  const auto state = trainer_->latest();
  try {
    const std::string text = core::to_toml(*state->config);
    core::write_file_atomically(options_.save_path, [&](std::ostream& out) { out << text; });
    message("saved to " + options_.save_path);
  } catch (const core::UserError& e) {
    message(e.what(), true);
  }
}

void LiveApp::load() {
  try {
    core::ExperimentConfig c = core::load_experiment(std::nullopt, options_.save_path);
    edit_ = c;
    apply(c);
    message("loaded " + options_.save_path);
  } catch (const core::UserError& e) {
    message(e.what(), true);
  }
}

void LiveApp::toggle_fullscreen() {
  GLFWmonitor* current = glfwGetWindowMonitor(window_);
  if (current) {
    glfwSetWindowMonitor(window_, nullptr, windowed_x_, windowed_y_, windowed_w_, windowed_h_, GLFW_DONT_CARE);
  } else {
    glfwGetWindowPos(window_, &windowed_x_, &windowed_y_);
    glfwGetWindowSize(window_, &windowed_w_, &windowed_h_);
    GLFWmonitor* m = glfwGetPrimaryMonitor();
    if (!m) return;
    const GLFWvidmode* mode = glfwGetVideoMode(m);
    glfwSetWindowMonitor(window_, m, 0, 0, mode->width, mode->height, mode->refreshRate);
  }
  events_.resized = true;
}

void LiveApp::handle_key(int key, int mods, const LiveState& state) {
  const bool ctrl = mods & GLFW_MOD_CONTROL;
  const auto presets = core::list_presets();
  if (ctrl && key == GLFW_KEY_Q) quit_ = true;
  else if (ctrl && key == GLFW_KEY_S) save();
  else if (ctrl && key == GLFW_KEY_O) load();
  else if (key == GLFW_KEY_SPACE) playing_ = !playing_, trainer_->set_playing(playing_);
  else if (key == GLFW_KEY_S || key == GLFW_KEY_RIGHT) playing_ = false, trainer_->set_playing(false), trainer_->step(1);
  else if (key == GLFW_KEY_R) apply(*state.config), message("reset: the same initialization");
  else if (key == GLFW_KEY_N) {
    core::ExperimentConfig c = *state.config;
    c.seed = c.seed * 6364136223846793005ULL + 1442695040888963407ULL >> 1;
    edit_.seed = c.seed;
    apply(c);
    message("new initialization (seed " + std::to_string(c.seed) + ")");
  } else if (key == GLFW_KEY_F11) toggle_fullscreen();
  else if (key == GLFW_KEY_H) show_ui_ = !show_ui_;
  else if (key == GLFW_KEY_P) screenshot_ = true;
  else if (key >= GLFW_KEY_1 && key <= GLFW_KEY_9 && size_t(key - GLFW_KEY_1) < presets.size()) load_preset(presets[size_t(key - GLFW_KEY_1)].name);
  else if (key == GLFW_KEY_PAGE_UP || key == GLFW_KEY_PAGE_DOWN) {
    size_t i = 0;
    while (i < presets.size() && presets[i].name != state.config->name) ++i;
    const size_t n = presets.size();
    const size_t next = i >= n ? 0 : key == GLFW_KEY_PAGE_DOWN ? (i + 1) % n : (i + n - 1) % n;
    load_preset(presets[next].name);
  } else if (key == GLFW_KEY_ESCAPE && glfwGetWindowMonitor(window_)) toggle_fullscreen();
}

void LiveApp::handle_input(const LiveState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  InputEvents ev = std::move(events_);
  events_ = InputEvents{};
  events_.resized = ev.resized;
  for (const auto& [key, mods] : ev.keys)
    if (!io.WantCaptureKeyboard || (mods & GLFW_MOD_CONTROL) || key == GLFW_KEY_F11) handle_key(key, mods, state);

  double cx = 0, cy = 0;
  glfwGetCursorPos(window_, &cx, &cy);
  const double now = glfwGetTime();
  auto add_or_remove = [&](const InputEvents::Button& b) {
    const auto d = to_data(b.x, b.y);
    if (!d) return;
    const nn::View v = view_.value_or(state.view);
    if (b.mods & GLFW_MOD_CONTROL) {
      trainer_->remove_nearest_point(float((*d)[0]), float((*d)[1]), float(0.04 * (v[2] - v[0])));
      return;
    }
    const int classes = state.dataset->classes;
    int label = b.button == GLFW_MOUSE_BUTTON_LEFT ? 1 : 0;
    if (classes > 2) label = b.button == GLFW_MOUSE_BUTTON_LEFT ? selected_class_ : 0;
    trainer_->add_point({float((*d)[0]), float((*d)[1]), std::min(label, classes - 1), false});
  };
  // A single click acts once the double-click time has passed without a second click.
  if (pending_click_ && std::chrono::duration<double>(clock::now() - pending_since_).count() > k_double_click_s) {
    add_or_remove(*pending_click_);
    pending_click_.reset();
  }
  for (const auto& b : ev.buttons) {
    if (b.action == GLFW_PRESS) {
      if (io.WantCaptureMouse || !to_data(b.x, b.y)) continue;
      if (pending_click_ && b.button == GLFW_MOUSE_BUTTON_LEFT && now - last_release_time_ < k_double_click_s) {
        pending_click_.reset();  // double-click: reset the view, add nothing
        view_.reset();
        pressing_ = false;
        continue;
      }
      pressing_ = true;
      dragging_ = false;
      press_button_ = b.button, press_mods_ = b.mods, press_x_ = b.x, press_y_ = b.y;
      drag_view_ = view_.value_or(state.view);
    } else if (b.action == GLFW_RELEASE && pressing_ && b.button == press_button_) {
      pressing_ = false;
      if (!dragging_) {
        if (pending_click_) add_or_remove(*pending_click_);
        pending_click_ = InputEvents::Button{b.button, b.action, press_mods_, press_x_, press_y_};
        pending_since_ = clock::now();
        last_release_time_ = now;
      }
      dragging_ = false;
    }
  }
  // Dragging pans the field.
  if (pressing_ && glfwGetMouseButton(window_, press_button_) == GLFW_PRESS) {
    if (!dragging_ && std::hypot(cx - press_x_, cy - press_y_) > k_drag_px) dragging_ = true;
    const auto& fields = renderer_->last_fields();
    if (dragging_ && !fields.empty()) {
      const auto& f = fields[0];
      int ww = 1, wh = 1;
      glfwGetWindowSize(window_, &ww, &wh);
      const double sx = target_->width() / double(std::max(ww, 1)), sy = target_->height() / double(std::max(wh, 1));
      const double du = (cx - press_x_) * sx / f.rect.width() * (f.view[2] - f.view[0]);
      const double dv = (cy - press_y_) * sy / f.rect.height() * (f.view[3] - f.view[1]);
      view_ = nn::View{drag_view_[0] - du, drag_view_[1] + dv, drag_view_[2] - du, drag_view_[3] + dv};
    }
  }
  // The wheel zooms about the pointer.
  if (ev.scroll != 0.0 && !io.WantCaptureMouse) {
    if (const auto d = to_data(cx, cy)) {
      const nn::View v = view_.value_or(state.view);
      const double k = std::clamp(std::pow(0.85, ev.scroll), 0.1, 10.0);
      const double span = (v[2] - v[0]) * k;
      if (span > 1e-3 && span < 1e4)
        view_ = nn::View{(*d)[0] + (v[0] - (*d)[0]) * k, (*d)[1] + (v[1] - (*d)[1]) * k, (*d)[0] + (v[2] - (*d)[0]) * k,
                         (*d)[1] + (v[3] - (*d)[1]) * k};
    }
  }
}

bool slider_log(const char* label, float* v, float lo, float hi) {
  return ImGui::SliderFloat(label, v, lo, hi, "%.4g", ImGuiSliderFlags_Logarithmic);
}

void LiveApp::draw_ui(const LiveState& state) {
  if (!show_ui_) return;
  const render::Rect r = scene_rect();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(r.x0, float(target_->height())));
  ImGui::Begin("nnlive", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  const nn::Snapshot& snap = state.snapshot;
  ImGui::Text("epoch %d   step %lld", snap.epoch, snap.step);
  ImGui::Text("%.0f steps/s   %.1f frames/s", state.steps_per_second, fps_);
  if (ImGui::Button(playing_ ? "Pause (Space)" : "Play (Space)")) playing_ = !playing_, trainer_->set_playing(playing_);
  ImGui::SameLine();
  if (ImGui::Button("Step (S)")) playing_ = false, trainer_->set_playing(false), trainer_->step(1);
  ImGui::SameLine();
  if (ImGui::Button("Reset (R)")) apply(*state.config);
  ImGui::SameLine();
  if (ImGui::Button("New init (N)")) handle_key(GLFW_KEY_N, 0, state);
  float speed = float(speed_);
  bool max_speed = speed_ <= 0.0;
  if (ImGui::Checkbox("full speed", &max_speed)) speed_ = max_speed ? 0.0 : 10.0, trainer_->set_speed(speed_);
  if (!max_speed) {
    ImGui::SameLine();
    if (slider_log("steps/s", &speed, 1.0f, 10000.0f)) speed_ = speed, trainer_->set_speed(speed_);
  }

  ImGui::Separator();
  ImGui::TextDisabled("Applies live");
  float lr = state.learning_rate;
  if (slider_log("learning rate", &lr, 1e-5f, 10.0f)) {
    trainer_->set_learning_rate(lr);
    edit_.training.optimizer.lr = lr;
  }
  int pal = int(picture_.palette);
  if (ImGui::Combo("palette", &pal, "blue / orange\0blue / magenta\0")) picture_.palette = render::PaletteKind(pal);
  int lay = int(picture_.layout);
  if (ImGui::Combo("layout", &lay, "full\0field\0field + curves\0")) picture_.layout = render::Layout(lay);
  ImGui::Checkbox("discretize", &picture_.discretize);
  ImGui::SameLine();
  ImGui::Checkbox("log loss", &picture_.log_loss);
  if (state.dataset->classes > 2) ImGui::SliderInt("click class", &selected_class_, 0, state.dataset->classes - 1);

  ImGui::Separator();
  ImGui::TextDisabled("Restarts the run");
  const auto presets = core::list_presets();
  if (ImGui::BeginCombo("preset", state.config->name.c_str())) {
    for (const auto& p : presets)
      if (ImGui::Selectable(p.name.c_str(), p.name == state.config->name)) load_preset(p.name);
    ImGui::EndCombo();
  }
  bool changed = false;
  const auto& names = data::dataset_names();
  if (ImGui::BeginCombo("dataset", edit_.data.name.c_str())) {
    for (const auto& n : names)
      if (ImGui::Selectable(n.c_str(), n == edit_.data.name)) edit_.data.name = n, changed = true;
    ImGui::EndCombo();
  }
  changed |= ImGui::SliderInt("points", &edit_.data.points, 10, 2000);
  float noise = float(edit_.data.noise), label_noise = float(edit_.data.label_noise), test = float(edit_.data.test_ratio);
  if (ImGui::SliderFloat("noise", &noise, 0.0f, 0.5f)) edit_.data.noise = noise, changed = true;
  if (ImGui::SliderFloat("label noise", &label_noise, 0.0f, 0.5f)) edit_.data.label_noise = label_noise, changed = true;
  if (ImGui::SliderFloat("test ratio", &test, 0.0f, 0.9f)) edit_.data.test_ratio = test, changed = true;
  if (edit_.data.name == "blobs") changed |= ImGui::SliderInt("classes", &edit_.data.classes, 2, 8);
  if (ImGui::Button("Regenerate (new seed)")) handle_key(GLFW_KEY_N, 0, state);

  ImGui::Text("hidden layers");
  const char* acts = "linear\0sigmoid\0tanh\0relu\0leaky_relu\0gelu\0sin\0";
  if (edit_.activations.size() != edit_.hidden.size() && !edit_.hidden.empty())
    edit_.activations.resize(edit_.hidden.size(), edit_.activations.empty() ? nn::Activation::tanh : edit_.activations.front());
  for (size_t l = 0; l < edit_.hidden.size(); ++l) {
    ImGui::PushID(int(l));
    ImGui::SetNextItemWidth(120.0f * ui_scale_);
    changed |= ImGui::SliderInt("##w", &edit_.hidden[l], 1, 512, "%d", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    int a = int(edit_.activations[l]);
    ImGui::SetNextItemWidth(110.0f * ui_scale_);
    if (ImGui::Combo("##a", &a, acts)) edit_.activations[l] = nn::Activation(a), changed = true;
    ImGui::SameLine();
    if (ImGui::Button("-")) {
      edit_.hidden.erase(edit_.hidden.begin() + long(l));
      edit_.activations.erase(edit_.activations.begin() + long(l));
      changed = true;
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  if (edit_.hidden.size() < 8 && ImGui::Button("add layer")) {
    edit_.hidden.push_back(edit_.hidden.empty() ? 8 : edit_.hidden.back());
    edit_.activations.push_back(edit_.activations.empty() ? nn::Activation::tanh : edit_.activations.back());
    changed = true;
  }
  ImGui::Text("inputs");
  const char* feature_names[] = {"x", "y", "x\xC2\xB2", "y\xC2\xB2", "xy", "sin x", "sin y"};
  for (int f = 0; f < 7; ++f) {
    bool on = std::find(edit_.features.begin(), edit_.features.end(), nn::Feature(f)) != edit_.features.end();
    if (f % 4) ImGui::SameLine();
    if (ImGui::Checkbox(feature_names[f], &on)) {
      if (on) edit_.features.push_back(nn::Feature(f));
      else if (edit_.features.size() > 1) edit_.features.erase(std::find(edit_.features.begin(), edit_.features.end(), nn::Feature(f)));
      std::sort(edit_.features.begin(), edit_.features.end());
      changed = true;
    }
  }
  int loss = int(edit_.loss);
  if (ImGui::Combo("loss", &loss, "bce\0mse\0softmax\0")) edit_.loss = nn::Loss(loss), changed = true;
  int opt = int(edit_.training.optimizer.kind);
  if (ImGui::Combo("optimizer", &opt, "sgd\0momentum\0adam\0")) edit_.training.optimizer.kind = nn::OptimizerKind(opt), changed = true;
  changed |= ImGui::SliderInt("batch (0 = all)", &edit_.training.batch, 0, 512);
  changed |= slider_log("L1", &edit_.training.l1, 0.0f, 1.0f);
  changed |= slider_log("L2", &edit_.training.l2, 0.0f, 1.0f);
  float thr = float(edit_.training.stop_threshold);
  if (slider_log("stop below", &thr, 1e-4f, 1.0f)) edit_.training.stop_threshold = thr, changed = true;
  changed |= ImGui::SliderInt("for epochs", &edit_.training.stop_window, 0, 2000);
  changed |= ImGui::SliderInt("epoch cap", &edit_.training.max_epochs, 1, 100000, "%d", ImGuiSliderFlags_Logarithmic);
  if (changed && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) apply(edit_);
  else if (changed) pending_apply_ = true;
  if (pending_apply_ && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) pending_apply_ = false, apply(edit_);

  ImGui::Separator();
  ImGui::TextWrapped("Ctrl+S saves, Ctrl+O loads: %s", options_.save_path.c_str());
  ImGui::TextWrapped("P: screenshot   H: hide controls   F11: full screen   1-9, PgUp/PgDn: presets   Ctrl+Q: quit");
  ImGui::TextWrapped("Field: left click adds class 1, right click class 0, Ctrl+click removes; wheel zooms, drag pans, "
                     "double-click resets the view.");
  if (!message_.empty() && clock::now() - message_at_ < std::chrono::seconds(8)) {
    ImGui::PushStyleColor(ImGuiCol_Text, message_error_ ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.45f, 0.2f, 1));
    ImGui::TextWrapped("%s", message_.c_str());
    ImGui::PopStyleColor();
  }
  ImGui::End();
}

int LiveApp::run() {
  open_window();
  rebuild_swapchain();
  init_imgui();
  edit_ = options_.config;
  trainer_ = std::make_unique<LiveTrainer>(options_.config, true);
  const auto start = clock::now();
  auto last = clock::now();
  double anim = 0.0;
  uint64_t frame = 0;
  while (!glfwWindowShouldClose(window_) && !quit_) {
    glfwPollEvents();
    if (options_.quit_after_s > 0 && std::chrono::duration<double>(clock::now() - start).count() > options_.quit_after_s) break;
    int fw = 0, fh = 0;
    glfwGetFramebufferSize(window_, &fw, &fh);
    if (fw == 0 || fh == 0 || glfwGetWindowAttrib(window_, GLFW_ICONIFIED)) {  // minimized: draw nothing
      glfwWaitEventsTimeout(0.1);
      events_.resized = true;
      continue;
    }
    if (events_.resized || framebuffers_.empty()) {
      events_.resized = false;
      rebuild_swapchain();
      if (framebuffers_.empty()) continue;
    }
    const auto now = clock::now();
    const double dt = std::chrono::duration<double>(now - last).count();
    last = now;
    anim += std::min(dt, 0.25);
    fps_ = fps_ <= 0 ? 1.0 / std::max(dt, 1e-3) : 0.9 * fps_ + 0.1 / std::max(dt, 1e-3);

    const auto state = trainer_->latest();
    if (state->generation != generation_) {
      generation_ = state->generation;
      history_.clear();
      edit_ = *state->config;
    }
    for (const auto& m : state->snapshot.new_metrics)
      if (m.epoch == int(history_.size())) history_.push_back(m);
    trainer_->acknowledge(generation_, int(history_.size()));
    edit_.user_points = state->config->user_points;

    ImGui_ImplVulkan_NewFrame();
    ImGui_ImplGlfw_NewFrame();
    ImGui::NewFrame();
    handle_input(*state);
    draw_ui(*state);
    // Hover: the coordinate and the network's output there.
    if (!ImGui::GetIO().WantCaptureMouse) {
      double cx, cy;
      glfwGetCursorPos(window_, &cx, &cy);
      if (const auto d = to_data(cx, cy)) {
        const nn::Mlp mlp = nn::model_of(state->snapshot);
        std::vector<float> in(state->input_map.size());
        state->input_map.apply(float((*d)[0]), float((*d)[1]), in.data());
        nn::Trace trace;
        mlp.forward(in.data(), 1, trace);
        const std::vector<float>& out = trace.output();
        std::string text = "x " + std::to_string((*d)[0]).substr(0, 6) + "  y " + std::to_string((*d)[1]).substr(0, 6) + "\n";
        if (out.size() == 1) text += "P(class 1) " + std::to_string(out[0]).substr(0, 5);
        else
          for (size_t k = 0; k < out.size(); ++k) text += "P(" + std::to_string(k) + ") " + std::to_string(out[k]).substr(0, 5) + "  ";
        ImGui::SetTooltip("%s", text.c_str());
      }
    }
    ImGui::Render();

    render::Scene scene;
    scene.title = state->config->name;
    scene.snapshot = &state->snapshot;
    scene.history = &history_;
    scene.dataset = state->dataset.get();
    scene.input_map = state->input_map;
    scene.view = view_.value_or(state->view);
    scene.loss = state->config->loss;
    scene.classes = state->dataset->classes;
    scene.time_s = anim;
    scene.learning_rate = state->learning_rate;
    const std::vector<render::Panel> panels{{scene, picture_, scene_rect()}};

    const size_t slot = frame % render::Renderer::k_frames_in_flight;
    if (frame_of_slot_[slot]) renderer_->wait(frame_of_slot_[slot]);  // its acquire semaphore is free again
    const auto image = swapchain_->acquire(*acquired_[slot]);
    if (!image) {
      events_.resized = true;
      continue;
    }
    render::FrameHooks hooks;
    hooks.wait = {*acquired_[slot]};
    hooks.wait_stages = {vk::PipelineStageFlagBits::eTransfer};
    hooks.signal = {swapchain_->ready(*image)};
    hooks.readback = screenshot_;
    const vk::Image dst = swapchain_->image(*image);
    const auto extent = swapchain_->extent();
    hooks.after = [&](const vk::raii::CommandBuffer& cb) {
      gpu::transition(cb, dst, vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal,
                      vk::PipelineStageFlagBits2::eTransfer, vk::AccessFlagBits2::eNone, vk::PipelineStageFlagBits2::eBlit,
                      vk::AccessFlagBits2::eTransferWrite);
      const vk::ImageSubresourceLayers layers{vk::ImageAspectFlagBits::eColor, 0, 0, 1};
      const vk::ImageBlit blit{layers,
                               {vk::Offset3D{0, 0, 0}, vk::Offset3D{int32_t(target_->width()), int32_t(target_->height()), 1}},
                               layers,
                               {vk::Offset3D{0, 0, 0}, vk::Offset3D{int32_t(extent.width), int32_t(extent.height), 1}}};
      cb.blitImage(target_->image().handle(), vk::ImageLayout::eTransferSrcOptimal, dst, vk::ImageLayout::eTransferDstOptimal, blit,
                   vk::Filter::eLinear);
      const vk::RenderPassBeginInfo begin{*ui_pass_, *framebuffers_[*image], vk::Rect2D{{0, 0}, extent}};
      cb.beginRenderPass(begin, vk::SubpassContents::eInline);
      ImGui_ImplVulkan_RenderDrawData(ImGui::GetDrawData(), *cb);
      cb.endRenderPass();
    };
    frame_of_slot_[slot] = renderer_->submit(panels, *target_, hooks);
    if (!swapchain_->present(*image)) events_.resized = true;
    if (screenshot_) {
      screenshot_ = false;
      renderer_->wait(frame_of_slot_[slot]);
      const std::string name = "nnlive-" + std::to_string(std::chrono::duration_cast<std::chrono::seconds>(
                                                              std::chrono::system_clock::now().time_since_epoch()).count()) + ".png";
      try {
        const auto px = target_->pixels();
        core::write_png(name, int(target_->width()), int(target_->height()), 4, px.data());
        message("screenshot " + name);
      } catch (const core::UserError& e) {
        message(e.what(), true);
      }
    }
    ++frame;
  }
  renderer_->wait_all();
  ctx_->queue().waitIdle();
  trainer_.reset();
  ImGui_ImplVulkan_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  framebuffers_.clear();
  ui_pass_ = nullptr;
  ui_pool_ = nullptr;
  target_.reset();
  renderer_.reset();
  swapchain_.reset();
  acquired_ = {nullptr, nullptr};
  ctx_.reset();
  glfwDestroyWindow(window_);
  glfwTerminate();
  return 0;
}

}  // namespace

int run_live(const LiveOptions& options) {
  LiveApp app(options);
  return app.run();
}

}  // namespace nnlive::app
