// SPDX-License-Identifier: MIT
// The step-through explanation agrees with the trainer's own step, with the chain rule and with
// finite differences of the loss.
#include <gtest/gtest.h>

#include <cmath>

#include "nnlive/nn/explain.hpp"
#include "nnlive/nn/trainer.hpp"

namespace nnlive {
namespace {

// A trainer on a single sample (full batch, plain SGD), so the step's batch gradient is that
// sample's own gradient.
nn::Trainer one_sample_trainer(nn::Loss loss, const std::vector<float>& x, int label, int outputs) {
  const std::vector<int> hidden{3, 4};
  const std::vector<nn::Activation> acts{nn::Activation::tanh, nn::Activation::relu};
  nn::Mlp mlp(2, hidden, acts, outputs, nn::output_activation(loss));
  mlp.init(7);
  nn::TrainConfig tc;
  tc.loss = loss;
  tc.optimizer.lr = 0.1f;
  tc.stop_window = 0;
  nn::LabeledSet train{2, x, {label}};
  return nn::Trainer(std::move(mlp), tc, 1, train, {});
}

TEST(ExplainStep, MatchesTheTrainersStepForOneSample) {
  for (const nn::Loss loss : {nn::Loss::bce, nn::Loss::mse, nn::Loss::softmax_ce}) {
    const int outputs = loss == nn::Loss::softmax_ce ? 3 : 1;
    const std::vector<float> x{0.4f, -0.7f};
    const int label = loss == nn::Loss::softmax_ce ? 2 : 1;
    nn::Trainer t = one_sample_trainer(loss, x, label, outputs);
    const std::vector<float> initial = t.model().params();
    t.step();
    const nn::Snapshot snap = t.snapshot(0, -1);
    const nn::StepExplanation e = nn::explain_step(snap, loss, x, label);
    ASSERT_EQ(e.sample_grad.size(), initial.size());
    for (size_t i = 0; i < initial.size(); ++i) {
      EXPECT_NEAR(e.params_before[i], initial[i], 1e-6f);
      EXPECT_NEAR(e.sample_grad[i], snap.grads[i], 1e-6f) << "param " << i;
      EXPECT_NEAR(e.update[i], -0.1f * e.sample_grad[i], 1e-6f);
    }
    // The chain rule, layer by layer: dL/dW[j][i] = delta[j] * a_prev[i], dL/db[j] = delta[j].
    for (size_t l = 0; l < snap.layers.size(); ++l) {
      const auto& L = snap.layers[l];
      const std::vector<float>& prev = l == 0 ? e.input : e.layers[l - 1].a;
      for (int j = 0; j < L.out; ++j) {
        EXPECT_NEAR(e.sample_grad[L.b_offset + j], e.layers[l].delta[j], 1e-6f);
        for (int i = 0; i < L.in; ++i)
          EXPECT_NEAR(e.sample_grad[L.w_offset + size_t(j) * L.in + i], e.layers[l].delta[j] * prev[i], 1e-6f);
      }
    }
  }
}

TEST(ExplainStep, DeltasAgreeWithFiniteDifferencesOfTheLoss) {
  const std::vector<float> x{-0.3f, 0.9f};
  nn::Trainer t = one_sample_trainer(nn::Loss::bce, x, 0, 1);
  t.step();
  const nn::Snapshot snap = t.snapshot(0, -1);
  const nn::StepExplanation e = nn::explain_step(snap, nn::Loss::bce, x, 0);
  EXPECT_GT(e.loss, 0.0);
  // Nudge each first-layer bias: dL/db = delta of that neuron.
  const auto& L = snap.layers[0];
  for (int j = 0; j < L.out; ++j) {
    auto loss_with = [&](float db) {
      nn::Snapshot s = snap;
      s.params = e.params_before;
      s.params[L.b_offset + j] += db;
      s.last_update.assign(s.params.size(), 0.0f);
      return nn::explain_step(s, nn::Loss::bce, x, 0).loss;
    };
    const double h = 1e-4;
    EXPECT_NEAR((loss_with(float(h)) - loss_with(float(-h))) / (2 * h), e.layers[0].delta[j], 2e-3);
  }
}

TEST(ExplainStep, RejectsAMismatchedSampleAndRanksByMagnitude) {
  nn::Trainer t = one_sample_trainer(nn::Loss::bce, {0.1f, 0.2f}, 1, 1);
  const nn::Snapshot snap = t.snapshot(0, -1);
  EXPECT_THROW(nn::explain_step(snap, nn::Loss::bce, {1.0f}, 1), std::invalid_argument);
  EXPECT_THROW(nn::explain_step(snap, nn::Loss::bce, {1.0f, 2.0f}, 5), std::invalid_argument);
  EXPECT_EQ(nn::largest({0.1f, -3.0f, 2.0f, 0.0f}, 2), (std::vector<int>{1, 2}));
  EXPECT_EQ(nn::largest({0.5f}, 4), (std::vector<int>{0}));
}

TEST(PathStrengths, ProductOfTheTwoWeightsOfEachPathOfOneHiddenLayer) {
  const std::vector<int> one{3}, two{3, 3}, zero;
  const std::vector<nn::Activation> tanh1{nn::Activation::tanh}, tanh2{nn::Activation::tanh, nn::Activation::tanh}, no_acts;
  nn::Mlp mlp(2, one, tanh1, 1, nn::Activation::sigmoid);
  mlp.init(3);
  const auto& layers = mlp.layers();
  const auto& p = mlp.params();
  const auto paths = nn::path_strengths(layers, p);
  ASSERT_EQ(paths.size(), 6u);
  for (const auto& path : paths) {
    const float w1 = p[layers[0].w_offset + size_t(path.hidden) * 2 + size_t(path.input)];
    const float w2 = p[layers[1].w_offset + size_t(path.hidden)];
    EXPECT_FLOAT_EQ(path.strength, w1 * w2);
    EXPECT_EQ(path.output, 0);
  }
  EXPECT_EQ(paths[1].input, 0);  // input-major, then hidden
  EXPECT_EQ(paths[1].hidden, 1);
  nn::Mlp deep(2, two, tanh2, 1, nn::Activation::sigmoid);
  EXPECT_TRUE(nn::path_strengths(deep.layers(), deep.params()).empty());
  nn::Mlp none(2, zero, no_acts, 1, nn::Activation::sigmoid);
  EXPECT_TRUE(nn::path_strengths(none.layers(), none.params()).empty());
}

}  // namespace
}  // namespace nnlive
