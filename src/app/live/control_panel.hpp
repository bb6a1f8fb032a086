// SPDX-License-Identifier: MIT
// The live window's control panel (ImGui, down the left of the window). It shows the run and
// emits commands (commands.hpp) for whatever the viewer changes; it changes nothing itself.
// Its own state is what it edits before it is applied: the draft experiment (applied once a
// slider is let go) and the record settings.
#pragma once
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "commands.hpp"
#include "live_recorder.hpp"
#include "live_trainer.hpp"
#include "nnlive/core/config_io.hpp"

namespace nnlive::app::live {

// The panel's record settings: size, frame rate, format, pace.
struct RecordSettings {
  int size = 1;    // 1280x720, 1920x1080, 2560x1440, 3840x2160
  int fps = 2;     // 24, 30, 60
  int format = 0;  // MP4, GIF, PNG frames
  float epochs_per_frame = 1.0f;
  // A request for these settings, to a file named after the experiment and `unix_seconds`.
  RecordRequest request(const std::string& experiment, long long unix_seconds) const;
};

class ControlPanel {
 public:
  // What the panel shows this frame (the window's state, read only).
  struct View {
    const LiveState& state;
    bool playing = false;
    double speed = 0.0;          // epochs/s; 0 = full speed
    double fps = 0.0;            // frames presented per second
    size_t rivals = 0;           // side by side: the runs beside panel 1
    std::string compare_set;     // the named comparison shown, if any
    bool lesson = false;         // a lesson plays (no comparisons, no recording menu changes)
    std::optional<uint64_t> recording;  // frames recorded so far, while recording
    render::RenderOptions picture;
    bool computation = false, inspector = false, adaptive = true;
    unsigned refining_stride = 0;  // > 1: the field's thread shows a level this much coarser than a pixel
    std::optional<std::pair<int, int>> pinned_neuron;  // (hidden layer, neuron) whose field is shown
    int click_class = 1;
    std::string save_path;
    float ui_scale = 1.0f;
    float width = 360.0f, height = 720.0f;  // the panel's size in window pixels
    std::function<void()> compare_chart;    // side by side: the runs' loss chart, drawn in its place
  };

  explicit ControlPanel(std::vector<core::PresetInfo> presets) : presets_(std::move(presets)) {}

  // Draws the panel (between ImGui::NewFrame and ImGui::Render) and appends what the viewer asked for.
  void draw(const View& v, std::vector<Command>& out);

  // The experiment the panel edits: the run's, whenever a new run starts.
  void set_draft(const core::ExperimentConfig& c) { draft_ = c; }
  core::ExperimentConfig& draft() { return draft_; }
  const core::ExperimentConfig& draft() const { return draft_; }
  const RecordSettings& record_settings() const { return record_; }
  const std::vector<core::PresetInfo>& presets() const { return presets_; }

  // A name for an experiment the panel changed (no longer its preset), and the preset's name
  // back from it.
  static std::string edited_name(const std::string& name);
  static std::string preset_of(const std::string& name);

 private:
  // The draft's settings (dataset, network, inputs, training); true when one changed.
  bool draw_experiment(float ui_scale);
  void draw_record(const View& v, std::vector<Command>& out);

  const std::vector<core::PresetInfo> presets_;
  core::ExperimentConfig draft_;
  bool pending_apply_ = false;  // a slider changed the draft: apply once it is let go
  RecordSettings record_;
};

}  // namespace nnlive::app::live
