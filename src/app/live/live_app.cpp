// SPDX-License-Identifier: MIT
// The live window. Each frame: read the trainer's latest state, build the UI, render the
// composite into the scene target (Renderer, two frames in flight), blit it into the swapchain
// image and draw the UI over it in one command buffer, present. Input goes to the UI first;
// what it does not take acts on the picture (points, zoom, pan) or is a shortcut key.
#include "live_app.hpp"

#include "live/priorities.hpp"

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

void LiveApp::rebuild_swapchain() {
  renderer_->wait_all();
  {
    const std::lock_guard lock(ctx_->queue_mutex());
    ctx_->queue().waitIdle();  // presentation may still read the old images
  }
  if (!layer_->rebuild()) return;
  const auto e = swapchain_->extent();
  const uint32_t tw = std::clamp(e.width, render::SceneTarget::k_min_width, render::SceneTarget::k_max_width);
  const uint32_t th = std::clamp(e.height, render::SceneTarget::k_min_height, render::SceneTarget::k_max_height);
  if (!target_ || target_->width() != tw || target_->height() != th) target_ = std::make_unique<render::SceneTarget>(*ctx_, tw, th);
}

render::Rect LiveApp::scene_rect() const {
  const float w = float(target_->width()), h = float(target_->height());
  const float panel = show_ui_ ? std::round(std::min(360.0f * ui_scale_, w - 320.0f)) : 0.0f;
  // An exhibit keeps a bar along the bottom for the visitor's controls.
  const float bar = exhibit_ ? std::min(exhibit_bar_height(), h - 240.0f) : 0.0f;
  return {std::max(panel, 0.0f), 0.0f, w, h - std::max(bar, 0.0f)};
}

ViewState::Mapping LiveApp::mapping() const {
  int ww = 1, wh = 1;
  glfwGetWindowSize(window_, &ww, &wh);
  return {target_->width() / double(std::max(ww, 1)), target_->height() / double(std::max(wh, 1)), renderer_->last_placements()};
}

nn::View LiveApp::panned(const nn::View& from, double dx, double dy) const {
  const ViewState::Mapping m = mapping();
  return m.fields.empty() ? from : ViewState::panned(from, dx * m.sx, dy * m.sy, m.fields[0].rect);
}

Inspector::Hit LiveApp::hit_diagram(double x, double y, const LiveState& state) const {
  const auto& placed = renderer_->last_placements();
  if (placed.empty()) return {};
  const auto p = to_target(x, y);
  return Inspector::hit(placed[0].network, glm::vec2(float(p[0]), float(p[1])), ui_scale_, state);
}

render::RenderOptions LiveApp::view_options() const {
  render::RenderOptions o = picture_;
  inspector_.decorate(o, show_ui_);
  if (!show_ui_) {
    // Presentation: the header's figures at least 20 pt (at 96 dpi, times the screen's scale).
    const float s = std::min(float(target_->width()) / 1920.0f, float(target_->height()) / 1080.0f);
    const float want_px = 20.0f * 96.0f / 72.0f * content_scale_;
    o.header_scale = std::max(1.0f, want_px / (22.0f * s));
    o.min_text_px = want_px / s;  // every text, not just the header
  }
  return o;
}

