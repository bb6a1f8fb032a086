// SPDX-License-Identifier: MIT
// The live window's view: pan and zoom keep what is under the pointer under it, zoom stops at
// its limits, and window positions map to the panel and data point drawn there.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "live/view_state.hpp"

namespace nnlive::app::live {
namespace {

TEST(ViewState, ShowsTheRunsViewUntilTheViewerChangesIt) {
  ViewState v;
  const nn::View run{-6, -6, 6, 6};
  EXPECT_EQ(v.shown(run), run);
  EXPECT_FALSE(v.changed());
  v.set({0, 0, 1, 1});
  EXPECT_EQ(v.shown(run), (nn::View{0, 0, 1, 1}));
  EXPECT_TRUE(v.changed());
  v.reset();
  EXPECT_EQ(v.shown(run), run);
}

TEST(ViewState, APanMovesTheDataWithThePointer) {
  const render::Rect field{100, 0, 500, 200};  // 400 x 200 target pixels
  const nn::View from{-6, -3, 6, 3};          // 12 x 6 data units: 0.03 per pixel both ways
  // Dragged right by 100 pixels and down by 50: the view moves left by 3 and up by 1.5 (y grows upwards).
  const nn::View to = ViewState::panned(from, 100, 50, field);
  EXPECT_NEAR(to[0], -9, 1e-12);
  EXPECT_NEAR(to[2], 3, 1e-12);
  EXPECT_NEAR(to[1], -1.5, 1e-12);
  EXPECT_NEAR(to[3], 4.5, 1e-12);
  // And back.
  const nn::View back = ViewState::panned(to, -100, -50, field);
  for (int i = 0; i < 4; ++i) EXPECT_NEAR(back[size_t(i)], from[size_t(i)], 1e-12);
  // A degenerate rectangle does not blow the view up.
  const nn::View odd = ViewState::panned(from, 10, 10, render::Rect{0, 0, 0, 0});
  for (double c : odd) EXPECT_TRUE(std::isfinite(c));
}

TEST(ViewState, ZoomKeepsItsCentreAndStopsAtItsLimits) {
  const nn::View from{-6, -6, 6, 6};
  const auto in = ViewState::zoomed(from, {3, -1}, 0.5);
  ASSERT_TRUE(in);
  EXPECT_NEAR((*in)[2] - (*in)[0], 6.0, 1e-12);
  // The centre stays where it was within the view: a quarter from the right, 5/12 from the bottom.
  EXPECT_NEAR((3 - (*in)[0]) / ((*in)[2] - (*in)[0]), 0.75, 1e-12);
  EXPECT_NEAR((-1 - (*in)[1]) / ((*in)[3] - (*in)[1]), 5.0 / 12.0, 1e-12);
  EXPECT_FALSE(ViewState::zoomed(from, {0, 0}, 1e-5));  // narrower than k_min_span
  EXPECT_FALSE(ViewState::zoomed(from, {0, 0}, 1e4));   // wider than k_max_span
  EXPECT_FALSE(ViewState::zoomed(from, {0, 0}, NAN));
  // The wheel: one click in zooms in, one out zooms back; a flood of clicks stays bounded.
  EXPECT_LT(ViewState::wheel_factor(1), 1.0);
  EXPECT_NEAR(ViewState::wheel_factor(1) * ViewState::wheel_factor(-1), 1.0, 1e-12);
  EXPECT_GE(ViewState::wheel_factor(1e6), 0.1);
  EXPECT_LE(ViewState::wheel_factor(-1e6), 10.0);
}

TEST(ViewState, WindowPositionsMapToThePanelAndDataPointDrawnThere) {
  // A window of 640 x 360 showing a 1280 x 720 target, two fields side by side.
  std::vector<render::Renderer::Placement> fields(2);
  fields[0].rect = {400, 0, 800, 400};
  fields[0].view = {-6, -6, 6, 6};
  fields[1].rect = {840, 0, 1240, 400};
  fields[1].view = {-6, -6, 6, 6};
  const ViewState::Mapping m{2.0, 2.0, fields};
  EXPECT_EQ(m.to_target(10, 20), (std::array<double, 2>{20, 40}));
  EXPECT_EQ(m.panel_at(300, 100), 0u);
  EXPECT_EQ(m.panel_at(520, 100), 1u);
  EXPECT_FALSE(m.panel_at(100, 100));  // the control panel's side
  EXPECT_FALSE(m.panel_at(410, 100));  // between the fields
  const auto centre = m.to_data(300, 100);  // target (600, 200): the middle of field 0
  ASSERT_TRUE(centre);
  EXPECT_NEAR((*centre)[0], 0.0, 1e-12);
  EXPECT_NEAR((*centre)[1], 0.0, 1e-12);
  const auto corner = m.to_data(420, 0);  // the top left of field 1
  ASSERT_TRUE(corner);
  EXPECT_NEAR((*corner)[0], -6.0, 1e-12);
  EXPECT_NEAR((*corner)[1], 6.0, 1e-12);
  EXPECT_FALSE(m.to_data(100, 100));
  EXPECT_FALSE((ViewState::Mapping{1.0, 1.0, {}}.to_data(500, 100)));  // no frame yet
}

}  // namespace
}  // namespace nnlive::app::live
