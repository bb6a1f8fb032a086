// SPDX-License-Identifier: MIT
// `nnlive train`: headless training to the epoch cap, the stop rule or divergence, with
// optional weights, metrics and config output; the last stdout line is a JSON summary.
#include <chrono>
#include <cmath>
#include <iostream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "field_support.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/core/weights_io.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive::app {
namespace {

nlohmann::json number_or_null(double v) { return std::isfinite(v) ? nlohmann::json(v) : nlohmann::json(nullptr); }

template <class T>
nlohmann::json optional_json(const std::optional<T>& v) { return v ? nlohmann::json(*v) : nlohmann::json(nullptr); }

nlohmann::json summary(const core::Run& run, double seconds) {
  const nn::Trainer& t = *run.trainer;
  const nn::Metrics& m = t.history().back();
  return {{"experiment", run.config.name},
          {"epoch", t.epoch()},
          {"steps", t.steps()},
          {"train_loss", number_or_null(m.train_loss)},
          {"test_loss", number_or_null(m.test_loss)},
          {"train_acc", number_or_null(m.train_acc)},
          {"test_acc", number_or_null(m.test_acc)},
          {"diverged", t.diverged()},
          {"diverged_at", optional_json(t.diverged_at())},
          {"paused_at", optional_json(t.paused_at())},
          {"user_points", run.dataset.user.size()},
          {"seconds", std::round(seconds * 1000.0) / 1000.0}};
}

std::string metrics_csv(const std::vector<nn::Metrics>& history) {
  std::ostringstream os;
  os.precision(9);
  os << "epoch,train_loss,test_loss,train_acc,test_acc\n";
  auto v = [&](double x) -> std::ostream& { return std::isfinite(x) ? os << x : os << ""; };
  for (const auto& m : history) {
    os << m.epoch << ',';
    v(m.train_loss) << ',';
    v(m.test_loss) << ',';
    v(m.train_acc) << ',';
    v(m.test_acc) << '\n';
  }
  return os.str();
}

}  // namespace

std::function<int()> add_train_command(CLI::App& app) {
  auto* sub = app.add_subcommand("train", "Train an experiment headless and print a JSON summary");
  struct State {
    ExperimentFlags flags;
    std::string weights, metrics, config_out;
  };
  auto s = std::make_shared<State>();
  s->flags.add_to(*sub);
  auto* w = sub->add_option("--save-weights", s->weights, "write the trained network as JSON (nnlive.mlp/1)");
  auto* m = sub->add_option("--metrics", s->metrics, "write one CSV row per epoch (epoch 0 = before training)");
  auto* c = sub->add_option("--save-config", s->config_out, "write the whole experiment as TOML (--config reads it)");
  sub->footer(
      "The last line on stdout is one JSON object: experiment, epoch, steps, train_loss, test_loss, "
      "train_acc, test_acc, diverged, diverged_at, paused_at, user_points, seconds.");
  return [s, sub, w, m, c]() {
    if (!sub->parsed()) return -1;
    const core::ExperimentConfig config = s->flags.resolve();
    for (auto* o : {w, m, c})
      if (o->count()) core::check_writable(o->as<std::string>());
    const auto start = std::chrono::steady_clock::now();
    core::Run run = core::build_run(config);
    core::train_to_end(*run.trainer);
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    if (w->count()) core::save_weights(s->weights, run.trainer->model(), run.input_map, run.view);
    if (m->count()) {
      const std::string csv = metrics_csv(run.trainer->history());
      core::write_file_atomically(s->metrics, [&](std::ostream& out) { out << csv; });
    }
    if (c->count()) {
      const std::string toml = core::to_toml(config);
      core::write_file_atomically(s->config_out, [&](std::ostream& out) { out << toml; });
    }
    std::cout << summary(run, seconds).dump() << std::endl;
    return 0;
  };
}

}  // namespace nnlive::app
