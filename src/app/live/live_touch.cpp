// SPDX-License-Identifier: MIT
// Touches in the live window, from a touch table (TUIO cursors) and from a touch screen
// (XInput 2.2 touch events on the window), in one stream with the mouse: a finger that goes
// down on the controls drives ImGui's pointer; any other goes to the picture's gestures
// (pointer_gestures.hpp), as the mouse does, so a tap is a click, a held finger removes the
// nearest point, a drag moves a point or pans, and two fingers pinch-zoom.
#define GLFW_INCLUDE_VULKAN
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
void LiveApp::open_touch() {
  if (options_.tuio_port < 0) return;
  try {
    tuio_ = std::make_unique<TuioListener>(options_.tuio_port, [] { return glfwGetTime(); });
  } catch (const core::UserError& e) {
    if (options_.tuio_required) throw;
    // The default port is taken (another nnlive, a tracker's own tools): the window still runs.
    std::cerr << "nnlive: " << e.what() << "; touches from a touch table are off (--tuio PORT picks another)" << std::endl;
  }
}

void LiveApp::open_xi_touch() {
  if (!options_.xi_touch) return;
  xi_touch_ = std::make_unique<XiTouch>(window_, [] { return glfwGetTime(); });
  if (!xi_touch_->active()) {
    std::cerr << "nnlive: touches on the screen (XInput 2.2) are off: " << xi_touch_->reason() << std::endl;
    xi_touch_.reset();
  }
}

void LiveApp::visitor_activity(double t) {
  if (exhibit_ && exhibit_->touched(t)) {
    // A visitor: free play with the network the lesson had got to, training on (a lesson's
    // step may have paused it), and the bar of controls is theirs. "Next lesson" starts one at
    // their pace.
    lesson_.reset();
    options_.lesson_auto = false;
    playing_ = true;
    trainer_->set_playing(true);
    std::cout << "nnlive: exhibit: a visitor took over" << std::endl;
  }
}

std::optional<data::Point> LiveApp::user_point_near(double x, double y, const LiveState& state) const {
  const auto d = to_data(x, y);
  const auto panel = panel_at(x, y);
  if (!d || !panel) return std::nullopt;
  // Data units per window pixel across that panel's field.
  const auto& f = renderer_->last_placements()[*panel];
  int ww = 1;
  glfwGetWindowSize(window_, &ww, nullptr);
  const double per_px = (f.view[2] - f.view[0]) / std::max(1.0f, f.rect.width()) * target_->width() / std::max(ww, 1);
  std::optional<data::Point> near;
  double best = k_grab_px * per_px;
  for (const auto& p : state.config->user_points) {
    const double dist = std::hypot(p.x - (*d)[0], p.y - (*d)[1]);
    if (dist <= best) best = dist, near = p;
  }
  return near;
}

bool LiveApp::over_controls(double x, double y) const {
  // The windows ImGui drew last frame (this frame's are not laid out yet), front to back.
  const ImGuiContext& g = *ImGui::GetCurrentContext();
  for (int i = g.Windows.Size - 1; i >= 0; --i) {
    const ImGuiWindow* w = g.Windows[i];
    if (!w->WasActive || w->Hidden || w->IsFallbackWindow || (w->Flags & (ImGuiWindowFlags_NoMouseInputs | ImGuiWindowFlags_Tooltip)))
      continue;
    if (w->Rect().Contains(ImVec2(float(x), float(y)))) return true;
  }
  return false;
}

void LiveApp::touches_to_controls() {
  // Both sources in one stream: a touch table's cursors and the screen's own touches (ids apart).
  std::vector<TouchEvent> events = tuio_ ? tuio_->take() : std::vector<TouchEvent>{};
  if (xi_touch_) {
    std::vector<TouchEvent> screen = xi_touch_->take();
    events.insert(events.end(), screen.begin(), screen.end());
    std::stable_sort(events.begin(), events.end(), [](const TouchEvent& a, const TouchEvent& b) { return a.t < b.t; });
  }
  touch_frame_.clear();
  if (!events.empty()) {
    // In window coordinates: a TUIO position goes through --tuio-map; the screen's own touches
    // are across the window.
    int ww = 1, wh = 1;
    glfwGetWindowSize(window_, &ww, &wh);
    const auto& m = options_.tuio_map;
    for (const TouchEvent& e : events) {
      if (e.id & XiTouch::k_id_bit) touch_frame_.push_back({e, double(e.x) * ww, double(e.y) * wh});
      else touch_frame_.push_back({e, (e.x - m[0]) / (m[2] - m[0]) * ww, (e.y - m[1]) / (m[3] - m[1]) * wh});
    }
  }
  // A finger that goes down on the controls is theirs: the first such finger is ImGui's
  // pointer until it lifts. Its press and release each get a frame of their own, so a tap
  // shorter than a frame still presses a button.
  for (const auto& [e, x, y] : touch_frame_) {
    if (e.kind == TouchEvent::down && over_controls(x, y)) {
      ui_owned_.insert(e.id);
      if (!ui_touch_) ui_touch_ = e.id, ui_queue_.push_back({x, y, true}), ui_touch_at_ = {x, y};
    } else if (ui_touch_ == e.id) {
      ui_touch_at_ = {x, y};
      if (e.kind == TouchEvent::up) ui_queue_.push_back({x, y, false}), ui_touch_.reset();
    }
  }
  ImGuiIO& io = ImGui::GetIO();
  if (!ui_queue_.empty()) {
    const UiPointer s = ui_queue_.front();
    ui_queue_.pop_front();
    io.MousePos = ImVec2(float(s.x), float(s.y));
    io.MouseDown[0] = s.down;
  } else if (ui_touch_) {
    io.MousePos = ImVec2(float(ui_touch_at_[0]), float(ui_touch_at_[1]));
    io.MouseDown[0] = true;
  }
}

void LiveApp::handle_touches(const LiveState& state) {
  if (touch_frame_.empty()) return;
  // The keypad and the operator's menu take touches on the controls only.
  const bool operator_open = exhibit_ && (exhibit_->mode() == ExhibitShell::Mode::pin_entry || exhibit_->mode() == ExhibitShell::Mode::operator_menu);
  gestures_.set_hand_span(17.0 * touch_px_);  // about 15 cm: two fingers further apart are two visitors
  for (const auto& [e, x, y] : touch_frame_) {
    if (ui_owned_.contains(e.id)) {  // the controls' (touches_to_controls)
      if (e.kind == TouchEvent::down) ++touches_seen_, visitor_activity(e.t);
      if (e.kind == TouchEvent::up) ui_owned_.erase(e.id);
      continue;
    }
    const PointerEvent p{e.kind == TouchEvent::down ? PointerEvent::down : e.kind == TouchEvent::up ? PointerEvent::up : PointerEvent::move,
                         e.id, PointerGestures::k_left, 0, x, y, e.t};
    if (e.kind != TouchEvent::down) {
      gestures_.feed(p, gesture_actions_);
      continue;
    }
    ++touches_seen_;
    if (exhibit_) ++visitor_taps_;
    visitor_activity(e.t);
    if (operator_open || press_elsewhere(x, y, GLFW_MOUSE_BUTTON_LEFT, state)) continue;
    gestures_.feed(p, place_at(x, y, state), gesture_actions_);
  }
}

}  // namespace nnlive::app::live
