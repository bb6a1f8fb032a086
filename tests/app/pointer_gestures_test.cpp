// SPDX-License-Identifier: MIT
// The picture's gestures over the one pointer stream, for the mouse and fingers alike, fed
// event by event as the window would (the window tests drive the same through X and TUIO).
#include <gtest/gtest.h>

#include <vector>

#include "live/pointer_gestures.hpp"

namespace nnlive::app::live {
namespace {

using A = PointerGestures::Action;
constexpr int32_t mouse = PointerGestures::k_mouse;

PointerEvent ev(PointerEvent::Kind k, int32_t id, double x, double y, double t, int button = 0, int mods = 0) {
  return {k, id, button, mods, x, y, t};
}

// A press and release at one place, `hold` seconds apart.
void tap(PointerGestures& g, int32_t id, double x, double y, double t, std::vector<A>& out, int button = 0, double hold = 0.05) {
  g.feed(ev(PointerEvent::down, id, x, y, t, button), out);
  g.feed(ev(PointerEvent::up, id, x, y, t + hold, button), out);
}

std::vector<A::Kind> kinds(const std::vector<A>& v) {
  std::vector<A::Kind> k;
  for (const auto& a : v) k.push_back(a.kind);
  return k;
}

TEST(PointerGestures, EveryClickCountsHoweverFastTheyCome) {
  // 50 clicks at 50 places, 20 ms apart, several within one "frame" (no tick between them).
  PointerGestures g;
  std::vector<A> out;
  for (int i = 0; i < 50; ++i) {
    const double t = 0.02 * i, x = 100 + 10 * i;
    g.feed(ev(PointerEvent::down, mouse, x, 200, t), out);
    g.feed(ev(PointerEvent::up, mouse, x, 200, t + 0.01), out);
    if (i % 7 == 6) g.tick(t + 0.015, out);
  }
  g.tick(5.0, out);
  ASSERT_EQ(out.size(), 50u);
  for (int i = 0; i < 50; ++i) {
    EXPECT_EQ(out[size_t(i)].kind, A::click);
    EXPECT_EQ(out[size_t(i)].x, 100 + 10 * i);  // in order, each where it was pressed
  }
}

TEST(PointerGestures, ADoubleClickIsTwoLeftClicksAtOnePlace) {
  PointerGestures g;
  std::vector<A> out;
  tap(g, mouse, 300, 300, 1.0, out);
  tap(g, mouse, 303, 302, 1.2, out);
  g.tick(3.0, out);
  EXPECT_EQ(kinds(out), std::vector<A::Kind>{A::double_click});  // and no point added
  // Too far apart, or a right click second: two clicks.
  out.clear();
  tap(g, mouse, 300, 300, 4.0, out);
  tap(g, mouse, 310, 300, 4.1, out);
  tap(g, mouse, 310, 300, 4.2, out, 1);
  g.tick(6.0, out);
  ASSERT_EQ(kinds(out), (std::vector<A::Kind>{A::click, A::click, A::click}));
  EXPECT_EQ(out[2].button, 1);
  // Two taps of one finger are a double tap too.
  out.clear();
  g.feed(ev(PointerEvent::down, 7, 50, 50, 8.0), out);
  g.feed(ev(PointerEvent::up, 7, 51, 50, 8.05), out);
  tap(g, 8, 52, 51, 8.2, out);
  g.tick(9.0, out);
  EXPECT_EQ(kinds(out), std::vector<A::Kind>{A::double_click});
}

TEST(PointerGestures, AHeldPressRemovesWhileDownAndItsReleaseAddsNothing) {
  PointerGestures g;
  std::vector<A> out;
  g.feed(ev(PointerEvent::down, mouse, 200, 200, 1.0), out);
  g.tick(1.3, out);
  EXPECT_TRUE(out.empty());
  g.feed(ev(PointerEvent::move, mouse, 202, 201, 1.5), out);  // a hand's tremor is no drag
  g.tick(1.61, out);
  ASSERT_EQ(kinds(out), std::vector<A::Kind>{A::long_press});
  EXPECT_EQ(out[0].x, 200);
  g.feed(ev(PointerEvent::up, mouse, 202, 201, 2.0), out);
  g.tick(3.0, out);
  EXPECT_EQ(out.size(), 1u);
  // A hold that no frame saw (press and release in one slow frame) is still a long press.
  out.clear();
  tap(g, 3, 10, 10, 5.0, out, 0, 0.8);
  g.tick(6.5, out);
  EXPECT_EQ(kinds(out), std::vector<A::Kind>{A::long_press});
}

TEST(PointerGestures, ADragFromAPointMovesItAndADragElsewherePans) {
  PointerGestures g;
  std::vector<A> out;
  const data::Point p{0.5f, -0.25f, 1, false};
  g.feed(ev(PointerEvent::down, mouse, 100, 100, 1.0), {p}, out);
  g.feed(ev(PointerEvent::move, mouse, 140, 120, 1.1), out);
  g.feed(ev(PointerEvent::up, mouse, 160, 130, 1.2), out);
  g.tick(2.0, out);
  ASSERT_EQ(kinds(out), std::vector<A::Kind>{A::move_point});
  EXPECT_EQ(out[0].point.x, 0.5f);
  EXPECT_EQ(out[0].point.label, 1);
  EXPECT_EQ(out[0].x, 160);
  EXPECT_EQ(out[0].y, 130);
  // Elsewhere: a pan from where it began, one step per move, the first marked.
  out.clear();
  g.feed(ev(PointerEvent::down, 12, 100, 100, 3.0), out);
  g.feed(ev(PointerEvent::move, 12, 105, 100, 3.05), out);  // within a finger's 12 px: nothing yet
  g.feed(ev(PointerEvent::move, 12, 130, 90, 3.1), out);
  g.feed(ev(PointerEvent::move, 12, 150, 80, 3.2), out);
  g.feed(ev(PointerEvent::up, 12, 150, 80, 3.3), out);
  g.tick(4.0, out);
  ASSERT_EQ(kinds(out), (std::vector<A::Kind>{A::pan, A::pan}));
  EXPECT_TRUE(out[0].begin);
  EXPECT_FALSE(out[1].begin);
  EXPECT_EQ(out[1].dx, 50);
  EXPECT_EQ(out[1].dy, -20);
  // A right button never grabs a point: it pans.
  out.clear();
  g.feed(ev(PointerEvent::down, mouse, 100, 100, 5.0, 1), {p}, out);
  g.feed(ev(PointerEvent::move, mouse, 120, 100, 5.1, 1), out);
  g.feed(ev(PointerEvent::up, mouse, 120, 100, 5.2, 1), out);
  EXPECT_EQ(kinds(out), std::vector<A::Kind>{A::pan});
}

TEST(PointerGestures, TwoFingersPinchAndNeitherClicksNorPans) {
  PointerGestures g;
  std::vector<A> out;
  g.feed(ev(PointerEvent::down, 1, 100, 100, 1.0), out);
  g.feed(ev(PointerEvent::down, 2, 200, 100, 1.02), out);
  g.feed(ev(PointerEvent::move, 2, 300, 100, 1.1), out);
  g.feed(ev(PointerEvent::move, 1, 0, 100, 1.2), out);
  g.tick(1.25, out);
  ASSERT_EQ(kinds(out), (std::vector<A::Kind>{A::pinch, A::pinch}));
  EXPECT_TRUE(out[0].begin);
  EXPECT_DOUBLE_EQ(out[0].scale, 0.5);   // 100 px apart, then 200: zoom in twice
  EXPECT_DOUBLE_EQ(out[1].scale, 100.0 / 300.0);  // then 300
  EXPECT_EQ(out[0].x, 150);              // about where they first met
  EXPECT_EQ(out[0].dx, 50);              // the midpoint went from 150 to 200 ...
  EXPECT_EQ(out[1].dx, 0);               // ... and back to 150
  out.clear();
  // Lifted one after the other, held past the long-press time: no click, no removal, no pan.
  g.feed(ev(PointerEvent::up, 2, 300, 100, 1.3), out);
  g.feed(ev(PointerEvent::move, 1, 40, 100, 1.4), out);
  g.tick(2.5, out);
  g.feed(ev(PointerEvent::up, 1, 40, 100, 2.6), out);
  g.tick(4.0, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(g.held(), 0u);
}

TEST(PointerGestures, TwoFingersMovingTogetherPan) {
  PointerGestures g;
  std::vector<A> out;
  g.feed(ev(PointerEvent::down, 1, 100, 100, 1.0), out);
  g.feed(ev(PointerEvent::down, 2, 160, 100, 1.01), out);
  for (int k = 1; k <= 4; ++k) {
    g.feed(ev(PointerEvent::move, 1, 100 + 10 * k, 100 + 20 * k, 1.0 + 0.05 * k), out);
    g.feed(ev(PointerEvent::move, 2, 160 + 10 * k, 100 + 20 * k, 1.0 + 0.05 * k), out);
  }
  ASSERT_FALSE(out.empty());
  EXPECT_EQ(out.back().kind, A::pinch);
  EXPECT_DOUBLE_EQ(out.back().scale, 1.0);  // the same distance apart: no zoom
  EXPECT_EQ(out.back().dx, 40);
  EXPECT_EQ(out.back().dy, 80);
}

TEST(PointerGestures, SeveralVisitorsTapHoldAndDragEachOnTheirOwn) {
  PointerGestures g;
  std::vector<A> out;
  // Two fingers far apart in time or in space are two people: both taps count.
  g.feed(ev(PointerEvent::down, 1, 100, 100, 1.0), out);
  g.feed(ev(PointerEvent::down, 2, 900, 500, 1.5), out);  // later than a pinch's second finger
  g.feed(ev(PointerEvent::down, 3, 150, 600, 1.5), out);
  g.feed(ev(PointerEvent::up, 1, 100, 100, 1.55), out);
  g.feed(ev(PointerEvent::up, 2, 900, 500, 1.56), out);
  g.feed(ev(PointerEvent::up, 3, 150, 600, 1.57), out);
  g.tick(3.0, out);
  EXPECT_EQ(kinds(out), (std::vector<A::Kind>{A::click, A::click, A::click}));
  out.clear();
  g.set_hand_span(300.0);
  g.feed(ev(PointerEvent::down, 4, 100, 100, 4.0), out);
  g.feed(ev(PointerEvent::down, 5, 700, 100, 4.01), out);  // at once, but 600 px apart
  g.feed(ev(PointerEvent::up, 4, 100, 100, 4.1), out);
  g.feed(ev(PointerEvent::up, 5, 700, 100, 4.1), out);
  g.tick(5.0, out);
  EXPECT_EQ(kinds(out), (std::vector<A::Kind>{A::click, A::click}));
  // At once and near, but neither moves: two taps, not a pinch.
  out.clear();
  g.feed(ev(PointerEvent::down, 8, 100, 100, 5.5), out);
  g.feed(ev(PointerEvent::down, 9, 200, 100, 5.52), out);
  g.feed(ev(PointerEvent::move, 9, 203, 101, 5.55), out);  // a tremor
  g.feed(ev(PointerEvent::up, 8, 100, 100, 5.6), out);
  g.feed(ev(PointerEvent::up, 9, 203, 101, 5.62), out);
  g.tick(6.0, out);
  EXPECT_EQ(kinds(out), (std::vector<A::Kind>{A::click, A::click}));
  // One holds (removes a point) while another drags a point elsewhere.
  out.clear();
  const data::Point p{1.0f, 1.0f, 0, false};
  g.feed(ev(PointerEvent::down, 6, 100, 100, 6.0), out);
  g.feed(ev(PointerEvent::down, 7, 800, 400, 6.5), {p}, out);
  g.feed(ev(PointerEvent::move, 7, 850, 420, 6.6), out);
  g.tick(6.7, out);
  g.feed(ev(PointerEvent::up, 7, 860, 430, 6.8), out);
  g.feed(ev(PointerEvent::up, 6, 100, 100, 7.0), out);
  g.tick(8.0, out);
  EXPECT_EQ(kinds(out), (std::vector<A::Kind>{A::long_press, A::move_point}));
}

TEST(PointerGestures, StrayEventsAndResetLeaveNothingBehind) {
  PointerGestures g;
  std::vector<A> out;
  g.feed(ev(PointerEvent::up, 99, 1, 1, 0.5), out);    // up of a pointer never down
  g.feed(ev(PointerEvent::move, 99, 5, 5, 0.6), out);  // move of one either
  tap(g, 4, 10, 10, 1.0, out);
  g.reset();  // the pending click goes too
  g.tick(3.0, out);
  EXPECT_TRUE(out.empty());
  EXPECT_EQ(g.held(), 0u);
}

}  // namespace
}  // namespace nnlive::app::live
