// SPDX-License-Identifier: MIT
// Experiment validation, list parsing and building a run (dataset, input map, trainer).
#include "nnlive/core/experiment.hpp"
#include "nnlive/core/interrupt.hpp"

#include <algorithm>
#include <cmath>
#include <sstream>

#include "nnlive/common/rng.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::core {
namespace {

[[noreturn]] void bad(const std::string& msg) { throw UserError(ExitCode::usage, msg); }

std::vector<std::string> split_list(const std::string& text) {
  std::vector<std::string> out;
  std::stringstream ss(text);
  std::string item;
  while (std::getline(ss, item, ',')) {
    item.erase(0, item.find_first_not_of(" \t"));
    item.erase(item.find_last_not_of(" \t") + 1);
    out.push_back(item);
  }
  return out;
}

template <class T>
void in_range(const std::string& what, T v, T lo, T hi) {
  if (!(v >= lo && v <= hi)) {
    std::ostringstream os;
    os << what << " must be between " << lo << " and " << hi << ", got " << v;
    bad(os.str());
  }
}

}  // namespace

int ExperimentConfig::classes() const { return data.name == "blobs" ? data.classes : 2; }

std::vector<int> parse_hidden(const std::string& text) {
  if (text == "none") return {};
  std::vector<int> out;
  for (const auto& item : split_list(text)) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != item.size())
      bad("--hidden takes neuron counts separated by commas, such as 24,24, or 'none'; '" + item + "' is not a number");
    out.push_back(v);
  }
  return out;
}

std::vector<nn::Activation> parse_activations(const std::string& text) {
  std::vector<nn::Activation> out;
  for (const auto& item : split_list(text)) {
    const auto a = nn::parse_activation(item);
    if (!a || *a == nn::Activation::softmax)
      bad("unknown activation '" + item + "'; choose one of " + nn::hidden_activation_names());
    out.push_back(*a);
  }
  if (out.empty()) bad("no activation given; choose one of " + nn::hidden_activation_names());
  return out;
}

std::vector<nn::Feature> parse_features(const std::string& text) {
  std::vector<nn::Feature> out;
  for (const auto& item : split_list(text)) {
    const auto f = nn::parse_feature(item);
    if (!f) bad("unknown input feature '" + item + "'; choose from " + nn::feature_names());
    out.push_back(*f);
  }
  return out;
}

void validate(const ExperimentConfig& c) {
  if (c.hidden.size() > size_t(nn::Mlp::k_max_hidden_layers))
    bad("at most " + std::to_string(nn::Mlp::k_max_hidden_layers) + " hidden layers are supported, got " +
        std::to_string(c.hidden.size()));
  for (size_t i = 0; i < c.hidden.size(); ++i)
    in_range("hidden layer " + std::to_string(i + 1) + "'s width", c.hidden[i], 1, nn::Mlp::k_max_width);
  if (c.activations.empty() || (c.activations.size() != 1 && c.activations.size() != c.hidden.size()))
    bad("give one activation for all hidden layers or one per hidden layer (" + std::to_string(c.hidden.size()) +
        "), got " + std::to_string(c.activations.size()));
  for (auto a : c.activations)
    if (a == nn::Activation::softmax) bad("softmax is an output function; choose the 'softmax' loss instead");
  if (c.features.empty() || c.features.size() > size_t(nn::k_feature_count)) bad("choose 1 to 7 input features");
  for (size_t i = 0; i < c.features.size(); ++i)
    if (std::count(c.features.begin(), c.features.end(), c.features[i]) > 1)
      bad("input feature '" + std::string(nn::to_string(c.features[i])) + "' is listed twice");

  const auto& t = c.training;
  in_range("the learning rate", double(t.optimizer.lr), 1e-5, 100.0);
  in_range("the momentum", double(t.optimizer.momentum), 0.0, 0.999);
  in_range("the batch size", t.batch, 0, 100000);
  in_range("the L1 rate", double(t.l1), 0.0, 10.0);
  in_range("the L2 rate", double(t.l2), 0.0, 10.0);
  in_range("the confidence penalty", double(t.confidence), 0.0, 10.0);
  in_range("the epoch count", t.max_epochs, 0, 10000000);
  in_range("the stop threshold", t.stop_threshold, 0.0, 100.0);
  in_range("the stop window", t.stop_window, 0, 10000000);
  in_range("the pace (epochs per second)", c.pace, 0.0, 100000.0);

  const auto& d = c.data;
  if (!data::is_csv_name(d.name) &&
      std::find(data::dataset_names().begin(), data::dataset_names().end(), d.name) == data::dataset_names().end()) {
    std::string list;
    for (const auto& n : data::dataset_names()) list += (list.empty() ? "" : ", ") + n;
    bad("unknown dataset '" + d.name + "'; choose one of " + list + ", or a .csv file");
  }
  in_range("the number of points", d.points, 2, 100000);
  in_range("the position noise", d.noise, 0.0, 1.0);
  in_range("the label noise", d.label_noise, 0.0, 0.5);
  in_range("the test ratio", d.test_ratio, 0.0, 0.9);
  in_range("the number of classes", d.classes, 2, 8);
  for (const auto& p : c.user_points) {
    if (!std::isfinite(p.x) || !std::isfinite(p.y)) bad("a user point has a coordinate that is not a finite number");
    in_range("a user point's class", p.label, 0, 7);
  }

  if (c.view) {
    if (const std::string why = nn::view_problem(*c.view); !why.empty()) bad("the view [x0, y0, x1, y1] is unusable: " + why);
  }
}

