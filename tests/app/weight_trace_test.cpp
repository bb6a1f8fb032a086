// SPDX-License-Identifier: MIT
// The live window's memory of the weights: the trace stays bounded and spread over the whole
// run, forgets what came after a step back, and the update log keeps the largest changes.
#include <gtest/gtest.h>

#include "live/weight_trace.hpp"

namespace nnlive {
namespace {

TEST(WeightTrace, StaysBoundedAndSpreadOverTheWholeRun) {
  app::WeightTrace t(16, 8);
  for (long long step = 0; step < 1000; ++step) t.add(step, {float(step), -float(step)});
  ASSERT_LE(t.rows(), 16u);
  ASSERT_GE(t.rows(), 8u);
  EXPECT_EQ(t.steps().front(), 0);
  EXPECT_GE(t.steps().back(), 1000 - 128);  // the newest part of the run is there too
  for (size_t i = 1; i < t.rows(); ++i) EXPECT_LT(t.steps()[i - 1], t.steps()[i]);
  const std::vector<float> w = t.series(1);
  ASSERT_EQ(w.size(), t.rows());
  for (size_t i = 0; i < w.size(); ++i) EXPECT_EQ(w[i], -float(t.steps()[i]));
  // The same step again, an earlier one, and a network too big to trace: ignored.
  const size_t rows = t.rows();
  t.add(t.steps().back(), {1.0f, 2.0f});
  t.add(3, {1.0f, 2.0f});
  EXPECT_EQ(t.rows(), rows);
  EXPECT_FALSE(t.traces(9));
  EXPECT_FALSE(t.traces(0));
}

TEST(WeightTrace, ForgetsWhatCameAfterAStepBackAndRestartsForAnotherNetwork) {
  app::WeightTrace t(100, 8);
  for (long long step = 0; step < 50; ++step) t.add(step, {float(step)});
  t.rewind(20);
  EXPECT_EQ(t.steps().back(), 20);
  t.add(21, {7.0f});
  EXPECT_EQ(t.series(0).back(), 7.0f);
  t.add(22, {1.0f, 2.0f, 3.0f});  // another shape: a new network
  EXPECT_EQ(t.rows(), 1u);
  EXPECT_EQ(t.row(0).size(), 3u);
}

TEST(UpdateLog, KeepsTheLargestChangesOfEachStepBoundedAndRewinds) {
  app::UpdateLog log(4, 2);
  log.add(1, 0, {1.0f, 2.0f, 3.0f}, {0.1f, -0.5f, 0.0f});
  ASSERT_EQ(log.entries().size(), 1u);
  const auto& c = log.entries().back().changes;
  ASSERT_EQ(c.size(), 2u);
  EXPECT_EQ(c[0].index, 1u);  // the largest |update| first
  EXPECT_FLOAT_EQ(c[0].before, 2.5f);
  EXPECT_FLOAT_EQ(c[0].update, -0.5f);
  EXPECT_EQ(c[1].index, 0u);
  log.add(1, 0, {1.0f, 2.0f, 3.0f}, {1.0f, 1.0f, 1.0f});  // the same step again
  log.add(2, 0, {1.0f, 2.0f, 3.0f}, {0.0f, 0.0f, 0.0f});  // nothing changed
  log.add(3, 0, {1.0f}, {});                               // no update known
  EXPECT_EQ(log.entries().size(), 1u);
  for (long long s = 4; s < 20; ++s) log.add(s, 1, {1.0f, 2.0f, 3.0f}, {0.0f, 0.0f, 0.25f});
  ASSERT_EQ(log.entries().size(), 4u);
  EXPECT_EQ(log.entries().front().step, 16);
  ASSERT_EQ(log.entries().back().changes.size(), 1u);  // zero updates are not listed
  log.rewind(17);
  EXPECT_EQ(log.entries().back().step, 17);
}

}  // namespace
}  // namespace nnlive
