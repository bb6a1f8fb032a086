// SPDX-License-Identifier: MIT
// XInput 2.2 touch events as the window's touch stream. No X server here can send touches
// (Xvfb has no touch device and XTest cannot make one), so the translation of each event is
// tested here, and tests/app/tuio_window_test.sh checks under Xvfb that the window selects the
// touch events (its report names the XInput version) while mouse and keys still work.
#include <X11/extensions/XI2.h>
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "live/xi_touch.hpp"

namespace nnlive::app::live {
namespace {

TEST(XiTouch, BeginUpdateAndEndAreDownMoveAndUpAcrossTheWindow) {
  const auto down = XiTouch::translate(XI_TouchBegin, 7, 320.0, 180.0, 1280, 720, 1.5);
  ASSERT_TRUE(down);
  EXPECT_EQ(down->kind, TouchEvent::down);
  EXPECT_FLOAT_EQ(down->x, 0.25f);
  EXPECT_FLOAT_EQ(down->y, 0.25f);
  EXPECT_DOUBLE_EQ(down->t, 1.5);
  const auto move = XiTouch::translate(XI_TouchUpdate, 7, 640.5, 719.0, 1280, 720, 1.6);
  ASSERT_TRUE(move);
  EXPECT_EQ(move->kind, TouchEvent::move);
  EXPECT_EQ(move->id, down->id);  // one finger keeps its id
  EXPECT_NEAR(move->x, 640.5 / 1280.0, 1e-6);
  const auto up = XiTouch::translate(XI_TouchEnd, 7, 0.0, 0.0, 1280, 720, 1.7);
  ASSERT_TRUE(up);
  EXPECT_EQ(up->kind, TouchEvent::up);
  EXPECT_EQ(up->id, down->id);
}

TEST(XiTouch, FingersKeepApartFromEachOtherAndFromTuioCursors) {
  const auto a = XiTouch::translate(XI_TouchBegin, 1, 10, 10, 100, 100, 0);
  const auto b = XiTouch::translate(XI_TouchBegin, 2, 10, 10, 100, 100, 0);
  const auto huge = XiTouch::translate(XI_TouchBegin, 0xffffffffu, 10, 10, 100, 100, 0);
  ASSERT_TRUE(a && b && huge);
  EXPECT_NE(a->id, b->id);
  for (const auto& e : {*a, *b, *huge}) {
    EXPECT_TRUE(e.id & XiTouch::k_id_bit) << e.id;  // TUIO session ids never carry this bit
    EXPECT_GT(e.id, 0);
  }
}

TEST(XiTouch, WhatIsNoTouchIsLeftOut) {
  EXPECT_FALSE(XiTouch::translate(XI_Motion, 1, 5, 5, 100, 100, 0));
  EXPECT_FALSE(XiTouch::translate(XI_ButtonPress, 1, 5, 5, 100, 100, 0));
  EXPECT_FALSE(XiTouch::translate(XI_TouchOwnership, 1, 5, 5, 100, 100, 0));
  EXPECT_FALSE(XiTouch::translate(XI_TouchBegin, 1, std::numeric_limits<double>::quiet_NaN(), 5, 100, 100, 0));
  // A window that reports no size yet still gives finite positions.
  const auto e = XiTouch::translate(XI_TouchBegin, 1, 5, 5, 0, 0, 0);
  ASSERT_TRUE(e);
  EXPECT_TRUE(std::isfinite(e->x) && std::isfinite(e->y));
}

TEST(XiTouch, WithoutAnX11WindowItIsOffAndSaysWhy) {
  const XiTouch none(nullptr, nullptr);
  EXPECT_FALSE(none.active());
  EXPECT_FALSE(none.reason().empty());
  XiTouch off(nullptr, nullptr);
  EXPECT_TRUE(off.take().empty());
}

}  // namespace
}  // namespace nnlive::app::live
