// SPDX-License-Identifier: MIT
#include "live/tuio_listener.hpp"

#include <lo/lo.h>

#include <algorithm>
#include <chrono>
#include <string>

#include "nnlive/core/error.hpp"

namespace nnlive::app::live {
namespace {

void on_error(int, const char*, const char*) {}  // a bad packet is dropped; a bind failure is reported by the constructor

int on_cursor(const char*, const char* types, lo_arg** argv, int argc, lo_message msg, void* user) {
  auto* self = static_cast<TuioListener*>(user);
  if (argc < 1 || types[0] != 's') return 0;
  if (lo_address from = lo_message_get_source(msg)) {
    const char* host = lo_address_get_hostname(from);
    const char* port = lo_address_get_port(from);
    self->on_source(std::string(host ? host : "") + ":" + (port ? port : ""));
  }
  const std::string command = &argv[0]->s;
  if (command == "alive") {
    std::vector<int32_t> ids;
    for (int i = 1; i < argc; ++i)
      if (types[i] == 'i') ids.push_back(argv[i]->i);
    self->on_alive(ids);
  } else if (command == "set" && argc >= 4 && types[1] == 'i' && types[2] == 'f' && types[3] == 'f') {
    self->on_set(argv[1]->i, argv[2]->f, argv[3]->f);
  } else if (command == "fseq" && argc >= 2 && types[1] == 'i') {
    self->on_fseq(argv[1]->i);
  }
  return 0;
}

double no_clock() { return 0.0; }

}  // namespace

TuioListener::TuioListener(int port, double (*clock)()) : port_(port), clock_(clock ? clock : no_clock) {
  if (port < 0) return;  // tests drive the protocol directly
  const std::string p = std::to_string(port);
  server_ = lo_server_thread_new_with_proto(p.c_str(), LO_UDP, on_error);
  if (!server_)
    throw core::UserError(core::ExitCode::usage, "cannot listen for TUIO touches on UDP port " + p + " (is another program using it?)");
  lo_server_thread_add_method(static_cast<lo_server_thread>(server_), "/tuio/2Dcur", nullptr, on_cursor, this);
  lo_server_thread_start(static_cast<lo_server_thread>(server_));
}

TuioListener::~TuioListener() {
  if (server_) {
    lo_server_thread_stop(static_cast<lo_server_thread>(server_));
    lo_server_thread_free(static_cast<lo_server_thread>(server_));
  }
}

std::vector<TouchEvent> TuioListener::take() {
  const std::lock_guard lock(mutex_);
  std::vector<TouchEvent> out;
  out.swap(pending_);
  return out;
}

uint64_t TuioListener::messages() const {
  const std::lock_guard lock(mutex_);
  return messages_;
}

void TuioListener::on_alive(const std::vector<int32_t>& ids) {
  frame_alive_ = ids;
  frame_has_alive_ = true;
  const std::lock_guard lock(mutex_);
  ++messages_;
}

void TuioListener::on_set(int32_t id, float x, float y) {
  if (!(x == x) || !(y == y)) return;  // NaN: a broken tracker
  frame_set_[id] = {std::clamp(x, -1.0f, 2.0f), std::clamp(y, -1.0f, 2.0f)};
  const std::lock_guard lock(mutex_);
  ++messages_;
}

void TuioListener::on_source(const std::string& address) {
  if (address == source_) return;
  source_ = address;
  last_frame_ = -1;  // another sender (a restarted tracker gets a new port): its own count
}

void TuioListener::on_fseq(int32_t frame) {
  // A frame not after the last is late (UDP reorders) and dropped, unless the count started over
  // (a restarted tracker: far back, or after a second without frames) or is -1 (the protocol's
  // "no sequence").
  const double now = std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
  const bool late = frame != -1 && last_frame_ >= 0 && frame <= last_frame_ && last_frame_ - frame < 1000 && now - last_frame_at_ < 1.0;
  if (late || !frame_has_alive_) {
    frame_set_.clear(), frame_alive_.clear(), frame_has_alive_ = false;
    return;
  }
  if (frame != -1) last_frame_ = frame;
  last_frame_at_ = now;
  const double t = clock_();
  std::vector<TouchEvent> events;
  for (auto it = cursors_.begin(); it != cursors_.end();) {
    if (std::find(frame_alive_.begin(), frame_alive_.end(), it->first) == frame_alive_.end()) {
      events.push_back({TouchEvent::up, it->first, it->second[0], it->second[1], t});
      it = cursors_.erase(it);
    } else {
      ++it;
    }
  }
  for (const int32_t id : frame_alive_) {
    const auto set = frame_set_.find(id);
    const auto known = cursors_.find(id);
    if (known == cursors_.end()) {
      if (set == frame_set_.end()) continue;  // alive but never placed: wait for its set
      cursors_[id] = set->second;
      events.push_back({TouchEvent::down, id, set->second[0], set->second[1], t});
    } else if (set != frame_set_.end() && set->second != known->second) {
      known->second = set->second;
      events.push_back({TouchEvent::move, id, set->second[0], set->second[1], t});
    }
  }
  frame_set_.clear(), frame_alive_.clear(), frame_has_alive_ = false;
  const std::lock_guard lock(mutex_);
  ++messages_;
  pending_.insert(pending_.end(), events.begin(), events.end());
  if (pending_.size() > 4096) pending_.erase(pending_.begin(), pending_.end() - 4096);  // a window that stopped taking
}

}  // namespace nnlive::app::live
