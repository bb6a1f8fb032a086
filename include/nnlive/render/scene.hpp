// SPDX-License-Identifier: MIT
// What one frame shows: a snapshot of training plus the dataset and experiment around it, and
// how to show it. The renderer reads these and nothing else; it never calls the trainer.
#pragma once
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "nnlive/core/experiment.hpp"
#include "nnlive/data/dataset.hpp"
#include "nnlive/nn/features.hpp"
#include "nnlive/nn/loss.hpp"
#include "nnlive/nn/snapshot.hpp"

namespace nnlive::render {

enum class Layout { full, field, field_curves };
enum class PaletteKind { blue_orange, blue_magenta };

std::optional<Layout> parse_layout(const std::string& name);       // "full", "field", "field+curves"
std::optional<PaletteKind> parse_palette(const std::string& name);  // "blue-orange", "blue-magenta"

struct RenderOptions {
  Layout layout = Layout::full;
  PaletteKind palette = PaletteKind::blue_orange;
  bool discretize = false;   // hard class regions instead of confidence shading
  int neuron_layer = -1;     // >= 0: show this hidden layer's neuron instead of the output
  int neuron = 0;
  // >= 0: outline the diagram's edge from node edge_from of layer edge_layer's input to its node
  // edge_to (the edge the live window inspects).
  int edge_layer = -1, edge_from = 0, edge_to = 0;
  bool mark_probe = false;   // ring the probe sample on the field (the live step-through view)
  bool log_loss = true;      // loss axis logarithmic
  // The frame's background left transparent (alpha 0). Pixels then hold premultiplied colour;
  // record::unpremultiply turns them into straight alpha for encoders and PNG.
  bool transparent = false;
  // Field evaluations per output pixel along each axis, 1/8 to 1. Below 1 the field is
  // interpolated: the live window's fallback while training on a slow device, never a still.
  float field_resolution = 1.0f;
  // Header text and height multiplied by this (presentation mode: readable on a projector).
  float header_scale = 1.0f;
  // Presentation: no text in the panels (ticks, labels, legends) smaller than this many pixels
  // at 1080p (scaled with the frame like every size); 0 = the design sizes (14-18 px at 1080p).
  // Margins grow with the text.
  float min_text_px = 0.0f;
};

// What frames derive from a scene's snapshot and dataset alone, kept while its owner keeps both
// unchanged: the live window draws each published state frame after frame (a paused run, a large
// network between two steps), and the network's verdict on every point (a forward pass over
// them all) and the diagram's strongest edges (a selection among up to 262,144 per layer) are
// then computed once. The owner makes a new memo with every new snapshot or dataset (the live
// window's states are immutable: each has its own). Safe to use from several threads.
struct SceneMemo {
  struct Edges {
    std::vector<size_t> strongest;  // edge indices, weakest first
    float top = 0.0f;               // the largest magnitude in the layer
    size_t asked = 0;               // how many were asked for (a resized diagram asks for others)
  };
  std::mutex mutex;
  std::optional<std::vector<uint8_t>> misclassified;  // per point (test, train, then user): 1 where wrong
  std::map<int, Edges> edges;                          // by a key of network.cpp's (layer and wave)
};

// One run in a comparison chart: what tells it from the others, and its metrics history.
struct ComparedRun {
  std::string label;
  const std::vector<nn::Metrics>* history = nullptr;
  bool diverged = false;
};

struct Scene {
  std::string title;                     // experiment name
  const nn::Snapshot* snapshot = nullptr;
  const std::vector<nn::Metrics>* history = nullptr;  // every epoch so far, epoch 0 first
  const data::Dataset* dataset = nullptr;
  nn::InputMap input_map;
  nn::View view{};                       // data rectangle to show (expanded to the panel's aspect)
  nn::Loss loss = nn::Loss::bce;
  int classes = 2;
  double time_s = 0.0;                   // animation time (live: wall clock; recording: frame / fps)
  double learning_rate = 0.0;
  bool training = true;                  // pulses run only while the network is training
  bool error_pulses = false;             // the backward wave: the probe's error, not the update's sign
  // A lesson's step: its caption in a band across the bottom (empty: no band), a hint at the
  // band's right end (such as "→ next"), a region of the field ringed (data units) and a loss
  // curve outlined ("train" or "test").
  std::string caption, caption_hint;
  std::optional<nn::View> highlight_region;
  std::string highlight_curve;
  // Side by side: this panel's number among the runs compared (from 0; its colour and badge), or -1.
  int compare_index = -1;
  // A comparison chart instead of a run (snapshot null): every run's loss on one chart, in the
  // runs' colours, with a legend.
  std::vector<ComparedRun> compared;
  // Work derived from snapshot and dataset, kept across frames by whoever keeps them unchanged;
  // null: computed for this frame alone.
  std::shared_ptr<SceneMemo> memo;
};

// The scene of a run at a snapshot; it refers to the run's dataset and history and to snap,
// which must outlive it.
Scene make_scene(const core::Run& run, const nn::Snapshot& snap, double time_s);

}  // namespace nnlive::render
