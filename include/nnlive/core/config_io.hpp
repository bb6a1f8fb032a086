// SPDX-License-Identifier: MIT
// Experiments as TOML: presets (embedded from assets/presets), config files and saving.
// Layering: preset, then config file, then command-line flags (applied by the caller).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "nnlive/core/experiment.hpp"

namespace nnlive::core {

struct PresetInfo {
  std::string name;
  std::string description;
};

// Every preset, sorted by name.
std::vector<PresetInfo> list_presets();
// The named preset; throws UserError(usage) listing the presets if there is none.
ExperimentConfig load_preset(const std::string& name);

// Applies the keys present in TOML text onto config. `source` names the text in messages
// (a path or "preset NAME"); relative CSV paths are resolved against base_dir. Throws
// UserError(bad_input) with source:line for syntax errors, unknown keys and wrong types.
void apply_toml(const std::string& text, const std::string& source, const std::string& base_dir, ExperimentConfig& config);

// Preset named by `preset`, else by the config file's own `preset` key, else "spiral"; then the
// config file (if any) on top.
ExperimentConfig load_experiment(const std::optional<std::string>& preset, const std::optional<std::string>& config_path);

// The whole experiment as TOML that load_experiment reads back to an equal config.
std::string to_toml(const ExperimentConfig& config);

}  // namespace nnlive::core
