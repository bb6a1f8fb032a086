// SPDX-License-Identifier: MIT
// The weights file (JSON, format "nnlive.mlp/1"): the network as a function of data
// coordinates. Export folds the input normalization into the first layer, so the file alone
// defines the function and needs no normalization on load.
#pragma once
#include <string>
#include <vector>

#include "nnlive/nn/features.hpp"
#include "nnlive/nn/mlp.hpp"

namespace nnlive::core {

struct LoadedNetwork {
  nn::InputMap input_map;  // identity normalization over the file's features
  nn::View view;
  nn::Mlp mlp;
};

std::string weights_to_json(const nn::Mlp& mlp, const nn::InputMap& map, const nn::View& view);
void save_weights(const std::string& path, const nn::Mlp& mlp, const nn::InputMap& map, const nn::View& view);

// Parses and checks a weights file; throws UserError(bad_input) naming the file and the problem.
LoadedNetwork parse_weights(const std::string& json_text, const std::string& source);
LoadedNetwork load_weights(const std::string& path);

}  // namespace nnlive::core
