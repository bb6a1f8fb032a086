// SPDX-License-Identifier: MIT
// Fuzzes experiment TOML: any text either fails with core::UserError or gives a config that
// validates, saves and loads back to the same TOML. Anything else (another exception, a crash,
// a sanitizer report) is a finding.
#include <cstddef>
#include <cstdint>
#include <string>

#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnlive;
  const std::string text(reinterpret_cast<const char*>(data), size);
  core::ExperimentConfig c;
  try {
    core::apply_toml(text, "fuzz.toml", "", c);
    core::validate(c);
  } catch (const core::UserError&) {
    return 0;
  }
  const std::string saved = core::to_toml(c);
  core::ExperimentConfig again;
  core::apply_toml(saved, "saved.toml", "", again);  // must not throw: what nnlive saves, it loads
  if (core::to_toml(again) != saved) __builtin_trap();
  return 0;
}
