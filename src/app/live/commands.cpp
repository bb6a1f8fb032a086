// SPDX-License-Identifier: MIT
#include "commands.hpp"

#include <GLFW/glfw3.h>

namespace nnlive::app::live {

std::optional<Command> key_command(int key, int mods) {
  if (mods & GLFW_MOD_CONTROL) {
    switch (key) {
      case GLFW_KEY_Q: return cmd::Quit{};
      case GLFW_KEY_S: return cmd::Save{};
      case GLFW_KEY_O: return cmd::Load{};
      default: return std::nullopt;  // Ctrl with anything else is no shortcut (Ctrl+R is not R)
    }
  }
  switch (key) {
    case GLFW_KEY_SPACE: return cmd::TogglePlay{};
    case GLFW_KEY_S:
    case GLFW_KEY_RIGHT: return cmd::Step{};
    case GLFW_KEY_LEFT: return cmd::Back{};
    case GLFW_KEY_I: return cmd::ShowComputation{};
    case GLFW_KEY_D: return cmd::ShowInspector{};
    case GLFW_KEY_V: return cmd::ToggleRecording{};
    case GLFW_KEY_R: return cmd::Reset{};
    case GLFW_KEY_N: return cmd::NewInit{};
    case GLFW_KEY_F11: return cmd::ToggleFullscreen{};
    case GLFW_KEY_ESCAPE: return cmd::LeaveFullscreen{};
    case GLFW_KEY_H: return cmd::ToggleControls{};
    case GLFW_KEY_P: return cmd::Screenshot{};
    case GLFW_KEY_T: return cmd::ToggleTimings{};
    case GLFW_KEY_PAGE_DOWN: return cmd::CyclePreset{+1};
    case GLFW_KEY_PAGE_UP: return cmd::CyclePreset{-1};
    default: break;
  }
  if (key >= GLFW_KEY_1 && key <= GLFW_KEY_9) return cmd::PresetKey{key - GLFW_KEY_1};
  return std::nullopt;
}

const std::vector<std::string>& key_help() {
  static const std::vector<std::string> lines{
      "Space: play / pause   S or \xE2\x86\x92: one step   \xE2\x86\x90: one step back   R: reset   N: new initialization",
      "I: step-through view   D: data and weights   V: record",
      "P: screenshot   T: frame timings   H: hide controls   F11: full screen   1-9, PgUp/PgDn: presets   Ctrl+Q: quit",
  };
  return lines;
}

}  // namespace nnlive::app::live
