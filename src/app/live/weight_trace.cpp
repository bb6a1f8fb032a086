// SPDX-License-Identifier: MIT
#include "live/weight_trace.hpp"

#include <cmath>

#include "nnlive/nn/explain.hpp"

namespace nnlive::app {

void WeightTrace::add(long long step, const std::vector<float>& params) {
  if (!traces(params.size())) return;
  if (!steps_.empty() && step <= steps_.back()) return;
  if (!rows_.empty() && params.size() != rows_.back().size()) clear();  // another network: start again
  if (seen_++ % stride_ != 0) return;
  if (steps_.size() >= max_rows_) {
    // Thin: keep rows 0, 2, 4, ... and from now on every other step seen.
    size_t out = 0;
    for (size_t i = 0; i < steps_.size(); i += 2, ++out) {
      if (out == i) continue;  // (a vector moved onto itself would be emptied)
      steps_[out] = steps_[i];
      rows_[out] = std::move(rows_[i]);
    }
    steps_.resize(out);
    rows_.resize(out);
    stride_ *= 2;
  }
  steps_.push_back(step);
  rows_.push_back(params);
}

void WeightTrace::rewind(long long step) {
  while (!steps_.empty() && steps_.back() > step) steps_.pop_back(), rows_.pop_back();
}

std::vector<float> WeightTrace::series(size_t index) const {
  std::vector<float> v;
  v.reserve(rows_.size());
  for (const auto& r : rows_) v.push_back(index < r.size() ? r[index] : NAN);
  return v;
}

void UpdateLog::add(long long step, int epoch, const std::vector<float>& params, const std::vector<float>& update) {
  if (update.empty() || update.size() != params.size()) return;
  if (!entries_.empty() && step <= entries_.back().step) return;
  Entry e{step, epoch, {}};
  for (int i : nn::largest(update, per_step_)) {
    if (update[size_t(i)] == 0.0f) break;
    e.changes.push_back({size_t(i), params[size_t(i)] - update[size_t(i)], update[size_t(i)]});
  }
  if (e.changes.empty()) return;
  entries_.push_back(std::move(e));
  while (entries_.size() > max_entries_) entries_.pop_front();
}

}  // namespace nnlive::app
