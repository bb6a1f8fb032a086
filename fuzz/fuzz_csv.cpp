// SPDX-License-Identifier: MIT
// Fuzzes CSV point files: data::DataError or points with finite coordinates within 1e6 and
// class labels 0..7.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnlive/data/dataset.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnlive;
  const std::string text(reinterpret_cast<const char*>(data), size);
  try {
    for (const data::Point& p : data::parse_csv(text, "fuzz.csv"))
      if (!(std::abs(p.x) <= 1e6f && std::abs(p.y) <= 1e6f && p.label >= 0 && p.label <= 7)) __builtin_trap();
  } catch (const data::DataError&) {
  }
  return 0;
}
