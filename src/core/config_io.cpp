// SPDX-License-Identifier: MIT
// TOML experiments with toml++: strict reading (unknown keys and wrong types are errors) and
// complete writing.
#include "nnlive/core/config_io.hpp"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>

#include <toml++/toml.h>

#include "nnlive/common/text_file.hpp"
#include "nnlive/core/embedded.hpp"
#include "nnlive/core/error.hpp"
#include "toml_reader.hpp"

namespace nnlive::core {
namespace {


template <class F>
void rethrow_at(const Reader& r, const toml::node& n, F&& f) {
  try {
    f();
  } catch (const UserError& e) {
    if (e.code == ExitCode::usage) r.fail(&n, e.what());
    throw;
  }
}

void apply_data(const Reader& r, const toml::table& t, const std::string& base_dir, ExperimentConfig& c) {
  r.only_keys(t, {"dataset", "points", "noise", "label_noise", "test_ratio", "classes", "user_points"}, "data");
  for (const auto& [key, n] : t) {
    const auto k = key.str();
    if (k == "dataset") {
      std::string name = r.str(n, k);
      if (data::is_csv_name(name) && std::filesystem::path(name).is_relative() && !base_dir.empty())
        name = (std::filesystem::path(base_dir) / name).lexically_normal().string();
      c.data.name = name;
    } else if (k == "points") c.data.points = r.small_int(n, k);
    else if (k == "noise") c.data.noise = r.number(n, k);
    else if (k == "label_noise") c.data.label_noise = r.number(n, k);
    else if (k == "test_ratio") c.data.test_ratio = r.number(n, k);
    else if (k == "classes") c.data.classes = r.small_int(n, k);
    else if (k == "user_points") {
      c.user_points.clear();
      for (const auto& e : r.array(n, k)) {
        const auto& p = r.array(e, k);
        if (p.size() != 3) r.fail(&e, "each user point is [x, y, class]");
        c.user_points.push_back({static_cast<float>(r.number(*p.get(0), k)), static_cast<float>(r.number(*p.get(1), k)),
                                 r.small_int(*p.get(2), k), false});
      }
    }
  }
}

void apply_model(const Reader& r, const toml::table& t, ExperimentConfig& c) {
  r.only_keys(t, {"hidden", "activation", "loss", "features"}, "model");
  for (const auto& [key, n] : t) {
    const auto k = key.str();
    if (k == "hidden") {
      c.hidden.clear();
      for (const auto& e : r.array(n, k)) c.hidden.push_back(r.small_int(e, k));
    } else if (k == "activation") rethrow_at(r, n, [&, &n = n] { c.activations = parse_activations(r.list(n, k)); });
    else if (k == "loss") {
      const auto l = nn::parse_loss(r.str(n, k));
      if (!l) r.fail(&n, "unknown loss '" + r.str(n, k) + "'; choose bce, mse or softmax");
      c.loss = *l;
    } else if (k == "features") rethrow_at(r, n, [&, &n = n] { c.features = parse_features(r.list(n, k)); });
  }
}

void apply_training(const Reader& r, const toml::table& t, ExperimentConfig& c) {
  r.only_keys(t, {"optimizer", "learning_rate", "momentum", "batch", "l1", "l2", "confidence_penalty", "epochs"}, "training");
  auto& tc = c.training;
  for (const auto& [key, n] : t) {
    const auto k = key.str();
    if (k == "optimizer") {
      const auto o = nn::parse_optimizer(r.str(n, k));
      if (!o) r.fail(&n, "unknown optimizer '" + r.str(n, k) + "'; choose sgd, momentum or adam");
      tc.optimizer.kind = *o;
    } else if (k == "learning_rate") tc.optimizer.lr = static_cast<float>(r.number(n, k));
    else if (k == "momentum") tc.optimizer.momentum = static_cast<float>(r.number(n, k));
    else if (k == "batch") tc.batch = r.small_int(n, k);
    else if (k == "l1") tc.l1 = static_cast<float>(r.number(n, k));
    else if (k == "l2") tc.l2 = static_cast<float>(r.number(n, k));
    else if (k == "confidence_penalty") tc.confidence = static_cast<float>(r.number(n, k));
    else if (k == "epochs") tc.max_epochs = r.small_int(n, k);
  }
}

void apply_stop(const Reader& r, const toml::table& t, ExperimentConfig& c) {
  r.only_keys(t, {"threshold", "window", "endless"}, "stop");
  for (const auto& [key, n] : t) {
    const auto k = key.str();
    if (k == "threshold") c.training.stop_threshold = r.number(n, k);
    else if (k == "window") c.training.stop_window = r.small_int(n, k);
    else if (k == "endless") c.training.endless = r.boolean(n, k);
  }
}

void apply_live(const Reader& r, const toml::table& t, ExperimentConfig& c) {
  r.only_keys(t, {"epochs_per_second"}, "live");
  for (const auto& [key, n] : t)
    if (key.str() == "epochs_per_second") c.pace = r.number(n, key.str());
}

void apply_picture(const Reader& r, const toml::table& t, ExperimentConfig& c) {
  r.only_keys(t, {"error_pulses"}, "picture");
  for (const auto& [key, n] : t)
    if (key.str() == "error_pulses") c.error_pulses = r.boolean(n, key.str());
}

const toml::table& table(const Reader& r, const toml::node& n, std::string_view key) {
  if (const auto* t = n.as_table()) return *t;
  r.fail(&n, "'" + std::string(key) + "' must be a table ([" + std::string(key) + "])");
}

std::string read_file(const std::string& path) {
  std::string text, problem;
  if (!read_text_file(path, size_t(1) << 20, text, problem)) throw UserError(ExitCode::bad_input, "the config file " + path + " " + problem);
  return text;
}

std::optional<std::string> preset_text(const std::string& name) {
  for (const auto& f : embedded::presets())
    if (f.name == name + ".toml") return std::string(f.data);
  return std::nullopt;
}

}  // namespace

void apply_toml(const std::string& text, const std::string& source, const std::string& base_dir, ExperimentConfig& c) {
  const Reader r{source};
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw UserError(ExitCode::bad_input, source + ":" + std::to_string(e.source().begin.line) + ": " +
                                             std::string(e.description()));
  }
  r.only_keys(root, {"name", "description", "preset", "seed", "view", "data", "model", "training", "stop", "live", "picture"}, "");
  for (const auto& [key, n] : root) {
    const auto k = key.str();
    if (k == "name") c.name = r.str(n, k);
    else if (k == "description") c.description = r.str(n, k);
    else if (k == "preset") r.str(n, k);  // read by load_experiment
    else if (k == "seed") {
      const int64_t s = r.integer(n, k);
      if (s < 0) r.fail(&n, "'seed' must be 0 or more");
      c.seed = static_cast<uint64_t>(s);
    } else if (k == "view") {
      const auto& a = r.array(n, k);
      if (a.size() != 4) r.fail(&n, "'view' is [x0, y0, x1, y1]");
      nn::View v{};
      for (size_t i = 0; i < 4; ++i) v[i] = r.number(*a.get(i), k);
      c.view = v;
    } else if (k == "data") apply_data(r, table(r, n, k), base_dir, c);
    else if (k == "model") apply_model(r, table(r, n, k), c);
    else if (k == "training") apply_training(r, table(r, n, k), c);
    else if (k == "stop") apply_stop(r, table(r, n, k), c);
    else if (k == "live") apply_live(r, table(r, n, k), c);
    else if (k == "picture") apply_picture(r, table(r, n, k), c);
  }
}

