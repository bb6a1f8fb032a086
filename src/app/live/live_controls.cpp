// SPDX-License-Identifier: MIT
// The live window's controls: shortcut keys, pointer gestures on the field (add and remove
// points, zoom, pan, reset the view) and the ImGui control panel.
#define GLFW_INCLUDE_VULKAN
#include <imgui.h>

#include <algorithm>
#include <cmath>

#include "../experiment_flags.hpp"
#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
namespace {

constexpr const char* k_edited = "-edited";
constexpr double k_confirm_s = 2.5;  // a preset digit pressed twice within this switches
constexpr float k_caption_band = 0.14f;  // a lesson's caption band: about this much of the picture's height

bool slider_log(const char* label, float* v, float lo, float hi) {
  return ImGui::SliderFloat(label, v, lo, hi, "%.4g", ImGuiSliderFlags_Logarithmic);
}

}  // namespace

void LiveApp::handle_key(int key, int mods, const LiveState& state) {
  const bool ctrl = mods & GLFW_MOD_CONTROL;
  if (lesson_ && !ctrl && lesson_key(key)) return;
  const auto& presets = presets_;
  if (ctrl && key == GLFW_KEY_Q) quit_ = true;
  else if (ctrl && key == GLFW_KEY_S) save();
  else if (ctrl && key == GLFW_KEY_O) load();
  else if (key == GLFW_KEY_SPACE) toggle_play(state);
  else if (key == GLFW_KEY_S || key == GLFW_KEY_RIGHT) {
    playing_ = false;
    for_each_trainer([](LiveTrainer& t) { t.set_playing(false), t.step(1); });
  } else if (key == GLFW_KEY_LEFT) {
    playing_ = false;
    if (state.snapshot.step <= state.oldest_step) message("no earlier step is held (the history keeps the last ones)", true);
    else for_each_trainer([](LiveTrainer& t) { t.step_back(); });
  } else if (key == GLFW_KEY_I) show_computation_ = !show_computation_;
  else if (key == GLFW_KEY_D) show_inspector_ = !show_inspector_;
  else if (key == GLFW_KEY_V) toggle_recording(state);
  else if (key == GLFW_KEY_R) apply(*state.config), restart_rivals(std::nullopt), message("reset: the same initialization");
  else if (key == GLFW_KEY_N) {
    core::ExperimentConfig c = *state.config;
    c.seed = (c.seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 1;  // a new seed, below 2^63
    edit_.seed = c.seed;
    apply(c);
    restart_rivals(c.seed);  // side by side: still one seed, one data set
    message("new initialization (seed " + std::to_string(c.seed) + ")");
  } else if (key == GLFW_KEY_F11) toggle_fullscreen();
  else if (key == GLFW_KEY_H) show_ui_ = !show_ui_;
  else if (key == GLFW_KEY_P) screenshot_ = true;
  else if (key == GLFW_KEY_T) show_timings_ = !show_timings_;
  else if (key >= GLFW_KEY_1 && key <= GLFW_KEY_9 && size_t(key - GLFW_KEY_1) < presets.size()) {
    // A digit alone must not lose a run (a stray key, a value typed in the wrong place): once the
    // run has trained, the same digit pressed again within k_confirm_s switches.
    const std::string& name = presets[size_t(key - GLFW_KEY_1)].name;
    const bool confirmed = pending_preset_key_ == key && clock::now() - pending_preset_at_ < std::chrono::duration<double>(k_confirm_s);
    if (state.snapshot.step == 0 || confirmed) {
      pending_preset_key_ = 0;
      load_preset(name);
    } else {
      pending_preset_key_ = key;
      pending_preset_at_ = clock::now();
      message("press " + std::to_string(key - GLFW_KEY_0) + " again to switch to " + name + " (this run is left)");
    }
  }
  else if (key == GLFW_KEY_PAGE_UP || key == GLFW_KEY_PAGE_DOWN) {
    size_t i = 0;
    std::string current = state.config->name;
    if (current.ends_with(k_edited)) current.resize(current.size() - std::string_view(k_edited).size());
    while (i < presets.size() && presets[i].name != current) ++i;
    const size_t n = presets.size();
    const size_t next = i >= n ? 0 : key == GLFW_KEY_PAGE_DOWN ? (i + 1) % n : (i + n - 1) % n;
    load_preset(presets[next].name);
  } else if (key == GLFW_KEY_ESCAPE && glfwGetWindowMonitor(window_)) toggle_fullscreen();
}

void LiveApp::toggle_play(const LiveState& state) {
  if (!rivals_.empty()) {
    // Side by side: pause all while any runs; else every run that can goes on.
    bool running = state.playing && !state.finished;
    for (const auto& r : rivals_) running = running || (r.state->playing && !r.state->finished);
    playing_ = !running;
    for_each_trainer([&](LiveTrainer& t) {
      if (!playing_) t.set_playing(false);
      else if (t.latest()->finished) t.resume();
      else t.set_playing(true);
    });
    return;
  }
  if (state.snapshot.diverged) {
    message("the run diverged: R resets it, N starts a new initialization", true);
  } else if (state.finished) {
    playing_ = true;
    trainer_->resume();
    message(state.snapshot.paused_at ? "continuing past the stop rule" : "1000 more epochs");
  } else {
    playing_ = !playing_;
    trainer_->set_playing(playing_);
  }
}

void LiveApp::handle_input(const LiveState& state) {
  const ImGuiIO& io = ImGui::GetIO();
  InputEvents ev = std::move(events_);
  events_ = InputEvents{};
  events_.resized = ev.resized;
  events_.pointer = ev.pointer;
  if (exhibit_ && exhibit_filter(ev)) return;  // the keypad's or operator menu's
  for (const auto& [key, mods] : ev.keys)
    if (!io.WantCaptureKeyboard || (mods & GLFW_MOD_CONTROL) || key == GLFW_KEY_F11) handle_key(key, mods, state);

  // Where the pointer is as of the events handled this frame, not as the X server says now:
  // xdotool or a quick hand may already have moved on past a release still queued, and a click
  // measured against that later place would read as a drag (and add nothing).
  double cx = 0, cy = 0;
  if (ev.pointer) cx = (*ev.pointer)[0], cy = (*ev.pointer)[1];
  else glfwGetCursorPos(window_, &cx, &cy);
  auto add_or_remove = [&](const InputEvents::Button& b) {
    const auto d = to_data(b.x, b.y);
    if (!d) return;
    const nn::View v = view_.value_or(state.view);
    if (b.mods & GLFW_MOD_CONTROL) {
      for_each_trainer([&](LiveTrainer& t) { t.remove_nearest_point(float((*d)[0]), float((*d)[1]), float(0.04 * (v[2] - v[0]))); });
      return;
    }
    const int classes = state.dataset->classes;
    int label = b.button == GLFW_MOUSE_BUTTON_LEFT ? 1 : 0;
    // More than two classes, or an exhibit (where a touch is a left click): the picker's class.
    if (classes > 2 || exhibit_) label = b.button == GLFW_MOUSE_BUTTON_LEFT ? selected_class_ : 0;
    for_each_trainer([&](LiveTrainer& t) { t.add_point({float((*d)[0]), float((*d)[1]), std::clamp(label, 0, classes - 1), false}); });
    ++points_added_;
  };
  // A single click acts once the double-click time has passed without a second click (by the
  // events' times: every click counts, however many arrive within one frame).
  auto settle = [&](double t) {
    if (pending_click_ && t - last_release_time_ >= k_double_click_s) {
      add_or_remove(*pending_click_);
      pending_click_.reset();
    }
  };
  for (const auto& b : ev.buttons) {
    settle(b.t);
    if (b.action == GLFW_PRESS) {
      if (io.WantCaptureMouse) continue;
      // A tap on a lesson's caption band (the bottom of the picture) is "next".
      if (lesson_ && b.button == GLFW_MOUSE_BUTTON_LEFT && b.y > scene_rect().y1 - k_caption_band * scene_rect().height()) {
        lesson_next();
        continue;
      }
      if (!to_data(b.x, b.y)) {
        if (b.button == GLFW_MOUSE_BUTTON_LEFT) click_diagram(hit_diagram(b.x, b.y, state), state);
        continue;
      }
      // A double-click: a second left click soon after the first, where the first landed. Times
      // are the events' own (several clicks can arrive within one slow frame); any other press
      // leaves the pending click to be added.
      if (pending_click_ && b.button == GLFW_MOUSE_BUTTON_LEFT && pending_click_->button == GLFW_MOUSE_BUTTON_LEFT &&
          b.t - last_release_time_ < k_double_click_s &&
          std::hypot(b.x - pending_click_->x, b.y - pending_click_->y) <= k_double_click_px) {
        pending_click_.reset();  // double-click: reset the view, add nothing
        view_.reset();
        pressing_ = false;
        continue;
      }
      pressing_ = true;
      dragging_ = false;
      long_pressed_ = false;
      press_button_ = b.button, press_mods_ = b.mods, press_x_ = b.x, press_y_ = b.y, press_t_ = b.t;
      drag_view_ = view_.value_or(state.view);
      grabbed_ = b.button == GLFW_MOUSE_BUTTON_LEFT ? user_point_near(b.x, b.y, state) : std::nullopt;
    } else if (b.action == GLFW_RELEASE && pressing_ && b.button == press_button_) {
      pressing_ = false;
      if (dragging_ && grabbed_) {
        // A hand-placed point dragged: it leaves its old place and joins at the new one.
        if (const auto d = to_data(b.x, b.y)) {
          const nn::View v = view_.value_or(state.view);
          const data::Point from = *grabbed_;
          for_each_trainer([&](LiveTrainer& t) {
            t.remove_nearest_point(from.x, from.y, float(1e-4 * (v[2] - v[0])));
            t.add_point({float((*d)[0]), float((*d)[1]), from.label, false});
          });
        }
      } else if (!dragging_ && !long_pressed_) {
        if (pending_click_) add_or_remove(*pending_click_);
        pending_click_ = InputEvents::Button{b.button, b.action, press_mods_, press_x_, press_y_, b.t};
        last_release_time_ = b.t;
      }
      dragging_ = false;
    }
  }
  settle(glfwGetTime());
  // Dragging pans the field, or moves the hand-placed point it began on (on release). Judged
  // before the long press below: a slow frame may bring the press and the moves together.
  if (pressing_ && glfwGetMouseButton(window_, press_button_) == GLFW_PRESS) {
    if (!dragging_ && !long_pressed_ && std::hypot(cx - press_x_, cy - press_y_) > k_drag_px) dragging_ = true;
    const auto& fields = renderer_->last_placements();
    if (dragging_ && !grabbed_ && !fields.empty()) {
      const auto& f = fields[0];
      int ww = 1, wh = 1;
      glfwGetWindowSize(window_, &ww, &wh);
      const double sx = target_->width() / double(std::max(ww, 1)), sy = target_->height() / double(std::max(wh, 1));
      const double du = (cx - press_x_) * sx / f.rect.width() * (f.view[2] - f.view[0]);
      const double dv = (cy - press_y_) * sy / f.rect.height() * (f.view[3] - f.view[1]);
      view_ = nn::View{drag_view_[0] - du, drag_view_[1] + dv, drag_view_[2] - du, drag_view_[3] + dv};
    }
  }
  // Held still: the nearest point goes, while the button is still down (so it is seen to go).
  if (pressing_ && !dragging_ && !long_pressed_ && glfwGetTime() - press_t_ >= k_long_press_s &&
      glfwGetMouseButton(window_, press_button_) == GLFW_PRESS) {
    long_pressed_ = true;
    if (const auto d = to_data(press_x_, press_y_)) {
      const nn::View v = view_.value_or(state.view);
      for_each_trainer([&](LiveTrainer& t) { t.remove_nearest_point(float((*d)[0]), float((*d)[1]), float(0.04 * (v[2] - v[0]))); });
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

// Drawn with or without the controls: the recording indicator and the last message (errors
// only while presenting).
void LiveApp::draw_overlays() {
  const render::Rect r = scene_rect();
  // While recording: a red dot and the frame count in the top right corner of the field, in
  // sight even with the controls hidden and clear of every curve and axis (it is not in the
  // video); the bottom right of the window when no field is drawn.
  if (recorder_) {
    const auto& fields = renderer_->last_placements();
    if (!fields.empty())
      ImGui::SetNextWindowPos(ImVec2(fields[0].rect.x1 - 6 * ui_scale_, fields[0].rect.y0 + 6 * ui_scale_), ImGuiCond_Always, ImVec2(1, 0));
    else
      ImGui::SetNextWindowPos(ImVec2(float(target_->width()) - 10 * ui_scale_, float(target_->height()) - 10 * ui_scale_),
                              ImGuiCond_Always, ImVec2(1, 1));
    ImGui::SetNextWindowBgAlpha(0.92f);
    ImGui::Begin("##recording", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
    const auto frames = static_cast<unsigned long long>(recorder_->frames());
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "\xE2\x97\x8F REC  %llu frame%s  (V stops)", frames, frames == 1 ? "" : "s");
    ImGui::End();
  }
  // T: where a frame's time goes, pass by pass (GPU timestamps; the field's host time with the
  // CPU engine), at the top right of the picture.
  if (show_timings_) {
    const render::Renderer::PassTimes t = renderer_->last_pass_times();
    ImGui::SetNextWindowPos(ImVec2(r.x1 - 10 * ui_scale_, r.y0 + 10 * ui_scale_), ImGuiCond_Always, ImVec2(1, 0));
    ImGui::SetNextWindowBgAlpha(0.88f);
    ImGui::Begin("##timings", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
    ImGui::Text("%.1f frames/s (%.1f ms)   T hides", fps_, fps_ > 0 ? 1000.0 / fps_ : 0.0);
    auto row = [](const char* name, double ms) {
      if (ms < 0.0) ImGui::Text("%-12s  -", name);
      else ImGui::Text("%-12s %7.2f ms", name, ms);
    };
    if (t.frame == 0) {
      ImGui::TextDisabled("no frame drawn and timed yet");
    } else {
      row("field (GPU)", t.field_ms);
      row("field (host)", t.field_host_ms);
      row("field views", t.field_view_ms);
      row("shapes", t.shapes_ms);
      row("copy-out, UI", t.copy_ms);
      ImGui::TextDisabled("GPU timestamps of frame %llu", static_cast<unsigned long long>(t.frame));
    }
    const auto level = progressive_->latest();
    const AdaptiveCount a = progressive_->adaptive_count();
    ImGui::Text("field thread: %s, %llu levels", level.values && level.stride == 1 ? "every pixel" : "refining",
                static_cast<unsigned long long>(progressive_->levels_done()));
    if (a.pixels > 0) ImGui::Text("adaptive: %.0f%% of pixels evaluated", 100.0 * double(a.evaluated) / double(a.pixels));
    ImGui::End();
  }
  // The last message, over the bottom left of the picture where it is always in sight.
  // In an exhibit: a visitor's messages only (the attract loop's lessons speak through their
  // captions), at the top, clear of the caption band and the visitor's bar.
  const bool visitor = exhibit_ && !exhibit_->attracting();
  if (!message_.empty() && (show_ui_ || message_error_ || visitor) && clock::now() - message_at_ < std::chrono::seconds(8)) {
    if (exhibit_)
      ImGui::SetNextWindowPos(ImVec2(0.5f * (r.x0 + r.x1), r.y0 + 10 * ui_scale_), ImGuiCond_Always, ImVec2(0.5f, 0));
    else
      ImGui::SetNextWindowPos(ImVec2(r.x0 + 10 * ui_scale_, r.y1 - 10 * ui_scale_), ImGuiCond_Always, ImVec2(0, 1));
    ImGui::SetNextWindowBgAlpha(0.92f);
    ImGui::Begin("##message", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoFocusOnAppearing |
                     ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
    if (exhibit_) ImGui::SetWindowFontScale(std::clamp(touch_px_ * 0.42f / ImGui::GetFontSize(), 1.0f, 3.0f));
    ImGui::PushTextWrapPos((exhibit_ ? 0.8f : 0.5f) * (r.x1 - r.x0));
    ImGui::PushStyleColor(ImGuiCol_Text, message_error_ ? ImVec4(0.75f, 0.1f, 0.1f, 1) : ImVec4(0.1f, 0.45f, 0.2f, 1));
    ImGui::TextUnformatted(message_.c_str());
    ImGui::PopStyleColor();
    ImGui::PopTextWrapPos();
    ImGui::End();
  }
}

void LiveApp::draw_ui(const LiveState& state) {
  draw_overlays();
  if (!show_ui_) return;
  const render::Rect r = scene_rect();
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(r.x0, float(target_->height())));
  ImGui::Begin("nnlive", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  const nn::Snapshot& snap = state.snapshot;
  ImGui::Text("epoch %d   step %lld", snap.epoch, snap.step);
  ImGui::Text("%.0f steps/s%s   %.1f frames/s", state.steps_per_second, recorder_ ? " (lock-step)" : "", fps_);
  // The button says what Space does now: a run its stop rule or cap stopped continues.
  const char* play_label = state.snapshot.diverged ? "Diverged: Reset (R)"
                           : state.finished        ? "Continue (Space)"
                           : playing_              ? "Pause (Space)"
                                                   : "Play (Space)";
  ImGui::BeginDisabled(state.snapshot.diverged && rivals_.empty());
  if (ImGui::Button(rivals_.empty() ? play_label : playing_ ? "Pause all (Space)" : "Play all (Space)")) toggle_play(state);
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Step (S)")) handle_key(GLFW_KEY_S, 0, state);
  ImGui::SameLine();
  ImGui::BeginDisabled(state.snapshot.step <= state.oldest_step);
  if (ImGui::Button("Back (\xE2\x86\x90)")) handle_key(GLFW_KEY_LEFT, 0, state);
  ImGui::EndDisabled();
  if (ImGui::Button("Reset (R)")) handle_key(GLFW_KEY_R, 0, state);
  ImGui::SameLine();
  if (ImGui::Button("New init (N)")) handle_key(GLFW_KEY_N, 0, state);
  ImGui::SameLine();
  ImGui::TextDisabled("history from step %lld", state.oldest_step);
  float speed = float(speed_);
  bool max_speed = speed_ <= 0.0;
  if (ImGui::Checkbox("full speed", &max_speed)) set_pace(max_speed ? 0.0 : (state.config->pace > 0 ? state.config->pace : 50.0));
  if (!max_speed) {
    ImGui::SameLine();
    if (slider_log("epochs/s", &speed, 0.1f, 10000.0f)) set_pace(speed);
  }

  if (!lesson_ && !recorder_) {
    // Side by side: a classic comparison, each over its own preset, or panel 1 alone.
    const char* shown = rivals_.empty() ? "off" : compare_set_.empty() ? "from the command line" : compare_set_.c_str();
    if (ImGui::BeginCombo("side by side", shown)) {
      if (ImGui::Selectable("off (panel 1 alone)", rivals_.empty())) choose_compare("");
      for (const auto& c : compare_sets()) {
        if (ImGui::Selectable(c.name.c_str(), compare_set_ == c.name && !rivals_.empty())) choose_compare(c.name);
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.description.c_str());
      }
      ImGui::EndCombo();
    }
  }
  draw_compare(state);
  ImGui::Separator();
  ImGui::TextDisabled(rivals_.empty() ? "Applies live" : "Applies live, to panel 1");
  float lr = state.learning_rate;
  if (slider_log("learning rate", &lr, 1e-5f, 10.0f)) {
    trainer_->set_learning_rate(lr);
    edit_.training.optimizer.lr = lr;
  }
  int pal = int(picture_.palette);
  if (ImGui::Combo("palette", &pal, "blue / orange\0blue / magenta\0")) picture_.palette = render::PaletteKind(pal);
  int lay = int(picture_.layout);
  if (ImGui::Combo("layout", &lay, "full\0field\0field + curves\0")) picture_.layout = render::Layout(lay);
  ImGui::Checkbox("step-through view (I)", &show_computation_);
  ImGui::SameLine();
  ImGui::Checkbox("data and weights (D)", &show_inspector_);
  ImGui::Checkbox("coarser field while training if slow", &adaptive_resolution_);
  // The level the field's thread has drawn, while coarser than one evaluation per pixel.
  if (const auto level = progressive_->latest(); level.values && level.stride > 1) {
    ImGui::SameLine();
    ImGui::TextDisabled("1/%u, refining", level.stride);
  }
  if (pinned_neuron_) {
    ImGui::Text("field shows neuron %d of layer %d", pinned_neuron_->second + 1, pinned_neuron_->first + 1);
    ImGui::SameLine();
    if (ImGui::SmallButton("show output")) pinned_neuron_.reset();
  }
  ImGui::Checkbox("discretize", &picture_.discretize);
  ImGui::SameLine();
  ImGui::Checkbox("log loss", &picture_.log_loss);
  if (state.dataset->classes > 2) ImGui::SliderInt("click class", &selected_class_, 0, state.dataset->classes - 1);

  ImGui::Separator();
  ImGui::TextDisabled(rivals_.empty() ? "Restarts the run" : "Restarts panel 1's run");
  if (ImGui::BeginCombo("preset", state.config->name.c_str())) {
    for (const auto& p : presets_)
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
  ImGui::SameLine();
  // Start from no data: the points a user places are the whole training set (S3's "a few points
  // and a big network" exercise).
  if (ImGui::Button("Clear")) edit_.data.name = "empty", edit_.user_points.clear(), changed = true;
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
      // One activation per hidden layer; with none left, keep one for when a layer is added.
      if (edit_.activations.size() > 1) edit_.activations.erase(edit_.activations.begin() + long(l));
      changed = true;
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  if (edit_.hidden.size() < 8 && ImGui::Button("add layer")) {
    const nn::Activation act = edit_.activations.empty() ? nn::Activation::tanh : edit_.activations.back();
    edit_.hidden.push_back(edit_.hidden.empty() ? 8 : edit_.hidden.back());
    edit_.activations.resize(edit_.hidden.size(), act);
    changed = true;
  }
  ImGui::Text("inputs");
  for (int f = 0; f < nn::k_feature_count; ++f) {
    bool on = std::find(edit_.features.begin(), edit_.features.end(), nn::Feature(f)) != edit_.features.end();
    if (f % 4) ImGui::SameLine();
    if (ImGui::Checkbox(nn::display_name(nn::Feature(f)), &on)) {
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
  changed |= slider_log("confidence penalty", &edit_.training.confidence, 0.0f, 10.0f);
  float thr = float(edit_.training.stop_threshold);
  if (slider_log("stop below", &thr, 1e-4f, 1.0f)) edit_.training.stop_threshold = thr, changed = true;
  changed |= ImGui::SliderInt("for epochs", &edit_.training.stop_window, 0, 2000);
  changed |= ImGui::SliderInt("epoch cap", &edit_.training.max_epochs, 1, 100000, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::Checkbox("never stop (window)", &edit_.training.endless);
  // An experiment changed here is no longer its preset: say so in its name (header, Ctrl+S,
  // recordings), once.
  if (changed && !edit_.name.ends_with(k_edited)) edit_.name += k_edited;
  if (changed && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) apply(edit_);
  else if (changed) pending_apply_ = true;
  if (pending_apply_ && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) pending_apply_ = false, apply(edit_);

  draw_record_ui(state);
  ImGui::Separator();
  ImGui::TextWrapped("Ctrl+S saves, Ctrl+O loads: %s", options_.save_path.c_str());
  ImGui::TextWrapped("P: screenshot   T: frame timings   H: hide controls   F11: full screen   1-9, PgUp/PgDn: presets   Ctrl+Q: quit");
  ImGui::TextWrapped("Field: left click adds class 1, right click class 0, Ctrl+click removes; wheel zooms, drag pans, "
                     "double-click resets the view.");
  ImGui::TextWrapped("Diagram: point at a neuron to see its own field, click to keep it; click an edge for its weight, "
                     "gradient, update and history.");
  ImGui::End();
}

void LiveApp::stop_recording() {
  if (!recorder_) return;
  try {
    recorder_->finish();
    message("recorded " + std::to_string(recorder_->frames()) + " frames to " + recorder_->request().path);
  } catch (const core::UserError& e) {
    message(e.what(), true);
  }
  recorder_.reset();
}

void LiveApp::toggle_recording(const LiveState& state) {
  if (recorder_) {
    stop_recording();
    return;
  }
  if (!rivals_.empty()) {
    message("the window records one experiment; `nnlive record --compare` records them side by side", true);
    return;
  }
  static const std::array<std::pair<uint32_t, uint32_t>, 4> sizes{{{1280, 720}, {1920, 1080}, {2560, 1440}, {3840, 2160}}};
  static const std::array<double, 3> rates{24.0, 30.0, 60.0};
  static const std::array<const char*, 3> endings{".mp4", ".gif", "-frames/"};
  RecordRequest r;
  r.width = sizes[size_t(record_size_)].first, r.height = sizes[size_t(record_size_)].second;
  r.fps = rates[size_t(record_fps_)];
  r.epochs_per_frame = record_epochs_;
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  r.path = "nnlive-" + state.config->name + "-" + std::to_string(now) + endings[size_t(record_format_)];
  try {
    recorder_ = std::make_unique<LiveRecorder>(*ctx_, *trainer_, r, state.steps_per_epoch, view_options());
    message("recording to " + r.path + " (V stops)");
  } catch (const core::UserError& e) {
    message(e.what(), true);
  }
}

void LiveApp::draw_record_ui(const LiveState& state) {
  ImGui::Separator();
  ImGui::TextDisabled("Record (offscreen, frame-exact)");
  ImGui::BeginDisabled(recorder_ != nullptr);
  ImGui::SetNextItemWidth(130 * ui_scale_);
  ImGui::Combo("size", &record_size_, "1280x720\0" "1920x1080\0" "2560x1440\0" "3840x2160\0");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70 * ui_scale_);
  ImGui::Combo("fps", &record_fps_, "24\0" "30\0" "60\0");
  ImGui::SetNextItemWidth(130 * ui_scale_);
  ImGui::Combo("as", &record_format_, "MP4 (H.264)\0" "GIF\0" "PNG frames\0");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * ui_scale_);
  slider_log("epochs/frame", &record_epochs_, 0.01f, 100.0f);
  ImGui::EndDisabled();
  if (ImGui::Button(recorder_ ? "Stop recording (V)" : "Record (V)")) toggle_recording(state);
  if (recorder_) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "\xE2\x97\x8F %llu frames", static_cast<unsigned long long>(recorder_->frames()));
    ImGui::TextWrapped("Training runs in lock-step with the video: %.3g epochs per frame; Space pauses both.", double(record_epochs_));
  }
}

}  // namespace nnlive::app::live
