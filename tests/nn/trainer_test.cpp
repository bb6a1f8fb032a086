// SPDX-License-Identifier: MIT
// Trainer behaviour: determinism, convergence, stop rule, cap, divergence, regularization.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>

#include "nnlive/core/config_io.hpp"
#include "nnlive/core/experiment.hpp"

namespace nnlive {
namespace {

core::Run train(core::ExperimentConfig c) {
  core::Run run = core::build_run(c);
  while (!run.trainer->finished()) run.trainer->run_epoch();
  return run;
}

TEST(Trainer, SameSeedGivesBitIdenticalRun) {
  core::ExperimentConfig c = core::load_preset("playground");  // minibatches: order matters
  c.training.max_epochs = 30;
  const core::Run a = train(c), b = train(c);
  EXPECT_EQ(a.trainer->model().params(), b.trainer->model().params());
  ASSERT_EQ(a.trainer->history().size(), b.trainer->history().size());
  for (size_t i = 0; i < a.trainer->history().size(); ++i)
    EXPECT_EQ(a.trainer->history()[i].train_loss, b.trainer->history()[i].train_loss);
  c.seed = 2;  // "new init"
  const core::Run d = train(c);
  EXPECT_NE(a.trainer->model().params(), d.trainer->model().params());
}

TEST(Trainer, ACopySharesTheDataAndGoesOnExactlyLikeTheOriginal) {
  core::ExperimentConfig c = core::load_preset("playground");
  c.data.points = 4000;  // data much larger than the network's state
  core::Run run = core::build_run(c);
  nn::Trainer& t = *run.trainer;
  for (int i = 0; i < 37; ++i) t.step();
  nn::Trainer copy = t;  // a step-back checkpoint
  EXPECT_TRUE(copy.same_train_set(t));
  EXPECT_GE(t.data_bytes(), size_t(4000) * (2 * sizeof(float) + sizeof(int)));
  EXPECT_LT(copy.state_bytes(), t.data_bytes() / 2);  // the sets are not copied (the batch order is)
  for (int i = 0; i < 50; ++i) t.step(), copy.step();
  EXPECT_EQ(copy.model().params(), t.model().params());
  EXPECT_EQ(copy.history().size(), t.history().size());
  t.set_train_set(core::to_labeled_set({{0.5f, 0.5f, 1, false}, {-0.5f, -0.5f, 0, false}}, run.input_map));
  EXPECT_FALSE(copy.same_train_set(t));
  EXPECT_EQ(t.steps_per_epoch(), 1);
  t.step();
  copy.step();  // the copy trains on its own (old) set, untouched
  EXPECT_NE(copy.model().params(), t.model().params());
}

TEST(Trainer, AConfidencePenaltyPushesPredictionsTowardsZeroOrOne) {
  // Noisy labels keep a plain run unsure near the noisy points; the penalty makes it commit.
  auto mean_entropy = [](float confidence) {
    core::ExperimentConfig c = core::load_preset("xor");
    c.data.label_noise = 0.2;
    c.training.confidence = confidence;
    c.training.max_epochs = 300;
    c.training.stop_window = 0;
    core::Run run = core::build_run(c);
    while (!run.trainer->finished()) run.trainer->run_epoch();
    const nn::LabeledSet set = core::to_labeled_set(run.dataset.training_points(), run.input_map);
    nn::Trace t;
    run.trainer->model().forward(set.x.data(), set.size(), t);
    return nn::output_entropy(c.loss, t);
  };
  const double plain = mean_entropy(0.0f), penalized = mean_entropy(1.0f);
  EXPECT_LT(penalized, 0.7 * plain) << "mean output entropy " << plain << " without, " << penalized << " with the penalty";
}

TEST(Trainer, XorConvergesAndTheStopRulePauses) {
  const core::Run run = train(core::load_preset("xor"));
  const nn::Trainer& t = *run.trainer;
  ASSERT_TRUE(t.paused_at().has_value());
  EXPECT_LT(*t.paused_at(), 4000);
  EXPECT_FALSE(t.diverged());
  EXPECT_EQ(t.history().back().train_acc, 1.0);
  // Paused exactly when the loss had been under 0.02 for 200 consecutive epochs.
  const auto& h = t.history();
  for (int e = *t.paused_at() - 199; e <= *t.paused_at(); ++e) EXPECT_LT(h[e].train_loss, 0.02) << e;
  EXPECT_GE(h[*t.paused_at() - 200].train_loss, 0.02);
  EXPECT_EQ(run.dataset.train.size(), 40u);
  EXPECT_EQ(run.dataset.test.size(), 20u);
}

TEST(Trainer, EpochCapStopsTheRun) {
  core::ExperimentConfig c = core::load_preset("slow");
  c.training.max_epochs = 25;
  const core::Run run = train(c);
  EXPECT_EQ(run.trainer->epoch(), 25);
  EXPECT_FALSE(run.trainer->paused_at());
  EXPECT_EQ(run.trainer->history().size(), 26u);  // epoch 0 is the untrained network
}

TEST(Trainer, TooSimpleCannotSolveXor) {
  const core::Run run = train(core::load_preset("too-simple"));
  EXPECT_FALSE(run.trainer->paused_at());
  EXPECT_GT(run.trainer->history().back().train_loss, 0.4);
}

TEST(Trainer, DivergenceStopsWithFiniteParameters) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.hidden = {16, 16};
  c.activations = {nn::Activation::linear};  // no saturation: weights grow until they overflow
  c.training.optimizer.lr = 100.0f;
  c.training.max_epochs = 2000;
  const core::Run run = train(c);
  const nn::Trainer& t = *run.trainer;
  ASSERT_TRUE(t.diverged());
  ASSERT_TRUE(t.diverged_at().has_value());
  EXPECT_LE(*t.diverged_at(), 2000);
  // Bounded, not just finite: float32 evaluation of the field must not overflow to NaN.
  for (float p : t.model().params()) ASSERT_LE(std::abs(p), nn::Optimizer::k_max_param);
  const nn::Snapshot s = t.snapshot(0, 0);
  EXPECT_TRUE(s.diverged);
  for (float p : s.params) ASSERT_TRUE(std::isfinite(p));
  // Further steps do nothing.
  const auto before = t.model().params();
  run.trainer->step();
  EXPECT_EQ(before, t.model().params());
  // Every activation at an absurd rate: diverged or not, the parameters stay bounded.
  for (auto a : {nn::Activation::linear, nn::Activation::leaky_relu, nn::Activation::gelu, nn::Activation::relu}) {
    c.activations = {a};
    c.hidden = {4};
    const core::Run r = train(c);
    for (float p : r.trainer->model().params()) ASSERT_LE(std::abs(p), nn::Optimizer::k_max_param) << int(a);
  }
}

TEST(Trainer, L2ShrinksWeights) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.training.max_epochs = 300;
  c.training.stop_window = 0;
  auto norm = [](const core::Run& r) {
    double s = 0;
    const auto mask = r.trainer->model().weight_mask();
    for (size_t i = 0; i < mask.size(); ++i)
      if (mask[i]) s += double(r.trainer->model().params()[i]) * r.trainer->model().params()[i];
    return s;
  };
  const double plain = norm(train(c));
  c.training.l2 = 0.05f;
  const double with_l2 = norm(train(c));
  c.training.l2 = 0.0f;
  c.training.l1 = 0.05f;
  const double with_l1 = norm(train(c));
  EXPECT_LT(with_l2, 0.8 * plain);
  EXPECT_LT(with_l1, 0.8 * plain);
}

