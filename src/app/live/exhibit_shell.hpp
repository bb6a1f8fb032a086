// SPDX-License-Identifier: MIT
// ExhibitShell: what `nnlive exhibit` adds to the window, as plain state over time (no window,
// no GPU; the window feeds it events and the clock, and tests drive it directly).
//
//   attract ──(any touch, click or key)──▶ visitor ──(idle_s without one; the last seconds
//      ▲                                               count down on screen)──┐
//      └──────────────── next lesson of the playlist ◀────────────────────────┘
//   operator: the chord held k_chord_s, or a long press on the top-right corner then the PIN.
//   The operator menu (restart, playlist, quit) is the only way out; nothing a visitor does
//   closes or leaves the window.
#pragma once
#include <cstddef>
#include <string>

namespace nnlive::app::live {

class ExhibitShell {
 public:
  static constexpr double k_chord_s = 2.0;        // the operator chord, held this long
  static constexpr double k_corner_s = 3.0;       // the long press that opens the PIN keypad
  static constexpr double k_countdown_s = 10.0;   // the visible countdown (at most a third of idle)
  static constexpr double k_keypad_idle_s = 20.0; // the keypad or menu closes when left alone
  static constexpr size_t k_max_pin_attempts = 3; // then the keypad closes

  enum class Mode { attract, visitor, pin_entry, operator_menu };
  enum class Pin { typing, accepted, refused };

  // playlist_size >= 1; idle_s > 0; pin empty: no keypad (the chord only).
  ExhibitShell(size_t playlist_size, double idle_s, std::string pin);

  Mode mode() const { return mode_; }
  bool attracting() const { return mode_ == Mode::attract; }
  size_t lesson() const { return lesson_; }   // the playlist entry playing or last played
  size_t returns() const { return returns_; } // times idle went back to the attract loop

  // A visitor's touch, click or key at time t. True when it ended the attract loop.
  bool touched(double t);
  // Every frame: true once when a visitor left it idle for idle_s (it is then back in the
  // attract loop, on the next lesson of the playlist); the keypad or menu left alone closes.
  bool tick(double t);
  // Seconds left of the on-screen countdown before the attract loop; < 0 while none shows.
  double countdown(double t) const;
  // The playlist moved on by itself (the attract loop finished a lesson) or by a button.
  void next_lesson();
  void restart();  // operator: the attract loop from the playlist's first lesson
  void set_playlist_size(size_t n);  // the operator changed the playlist

  // The operator chord's keys are down (held) or not, at t. True once, when held k_chord_s.
  bool chord(bool held, double t);
  // A press on the top-right corner is down or not, at t. True once, after k_corner_s; the
  // keypad is then open (only with a PIN).
  bool corner(bool down, double t);
  bool has_pin() const { return !pin_.empty(); }
  void pin_digit(char d, double t);
  void pin_erase(double t);
  Pin pin_enter(double t);  // accepted: the operator menu is open
  const std::string& pin_typed() const { return typed_; }
  void open_operator(double t);
  void close_operator(double t);  // back to visitor mode (or attract, if it was attracting)

 private:
  size_t playlist_size_;
  double idle_s_;
  std::string pin_;
  Mode mode_ = Mode::attract;
  Mode before_operator_ = Mode::attract;
  size_t lesson_ = 0;
  size_t returns_ = 0;
  double last_touch_ = 0.0;
  double chord_since_ = -1.0;
  bool chord_fired_ = false;
  double corner_since_ = -1.0;
  bool corner_fired_ = false;
  std::string typed_;
  size_t attempts_ = 0;
  double operator_touch_ = 0.0;  // last input in the keypad or menu
};

}  // namespace nnlive::app::live
