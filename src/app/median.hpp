// SPDX-License-Identifier: MIT
// The benchmarks' median.
#pragma once
#include <algorithm>
#include <cmath>
#include <vector>

namespace nnlive::app {

// The median of the finite values in v (the upper of the middle two when their count is even),
// NaN when there is none: a measurement that could not be taken (NaN) is left out rather than
// sorted, which would break the sort's ordering.
inline double median(std::vector<double> v) {
  std::erase_if(v, [](double x) { return !std::isfinite(x); });
  if (v.empty()) return NAN;
  std::sort(v.begin(), v.end());
  return v[v.size() / 2];
}

}  // namespace nnlive::app