TEST(Trainer, SnapshotCarriesProbeActivationsAndNewMetrics) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.training.max_epochs = 10;
  core::Run run = train(c);
  const nn::Snapshot s = run.trainer->snapshot(8, 3);
  EXPECT_EQ(s.epoch, 10);
  ASSERT_EQ(s.new_metrics.size(), 3u);  // epochs 8, 9, 10
  EXPECT_EQ(s.new_metrics.front().epoch, 8);
  EXPECT_EQ(s.probe_index, 3);
  ASSERT_EQ(s.probe.size(), 3u);  // inputs, hidden, output
  EXPECT_EQ(s.probe[1].size(), 4u);
  EXPECT_EQ(s.grads.size(), s.params.size());
  EXPECT_EQ(s.last_update.size(), s.params.size());
  nn::SnapshotChannel ch;
  ch.publish(std::make_shared<const nn::Snapshot>(s));
  EXPECT_EQ(ch.latest()->epoch, 10);
}

// Per point, the test set's then the training set's: 1 where the snapshot's network gets its
// label wrong, one forward pass a point.
std::vector<uint8_t> wrong_by_forward(const core::Run& run, const nn::Snapshot& s) {
  const nn::Mlp model = nn::model_of(s);
  std::vector<uint8_t> wrong;
  nn::Trace t;
  for (const auto& points : {run.dataset.test, run.dataset.training_points()}) {
    const nn::LabeledSet set = core::to_labeled_set(points, run.input_map);
    for (int i = 0; i < set.size(); ++i) {
      model.forward(set.x.data() + size_t(i) * size_t(set.inputs), 1, t);
      wrong.push_back(nn::predicted_class(t.output().data(), model.outputs()) == set.labels[size_t(i)] ? 0 : 1);
    }
  }
  return wrong;
}

