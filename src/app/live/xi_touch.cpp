// SPDX-License-Identifier: MIT
#include "xi_touch.hpp"

#define GLFW_EXPOSE_NATIVE_X11
#include <GLFW/glfw3.h>
#include <GLFW/glfw3native.h>
#include <X11/Xlib.h>
#include <X11/extensions/XInput2.h>

#include <algorithm>
#include <cmath>

namespace nnlive::app::live {

XiTouch::XiTouch(GLFWwindow* window, double (*clock)()) : window_(window), clock_(clock) {
  Display* glfw_display = glfwGetX11Display();
  const Window target = window ? glfwGetX11Window(window) : 0;
  if (!glfw_display || !target) {
    reason_ = "not an X11 window";
    return;
  }
  Display* d = XOpenDisplay(DisplayString(glfw_display));
  if (!d) {
    reason_ = "cannot open a second connection to the X server";
    return;
  }
  int event = 0, error = 0;
  if (!XQueryExtension(d, "XInputExtension", &opcode_, &event, &error)) {
    reason_ = "the X server has no XInput extension";
    XCloseDisplay(d);
    return;
  }
  major_ = 2, minor_ = 2;  // asks for 2.2 (touch); the server answers with what it has, up to that
  if (XIQueryVersion(d, &major_, &minor_) != Success || major_ < 2 || (major_ == 2 && minor_ < 2)) {
    reason_ = "the X server's XInput is older than 2.2 (no touch events)";
    XCloseDisplay(d);
    return;
  }
  unsigned char bits[XIMaskLen(XI_LASTEVENT)] = {};
  XISetMask(bits, XI_TouchBegin);
  XISetMask(bits, XI_TouchUpdate);
  XISetMask(bits, XI_TouchEnd);
  XIEventMask mask{XIAllMasterDevices, int(sizeof bits), bits};
  // A selection another client already holds is refused (BadAccess): found by syncing.
  static bool refused = false;
  refused = false;
  auto* previous = XSetErrorHandler([](Display*, XErrorEvent*) -> int {
    refused = true;
    return 0;
  });
  XISelectEvents(d, target, &mask, 1);
  XSync(d, False);
  XSetErrorHandler(previous);
  if (refused) {
    reason_ = "another client holds the window's touch events";
    XCloseDisplay(d);
    return;
  }
  display_ = d;
}

XiTouch::~XiTouch() {
  if (display_) XCloseDisplay(display_);
}

std::string XiTouch::version() const { return std::to_string(major_) + "." + std::to_string(minor_); }

std::optional<TouchEvent> XiTouch::translate(int evtype, uint32_t detail, double x, double y, int width, int height, double t) {
  TouchEvent::Kind kind;
  switch (evtype) {
    case XI_TouchBegin: kind = TouchEvent::down; break;
    case XI_TouchUpdate: kind = TouchEvent::move; break;
    case XI_TouchEnd: kind = TouchEvent::up; break;
    default: return std::nullopt;
  }
  if (!std::isfinite(x) || !std::isfinite(y)) return std::nullopt;
  const float u = float(x / std::max(width, 1)), v = float(y / std::max(height, 1));
  return TouchEvent{kind, int32_t(detail & uint32_t(k_id_bit - 1)) | k_id_bit, u, v, t};
}

std::vector<TouchEvent> XiTouch::take() {
  std::vector<TouchEvent> out;
  if (!display_ || XPending(display_) == 0) return out;  // (the window's size costs a round trip)
  int w = 1, h = 1;
  glfwGetWindowSize(window_, &w, &h);
  while (XPending(display_) > 0) {
    XEvent ev;
    XNextEvent(display_, &ev);
    XGenericEventCookie* cookie = &ev.xcookie;
    if (cookie->type != GenericEvent || cookie->extension != opcode_ || !XGetEventData(display_, cookie)) continue;
    const auto* e = static_cast<const XIDeviceEvent*>(cookie->data);
    // Emulated-pointer flags aside, every touch event of the window is the visitor's finger.
    if (auto t = translate(cookie->evtype, uint32_t(e->detail), e->event_x, e->event_y, w, h, clock_ ? clock_() : 0.0)) {
      out.push_back(*t);
      ++events_;
    }
    XFreeEventData(display_, cookie);
  }
  return out;
}

}  // namespace nnlive::app::live
