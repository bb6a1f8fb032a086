// SPDX-License-Identifier: MIT
// The live window. Each frame: read the trainer's latest state, build the UI, render the
// composite into the scene target (Renderer, two frames in flight), blit it into the swapchain
// image and draw the UI over it in one command buffer, present. Input goes to the UI first;
// what it does not take acts on the picture (points, zoom, pan) or is a shortcut key.
#include "live_app.hpp"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>
#include <malloc.h>
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
#include "live_app_impl.hpp"
#include "live_trainer.hpp"
#include "service_watchdog.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/core/interrupt.hpp"
#include "nnlive/gpu/swapchain.hpp"
#include "nnlive/render/renderer.hpp"

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
  open_xi_touch();
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
  const vk::PresentModeKHR present_mode = parse_present_mode(options_.present_mode);  // before anything needs freeing
  ctx_ = std::make_unique<gpu::Context>(co);
  VkSurfaceKHR raw_surface = VK_NULL_HANDLE;
  if (glfwCreateWindowSurface(*ctx_->instance(), window_, nullptr, &raw_surface) != VK_SUCCESS)
    throw gpu::GpuError("cannot create a Vulkan surface for the window");
  vk::raii::SurfaceKHR surface(ctx_->instance(), raw_surface);  // owned from here on, whatever fails next
  swapchain_ = std::make_unique<gpu::Swapchain>(*ctx_, std::move(surface), present_mode);
  renderer_ = std::make_unique<render::Renderer>(*ctx_);
  // The field on its own thread, with whichever engine the context chose.
  progressive_ = std::make_unique<ProgressiveField>(
      ProgressiveField::Options{}, ctx_->field_engine() == gpu::Context::FieldEngine::shader ? ctx_.get() : nullptr);
  for (auto& s : acquired_) s = vk::raii::Semaphore(ctx_->device(), vk::SemaphoreCreateInfo{});
}

void LiveApp::rebuild_swapchain() {
  renderer_->wait_all();
  {
    const std::lock_guard lock(ctx_->queue_mutex());
    ctx_->queue().waitIdle();  // presentation may still read the old images
  }
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
  content_scale_ = std::max(1.0f, xs);
  ui_scale_ = std::max(1.0f, std::max(xs, float(h) / 900.0f));
  ImGui::StyleColorsLight();
  ImGui::GetStyle().ScaleAllSizes(ui_scale_);
  ImGui::GetStyle().WindowRounding = 0.0f;
  const char* font = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  // Latin, Greek (δ, Σ, η), arrows, mathematical operators, the recording dot, ✓ and ✗.
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x0370, 0x03FF, 0x2190, 0x21FF, 0x2200, 0x22FF, 0x25A0, 0x25FF, 0x2713, 0x2717, 0};
  if (std::ifstream(font).good()) io.Fonts->AddFontFromFileTTF(font, 15.0f * ui_scale_, nullptr, ranges);
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
  // An exhibit keeps a bar along the bottom for the visitor's controls.
  const float bar = exhibit_ ? std::min(exhibit_bar_height(), h - 240.0f) : 0.0f;
  return {std::max(panel, 0.0f), 0.0f, w, h - std::max(bar, 0.0f)};
}

std::optional<std::array<double, 2>> LiveApp::to_data(double x, double y) const {
  // Any panel's field: side by side, they all show the same data and view.
  const auto panel = panel_at(x, y);
  if (!panel) return std::nullopt;
  const auto [px, py] = to_target(x, y);
  const auto& f = renderer_->last_placements()[*panel];
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
    trainer_->restart(core::build_run(c));  // validates; the dataset must build too (a CSV may be unreadable)
  } catch (const core::UserError& e) {
    message(e.what(), true);
    return;
  }
  view_.reset();
}

void LiveApp::set_pace(double epochs_per_second) {
  speed_ = epochs_per_second;
  for_each_trainer([&](LiveTrainer& t) { t.set_speed(speed_); });
}

