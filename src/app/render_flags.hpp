// SPDX-License-Identifier: MIT
// The picture options `render`, `record` and (later) `run` share, and the experiments a frame
// shows: the main one plus any --compare, each with its run, options and panel rectangle.
#pragma once
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "nnlive/core/experiment.hpp"
#include "nnlive/nn/snapshot.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app {

// Presentation text: 20 pt at 96 dpi, in pixels at 1080p (scaled with the frame).
inline constexpr float k_present_text_px = 20.0f * 96.0f / 72.0f;

struct RenderFlags {
  std::string layout = "full", palette = "blue-orange", neuron;
  std::vector<std::string> compare;
  std::string compare_set;   // a named comparison (experiment_flags.hpp: compare_sets())
  bool discretize = false, linear_loss = false;
  bool present = false;      // text as presentation mode draws it: 20 pt at 1080p, header included
  bool transparent = false;  // set by `record --transparent`; not a flag of its own here

  void add_to(CLI::App& app);
  // Throws core::UserError(usage) naming a bad value.
  render::RenderOptions options_for(const nn::Mlp& mlp, bool main_experiment) const;
};

// The experiments of one frame. Runs are built (not trained) by the constructor.
class Experiments {
 public:
  // Throws core::UserError: a bad --compare spec, or panels below 320x240 at this size.
  // `configs`: the main experiment first (ExperimentFlags::resolve_all).
  Experiments(const std::vector<core::ExperimentConfig>& configs, const RenderFlags& flags, uint32_t width, uint32_t height,
              const std::string& size_text);
  size_t size() const { return runs_.size(); }
  core::Run& run(size_t i) { return runs_[i]; }
  const render::RenderOptions& options(size_t i) const { return options_[i]; }
  const core::ExperimentConfig& main_config() const { return runs_[0].config; }
  // Snapshots every run now and returns the frame's panels at animation time `time_s`; they
  // stay valid until the next call. Side by side, the last panel is the comparison chart.
  const std::vector<render::Panel>& panels(double time_s);

 private:
  std::vector<core::Run> runs_;
  std::vector<render::RenderOptions> options_;
  std::vector<render::Rect> rects_;
  std::vector<nn::Snapshot> snaps_;
  std::vector<render::Panel> panels_;
  std::vector<std::string> labels_;  // what tells the runs apart (side by side)
};

}  // namespace nnlive::app
