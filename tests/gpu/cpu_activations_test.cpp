// SPDX-License-Identifier: MIT
// The CPU field engine's vectorised activations against the C library's, over every float in
// [-12, 12] at a fine step, at the extremes and on lengths that leave a vector's tail.
#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "nnlive/gpu/cpu_activations.hpp"

namespace nnlive::gpu {
namespace {

std::vector<float> sweep() {
  std::vector<float> v;
  for (double x = -12.0; x <= 12.0; x += 1.0 / 4096.0) v.push_back(float(x));
  for (float x : {0.0f, -0.0f, 1e-30f, -1e-30f, 1e-7f, 7.9f, 7.906f, -7.906f, 20.0f, -20.0f, 1e30f, -1e30f,
                  std::numeric_limits<float>::max(), -std::numeric_limits<float>::max(), std::numeric_limits<float>::infinity(),
                  -std::numeric_limits<float>::infinity()})
    v.push_back(x);
  return v;
}

TEST(CpuActivations, TanhIsWithinTwoTenMillionthsOddAndNeverPastOne) {
  const std::vector<float> x = sweep();
  std::vector<float> y = x;
  tanh_in_place(y.data(), y.size());
  double worst = 0.0;
  for (size_t i = 0; i < x.size(); ++i) {
    worst = std::max(worst, std::abs(double(y[i]) - std::tanh(double(x[i]))));
    EXPECT_LE(std::abs(y[i]), 1.0f) << x[i];
    if (x[i] != 0.0f) {
      EXPECT_EQ(std::signbit(y[i]), std::signbit(x[i])) << x[i];
    }
  }
  EXPECT_LT(worst, 2e-7);
  // Exactly odd, and 0 at 0.
  float pm[4] = {3.25f, -3.25f, 1e-3f, -1e-3f};
  tanh_in_place(pm, 4);
  EXPECT_EQ(pm[0], -pm[1]);
  EXPECT_EQ(pm[2], -pm[3]);
  float zero[2] = {0.0f, -0.0f};
  tanh_in_place(zero, 2);
  EXPECT_EQ(zero[0], 0.0f);
  EXPECT_EQ(zero[1], 0.0f);
}

TEST(CpuActivations, SigmoidAndGeluFollowTheirFormulas) {
  const std::vector<float> x = sweep();
  std::vector<float> s = x, g = x;
  sigmoid_in_place(s.data(), s.size());
  gelu_in_place(g.data(), g.size());
  for (size_t i = 0; i < x.size(); ++i) {
    const double v = x[i];
    EXPECT_NEAR(s[i], 1.0 / (1.0 + std::exp(-v)), 4e-7) << v;
    EXPECT_GE(s[i], 0.0f);
    EXPECT_LE(s[i], 1.0f);
    if (std::abs(v) <= 12.0) {
      const double want = 0.5 * v * (1.0 + std::tanh(0.7978845608 * (v + 0.044715 * v * v * v)));
      EXPECT_NEAR(g[i], want, 4e-7 * std::max(1.0, std::abs(v))) << v;
    }
  }
}

TEST(CpuActivations, EveryLengthAndNaNPassThrough) {
  for (size_t n = 0; n <= 67; ++n) {
    std::vector<float> v(n + 2, 0.5f), want(n + 2, 0.5f);
    for (size_t i = 1; i <= n; ++i) v[i] = want[i] = float(i) * 0.1f - 3.0f;
    tanh_in_place(v.data() + 1, n);
    EXPECT_EQ(v[0], 0.5f);  // nothing outside [first, first + n) is touched
    EXPECT_EQ(v[n + 1], 0.5f);
    for (size_t i = 1; i <= n; ++i) EXPECT_NEAR(v[i], std::tanh(want[i]), 4e-7);
  }
  float nan[3] = {std::numeric_limits<float>::quiet_NaN(), 1.0f, std::numeric_limits<float>::quiet_NaN()};
  tanh_in_place(nan, 3);
  EXPECT_TRUE(std::isnan(nan[0]) && std::isnan(nan[2]));  // a broken network shows as such, not as a value
  sigmoid_in_place(nan, 1);
  EXPECT_TRUE(std::isnan(nan[0]));
}

// With `add` (the field engine's bias), each function gives exactly what it gives for the sums,
// at every length (the vector body and its remainder), and touches nothing outside.
TEST(CpuActivations, AnAddendGivesTheSameAsTheSums) {
  using Fn = void (*)(float*, std::size_t, const float*);
  const Fn fns[] = {&tanh_in_place, &sigmoid_in_place, &gelu_in_place};
  for (Fn fn : fns)
    for (size_t n = 0; n <= 67; ++n) {
      std::vector<float> z(n + 2, 0.25f), add(n), sums(n);
      for (size_t i = 0; i < n; ++i) {
        z[i + 1] = float(i) * 0.37f - 9.0f;
        add[i] = 2.5f - float(i % 7) * 0.9f;
        sums[i] = z[i + 1] + add[i];
      }
      fn(z.data() + 1, n, add.data());
      fn(sums.data(), n, nullptr);
      EXPECT_EQ(z[0], 0.25f);
      EXPECT_EQ(z[n + 1], 0.25f);
      for (size_t i = 0; i < n; ++i) EXPECT_EQ(z[i + 1], sums[i]) << n << " " << i;
    }
  std::vector<float> z{1.0f, -2.0f, 0.5f}, add{0.25f, 0.5f, -1.0f};
  add_in_place(z.data(), z.size(), add.data());
  EXPECT_EQ(z, (std::vector<float>{1.25f, -1.5f, -0.5f}));
}

}  // namespace
}  // namespace nnlive::gpu
