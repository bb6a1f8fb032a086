// SPDX-License-Identifier: MIT
// LiveTrainer: the trainer on its own thread for the live app. It owns the Run; the UI talks to
// it only through posted commands and reads only published States (immutable, latest wins), so
// a frame never waits for training and training never waits for a frame.
//
// Contract: post() runs a command on the trainer thread between two steps, in order. latest()
// is never null after construction. acknowledge(n) tells the trainer the UI holds metrics for
// epochs 0..n-1 of that generation, so later snapshots carry only newer ones (none are lost if a
// State is skipped).
//
// Step back: the trainer keeps a bounded list of checkpoints (copies of the whole trainer but
// its metrics history: weights, optimizer moments, batch order) every few steps and after every change from outside
// (points, learning rate). Training is deterministic, so stepping back to step n restores the
// checkpoint before it and replays the steps in between: exact, whatever the spacing.
// Checkpoints share the data sets of their time; together they stay within
// k_checkpoint_budget bytes (the oldest go first), however many points a visitor adds.
//
// Lock-step (recording from the window): while on, the trainer only runs the steps advance()
// asks for and tags the state it publishes afterwards with that request's ticket.
//
// Runs compared side by side may share an EpochClock: while playing, a trainer starts a step
// only while no other running trainer of the clock has finished fewer epochs than it has, so
// all stay within one epoch of each other and the fastest waits. A paused trainer holds the
// others (runs compared are paused and resumed together, and a resumed one may not get the CPU
// at once); finished or diverged ones hold no one back. Explicit step() requests are not held.
#pragma once
#include <atomic>
#include <condition_variable>
#include <deque>
#include <functional>
#include <limits>
#include <memory>
#include <mutex>
#include <thread>

#include "nnlive/core/experiment.hpp"
#include "nnlive/nn/snapshot.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::app {

// The most metrics entries the live trainer and the window keep (nn::thin_history): about
// 1.3 MB each, however long a run goes on.
constexpr size_t k_live_history_cap = size_t(1) << 15;

// The memory all step-back checkpoints may hold together, and how many they may be.
constexpr size_t k_checkpoint_budget = size_t(256) << 20;
constexpr size_t k_max_checkpoints = 512;
constexpr size_t k_min_checkpoints = 4;  // kept even over the budget (a huge network)

// The most points a user adds by hand; beyond it each new point replaces the oldest.
constexpr size_t k_max_user_points = 1000;

// What the UI sees of the run at one moment.
struct LiveState {
  uint64_t generation = 0;                      // changes when the run is rebuilt (reset, new config)
  std::shared_ptr<const core::ExperimentConfig> config;
  std::shared_ptr<const data::Dataset> dataset;  // replaced when points are added or removed
  nn::View view{};
  nn::InputMap input_map;
  nn::Snapshot snapshot;
  bool playing = false;
  double steps_per_second = 0.0;                // measured over the last second
  float learning_rate = 0.0f;
  long long oldest_step = 0;                    // the earliest step that step_back() can reach
  uint64_t ticket = 0;                          // the last advance() done (lock-step)
  bool finished = false;                        // paused by the stop rule, capped or diverged
  int steps_per_epoch = 1;
  long long steps_taken = 0;                    // by this trainer, over every run it held, net of steps back
  // What frames derive from this state's snapshot and dataset (its own: a state never changes).
  std::shared_ptr<render::SceneMemo> memo = std::make_shared<render::SceneMemo>();
};

// The scene of a state: its snapshot, dataset and experiment with the UI's metrics history
// (which must outlive the scene), shown over `view` at animation time time_s.
render::Scene scene_of(const LiveState& state, const std::vector<nn::Metrics>& history, const nn::View& view, double time_s);

// The shared epoch clock of compared runs (see above). Lock-free: each lane writes its own slot.
class EpochClock {
 public:
  explicit EpochClock(size_t lanes);
  size_t lanes() const { return n_; }
  static constexpr long long k_idle = std::numeric_limits<long long>::max();
  // The lane's completed epochs, or k_idle while it holds no one back.
  void report(size_t lane, long long epoch) { epochs_[lane].store(epoch, std::memory_order_relaxed); }
  // A lane at `epoch` may start a step: no other lane is behind it.
  bool may_step(size_t lane, long long epoch) const;
  // The slowest running lane's epoch (k_idle when none runs).
  long long slowest() const;

 private:
  size_t n_;
  std::unique_ptr<std::atomic<long long>[]> epochs_;
};

