// SPDX-License-Identifier: MIT
// Minibatch training loop, metrics, stop rule and divergence handling.
#include "nnlive/nn/trainer.hpp"

#include <algorithm>
#include <cmath>
#include <numeric>

namespace nnlive::nn {
namespace {

// Mean loss and accuracy of the model on a whole set, in chunks to bound memory; each sample's
// verdict (1: its predicted class is not its label) appended to `wrong`.
std::pair<double, double> loss_and_accuracy(const Mlp& model, Loss loss, const LabeledSet& set, std::vector<uint8_t>& wrong) {
  const int n = set.size();
  if (n == 0) return {std::nan(""), std::nan("")};
  constexpr int k_chunk = 1024;
  Trace t;
  double total = 0.0;
  int correct = 0;
  const int k = model.outputs();
  for (int start = 0; start < n; start += k_chunk) {
    const int m = std::min(k_chunk, n - start);
    model.forward(set.x.data() + size_t(start) * set.inputs, m, t);
    total += evaluate_loss(loss, t, set.labels.data() + start, nullptr) * m;
    for (int s = 0; s < m; ++s) {
      const bool right = predicted_class(t.output().data() + size_t(s) * k, k) == set.labels[start + s];
      correct += right;
      wrong.push_back(right ? 0 : 1);
    }
  }
  return {total / n, double(correct) / n};
}

}  // namespace

Trainer::Trainer(Mlp model, TrainConfig config, uint64_t order_seed, LabeledSet train, LabeledSet test)
    : model_(std::move(model)), config_(config), optimizer_(config.optimizer, model_.param_count()),
      order_rng_(order_seed), train_(std::make_shared<const LabeledSet>(std::move(train))),
      test_(std::make_shared<const LabeledSet>(std::move(test))), weight_mask_(model_.weight_mask()),
      grads_(model_.param_count(), 0.0f) {
  order_.resize(train_->size());
  std::iota(order_.begin(), order_.end(), 0);
  history_.push_back(measure());
}

size_t Trainer::state_bytes() const {
  auto bytes = [](const auto& v) { return v.capacity() * sizeof(v[0]); };
  // Parameters, gradients, the optimizer's moments and last update (at most four per parameter);
  // the last measurement's verdicts (a byte a point: shared with copies made before the next).
  const size_t params = model_.param_count();
  return sizeof(Trainer) + params * sizeof(float) * 6 + bytes(weight_mask_) + bytes(order_) + bytes(history_) +
         (verdicts_ ? bytes(*verdicts_) : 0);
}

size_t Trainer::data_bytes() const {
  auto bytes = [](const LabeledSet& s) { return s.x.capacity() * sizeof(float) + s.labels.capacity() * sizeof(int); };
  return bytes(*train_) + bytes(*test_);
}

int Trainer::steps_per_epoch() const {
  const int n = train_->size();
  if (n == 0) return 1;
  const int b = config_.batch <= 0 || config_.batch >= n ? n : config_.batch;
  return (n + b - 1) / b;
}

void Trainer::set_learning_rate(float lr) { optimizer_.set_learning_rate(lr); config_.optimizer.lr = lr; }

void Trainer::set_train_set(LabeledSet train) {
  train_ = std::make_shared<const LabeledSet>(std::move(train));
  order_.resize(train_->size());
  std::iota(order_.begin(), order_.end(), 0);
  cursor_ = 0;
  verdicts_.reset();
}

void Trainer::extend(int max_epochs) {
  config_.max_epochs = std::max(config_.max_epochs, max_epochs);
  paused_at_.reset();
  below_threshold_ = 0;
}

void Trainer::step() {
  if (finished()) return;
  verdicts_.reset();  // (the parameters change; an epoch's end measures them again)
  const LabeledSet& train = *train_;
  const int n = train.size();
  if (n == 0) {
    end_epoch();
    return;
  }
  const bool full = config_.batch <= 0 || config_.batch >= n;
  if (cursor_ == 0 && !full) {
    // Fisher-Yates with the run's own order stream: the same seed gives the same batches.
    for (int i = n - 1; i > 0; --i) std::swap(order_[i], order_[order_rng_.below(uint64_t(i) + 1)]);
  }
  const int b = full ? n : std::min(config_.batch, n - cursor_);
  const int in = train.inputs;
  Scratch& w = scratch_;
  w.batch_x.resize(size_t(b) * in);
  w.batch_labels.resize(b);
  for (int s = 0; s < b; ++s) {
    const int idx = order_[cursor_ + s];
    std::copy_n(train.x.data() + size_t(idx) * in, in, w.batch_x.data() + size_t(s) * in);
    w.batch_labels[s] = train.labels[idx];
  }
  model_.forward(w.batch_x.data(), b, w.trace);
  w.dL_dz.resize(size_t(b) * model_.outputs());
  const double loss = evaluate_loss(config_.loss, w.trace, w.batch_labels.data(), w.dL_dz.data(), config_.confidence);
  model_.backward(w.trace, w.dL_dz.data(), grads_.data());
  const auto& p = model_.params();
  if (config_.l1 > 0.0f || config_.l2 > 0.0f)
    for (size_t i = 0; i < grads_.size(); ++i)
      if (weight_mask_[i]) grads_[i] += config_.l2 * p[i] + config_.l1 * float((p[i] > 0.0f) - (p[i] < 0.0f));
  const bool grads_finite = std::all_of(grads_.begin(), grads_.end(), [](float g) { return std::isfinite(g); });
  if (!std::isfinite(loss) || !grads_finite || !optimizer_.step(model_.params(), grads_)) {
    diverged_at_ = epoch_ + 1;
    return;
  }
  ++steps_;
  cursor_ += b;
  if (cursor_ >= n) end_epoch();
}

void Trainer::run_epoch() {
  const int e = epoch_;
  while (!finished() && epoch_ == e) step();
}

void Trainer::end_epoch() {
  cursor_ = 0;
  ++epoch_;
  Metrics m = measure();
  history_.push_back(m);
  if (history_cap_ > 0 && history_.size() > history_cap_) thin_history(history_, history_cap_);
  if (train_->size() > 0 && !std::isfinite(m.train_loss)) {
    diverged_at_ = epoch_;
    return;
  }
  if (config_.stop_window > 0) {
    below_threshold_ = m.train_loss < config_.stop_threshold ? below_threshold_ + 1 : 0;
    if (below_threshold_ >= config_.stop_window) paused_at_ = epoch_;
  }
}

void Trainer::put_history(std::vector<Metrics> h) {
  // Only what this trainer has lived through: a checkpoint restored at epoch e keeps 0..e.
  while (!h.empty() && h.back().epoch > epoch_) h.pop_back();
  if (h.empty() || h.back().epoch != epoch_) h.push_back(measure());
  history_ = std::move(h);
}

void thin_history(std::vector<Metrics>& h, size_t cap) {
  cap = std::max<size_t>(cap, 8);
  if (h.size() <= cap) return;
  const size_t old_end = h.size() - cap / 2;  // [0, old_end) is thinned, the rest kept
  size_t best = 0;
  for (size_t i = 0; i < old_end; ++i)
    if (std::isfinite(h[i].test_loss) && (!std::isfinite(h[best].test_loss) || h[i].test_loss < h[best].test_loss)) best = i;
  long long stride = 2;
  auto kept = [&](long long s) {
    size_t n = 0;
    for (size_t i = 0; i < old_end; ++i) n += (h[i].epoch % s == 0);
    return n;
  };
  while (kept(stride) > cap / 4 && stride < (1LL << 40)) stride *= 2;
  size_t out = 0;
  for (size_t i = 0; i < h.size(); ++i)
    if (i >= old_end || i == 0 || i == best || h[i].epoch % stride == 0) h[out++] = h[i];
  h.resize(out);
}

Metrics Trainer::measure() {
  Metrics m;
  m.epoch = epoch_;
  auto wrong = std::make_shared<std::vector<uint8_t>>();
  wrong->reserve(size_t(test_->size()) + size_t(train_->size()));
  std::tie(m.test_loss, m.test_acc) = loss_and_accuracy(model_, config_.loss, *test_, *wrong);
  std::tie(m.train_loss, m.train_acc) = loss_and_accuracy(model_, config_.loss, *train_, *wrong);
  verdicts_ = std::move(wrong);
  return m;
}

Snapshot Trainer::snapshot(int metrics_from, int probe) const {
  Snapshot s;
  s.epoch = epoch_;
  s.step = steps_;
  s.layers = model_.layers();
  s.params = model_.params();
  s.grads = grads_;
  s.last_update = optimizer_.last_update();
  const auto from = std::lower_bound(history_.begin(), history_.end(), metrics_from,
                                     [](const Metrics& m, int e) { return m.epoch < e; });
  s.new_metrics.assign(from, history_.end());
  s.latest = history_.back();
  s.misclassified = verdicts_;
  if (probe >= 0 && probe < train_->size()) {
    Trace t;
    model_.forward(train_->x.data() + size_t(probe) * train_->inputs, 1, t);
    s.probe_index = probe;
    s.probe = t.a;
  }
  s.diverged = diverged();
  s.diverged_at = diverged_at_;
  s.paused_at = paused_at_;
  return s;
}

Mlp model_of(const Snapshot& s) {
  std::vector<int> hidden;
  std::vector<Activation> acts;
  for (size_t l = 0; l + 1 < s.layers.size(); ++l) {
    hidden.push_back(s.layers[l].out);
    acts.push_back(s.layers[l].activation);
  }
  if (acts.empty()) acts.push_back(Activation::linear);
  Mlp m(s.layers.front().in, hidden, acts, s.layers.back().out, s.layers.back().activation);
  m.params() = s.params;
  return m;
}

}  // namespace nnlive::nn