std::vector<PresetInfo> list_presets() {
  std::vector<PresetInfo> out;
  for (const auto& f : embedded::presets()) {
    const std::string name(f.name.substr(0, f.name.size() - 5));  // drop ".toml"
    out.push_back({name, load_preset(name).description});
  }
  // The presets a lecture starts from come first, in the order of the stories (digits 1-9 in the
  // window pick them); the exercises follow by name.
  static const std::vector<std::string> k_stage{"spiral", "xor", "too-hot", "too-simple", "overfit",
                                                "slow", "xor-sigmoid", "playground", "fruit"};
  auto rank = [](const std::string& n) {
    return size_t(std::find(k_stage.begin(), k_stage.end(), n) - k_stage.begin());
  };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return rank(a.name) != rank(b.name) ? rank(a.name) < rank(b.name) : a.name < b.name;
  });
  return out;
}

ExperimentConfig load_preset(const std::string& name) {
  const auto text = preset_text(name);
  if (!text) {
    std::string list;
    for (const auto& f : embedded::presets()) list += (list.empty() ? "" : ", ") + std::string(f.name.substr(0, f.name.size() - 5));
    throw UserError(ExitCode::usage, "unknown preset '" + name + "'; choose one of " + list);
  }
  ExperimentConfig c;
  c.name = name;
  apply_toml(*text, "preset " + name, "", c);
  return c;
}

