// SPDX-License-Identifier: MIT
// Mlp forward worked out by hand, and finite-difference gradient checks of backward for every
// activation x loss x several shapes.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nnlive/common/rng.hpp"
#include "nnlive/nn/loss.hpp"
#include "nnlive/nn/mlp.hpp"

namespace nnlive::nn {
namespace {

TEST(Mlp, LayoutIsContiguousWeightsThenBias) {
  const std::vector<int> hidden{3};
  const std::vector<Activation> acts{Activation::tanh};
  Mlp m(2, hidden, acts, 1, Activation::sigmoid);
  ASSERT_EQ(m.layers().size(), 2u);
  EXPECT_EQ(m.layers()[0].w_offset, 0u);
  EXPECT_EQ(m.layers()[0].b_offset, 6u);   // (3, 2) weights
  EXPECT_EQ(m.layers()[1].w_offset, 9u);   // after 3 biases
  EXPECT_EQ(m.layers()[1].b_offset, 12u);  // (1, 3) weights
  EXPECT_EQ(m.param_count(), 13u);
  EXPECT_EQ(m.macs_per_sample(), 9u);
}

TEST(Mlp, ForwardByHand) {
  // 2 -> 2 (tanh) -> 1 (sigmoid), input (1, 2).
  // Layer 1: W = [[0.5, -1], [0.25, 0.75]], b = [0.1, -0.2]
  //   z1 = [0.5*1 - 1*2 + 0.1, 0.25*1 + 0.75*2 - 0.2] = [-1.4, 1.55]
  //   a1 = [tanh(-1.4), tanh(1.55)] = [-0.885352, 0.913785]
  // Layer 2: W = [[2, -1]], b = [0.3]
  //   z2 = 2*(-0.885352) - 0.913785 + 0.3 = -2.384489
  //   a2 = sigmoid(-2.384489) = 1 / (1 + e^2.384489) = 0.084363
  const std::vector<int> hidden{2};
  const std::vector<Activation> acts{Activation::tanh};
  Mlp m(2, hidden, acts, 1, Activation::sigmoid);
  m.params() = {0.5f, -1.0f, 0.25f, 0.75f, 0.1f, -0.2f, 2.0f, -1.0f, 0.3f};
  const float x[2] = {1.0f, 2.0f};
  Trace t;
  m.forward(x, 1, t);
  EXPECT_NEAR(t.z[0][0], -1.4f, 1e-6);
  EXPECT_NEAR(t.z[0][1], 1.55f, 1e-6);
  EXPECT_NEAR(t.a[1][0], -0.885352f, 1e-6);
  EXPECT_NEAR(t.a[1][1], 0.913785f, 1e-6);
  EXPECT_NEAR(t.z[1][0], -2.384489f, 1e-5);
  EXPECT_NEAR(t.output()[0], 0.084363f, 1e-6);
}

// The forward pass as a dot product one sample at a time (what Mlp::forward computed before it
// took samples in blocks): the blocks must give every value to the bit.
void forward_one_at_a_time(const Mlp& m, const float* x, int n, Trace& t) {
  t.a.assign(m.layers().size() + 1, {});
  t.z.assign(m.layers().size(), {});
  t.a[0].assign(x, x + size_t(n) * m.inputs());
  for (size_t li = 0; li < m.layers().size(); ++li) {
    const LayerShape& l = m.layers()[li];
    const float* W = m.params().data() + l.w_offset;
    const float* b = m.params().data() + l.b_offset;
    t.z[li].resize(size_t(n) * l.out);
    t.a[li + 1].resize(size_t(n) * l.out);
    for (int s = 0; s < n; ++s) {
      for (int j = 0; j < l.out; ++j) {
        float sum = b[j];
        for (int i = 0; i < l.in; ++i) sum += W[size_t(j) * l.in + i] * t.a[li][size_t(s) * l.in + i];
        t.z[li][size_t(s) * l.out + j] = sum;
      }
      float* as = t.a[li + 1].data() + size_t(s) * l.out;
      const float* zs = t.z[li].data() + size_t(s) * l.out;
      if (l.activation == Activation::softmax) {
        const float mx = *std::max_element(zs, zs + l.out);
        float total = 0.0f;
        for (int j = 0; j < l.out; ++j) total += as[j] = std::exp(zs[j] - mx);
        for (int j = 0; j < l.out; ++j) as[j] /= total;
      } else {
        for (int j = 0; j < l.out; ++j) as[j] = activate(l.activation, zs[j]);
      }
    }
  }
}

TEST(Mlp, ForwardOverManySamplesGivesEachSamplesDotProductsToTheBit) {
  struct Shape {
    int inputs;
    std::vector<int> hidden;
    Activation act;
    int outputs;
    Activation out_act;
  };
  const std::vector<Shape> shapes{{2, {5}, Activation::tanh, 1, Activation::sigmoid},
                                  {3, {17, 9}, Activation::relu, 3, Activation::softmax},
                                  {7, {64, 33, 6}, Activation::gelu, 1, Activation::sigmoid},
                                  {2, {}, Activation::tanh, 4, Activation::softmax}};
  Rng rng(11);
  for (const Shape& sh : shapes)
    for (int n : {1, 3, 15, 16, 17, 64, 100}) {
      const std::vector<Activation> acts{sh.act};
      Mlp m(sh.inputs, sh.hidden, acts, sh.outputs, sh.out_act);
      m.init(uint64_t(n) * 7 + 1);
      for (size_t l = 0; l < m.layers().size(); ++l)  // biases that are not zero
        for (int j = 0; j < m.layers()[l].out; ++j) m.params()[m.layers()[l].b_offset + j] = float(rng.normal()) * 0.3f;
      std::vector<float> x(size_t(n) * sh.inputs);
      for (float& v : x) v = float(rng.normal()) * 2.0f;
      Trace blocked, plain;
      m.forward(x.data(), n, blocked);
      forward_one_at_a_time(m, x.data(), n, plain);
      ASSERT_EQ(blocked.z.size(), plain.z.size());
      for (size_t l = 0; l < plain.z.size(); ++l) {
        ASSERT_EQ(blocked.z[l].size(), plain.z[l].size());
        EXPECT_EQ(std::memcmp(blocked.z[l].data(), plain.z[l].data(), plain.z[l].size() * sizeof(float)), 0)
            << "layer " << l << ", " << n << " samples";
        EXPECT_EQ(std::memcmp(blocked.a[l + 1].data(), plain.a[l + 1].data(), plain.a[l + 1].size() * sizeof(float)), 0)
            << "layer " << l << ", " << n << " samples";
      }
    }
}

TEST(Mlp, RejectsOutOfRangeShapes) {
  const std::vector<Activation> tanh1{Activation::tanh};
  EXPECT_THROW(Mlp(2, std::vector<int>{0}, tanh1, 1, Activation::sigmoid), std::invalid_argument);
  EXPECT_THROW(Mlp(2, std::vector<int>{513}, tanh1, 1, Activation::sigmoid), std::invalid_argument);
  EXPECT_THROW(Mlp(2, std::vector<int>(9, 4), tanh1, 1, Activation::sigmoid), std::invalid_argument);
  EXPECT_THROW(Mlp(2, std::vector<int>{4}, tanh1, 9, Activation::softmax), std::invalid_argument);
}

TEST(Mlp, InitIsSeededAndScaledToActivation) {
  const std::vector<int> hidden{64};
  Mlp a(2, hidden, std::vector<Activation>{Activation::relu}, 1, Activation::sigmoid);
  Mlp b = a, c = a;
  a.init(7);
  b.init(7);
  c.init(8);
  EXPECT_EQ(a.params(), b.params());
  EXPECT_NE(a.params(), c.params());
  // He init for relu: sd = sqrt(2 / fan_in) = 1 for fan_in 2.
  double sum_sq = 0;
  for (int i = 0; i < 128; ++i) sum_sq += double(a.params()[i]) * a.params()[i];
  EXPECT_NEAR(std::sqrt(sum_sq / 128), 1.0, 0.2);
}

struct GradCase {
  Activation act;
  Loss loss;
  std::vector<int> hidden;
};

std::string case_name(const testing::TestParamInfo<GradCase>& info) {
  std::string s = std::string(to_string(info.param.act)) + "_" + std::string(to_string(info.param.loss)) + "_h";
  for (int h : info.param.hidden) s += std::to_string(h) + "x";
  if (info.param.hidden.empty()) s += "none";
  return s;
}

class GradientCheck : public testing::TestWithParam<GradCase> {};

// Central differences of the mean loss against backward(), for every parameter.
TEST_P(GradientCheck, BackwardMatchesFiniteDifferences) {
  const GradCase& c = GetParam();
  const int k = c.loss == Loss::softmax_ce ? 3 : 1;
  const std::vector<Activation> acts{c.act};
  Mlp m(3, c.hidden, acts, k, output_activation(c.loss));
  m.init(derive_seed(42, static_cast<uint64_t>(c.act)));
  Rng rng(5);
  for (auto& p : m.params()) p += static_cast<float>(rng.normal(0.0, 0.1));  // non-zero biases too
  const int n = 5;
  std::vector<float> x(n * 3);
  std::vector<int> labels(n);
  for (auto& l : labels) l = static_cast<int>(rng.below(uint64_t(k == 1 ? 2 : k)));
  // Inputs whose pre-activations all stay clear of 0, so no difference straddles the kink of
  // relu or leaky_relu (a perturbation of 1e-3 moves a z by far less than 0.05).
  Trace t;
  for (bool near_kink = true; near_kink;) {
    for (auto& v : x) v = static_cast<float>(rng.uniform(-1.5, 1.5));
    m.forward(x.data(), n, t);
    near_kink = false;
    for (const auto& layer : t.z)
      for (float z : layer) near_kink |= std::abs(z) < 0.05f;
  }
  std::vector<float> dL_dz(n * k), grads(m.param_count());
  evaluate_loss(c.loss, t, labels.data(), dL_dz.data());
  m.backward(t, dL_dz.data(), grads.data());

  const float eps = 1e-3f;
  for (size_t i = 0; i < m.param_count(); ++i) {
    const float saved = m.params()[i];
    m.params()[i] = saved + eps;
    m.forward(x.data(), n, t);
    const double up = evaluate_loss(c.loss, t, labels.data(), nullptr);
    m.params()[i] = saved - eps;
    m.forward(x.data(), n, t);
    const double down = evaluate_loss(c.loss, t, labels.data(), nullptr);
    m.params()[i] = saved;
    const double numeric = (up - down) / (2.0 * eps);
    EXPECT_NEAR(grads[i], numeric, 2e-3 + 2e-2 * std::abs(numeric)) << "parameter " << i;
  }
}

std::vector<GradCase> grad_cases() {
  std::vector<GradCase> cases;
  const Activation acts[] = {Activation::linear, Activation::sigmoid, Activation::tanh, Activation::relu,
                             Activation::leaky_relu, Activation::gelu, Activation::sin};
  const Loss losses[] = {Loss::bce, Loss::mse, Loss::softmax_ce};
  for (auto a : acts)
    for (auto l : losses) {
      cases.push_back({a, l, {4}});
      cases.push_back({a, l, {5, 3}});
    }
  for (auto l : losses) cases.push_back({Activation::tanh, l, {}});  // no hidden layer
  return cases;
}

INSTANTIATE_TEST_SUITE_P(AllActivationsAndLosses, GradientCheck, testing::ValuesIn(grad_cases()), case_name);

// The confidence penalty's gradient is that of loss + beta * mean output entropy, for each loss.
TEST(Loss, ConfidencePenaltyGradientMatchesFiniteDifferences) {
  for (const Loss loss : {Loss::bce, Loss::mse, Loss::softmax_ce}) {
    const int k = loss == Loss::softmax_ce ? 3 : 1;
    const std::vector<int> hidden{4};
    const std::vector<Activation> acts{Activation::tanh};
    Mlp m(2, hidden, acts, k, output_activation(loss));
    m.init(11);
    const std::vector<float> x{0.3f, -0.8f, -1.1f, 0.4f, 0.9f, 0.7f};
    const std::vector<int> labels{0, k - 1, 0};
    const double beta = 0.7;
    Trace t;
    m.forward(x.data(), 3, t);
    std::vector<float> dL_dz(size_t(3 * k)), grads(m.param_count()), plain(size_t(3 * k));
    const double value = evaluate_loss(loss, t, labels.data(), dL_dz.data(), beta);
    EXPECT_DOUBLE_EQ(value, evaluate_loss(loss, t, labels.data(), plain.data()));  // the value stays the plain loss
    EXPECT_NE(dL_dz, plain);
    m.backward(t, dL_dz.data(), grads.data());
    auto objective = [&] {
      m.forward(x.data(), 3, t);
      return evaluate_loss(loss, t, labels.data(), nullptr) + beta * output_entropy(loss, t);
    };
    const float eps = 1e-3f;
    for (size_t i = 0; i < m.param_count(); ++i) {
      const float saved = m.params()[i];
      m.params()[i] = saved + eps;
      const double up = objective();
      m.params()[i] = saved - eps;
      const double down = objective();
      m.params()[i] = saved;
      const double numeric = (up - down) / (2.0 * eps);
      EXPECT_NEAR(grads[i], numeric, 2e-3 + 2e-2 * std::abs(numeric)) << to_string(loss) << " parameter " << i;
    }
  }
}

TEST(Loss, StableForExtremeLogits) {
  const std::vector<int> none;
  Mlp m(1, none, std::vector<Activation>{Activation::tanh}, 1, Activation::sigmoid);
  m.params() = {1.0f, 0.0f};
  const float x = 200.0f;  // z = 200: p rounds to 1
  Trace t;
  m.forward(&x, 1, t);
  const int wrong = 0;
  float g = 0;
  const double loss = evaluate_loss(Loss::bce, t, &wrong, &g);
  EXPECT_NEAR(loss, 200.0, 1e-3);  // -log(1 - sigmoid(200)) = 200 + log1p(e^-200)
  EXPECT_NEAR(g, 1.0f, 1e-6);
}

TEST(Loss, NamesRoundTrip) {
  for (Loss l : {Loss::bce, Loss::mse, Loss::softmax_ce}) EXPECT_EQ(parse_loss(to_string(l)), l);
  EXPECT_FALSE(parse_loss("hinge"));
  for (uint32_t a = 0; a <= 7; ++a) EXPECT_EQ(parse_activation(to_string(Activation(a))), Activation(a));
  EXPECT_EQ(parse_activation("leaky-relu"), Activation::leaky_relu);
  EXPECT_FALSE(parse_activation("swish"));
}

}  // namespace
}  // namespace nnlive::nn
