// SPDX-License-Identifier: MIT
// The exhibit's modes over time: attract, visitor, idle countdown, the playlist, the operator
// chord and the PIN keypad.
#include "live/exhibit_shell.hpp"

#include <gtest/gtest.h>

using nnlive::app::live::ExhibitShell;
using Mode = ExhibitShell::Mode;

TEST(ExhibitShell, ATouchLeavesTheAttractLoopAndIdleBringsItBackOnTheNextLesson) {
  ExhibitShell s(3, 60.0, "");
  EXPECT_EQ(s.mode(), Mode::attract);
  EXPECT_FALSE(s.tick(1000.0));  // attracting: idle time does not count
  EXPECT_TRUE(s.touched(1000.0));
  EXPECT_EQ(s.mode(), Mode::visitor);
  EXPECT_FALSE(s.touched(1010.0));  // already a visitor's
  EXPECT_LT(s.countdown(1030.0), 0.0);
  EXPECT_FALSE(s.tick(1069.0));
  EXPECT_NEAR(s.countdown(1065.0), 5.0, 1e-9);  // the last 10 s count down
  EXPECT_TRUE(s.tick(1070.0));
  EXPECT_EQ(s.mode(), Mode::attract);
  EXPECT_EQ(s.lesson(), 1u);
  EXPECT_EQ(s.returns(), 1u);
  EXPECT_FALSE(s.tick(1071.0));  // once
}

TEST(ExhibitShell, TheCountdownIsAtMostAThirdOfAShortIdleTime) {
  ExhibitShell s(1, 6.0, "");
  s.touched(0.0);
  EXPECT_LT(s.countdown(3.9), 0.0);
  EXPECT_NEAR(s.countdown(4.5), 1.5, 1e-9);
  EXPECT_TRUE(s.tick(6.0));
  EXPECT_EQ(s.lesson(), 0u);  // a playlist of one wraps to itself
}

TEST(ExhibitShell, TheChordMustBeHeldTwoSecondsAndFiresOnce) {
  ExhibitShell s(2, 60.0, "");
  s.touched(0.0);
  EXPECT_FALSE(s.chord(true, 1.0));
  EXPECT_FALSE(s.chord(true, 2.9));
  EXPECT_FALSE(s.chord(false, 3.0));  // let go: starts over
  EXPECT_FALSE(s.chord(true, 3.1));
  EXPECT_FALSE(s.chord(true, 5.0));
  EXPECT_TRUE(s.chord(true, 5.2));
  EXPECT_EQ(s.mode(), Mode::operator_menu);
  EXPECT_FALSE(s.chord(true, 9.0));
  s.close_operator(10.0);
  EXPECT_EQ(s.mode(), Mode::visitor);
}

TEST(ExhibitShell, TheOperatorMenuLeftAloneCloses) {
  ExhibitShell s(2, 60.0, "");
  s.chord(true, 0.0);
  s.chord(true, 2.0);
  ASSERT_EQ(s.mode(), Mode::operator_menu);
  s.touched(10.0);  // the operator is using it
  EXPECT_FALSE(s.tick(29.0));
  EXPECT_EQ(s.mode(), Mode::operator_menu);
  s.tick(30.0);
  EXPECT_EQ(s.mode(), Mode::attract);  // back to what it was doing
}

TEST(ExhibitShell, TheKeypadNeedsALongPressOnTheCornerAndTheRightPin) {
  ExhibitShell none(1, 60.0, "");
  EXPECT_FALSE(none.corner(true, 0.0));
  EXPECT_FALSE(none.corner(true, 10.0));  // no PIN: no keypad
  ExhibitShell s(1, 60.0, "4321");
  s.touched(0.0);
  EXPECT_FALSE(s.corner(true, 1.0));
  EXPECT_FALSE(s.corner(true, 3.5));
  EXPECT_TRUE(s.corner(true, 4.0));
  EXPECT_EQ(s.mode(), Mode::pin_entry);
  for (char c : std::string("43x2")) s.pin_digit(c, 5.0);
  EXPECT_EQ(s.pin_typed(), "432");
  s.pin_erase(5.0);
  s.pin_digit('1', 5.0);
  s.pin_digit('1', 5.0);
  EXPECT_EQ(s.pin_enter(6.0), ExhibitShell::Pin::refused);  // 4311
  EXPECT_EQ(s.pin_typed(), "");
  EXPECT_EQ(s.mode(), Mode::pin_entry);
  for (char c : std::string("4321")) s.pin_digit(c, 7.0);
  EXPECT_EQ(s.pin_enter(7.0), ExhibitShell::Pin::accepted);
  EXPECT_EQ(s.mode(), Mode::operator_menu);
}

TEST(ExhibitShell, ThreeWrongPinsCloseTheKeypad) {
  ExhibitShell s(1, 60.0, "1111");
  s.corner(true, 0.0);
  ASSERT_TRUE(s.corner(true, 3.0));
  for (int i = 0; i < 3; ++i) {
    s.pin_digit('2', 4.0);
    EXPECT_EQ(s.pin_enter(4.0), ExhibitShell::Pin::refused);
  }
  EXPECT_EQ(s.mode(), Mode::attract);
}

TEST(ExhibitShell, RestartGoesBackToTheFirstLesson) {
  ExhibitShell s(3, 5.0, "");
  s.touched(0.0);
  s.tick(5.0);
  s.next_lesson();
  EXPECT_EQ(s.lesson(), 2u);
  s.restart();
  EXPECT_EQ(s.lesson(), 0u);
  EXPECT_EQ(s.mode(), Mode::attract);
}