ExperimentConfig load_experiment(const std::optional<std::string>& preset, const std::optional<std::string>& config_path) {
  std::string text, base_dir, base = preset.value_or("spiral");
  bool based = preset.has_value();  // on a preset named by the flag or the file
  if (config_path) {
    text = read_file(*config_path);
    base_dir = std::filesystem::path(*config_path).parent_path().string();
    if (!preset) {
      try {
        const auto root = toml::parse(text, *config_path);
        if (const auto p = root["preset"].value<std::string>()) base = *p, based = true;
      } catch (const toml::parse_error&) {
        // reported with its line by apply_toml below
      }
    }
  }
  ExperimentConfig c = load_preset(base);
  if (config_path) {
    // A file that names neither itself nor a preset is an experiment of its own, not the default
    // preset it is laid over: it takes the file's name ("my-xor" for my-xor.toml), not "spiral".
    const std::string stem = std::filesystem::path(*config_path).stem().string();
    if (!based && !stem.empty()) c.name = stem;
    apply_toml(text, *config_path, base_dir, c);
  }
  return c;
}

std::string to_toml(const ExperimentConfig& c) {
  auto strings = [](const auto& items) {
    toml::array a;
    for (const auto& i : items) a.push_back(std::string(nn::to_string(i)));
    return a;
  };
  toml::array hidden, view, user;
  for (int h : c.hidden) hidden.push_back(h);
  const auto& d = c.data;
  for (const auto& p : c.user_points) user.push_back(toml::array{double(p.x), double(p.y), p.label});
  toml::table data{{"dataset", d.name},           {"points", d.points},       {"noise", d.noise},
                   {"label_noise", d.label_noise}, {"test_ratio", d.test_ratio}, {"classes", d.classes},
                   {"user_points", user}};
  toml::table model{{"hidden", hidden}, {"loss", std::string(nn::to_string(c.loss))}, {"features", strings(c.features)}};
  if (c.activations.size() == 1) model.insert("activation", std::string(nn::to_string(c.activations[0])));
  else model.insert("activation", strings(c.activations));
  const auto& t = c.training;
  toml::table training{{"optimizer", std::string(nn::to_string(t.optimizer.kind))},
                       {"learning_rate", double(t.optimizer.lr)},
                       {"momentum", double(t.optimizer.momentum)},
                       {"batch", t.batch},
                       {"l1", double(t.l1)},
                       {"l2", double(t.l2)},
                       {"confidence_penalty", double(t.confidence)},
                       {"epochs", t.max_epochs}};
  toml::table stop{{"threshold", t.stop_threshold}, {"window", t.stop_window}, {"endless", t.endless}};
  toml::table root{{"name", c.name}, {"description", c.description}, {"seed", static_cast<int64_t>(c.seed)},
                   {"data", data},   {"model", model},               {"training", training},
                   {"stop", stop}, {"live", toml::table{{"epochs_per_second", c.pace}}},
                   {"picture", toml::table{{"error_pulses", c.error_pulses}}}};
  if (c.view) root.insert("view", toml::array{(*c.view)[0], (*c.view)[1], (*c.view)[2], (*c.view)[3]});
  std::ostringstream os;
  os << "# nnlive experiment; load it with: nnlive train --config FILE\n" << root << "\n";
  return os.str();
}

}  // namespace nnlive::core
