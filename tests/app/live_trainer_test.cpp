// SPDX-License-Identifier: MIT
// The live window's trainer thread: stepping back lands on exactly the state the run had at that
// step (checkpoint + deterministic replay), and lock-step advances run exactly the steps asked.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <future>
#include <string>
#include <thread>

#include "live/live_trainer.hpp"
#include "nnlive/core/config_io.hpp"

namespace nnlive {
namespace {

using namespace std::chrono_literals;

// Waits until the trainer publishes a state satisfying pred (or fails after 20 s).
template <class Pred>
std::shared_ptr<const app::LiveState> wait_for(const app::LiveTrainer& t, Pred pred) {
  const auto until = std::chrono::steady_clock::now() + 20s;
  while (std::chrono::steady_clock::now() < until) {
    auto s = t.latest();
    if (pred(*s)) return s;
    std::this_thread::sleep_for(1ms);
  }
  ADD_FAILURE() << "no such state within 20 s";
  return t.latest();
}

std::vector<float> params_after(const core::ExperimentConfig& c, long long steps) {
  core::Run run = core::build_run(c);
  for (long long i = 0; i < steps; ++i) run.trainer->step();
  return run.trainer->model().params();
}

TEST(LiveTrainer, StepBackRestoresExactlyTheEarlierState) {
  core::ExperimentConfig c = core::load_preset("playground");  // minibatches: the batch order must be restored too
  app::LiveTrainer t(c, false);
  t.step(457);
  wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 457; });
  t.step_back();
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 456; });
  EXPECT_EQ(s->snapshot.params, params_after(c, 456));
  EXPECT_FALSE(s->playing);
  for (int i = 0; i < 3; ++i) t.step_back();
  s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 453; });
  EXPECT_EQ(s->snapshot.params, params_after(c, 453));
  // Forward again from there: the same run as if it had never gone back.
  t.step(10);
  s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 463; });
  EXPECT_EQ(s->snapshot.params, params_after(c, 463));
  EXPECT_LE(s->oldest_step, 0);
}

TEST(LiveTrainer, StepBackStopsAtTheOldestCheckpoint) {
  app::LiveTrainer t(core::load_preset("xor"), false);
  t.step(2);
  wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 2; });
  for (int i = 0; i < 5; ++i) t.step_back();
  t.step(1);  // a marker that all commands ran
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 1; });
  EXPECT_EQ(s->oldest_step, 0);
}

TEST(LiveTrainer, StepsTakenCountOverEveryRunNetOfStepsBack) {
  // The window's session report: a lesson or an exhibit replaces the run many times.
  const core::ExperimentConfig c = core::load_preset("xor");
  app::LiveTrainer t(c, false);
  t.step(30);
  wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 30; });
  t.step_back();
  t.step_back();
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 28; });
  EXPECT_EQ(s->steps_taken, 28);
  t.restart(core::build_run(c));
  t.step(5);
  s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 5 && s.steps_taken > 28; });
  EXPECT_EQ(s->steps_taken, 33);
}

TEST(LiveTrainer, LockStepRunsExactlyTheStepsAsked) {
  core::ExperimentConfig c = core::load_preset("spiral");
  app::LiveTrainer t(c, true);
  t.set_lockstep(true);
  const long long start = wait_for(t, [](const app::LiveState&) { return true; })->snapshot.step;
  const uint64_t a = t.advance(25);
  auto s = wait_for(t, [a](const app::LiveState& s) { return s.ticket == a; });
  const long long after_a = s->snapshot.step;
  std::this_thread::sleep_for(50ms);  // playing, but lock-step: no steps of its own
  const uint64_t b = t.advance(40);
  s = wait_for(t, [b](const app::LiveState& s) { return s.ticket == b; });
  EXPECT_EQ(s->snapshot.step, after_a + 40);
  EXPECT_EQ(s->snapshot.params, params_after(c, s->snapshot.step));
  EXPECT_GE(after_a, 25 + start);
  t.set_lockstep(false);
  wait_for(t, [&](const app::LiveState& st) { return st.snapshot.step > after_a + 100; });  // free-running again
}

TEST(LiveTrainer, UserPointsAreBoundedOldestFirst) {
  app::LiveTrainer t(core::load_preset("xor"), false);
  const size_t extra = 25;
  for (size_t i = 0; i < app::k_max_user_points + extra; ++i) t.add_point({float(i % 100) * 0.01f, float(i) * 1e-4f, int(i % 2), false});
  t.step(1);  // a marker that all commands ran
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 1; });
  ASSERT_EQ(s->dataset->user.size(), app::k_max_user_points);
  EXPECT_FLOAT_EQ(s->dataset->user.front().y, float(extra) * 1e-4f);  // the first 25 went
  EXPECT_EQ(s->config->user_points.size(), app::k_max_user_points);
}

