// SPDX-License-Identifier: MIT
// Snapshot: the immutable record of a training moment that crosses from the trainer to the
// renderer, and SnapshotChannel, the latest-wins mailbox between them. The renderer never waits
// for training and the trainer never waits for a frame.
#pragma once
#include <cmath>
#include <cstdint>
#include <limits>
#include <memory>
#include <mutex>
#include <optional>
#include <vector>

#include "nnlive/nn/mlp.hpp"

namespace nnlive::nn {

// Per-epoch figures. Test values are NaN when there is no test set.
struct Metrics {
  int epoch = 0;
  double train_loss = std::numeric_limits<double>::quiet_NaN();
  double test_loss = std::numeric_limits<double>::quiet_NaN();
  double train_acc = std::numeric_limits<double>::quiet_NaN();
  double test_acc = std::numeric_limits<double>::quiet_NaN();
};

// Keeps a long history within `cap` entries (cap >= 8): when it holds more, the newest cap / 2
// stay as they are and the older ones are thinned to about cap / 4 on a grid of epochs (every
// 2nd, 4th, ... epoch, the coarsest the older part needs), always keeping the first entry and
// the one with the lowest test loss. Entries stay in epoch order; curves read the epoch of each.
void thin_history(std::vector<Metrics>& history, size_t cap);

struct Snapshot {
  int epoch = 0;                          // completed epochs
  long long step = 0;                     // completed optimizer steps
  std::vector<LayerShape> layers;         // how to read params
  std::vector<float> params;              // (param_count), same layout as Mlp::params()
  std::vector<float> grads;               // (param_count) dL/dparams of the last step: per-edge gradients
  std::vector<float> last_update;         // (param_count) change applied by the last step
  std::vector<Metrics> new_metrics;       // epochs finished since the previous snapshot, oldest first
  Metrics latest;                         // metrics of the last finished epoch
  // Per point, the test set's then the training set's (user points last): 1 where the network
  // gets it wrong, for these parameters. Where the trainer measured them (at the end of an
  // epoch: every step of full-batch training) it has them at no cost; else null.
  std::shared_ptr<const std::vector<uint8_t>> misclassified;
  int probe_index = -1;                   // training sample whose activations follow; -1 if none
  std::vector<std::vector<float>> probe;  // probe[0]: inputs; probe[l + 1]: outputs of layer l
  bool diverged = false;
  std::optional<int> diverged_at;         // epoch during which the loss became non-finite
  std::optional<int> paused_at;           // epoch at which the stop rule paused the run
};

// The network a snapshot describes, with its parameters (for CPU evaluation of what is shown).
Mlp model_of(const Snapshot& s);

class SnapshotChannel {
 public:
  void publish(std::shared_ptr<const Snapshot> s) {
    std::lock_guard lock(mutex_);
    latest_ = std::move(s);
  }
  std::shared_ptr<const Snapshot> latest() const {
    std::lock_guard lock(mutex_);
    return latest_;
  }

 private:
  mutable std::mutex mutex_;
  std::shared_ptr<const Snapshot> latest_;
};

}  // namespace nnlive::nn