void LiveApp::load_preset(const std::string& name) {
  if (!rivals_.empty()) {
    message("side by side, the experiments stay as --compare set them; the panel edits panel 1's", true);
    return;
  }
  core::ExperimentConfig c = core::load_preset(name);
  edit_ = c;
  apply(c);
  set_pace(c.pace);  // each preset's story at its own watchable pace
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
    set_pace(c.pace);
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
    // The monitor asked for (--monitor), else the primary one.
    int count = 0;
    GLFWmonitor** monitors = glfwGetMonitors(&count);
    GLFWmonitor* m = options_.monitor >= 0 && options_.monitor < count ? monitors[options_.monitor] : glfwGetPrimaryMonitor();
    if (!m) return;
    const GLFWvidmode* mode = glfwGetVideoMode(m);
    glfwSetWindowMonitor(window_, m, 0, 0, mode->width, mode->height, mode->refreshRate);
  }
  events_.resized = true;
}

int LiveApp::run() {
  // The window runs for days with several threads allocating (trainer, field, driver): two
  // malloc arenas instead of one per thread keep freed memory reusable across them. Blocks of
  // 1 MiB and more (field levels, pictures, data sets) get their own mappings, returned when
  // freed: glibc's default would raise that threshold to the largest block freed so far and
  // carve them from the heap, whose free middle then stays resident between trims. The loop
  // hands the heap's free pages back every 10 s (see the soak test).
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 4 << 20);
  open_touch();  // (a --tuio port that cannot be opened stops here, before any window)
  open_window();
  rebuild_swapchain();
  init_imgui();
  if (options_.exhibit) exhibit_open();
  edit_ = options_.config;
  // Side by side, every run starts once all are on the epoch clock (open_compare).
  trainer_ = std::make_unique<LiveTrainer>(options_.config, playing_ && options_.compare.empty());
  trainer_->set_checkpoint_budget(static_cast<size_t>(options_.step_back_mib * 1048576.0));
  open_compare();
  set_pace(options_.speed >= 0.0 ? options_.speed : options_.config.pace);
  if (exhibit_) {
    exhibit_play(true);
  } else if (options_.lesson) {
    lesson_.emplace(*options_.lesson, options_.lesson_timing);
    lesson_enter(0);
  }
  const InjectedFault fault;
  ServiceWatchdog watchdog(options_.hang_exit_s);
  const auto start = clock::now();
  const long long first_step = trainer_->latest()->snapshot.step;
  auto last = clock::now();
  auto trimmed = last;
  double anim = 0.0;
  uint64_t frame = 0;
  try {
    while (!glfwWindowShouldClose(window_) && !quit_ && !core::interrupted()) {
      watchdog.alive(presented_ > 0);
      fault.check(std::chrono::duration<double>(clock::now() - start).count());
      if (const std::string why = progressive_->failure(); !why.empty()) throw gpu::GpuError("the field's thread failed: " + why);
      glfwPollEvents();
      if (clock::now() - trimmed > std::chrono::seconds(10)) malloc_trim(0), trimmed = clock::now();
      if (options_.quit_after_s > 0 && std::chrono::duration<double>(clock::now() - start).count() > options_.quit_after_s) break;
      int fw = 0, fh = 0;
      glfwGetFramebufferSize(window_, &fw, &fh);
      if (fw == 0 || fh == 0 || glfwGetWindowAttrib(window_, GLFW_ICONIFIED)) {  // minimized: draw nothing
      if (exhibit_) glfwRestoreWindow(window_);                                  // (an exhibit never stays so)
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

      const auto state = trainer_->latest();
      if (state->generation != generation_) {
        generation_ = state->generation;
        history_.clear();
        edit_ = *state->config;
      }
      // Entries arrive in epoch order, thinned where the trainer thinned its own; the next one
      // wanted is the epoch after the last held.
      for (const auto& m : state->snapshot.new_metrics)
        if (history_.empty() || m.epoch > history_.back().epoch) history_.push_back(m);
      nn::thin_history(history_, k_live_history_cap);
      trainer_->acknowledge(generation_, history_.empty() ? 0 : history_.back().epoch + 1);
      edit_.user_points = state->config->user_points;
      track_edge(*state);
      track_weights(*state);
      if (lesson_) lesson_update(*state);
      compare_frame();

      ImGui_ImplVulkan_NewFrame();
      ImGui_ImplGlfw_NewFrame();
      touches_to_controls();
      ImGui::NewFrame();
      handle_touches(*state);
      handle_input(*state);
      if (exhibit_) {
        exhibit_frame(*state);
        draw_exhibit_ui(*state);
      } else {
        draw_ui(*state);
      }
      if (show_ui_) {
        draw_computation(*state);
        draw_inspector(*state);
        draw_edge(*state);
      }
      // Hover: on the field, the coordinate and the network's output there; on the diagram, a
      // hidden neuron's own field fills the field panel.
      hover_neuron_.reset();
      // (Not for touch in an exhibit: the pointer stays where the last tap was.)
      if (!ImGui::GetIO().WantCaptureMouse && (!exhibit_ || cursor_shown_)) {
        double cx, cy;
        glfwGetCursorPos(window_, &cx, &cy);
        const DiagramHit hit = hit_diagram(cx, cy, *state);
        const int columns = int(state->snapshot.layers.size()) + 1;
        if (hit.column > 0 && hit.column < columns - 1) {
          hover_neuron_ = std::pair{hit.column - 1, hit.node};
          const float a = state->snapshot.probe.size() > size_t(hit.column) ? state->snapshot.probe[size_t(hit.column)][size_t(hit.node)] : 0.0f;
          ImGui::SetTooltip("hidden layer %d, neuron %d: its output over the field\nactivation for sample %d: %.4g\nclick to %s",
                            hit.column, hit.node + 1, state->snapshot.probe_index, double(a),
                            pinned_neuron_ == hover_neuron_ ? "unpin" : "keep it shown");
        } else if (hit.layer >= 0) {
          const auto& L = state->snapshot.layers[size_t(hit.layer)];
          const size_t k = L.w_offset + size_t(hit.to) * L.in + size_t(hit.from);
          ImGui::SetTooltip("weight %.4g\nclick for its gradient, update and history", double(state->snapshot.params[k]));
        }
        if (const auto d = to_data(cx, cy)) {
          // The network of the panel under the pointer (side by side, each has its own).
          const size_t panel = panel_at(cx, cy).value_or(0);
          const LiveState& at = panel > 0 && panel <= rivals_.size() ? *rivals_[panel - 1].state : *state;
          const nn::Mlp mlp = nn::model_of(at.snapshot);
          std::vector<float> in(at.input_map.size());
          at.input_map.apply(float((*d)[0]), float((*d)[1]), in.data());
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

      render::Scene scene = scene_of(*state, history_, view_.value_or(state->view), anim);
      render::RenderOptions picture = view_options();
      if (lesson_) lesson_->decorate(scene, picture, lesson_waiting());
      std::vector<render::Panel> panels{{scene, picture, scene_rect()}};
      bool refining = compare_panels(panels, anim);
      refining |= want_field(*progressive_, *state, 0, panels[0]);
      if (refining) ++frames_refining_;

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
      {
        const auto t = clock::now();
        if (presented_++ > 0) {
          const double interval = std::max(std::chrono::duration<double>(t - last_present_).count(), 1e-4);
          fps_ = fps_ <= 0 ? 1.0 / interval : 0.9 * fps_ + 0.1 / interval;
        }
        last_present_ = t;
      }
      if (recorder_) {
        try {
          recorder_->update(*state, history_, view_options(), playing_);
        } catch (const core::UserError& e) {
          recorder_.reset();
          message(e.what(), true);
        }
      }
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
  } catch (const vk::DeviceLostError& e) {
    exit_device_lost(e.what());
  }
  watchdog.stop();  // what follows (finishing a video) may take long
  renderer_->wait_all();
  {
    const std::lock_guard lock(ctx_->queue_mutex());
    ctx_->queue().waitIdle();
  }
  {
    // What this session did, for measurements: frames shown and training steps, per second.
    const double secs = std::chrono::duration<double>(clock::now() - start).count();
    const long long steps = trainer_->latest()->snapshot.step - first_step;
    char line[200];
    std::snprintf(line, sizeof line, "%llu frames in %.1f s (%.1f frames/s), %lld training steps (%.0f steps/s) at %ux%u on %s",
                  static_cast<unsigned long long>(presented_), secs, double(presented_) / std::max(secs, 1e-9), steps,
                  double(steps) / std::max(secs, 1e-9), target_ ? target_->width() : 0u, target_ ? target_->height() : 0u,
                  ctx_->device_name().c_str());
    std::string report = line;
    std::snprintf(line, sizeof line, "; %llu frames kept the picture (nothing in it changed)",
                  static_cast<unsigned long long>(renderer_->frames_reused()));
    report += line;
    // The field thread's share: frames that did not wait for it, and its levels.
    std::snprintf(line, sizeof line, "; field on its own thread: %llu frames presented while it was refining, %llu levels done, %llu abandoned",
                  static_cast<unsigned long long>(frames_refining_), static_cast<unsigned long long>(progressive_->levels_done()),
                  static_cast<unsigned long long>(progressive_->levels_abandoned()));
    report += line;
    if (const AdaptiveCount a = progressive_->adaptive_count(); a.pixels > 0) {
      std::snprintf(line, sizeof line, "; full-resolution levels evaluated adaptively at %.0f%% of their pixels",
                    100.0 * double(a.evaluated) / double(a.pixels));
      report += line;
    }
    if (!rivals_.empty()) {
      // Side by side: where each run got to, and the points it holds that a user placed.
      report += "; side by side: " + std::to_string(rivals_.size() + 1) + " runs at epochs";
      std::string points;
      for (size_t i = 0; i <= rivals_.size(); ++i) {
        const auto s = i == 0 ? trainer_->latest() : rivals_[i - 1].trainer->latest();
        report += (i ? ", " : " ") + std::to_string(s->snapshot.epoch);
        points += (i ? ", " : "") + std::to_string(s->config->user_points.size());
      }
      report += " (" + std::string(shared_clock_ ? "one epoch clock" : "free running") + "), user points " + points;
    }
    if (tuio_) {
      std::snprintf(line, sizeof line, "; TUIO on port %d: %llu touches", tuio_->port(), static_cast<unsigned long long>(touches_seen_));
      report += line;
    }
    if (xi_touch_) {
      std::snprintf(line, sizeof line, "; XInput %s touch: %llu events", xi_touch_->version().c_str(),
                    static_cast<unsigned long long>(xi_touch_->events()));
      report += line;
    }
    if (exhibit_) {
      std::snprintf(line, sizeof line, "; exhibit: %llu taps, %llu points added, %llu returns to the attract loop, %llu automatic resets",
                    static_cast<unsigned long long>(visitor_taps_), static_cast<unsigned long long>(points_added_),
                    static_cast<unsigned long long>(exhibit_->returns()), static_cast<unsigned long long>(auto_resets_));
      report += line;
    }
    std::cout << "nnlive: " << report << std::endl;
  }
  progressive_.reset();  // (its thread may be using the queue and the device)
  rivals_.clear();
  stop_recording();
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
  // Ctrl-C or SIGTERM closed the window as the close button would (a recording is finished and
  // kept); the exit code says it was a signal.
  return core::interrupted() ? int(core::ExitCode::interrupted) : 0;
}

}  // namespace nnlive::app::live

namespace nnlive::app {

int run_live(const LiveOptions& options) {
  live::LiveApp app(options);
  return app.run();
}

}  // namespace nnlive::app
