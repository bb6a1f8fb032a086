// SPDX-License-Identifier: MIT
// Experiments side by side in the live window (`run --compare`, `run --compare-set`): every run
// on its own trainer thread and field thread, the panels tiled over the picture, one epoch clock
// (the fastest waits) or free running, controls that act on every run, and one loss chart in the
// control panel overlaying every run, with a legend naming what differs.
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <cstdio>

#include "../experiment_flags.hpp"
#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::app::live {
namespace {

// A run's colour as the picture draws it (its badge and the comparison chart).
ImU32 run_colour(size_t i) {
  const render::Rgba c = render::run_colour(i);
  return IM_COL32(int(c[0] * 255.0f + 0.5f), int(c[1] * 255.0f + 0.5f), int(c[2] * 255.0f + 0.5f), 255);
}

ImU32 faded(ImU32 c, float alpha) { return (c & 0x00FFFFFFu) | (ImU32(alpha * 255.0f) << IM_COL32_A_SHIFT); }

}  // namespace

void LiveApp::open_compare() {
  if (options_.compare.empty()) return;
  std::vector<core::ExperimentConfig> all{options_.config};
  all.insert(all.end(), options_.compare.begin(), options_.compare.end());
  compare_labels_ = differences(all);
  shared_clock_ = !options_.compare_free;
  epoch_clock_ = std::make_shared<EpochClock>(all.size());
  for (const auto& c : options_.compare) {
    Rival r;
    r.trainer = std::make_unique<LiveTrainer>(c, false);
    r.trainer->set_checkpoint_budget(static_cast<size_t>(options_.step_back_mib * 1048576.0 / double(all.size())));
    r.field = std::make_unique<ProgressiveField>(
        ProgressiveField::Options{}, ctx_->field_engine() == gpu::Context::FieldEngine::shader ? ctx_ : nullptr);
    r.state = r.trainer->latest();
    rivals_.push_back(std::move(r));
  }
  // Step back's memory is shared among the runs.
  trainer_->set_checkpoint_budget(static_cast<size_t>(options_.step_back_mib * 1048576.0 / double(all.size())));
  if (shared_clock_) {
    trainer_->set_epoch_clock(epoch_clock_, 0);
    for (size_t i = 0; i < rivals_.size(); ++i) rivals_[i].trainer->set_epoch_clock(epoch_clock_, i + 1);
  }
  for_each_trainer([&](LiveTrainer& t) { t.set_playing(playing_); });  // all from epoch 0 together
}

void LiveApp::choose_compare(const std::string& set) {
  std::vector<core::ExperimentConfig> all{*trainer_->latest()->config};
  std::optional<core::Run> first;  // panel 1's run; the others are built (again) by their trainers
  try {
    if (!set.empty()) all = compare_set_experiments(set);
    first = core::build_run(all[0]);
    for (size_t i = 1; i < all.size(); ++i) core::build_run(all[i]);
  } catch (const core::UserError& e) {
    message(e.what(), true);
    return;
  }
  // The rivals' threads end here; the frame in flight holds copies of their fields.
  rivals_.clear();
  trainer_->set_epoch_clock(nullptr, 0);
  epoch_clock_.reset();
  compare_labels_.clear();
  compare_set_ = set;
  options_.config = all[0];
  options_.compare.assign(all.begin() + 1, all.end());
  panel_.set_draft(all[0]);
  view_.reset();
  trainer_->set_playing(false);
  trainer_->restart(std::move(*first));
  trainer_->set_checkpoint_budget(static_cast<size_t>(options_.step_back_mib * 1048576.0));
  if (options_.compare.empty()) trainer_->set_playing(playing_);
  else open_compare();  // (every run starts once all are on the clock)
  set_pace(all[0].pace);
  message(set.empty() ? "one experiment: " + all[0].name : "side by side: " + set + " (" + std::to_string(all.size()) + " runs)");
}

void LiveApp::for_each_trainer(const std::function<void(LiveTrainer&)>& f) {
  f(*trainer_);
  for (auto& r : rivals_) f(*r.trainer);
}

void LiveApp::restart_rivals(std::optional<uint64_t> seed) {
  for (auto& r : rivals_) {
    core::ExperimentConfig c = *r.trainer->latest()->config;
    if (seed) c.seed = *seed;
    try {
      r.trainer->restart(core::build_run(c));
    } catch (const core::UserError& e) {
      message(e.what(), true);
    }
  }
}

void LiveApp::compare_frame() {
  for (auto& r : rivals_) {
    r.state = r.trainer->latest();
    if (r.state->generation != r.generation) r.generation = r.state->generation, r.history.clear();
    for (const auto& m : r.state->snapshot.new_metrics)
      if (r.history.empty() || m.epoch > r.history.back().epoch) r.history.push_back(m);
    nn::thin_history(r.history, k_live_history_cap);
    r.trainer->acknowledge(r.generation, r.history.empty() ? 0 : r.history.back().epoch + 1);
  }
}