class LiveTrainer {
 public:
  explicit LiveTrainer(const core::ExperimentConfig& config, bool playing = true);
  ~LiveTrainer();
  // Ends the thread's work at the next step's end without waiting for it (the destructor then
  // joins at once): asked of every trainer first, a window with several closes in about one step.
  void request_stop();

  std::shared_ptr<const LiveState> latest() const;
  void acknowledge(uint64_t generation, int epochs_held) {
    acknowledged_.store(generation << 32 | uint32_t(std::max(epochs_held, 0)));
  }

  void set_playing(bool playing);
  // Steps per second while playing; 0 = as fast as the CPU goes.
  void set_speed(double epochs_per_second);  // 0 = as fast as it goes
  // A run the stop rule paused goes on (until the rule pauses it again); one at its cap gets
  // 1000 more epochs; a diverged one stays stopped. Then plays.
  void resume();
  void step(int steps = 1);                  // while paused: this many steps, then publish
  void step_back();                          // pauses, then goes back one step (if held)
  // Lock-step: no free-running; advance(n) runs n steps (fewer if the run finishes) and returns
  // the ticket the state published afterwards will carry.
  void set_lockstep(bool on);
  uint64_t advance(long long steps);
  // Replaces the run with a freshly built one (core::build_run, which validates; same seed: the
  // identical run). The caller builds it, so it sees any error in the config.
  void restart(core::Run run);
  void set_learning_rate(float lr);
  // The training sample whose activations snapshots carry (the diagram's node colours).
  void set_probe(int index) { probe_.store(std::max(index, 0)); }
  // The weight and gradient of parameter `index` at every checkpoint, oldest first, delivered
  // to `done` on the trainer thread (for an edge's history from the start of what is held).
  void edge_history(size_t index, std::function<void(std::vector<float> weights, std::vector<float> grads)> done);
  // Joins training at once (the oldest of k_max_user_points goes); a class the run does not
  // have is not added.
  void add_point(const data::Point& p);
  void remove_nearest_point(float x, float y, float radius);  // user or training point
  // Runs f on the trainer thread with the run (for anything else the UI needs).
  void post(std::function<void(core::Run&)> f);
  // What the step-back checkpoints hold (count, bytes as they are counted against
  // k_checkpoint_budget). Only from a posted command (the trainer thread).
  std::pair<size_t, size_t> checkpoint_usage() const;
  void set_checkpoint_budget(size_t bytes);  // k_checkpoint_budget unless changed (tests)
  // Joins `clock` as `lane` (nullptr: runs free again).
  void set_epoch_clock(std::shared_ptr<EpochClock> clock, size_t lane);

 private:
  void loop();
  void publish(bool rebuilt);
  void rebuild(core::Run run);
  void one_step();      // a step, and a checkpoint when one is due
  void checkpoint();    // the trainer as it is now
  void points_changed(core::Run& run);  // after run.dataset's points changed
  static void go_on(nn::Trainer& t);    // a stopped run goes on (see resume())
  void go_back();
  void trim_checkpoints();  // to k_max_checkpoints and k_checkpoint_budget

  struct Checkpoint {
    long long step;
    std::shared_ptr<const nn::Trainer> trainer;
  };
  std::deque<Checkpoint> checkpoints_;  // oldest first, by step
  long long checkpoint_every_ = 1;      // steps between regular checkpoints
  size_t checkpoint_budget_ = k_checkpoint_budget;
  uint64_t next_ticket_ = 0;            // UI side: tickets handed out
  uint64_t ticket_done_ = 0;            // trainer side
  bool lockstep_ = false;

  core::Run run_;
  uint64_t generation_ = 1;
  std::shared_ptr<const core::ExperimentConfig> config_;
  std::shared_ptr<const data::Dataset> dataset_;
  mutable std::mutex state_mutex_;
  std::shared_ptr<const LiveState> state_;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::function<void(core::Run&)>> commands_;
  bool stop_ = false, playing_ = true;
  double speed_ = 0.0;
  int pending_steps_ = 0;
  std::atomic<uint64_t> acknowledged_{0};  // generation << 32 | epochs the UI holds
  std::atomic<bool> stopping_{false};      // request_stop(): gives up waiting for a training slot
  std::atomic<int> probe_{0};
  bool dirty_ = false;                     // stepped or changed since the last publish
  double measured_rate_ = 0.0;
  long long steps_taken_ = 0;  // see LiveState::steps_taken
  long long rate_steps_ = 0;  // steps since the rate was last measured (free-running and lock-step)
  std::shared_ptr<EpochClock> epoch_clock_;  // under mutex_
  size_t lane_ = 0;
  std::thread thread_;
};

}  // namespace nnlive::app
