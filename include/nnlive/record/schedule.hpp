// SPDX-License-Identifier: MIT
// EpochSchedule: how many training epochs each recorded frame advances, as a function of video
// time, so a long plateau and a sudden drop both fit one watchable video. Text form:
//   "2"                 two epochs per frame throughout
//   "0.25"              one epoch every four frames
//   "0.5@0,20@8"        0.5 at 0 s rising to 20 at 8 s, then 20
// Between two points the rate changes geometrically (by a constant factor per second; linearly
// when either end is 0); before the first and after the last point it is constant.
#pragma once
#include <string>
#include <utility>
#include <vector>

namespace nnlive::record {

class EpochSchedule {
 public:
  // Throws core::UserError(usage) naming the problem.
  static EpochSchedule parse(const std::string& text);
  static EpochSchedule constant(double epochs_per_frame);  // K for the whole video, K >= 0
  double at(double seconds) const;  // epochs per frame at this video time

 private:
  std::vector<std::pair<double, double>> points_;  // (seconds, epochs per frame), by time
};

// Turns a schedule into whole training steps per frame, carrying fractions over so that over
// any run of frames the steps add up to the scheduled epochs (to one step).
class StepClock {
 public:
  StepClock(EpochSchedule schedule, double fps, int steps_per_epoch);
  long long steps_for_frame(long long frame);  // call once per frame, in order

 private:
  EpochSchedule schedule_;
  double fps_;
  int steps_per_epoch_;
  double carry_ = 0.0;
};

}  // namespace nnlive::record
