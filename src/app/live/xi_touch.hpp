// SPDX-License-Identifier: MIT
// XiTouch: touches on the window's own screen, as XInput 2.2 touch events (libXi). GLFW 3.3 has
// no touch API and reads only its own events, so XiTouch opens a second connection to the same
// X server and selects XI_TouchBegin, XI_TouchUpdate and XI_TouchEnd on the GLFW window, for
// every master device. A window with a touch selection gets the touches themselves: the server
// no longer turns them into emulated left clicks for it, so a finger is never counted twice.
//
// Events come out as TouchEvents (the TUIO listener's), with positions across the window (0..1
// on each axis) and ids kept apart from TUIO's cursor ids; the window reads them once a frame.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "tuio_listener.hpp"

struct GLFWwindow;
typedef struct _XDisplay Display;

namespace nnlive::app::live {

class XiTouch {
 public:
  // Never throws: without X11, XInput 2.2 or a selection, active() is false and reason() says why.
  XiTouch(GLFWwindow* window, double (*clock)());
  ~XiTouch();
  XiTouch(const XiTouch&) = delete;
  XiTouch& operator=(const XiTouch&) = delete;

  bool active() const { return display_ != nullptr; }
  const std::string& reason() const { return reason_; }
  std::string version() const;  // "2.2" (what the server offers, up to what nnlive asks for)
  // The touches since the last call, in order (the window thread's).
  std::vector<TouchEvent> take();
  uint64_t events() const { return events_; }

  // One XI2 event as a TouchEvent, or nothing for what is no touch: evtype is XI_TouchBegin,
  // XI_TouchUpdate or XI_TouchEnd, detail the touch id, (x, y) the position in window pixels of a
  // width x height window. Public for tests (no X server can send touches under Xvfb).
  static std::optional<TouchEvent> translate(int evtype, uint32_t detail, double x, double y, int width, int height, double t);
  // XI2 touch ids are marked with this bit (TUIO session ids are small and non-negative).
  static constexpr int32_t k_id_bit = int32_t(1) << 30;

 private:
  GLFWwindow* window_ = nullptr;
  double (*clock_)() = nullptr;
  Display* display_ = nullptr;
  int opcode_ = 0, major_ = 0, minor_ = 0;
  uint64_t events_ = 0;
  std::string reason_;
};

}  // namespace nnlive::app::live