TEST(LiveTrainer, APointOfAClassTheRunLacksIsNotAdded) {
  // Side by side, a click with panel 1's class 4 reaches a run of 3 classes too: its softmax
  // has no output 4 (the loss would read past the sample's outputs), so that run leaves it out.
  core::ExperimentConfig c = core::load_preset("blobs");
  c.data.classes = 3;
  app::LiveTrainer t(c, false);
  t.add_point({0.5f, 0.5f, 4, false});
  t.add_point({0.5f, 0.5f, -1, false});
  t.add_point({0.25f, 0.5f, 2, false});
  t.step(2);
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 2; });
  ASSERT_EQ(s->dataset->user.size(), 1u);
  EXPECT_EQ(s->dataset->user.front().label, 2);
  for (float p : s->snapshot.params) ASSERT_TRUE(std::isfinite(p));
}

// What the checkpoints hold, asked on the trainer thread.
std::pair<size_t, size_t> usage(app::LiveTrainer& t) {
  std::promise<std::pair<size_t, size_t>> p;
  auto f = p.get_future();
  t.post([&](core::Run&) { p.set_value(t.checkpoint_usage()); });
  return f.get();
}

TEST(LiveTrainer, CheckpointsStayWithinTheirBudgetWhilePointsPourIn) {
  // Every added point makes a new training set and a checkpoint holding it: an exhibit's
  // visitors would fill memory with old sets if the checkpoints were not bounded in bytes.
  core::ExperimentConfig c = core::load_preset("playground");
  c.data.points = 3000;
  app::LiveTrainer t(c, false);
  const size_t budget = size_t(2) << 20;
  t.set_checkpoint_budget(budget);
  for (int i = 0; i < 300; ++i) {
    t.add_point({float(i % 20) * 0.1f - 1.0f, float(i / 20) * 0.1f - 1.0f, i % 2, false});
    t.step(1);  // a checkpoint per step: each holds the set of its time
    wait_for(t, [i](const app::LiveState& s) { return s.snapshot.step == i + 1; });
  }
  const auto [count, bytes] = usage(t);
  EXPECT_LE(bytes, budget);
  EXPECT_GE(count, app::k_min_checkpoints);
  EXPECT_LT(count, 300u);  // the oldest went
  // Stepping back still lands exactly: on the latest set, one step back.
  t.step(3);
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 303; });
  const std::vector<float> after = s->snapshot.params;
  t.step_back();
  wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 302; });
  t.step(1);
  s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.step == 303; });
  EXPECT_EQ(s->snapshot.params, after);
  EXPECT_LE(usage(t).second, budget);
}

TEST(LiveTrainer, APointRestartsARunAtItsCapOrPausedByTheStopRule) {
  core::ExperimentConfig capped = core::load_preset("xor");
  capped.training.max_epochs = 30;
  app::LiveTrainer t(capped, true);
  auto s = wait_for(t, [](const app::LiveState& s) { return s.finished; });
  EXPECT_EQ(s->snapshot.epoch, 30);
  t.add_point({1.0f, -1.0f, 1, false});  // a new point: training goes on past the cap
  s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.epoch > 30; });
  EXPECT_EQ(s->dataset->user.size(), 1u);

  app::LiveTrainer paused(core::load_preset("xor"), true);  // the stop rule pauses it
  s = wait_for(paused, [](const app::LiveState& s) { return s.finished; });
  ASSERT_TRUE(s->snapshot.paused_at);
  const int at = s->snapshot.epoch;
  paused.add_point({4.0f, -4.0f, 1, false});  // deep in the other class: not learnt yet
  wait_for(paused, [at](const app::LiveState& s) { return s.snapshot.epoch > at; });
}

TEST(LiveTrainer, AnEndlessRunTrainsPastItsCap) {
  core::ExperimentConfig c = core::load_preset("spiral");
  ASSERT_TRUE(c.training.endless);
  c.training.max_epochs = 5;
  app::LiveTrainer t(c, true);
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.epoch > 20; });
  EXPECT_FALSE(s->finished);
}

