// SPDX-License-Identifier: MIT
// Inspection in the live window: pointing at the diagram (a hidden neuron's own field, an edge's
// weight, gradient, update and history) and the step-through view of the last training step for
// one sample, with the real numbers (nn::explain_step): every number for small networks, the
// largest contributors for big ones.
#include <glm/geometric.hpp>
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>

#include "inspector.hpp"
#include "nnlive/nn/explain.hpp"

namespace nnlive::app::live {
namespace {

constexpr int k_all_neurons = 8;    // layers up to this wide list every neuron ...
constexpr int k_all_terms = 6;      // ... and every term of z up to this many inputs
constexpr int k_all_weights = 48;   // layers with up to this many weights list all of them
constexpr size_t k_edge_history = 2000;

// A term of a sum, in brackets when negative: "(-0.3)".
std::string term(double v) {
  std::string s = num(v);
  if (v < 0) s.insert(s.begin(), '('), s.push_back(')');
  return s;
}

// Indices 0..n-1 in order when n <= all, else the `all` largest by magnitude of values.
std::vector<int> shown(const std::vector<float>& values, int all) {
  if (int(values.size()) <= all) {
    std::vector<int> idx(values.size());
    for (size_t i = 0; i < idx.size(); ++i) idx[i] = int(i);
    return idx;
  }
  return nn::largest(values, all);
}

float distance_to_segment(glm::vec2 p, glm::vec2 a, glm::vec2 b) {
  const glm::vec2 d = b - a;
  const float t = std::clamp(glm::dot(p - a, d) / std::max(glm::dot(d, d), 1e-6f), 0.0f, 1.0f);
  return glm::distance(p, a + t * d);
}

}  // namespace

std::string num(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::string node_name(const LiveState& state, size_t c, int j) {
  const auto& layers = state.snapshot.layers;
  if (c == 0) return nn::display_name(state.input_map.features[size_t(j)]);
  char buf[48];
  if (c == layers.size()) std::snprintf(buf, sizeof buf, layers.back().out > 1 ? "out%d" : "out", j);
  else std::snprintf(buf, sizeof buf, "h%zu.%d", c, j + 1);
  return buf;
}

std::string param_name(const LiveState& state, size_t index) {
  const auto& layers = state.snapshot.layers;
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& L = layers[l];
    if (index >= L.w_offset && index < L.w_offset + size_t(L.in) * L.out) {
      const size_t k = index - L.w_offset;
      return node_name(state, l, int(k % size_t(L.in))) + "\xE2\x86\x92" + node_name(state, l + 1, int(k / size_t(L.in)));
    }
    if (index >= L.b_offset && index < L.b_offset + size_t(L.out)) return std::string("bias ").append(node_name(state, l + 1, int(index - L.b_offset)));
  }
  return std::string("#").append(std::to_string(index));
}

Inspector::Hit Inspector::hit(const render::NetworkNodes& net, glm::vec2 at, float ui_scale, const LiveState& state) {
  Hit hit;
  if (net.centres.empty()) return hit;
  // The last frame may show an older network (a restart since): then nothing is hit.
  const auto& layers = state.snapshot.layers;
  if (net.centres.size() != layers.size() + 1 || int(net.centres[0].size()) != layers.front().in) return hit;
  for (size_t l = 0; l < layers.size(); ++l)
    if (int(net.centres[l + 1].size()) != layers[l].out) return hit;
  const float grab = std::max(net.radius + 2.0f, 6.0f);
  float best = grab;
  for (size_t c = 0; c < net.centres.size(); ++c)
    for (size_t j = 0; j < net.centres[c].size(); ++j) {
      const float d = glm::distance(at, net.centres[c][j]);
      if (d < best) best = d, hit.column = int(c), hit.node = int(j);
    }
  if (hit.column >= 0) return hit;
  // Edges: the nearest within a few pixels, between the columns the pointer is between.
  float best_edge = std::max(6.0f, 4.0f * ui_scale);
  for (size_t l = 0; l + 1 < net.centres.size(); ++l) {
    const auto& from = net.centres[l];
    const auto& to = net.centres[l + 1];
    if (from.empty() || to.empty() || at.x < from[0].x || at.x > to[0].x) continue;
    for (size_t j = 0; j < to.size(); ++j)
      for (size_t i = 0; i < from.size(); ++i) {
        const float d = distance_to_segment(at, from[i], to[j]);
        if (d < best_edge) best_edge = d, hit.layer = int(l), hit.from = int(i), hit.to = int(j);
      }
  }
  return hit;
}

void Inspector::click(const Hit& hit, const LiveState& state, LiveTrainer& trainer) {
  const int columns = int(state.snapshot.layers.size()) + 1;
  if (hit.column > 0 && hit.column < columns - 1) {
    const std::pair<int, int> n{hit.column - 1, hit.node};
    pinned_neuron_ = pinned_neuron_ == n ? std::nullopt : std::optional(n);  // a second click unpins
  } else if (hit.column >= 0) {
    pinned_neuron_.reset();  // inputs and outputs: back to the network's output
  } else if (hit.layer >= 0) {
    edge_ = EdgeChoice{hit.layer, hit.from, hit.to};
    edge_weights_.clear();
    edge_grads_.clear();
    edge_last_step_ = -1;
    // Its values at the trainer's checkpoints, for the history before this moment.
    edge_generation_ = state.generation;
    const auto& L = state.snapshot.layers[size_t(hit.layer)];
    const uint64_t request = ++edge_request_;
    trainer.edge_history(L.w_offset + size_t(hit.to) * L.in + size_t(hit.from),
                           [mailbox = edge_history_, request](std::vector<float> w, std::vector<float> g) {
                             std::lock_guard lock(mailbox->mutex);
                             mailbox->request = request, mailbox->ready = true;
                             mailbox->weights = std::move(w), mailbox->grads = std::move(g);
                           });
  } else {
    edge_.reset();
  }
}

void Inspector::decorate(render::RenderOptions& o, bool marks) const {
  const auto neuron = hover_neuron_ ? hover_neuron_ : pinned_neuron_;
  if (neuron) o.neuron_layer = neuron->first, o.neuron = neuron->second;
  if (edge_) o.edge_layer = edge_->layer, o.edge_from = edge_->from, o.edge_to = edge_->to;
  o.mark_probe = show_computation_ && marks;
}

bool Inspector::hover(const Hit& hit, const LiveState& state) {
  hover_neuron_.reset();
  const int columns = int(state.snapshot.layers.size()) + 1;
  if (hit.column > 0 && hit.column < columns - 1) {
    hover_neuron_ = std::pair{hit.column - 1, hit.node};
    const auto& probe = state.snapshot.probe;
    const float a = probe.size() > size_t(hit.column) && probe[size_t(hit.column)].size() > size_t(hit.node)
                        ? probe[size_t(hit.column)][size_t(hit.node)]
                        : 0.0f;
    ImGui::SetTooltip("hidden layer %d, neuron %d: its output over the field\nactivation for sample %d: %.4g\nclick to %s", hit.column,
                      hit.node + 1, state.snapshot.probe_index, double(a), pinned_neuron_ == hover_neuron_ ? "unpin" : "keep it shown");
    return true;
  }
  if (hit.layer >= 0) {
    const auto& L = state.snapshot.layers[size_t(hit.layer)];
    const size_t k = L.w_offset + size_t(hit.to) * L.in + size_t(hit.from);
    ImGui::SetTooltip("weight %.4g\nclick for its gradient, update and history", double(state.snapshot.params[k]));
    return true;
  }
  return false;
}

void Inspector::draw(const LiveState& state, LiveTrainer& trainer, const Frame& frame) {
  draw_computation(state, trainer, frame);
  draw_data(state, frame);
  draw_edge(state, frame);
}

void Inspector::track(const LiveState& state) {
  track_edge(state);
  track_weights(state);
}

void Inspector::track_edge(const LiveState& state) {
  // A pinned neuron that the current network does not have (a restart with other layers).
  const auto& hidden = state.snapshot.layers;
  if (pinned_neuron_ && (size_t(pinned_neuron_->first) + 1 >= hidden.size() ||
                         pinned_neuron_->second >= hidden[size_t(pinned_neuron_->first)].out))
    pinned_neuron_.reset();
  if (!edge_) return;
  // Another run (a restart, a step back): the edge and its history mean nothing there.
  if (state.generation != edge_generation_) {
    edge_.reset();
    return;
  }
  const auto& layers = state.snapshot.layers;
  {
    std::lock_guard lock(edge_history_->mutex);
    if (edge_history_->ready && edge_history_->request == edge_request_) {
      edge_history_->ready = false;
      edge_weights_.insert(edge_weights_.begin(), edge_history_->weights.begin(), edge_history_->weights.end());
      edge_grads_.insert(edge_grads_.begin(), edge_history_->grads.begin(), edge_history_->grads.end());
    }
  }
  if (state.snapshot.step == edge_last_step_) return;
  edge_last_step_ = state.snapshot.step;
  const size_t i = layers[size_t(edge_->layer)].w_offset + size_t(edge_->to) * layers[size_t(edge_->layer)].in + size_t(edge_->from);
  edge_weights_.push_back(state.snapshot.params[i]);
  edge_grads_.push_back(state.snapshot.grads.empty() ? 0.0f : state.snapshot.grads[i]);
  if (edge_weights_.size() > k_edge_history) {
    edge_weights_.erase(edge_weights_.begin());
    edge_grads_.erase(edge_grads_.begin());
  }
}

void Inspector::draw_edge(const LiveState& state, const Frame& frame) {
  const float ui_scale = frame.ui_scale;
  if (!edge_) return;
  const auto& snap = state.snapshot;
  const auto& L = snap.layers[size_t(edge_->layer)];
  const size_t i = L.w_offset + size_t(edge_->to) * L.in + size_t(edge_->from);
  ImGui::SetNextWindowSize(ImVec2(380 * ui_scale, 270 * ui_scale), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(frame.width - 388 * ui_scale, frame.height - 278 * ui_scale),
                          ImGuiCond_FirstUseEver);
  bool open = true;
  const std::string title = "Edge " + node_name(state, size_t(edge_->layer), edge_->from) + " \xE2\x86\x92 " +
                            node_name(state, size_t(edge_->layer) + 1, edge_->to) + "###edge";
  if (ImGui::Begin(title.c_str(), &open)) {
    ImGui::Text("weight          %s", num(snap.params[i]).c_str());
    ImGui::Text("gradient        %s   (last step, batch)", snap.grads.empty() ? "-" : num(snap.grads[i]).c_str());
    ImGui::Text("last update     %s", snap.last_update.empty() ? "-" : num(snap.last_update[i]).c_str());
    const float w = ImGui::GetContentRegionAvail().x;
    if (edge_weights_.size() >= 2) {
      auto plot = [&](const char* id, const char* what, const std::vector<float>& v) {
        const auto [lo, hi] = std::minmax_element(v.begin(), v.end());
        const std::string label = std::string(what) + "  " + num(*lo) + " to " + num(*hi);
        ImGui::PlotLines(id, v.data(), int(v.size()), 0, label.c_str(), FLT_MAX, FLT_MAX, ImVec2(w, 60 * ui_scale));
      };
      plot("##w", "weight", edge_weights_);
      plot("##g", "gradient", edge_grads_);
      ImGui::TextDisabled("over the run (at the held checkpoints), then at each step seen since it was chosen");
    } else {
      ImGui::TextDisabled("its history starts now: train or step to see it");
    }
  }
  ImGui::End();
  if (!open) edge_.reset();
}

void Inspector::draw_computation(const LiveState& state, LiveTrainer& trainer, const Frame& frame) {
  const float ui_scale = frame.ui_scale;
  if (!show_computation_) return;
  // Over the curves at first, so the diagram stays free to point at; it can be moved.
  const float w = std::min(600 * ui_scale, 0.5f * frame.width), h = 0.55f * frame.height;
  ImGui::SetNextWindowSize(ImVec2(w, h), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(frame.width - w - 8 * ui_scale, frame.height - h - 8 * ui_scale),
                          ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Step-through: the last step for one sample (I)", &show_computation_)) {
    ImGui::End();
    return;
  }
  const nn::Snapshot& snap = state.snapshot;
  const std::vector<data::Point> points = state.dataset->training_points();
  if (points.empty()) {
    ImGui::TextWrapped("No training points.");
    ImGui::End();
    return;
  }
  ImGui::SetNextItemWidth(140 * ui_scale);
  ImGui::InputInt("training sample", &sample_);
  sample_ = std::clamp(sample_, 0, int(points.size()) - 1);
  trainer.set_probe(sample_);  // the diagram's node colours follow this sample too
  const data::Point& pt = points[size_t(sample_)];
  std::vector<float> input(size_t(state.input_map.size()));
  state.input_map.apply(pt.x, pt.y, input.data());
  const nn::StepExplanation e = nn::explain_step(snap, state.config->loss, input, pt.label, state.config->training.confidence);
  ImGui::SameLine();
  ImGui::Text("at (%s, %s), class %d", num(pt.x).c_str(), num(pt.y).c_str(), pt.label);
  ImGui::TextWrapped("Step %lld (epoch %d). The numbers are those of this step: the forward and backward passes on the "
                     "weights before it, this sample's own gradient, and the batch gradient and update the step applied.",
                     snap.step, snap.epoch);
  if (snap.step == 0) ImGui::TextColored(ImVec4(0.6f, 0.35f, 0.0f, 1), "No step yet: press S (or \xE2\x86\x92) to take one.");
  const auto& layers = snap.layers;

  if (ImGui::CollapsingHeader("Forward pass", ImGuiTreeNodeFlags_DefaultOpen)) {
    std::string in = "inputs: ";
    for (size_t k = 0; k < input.size(); ++k) in += (k ? ", " : "") + node_name(state, 0, int(k)) + " = " + num(input[k]);
    ImGui::TextWrapped("%s", in.c_str());
    for (size_t l = 0; l < layers.size(); ++l) {
      const auto& L = layers[l];
      const auto& ex = e.layers[l];
      const std::vector<float>& prev = l == 0 ? e.input : e.layers[l - 1].a;
      const std::string act(nn::to_string(L.activation));
      const auto rows = shown(ex.z, k_all_neurons);
      ImGui::Text("%s %zu (%s)%s", l + 1 == layers.size() ? "Output layer" : "Hidden layer", l + 1, act.c_str(),
                  int(rows.size()) < L.out ? ("  the " + std::to_string(rows.size()) + " largest |z| of " + std::to_string(L.out)).c_str() : "");
      ImGui::Indent();
      for (int j : rows) {
        const float* W = e.params_before.data() + L.w_offset + size_t(j) * L.in;
        std::vector<float> terms(size_t(L.in));
        for (int i = 0; i < L.in; ++i) terms[size_t(i)] = W[i] * prev[size_t(i)];
        std::string line = node_name(state, l + 1, j) + ": z = ";
        const auto idx = shown(terms, k_all_terms);
        double rest = 0.0;
        for (int i = 0; i < L.in; ++i) rest += terms[size_t(i)];
        for (int i : idx) {
          line += term(W[i]) + "\xC2\xB7" + term(prev[size_t(i)]) + " + ";
          rest -= terms[size_t(i)];
        }
        if (int(idx.size()) < L.in) {
          char more[64];
          std::snprintf(more, sizeof more, "(%d more: %s) + ", L.in - int(idx.size()), num(rest).c_str());
          line += more;
        }
        line.append("b ").append(term(e.params_before[L.b_offset + size_t(j)])).append(" = ").append(num(ex.z[size_t(j)]));
        line.append("   a = ").append(L.activation == nn::Activation::softmax ? std::string("softmax") : act);
        line.append("(z) = ").append(num(ex.a[size_t(j)]));
        ImGui::TextWrapped("%s", line.c_str());
      }
      ImGui::Unindent();
    }
    std::string out = "loss (" + std::string(nn::to_string(state.config->loss)) + ", class " + std::to_string(pt.label) +
                      ") = " + num(e.loss);
    ImGui::Text("%s", out.c_str());
  }

  if (ImGui::CollapsingHeader("Backward pass: \xCE\xB4 = dL/dz", ImGuiTreeNodeFlags_DefaultOpen)) {
    for (size_t l = layers.size(); l-- > 0;) {
      const auto& ex = e.layers[l];
      const auto rows = shown(ex.delta, k_all_neurons);
      std::string line;
      if (l + 1 == layers.size()) {
        line = state.config->loss == nn::Loss::mse ? "output: \xCE\xB4 = 2(a \xE2\x88\x92 y)\xC2\xB7" "a(1 \xE2\x88\x92 a)" : "output: \xCE\xB4 = a \xE2\x88\x92 y";
        if (state.config->training.confidence > 0.0f) line += " + " + num(state.config->training.confidence) + "\xC2\xB7" "dH/dz (the confidence penalty; H the output's entropy)";
      } else {
        line = "layer " + std::to_string(l + 1) + ": \xCE\xB4 = (\xCE\xA3 w\xC2\xB7\xCE\xB4 of the next layer) \xC2\xB7 " +
               std::string(nn::to_string(layers[l].activation)) + "'(z)";
      }
      if (int(rows.size()) < layers[l].out) line += "  (the " + std::to_string(rows.size()) + " largest)";
      ImGui::Text("%s", line.c_str());
      std::string values;
      for (int j : rows) values += node_name(state, l + 1, j) + " " + num(ex.delta[size_t(j)]) + "    ";
      ImGui::Indent();
      ImGui::TextWrapped("%s", values.c_str());
      ImGui::Unindent();
    }
  }

  if (ImGui::CollapsingHeader("Gradients and updates", ImGuiTreeNodeFlags_DefaultOpen)) {
    ImGui::TextWrapped("dL/dw = \xCE\xB4 of the neuron \xC2\xB7 a of the input; the step's gradient averages this over its batch "
                       "(plus L1/L2); the update is what the optimizer did with it.");
    for (size_t l = 0; l < layers.size(); ++l) {
      const auto& L = layers[l];
      const size_t count = size_t(L.in) * L.out;
      std::vector<float> by_update(e.update.begin() + long(L.w_offset), e.update.begin() + long(L.w_offset + count));
      const auto rows = shown(by_update, int(count) <= k_all_weights ? k_all_weights : 12);
      ImGui::Text("layer %zu weights%s", l + 1,
                  rows.size() < count ? ("  (the " + std::to_string(rows.size()) + " largest updates of " + std::to_string(count) + ")").c_str() : "");
      const std::string id = "grads" + std::to_string(l);
      if (ImGui::BeginTable(id.c_str(), 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
        for (const char* h : {"edge", "w before", "this sample", "batch grad", "update", "w after"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (int r : rows) {
          const int j = r / L.in, i = r % L.in;
          const size_t k = L.w_offset + size_t(r);
          ImGui::TableNextRow();
          ImGui::TableNextColumn();
          ImGui::Text("%s\xE2\x86\x92%s", node_name(state, l, i).c_str(), node_name(state, l + 1, j).c_str());
          for (double v : {double(e.params_before[k]), double(e.sample_grad[k]), double(e.batch_grad.empty() ? 0.0f : e.batch_grad[k]),
                           double(e.update.empty() ? 0.0f : e.update[k]), double(snap.params[k])}) {
            ImGui::TableNextColumn();
            ImGui::Text("%s", num(v).c_str());
          }
        }
        ImGui::EndTable();
      }
    }
  }
  if (ImGui::CollapsingHeader("Notation")) {
    const char* rows[][2] = {
        {"x, y", "the sample's coordinates; the inputs are features of them (x, y, x\xC2\xB2, sin x, ...)"},
        {"w", "a weight: how strongly one neuron's output feeds the next neuron (an edge in the diagram)"},
        {"b", "a bias: the neuron's own offset, added whatever the inputs"},
        {"z", "pre-activation: z = \xCE\xA3 w\xC2\xB7" "a + b over the neuron's inputs"},
        {"a", "activation: a = f(z), the neuron's output (f: tanh, ReLU, sigmoid, ...)"},
        {"y", "the sample's true class (1 = blue, 0 = orange)"},
        {"L", "the loss of the sample: how wrong the output is (cross-entropy or squared error)"},
        {"\xCE\xB4", "dL/dz: how the loss changes with a neuron's z; flows backwards layer by layer (the chain rule)"},
        {"dL/dw", "\xCE\xB4 of the neuron times a of the input: the weight's gradient for this sample"},
        {"\xCE\xB7", "the learning rate: the size of each step"},
        {"\xCE\x94w", "the update: SGD takes \xE2\x88\x92\xCE\xB7\xC2\xB7 the batch gradient; momentum and Adam shape it further"},
    };
    if (ImGui::BeginTable("notation", 2, ImGuiTableFlags_RowBg | ImGuiTableFlags_SizingStretchProp)) {
      for (const auto& r : rows) {
        ImGui::TableNextRow();
        ImGui::TableNextColumn();
        ImGui::TextUnformatted(r[0]);
        ImGui::TableNextColumn();
        ImGui::TextWrapped("%s", r[1]);
      }
      ImGui::EndTable();
    }
  }
  ImGui::End();
}

}  // namespace nnlive::app::live
