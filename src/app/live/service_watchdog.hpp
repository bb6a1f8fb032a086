// SPDX-License-Identifier: MIT
// ServiceWatchdog: what the window tells a service manager, and what it does when it hangs.
//
// Under systemd (a unit with Type=notify, see packaging/nnlive-exhibit.service):
//   READY=1 once the first frame is presented; WATCHDOG=1 at a third of the unit's WatchdogSec
//   while the frame loop keeps going; STOPPING=1 on the way out. Outside systemd nothing is sent.
// The hang check: when the frame loop has not come round for hang_s seconds, one sentence goes
//   to stderr and the process exits at once with code 9 (core::ExitCode::hung), so the service
//   restarts it with a reason in its log rather than after an anonymous watchdog kill. hang_s
//   defaults to three quarters of systemd's watchdog interval when the unit sets one, else off.
//
// Contract: alive() is called by the frame loop's thread on every pass (presented: a frame
// was shown on it); the checking thread only reads an atomic clock. stop() (or the destructor)
// ends the check before a shutdown that may take long (finishing a video).
#pragma once
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <string>
#include <thread>

namespace nnlive::app {

class ServiceWatchdog {
 public:
  // hang_s < 0: the default (3/4 of systemd's watchdog interval, or off); 0: off.
  explicit ServiceWatchdog(double hang_s);
  ~ServiceWatchdog();
  ServiceWatchdog(const ServiceWatchdog&) = delete;
  ServiceWatchdog& operator=(const ServiceWatchdog&) = delete;

  void alive(bool presented);
  void stop();
  double hang_seconds() const { return hang_s_; }
  bool supervised() const { return ping_every_s_ > 0.0; }  // systemd asked for watchdog pings

 private:
  using clock = std::chrono::steady_clock;
  void check_loop();
  static long long now_ns();

  double hang_s_ = 0.0;
  double ping_every_s_ = 0.0;
  bool ready_sent_ = false;
  clock::time_point last_ping_{};
  std::atomic<long long> last_beat_ns_{0};
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  std::thread checker_;
};

// Fault injection for the service tests (NNLIVE_FAULT=KIND:SECONDS, read once): hang-frame
// stalls the calling frame loop for good once it has run SECONDS, device-lost throws what a lost
// GPU throws. Anything else is ignored.
class InjectedFault {
 public:
  InjectedFault();
  void check(double seconds_running) const;

 private:
  enum Kind { none, hang_frame, device_lost } kind_ = none;
  double after_s_ = 0.0;
};

// The GPU was lost (VK_ERROR_DEVICE_LOST) on any thread: one sentence to stderr, then exit at
// once with code 8. Tearing down a lost device can itself fail or block, so nothing is destroyed;
// a service manager restarts the process (files being written are swept on the next run).
[[noreturn]] void exit_device_lost(const std::string& what);

}  // namespace nnlive::app
