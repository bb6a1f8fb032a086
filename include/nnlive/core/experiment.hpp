// SPDX-License-Identifier: MIT
// ExperimentConfig: everything that defines a run (dataset, model, training, stop rule, view),
// how presets, TOML files and flags layer onto it, and building the run from it.
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "nnlive/data/dataset.hpp"
#include "nnlive/nn/features.hpp"
#include "nnlive/nn/loss.hpp"
#include "nnlive/nn/optimizer.hpp"
#include "nnlive/nn/trainer.hpp"

namespace nnlive::core {

struct ExperimentConfig {
  std::string name = "spiral";        // shown in the header; preset name by default
  std::string description;            // one line, for `nnlive presets`
  uint64_t seed = 1;                  // data, init and batch order all derive from it

  data::DatasetSpec data;             // data.seed is ignored: seed above is used
  std::vector<data::Point> user_points;  // user-added points (x, y, class), saved with the experiment

  std::vector<int> hidden{24, 24};    // neurons per hidden layer; empty = no hidden layer
  std::vector<nn::Activation> activations{nn::Activation::tanh};  // one, or one per hidden layer
  nn::Loss loss = nn::Loss::bce;
  std::vector<nn::Feature> features{nn::Feature::x, nn::Feature::y};

  nn::TrainConfig training;           // optimizer, lr, batch, l1, l2, epoch cap, stop rule
  std::optional<nn::View> view;       // x0, y0, x1, y1; unset = the dataset's suggestion
  double pace = 0.0;                  // live window: epochs per second, so a story takes tens of
                                      // seconds; 0 = as fast as it goes. Headless runs ignore it.
  bool error_pulses = false;          // the diagram's backward wave shows the error flowing back
                                      // (red, |w * delta| of the probe sample) instead of the
                                      // update's sign: S4's fruit lesson

  int classes() const;                // outputs of the softmax loss; 2 otherwise
};

// Checks every value's range and combination; throws UserError(usage) naming the problem.
void validate(const ExperimentConfig& config);

// Everything built from a config: the dataset, the input map and a trainer ready to go.
struct Run {
  ExperimentConfig config;
  data::Dataset dataset;
  nn::View view;
  nn::InputMap input_map;
  std::unique_ptr<nn::Trainer> trainer;
};

// Validates, generates the dataset and initializes the network; throws UserError.
Run build_run(const ExperimentConfig& config);

// Trains until the run finishes (stop rule, cap or divergence). Ctrl-C (core/interrupt.hpp)
// stops it between two steps with UserError(interrupted).
void train_to_end(nn::Trainer& trainer);

// Maps points through the input map into a labelled set for the trainer.
nn::LabeledSet to_labeled_set(const std::vector<data::Point>& points, const nn::InputMap& map);

// Comma-separated list parsing for flags: "24,24" or "none"; "tanh" or "tanh,relu"; "x,y,x2".
std::vector<int> parse_hidden(const std::string& text);
std::vector<nn::Activation> parse_activations(const std::string& text);
std::vector<nn::Feature> parse_features(const std::string& text);

}  // namespace nnlive::core
