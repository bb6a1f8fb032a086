// SPDX-License-Identifier: MIT
// One stream of pointer events for the mouse and every finger (TUIO cursors, XInput 2.2
// touches), and one recogniser of the picture's gestures over it. Each pointer is followed on
// its own from down to up:
//   - a press and release at one place is a click (a tap): it acts once the double-click time
//     has passed without a second one, so every click counts however fast they come; two left
//     clicks within k_double_click_px and k_double_click_s are a double-click;
//   - a pointer held still for k_long_press_s is a long press (it acts while still down);
//   - a drag that starts on a hand-placed point moves it (on release); a drag elsewhere pans;
//   - a second finger down within k_pinch_gap_s of a first that has not moved, and within one
//     hand's span of it, pinches with it once they move (zoom about where they first met, and pan
//     as their midpoint moves); two
//     such fingers that lift or hold without moving were two people's taps or presses. Any other
//     fingers act each on their own, as several visitors at a table do (a pan needs a pointer
//     alone).
// The recogniser knows nothing of the window: the app says what is under a pointer as it goes
// down (Place), feeds events in time order, calls tick() once a frame, and carries out the
// actions it gets back.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <vector>

#include "nnlive/data/dataset.hpp"

namespace nnlive::app::live {

struct PointerEvent {
  enum Kind { down, move, up } kind = down;
  int32_t id = 0;  // k_mouse for the mouse; a finger's id otherwise
  int button = 0;  // the mouse's button (GLFW); fingers are left buttons
  int mods = 0;    // GLFW modifier bits held at the press
  double x = 0.0, y = 0.0;  // window coordinates
  double t = 0.0;           // seconds, glfwGetTime()'s clock
};

class PointerGestures {
 public:
  static constexpr int32_t k_mouse = -1;  // never a TUIO session id or an XI2 touch id
  static constexpr int k_left = 0;        // GLFW_MOUSE_BUTTON_LEFT
  static constexpr double k_double_click_s = 0.3;
  static constexpr double k_double_click_px = 6.0;  // the second click lands this close to the first
  static constexpr double k_long_press_s = 0.6;
  static constexpr double k_mouse_drag_px = 5.0;    // a mouse press that moves further is a drag
  static constexpr double k_touch_drag_px = 12.0;   // a finger is less steady
  static constexpr double k_pinch_gap_s = 0.35;     // two fingers down this close in time pinch

  // What is under a pointer as it goes down.
  struct Place {
    std::optional<data::Point> point;  // a hand-placed point within reach (only a left press grabs it)
  };

  struct Action {
    enum Kind {
      click,         // button, mods, x, y: where the press was
      double_click,  // x, y
      long_press,    // x, y: where the press was
      move_point,    // point: the point picked up; x, y: where it was let go
      pan,           // dx, dy: window pixels since the pan began; begin: its first step
      pinch,         // scale: first distance / distance now; x, y: the fingers' first midpoint; dx, dy: how far
                     // the midpoint has moved since (a two-finger pan); begin: its first step
    } kind = click;
    int button = 0, mods = 0;
    double x = 0.0, y = 0.0;
    double dx = 0.0, dy = 0.0;
    double scale = 1.0;
    bool begin = false;
    data::Point point{};
  };

  // Events in time order. A down over something else than the picture's field (the app's
  // controls, the diagram, a caption) must not be fed at all; an up or move of a pointer that
  // is not down is ignored.
  void feed(const PointerEvent& e, const Place& place, std::vector<Action>& out);
  void feed(const PointerEvent& e, std::vector<Action>& out) { feed(e, Place{}, out); }
  // Once a frame, after the frame's events: long presses and clicks whose double-click time has
  // passed.
  void tick(double now, std::vector<Action>& out);
  // Forget every pointer and the pending click (the run or the screen changed under them).
  void reset();
  // One hand's span in window pixels: two fingers further apart are two people.
  void set_hand_span(double px) { hand_span_px_ = px; }
  bool down(int32_t id) const { return pointers_.contains(id); }
  size_t held() const { return pointers_.size(); }

 private:
  struct Pointer {
    PointerEvent press;  // the down: where, when, which button
    double x = 0.0, y = 0.0;
    bool moved = false;
    bool long_pressed = false;
    bool spent = false;       // a double-click's press: no click, long press, pan or move from it
    bool pinched = false;     // one of a pair that may pinch
    bool pinch_used = false;  // the pair moved and pinched: nothing else from it
    bool panning = false;
    std::optional<data::Point> point;
  };
  struct Pinch {
    int32_t a, b;
    double distance;
    double x, y;  // the midpoint when it began
    bool begun = false;
  };
  void settle(double t, std::vector<Action>& out);  // the pending click, once its double-click time is over
  void emit_pending(std::vector<Action>& out);      // the pending click, now

  std::map<int32_t, Pointer> pointers_;
  std::optional<Pinch> pinch_;
  std::optional<PointerEvent> pending_;  // a click waiting out the double-click time (its press)
  double pending_release_t_ = 0.0;
  double hand_span_px_ = 600.0;
};

}  // namespace nnlive::app::live