bool LiveApp::want_field(ProgressiveField& field, const LiveState& state, size_t placement, render::Panel& panel) {
  // The field of this frame's network over last frame's field rectangle and view (the
  // composition places it; a resize or pan is one frame behind), evaluated on the field's own
  // thread. The frame draws the latest level that thread finished.
  const auto& placed = renderer_->last_placements();
  if (placement < placed.size()) {
    const render::Rect& f = placed[placement].rect;
    const nn::View& v = placed[placement].view;
    gpu::FieldRequest full{uint32_t(f.width()), uint32_t(f.height()), {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
    if (panel.options.neuron_layer >= 0) full.neuron_layer = panel.options.neuron_layer, full.neuron = panel.options.neuron;
    field.set_live_budget(adaptive_resolution_ ? 0.1 : 0.0);
    field.want(render::network_layout(state.snapshot.layers, state.snapshot.params.size(), state.input_map), state.snapshot.params, full);
  }
  const ProgressiveField::Level level = field.latest();
  if (level.values) {
    panel.field = level.values;  // held until the frame has uploaded them (the field's thread reuses freed arrays)
    panel.field_request = level.request;
    panel.field_version = level.version;
  } else {
    panel.options.field_resolution = 0.125f;  // the first frames: a coarse field now, not a stall
  }
  return !level.values || level.stride > 1;  // drawn coarser than one evaluation per pixel
}

bool LiveApp::compare_panels(std::vector<render::Panel>& panels, double anim) {
  if (rivals_.empty()) return false;
  const render::Rect area = panels[0].rect;
  // With the controls hidden (presenting), the picture has its own comparison chart; else the
  // control panel shows it. As many runs as keep their panels at the composite's 320x240
  // minimum (a small window): the others train on and stay in the chart.
  auto layout = [&](size_t k) {
    const bool chart = !show_ui_ && k > 1;
    return chart ? render::tile_with_chart(uint32_t(k), uint32_t(area.width()), uint32_t(area.height()))
                 : render::tile(uint32_t(k), uint32_t(area.width()), uint32_t(area.height()));
  };
  auto fits = [](const std::vector<render::Rect>& rs) {
    return std::all_of(rs.begin(), rs.end(), [](const render::Rect& r) {
      return r.width() >= float(render::SceneTarget::k_min_width) && r.height() >= float(render::SceneTarget::k_min_height);
    });
  };
  compare_shown_ = rivals_.size() + 1;
  std::vector<render::Rect> rects = layout(compare_shown_);
  while (compare_shown_ > 1 && !fits(rects)) rects = layout(--compare_shown_);
  if (compare_shown_ == 1) return false;  // panel 1 alone, as without rivals
  for (auto& r : rects) r = {r.x0 + area.x0, r.y0 + area.y0, r.x1 + area.x0, r.y1 + area.y0};
  panels[0].rect = rects[0];
  panels[0].scene.compare_index = 0;
  // The others as panel 1 is drawn, less what belongs to panel 1 alone (a pinned neuron, an
  // inspected edge, the step-through sample).
  render::RenderOptions picture = panels[0].options;
  picture.neuron_layer = -1;
  picture.edge_layer = -1;
  picture.mark_probe = false;
  bool refining = false;
  for (size_t i = 0; i + 1 < compare_shown_; ++i) {
    const Rival& r = rivals_[i];
    panels.push_back({scene_of(*r.state, r.history, view_.shown(r.state->view), anim), picture, rects[i + 1]});
    panels.back().scene.compare_index = int(i + 1);
    refining |= want_field(*rivals_[i].field, *r.state, i + 1, panels.back());
  }
  if (!show_ui_) {  // (every run, shown or not)
    render::Panel chart{render::Scene{}, picture, rects.back()};
    chart.scene.compared.push_back({compare_labels_[0], &history_, panels[0].scene.snapshot->diverged});
    for (size_t i = 0; i < rivals_.size(); ++i)
      chart.scene.compared.push_back({compare_labels_[i + 1], &rivals_[i].history, rivals_[i].state->snapshot.diverged});
    panels.push_back(std::move(chart));
  }
  return refining;
}

void LiveApp::draw_compare(const LiveState& state) {
  if (rivals_.empty()) return;
  ImGui::Separator();
  ImGui::Text("Side by side: %zu runs", rivals_.size() + 1);
  if (compare_shown_ <= rivals_.size()) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.8f, 0.45f, 0.1f, 1), "%zu shown: enlarge the window", compare_shown_);
  }
  if (ImGui::Checkbox("one epoch clock (the fastest waits)", &shared_clock_)) {
    trainer_->set_epoch_clock(shared_clock_ ? epoch_clock_ : nullptr, 0);
    for (size_t i = 0; i < rivals_.size(); ++i) rivals_[i].trainer->set_epoch_clock(shared_clock_ ? epoch_clock_ : nullptr, i + 1);
  }
  // Every run's losses on one chart: training solid, test faint; log scale.
  std::vector<const std::vector<nn::Metrics>*> histories{&history_};
  std::vector<const LiveState*> states{&state};
  for (const auto& r : rivals_) histories.push_back(&r.history), states.push_back(r.state.get());
  const render::LossRange range = render::loss_range(histories, true);
  const double last = range.last_epoch, y0 = range.y0, y1 = range.y1;
  const float width = ImGui::GetContentRegionAvail().x, height = std::round(170.0f * ui_scale_);
  const ImVec2 p0 = ImGui::GetCursorScreenPos();
  const float left = ImGui::CalcTextSize("1e-05").x + 6 * ui_scale_, bottom = ImGui::GetTextLineHeight() + 4 * ui_scale_;
  const ImVec2 a(p0.x + left, p0.y + 4 * ui_scale_), b(p0.x + width - 4 * ui_scale_, p0.y + height - bottom);
  ImDrawList* dl = ImGui::GetWindowDrawList();
  dl->AddRectFilled(a, b, IM_COL32(250, 250, 252, 255));
  auto x_of = [&](double e) { return a.x + float(e / last) * (b.x - a.x); };
  auto y_of = [&](double v) { return b.y - float((std::clamp(std::log10(std::max(v, 1e-12)), y0, y1) - y0) / (y1 - y0)) * (b.y - a.y); };
  const ImU32 grid = IM_COL32(200, 200, 205, 255), tick = ImGui::GetColorU32(ImGuiCol_TextDisabled);
  for (int k = int(y0); k <= int(y1); ++k) {
    const float y = y_of(std::pow(10.0, k));
    dl->AddLine(ImVec2(a.x, y), ImVec2(b.x, y), grid);
    char label[16];
    if (k >= -2 && k <= 3) std::snprintf(label, sizeof label, "%g", std::pow(10.0, k));
    else std::snprintf(label, sizeof label, "1e%d", k);
    dl->AddText(ImVec2(p0.x, y - 0.5f * ImGui::GetTextLineHeight()), tick, label);
  }
  char epochs[32];
  std::snprintf(epochs, sizeof epochs, "epoch %.0f", last);
  dl->AddText(ImVec2(b.x - ImGui::CalcTextSize(epochs).x, b.y + 2 * ui_scale_), tick, epochs);
  dl->AddText(ImVec2(a.x, b.y + 2 * ui_scale_), tick, "0");
  dl->PushClipRect(a, b, true);
  for (size_t i = histories.size(); i-- > 0;) {  // panel 1 on top
    const auto& h = *histories[i];
    // At most about two points per pixel column: long runs stay cheap to draw.
    const size_t every = std::max<size_t>(1, h.size() / size_t(std::max(2.0f * (b.x - a.x), 1.0f)));
    std::vector<ImVec2> train, test;
    for (size_t k = 0; k < h.size(); k += every) {
      if (std::isfinite(h[k].train_loss)) train.emplace_back(x_of(h[k].epoch), y_of(h[k].train_loss));
      if (std::isfinite(h[k].test_loss)) test.emplace_back(x_of(h[k].epoch), y_of(h[k].test_loss));
    }
    if (test.size() > 1) dl->AddPolyline(test.data(), int(test.size()), faded(run_colour(i), 0.45f), 0, 1.5f * ui_scale_);
    if (train.size() > 1) dl->AddPolyline(train.data(), int(train.size()), run_colour(i), 0, 2.2f * ui_scale_);
  }
  dl->PopClipRect();
  ImGui::Dummy(ImVec2(width, height));
  ImGui::TextDisabled("loss (log): training solid, test faint");
  // The legend: colour and number (as on each panel), what differs, where each run is.
  for (size_t i = 0; i < states.size(); ++i) {
    const ImVec2 c = ImGui::GetCursorScreenPos();
    const float r = 0.5f * ImGui::GetTextLineHeight();
    ImGui::GetWindowDrawList()->AddCircleFilled(ImVec2(c.x + r, c.y + r), r, run_colour(i));
    ImGui::Dummy(ImVec2(2.4f * r, 2 * r));
    ImGui::SameLine();
    const nn::Snapshot& s = states[i]->snapshot;
    const auto& h = *histories[i];
    const double train = h.empty() ? NAN : h.back().train_loss, test = h.empty() ? NAN : h.back().test_loss;
    ImGui::Text("%zu  %s", i + 1, compare_labels_[i].c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("epoch %d  %.3g / %.3g%s", s.epoch, train, test,
                        s.diverged ? "  diverged" : states[i]->finished ? "  stopped" : "");
  }
}

}  // namespace nnlive::app::live
