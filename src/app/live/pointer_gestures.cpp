// SPDX-License-Identifier: MIT
#include "pointer_gestures.hpp"

#include <algorithm>
#include <cmath>

namespace nnlive::app::live {
namespace {

using Action = PointerGestures::Action;

Action at(Action::Kind kind, double x, double y) {
  Action a;
  a.kind = kind;
  a.x = x, a.y = y;
  return a;
}

}  // namespace

void PointerGestures::emit_pending(std::vector<Action>& out) {
  if (!pending_) return;
  Action a = at(Action::click, pending_->x, pending_->y);
  a.button = pending_->button, a.mods = pending_->mods;
  out.push_back(a);
  pending_.reset();
}

void PointerGestures::settle(double t, std::vector<Action>& out) {
  if (pending_ && t - pending_release_t_ >= k_double_click_s) emit_pending(out);
}

void PointerGestures::feed(const PointerEvent& e, const Place& place, std::vector<Action>& out) {
  settle(e.t, out);
  if (e.kind == PointerEvent::down) {
    Pointer p;
    p.press = e;
    p.x = e.x, p.y = e.y;
    // A double-click: a second left press soon after the first click, where it landed. Any
    // other press leaves the pending click to act in its time.
    if (pending_ && e.button == k_left && pending_->button == k_left && e.t - pending_release_t_ < k_double_click_s &&
        std::hypot(e.x - pending_->x, e.y - pending_->y) <= k_double_click_px) {
      pending_.reset();
      out.push_back(at(Action::double_click, e.x, e.y));
      p.spent = true;  // its release and moves do nothing more
    }
    if (e.button == k_left) p.point = place.point;
    // A second finger soon after a first one that is still in place, within a hand's span: the
    // two may be a pinch. It is one once they move; two fingers that lift or hold without moving
    // were two people's taps or presses after all.
    if (e.id != k_mouse && !pinch_ && pointers_.size() == 1) {
      auto& [other_id, other] = *pointers_.begin();
      const double d = std::hypot(other.x - e.x, other.y - e.y);
      if (other_id != k_mouse && !other.moved && !other.long_pressed && !other.spent && e.t - other.press.t <= k_pinch_gap_s &&
          d > 1.0 && d <= hand_span_px_) {
        pinch_ = Pinch{other_id, e.id, d, 0.5 * (other.x + e.x), 0.5 * (other.y + e.y)};
        other.pinched = p.pinched = true;
      }
    }
    pointers_[e.id] = p;
    return;
  }
  const auto it = pointers_.find(e.id);
  if (it == pointers_.end()) return;
  Pointer& p = it->second;
  p.x = e.x, p.y = e.y;
  const double reach = e.id == k_mouse ? k_mouse_drag_px : k_touch_drag_px;
  if (!p.long_pressed && std::hypot(p.x - p.press.x, p.y - p.press.y) > reach) p.moved = true;
  const bool in_pinch = pinch_ && (e.id == pinch_->a || e.id == pinch_->b);
  if (e.kind == PointerEvent::move) {
    if (in_pinch) {
      Pointer& a = pointers_.at(pinch_->a);
      Pointer& b = pointers_.at(pinch_->b);
      if ((a.moved || b.moved) && !a.long_pressed && !b.long_pressed) {
        Action act = at(Action::pinch, pinch_->x, pinch_->y);
        act.scale = pinch_->distance / std::max(std::hypot(a.x - b.x, a.y - b.y), 1.0);
        act.dx = 0.5 * (a.x + b.x) - pinch_->x, act.dy = 0.5 * (a.y + b.y) - pinch_->y;  // the pair moved together: a pan
        act.begin = !pinch_->begun;
        pinch_->begun = true;
        a.pinch_used = b.pinch_used = true;
        out.push_back(act);
      }
    } else if (!p.spent && !p.pinch_used && p.moved && !p.point && pointers_.size() == 1) {
      Action act;
      act.kind = Action::pan;
      act.dx = p.x - p.press.x, act.dy = p.y - p.press.y;
      act.begin = !p.panning;
      p.panning = true;
      out.push_back(act);
    }
    return;
  }
  // Up. A pinch ends with either finger; the other, if the pair never moved, is its own again.
  if (in_pinch) {
    for (int32_t id : {pinch_->a, pinch_->b})
      if (auto o = pointers_.find(id); o != pointers_.end()) o->second.pinched = false;
    pinch_.reset();
  }
  if (!p.spent && !p.pinch_used && !p.moved && !p.long_pressed) {
    if (e.t - p.press.t >= k_long_press_s) {
      // Held long enough, though no frame looked while it was down: a long press after all.
      out.push_back(at(Action::long_press, p.press.x, p.press.y));
    } else {
      // A click: the one waiting goes first, this one waits out the double-click time.
      emit_pending(out);
      pending_ = p.press;
      pending_release_t_ = e.t;
    }
  } else if (!p.spent && !p.pinch_used && p.moved && p.point && !p.long_pressed) {
    Action act = at(Action::move_point, e.x, e.y);
    act.point = *p.point;
    out.push_back(act);
  }
  pointers_.erase(it);
}

void PointerGestures::tick(double now, std::vector<Action>& out) {
  settle(now, out);
  for (auto& [id, p] : pointers_) {
    if (p.spent || p.pinch_used || p.moved || p.long_pressed || now - p.press.t < k_long_press_s) continue;
    // Held still: it acts while still down (so the one pressing sees it happen).
    p.long_pressed = true;
    out.push_back(at(Action::long_press, p.press.x, p.press.y));
  }
}

void PointerGestures::reset() {
  pointers_.clear();
  pinch_.reset();
  pending_.reset();
}

}  // namespace nnlive::app::live
