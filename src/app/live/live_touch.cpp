// SPDX-License-Identifier: MIT
// Touches in the live window, from a touch table (TUIO cursors) and from a touch screen
// (XInput 2.2 touch events on the window), in one stream. Each finger is followed on its
// own from down to up: a short touch that stays put is a tap and goes into the same stream as
// mouse clicks (so a tap adds a point, hits the diagram or the caption, wakes an exhibit, and
// two taps at one place reset the view); a touch held still for k_long_press_s removes the
// nearest point; a drag that starts on a hand-placed point moves it; a drag elsewhere pans; two
// fingers pinch-zoom about where they first met.
#define GLFW_INCLUDE_VULKAN
#include <imgui.h>
#include <imgui_internal.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
namespace {

constexpr double k_tap_px = 12.0;        // a touch that moves less is a tap (or a long press)

}  // namespace

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
  if (touch_frame_.empty() && touches_.empty()) return;
  const nn::View view = view_.shown(state.view);
  const bool operator_open = exhibit_ && (exhibit_->mode() == ExhibitShell::Mode::pin_entry || exhibit_->mode() == ExhibitShell::Mode::operator_menu);

  for (const auto& [e, x, y] : touch_frame_) {
    if (ui_owned_.contains(e.id)) {  // the controls' (touches_to_controls)
      if (e.kind == TouchEvent::down) ++touches_seen_, visitor_activity(e.t);
      if (e.kind == TouchEvent::up) ui_owned_.erase(e.id);
      continue;
    }
    if (e.kind == TouchEvent::down) {
      ++touches_seen_;
      visitor_activity(e.t);
      Touch t{x, y, x, y, e.t};
      t.view0 = view;
      t.point = user_point_near(x, y, state);
      touches_[e.id] = t;
      if (touches_.size() == 2) {
        const Touch& a = touches_.begin()->second;
        const Touch& b = std::next(touches_.begin())->second;
        const auto mid = to_data(0.5 * (a.x + b.x), 0.5 * (a.y + b.y));
        const double dist = std::hypot(a.x - b.x, a.y - b.y);
        if (mid && dist > 1.0) pinch_ = Pinch{dist, *mid, view};
      }
      continue;
    }
    const auto it = touches_.find(e.id);
    if (it == touches_.end()) continue;
    Touch& t = it->second;
    t.x = x, t.y = y;
    if (std::hypot(x - t.x0, y - t.y0) > k_tap_px) t.moved = true;
    if (e.kind != TouchEvent::up) continue;
    const bool several = touches_.size() > 1 || pinch_;
    if (!t.moved && !several && !operator_open && !t.pressed_long && e.t - t.t0 < k_long_press_s) {
      // A tap: a left click where the finger went down, into the mouse's stream.
      events_.buttons.push_back({GLFW_MOUSE_BUTTON_LEFT, GLFW_PRESS, 0, t.x0, t.y0, t.t0});
      events_.buttons.push_back({GLFW_MOUSE_BUTTON_LEFT, GLFW_RELEASE, 0, t.x0, t.y0, e.t});
    } else if (t.moved && t.point && !several && !operator_open) {
      if (const auto d = to_data(x, y)) {
        // The point leaves its old place and joins at the new one, with its class.
        for_each_trainer([&](LiveTrainer& tr) {
          tr.remove_nearest_point(t.point->x, t.point->y, float(1e-4 * (view[2] - view[0])));
          tr.add_point({float((*d)[0]), float((*d)[1]), t.point->label, false});
        });
      }
    }
    touches_.erase(it);
    if (touches_.size() < 2) pinch_.reset();
  }
  if (operator_open) return;
  // A finger held still long enough removes the nearest point, while it is still down (so the
  // visitor sees it go).
  const double now = glfwGetTime();
  for (auto& [id, t] : touches_) {
    if (t.moved || t.pressed_long || touches_.size() > 1 || now - t.t0 < k_long_press_s) continue;
    t.pressed_long = true;
    if (const auto d = to_data(t.x0, t.y0))
      for_each_trainer([&](LiveTrainer& tr) { tr.remove_nearest_point(float((*d)[0]), float((*d)[1]), float(0.04 * (view[2] - view[0]))); });
  }
  // One finger dragging from an empty place pans; two pinch-zoom.
  if (touches_.size() == 1 && !pinch_) {
    const Touch& t = touches_.begin()->second;
    if (t.moved && !t.point) view_.set(panned(t.view0, t.x - t.x0, t.y - t.y0));
  } else if (touches_.size() >= 2 && pinch_) {
    const Touch& a = touches_.begin()->second;
    const Touch& b = std::next(touches_.begin())->second;
    const double dist = std::hypot(a.x - b.x, a.y - b.y);
    const double k = std::clamp(pinch_->distance / std::max(dist, 1.0), 0.05, 20.0);
    if (const auto v = ViewState::zoomed(pinch_->view0, pinch_->centre, k)) view_.set(*v);
  }
}

}  // namespace nnlive::app::live
