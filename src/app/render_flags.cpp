// SPDX-License-Identifier: MIT
// Picture options and the experiments of a frame.
#include "render_flags.hpp"

#include <tuple>

#include "experiment_flags.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app {

void RenderFlags::add_to(CLI::App& app) {
  const char* g = "Picture";
  app.add_option("--layout", layout, "full, field or field+curves")->capture_default_str()->group(g);
  app.add_option("--palette", palette, "blue-orange (colour-blind safe) or blue-magenta")->capture_default_str()->group(g);
  app.add_option("--neuron", neuron, "LAYER:INDEX (from 1): show this hidden neuron's field instead of the output")->group(g);
  app.add_flag("--discretize", discretize, "hard class regions instead of confidence shading")->group(g);
  app.add_flag("--linear-loss", linear_loss, "linear loss axis (default logarithmic)")->group(g);
  app.add_option("--compare", compare,
                 "also show this experiment side by side (repeatable): a preset, a FILE.toml, experiment flags over "
                 "the main experiment, or flags over a preset or file, in quotes: \"--hidden 64,64,64\", \"xor --lr 0.3\"")
      ->group(g);
  std::string sets;
  for (const auto& c : compare_sets()) sets += (sets.empty() ? "" : ", ") + c.name;
  app.add_option("--compare-set", compare_set,
                 "a classic comparison side by side (" + sets + "); over its own preset unless --preset or --config is given")
      ->group(g);
}

render::RenderOptions RenderFlags::options_for(const nn::Mlp& mlp, bool main_experiment) const {
  render::RenderOptions o;
  const auto l = render::parse_layout(layout);
  if (!l) throw core::UserError(core::ExitCode::usage, "unknown layout '" + layout + "'; choose full, field or field+curves");
  o.layout = *l;
  const auto p = render::parse_palette(palette);
  if (!p) throw core::UserError(core::ExitCode::usage, "unknown palette '" + palette + "'; choose blue-orange or blue-magenta");
  o.palette = *p;
  o.discretize = discretize;
  o.log_loss = !linear_loss;
  o.transparent = transparent;
  if (present) o.header_scale = k_present_text_px / 22.0f, o.min_text_px = k_present_text_px;
  if (main_experiment && !neuron.empty()) std::tie(o.neuron_layer, o.neuron) = parse_neuron(neuron, mlp);
  return o;
}

Experiments::Experiments(const std::vector<core::ExperimentConfig>& configs, const RenderFlags& flags, uint32_t width,
                         uint32_t height, const std::string& size_text) {
  // Side by side: a panel per run, then one chart of every run's loss.
  rects_ = configs.size() > 1 ? render::tile_with_chart(uint32_t(configs.size()), width, height) : render::tile(1, width, height);
  for (const auto& r : rects_)
    if (r.width() < render::SceneTarget::k_min_width || r.height() < render::SceneTarget::k_min_height)
      throw core::UserError(core::ExitCode::usage, std::to_string(configs.size()) + " experiments and their chart need a bigger --size than " +
                                                       size_text + ": each panel needs at least 320x240 pixels");
  if (configs.size() > 1) labels_ = differences(configs);
  for (size_t i = 0; i < configs.size(); ++i) {
    runs_.push_back(core::build_run(configs[i]));
    options_.push_back(flags.options_for(runs_.back().trainer->model(), i == 0));
  }
}

const std::vector<render::Panel>& Experiments::panels(double time_s) {
  snaps_.clear();
  panels_.clear();
  // Metrics history is read from the trainer itself; the snapshot carries parameters, gradients
  // and the probe sample's activations.
  for (auto& run : runs_) snaps_.push_back(run.trainer->snapshot(run.trainer->epoch(), 0));
  for (size_t i = 0; i < runs_.size(); ++i) {
    panels_.push_back({render::make_scene(runs_[i], snaps_[i], time_s), options_[i], rects_[i]});
    if (runs_.size() > 1) panels_.back().scene.compare_index = int(i);
  }
  if (runs_.size() > 1) {
    render::Panel chart{render::Scene{}, options_[0], rects_.back()};
    for (size_t i = 0; i < runs_.size(); ++i)
      chart.scene.compared.push_back({labels_[i], &runs_[i].trainer->history(), snaps_[i].diverged});
    panels_.push_back(std::move(chart));
  }
  return panels_;
}

}  // namespace nnlive::app