void LiveApp::hover(const LiveState& state) {
  // On the diagram, a hidden neuron's own field fills the field panel; on the field, the
  // coordinate and the network's output there. (Not for touch in an exhibit: the pointer stays
  // where the last tap was.)
  inspector_.clear_hover();
  if (ImGui::GetIO().WantCaptureMouse || (exhibit_ && !cursor_shown_)) return;
  double cx, cy;
  glfwGetCursorPos(window_, &cx, &cy);
  if (inspector_.hover(hit_diagram(cx, cy, state), state)) return;
  const auto d = to_data(cx, cy);
  if (!d) return;
  // The network of the panel under the pointer (side by side, each has its own).
  const size_t panel = panel_at(cx, cy).value_or(0);
  const LiveState& at = panel > 0 && panel <= rivals_.size() ? *rivals_[panel - 1].state : state;
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

void LiveApp::message(const std::string& text, bool error) {
  message_ = text;
  message_error_ = error;
  message_at_ = clock::now();
  (error ? std::cerr : std::cout) << "nnlive: " << text << std::endl;
}

bool LiveApp::apply(const core::ExperimentConfig& c) {
  try {
    trainer_->restart(core::build_run(c));  // validates; the dataset must build too (a CSV may be unreadable)
  } catch (const core::UserError& e) {
    message(e.what(), true);
    return false;
  }
  view_.reset();
  return true;
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
  panel_.set_draft(c);
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
    panel_.set_draft(c);
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
  // carve them from the heap, whose free middle then stays resident. Below that, the heap keeps
  // what it has freed: lavapipe allocates and frees tens of MB of small blocks every frame (its
  // binned scene), and a low trim threshold handed those pages back after each frame, to be
  // faulted in and zeroed again by the next (the resident size then swung by 30 MB from one
  // second to the next, and a trim of the whole heap every 10 s made it a saw). The loop still
  // hands every free page back every 10 minutes, so that a rare peak does not stay resident for
  // the days an exhibit runs.
  mallopt(M_ARENA_MAX, 2);
  mallopt(M_MMAP_THRESHOLD, 1 << 20);
  mallopt(M_TRIM_THRESHOLD, 256 << 20);
  open_touch();  // (a --tuio port that cannot be opened stops here, before any window)
  layer_ = std::make_unique<WindowLayer>(options_, events_);
  window_ = layer_->window();
  ctx_ = &layer_->ctx();
  swapchain_ = &layer_->swapchain();
  open_xi_touch();
  renderer_ = std::make_unique<render::Renderer>(*ctx_);
  // The field on its own thread, with whichever engine the context chose.
  progressive_ = std::make_unique<ProgressiveField>(
      ProgressiveField::Options{}, ctx_->field_engine() == gpu::Context::FieldEngine::shader ? ctx_ : nullptr);
  for (auto& s : acquired_) s = vk::raii::Semaphore(ctx_->device(), vk::SemaphoreCreateInfo{});
  rebuild_swapchain();
  ui_scale_ = layer_->init_ui(content_scale_);
  if (options_.exhibit) exhibit_open();
  panel_.set_draft(options_.config);
  // Side by side, every run starts once all are on the epoch clock (open_compare).
  trainer_ = std::make_unique<LiveTrainer>(options_.config, playing_ && options_.compare.empty());
  trainer_->set_checkpoint_budget(static_cast<size_t>(options_.step_back_mib * 1048576.0));
  open_compare();
  // From here the frames give way to training (priorities.hpp); the trainers' threads keep the
  // process's priority.
  lower_frame_threads();
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
  // Training steps taken while the window was open, over every run it showed (a lesson, a reset
  // or an exhibit's attract loop replaces the run), net of steps back.
  const long long first_steps = trainer_->latest()->steps_taken;
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
      if (clock::now() - trimmed > std::chrono::minutes(10)) malloc_trim(0), trimmed = clock::now();
      if (options_.quit_after_s > 0 && std::chrono::duration<double>(clock::now() - start).count() > options_.quit_after_s) break;
      int fw = 0, fh = 0;
      glfwGetFramebufferSize(window_, &fw, &fh);
      if (fw == 0 || fh == 0 || glfwGetWindowAttrib(window_, GLFW_ICONIFIED)) {  // minimized: draw nothing
      if (exhibit_) glfwRestoreWindow(window_);                                  // (an exhibit never stays so)
        glfwWaitEventsTimeout(0.1);
        events_.resized = true;
        continue;
      }
      if (events_.resized || !layer_->has_images()) {
        events_.resized = false;
        rebuild_swapchain();
        if (!layer_->has_images()) continue;
      }
      const auto now = clock::now();
      const double dt = std::chrono::duration<double>(now - last).count();
      last = now;
      anim += std::min(dt, 0.25);

      const auto state = trainer_->latest();
      if (state->generation != generation_) {
        generation_ = state->generation;
        history_.clear();
        panel_.set_draft(*state->config);
      }
      // Entries arrive in epoch order, thinned where the trainer thinned its own; the next one
      // wanted is the epoch after the last held.
      for (const auto& m : state->snapshot.new_metrics)
        if (history_.empty() || m.epoch > history_.back().epoch) history_.push_back(m);
      nn::thin_history(history_, k_live_history_cap);
      trainer_->acknowledge(generation_, history_.empty() ? 0 : history_.back().epoch + 1);
      panel_.draft().user_points = state->config->user_points;
      inspector_.track(*state);
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
        inspector_.draw(*state, *trainer_, {float(target_->width()), float(target_->height()), ui_scale_});
      }
      hover(*state);
      ImGui::Render();

      render::Scene scene = scene_of(*state, history_, view_.shown(state->view), anim);
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
        cb.blitImage(target_->image().handle(), target_->finished_layout(), dst, vk::ImageLayout::eTransferDstOptimal, blit,
                     vk::Filter::eLinear);
        const vk::RenderPassBeginInfo begin{layer_->ui_pass(), layer_->framebuffer(*image), vk::Rect2D{{0, 0}, extent}};
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
          if (recorder_->stop_asked() && recorder_->submitted() > 0) stop_recording();
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
    const long long steps = trainer_->latest()->steps_taken - first_steps;
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
  // Every thread told at once (each trainer ends its step, each field its block, meanwhile).
  if (trainer_) for_each_trainer([](LiveTrainer& t) { t.request_stop(); });
  if (progressive_) progressive_->request_stop();
  for (auto& r : rivals_)
    if (r.field) r.field->request_stop();
  progressive_.reset();  // (its thread may be using the queue and the device)
  rivals_.clear();
  stop_recording();
  trainer_.reset();
  xi_touch_.reset();
  target_.reset();
  renderer_.reset();
  acquired_ = {nullptr, nullptr};
  layer_.reset();  // ImGui, the swapchain, the context, the window, GLFW
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
