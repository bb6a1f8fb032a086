// SPDX-License-Identifier: MIT
#include "service_watchdog.hpp"

#include <systemd/sd-daemon.h>

#include <cstdio>
#include <cstdlib>
#include <vulkan/vulkan_raii.hpp>

#include "nnlive/core/error.hpp"

namespace nnlive::app {

long long ServiceWatchdog::now_ns() {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(clock::now().time_since_epoch()).count();
}

ServiceWatchdog::ServiceWatchdog(double hang_s) {
  uint64_t usec = 0;
  // > 0 only when systemd set WATCHDOG_USEC (and WATCHDOG_PID, if set, is this process).
  if (sd_watchdog_enabled(0, &usec) > 0 && usec > 0) ping_every_s_ = double(usec) / 3e6;
  hang_s_ = hang_s >= 0.0 ? hang_s : ping_every_s_ * 3.0 * 0.75;
  last_beat_ns_ = now_ns();
  if (hang_s_ > 0.0) checker_ = std::thread([this] { check_loop(); });
}

ServiceWatchdog::~ServiceWatchdog() {
  stop();
  sd_notify(0, "STOPPING=1");
}

void ServiceWatchdog::stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (checker_.joinable()) checker_.join();
}

void ServiceWatchdog::alive(bool presented) {
  last_beat_ns_.store(now_ns(), std::memory_order_relaxed);
  if (presented && !ready_sent_) {
    ready_sent_ = true;
    sd_notify(0, "READY=1\nSTATUS=presenting frames");
  }
  if (ping_every_s_ > 0.0 && ready_sent_) {
    const auto t = clock::now();
    if (std::chrono::duration<double>(t - last_ping_).count() >= ping_every_s_) {
      last_ping_ = t;
      sd_notify(0, "WATCHDOG=1");
    }
  }
}

InjectedFault::InjectedFault() {
  const char* text = std::getenv("NNLIVE_FAULT");
  if (!text) return;
  const std::string s = text;
  const auto colon = s.find(':');
  const std::string kind = s.substr(0, colon);
  if (kind == "hang-frame") kind_ = hang_frame;
  else if (kind == "device-lost") kind_ = device_lost;
  if (colon != std::string::npos) after_s_ = std::atof(s.c_str() + colon + 1);
}

void InjectedFault::check(double seconds_running) const {
  if (kind_ == none || seconds_running <= after_s_) return;
  if (kind_ == hang_frame)
    for (;;) std::this_thread::sleep_for(std::chrono::seconds(1));
  throw vk::DeviceLostError("injected by NNLIVE_FAULT");
}

void exit_device_lost(const std::string& what) {
  std::fprintf(stderr, "nnlive: the GPU device was lost (%s); exiting with code %d so that it can be started again\n", what.c_str(),
               static_cast<int>(core::ExitCode::device_lost));
  std::fflush(stderr);
  sd_notify(0, "STATUS=the GPU device was lost");
  std::_Exit(static_cast<int>(core::ExitCode::device_lost));
}

void ServiceWatchdog::check_loop() {
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait_for(lock, std::chrono::milliseconds(200));
    if (stopping_) break;
    const double idle = double(now_ns() - last_beat_ns_.load(std::memory_order_relaxed)) * 1e-9;
    if (idle > hang_s_) {
      // The frame loop is stuck (a driver that never returns, a wait that never ends): nothing
      // on that thread can be trusted to shut down cleanly, so leave now with the hung code.
      std::fprintf(stderr, "nnlive: the window's frame loop has not come round for %.1f s (hung); exiting with code %d so that a service restarts it\n",
                   idle, static_cast<int>(core::ExitCode::hung));
      std::fflush(stderr);
      sd_notify(0, "STATUS=hung: the frame loop stopped");
      std::_Exit(static_cast<int>(core::ExitCode::hung));
    }
  }
}

}  // namespace nnlive::app
