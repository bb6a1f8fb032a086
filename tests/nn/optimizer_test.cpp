// SPDX-License-Identifier: MIT
// Optimizer steps against values worked out by hand.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>

#include "nnlive/nn/optimizer.hpp"

namespace nnlive::nn {
namespace {

TEST(Optimizer, SgdStep) {
  Optimizer o({OptimizerKind::sgd, 0.1f}, 2);
  std::vector<float> p{1.0f, -2.0f};
  ASSERT_TRUE(o.step(p, {0.5f, -1.0f}));
  EXPECT_FLOAT_EQ(p[0], 0.95f);  // 1 - 0.1 * 0.5
  EXPECT_FLOAT_EQ(p[1], -1.9f);  // -2 - 0.1 * -1
  EXPECT_FLOAT_EQ(o.last_update()[0], -0.05f);
}

TEST(Optimizer, MomentumSteps) {
  OptimizerConfig c{OptimizerKind::momentum, 0.1f};
  c.momentum = 0.9f;
  Optimizer o(c, 1);
  std::vector<float> p{1.0f};
  ASSERT_TRUE(o.step(p, {0.5f}));  // v = 0.5, p = 1 - 0.05 = 0.95
  EXPECT_FLOAT_EQ(p[0], 0.95f);
  ASSERT_TRUE(o.step(p, {0.5f}));  // v = 0.9 * 0.5 + 0.5 = 0.95, p = 0.95 - 0.095 = 0.855
  EXPECT_FLOAT_EQ(p[0], 0.855f);
}

TEST(Optimizer, AdamSteps) {
  Optimizer o({OptimizerKind::adam, 0.1f}, 1);
  std::vector<float> p{1.0f};
  // t = 1, g = 0.5: m = 0.05, v = 0.00025, m^ = 0.5, v^ = 0.25, p = 1 - 0.1 * 0.5 / 0.5 = 0.9
  ASSERT_TRUE(o.step(p, {0.5f}));
  EXPECT_NEAR(p[0], 0.9f, 1e-6);
  // t = 2, g = -0.25: m = 0.045 - 0.025 = 0.02, v = 0.00024975 + 0.0000625 = 0.00031225,
  // m^ = 0.02 / 0.19 = 0.1052632, v^ = 0.00031225 / 0.001999 = 0.1562031, sqrt = 0.3952254,
  // p = 0.9 - 0.1 * 0.1052632 / 0.3952254 = 0.8733666
  ASSERT_TRUE(o.step(p, {-0.25f}));
  EXPECT_NEAR(p[0], 0.8733666f, 1e-6);
}

TEST(Optimizer, RefusesAnUpdateThatWouldBeNonFinite) {
  Optimizer o({OptimizerKind::sgd, 100.0f}, 2);
  std::vector<float> p{1.0f, 2.0f};
  EXPECT_FALSE(o.step(p, {0.0f, 3.0e37f}));  // 2 - 100 * 3e37 overflows float
  EXPECT_EQ(p, (std::vector<float>{1.0f, 2.0f}));
  EXPECT_FALSE(o.step(p, {std::numeric_limits<float>::quiet_NaN(), 0.0f}));
  EXPECT_EQ(p, (std::vector<float>{1.0f, 2.0f}));
}

TEST(Optimizer, LearningRateChangesMidRun) {
  Optimizer o({OptimizerKind::sgd, 0.1f}, 1);
  std::vector<float> p{0.0f};
  o.step(p, {1.0f});
  o.set_learning_rate(0.01f);
  o.step(p, {1.0f});
  EXPECT_FLOAT_EQ(p[0], -0.11f);
}

}  // namespace
}  // namespace nnlive::nn
