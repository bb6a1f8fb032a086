// SPDX-License-Identifier: MIT
// TuioListener: touches from a touch table, as TUIO 1.1 cursors (/tuio/2Dcur over OSC/UDP,
// received with liblo on its own thread), turned into down / move / up events per cursor.
//
// TUIO sends, per frame, an "alive" list of the cursors on the surface, a "set" for each that is
// new or moved, and "fseq" closing the frame. At each fseq the listener compares the alive list
// with the cursors it knew: new ones go down, moved ones move, missing ones go up. Frames that
// arrive late (an fseq not after the last one) are dropped, as the protocol asks; a tracker
// that restarts its count is followed (a new sender address, a count far back, or a second's
// silence).
//
// Positions are TUIO's: 0..1 across and down the sensor. take() hands the events to the window
// thread, in order, with glfwGetTime()-based times.
#pragma once
#include <array>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <vector>

typedef void* lo_server_thread;

namespace nnlive::app::live {

struct TouchEvent {
  enum Kind { down, move, up } kind;
  int32_t id;
  float x, y;  // 0..1
  double t;    // seconds, glfwGetTime()'s clock
};

class TuioListener {
 public:
  // Listens on UDP `port`; throws core::UserError(usage) naming the port when it cannot.
  // `clock` gives event times (glfwGetTime in the window; tests pass their own).
  explicit TuioListener(int port, double (*clock)() = nullptr);
  ~TuioListener();
  TuioListener(const TuioListener&) = delete;
  TuioListener& operator=(const TuioListener&) = delete;

  std::vector<TouchEvent> take();
  int port() const { return port_; }
  uint64_t messages() const;  // /tuio/2Dcur messages received (for the session report)

  // The protocol's frame logic, public for tests: what one message does.
  void on_alive(const std::vector<int32_t>& ids);
  void on_set(int32_t id, float x, float y);
  void on_fseq(int32_t frame);
  void on_source(const std::string& address);  // the sender of the message that follows

 private:
  int port_;
  double (*clock_)();
  lo_server_thread server_ = nullptr;
  mutable std::mutex mutex_;
  std::vector<TouchEvent> pending_;                      // guarded by mutex_
  uint64_t messages_ = 0;                                // guarded by mutex_
  // The receiving thread's own (one message at a time).
  std::map<int32_t, std::array<float, 2>> cursors_;      // on the surface as of the last frame
  std::map<int32_t, std::array<float, 2>> frame_set_;    // this frame's set messages
  std::vector<int32_t> frame_alive_;
  bool frame_has_alive_ = false;
  int64_t last_frame_ = -1;
  double last_frame_at_ = -1e9;                          // steady seconds
  std::string source_;
};

}  // namespace nnlive::app::live
