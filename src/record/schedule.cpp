// SPDX-License-Identifier: MIT
// Epochs-per-frame schedules and their conversion to whole training steps.
#include "nnlive/record/schedule.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nnlive/core/error.hpp"

namespace nnlive::record {
namespace {

constexpr double k_max_epochs_per_frame = 1e5;

double parse_number(const std::string& text, const std::string& whole) {
  try {
    size_t used = 0;
    const double v = std::stod(text, &used);
    if (used == text.size() && std::isfinite(v)) return v;
  } catch (const std::exception&) {
  }
  throw core::UserError(core::ExitCode::usage, "--epochs-per-frame takes K or K@SECONDS,K@SECONDS,...; '" + text +
                                                   "' in '" + whole + "' is not a number");
}

}  // namespace

EpochSchedule EpochSchedule::parse(const std::string& text) {
  EpochSchedule s;
  std::stringstream items(text);
  std::string item;
  while (std::getline(items, item, ',')) {
    const size_t at = item.find('@');
    const double k = parse_number(item.substr(0, at), text);
    const double t = at == std::string::npos ? 0.0 : parse_number(item.substr(at + 1), text);
    if (k < 0 || k > k_max_epochs_per_frame)
      throw core::UserError(core::ExitCode::usage, "--epochs-per-frame values must be 0 to 100000; got '" + text + "'");
    if (t < 0) throw core::UserError(core::ExitCode::usage, "--epochs-per-frame times must be 0 s or later; got '" + text + "'");
    if (!s.points_.empty() && t <= s.points_.back().first)
      throw core::UserError(core::ExitCode::usage, "--epochs-per-frame times must increase; got '" + text + "'");
    if (at == std::string::npos && !s.points_.empty())
      throw core::UserError(core::ExitCode::usage, "--epochs-per-frame: give every point after the first a time, as in 1@0,20@8");
    s.points_.emplace_back(t, k);
  }
  if (s.points_.empty()) throw core::UserError(core::ExitCode::usage, "--epochs-per-frame is empty");
  return s;
}

EpochSchedule EpochSchedule::constant(double epochs_per_frame) {
  EpochSchedule s;
  s.points_.emplace_back(0.0, std::max(epochs_per_frame, 0.0));
  return s;
}

double EpochSchedule::at(double t) const {
  if (t <= points_.front().first) return points_.front().second;
  if (t >= points_.back().first) return points_.back().second;
  const auto hi = std::upper_bound(points_.begin(), points_.end(), t, [](double v, const auto& p) { return v < p.first; });
  const auto lo = hi - 1;
  const double u = (t - lo->first) / (hi->first - lo->first);
  if (lo->second > 0 && hi->second > 0) return lo->second * std::pow(hi->second / lo->second, u);
  return lo->second + (hi->second - lo->second) * u;
}

StepClock::StepClock(EpochSchedule schedule, double fps, int steps_per_epoch)
    : schedule_(std::move(schedule)), fps_(fps), steps_per_epoch_(std::max(steps_per_epoch, 1)) {}

long long StepClock::steps_for_frame(long long frame) {
  carry_ += schedule_.at(double(frame) / fps_) * steps_per_epoch_;
  const double whole = std::floor(carry_ + 1e-9);
  carry_ -= whole;
  return static_cast<long long>(whole);
}

}  // namespace nnlive::record
