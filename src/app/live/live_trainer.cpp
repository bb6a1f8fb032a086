// SPDX-License-Identifier: MIT
// The trainer thread: commands, timed or free-running steps, and publishing at most ~120 times
// a second (a snapshot copies the parameters, gradients and probe activations).
#include "live_trainer.hpp"

#include "live/priorities.hpp"

#include <chrono>
#include <algorithm>
#include <cmath>
#include <limits>

namespace nnlive::app {
namespace {
using clock = std::chrono::steady_clock;
constexpr auto k_publish_every = std::chrono::milliseconds(8);
constexpr int k_epochs_after_points = 1000;  // more epochs for a capped run that gets new points
}  // namespace

render::Scene scene_of(const LiveState& state, const std::vector<nn::Metrics>& history, const nn::View& view, double time_s) {
  render::Scene scene;
  scene.title = state.config->name;
  scene.snapshot = &state.snapshot;
  scene.history = &history;
  scene.dataset = state.dataset.get();
  scene.input_map = state.input_map;
  scene.view = view;
  scene.loss = state.config->loss;
  scene.classes = state.dataset->classes;
  scene.time_s = time_s;
  scene.learning_rate = state.learning_rate;
  scene.training = state.playing && !state.finished;
  scene.error_pulses = state.config->error_pulses;
  scene.memo = state.memo;
  return scene;
}

EpochClock::EpochClock(size_t lanes) : n_(lanes), epochs_(new std::atomic<long long>[lanes]) {
  for (size_t i = 0; i < n_; ++i) epochs_[i].store(k_idle);
}

bool EpochClock::may_step(size_t lane, long long epoch) const {
  for (size_t i = 0; i < n_; ++i)
    if (i != lane && epochs_[i].load(std::memory_order_relaxed) < epoch) return false;
  return true;
}

long long EpochClock::slowest() const {
  long long e = k_idle;
  for (size_t i = 0; i < n_; ++i) e = std::min(e, epochs_[i].load(std::memory_order_relaxed));
  return e;
}

void LiveTrainer::set_epoch_clock(std::shared_ptr<EpochClock> clock, size_t lane) {
  std::lock_guard lock(mutex_);
  if (epoch_clock_) epoch_clock_->report(lane_, EpochClock::k_idle);
  epoch_clock_ = std::move(clock);
  lane_ = lane;
  // Where this lane stands, before its thread next looks: no other lane may run ahead of it
  // meanwhile (the published state is current while it does not step).
  if (epoch_clock_) {
    const auto s = latest();
    epoch_clock_->report(lane_, s->finished ? EpochClock::k_idle : s->snapshot.epoch);
  }
}

LiveTrainer::LiveTrainer(const core::ExperimentConfig& config, bool playing) : playing_(playing) {
  rebuild(core::build_run(config));
  publish(true);
  // (at the process's priority, above the window's own threads: priorities.hpp)
  thread_ = start_at_process_priority([this] { loop(); });
}

void LiveTrainer::request_stop() {
  stopping_ = true;
  {
    std::lock_guard lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
}

LiveTrainer::~LiveTrainer() {
  request_stop();
  if (thread_.joinable()) thread_.join();
  if (epoch_clock_) epoch_clock_->report(lane_, EpochClock::k_idle);  // holds no one back now
}

std::shared_ptr<const LiveState> LiveTrainer::latest() const {
  std::lock_guard lock(state_mutex_);
  return state_;
}

void LiveTrainer::rebuild(core::Run run) {
  run_ = std::move(run);
  // An endless experiment (the spiral story) never stops in the window: its cap is where
  // headless commands end, not where the live run does.
  if (run_.config.training.endless) run_.trainer->extend(std::numeric_limits<int>::max());
  run_.trainer->set_history_cap(k_live_history_cap);  // flat memory however long it trains
  config_ = std::make_shared<const core::ExperimentConfig>(run_.config);
  dataset_ = std::make_shared<const data::Dataset>(run_.dataset);
  // Checkpoints: a copy costs about as much as a step over 4 samples, so one every 80 / batch
  // steps keeps the cost near 5% of training; small networks, whose replays are cheap, go
  // up to 2M parameter-samples of work apart (at most 200 steps).
  const nn::Trainer& t = *run_.trainer;
  const double params = double(t.model().param_count());
  const int train_size = int(run_.dataset.train.size() + run_.dataset.user.size());
  const double batch = std::max(1, run_.config.training.batch <= 0 ? train_size : std::min(run_.config.training.batch, train_size));
  checkpoint_every_ = std::clamp<long long>(std::llround(std::max(80.0 / batch, 2e6 / (std::max(params, 1.0) * batch))), 1, 200);
  checkpoints_.clear();
  checkpoint();
}

void LiveTrainer::checkpoint() {
  nn::Trainer& t = *run_.trainer;
  if (!checkpoints_.empty() && checkpoints_.back().step == t.steps()) checkpoints_.pop_back();  // the newer state wins
  // Without the metrics history: the run's own history is the one truth, cut back on restore.
  std::vector<nn::Metrics> history = t.take_history();
  checkpoints_.push_back({t.steps(), std::make_shared<const nn::Trainer>(t)});
  t.put_history(std::move(history));
  trim_checkpoints();
}

// A checkpoint costs its own state, and the data sets when it is the first to hold them (the
// oldest, or the first after points changed).
std::pair<size_t, size_t> LiveTrainer::checkpoint_usage() const {
  size_t bytes = 0;
  for (size_t i = 0; i < checkpoints_.size(); ++i) {
    const nn::Trainer& t = *checkpoints_[i].trainer;
    bytes += t.state_bytes();
    if (i == 0 || !t.same_train_set(*checkpoints_[i - 1].trainer)) bytes += t.data_bytes();
  }
  return {checkpoints_.size(), bytes};
}

void LiveTrainer::trim_checkpoints() {
  while (checkpoints_.size() > k_max_checkpoints) checkpoints_.pop_front();
  while (checkpoints_.size() > k_min_checkpoints && checkpoint_usage().second > checkpoint_budget_) checkpoints_.pop_front();
}

void LiveTrainer::set_checkpoint_budget(size_t bytes) {
  post([this, bytes](core::Run&) {
    checkpoint_budget_ = bytes;
    trim_checkpoints();
  });
}

void LiveTrainer::one_step() {
  nn::Trainer& t = *run_.trainer;
  const long long before = t.steps();
  t.step();
  steps_taken_ += t.steps() - before;
  if (checkpoints_.empty() || t.steps() - checkpoints_.back().step >= checkpoint_every_) checkpoint();
}

void LiveTrainer::go_back() {
  nn::Trainer& t = *run_.trainer;
  const long long target = t.steps() - 1;
  if (target < 0 || checkpoints_.empty() || checkpoints_.front().step > target) return;
  while (checkpoints_.back().step > target) checkpoints_.pop_back();
  nn::Trainer restored = *checkpoints_.back().trainer;
  restored.put_history(t.take_history());
  while (restored.steps() < target) {
    if (restored.finished()) restored.extend(restored.epoch() + 1);  // the user had stepped past the end
    const long long before = restored.steps();
    restored.step();
    if (restored.steps() == before) break;  // diverged: cannot replay further
  }
  steps_taken_ -= run_.trainer->steps() - restored.steps();
  *run_.trainer = std::move(restored);
}

void LiveTrainer::publish(bool rebuilt) {
  if (rebuilt) ++generation_;
  auto s = std::make_shared<LiveState>();
  s->generation = generation_;
  s->config = config_;
  s->dataset = dataset_;
  s->view = run_.view;
  s->input_map = run_.input_map;
  const uint64_t ack = acknowledged_.load();
  const int have = !rebuilt && (ack >> 32) == generation_ ? int(ack & 0xFFFFFFFFu) : 0;
  const int train_size = int(run_.dataset.train.size() + run_.dataset.user.size());
  s->snapshot = run_.trainer->snapshot(have, train_size > 0 ? std::min(probe_.load(), train_size - 1) : -1);
  {
    std::lock_guard lock(mutex_);  // set_playing writes it from the UI thread (a race TSan found)
    s->playing = playing_;
  }
  s->steps_per_second = measured_rate_;
  s->learning_rate = run_.trainer->config().optimizer.lr;
  s->oldest_step = checkpoints_.empty() ? run_.trainer->steps() : checkpoints_.front().step;
  s->ticket = ticket_done_;
  s->finished = run_.trainer->finished();
  s->steps_per_epoch = run_.trainer->steps_per_epoch();
  s->steps_taken = steps_taken_;
  dirty_ = false;
  std::lock_guard lock(state_mutex_);
  state_ = std::move(s);
}

void LiveTrainer::post(std::function<void(core::Run&)> f) {
  {
    std::lock_guard lock(mutex_);
    commands_.push_back(std::move(f));
  }
  wake_.notify_all();
}

void LiveTrainer::set_playing(bool playing) {
  {
    std::lock_guard lock(mutex_);
    playing_ = playing;
  }
  wake_.notify_all();
}

void LiveTrainer::set_speed(double epochs_per_second) {
  {
    std::lock_guard lock(mutex_);
    speed_ = std::max(0.0, epochs_per_second);
  }
  wake_.notify_all();
}

void LiveTrainer::step(int steps) {
  {
    std::lock_guard lock(mutex_);
    pending_steps_ += std::max(steps, 0);
  }
  wake_.notify_all();
}

void LiveTrainer::restart(core::Run run) {
  // std::function needs a copyable callable: the run travels in a shared_ptr.
  post([this, next = std::make_shared<core::Run>(std::move(run))](core::Run&) {
    rebuild(std::move(*next));
    publish(true);
  });
}

void LiveTrainer::step_back() {
  set_playing(false);
  post([this](core::Run&) {
    go_back();
    publish(true);  // the metrics history may be shorter now: the UI starts it again
  });
}

void LiveTrainer::set_lockstep(bool on) {
  {
    std::lock_guard lock(mutex_);
    lockstep_ = on;
  }
  wake_.notify_all();
}

uint64_t LiveTrainer::advance(long long steps) {
  const uint64_t ticket = ++next_ticket_;
  post([this, steps, ticket](core::Run& run) {
    for (long long i = 0; i < steps && !run.trainer->finished(); ++i) one_step(), ++rate_steps_;
    ticket_done_ = ticket;
    publish(false);
  });
  return ticket;
}

void LiveTrainer::edge_history(size_t index, std::function<void(std::vector<float>, std::vector<float>)> done) {
  post([this, index, done = std::move(done)](core::Run&) {
    std::vector<float> w, g;
    for (const auto& c : checkpoints_) {
      const auto& params = c.trainer->model().params();
      const auto& grads = c.trainer->last_grads();
      if (index >= params.size()) continue;
      w.push_back(params[index]);
      g.push_back(index < grads.size() ? grads[index] : 0.0f);
    }
    done(std::move(w), std::move(g));
  });
}

void LiveTrainer::set_learning_rate(float lr) {
  post([this, lr](core::Run& run) {
    run.trainer->set_learning_rate(lr);
    // The run's experiment says so too: Ctrl+S saves it and R (same initialization) keeps it.
    run.config.training.optimizer.lr = lr;
    config_ = std::make_shared<const core::ExperimentConfig>(run.config);
    checkpoint();  // replays after this point use the new rate
  });
}

void LiveTrainer::go_on(nn::Trainer& t) {
  if (t.paused_at()) t.extend(t.config().max_epochs);
  else if (!t.diverged() && t.epoch() >= t.config().max_epochs) t.extend(t.epoch() + k_epochs_after_points);
}

void LiveTrainer::resume() {
  post([this](core::Run& run) { go_on(*run.trainer); });
  set_playing(true);
}

void LiveTrainer::points_changed(core::Run& run) {
  run.trainer->set_train_set(core::to_labeled_set(run.dataset.training_points(), run.input_map));
  // A stopped run goes on: the new data may not be learnt yet. One the stop rule paused resumes
  // (the rule pauses it again once it is learnt); one at its epoch cap gets k_epochs_after_points
  // more. A diverged run stays stopped (R resets it).
  go_on(*run.trainer);
  config_ = std::make_shared<const core::ExperimentConfig>(run.config);
  dataset_ = std::make_shared<const data::Dataset>(run.dataset);
  checkpoint();  // replays after this point train on the new set
}

void LiveTrainer::add_point(const data::Point& p) {
  post([this, p](core::Run& run) {
    // A class this run does not have (side by side, beside a run with more classes): the point
    // is not this run's to learn, and a label past its outputs would be read out of them.
    if (p.label < 0 || p.label >= run.dataset.classes) return;
    // Bounded: an exhibit's visitors add points for weeks; the oldest make way.
    if (run.dataset.user.size() >= k_max_user_points)
      run.dataset.user.erase(run.dataset.user.begin(), run.dataset.user.begin() + long(run.dataset.user.size() - k_max_user_points + 1));
    run.dataset.user.push_back(p);
    run.config.user_points = run.dataset.user;
    points_changed(run);
  });
}

void LiveTrainer::remove_nearest_point(float x, float y, float radius) {
  post([this, x, y, radius](core::Run& run) {
    // The nearest user or training point within radius (data units).
    std::vector<data::Point>* best_list = nullptr;
    size_t best = 0;
    float best_d = radius * radius;
    for (auto* list : {&run.dataset.user, &run.dataset.train})
      for (size_t i = 0; i < list->size(); ++i) {
        const float dx = (*list)[i].x - x, dy = (*list)[i].y - y, d = dx * dx + dy * dy;
        if (d <= best_d) best_d = d, best = i, best_list = list;
      }
    if (!best_list || (best_list == &run.dataset.train && run.dataset.training_points().size() <= 1)) return;
    best_list->erase(best_list->begin() + long(best));
    run.config.user_points = run.dataset.user;
    points_changed(run);
  });
}

void LiveTrainer::loop() {
  auto last_publish = clock::now(), rate_start = clock::now(), next_step = clock::now();
  for (;;) {
    std::deque<std::function<void(core::Run&)>> commands;
    bool playing = false, stepped = false;
    double speed = 0.0;
    int steps = 0;
    std::shared_ptr<EpochClock> epochs;
    size_t lane = 0;
    {
      std::unique_lock lock(mutex_);
      // Sleep while there is nothing to do: paused, or waiting for the next timed step.
      auto idle = [&] {
        return !stop_ && commands_.empty() && pending_steps_ == 0 && (!playing_ || lockstep_ || run_.trainer->finished());
      };
      if (idle()) wake_.wait_for(lock, std::chrono::milliseconds(50), [&] { return !idle(); });
      if (stop_) return;
      commands.swap(commands_);
      playing = playing_ && !lockstep_;
      speed = speed_ * run_.trainer->steps_per_epoch();  // steps per second
      steps = pending_steps_;
      pending_steps_ = 0;
      epochs = epoch_clock_;
      lane = lane_;
    }
    bool changed = !commands.empty();
    // This lane pauses now: it hands its training slot to others waiting, or waits for the epoch
    // clock. Then it publishes at once: side by side, the states shown keep within an epoch.
    bool pausing = false;
    for (auto& c : commands) c(run_);
    nn::Trainer& t = *run_.trainer;
    // Steps take one of the training slots (priorities.hpp): a core stays the window's however
    // many runs train side by side. (Never held while waiting for the epoch clock.)
    if (steps > 0) {
      const TrainingSlots::Hold slot(TrainingSlots::shared(), &stopping_);
      for (int i = 0; i < steps && slot; ++i) {
        if (t.finished()) t.extend(t.epoch() + 1);  // a step asked for by the user always happens
        one_step();
        stepped = true;
      }
    }
    // The shared epoch clock: this lane's epoch while it runs; a lane ahead of another waits.
    auto on_time = [&] { return !epochs || epochs->may_step(lane, t.epoch()); };
    if (epochs) epochs->report(lane, t.finished() ? EpochClock::k_idle : t.epoch());
    if (playing && !t.finished() && !on_time()) {
      pausing = true;
      std::unique_lock lock(mutex_);
      wake_.wait_for(lock, std::chrono::milliseconds(1));
      next_step = std::max(next_step, clock::now());  // a paced lane does not catch up in a burst
    } else if (playing && !t.finished()) {
      if (speed <= 0.0) {
        // Free-running: a burst of steps between checks for commands and publishing.
        const TrainingSlots::Hold slot(TrainingSlots::shared(), &stopping_);
        if (!slot) continue;  // stopping
        const auto until = clock::now() + std::chrono::milliseconds(4);
        do {
          one_step();
          ++rate_steps_;
          if (epochs) epochs->report(lane, t.epoch());
        } while (clock::now() < until && !t.finished() && on_time());
        stepped = true;
        pausing = slot.others_waiting() || !on_time();
      } else if (clock::now() >= next_step) {
        const TrainingSlots::Hold slot(TrainingSlots::shared(), &stopping_);
        if (!slot) continue;  // stopping
        one_step();
        ++rate_steps_;
        stepped = true;
        next_step = std::max(next_step + std::chrono::duration_cast<clock::duration>(std::chrono::duration<double>(1.0 / speed)),
                             clock::now() - std::chrono::milliseconds(100));
      } else {
        std::unique_lock lock(mutex_);
        wake_.wait_until(lock, std::min(next_step, clock::now() + std::chrono::milliseconds(50)));
      }
    }
    const auto now = clock::now();
    if (now - rate_start >= std::chrono::seconds(1)) {
      measured_rate_ = double(rate_steps_) / std::chrono::duration<double>(now - rate_start).count();
      rate_steps_ = 0;
      rate_start = now;
      changed = true;
    }
    dirty_ = dirty_ || stepped || changed;
    if (dirty_ && (now - last_publish >= k_publish_every || !playing || t.finished() || pausing)) {
      publish(false);
      last_publish = now;
    }
  }
}

}  // namespace nnlive::app
