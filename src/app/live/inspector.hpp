// SPDX-License-Identifier: MIT
// The live window's inspector: picking on the diagram (a hidden neuron's own field, hovered or
// pinned; an edge's weight, gradient, update and history), the step-through view of the last
// training step for one sample with the real numbers (I), and the "Data and weights" window
// (D): samples with predictions, the XOR corners, every weight's evolution, path strengths and
// the log of updates. It owns what it shows and follows the run frame by frame; what it puts in
// the picture (the neuron's field, the chosen edge, the probe) goes through decorate().
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "live_trainer.hpp"
#include "weight_trace.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::app::live {

// Numbers and names in the inspection windows: "%.4g"; node j of column c (inputs by feature,
// hidden neurons "h<layer>.<n>", outputs "out"); parameter `index` ("x→h1.2", "bias h1.2").
std::string num(double v);
std::string node_name(const LiveState& state, size_t c, int j);
std::string param_name(const LiveState& state, size_t index);

class Inspector {
 public:
  // What of the diagram is at a place: a node, or else an edge.
  struct Hit {
    int column = -1, node = -1;          // a node (column 0: inputs)
    int layer = -1, from = -1, to = -1;  // or an edge of this layer
  };
  // The node or edge of the diagram `net` (as last drawn, target pixels) at `at` (target
  // pixels). Nothing when the diagram shows another network than `state`'s (a restart since).
  static Hit hit(const render::NetworkNodes& net, glm::vec2 at, float ui_scale, const LiveState& state);

  // The window the inspector's own windows open in.
  struct Frame {
    float width = 1280.0f, height = 720.0f;  // target pixels
    float ui_scale = 1.0f;
  };

  // A click on the diagram: a hidden neuron pins its field (a second click unpins), an input or
  // output goes back to the network's output, an edge opens its window (its history before
  // now comes from the trainer's checkpoints), anything else closes it.
  void click(const Hit& hit, const LiveState& state, LiveTrainer& trainer);
  // The pointer over the diagram: a hidden neuron's field shows while pointed at, with a
  // tooltip; an edge's weight in a tooltip. True when the pointer is over either.
  bool hover(const Hit& hit, const LiveState& state);
  void clear_hover() { hover_neuron_.reset(); }
  // Every frame, before drawing: follow the run (the edge's and every weight's history; a pinned
  // neuron or edge the current network does not have is dropped).
  void track(const LiveState& state);
  // Its windows (between ImGui::NewFrame and ImGui::Render); the step-through view sets the
  // trainer's probe sample.
  void draw(const LiveState& state, LiveTrainer& trainer, const Frame& frame);
  // What it shows in the picture: the hovered or pinned neuron's field, the chosen edge, and
  // the probe sample's marks while the step-through view is open and `marks`.
  void decorate(render::RenderOptions& o, bool marks) const;

  bool computation_shown() const { return show_computation_; }
  bool data_shown() const { return show_data_; }
  void show_computation(bool on) { show_computation_ = on; }
  void show_data(bool on) { show_data_ = on; }
  std::optional<std::pair<int, int>> pinned() const { return pinned_neuron_; }
  void unpin() { pinned_neuron_.reset(); }

 private:
  void track_edge(const LiveState& state);
  void track_weights(const LiveState& state);
  void draw_computation(const LiveState& state, LiveTrainer& trainer, const Frame& frame);
  void draw_data(const LiveState& state, const Frame& frame);
  void draw_edge(const LiveState& state, const Frame& frame);

  // A hidden neuron's own field: (hidden layer, neuron), hovered or pinned by a click.
  std::optional<std::pair<int, int>> pinned_neuron_, hover_neuron_;
  struct EdgeChoice {
    int layer, from, to;
  };
  std::optional<EdgeChoice> edge_;
  std::vector<float> edge_weights_, edge_grads_;  // the chosen edge at each step seen since
  long long edge_last_step_ = -1;
  // The chosen edge's values at the trainer's checkpoints, filled on the trainer thread.
  struct EdgeHistory {
    std::mutex mutex;
    uint64_t request = 0;  // which choice they belong to
    bool ready = false;
    std::vector<float> weights, grads;
  };
  std::shared_ptr<EdgeHistory> edge_history_ = std::make_shared<EdgeHistory>();
  uint64_t edge_request_ = 0;
  uint64_t edge_generation_ = 0;
  // The step-through view (I) and its sample.
  bool show_computation_ = false;
  int sample_ = 0;
  // The "Data and weights" window (D).
  bool show_data_ = false;
  WeightTrace weight_trace_;
  UpdateLog update_log_;
  uint64_t traced_generation_ = 0;
  long long traced_step_ = -1;
  std::vector<float> predictions_;  // P(class 1), or the predicted class's P, per point shown
  std::vector<int> predicted_;      // predicted class per point
  long long predicted_step_ = -1;
  uint64_t predicted_generation_ = 0;
  std::chrono::steady_clock::time_point predicted_at_{};
};

}  // namespace nnlive::app::live
