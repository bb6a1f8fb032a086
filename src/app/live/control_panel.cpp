// SPDX-License-Identifier: MIT
#include "control_panel.hpp"

#include <imgui.h>

#include <algorithm>
#include <array>
#include <string_view>

#include "../experiment_flags.hpp"

namespace nnlive::app::live {
namespace {

constexpr std::string_view k_edited = "-edited";

bool slider_log(const char* label, float* v, float lo, float hi) {
  return ImGui::SliderFloat(label, v, lo, hi, "%.4g", ImGuiSliderFlags_Logarithmic);
}

}  // namespace

RecordRequest RecordSettings::request(const std::string& experiment, long long unix_seconds) const {
  static const std::array<std::pair<uint32_t, uint32_t>, 4> sizes{{{1280, 720}, {1920, 1080}, {2560, 1440}, {3840, 2160}}};
  static const std::array<double, 3> rates{24.0, 30.0, 60.0};
  static const std::array<const char*, 3> endings{".mp4", ".gif", "-frames/"};
  const auto i = size_t(std::clamp(size, 0, int(sizes.size()) - 1));
  RecordRequest r;
  r.width = sizes[i].first, r.height = sizes[i].second;
  r.fps = rates[size_t(std::clamp(fps, 0, int(rates.size()) - 1))];
  r.epochs_per_frame = epochs_per_frame;
  r.path = "nnlive-" + experiment + "-" + std::to_string(unix_seconds) + endings[size_t(std::clamp(format, 0, int(endings.size()) - 1))];
  return r;
}

std::string ControlPanel::edited_name(const std::string& name) {
  return name.ends_with(k_edited) ? name : name + std::string(k_edited);
}

std::string ControlPanel::preset_of(const std::string& name) {
  return name.ends_with(k_edited) ? name.substr(0, name.size() - k_edited.size()) : name;
}

void ControlPanel::draw(const View& v, std::vector<Command>& out) {
  const LiveState& state = v.state;
  ImGui::SetNextWindowPos(ImVec2(0, 0));
  ImGui::SetNextWindowSize(ImVec2(v.width, v.height));
  ImGui::Begin("nnlive", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoResize | ImGuiWindowFlags_NoCollapse);
  const nn::Snapshot& snap = state.snapshot;
  const bool side_by_side = v.rivals > 0;
  ImGui::Text("epoch %d   step %lld", snap.epoch, snap.step);
  ImGui::Text("%.0f steps/s%s   %.1f frames/s", state.steps_per_second, v.recording ? " (lock-step)" : "", v.fps);
  // The button says what Space does now: a run its stop rule or cap stopped continues.
  const char* play_label = snap.diverged     ? "Diverged: Reset (R)"
                           : state.finished ? "Continue (Space)"
                           : v.playing      ? "Pause (Space)"
                                            : "Play (Space)";
  ImGui::BeginDisabled(snap.diverged && !side_by_side);
  if (ImGui::Button(!side_by_side ? play_label : v.playing ? "Pause all (Space)" : "Play all (Space)")) out.emplace_back(cmd::TogglePlay{});
  ImGui::EndDisabled();
  ImGui::SameLine();
  if (ImGui::Button("Step (S)")) out.emplace_back(cmd::Step{});
  ImGui::SameLine();
  ImGui::BeginDisabled(snap.step <= state.oldest_step);
  if (ImGui::Button("Back (\xE2\x86\x90)")) out.emplace_back(cmd::Back{});
  ImGui::EndDisabled();
  if (ImGui::Button("Reset (R)")) out.emplace_back(cmd::Reset{});
  ImGui::SameLine();
  if (ImGui::Button("New init (N)")) out.emplace_back(cmd::NewInit{});
  ImGui::SameLine();
  ImGui::TextDisabled("history from step %lld", state.oldest_step);
  float speed = float(v.speed);
  bool max_speed = v.speed <= 0.0;
  if (ImGui::Checkbox("full speed", &max_speed))
    out.emplace_back(cmd::SetPace{max_speed ? 0.0 : (state.config->pace > 0 ? state.config->pace : 50.0)});
  if (!max_speed) {
    ImGui::SameLine();
    if (slider_log("epochs/s", &speed, 0.1f, 10000.0f)) out.emplace_back(cmd::SetPace{speed});
  }

  if (!v.lesson && !v.recording) {
    // Side by side: a classic comparison, each over its own preset, or panel 1 alone.
    const char* shown = !side_by_side ? "off" : v.compare_set.empty() ? "from the command line" : v.compare_set.c_str();
    if (ImGui::BeginCombo("side by side", shown)) {
      if (ImGui::Selectable("off (panel 1 alone)", !side_by_side)) out.emplace_back(cmd::ChooseCompare{""});
      for (const auto& c : compare_sets()) {
        if (ImGui::Selectable(c.name.c_str(), v.compare_set == c.name && side_by_side)) out.emplace_back(cmd::ChooseCompare{c.name});
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", c.description.c_str());
      }
      ImGui::EndCombo();
    }
  }
  if (v.compare_chart) v.compare_chart();
  ImGui::Separator();
  ImGui::TextDisabled(!side_by_side ? "Applies live" : "Applies live, to panel 1");
  float lr = state.learning_rate;
  if (slider_log("learning rate", &lr, 1e-5f, 10.0f)) {
    out.emplace_back(cmd::SetLearningRate{lr});
    draft_.training.optimizer.lr = lr;
  }
  render::RenderOptions picture = v.picture;
  bool picture_changed = false;
  int pal = int(picture.palette);
  if (ImGui::Combo("palette", &pal, "blue / orange\0blue / magenta\0")) picture.palette = render::PaletteKind(pal), picture_changed = true;
  int lay = int(picture.layout);
  if (ImGui::Combo("layout", &lay, "full\0field\0field + curves\0")) picture.layout = render::Layout(lay), picture_changed = true;
  bool computation = v.computation, inspector = v.inspector, adaptive = v.adaptive;
  if (ImGui::Checkbox("step-through view (I)", &computation)) out.emplace_back(cmd::ShowComputation{computation});
  ImGui::SameLine();
  if (ImGui::Checkbox("data and weights (D)", &inspector)) out.emplace_back(cmd::ShowInspector{inspector});
  if (ImGui::Checkbox("coarser field while training if slow", &adaptive)) out.emplace_back(cmd::SetAdaptive{adaptive});
  // The level the field's thread has drawn, while coarser than one evaluation per pixel.
  if (v.refining_stride > 1) {
    ImGui::SameLine();
    ImGui::TextDisabled("1/%u, refining", v.refining_stride);
  }
  if (v.pinned_neuron) {
    ImGui::Text("field shows neuron %d of layer %d", v.pinned_neuron->second + 1, v.pinned_neuron->first + 1);
    ImGui::SameLine();
    if (ImGui::SmallButton("show output")) out.emplace_back(cmd::ShowOutput{});
  }
  picture_changed |= ImGui::Checkbox("discretize", &picture.discretize);
  ImGui::SameLine();
  picture_changed |= ImGui::Checkbox("log loss", &picture.log_loss);
  if (picture_changed) out.emplace_back(cmd::SetPicture{picture});
  int click_class = v.click_class;
  if (state.dataset->classes > 2 && ImGui::SliderInt("click class", &click_class, 0, state.dataset->classes - 1))
    out.emplace_back(cmd::SetClickClass{click_class});

  ImGui::Separator();
  ImGui::TextDisabled(!side_by_side ? "Restarts the run" : "Restarts panel 1's run");
  if (ImGui::BeginCombo("preset", state.config->name.c_str())) {
    for (const auto& p : presets_)
      if (ImGui::Selectable(p.name.c_str(), p.name == state.config->name)) out.emplace_back(cmd::LoadPreset{p.name});
    ImGui::EndCombo();
  }
  const bool changed = draw_experiment(v.ui_scale);
  if (ImGui::Button("Regenerate (new seed)")) out.emplace_back(cmd::NewInit{});
  // An experiment changed here is no longer its preset: say so in its name (header, Ctrl+S,
  // recordings), once. A slider's change applies when it is let go.
  if (changed) draft_.name = edited_name(draft_.name);
  if (changed && !ImGui::IsMouseDragging(ImGuiMouseButton_Left)) out.emplace_back(cmd::Apply{draft_});
  else if (changed) pending_apply_ = true;
  if (pending_apply_ && !ImGui::IsMouseDown(ImGuiMouseButton_Left)) pending_apply_ = false, out.emplace_back(cmd::Apply{draft_});

  draw_record(v, out);
  ImGui::Separator();
  ImGui::TextWrapped("Ctrl+S saves, Ctrl+O loads: %s", v.save_path.c_str());
  for (const auto& line : key_help()) ImGui::TextWrapped("%s", line.c_str());
  ImGui::TextWrapped("Field: left click adds class 1, right click class 0, Ctrl+click removes; wheel zooms, drag pans, "
                     "double-click resets the view.");
  ImGui::TextWrapped("Diagram: point at a neuron to see its own field, click to keep it; click an edge for its weight, "
                     "gradient, update and history.");
  ImGui::End();
}

bool ControlPanel::draw_experiment(float ui_scale) {
  core::ExperimentConfig& e = draft_;
  bool changed = false;
  if (ImGui::BeginCombo("dataset", e.data.name.c_str())) {
    for (const auto& n : data::dataset_names())
      if (ImGui::Selectable(n.c_str(), n == e.data.name)) e.data.name = n, changed = true;
    ImGui::EndCombo();
  }
  ImGui::SameLine();
  // Start from no data: the points a user places are the whole training set (S3's "a few points
  // and a big network" exercise).
  if (ImGui::Button("Clear")) e.data.name = "empty", e.user_points.clear(), changed = true;
  changed |= ImGui::SliderInt("points", &e.data.points, 10, 2000);
  float noise = float(e.data.noise), label_noise = float(e.data.label_noise), test = float(e.data.test_ratio);
  if (ImGui::SliderFloat("noise", &noise, 0.0f, 0.5f)) e.data.noise = noise, changed = true;
  if (ImGui::SliderFloat("label noise", &label_noise, 0.0f, 0.5f)) e.data.label_noise = label_noise, changed = true;
  if (ImGui::SliderFloat("test ratio", &test, 0.0f, 0.9f)) e.data.test_ratio = test, changed = true;
  if (e.data.name == "blobs") changed |= ImGui::SliderInt("classes", &e.data.classes, 2, 8);

  ImGui::Text("hidden layers");
  const char* acts = "linear\0sigmoid\0tanh\0relu\0leaky_relu\0gelu\0sin\0";
  if (e.activations.size() != e.hidden.size() && !e.hidden.empty())
    e.activations.resize(e.hidden.size(), e.activations.empty() ? nn::Activation::tanh : e.activations.front());
  for (size_t l = 0; l < e.hidden.size(); ++l) {
    ImGui::PushID(int(l));
    ImGui::SetNextItemWidth(120.0f * ui_scale);
    changed |= ImGui::SliderInt("##w", &e.hidden[l], 1, 512, "%d", ImGuiSliderFlags_Logarithmic);
    ImGui::SameLine();
    int a = int(e.activations[l]);
    ImGui::SetNextItemWidth(110.0f * ui_scale);
    if (ImGui::Combo("##a", &a, acts)) e.activations[l] = nn::Activation(a), changed = true;
    ImGui::SameLine();
    if (ImGui::Button("-")) {
      e.hidden.erase(e.hidden.begin() + long(l));
      // One activation per hidden layer; with none left, keep one for when a layer is added.
      if (e.activations.size() > 1) e.activations.erase(e.activations.begin() + long(l));
      changed = true;
      ImGui::PopID();
      break;
    }
    ImGui::PopID();
  }
  if (e.hidden.size() < 8 && ImGui::Button("add layer")) {
    const nn::Activation act = e.activations.empty() ? nn::Activation::tanh : e.activations.back();
    e.hidden.push_back(e.hidden.empty() ? 8 : e.hidden.back());
    e.activations.resize(e.hidden.size(), act);
    changed = true;
  }
  ImGui::Text("inputs");
  for (int f = 0; f < nn::k_feature_count; ++f) {
    bool on = std::find(e.features.begin(), e.features.end(), nn::Feature(f)) != e.features.end();
    if (f % 4) ImGui::SameLine();
    if (ImGui::Checkbox(nn::display_name(nn::Feature(f)), &on)) {
      if (on) e.features.push_back(nn::Feature(f));
      else if (e.features.size() > 1) e.features.erase(std::find(e.features.begin(), e.features.end(), nn::Feature(f)));
      std::sort(e.features.begin(), e.features.end());
      changed = true;
    }
  }
  int loss = int(e.loss);
  if (ImGui::Combo("loss", &loss, "bce\0mse\0softmax\0")) e.loss = nn::Loss(loss), changed = true;
  int opt = int(e.training.optimizer.kind);
  if (ImGui::Combo("optimizer", &opt, "sgd\0momentum\0adam\0")) e.training.optimizer.kind = nn::OptimizerKind(opt), changed = true;
  changed |= ImGui::SliderInt("batch (0 = all)", &e.training.batch, 0, 512);
  changed |= slider_log("L1", &e.training.l1, 0.0f, 1.0f);
  changed |= slider_log("L2", &e.training.l2, 0.0f, 1.0f);
  changed |= slider_log("confidence penalty", &e.training.confidence, 0.0f, 10.0f);
  float thr = float(e.training.stop_threshold);
  if (slider_log("stop below", &thr, 1e-4f, 1.0f)) e.training.stop_threshold = thr, changed = true;
  changed |= ImGui::SliderInt("for epochs", &e.training.stop_window, 0, 2000);
  changed |= ImGui::SliderInt("epoch cap", &e.training.max_epochs, 1, 100000, "%d", ImGuiSliderFlags_Logarithmic);
  changed |= ImGui::Checkbox("never stop (window)", &e.training.endless);
  return changed;
}

void ControlPanel::draw_record(const View& v, std::vector<Command>& out) {
  const float s = v.ui_scale;
  ImGui::Separator();
  ImGui::TextDisabled("Record (offscreen, frame-exact)");
  ImGui::BeginDisabled(v.recording.has_value());
  ImGui::SetNextItemWidth(130 * s);
  ImGui::Combo("size", &record_.size, "1280x720\0" "1920x1080\0" "2560x1440\0" "3840x2160\0");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(70 * s);
  ImGui::Combo("fps", &record_.fps, "24\0" "30\0" "60\0");
  ImGui::SetNextItemWidth(130 * s);
  ImGui::Combo("as", &record_.format, "MP4 (H.264)\0" "GIF\0" "PNG frames\0");
  ImGui::SameLine();
  ImGui::SetNextItemWidth(90 * s);
  slider_log("epochs/frame", &record_.epochs_per_frame, 0.01f, 100.0f);
  ImGui::EndDisabled();
  if (ImGui::Button(v.recording ? "Stop recording (V)" : "Record (V)")) out.emplace_back(cmd::ToggleRecording{});
  if (v.recording) {
    ImGui::SameLine();
    ImGui::TextColored(ImVec4(0.8f, 0.1f, 0.1f, 1), "\xE2\x97\x8F %llu frames", static_cast<unsigned long long>(*v.recording));
    ImGui::TextWrapped("Training runs in lock-step with the video: %.3g epochs per frame; Space pauses both.",
                       double(record_.epochs_per_frame));
  }
}

}  // namespace nnlive::app::live
