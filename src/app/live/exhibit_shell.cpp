// SPDX-License-Identifier: MIT
#include "live/exhibit_shell.hpp"

#include <algorithm>

namespace nnlive::app::live {

ExhibitShell::ExhibitShell(size_t playlist_size, double idle_s, std::string pin)
    : playlist_size_(std::max<size_t>(playlist_size, 1)), idle_s_(idle_s), pin_(std::move(pin)) {}

bool ExhibitShell::touched(double t) {
  last_touch_ = t;
  if (mode_ == Mode::pin_entry || mode_ == Mode::operator_menu) {
    operator_touch_ = t;
    return false;
  }
  if (mode_ != Mode::attract) return false;
  mode_ = Mode::visitor;
  return true;
}

bool ExhibitShell::tick(double t) {
  if ((mode_ == Mode::pin_entry || mode_ == Mode::operator_menu) && t - operator_touch_ >= k_keypad_idle_s) close_operator(t);
  if (mode_ != Mode::visitor || t - last_touch_ < idle_s_) return false;
  mode_ = Mode::attract;
  ++returns_;
  next_lesson();
  return true;
}

double ExhibitShell::countdown(double t) const {
  if (mode_ != Mode::visitor) return -1.0;
  const double window = std::min(k_countdown_s, idle_s_ / 3.0);
  const double left = idle_s_ - (t - last_touch_);
  return left <= window ? std::max(left, 0.0) : -1.0;
}

void ExhibitShell::next_lesson() { lesson_ = (lesson_ + 1) % playlist_size_; }

void ExhibitShell::set_playlist_size(size_t n) {
  playlist_size_ = std::max<size_t>(n, 1);
  if (lesson_ >= playlist_size_) lesson_ = 0;
}

void ExhibitShell::restart() {
  lesson_ = 0;
  mode_ = Mode::attract;
}

bool ExhibitShell::chord(bool held, double t) {
  if (!held) {
    chord_since_ = -1.0, chord_fired_ = false;
    return false;
  }
  if (chord_since_ < 0.0) chord_since_ = t;
  if (chord_fired_ || t - chord_since_ < k_chord_s) return false;
  chord_fired_ = true;
  open_operator(t);
  return true;
}

bool ExhibitShell::corner(bool down, double t) {
  if (!down || pin_.empty()) {
    corner_since_ = -1.0, corner_fired_ = false;
    return false;
  }
  if (corner_since_ < 0.0) corner_since_ = t;
  if (corner_fired_ || t - corner_since_ < k_corner_s || mode_ == Mode::operator_menu) return false;
  corner_fired_ = true;
  if (mode_ != Mode::pin_entry) before_operator_ = mode_ == Mode::attract ? Mode::attract : Mode::visitor;
  mode_ = Mode::pin_entry;
  typed_.clear();
  attempts_ = 0;
  operator_touch_ = t;
  return true;
}

void ExhibitShell::pin_digit(char d, double t) {
  if (mode_ != Mode::pin_entry || d < '0' || d > '9' || typed_.size() >= 16) return;
  typed_ += d;
  operator_touch_ = t;
}

void ExhibitShell::pin_erase(double t) {
  if (mode_ != Mode::pin_entry) return;
  if (!typed_.empty()) typed_.pop_back();
  operator_touch_ = t;
}

ExhibitShell::Pin ExhibitShell::pin_enter(double t) {
  if (mode_ != Mode::pin_entry) return Pin::refused;
  operator_touch_ = t;
  if (typed_ == pin_) {
    typed_.clear();
    mode_ = Mode::operator_menu;
    return Pin::accepted;
  }
  typed_.clear();
  if (++attempts_ >= k_max_pin_attempts) close_operator(t);
  return Pin::refused;
}

void ExhibitShell::open_operator(double t) {
  if (mode_ != Mode::pin_entry && mode_ != Mode::operator_menu) before_operator_ = mode_;
  mode_ = Mode::operator_menu;
  typed_.clear();
  operator_touch_ = t;
}

void ExhibitShell::close_operator(double t) {
  if (mode_ != Mode::pin_entry && mode_ != Mode::operator_menu) return;
  mode_ = before_operator_;
  typed_.clear();
  last_touch_ = t;  // a visitor's idle time starts again
}

}  // namespace nnlive::app::live