TEST(Trainer, ASnapshotAtTheEndOfAnEpochCarriesTheTrainersVerdicts) {
  // Full batch (spiral), minibatches (playground, blobs: softmax), one sample a step with
  // flipped labels (fruit): at every epoch's end the verdicts of the trainer's own measurement,
  // equal to a forward pass's; between, none (the renderer then makes its own).
  for (const char* preset : {"spiral", "playground", "blobs", "fruit"}) {
    core::ExperimentConfig c = core::load_preset(preset);
    c.training.max_epochs = 2;
    core::Run run = core::build_run(c);
    nn::Trainer& t = *run.trainer;
    int ends = 0;
    for (;;) {
      const nn::Snapshot s = t.snapshot(0, -1);
      const bool at_end = t.steps() % t.steps_per_epoch() == 0;
      ASSERT_EQ(s.misclassified != nullptr, at_end) << preset << " step " << t.steps();
      if (at_end) {
        EXPECT_EQ(*s.misclassified, wrong_by_forward(run, s)) << preset << " step " << t.steps();
        ++ends;
      }
      if (t.finished()) break;
      t.step();
    }
    EXPECT_EQ(ends, 3) << preset;  // epochs 0, 1 and 2
  }
  // A point added: no verdicts until the next measurement, then the new point's too.
  core::ExperimentConfig c = core::load_preset("spiral");
  c.training.max_epochs = 2;
  core::Run run = core::build_run(c);
  run.trainer->step();
  run.dataset.user.push_back({0.1, 0.2, 1});
  run.trainer->set_train_set(core::to_labeled_set(run.dataset.training_points(), run.input_map));
  EXPECT_EQ(run.trainer->snapshot(0, -1).misclassified, nullptr);
  run.trainer->step();
  const nn::Snapshot s = run.trainer->snapshot(0, -1);
  ASSERT_NE(s.misclassified, nullptr);
  EXPECT_EQ(s.misclassified->size(), run.dataset.test.size() + run.dataset.train.size() + 1);
  EXPECT_EQ(*s.misclassified, wrong_by_forward(run, s));
}

TEST(Trainer, LearningRateChangesWithoutReset) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.training.max_epochs = 20;
  core::Run run = core::build_run(c);
  for (int i = 0; i < 10; ++i) run.trainer->run_epoch();
  run.trainer->set_learning_rate(0.05f);
  EXPECT_EQ(run.trainer->epoch(), 10);
  EXPECT_FLOAT_EQ(run.trainer->config().optimizer.lr, 0.05f);
  run.trainer->run_epoch();
  EXPECT_EQ(run.trainer->epoch(), 11);
}

