// SPDX-License-Identifier: MIT
// Trainer: minibatch training of an Mlp on a labelled set with seeded batch order, per-epoch
// metrics, a stop rule, an epoch cap and divergence detection. Runs on the caller's thread; the
// live app gives it a thread of its own, recording calls it in lock-step.
//
// Contract: construct, then step() or run_epoch() until finished(). Once diverged, paused or
// capped, steps do nothing. Parameters are always finite.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "nnlive/common/rng.hpp"
#include "nnlive/nn/loss.hpp"
#include "nnlive/nn/mlp.hpp"
#include "nnlive/nn/optimizer.hpp"
#include "nnlive/nn/snapshot.hpp"

namespace nnlive::nn {

// Network inputs (already feature-mapped) and their class labels.
struct LabeledSet {
  int inputs = 0;
  std::vector<float> x;    // (n, inputs) row-major
  std::vector<int> labels; // (n) class index
  int size() const { return static_cast<int>(labels.size()); }
};

struct TrainConfig {
  OptimizerConfig optimizer;
  Loss loss = Loss::bce;
  int batch = 0;              // samples per step; 0 (or >= set size) = full batch
  float l1 = 0.0f;            // penalty l1 * sum |w| on weights (not biases), >= 0
  float l2 = 0.0f;            // penalty l2 / 2 * sum w^2 on weights (not biases), >= 0
  float confidence = 0.0f;    // confidence penalty: + confidence * entropy of each output, >= 0
  int max_epochs = 5000;      // cap, >= 0
  double stop_threshold = 0.02;  // stop rule: training loss below this ...
  int stop_window = 200;         // ... for this many consecutive epochs; 0 disables the rule
  bool endless = false;          // the live window trains on past the cap (never stops by itself);
                                 // headless commands (train, render, record) still end at the cap
};

class Trainer {
 public:
  Trainer(Mlp model, TrainConfig config, uint64_t order_seed, LabeledSet train, LabeledSet test);

  void step();       // one minibatch update
  void run_epoch();  // steps to the end of the current epoch

  bool finished() const { return diverged_at_ || paused_at_ || epoch_ >= config_.max_epochs; }
  int epoch() const { return epoch_; }
  long long steps() const { return steps_; }
  int steps_per_epoch() const;
  bool diverged() const { return diverged_at_.has_value(); }
  std::optional<int> diverged_at() const { return diverged_at_; }
  std::optional<int> paused_at() const { return paused_at_; }
  // Metrics after each epoch, epoch 0 first, in epoch order: history()[e] is after epoch e
  // unless a history cap thins it (then look at each entry's epoch).
  const std::vector<Metrics>& history() const { return history_; }
  // Bounds history() to `cap` entries with thin_history (0 = keep every epoch, the default):
  // runs that never stop (the live window) keep flat memory.
  void set_history_cap(size_t cap) { history_cap_ = cap == 0 ? 0 : std::max<size_t>(cap, 8); }
  // Moves the history out and back in: a copy of the trainer without its history is cheap
  // (step-back checkpoints), and a restored copy gets the history up to its own epoch.
  std::vector<Metrics> take_history() { return std::move(history_); }
  void put_history(std::vector<Metrics> h);
  const Mlp& model() const { return model_; }
  const TrainConfig& config() const { return config_; }
  const std::vector<float>& last_grads() const { return grads_; }
  const std::vector<float>& last_update() const { return optimizer_.last_update(); }
  // Copies are cheap enough to keep hundreds (step-back checkpoints): the data sets are shared,
  // immutable, between a trainer and its copies, and the per-step scratch is not copied.
  // state_bytes: what a copy owns (parameters, optimizer state, gradients, batch order,
  // history); data_bytes: the shared training and test sets.
  size_t state_bytes() const;
  size_t data_bytes() const;
  // Whether two trainers share the same training set (a checkpoint before a point was added
  // holds the set of its time).
  bool same_train_set(const Trainer& other) const { return train_ == other.train_; }

  void set_learning_rate(float lr);
  // Replaces the training set (user-added points); the run goes on from where it is.
  void set_train_set(LabeledSet train);
  // Raises the cap or clears a pause so a finished run can go on.
  void extend(int max_epochs);

  // A snapshot of now. metrics_from: the first epoch to put in new_metrics (entries of that
  // epoch and later). probe: training sample
  // whose activations to include (-1 for none).
  Snapshot snapshot(int metrics_from, int probe) const;

 private:
  // The metrics of now, and which points the network gets wrong (kept for snapshot()).
  Metrics measure();
  void end_epoch();

  Mlp model_;
  TrainConfig config_;
  Optimizer optimizer_;
  Rng order_rng_;
  std::shared_ptr<const LabeledSet> train_, test_;  // shared with copies, replaced, never changed
  std::vector<uint8_t> weight_mask_;
  std::vector<int> order_;       // shuffled sample order of the current epoch
  int cursor_ = 0;               // next position in order_
  int epoch_ = 0;
  long long steps_ = 0;
  int below_threshold_ = 0;      // consecutive epochs under the stop threshold
  std::optional<int> diverged_at_, paused_at_;
  std::vector<Metrics> history_;
  size_t history_cap_ = 0;
  std::vector<float> grads_;     // (param_count) of the last step
  // The last measure()'s verdicts: per point, the test set's then the training set's, 1 where
  // the network's class is not the label. Dropped when a step or a new training set makes them
  // another network's or other points' (snapshots then carry none).
  std::shared_ptr<const std::vector<uint8_t>> verdicts_;
  // Scratch reused by every step; a copy starts with none (step() sizes it again).
  struct Scratch {
    Trace trace;
    std::vector<float> batch_x, dL_dz;
    std::vector<int> batch_labels;
    Scratch() = default;
    Scratch(const Scratch&) {}
    Scratch& operator=(const Scratch&) { return *this; }
    Scratch(Scratch&&) = default;
    Scratch& operator=(Scratch&&) = default;
  };
  Scratch scratch_;
};

}  // namespace nnlive::nn