nn::LabeledSet to_labeled_set(const std::vector<data::Point>& points, const nn::InputMap& map) {
  nn::LabeledSet s;
  s.inputs = map.size();
  s.x.resize(points.size() * size_t(s.inputs));
  s.labels.resize(points.size());
  for (size_t i = 0; i < points.size(); ++i) {
    map.apply(points[i].x, points[i].y, s.x.data() + i * s.inputs);
    s.labels[i] = points[i].label;
  }
  return s;
}

void train_to_end(nn::Trainer& t) {
  while (!t.finished()) {
    throw_if_interrupted("at epoch " + std::to_string(t.epoch()) + "; nothing was written");
    t.step();
  }
}

Run build_run(const ExperimentConfig& config) {
  validate(config);
  Run run;
  run.config = config;
  data::DatasetSpec spec = config.data;
  spec.seed = config.seed;
  try {
    run.dataset = data::make_dataset(spec);
  } catch (const data::DataError& e) {
    throw UserError(data::is_csv_name(spec.name) ? ExitCode::bad_input : ExitCode::usage, e.what());
  }
  run.dataset.user = config.user_points;
  const int classes = run.dataset.classes;
  const bool softmax = config.loss == nn::Loss::softmax_ce;
  if (!softmax && classes > 2)
    bad("the dataset has " + std::to_string(classes) + " classes; the '" + std::string(nn::to_string(config.loss)) +
        "' loss takes 2, use --loss softmax");
  for (const auto& p : run.dataset.user)
    if (p.label >= classes)
      bad("a user point has class " + std::to_string(p.label) + " but the dataset has " + std::to_string(classes) + " classes");

  run.view = config.view.value_or(run.dataset.view);
  run.input_map = nn::InputMap::for_view(config.features, run.view);
  nn::Mlp model(static_cast<int>(config.features.size()), config.hidden, config.activations, softmax ? classes : 1,
                nn::output_activation(config.loss));
  model.init(derive_seed(config.seed, 1));
  nn::TrainConfig tc = config.training;
  tc.loss = config.loss;
  run.trainer = std::make_unique<nn::Trainer>(std::move(model), tc, derive_seed(config.seed, 2),
                                              to_labeled_set(run.dataset.training_points(), run.input_map),
                                              to_labeled_set(run.dataset.test, run.input_map));
  return run;
}

}  // namespace nnlive::core