// Seed 1 only; tests/app/preset_phenomena_test.cpp checks every preset for seeds 1-20.
TEST(Trainer, ThinnedHistoryStaysWithinItsCapAndKeepsWhatCurvesNeed) {
  std::vector<nn::Metrics> h;
  for (int e = 0; e < 100000; ++e) {
    nn::Metrics m;
    m.epoch = e;
    m.train_loss = 1.0 / (1 + e);
    m.test_loss = e == 1234 ? 1e-9 : 1.0 + 1e-6 * e;  // the best test loss, long ago
    h.push_back(m);
    nn::thin_history(h, 1000);
    ASSERT_LE(h.size(), 1000u);
  }
  EXPECT_EQ(h.front().epoch, 0);
  EXPECT_EQ(h.back().epoch, 99999);
  for (size_t i = 1; i < h.size(); ++i) ASSERT_LT(h[i - 1].epoch, h[i].epoch);
  // The newest half of the cap is every epoch; the older part is spread over the whole run.
  for (size_t i = h.size() - 500; i < h.size(); ++i) EXPECT_EQ(h[i].epoch, h[i - 1].epoch + 1);
  EXPECT_TRUE(std::any_of(h.begin(), h.end(), [](const nn::Metrics& m) { return m.epoch == 1234; }));
  int gaps_over_1000 = 0;
  for (size_t i = 1; i < h.size(); ++i) gaps_over_1000 += h[i].epoch - h[i - 1].epoch > 1000;
  EXPECT_EQ(gaps_over_1000, 0);
  EXPECT_GE(h.size(), 700u);
}

TEST(Trainer, AHistoryCapBoundsTheRunsHistoryAndSnapshotsReadItByEpoch) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.training.stop_window = 0;
  c.training.max_epochs = 3000;
  const core::Run full = train(c);
  core::Run capped = core::build_run(c);
  capped.trainer->set_history_cap(100);
  while (!capped.trainer->finished()) {
    capped.trainer->run_epoch();
    ASSERT_LE(capped.trainer->history().size(), 100u);
  }
  EXPECT_EQ(capped.trainer->model().params(), full.trainer->model().params());  // training is untouched
  const auto& h = capped.trainer->history();
  for (const auto& m : h) EXPECT_EQ(m.train_loss, full.trainer->history()[size_t(m.epoch)].train_loss);
  const nn::Snapshot s = capped.trainer->snapshot(2990, -1);
  ASSERT_EQ(s.new_metrics.size(), 11u);
  EXPECT_EQ(s.new_metrics.front().epoch, 2990);
  // Taken out and put back at an earlier epoch's trainer: cut to that epoch.
  core::Run early = core::build_run(c);
  for (int i = 0; i < 50; ++i) early.trainer->run_epoch();
  early.trainer->put_history(capped.trainer->take_history());
  EXPECT_TRUE(capped.trainer->history().empty());
  EXPECT_EQ(early.trainer->history().back().epoch, 50);
  EXPECT_EQ(early.trainer->history().back().train_loss, full.trainer->history()[50].train_loss);
}

TEST(Presets, SpiralPlateausThenFalls) {
  const core::Run run = train(core::load_preset("spiral"));
  const auto& h = run.trainer->history();
  ASSERT_EQ(h.size(), 3001u);  // no stop rule: it runs to the cap
  for (int e = 1; e <= 150; ++e) EXPECT_GT(h[e].train_loss, 0.55) << "epoch " << e;  // the plateau
  int fall = 0;
  while (fall < static_cast<int>(h.size()) && h[fall].train_loss > 0.1) ++fall;
  EXPECT_LT(fall, 1000);  // the sudden fall
  EXPECT_GE(h.back().train_acc, 0.99);
  EXPECT_GE(h.back().test_acc, 0.95);
}

TEST(Presets, TooHotSpikesButStaysFinite) {
  const core::Run hot = train(core::load_preset("too-hot"));
  EXPECT_FALSE(hot.trainer->diverged());
  int jumps = 0;
  const auto& h = hot.trainer->history();
  for (size_t e = 1; e < h.size(); ++e) jumps += h[e].train_loss > 1.5 * h[e - 1].train_loss;
  EXPECT_GE(jumps, 5);
}

}  // namespace
}  // namespace nnlive
