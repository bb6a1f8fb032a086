// SPDX-License-Identifier: MIT
// The "Data and weights" window (D) of the live window, what the XOR step-through demo shows
// beside the diagram: every sample with the network's prediction (noisy labels marked), the
// four XOR corners with accuracy and loss, the evolution of every weight, the path strengths
// input -> hidden -> output and theirs, and a running log of the largest weight updates.
#include <imgui.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <numeric>
#include <optional>
#include <string>

#include "inspector.hpp"
#include "nnlive/nn/explain.hpp"
#include "nnlive/nn/loss.hpp"

namespace nnlive::app::live {
namespace {

constexpr size_t k_max_paths_shown = 32;
constexpr double k_predict_every_s = 0.25;  // predictions of every sample at most this often

struct Shown {
  const char* set;
  const data::Point* p;
};

std::vector<Shown> points_of(const data::Dataset& d) {
  std::vector<Shown> v;
  v.reserve(d.train.size() + d.user.size() + d.test.size());
  for (const auto& p : d.train) v.push_back({"train", &p});
  for (const auto& p : d.user) v.push_back({"added", &p});
  for (const auto& p : d.test) v.push_back({"test", &p});
  return v;
}

// The network's outputs at n feature-mapped points, in chunks (bounded scratch).
void predict(const LiveState& state, const nn::Mlp& mlp, const std::vector<std::array<float, 2>>& at, std::vector<float>& prob,
             std::vector<int>& cls) {
  const int inputs = int(state.input_map.size()), k = mlp.outputs();
  prob.assign(at.size(), NAN);
  cls.assign(at.size(), 0);
  constexpr size_t k_chunk = 4096;
  std::vector<float> x;
  nn::Trace t;
  for (size_t start = 0; start < at.size(); start += k_chunk) {
    const size_t n = std::min(k_chunk, at.size() - start);
    x.resize(n * size_t(inputs));
    for (size_t i = 0; i < n; ++i) state.input_map.apply(at[start + i][0], at[start + i][1], x.data() + i * size_t(inputs));
    mlp.forward(x.data(), int(n), t);
    const std::vector<float>& out = t.output();
    for (size_t i = 0; i < n; ++i) {
      const float* o = out.data() + i * size_t(k);
      cls[start + i] = nn::predicted_class(o, k);
      prob[start + i] = k == 1 ? o[0] : o[cls[start + i]];
    }
  }
}

// The loss of one point, as the trainer counts it.
double point_loss(const LiveState& state, const nn::Mlp& mlp, const data::Point& p) {
  std::vector<float> x(size_t(state.input_map.size()));
  state.input_map.apply(p.x, p.y, x.data());
  nn::Trace t;
  mlp.forward(x.data(), 1, t);
  const int label = p.label;
  return nn::evaluate_loss(state.config->loss, t, &label, nullptr);
}

// A plot of the trace read in place (nothing copied, nothing read for a plot scrolled out of
// sight): parameter a at every row, or the product of parameters a and b (a path's strength).
struct TraceSeries {
  const WeightTrace* trace;
  size_t a;
  std::optional<size_t> b;
};

float trace_value(void* data, int r) {
  const auto* s = static_cast<const TraceSeries*>(data);
  const std::vector<float>& row = s->trace->row(size_t(r));
  return s->b ? row[s->a] * row[*s->b] : row[s->a];
}

void plot_trace(const char* id, const WeightTrace& trace, size_t a, std::optional<size_t> b, const std::string& caption, float w, float h) {
  TraceSeries s{&trace, a, b};
  ImGui::PlotLines(id, trace_value, &s, int(trace.rows()), 0, caption.c_str(), FLT_MAX, FLT_MAX, ImVec2(w, h));
}

}  // namespace

void Inspector::track_weights(const LiveState& state) {
  const nn::Snapshot& s = state.snapshot;
  if (state.generation != traced_generation_) {
    // A step back is a new generation that goes on from an earlier step of the same run; a
    // restart (or another run) begins at step 0.
    if (s.step > 0 && s.step < traced_step_) weight_trace_.rewind(s.step), update_log_.rewind(s.step);
    else weight_trace_.clear(), update_log_.clear();
    traced_generation_ = state.generation;
    traced_step_ = -1;
  }
  if (s.step == traced_step_) return;
  if (s.step < traced_step_) weight_trace_.rewind(s.step), update_log_.rewind(s.step);
  traced_step_ = s.step;
  weight_trace_.add(s.step, s.params);
  if (s.step > 0) update_log_.add(s.step, s.epoch, s.params, s.last_update);
}

void Inspector::draw_data(const LiveState& state, const Frame& frame) {
  if (!show_data_) return;
  const float ui_scale = frame.ui_scale;
  const float w0 = std::min(640 * ui_scale, 0.55f * frame.width), h0 = 0.6f * frame.height;
  ImGui::SetNextWindowSize(ImVec2(w0, h0), ImGuiCond_FirstUseEver);
  ImGui::SetNextWindowPos(ImVec2(frame.width - w0 - 8 * ui_scale, 8 * ui_scale), ImGuiCond_FirstUseEver);
  if (!ImGui::Begin("Data and weights (D)", &show_data_)) {
    ImGui::End();
    return;
  }
  const nn::Snapshot& snap = state.snapshot;
  const data::Dataset& data = *state.dataset;
  if (ImGui::BeginTabBar("inspector")) {
    if (ImGui::BeginTabItem("Samples")) {
      const std::vector<Shown> shown = points_of(data);
      // Predictions follow the run, at most a few times a second.
      const auto now = std::chrono::steady_clock::now();
      const bool other_points = predicted_generation_ != state.generation || predictions_.size() != shown.size();
      const bool trained_since = predicted_step_ != snap.step && std::chrono::duration<double>(now - predicted_at_).count() >= k_predict_every_s;
      if (other_points || trained_since) {
        std::vector<std::array<float, 2>> at;
        at.reserve(shown.size());
        for (const auto& s : shown) at.push_back({s.p->x, s.p->y});
        predict(state, nn::model_of(snap), at, predictions_, predicted_);
        predicted_generation_ = state.generation, predicted_step_ = snap.step, predicted_at_ = now;
      }
      size_t noisy = 0, wrong = 0;
      for (size_t i = 0; i < shown.size(); ++i) {
        noisy += shown[i].p->noisy;
        wrong += predicted_[i] != shown[i].p->label;
      }
      const bool binary = snap.layers.back().out == 1;
      ImGui::Text("%zu training (%zu added by hand), %zu test; %zu noisy labels; %zu predicted wrong", data.train.size() + data.user.size(),
                  data.user.size(), data.test.size(), noisy, wrong);
      ImGui::TextDisabled("noisy: the label was flipped by label noise (red rows); \xE2\x9C\x97: the network predicts the other class");
      const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
      if (ImGui::BeginTable("samples", 7, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"#", "set", "x", "y", "class", binary ? "P(class 1)" : "predicted (P)", "right"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        ImGuiListClipper clipper;
        clipper.Begin(int(shown.size()));
        while (clipper.Step())
          for (int r = clipper.DisplayStart; r < clipper.DisplayEnd; ++r) {
            const data::Point& p = *shown[size_t(r)].p;
            const bool right = predicted_[size_t(r)] == p.label;
            ImGui::TableNextRow();
            if (p.noisy) ImGui::TableSetBgColor(ImGuiTableBgTarget_RowBg0, IM_COL32(230, 160, 160, 120));
            ImGui::TableNextColumn();
            ImGui::Text("%d", r + 1);
            ImGui::TableNextColumn();
            ImGui::Text("%s%s", shown[size_t(r)].set, p.noisy ? " (noisy)" : "");
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(p.x).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(p.y).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", p.label);
            ImGui::TableNextColumn();
            if (binary) ImGui::TextUnformatted(num(predictions_[size_t(r)]).c_str());
            else ImGui::Text("%d (%s)", predicted_[size_t(r)], num(predictions_[size_t(r)]).c_str());
            ImGui::TableNextColumn();
            if (right) ImGui::TextUnformatted("\xE2\x9C\x93");
            else ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "\xE2\x9C\x97");
          }
        ImGui::EndTable();
      }
      ImGui::EndTabItem();
    }

    if (ImGui::BeginTabItem("XOR corners")) {
      if (state.config->data.name != "xor" || data.train.empty()) {
        ImGui::TextWrapped("The four corners belong to the XOR data; this run trains on \"%s\".", state.config->data.name.c_str());
      } else {
        // Each quadrant's corner: the centre of its training points, and their (majority) class.
        struct Corner {
          double x = 0, y = 0;
          int n = 0, ones = 0;
        };
        std::array<Corner, 4> c{};
        for (const auto& p : data.train) {
          Corner& q = c[size_t((p.x >= 0 ? 1 : 0) + (p.y >= 0 ? 2 : 0))];
          q.x += p.x, q.y += p.y, ++q.n, q.ones += p.label;
        }
        int right = 0, counted = 0;
        double loss_sum = 0.0;
        if (ImGui::BeginTable("corners", 6, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp)) {
          for (const char* h : {"corner", "at", "class", "P(class 1)", "loss", "right"}) ImGui::TableSetupColumn(h);
          ImGui::TableHeadersRow();
          const char* names[] = {"bottom left", "bottom right", "top left", "top right"};
          const nn::Mlp mlp = nn::model_of(snap);
          for (size_t k : {2u, 3u, 0u, 1u}) {
            if (c[k].n == 0) continue;
            const data::Point p{float(c[k].x / c[k].n), float(c[k].y / c[k].n), 2 * c[k].ones >= c[k].n ? 1 : 0, false};
            std::vector<float> prob;
            std::vector<int> cls;
            predict(state, mlp, {{p.x, p.y}}, prob, cls);
            const double loss = point_loss(state, mlp, p);
            right += cls[0] == p.label, ++counted, loss_sum += loss;
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(names[k]);
            ImGui::TableNextColumn();
            ImGui::Text("(%s, %s)", num(p.x).c_str(), num(p.y).c_str());
            ImGui::TableNextColumn();
            ImGui::Text("%d", p.label);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(prob[0]).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(loss).c_str());
            ImGui::TableNextColumn();
            if (cls[0] == p.label) ImGui::TextUnformatted("\xE2\x9C\x93");
            else ImGui::TextColored(ImVec4(0.75f, 0.1f, 0.1f, 1), "\xE2\x9C\x97");
          }
          ImGui::EndTable();
        }
        ImGui::Text("accuracy %d of %d   mean loss %s", right, counted, num(counted ? loss_sum / counted : NAN).c_str());
        ImGui::TextDisabled("a corner: the centre of one quadrant's training points, with its class");
      }
      ImGui::EndTabItem();
    }

    if (ImGui::BeginTabItem("Weights")) {
      if (!weight_trace_.traces(snap.params.size())) {
        ImGui::TextWrapped("Every weight's evolution is kept for networks of up to 1024 parameters; this one has %zu. "
                           "Click an edge in the diagram for one weight's history.", snap.params.size());
      } else if (weight_trace_.rows() < 2) {
        ImGui::TextWrapped("The evolution starts now: train or step to see it.");
      } else {
        ImGui::TextDisabled("steps %lld to %lld (%zu samples); each plot from its own lowest to highest value",
                            weight_trace_.steps().front(), weight_trace_.steps().back(), weight_trace_.rows());
        const float avail = ImGui::GetContentRegionAvail().x;
        const int cols = std::max(1, int(avail / (200 * ui_scale)));
        const float pw = (avail - float(cols - 1) * ImGui::GetStyle().ItemSpacing.x) / float(cols);
        ImGui::BeginChild("weights", ImVec2(0, 0));
        for (size_t l = 0; l < snap.layers.size(); ++l) {
          const auto& L = snap.layers[l];
          ImGui::Text("layer %zu: %d weights, %d biases", l + 1, L.in * L.out, L.out);
          std::vector<size_t> idx(size_t(L.in) * L.out);
          std::iota(idx.begin(), idx.end(), L.w_offset);
          for (int j = 0; j < L.out; ++j) idx.push_back(L.b_offset + size_t(j));
          for (size_t n = 0; n < idx.size(); ++n) {
            if (n % size_t(cols) != 0) ImGui::SameLine();
            const std::string id = "##w" + std::to_string(idx[n]);
            plot_trace(id.c_str(), weight_trace_, idx[n], std::nullopt, param_name(state, idx[n]) + "  " + num(snap.params[idx[n]]), pw,
                       44 * ui_scale);
          }
        }
        ImGui::EndChild();
      }
      ImGui::EndTabItem();
    }

    if (ImGui::BeginTabItem("Paths")) {
      const std::vector<nn::PathStrength> paths = nn::path_strengths(snap.layers, snap.params);
      if (paths.empty()) {
        ImGui::TextWrapped("Path strengths are listed for networks with one hidden layer (this one has %zu).", snap.layers.size() - 1);
      } else {
        ImGui::TextWrapped("A path's strength is the product of its two weights, input\xE2\x86\x92hidden and hidden\xE2\x86\x92output: "
                           "how strongly, and with what sign, the input pushes the output through that neuron.");
        std::vector<size_t> order(paths.size());
        std::iota(order.begin(), order.end(), size_t(0));
        std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) { return std::abs(paths[a].strength) > std::abs(paths[b].strength); });
        if (order.size() > k_max_paths_shown) {
          ImGui::TextDisabled("the %zu strongest of %zu paths", k_max_paths_shown, order.size());
          order.resize(k_max_paths_shown);
        }
        const auto& A = snap.layers[0];
        const auto& B = snap.layers[1];
        const bool traced = weight_trace_.traces(snap.params.size()) && weight_trace_.rows() >= 2;
        if (ImGui::BeginTable("paths", 3, ImGuiTableFlags_RowBg | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY,
                              ImVec2(0, ImGui::GetContentRegionAvail().y))) {
          ImGui::TableSetupScrollFreeze(0, 1);
          ImGui::TableSetupColumn("path");
          ImGui::TableSetupColumn("strength");
          ImGui::TableSetupColumn("over the run", ImGuiTableColumnFlags_WidthStretch, 2.0f);
          ImGui::TableHeadersRow();
          for (size_t k : order) {
            const auto& p = paths[k];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            ImGui::Text("%s \xE2\x86\x92 %s \xE2\x86\x92 %s", node_name(state, 0, p.input).c_str(), node_name(state, 1, p.hidden).c_str(),
                        node_name(state, 2, p.output).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(p.strength).c_str());
            ImGui::TableNextColumn();
            if (traced) {
              const size_t w1 = A.w_offset + size_t(p.hidden) * A.in + size_t(p.input), w2 = B.w_offset + size_t(p.output) * B.in + size_t(p.hidden);
              const std::string id = "##p" + std::to_string(k);
              plot_trace(id.c_str(), weight_trace_, w1, w2, "", ImGui::GetContentRegionAvail().x, 28 * ui_scale);
            } else {
              ImGui::TextDisabled("-");
            }
          }
          ImGui::EndTable();
        }
      }
      ImGui::EndTabItem();
    }

    if (ImGui::BeginTabItem("Updates")) {
      ImGui::TextDisabled("the %d largest changes of each step seen (a fast run shows some of its steps)", 3);
      if (update_log_.entries().empty()) ImGui::TextDisabled("no step yet");
      const ImGuiTableFlags flags = ImGuiTableFlags_RowBg | ImGuiTableFlags_ScrollY | ImGuiTableFlags_BordersInnerV | ImGuiTableFlags_SizingStretchProp;
      if (!update_log_.entries().empty() && ImGui::BeginTable("updates", 5, flags, ImVec2(0, ImGui::GetContentRegionAvail().y))) {
        ImGui::TableSetupScrollFreeze(0, 1);
        for (const char* h : {"step (epoch)", "weight", "before", "after", "change"}) ImGui::TableSetupColumn(h);
        ImGui::TableHeadersRow();
        for (const auto& e : update_log_.entries())
          for (size_t k = 0; k < e.changes.size(); ++k) {
            const auto& c = e.changes[k];
            ImGui::TableNextRow();
            ImGui::TableNextColumn();
            if (k == 0) ImGui::Text("%lld (%d)", e.step, e.epoch);
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(param_name(state, c.index).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(c.before).c_str());
            ImGui::TableNextColumn();
            ImGui::TextUnformatted(num(c.before + c.update).c_str());
            ImGui::TableNextColumn();
            ImGui::TextColored(c.update > 0 ? ImVec4(0.05f, 0.35f, 0.7f, 1) : ImVec4(0.8f, 0.4f, 0.0f, 1), "%s%s", c.update > 0 ? "+" : "",
                               num(c.update).c_str());
          }
        // Follows the newest unless the user scrolled back.
        if (ImGui::GetScrollY() >= ImGui::GetScrollMaxY() - 2.0f * ImGui::GetTextLineHeightWithSpacing()) ImGui::SetScrollHereY(1.0f);
        ImGui::EndTable();
      }
      ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
  }
  ImGui::End();
}

}  // namespace nnlive::app::live
