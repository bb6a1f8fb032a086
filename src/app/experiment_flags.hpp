// SPDX-License-Identifier: MIT
// The experiment options every experiment-running subcommand takes, and their layering:
// preset, then --config, then the individual flags.
#pragma once
#include <map>
#include <string>

#include <CLI/CLI.hpp>

#include "nnlive/core/experiment.hpp"

namespace nnlive::app {

class ExperimentFlags {
 public:
  void add_to(CLI::App& app);
  // Preset and config file, then every flag the user gave. Throws core::UserError.
  core::ExperimentConfig resolve() const;
  // The same over `base` when neither --preset nor --config was given.
  core::ExperimentConfig resolve_over(const core::ExperimentConfig& base) const;
  // Flags given on the command line as `--name value ...`, for titles.
  std::string given_text() const;
  // Whether the flag `--name` was given.
  bool given(const char* name) const;
  // The experiments a frame or window shows: the main one (this object's), then the --compare
  // ones, or those of a named comparison (--compare-set: over its own base preset unless
  // --preset or --config chose another). Names say what differs. Throws core::UserError.
  std::vector<core::ExperimentConfig> resolve_all(const std::vector<std::string>& compare, const std::string& compare_set) const;

 private:
  std::map<std::string, CLI::Option*> options_;
  std::string preset_, config_, dataset_, hidden_, activation_, loss_, optimizer_, features_;
  uint64_t seed_ = 1;
  int epochs_ = 0, points_ = 0, batch_ = 0, classes_ = 2, stop_window_ = 0;
  double noise_ = 0, label_noise_ = 0, test_ratio_ = 0, lr_ = 0, momentum_ = 0, l1_ = 0, l2_ = 0, confidence_ = 0, stop_threshold_ = 0;
};

// The experiments of --compare: each spec is a preset name, a TOML file, experiment flags
// ("--hidden 8 --lr 0.1") applied over `base`, or flags over a preset or file ("xor --lr 0.3"). Throws core::UserError naming the spec.
std::vector<core::ExperimentConfig> resolve_compare(const core::ExperimentConfig& base, const std::vector<std::string>& specs);

// The classic comparisons (--compare-set): name, what it shows, its base preset, and each
// experiment's flags over that base.
struct CompareSet {
  std::string name, description, base;
  std::vector<std::string> runs;
};
const std::vector<CompareSet>& compare_sets();
// The experiments of a named comparison over its own base preset, named by what differs.
std::vector<core::ExperimentConfig> compare_set_experiments(const std::string& name);
constexpr size_t k_max_compared = 9;  // experiments side by side, the main one included

// What tells each experiment from the others ("2×8, relu", "batch 1"): every setting in which
// they are not all equal, shortest first; an experiment equal to all others gets its name.
std::vector<std::string> differences(const std::vector<core::ExperimentConfig>& configs);

// An empty value ("--epochs ''") would convert to 0, or to no hidden layer: every option of
// app and its subcommands that takes a value refuses an empty one (CLI::ValidationError).
void refuse_empty_values(CLI::App& app);

// A command-line parse error as one plain sentence: CLI11's wordings for a flag without its
// value ("--hidden: 1 required TEXT missing"), a flag given twice ("--preset: At Most 1
// required but received 2"), a value not a number ("Could not convert: --epochs = abc"), one
// not among the choices ("--present-mode: foo not in {fifo,...}") and a word not expected
// said plainly; any other error as CLI11 says it.
std::string plain_parse_error(const CLI::ParseError& e);

// "WxH" -> (W, H); throws UserError(usage) naming the flag.
std::pair<uint32_t, uint32_t> parse_size(const std::string& text, const char* flag, uint32_t max_side);
// "LAYER:INDEX" (from 1) of a hidden neuron of mlp -> zero-based (layer, index); throws UserError(usage).
std::pair<int, int> parse_neuron(const std::string& text, const nn::Mlp& mlp);
// "x0,y0,x1,y1" -> view; throws UserError(usage).
nn::View parse_view(const std::string& text);

}  // namespace nnlive::app
