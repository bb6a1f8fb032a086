// SPDX-License-Identifier: MIT
// What the live window remembers of the weights over a run, for the "Data and weights" window:
// WeightTrace, every parameter at the steps it saw, bounded (when full, every other row goes and
// only every other new step is kept from then on, so the rows stay spread over the whole run);
// UpdateLog, the largest updates of each step seen, newest last, bounded.
//
// Contract: add() takes steps in increasing order; a step not after the last is ignored (the
// same state seen twice). clear() for a new run; rewind(step) after stepping back to `step`
// (what came after it is forgotten).
#pragma once
#include <cstddef>
#include <deque>
#include <vector>

namespace nnlive::app {

class WeightTrace {
 public:
  explicit WeightTrace(size_t max_rows = 1024, size_t max_params = 1024) : max_rows_(max_rows < 4 ? 4 : max_rows), max_params_(max_params) {}
  // Whether a network of this many parameters is traced at all (memory: rows x params floats).
  bool traces(size_t params) const { return params > 0 && params <= max_params_; }
  void clear() { steps_.clear(), rows_.clear(), stride_ = 1, seen_ = 0; }
  void add(long long step, const std::vector<float>& params);
  void rewind(long long step);
  size_t rows() const { return steps_.size(); }
  const std::vector<long long>& steps() const { return steps_; }
  std::vector<float> series(size_t index) const;  // one parameter's values, oldest first
  const std::vector<float>& row(size_t r) const { return rows_[r]; }

 private:
  size_t max_rows_, max_params_;
  std::vector<long long> steps_;
  std::vector<std::vector<float>> rows_;
  long long stride_ = 1;  // keep every stride-th step seen
  long long seen_ = 0;
};

class UpdateLog {
 public:
  struct Change {
    size_t index;       // parameter
    float before, update;
  };
  struct Entry {
    long long step;
    int epoch;
    std::vector<Change> changes;  // largest |update| first
  };
  explicit UpdateLog(size_t max_entries = 200, int per_step = 3) : max_entries_(max_entries), per_step_(per_step) {}
  void clear() { entries_.clear(); }
  void rewind(long long step) {
    while (!entries_.empty() && entries_.back().step > step) entries_.pop_back();
  }
  // The step that led to `params` (after it) with its `update`; nothing if update is empty,
  // the step is not newer than the last logged, or nothing changed.
  void add(long long step, int epoch, const std::vector<float>& params, const std::vector<float>& update);
  const std::deque<Entry>& entries() const { return entries_; }

 private:
  size_t max_entries_;
  int per_step_;
  std::deque<Entry> entries_;
};

}  // namespace nnlive::app
