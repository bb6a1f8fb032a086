// SPDX-License-Identifier: MIT
// The live window's controls carried out: commands (from keys, the control panel and the
// exhibit's bar), the mouse into the pointer stream and the gestures' actions (add, remove and
// move points, pan, zoom, reset the view), the wheel, and the overlays drawn over the picture.
#define GLFW_INCLUDE_VULKAN
#include <imgui.h>

#include <algorithm>
#include <cfloat>
#include <cmath>

#include "../experiment_flags.hpp"
#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
namespace {

constexpr double k_confirm_s = 2.5;  // a preset digit pressed twice within this switches
constexpr float k_caption_band = 0.14f;  // a lesson's caption band: about this much of the picture's height

}  // namespace

void LiveApp::handle_key(int key, int mods, const LiveState& state) {
  if (lesson_ && !(mods & GLFW_MOD_CONTROL) && lesson_key(key)) return;
  if (auto c = key_command(key, mods)) execute(*c, state);
}

namespace {
template <class... F>
struct overloaded : F... {
  using F::operator()...;
};
}  // namespace

void LiveApp::execute(const Command& command, const LiveState& state) {
  const auto& presets = panel_.presets();
  std::visit(
      overloaded{
          [&](const cmd::Quit&) { quit_ = true; },
          [&](const cmd::Save&) { save(); },
          [&](const cmd::Load&) { load(); },
          [&](const cmd::TogglePlay&) { toggle_play(state); },
          [&](const cmd::Step&) {
            playing_ = false;
            for_each_trainer([](LiveTrainer& t) { t.set_playing(false), t.step(1); });
          },
          [&](const cmd::Back&) {
            playing_ = false;
            if (state.snapshot.step <= state.oldest_step) message("no earlier step is held (the history keeps the last ones)", true);
            else for_each_trainer([](LiveTrainer& t) { t.step_back(); });
          },
          [&](const cmd::Reset&) { apply(*state.config), restart_rivals(std::nullopt), message("reset: the same initialization"); },
          [&](const cmd::NewInit&) {
            core::ExperimentConfig c = *state.config;
            c.seed = (c.seed * 6364136223846793005ULL + 1442695040888963407ULL) >> 1;  // a new seed, below 2^63
            panel_.draft().seed = c.seed;
            apply(c);
            restart_rivals(c.seed);  // side by side: still one seed, one data set
            message("new initialization (seed " + std::to_string(c.seed) + ")");
          },
          [&](const cmd::ToggleFullscreen&) { toggle_fullscreen(); },
          [&](const cmd::LeaveFullscreen&) {
            if (glfwGetWindowMonitor(window_)) toggle_fullscreen();
          },
          [&](const cmd::ToggleControls&) { show_ui_ = !show_ui_; },
          [&](const cmd::Screenshot&) { screenshot_ = true; },
          [&](const cmd::ToggleTimings&) { show_timings_ = !show_timings_; },
          [&](const cmd::ShowComputation& c) { inspector_.show_computation(c.on.value_or(!inspector_.computation_shown())); },
          [&](const cmd::ShowInspector& c) { inspector_.show_data(c.on.value_or(!inspector_.data_shown())); },
          [&](const cmd::ToggleRecording&) { toggle_recording(state); },
          [&](const cmd::PresetKey& c) {
            if (c.index < 0 || size_t(c.index) >= presets.size()) return;
            // A digit alone must not lose a run (a stray key, a value typed in the wrong place):
            // once the run has trained, the same digit pressed again within k_confirm_s switches.
            const std::string& name = presets[size_t(c.index)].name;
            const bool confirmed =
                pending_preset_key_ == c.index + 1 && clock::now() - pending_preset_at_ < std::chrono::duration<double>(k_confirm_s);
            if (state.snapshot.step == 0 || confirmed) {
              pending_preset_key_ = 0;
              load_preset(name);
            } else {
              pending_preset_key_ = c.index + 1;
              pending_preset_at_ = clock::now();
              message("press " + std::to_string(c.index + 1) + " again to switch to " + name + " (this run is left)");
            }
          },
          [&](const cmd::CyclePreset& c) {
            const std::string current = ControlPanel::preset_of(state.config->name);
            size_t i = 0;
            while (i < presets.size() && presets[i].name != current) ++i;
            const size_t n = presets.size();
            if (n == 0) return;
            const size_t next = i >= n ? 0 : (i + n + size_t(c.delta % int(n) + int(n))) % n;
            load_preset(presets[next].name);
          },
          [&](const cmd::LoadPreset& c) { load_preset(c.name); },
          [&](const cmd::Apply& c) {
            if (apply(c.config) && !c.note.empty()) message(c.note);
          },
          [&](const cmd::TryExperiment& c) {
            if (exhibit_) exhibit_try(c.config, c.what);
            else if (apply(c.config)) message(c.what);
          },
          [&](const cmd::NextLesson&) {
            if (exhibit_) exhibit_->next_lesson(), exhibit_play(false);
            else if (lesson_) lesson_next();
          },
          [&](const cmd::SetPace& c) { set_pace(c.epochs_per_second); },
          [&](const cmd::SetLearningRate& c) {
            trainer_->set_learning_rate(c.lr);
            panel_.draft().training.optimizer.lr = c.lr;
            if (exhibit_) message("learning rate " + num(c.lr));
          },
          [&](const cmd::SetPicture& c) { picture_ = c.picture; },
          [&](const cmd::SetAdaptive& c) { adaptive_resolution_ = c.on; },
          [&](const cmd::SetClickClass& c) { selected_class_ = std::clamp(c.label, 0, std::max(state.dataset->classes - 1, 0)); },
          [&](const cmd::ShowOutput&) { inspector_.unpin(); },
          [&](const cmd::ChooseCompare& c) { choose_compare(c.set); },
      },
      command);
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
  if (exhibit_ && exhibit_filter(ev)) {  // the keypad's or operator menu's: no gesture goes on under them
    gestures_.reset();
    gesture_actions_.clear();
    return;
  }
  for (const auto& [key, mods] : ev.keys)
    if (!io.WantCaptureKeyboard || (mods & GLFW_MOD_CONTROL) || key == GLFW_KEY_F11) handle_key(key, mods, state);

  // Where the pointer is as of the events handled this frame, not as the X server says now:
  // xdotool or a quick hand may already have moved on past a release still queued, and a click
  // measured against that later place would read as a drag (and add nothing).
  double cx = 0, cy = 0;
  if (ev.pointer) cx = (*ev.pointer)[0], cy = (*ev.pointer)[1];
  else glfwGetCursorPos(window_, &cx, &cy);
  // The mouse's buttons join the touches in the one pointer stream (handle_touches fed them
  // first). A press over the controls is theirs; one on a caption or the diagram acts there.
  for (const auto& b : ev.buttons) {
    PointerEvent e{b.action == GLFW_PRESS ? PointerEvent::down : PointerEvent::up, PointerGestures::k_mouse, b.button, b.mods, b.x, b.y, b.t};
    if (b.action == GLFW_PRESS) {
      if (gestures_.down(PointerGestures::k_mouse) || io.WantCaptureMouse || press_elsewhere(b.x, b.y, b.button, state)) continue;
      mouse_button_ = b.button;
      gestures_.feed(e, place_at(b.x, b.y, state), gesture_actions_);
    } else if (b.action == GLFW_RELEASE && b.button == mouse_button_) {
      gestures_.feed(e, gesture_actions_);
    }
  }
  // A held button: its drag as of this frame (and its release, if one was never reported).
  if (gestures_.down(PointerGestures::k_mouse)) {
    const bool held = glfwGetMouseButton(window_, mouse_button_) == GLFW_PRESS;
    gestures_.feed({held ? PointerEvent::move : PointerEvent::up, PointerGestures::k_mouse, mouse_button_, 0, cx, cy, glfwGetTime()},
                   gesture_actions_);
  }
  gestures_.tick(glfwGetTime(), gesture_actions_);
  do_gestures(state);
  // The wheel zooms about the pointer.
  if (ev.scroll != 0.0 && !io.WantCaptureMouse) {
    if (const auto d = to_data(cx, cy)) {
      if (const auto v = ViewState::zoomed(view_.shown(state.view), *d, ViewState::wheel_factor(ev.scroll))) view_.set(*v);
    }
  }
}

