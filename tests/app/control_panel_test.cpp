// SPDX-License-Identifier: MIT
// The live window's controls without a window: the key map, and the control panel driven
// through a headless ImGui context (a real mouse position and button, frame by frame). The
// panel emits commands and changes nothing itself; the window tests (tests/app/*.sh) carry the
// same commands out under Xvfb.
#include <GLFW/glfw3.h>
#include <gtest/gtest.h>
#include <imgui.h>
#include <imgui_internal.h>

#include <functional>
#include <optional>

#include "live/commands.hpp"
#include "live/control_panel.hpp"
#include "live/live_trainer.hpp"

namespace nnlive::app::live {
namespace {

template <class T>
bool holds(const std::optional<Command>& c) {
  return c && std::holds_alternative<T>(*c);
}

TEST(KeyCommands, EveryShortcutAsksForItsCommand) {
  EXPECT_TRUE(holds<cmd::Quit>(key_command(GLFW_KEY_Q, GLFW_MOD_CONTROL)));
  EXPECT_TRUE(holds<cmd::Save>(key_command(GLFW_KEY_S, GLFW_MOD_CONTROL)));
  EXPECT_TRUE(holds<cmd::Load>(key_command(GLFW_KEY_O, GLFW_MOD_CONTROL)));
  EXPECT_TRUE(holds<cmd::TogglePlay>(key_command(GLFW_KEY_SPACE, 0)));
  EXPECT_TRUE(holds<cmd::Step>(key_command(GLFW_KEY_S, 0)));
  EXPECT_TRUE(holds<cmd::Step>(key_command(GLFW_KEY_RIGHT, 0)));
  EXPECT_TRUE(holds<cmd::Back>(key_command(GLFW_KEY_LEFT, 0)));
  EXPECT_TRUE(holds<cmd::Reset>(key_command(GLFW_KEY_R, 0)));
  EXPECT_TRUE(holds<cmd::NewInit>(key_command(GLFW_KEY_N, 0)));
  EXPECT_TRUE(holds<cmd::ShowComputation>(key_command(GLFW_KEY_I, 0)));
  EXPECT_TRUE(holds<cmd::ShowInspector>(key_command(GLFW_KEY_D, 0)));
  EXPECT_TRUE(holds<cmd::ToggleRecording>(key_command(GLFW_KEY_V, 0)));
  EXPECT_TRUE(holds<cmd::ToggleFullscreen>(key_command(GLFW_KEY_F11, 0)));
  EXPECT_TRUE(holds<cmd::LeaveFullscreen>(key_command(GLFW_KEY_ESCAPE, 0)));
  EXPECT_TRUE(holds<cmd::ToggleControls>(key_command(GLFW_KEY_H, 0)));
  EXPECT_TRUE(holds<cmd::Screenshot>(key_command(GLFW_KEY_P, 0)));
  EXPECT_TRUE(holds<cmd::ToggleTimings>(key_command(GLFW_KEY_T, 0)));
  // A key toggles the view; the panel's checkbox sets it.
  EXPECT_FALSE(std::get<cmd::ShowComputation>(*key_command(GLFW_KEY_I, 0)).on.has_value());
  const auto down = key_command(GLFW_KEY_PAGE_DOWN, 0), up = key_command(GLFW_KEY_PAGE_UP, 0);
  ASSERT_TRUE(holds<cmd::CyclePreset>(down) && holds<cmd::CyclePreset>(up));
  EXPECT_EQ(std::get<cmd::CyclePreset>(*down).delta, 1);
  EXPECT_EQ(std::get<cmd::CyclePreset>(*up).delta, -1);
  for (int k = GLFW_KEY_1; k <= GLFW_KEY_9; ++k) {
    const auto c = key_command(k, 0);
    ASSERT_TRUE(holds<cmd::PresetKey>(c));
    EXPECT_EQ(std::get<cmd::PresetKey>(*c).index, k - GLFW_KEY_1);
  }
}

TEST(KeyCommands, OtherKeysAndControlChordsAskForNothing) {
  // Ctrl+R, Ctrl+N, Ctrl+Space are not R, N and Space: Ctrl goes to the controls past a text
  // field that has the keyboard, so it must not reset a run by accident.
  for (int k : {GLFW_KEY_R, GLFW_KEY_N, GLFW_KEY_SPACE, GLFW_KEY_1, GLFW_KEY_H, GLFW_KEY_W})
    EXPECT_FALSE(key_command(k, GLFW_MOD_CONTROL).has_value()) << k;
  for (int k : {GLFW_KEY_0, GLFW_KEY_A, GLFW_KEY_Q, GLFW_KEY_O, GLFW_KEY_W, GLFW_KEY_ENTER, GLFW_KEY_UNKNOWN, 100000})
    EXPECT_FALSE(key_command(k, 0).has_value()) << k;
}

TEST(RecordSettings, RequestsNameTheExperimentAndClampTheirChoices) {
  RecordSettings s;
  RecordRequest r = s.request("spiral", 1700000000);
  EXPECT_EQ(r.width, 1920u);
  EXPECT_EQ(r.height, 1080u);
  EXPECT_DOUBLE_EQ(r.fps, 60.0);
  EXPECT_EQ(r.path, "nnlive-spiral-1700000000.mp4");
  s.size = 3, s.fps = 0, s.format = 2, s.epochs_per_frame = 0.25f;
  r = s.request("xor-edited", 5);
  EXPECT_EQ(r.width, 3840u);
  EXPECT_DOUBLE_EQ(r.fps, 24.0);
  EXPECT_DOUBLE_EQ(r.epochs_per_frame, 0.25);
  EXPECT_EQ(r.path, "nnlive-xor-edited-5-frames/");
  s.size = 99, s.fps = -4, s.format = 7;  // never past the menus' ends
  r = s.request("x", 1);
  EXPECT_EQ(r.width, 3840u);
  EXPECT_DOUBLE_EQ(r.fps, 24.0);
  EXPECT_EQ(r.path, "nnlive-x-1-frames/");
}

TEST(ControlPanel, EditedNamesSayItOnceAndLeadBackToThePreset) {
  EXPECT_EQ(ControlPanel::edited_name("spiral"), "spiral-edited");
  EXPECT_EQ(ControlPanel::edited_name("spiral-edited"), "spiral-edited");
  EXPECT_EQ(ControlPanel::preset_of("spiral-edited"), "spiral");
  EXPECT_EQ(ControlPanel::preset_of("xor"), "xor");
}

// A headless ImGui context (no backend: fonts built, nothing drawn) running the panel.
class PanelHarness {
 public:
  PanelHarness() : panel_(core::list_presets()), trainer_(core::load_preset("xor"), false) {
    IMGUI_CHECKVERSION();
    ctx_ = ImGui::CreateContext();
    ImGuiIO& io = ImGui::GetIO();
    io.IniFilename = nullptr;
    io.DisplaySize = ImVec2(1280, 1600);  // tall enough for the whole panel
    io.DeltaTime = 1.0f / 60.0f;
    unsigned char* pixels = nullptr;
    int w = 0, h = 0;
    io.Fonts->GetTexDataAsRGBA32(&pixels, &w, &h);
    state_ = trainer_.latest();
    panel_.set_draft(*state_->config);
  }
  ~PanelHarness() { ImGui::DestroyContext(ctx_); }