TEST(LiveTrainer, ResumeContinuesAStoppedRunButNotADivergedOne) {
  core::ExperimentConfig c = core::load_preset("xor");
  c.training.max_epochs = 20;
  app::LiveTrainer t(c, true);
  wait_for(t, [](const app::LiveState& s) { return s.finished; });
  t.resume();  // the cap: 1000 more epochs
  auto s = wait_for(t, [](const app::LiveState& s) { return s.snapshot.epoch > 20; });
  EXPECT_TRUE(s->playing);

  core::ExperimentConfig hot = core::load_preset("xor");
  hot.hidden = {16, 16};
  hot.activations = {nn::Activation::linear};
  hot.training.optimizer.lr = 100.0f;
  app::LiveTrainer d(hot, true);
  s = wait_for(d, [](const app::LiveState& s) { return s.snapshot.diverged; });
  const long long at = s->snapshot.step;
  d.resume();
  d.step(0);
  std::this_thread::sleep_for(100ms);
  EXPECT_EQ(d.latest()->snapshot.step, at);
  EXPECT_TRUE(d.latest()->finished);
}

// Compared runs on one epoch clock: a 1-sample-batch run takes a hundred times the steps of a
// full-batch one per epoch, and a wide network far more work per step; all three still stay
// within one epoch of each other while they run free. A paused lane holds the others; a
// finished one does not.
TEST(LiveTrainer, AnEpochClockKeepsComparedRunsAtTheSameEpoch) {
  core::ExperimentConfig base = core::load_preset("playground");
  base.training.endless = false;
  base.training.stop_window = 0;
  base.training.max_epochs = 100000;
  core::ExperimentConfig one = base, full = base, wide = base, brief = base;
  one.training.batch = 1;
  full.training.batch = 0;
  wide.hidden = {128, 128};
  brief.training.max_epochs = 2;
  auto clock = std::make_shared<app::EpochClock>(4);
  std::vector<std::unique_ptr<app::LiveTrainer>> lanes;
  for (const auto* c : {&one, &full, &wide, &brief}) {
    lanes.push_back(std::make_unique<app::LiveTrainer>(*c, false));
    lanes.back()->set_epoch_clock(clock, lanes.size() - 1);
  }
  for (auto& l : lanes) l->set_playing(true);
  const auto until = std::chrono::steady_clock::now() + 3s;
  long long most_apart = 0, slowest = 0;
  std::string widest;  // the published epochs when they were furthest apart (for a failure's message)
  while (std::chrono::steady_clock::now() < until) {
    long long lo = 1LL << 60, hi = 0;
    std::string epochs;
    for (size_t i = 0; i < 3; ++i) {  // (the brief one stops at epoch 2, holding no one back)
      const long long e = lanes[i]->latest()->snapshot.epoch;
      lo = std::min(lo, e), hi = std::max(hi, e);
      epochs += (i ? ", " : "") + std::to_string(e);
    }
    if (hi - lo > most_apart || widest.empty()) widest = epochs;
    most_apart = std::max(most_apart, hi - lo);
    slowest = lo;
    std::this_thread::sleep_for(2ms);
  }
  EXPECT_GE(slowest, 3) << "the clock must not stall the runs";
  // Published states lag the trainers by up to a publish interval (more on a loaded machine):
  // one epoch apart, plus a little. Running free they drift hundreds apart (below).
  EXPECT_LE(most_apart, 3) << "published epochs (batch 1, full batch, 128x128) at the widest: " << widest;
  EXPECT_TRUE(lanes[3]->latest()->finished);

  // The 1-sample run is paused: the others wait for it.
  lanes[0]->set_playing(false);
  const long long held = wait_for(*lanes[0], [](const app::LiveState& s) { return !s.playing; })->snapshot.epoch;
  std::this_thread::sleep_for(300ms);
  EXPECT_LE(lanes[1]->latest()->snapshot.epoch, held + 2);
  EXPECT_LE(lanes[2]->latest()->snapshot.epoch, held + 2);

  // Without the clock each runs at its own speed: the paused run holds no one back any more.
  // (This once let the 1-sample run play on and expected the full batch to lead it by 100
  // epochs; their speeds per epoch are too alike for that to hold on every machine.)
  for (auto& l : lanes) l->set_epoch_clock(nullptr, 0);
  lanes.pop_back();
  const long long from = lanes[1]->latest()->snapshot.epoch;
  wait_for(*lanes[1], [&](const app::LiveState& s) { return s.snapshot.epoch > from + 200; });
  wait_for(*lanes[2], [&](const app::LiveState& s) { return s.snapshot.epoch > held + 5; });
  EXPECT_EQ(lanes[0]->latest()->snapshot.epoch, held);
}

}  // namespace
}  // namespace nnlive