bool LiveApp::press_elsewhere(double x, double y, int button, const LiveState& state) {
  // A tap on a lesson's caption band (the bottom of the picture) is "next".
  if (lesson_ && button == GLFW_MOUSE_BUTTON_LEFT && y > scene_rect().y1 - k_caption_band * scene_rect().height()) {
    lesson_next();
    return true;
  }
  if (to_data(x, y)) return false;
  if (button == GLFW_MOUSE_BUTTON_LEFT) inspector_.click(hit_diagram(x, y, state), state, *trainer_);
  return true;
}

PointerGestures::Place LiveApp::place_at(double x, double y, const LiveState& state) const {
  return {user_point_near(x, y, state)};
}

void LiveApp::say_runs_without(int label) {
  std::string panels;
  size_t n = 0, index = 0;
  for_each_trainer([&](LiveTrainer& t) {
    ++index;
    if (label >= t.latest()->dataset->classes) panels += (n++ ? ", " : "") + std::to_string(index);
  });
  if (n > 0)
    message((n == 1 ? "panel " : "panels ") + panels + (n == 1 ? " has" : " have") + " no class " + std::to_string(label) +
            ": the point joined the other runs only");
}

void LiveApp::do_gestures(const LiveState& state) {
  const nn::View v = view_.shown(state.view);
  const float reach = float(0.04 * (v[2] - v[0]));  // a removal takes the nearest point within this
  for (const auto& a : gesture_actions_) {
    switch (a.kind) {
      case PointerGestures::Action::click: {
        const auto d = to_data(a.x, a.y);
        if (!d) break;
        if (a.mods & GLFW_MOD_CONTROL) {
          for_each_trainer([&](LiveTrainer& t) { t.remove_nearest_point(float((*d)[0]), float((*d)[1]), reach); });
          break;
        }
        const int classes = state.dataset->classes;
        int label = a.button == GLFW_MOUSE_BUTTON_LEFT ? 1 : 0;
        // More than two classes, or an exhibit (where a touch is a left click): the picker's class.
        if (classes > 2 || exhibit_) label = a.button == GLFW_MOUSE_BUTTON_LEFT ? selected_class_ : 0;
        label = std::clamp(label, 0, classes - 1);
        for_each_trainer([&](LiveTrainer& t) { t.add_point({float((*d)[0]), float((*d)[1]), label, false}); });
        ++points_added_;
        say_runs_without(label);
        break;
      }
      case PointerGestures::Action::double_click: view_.reset(); break;
      case PointerGestures::Action::long_press:
        if (const auto d = to_data(a.x, a.y))
          for_each_trainer([&](LiveTrainer& t) { t.remove_nearest_point(float((*d)[0]), float((*d)[1]), reach); });
        break;
      case PointerGestures::Action::move_point:
        // The point leaves its old place and joins at the new one, with its class.
        if (const auto d = to_data(a.x, a.y))
          for_each_trainer([&](LiveTrainer& t) {
            t.remove_nearest_point(a.point.x, a.point.y, float(1e-4 * (v[2] - v[0])));
            t.add_point({float((*d)[0]), float((*d)[1]), a.point.label, false});
          });
        say_runs_without(a.point.label);
        break;
      case PointerGestures::Action::pan:
        if (a.begin) gesture_view0_ = v;
        view_.set(panned(gesture_view0_, a.dx, a.dy));
        break;
      case PointerGestures::Action::pinch:
        if (a.begin) {
          gesture_view0_ = v;
          const auto c = to_data(a.x, a.y);
          pinch_centre_ = c ? *c : std::array<double, 2>{0.5 * (v[0] + v[2]), 0.5 * (v[1] + v[3])};
        }
        // Zoomed about where the fingers met, then moved with their midpoint: the data under the
        // fingers stays under them.
        if (const auto z = ViewState::zoomed(gesture_view0_, pinch_centre_, std::clamp(a.scale, 0.05, 20.0)))
          view_.set(panned(*z, a.dx, a.dy));
        break;
    }
  }
  gesture_actions_.clear();
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
    if (recorder_->stop_asked())
      ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "\xE2\x97\x8F REC  stopping after the first frame");
    else
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
      if (t.view_host_ms > 0.0) row("views (host)", t.view_host_ms);
      row("shapes", t.shapes_ms);
      if (t.shapes_host_ms > 0.0) row("shapes (host)", t.shapes_host_ms);
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
    // Sized here from the text itself (auto-resizing lagged behind a new message and clipped it).
    const float scale = exhibit_ ? exhibit_font_scale() : 1.0f;
    const ImVec2 pad = ImGui::GetStyle().WindowPadding;
    const float wrap = (exhibit_ ? 0.8f : 0.5f) * (r.x1 - r.x0);
    const ImVec2 text = ImGui::GetFont()->CalcTextSizeA(ImGui::GetFontSize() * scale, FLT_MAX, wrap - pad.x, message_.c_str());
    ImGui::SetNextWindowSize(ImVec2(std::ceil(text.x) + 2 * pad.x + 1, std::ceil(text.y) + 2 * pad.y + 1));
    ImGui::SetNextWindowBgAlpha(0.92f);
    ImGui::Begin("##message", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav | ImGuiWindowFlags_NoInputs);
    ImGui::SetWindowFontScale(scale);
    ImGui::PushTextWrapPos(wrap);
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
  ControlPanel::View v{.state = state};
  v.playing = playing_;
  v.speed = speed_;
  v.fps = fps_;
  v.rivals = rivals_.size();
  v.compare_set = compare_set_;
  v.lesson = lesson_.has_value();
  if (recorder_) v.recording = recorder_->frames();
  v.picture = picture_;
  v.computation = inspector_.computation_shown(), v.inspector = inspector_.data_shown(), v.adaptive = adaptive_resolution_;
  if (const auto level = progressive_->latest(); level.values) v.refining_stride = level.stride;
  v.pinned_neuron = inspector_.pinned();
  v.click_class = selected_class_;
  v.save_path = options_.save_path;
  v.ui_scale = ui_scale_;
  v.width = scene_rect().x0, v.height = float(target_->height());
  v.compare_chart = [&] { draw_compare(state); };
  std::vector<Command> commands;
  panel_.draw(v, commands);
  for (const Command& c : commands) execute(c, state);
}

void LiveApp::stop_recording() {
  if (!recorder_) return;
  if (recorder_->submitted() == 0) {
    // (only at quit or on an error: V waits for the first frame, toggle_recording)
    message("the recording ended before its first frame; nothing was written to " + recorder_->request().path);
    recorder_.reset();  // (removes the partial file)
    return;
  }
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
    if (recorder_->submitted() == 0) {
      recorder_->stop_after_first_frame();  // the frame loop stops it once the first frame is in
      return;
    }
    stop_recording();
    return;
  }
  if (!rivals_.empty()) {
    message("the window records one experiment; `nnlive record --compare` records them side by side", true);
    return;
  }
  const long long now = std::chrono::duration_cast<std::chrono::seconds>(std::chrono::system_clock::now().time_since_epoch()).count();
  const RecordRequest r = panel_.record_settings().request(state.config->name, now);
  try {
    recorder_ = std::make_unique<LiveRecorder>(*ctx_, *trainer_, r, state.steps_per_epoch, view_options());
    message("recording to " + r.path + " (V stops)");
  } catch (const core::UserError& e) {
    message(e.what(), true);
  }
}

}  // namespace nnlive::app::live