  // One frame with the pointer at (x, y), the left button as given; what the panel emitted.
  std::vector<Command> frame(float x, float y, bool down) {
    ImGuiIO& io = ImGui::GetIO();
    io.MousePos = ImVec2(x, y);
    io.MouseDown[0] = down;
    ImGui::NewFrame();
    ControlPanel::View v{.state = *state_};
    v.width = 360.0f, v.height = 1600.0f;
    std::vector<Command> out;
    panel_.draw(v, out);
    hovered_ = ImGui::GetCurrentContext()->HoveredId;
    ImGui::Render();
    return out;
  }
  // Where the panel's item with this label is: found by pointing at the panel until ImGui says
  // the item under the pointer is it.
  std::optional<ImVec2> find(const char* label) {
    frame(-100, -100, false);
    const ImGuiID id = ImGui::FindWindowByName("nnlive")->GetID(label);
    for (float y = 4; y < 1600; y += 4)
      for (float x = 4; x < 360; x += 8) {
        frame(x, y, false);
        frame(x, y, false);  // (hover settles over two frames)
        if (hovered_ == id) return ImVec2(x, y);
      }
    return std::nullopt;
  }
  // A click: a press frame and a release frame; every command both frames emitted.
  std::vector<Command> click(ImVec2 at) {
    std::vector<Command> out = frame(at.x, at.y, true);
    for (auto& c : frame(at.x, at.y, false)) out.push_back(std::move(c));
    return out;
  }
  ControlPanel& panel() { return panel_; }

 private:
  ImGuiContext* ctx_ = nullptr;
  ControlPanel panel_;
  LiveTrainer trainer_;
  std::shared_ptr<const LiveState> state_;
  ImGuiID hovered_ = 0;
};

TEST(ControlPanel, ButtonsEmitTheirCommandsAndChangeNothingThemselves) {
  PanelHarness h;
  // Idle frames emit nothing.
  for (int i = 0; i < 3; ++i) EXPECT_TRUE(h.frame(900, 300, false).empty());
  const struct {
    const char* label;
    std::function<bool(const Command&)> is;
  } buttons[] = {
      {"Step (S)", [](const Command& c) { return std::holds_alternative<cmd::Step>(c); }},
      {"Reset (R)", [](const Command& c) { return std::holds_alternative<cmd::Reset>(c); }},
      {"New init (N)", [](const Command& c) { return std::holds_alternative<cmd::NewInit>(c); }},
      {"Play (Space)", [](const Command& c) { return std::holds_alternative<cmd::TogglePlay>(c); }},
      {"Record (V)", [](const Command& c) { return std::holds_alternative<cmd::ToggleRecording>(c); }},
  };
  for (const auto& b : buttons) {
    const auto at = h.find(b.label);
    ASSERT_TRUE(at) << b.label << " is not in the panel";
    const auto out = h.click(*at);
    ASSERT_EQ(out.size(), 1u) << b.label;
    EXPECT_TRUE(b.is(out[0])) << b.label << " emitted command " << out[0].index();
  }
}

TEST(ControlPanel, ClearAppliesAnEmptyDataSetUnderAnEditedName) {
  PanelHarness h;
  h.panel().draft().user_points.push_back({0.1f, 0.2f, 1, false});
  const auto at = h.find("Clear");
  ASSERT_TRUE(at);
  const auto out = h.click(*at);
  ASSERT_EQ(out.size(), 1u);
  ASSERT_TRUE(std::holds_alternative<cmd::Apply>(out[0]));
  const core::ExperimentConfig& c = std::get<cmd::Apply>(out[0]).config;
  EXPECT_EQ(c.data.name, "empty");
  EXPECT_TRUE(c.user_points.empty());
  EXPECT_EQ(c.name, "xor-edited");
  EXPECT_EQ(h.panel().draft().name, "xor-edited");  // the draft keeps the edit until a new run comes
}

}  // namespace
}  // namespace nnlive::app::live
