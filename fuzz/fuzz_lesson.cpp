// SPDX-License-Identifier: MIT
// Fuzzes lesson files: core::UserError, or a lesson whose every step's experiment validates.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnlive/core/error.hpp"
#include "nnlive/core/lesson.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnlive;
  const std::string text(reinterpret_cast<const char*>(data), size);
  core::Lesson lesson;
  try {
    lesson = core::parse_lesson(text, "fuzz.toml", "fuzz");
  } catch (const core::UserError&) {
    return 0;
  }
  if (lesson.steps.empty()) __builtin_trap();
  for (const auto& s : lesson.steps)
    if (s.experiment) core::validate(*s.experiment);  // the parser validated it: must not throw
  return 0;
}
