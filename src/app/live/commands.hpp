// SPDX-License-Identifier: MIT
// What the live window's controls ask for. Keys, the control panel and the exhibit's visitor
// bar emit commands; LiveApp::execute carries each out in one place, so a key and
// its button always do the same thing, and what a control does can be tested without a window.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "nnlive/core/experiment.hpp"
#include "nnlive/render/scene.hpp"

namespace nnlive::app::live {

namespace cmd {
struct Quit {};               // Ctrl+Q
struct Save {};               // Ctrl+S: the run's experiment to the save path
struct Load {};               // Ctrl+O
struct TogglePlay {};         // Space: pause, play, or continue a stopped run
struct Step {};               // S, →: pause and train one step (every run side by side)
struct Back {};               // ←: one step back
struct Reset {};              // R: the same initialization again
struct NewInit {};            // N: a new seed for every run
struct ToggleFullscreen {};   // F11
struct LeaveFullscreen {};    // Esc: only when full screen
struct ToggleControls {};     // H
struct Screenshot {};         // P
struct ToggleTimings {};      // T
struct ShowComputation { std::optional<bool> on; };  // I toggles; the panel's checkbox sets
struct ShowInspector { std::optional<bool> on; };    // D toggles; the panel's checkbox sets
struct ToggleRecording {};    // V: start with the panel's record settings, or stop
struct PresetKey { int index; };    // 1-9: the index-th preset, confirmed by a second press once a run has trained
struct CyclePreset { int delta; };  // PageDown +1, PageUp −1
struct LoadPreset { std::string name; };
struct Apply {                                    // validate, then restart the run with it
  core::ExperimentConfig config;
  std::string note;                                // said once it is running, if any
};
struct TryExperiment {                            // an exhibit visitor's change (clamped, endless, free play)
  core::ExperimentConfig config;
  std::string what;
};
struct NextLesson {};                              // the lesson's next step; an exhibit's next lesson
struct SetPace { double epochs_per_second; };      // 0: as fast as possible
struct SetLearningRate { float lr; };              // live, panel 1's run
struct SetPicture { render::RenderOptions picture; };  // palette, layout, discretize, log loss
struct SetAdaptive { bool on; };                   // coarser field levels while training when slow
struct SetClickClass { int label; };               // the class a left click or tap adds
struct ShowOutput {};                              // unpin a hidden neuron's field
struct ChooseCompare { std::string set; };         // a named comparison, or "" for panel 1 alone
}  // namespace cmd

using Command = std::variant<cmd::Quit, cmd::Save, cmd::Load, cmd::TogglePlay, cmd::Step, cmd::Back, cmd::Reset, cmd::NewInit,
                             cmd::ToggleFullscreen, cmd::LeaveFullscreen, cmd::ToggleControls, cmd::Screenshot, cmd::ToggleTimings,
                             cmd::ShowComputation, cmd::ShowInspector, cmd::ToggleRecording, cmd::PresetKey, cmd::CyclePreset,
                             cmd::LoadPreset, cmd::Apply, cmd::SetPace, cmd::SetLearningRate, cmd::SetPicture, cmd::SetAdaptive,
                             cmd::SetClickClass, cmd::ShowOutput, cmd::ChooseCompare, cmd::TryExperiment, cmd::NextLesson>;

// The window's shortcut keys (GLFW key and modifier codes): the command a key press asks for,
// if any. Lessons take their own keys first (→ PageDown Space next, ← PageUp back).
std::optional<Command> key_command(int key, int mods);

// The help lines for the keys above, as the panel prints them.
const std::vector<std::string>& key_help();

}  // namespace nnlive::app::live
