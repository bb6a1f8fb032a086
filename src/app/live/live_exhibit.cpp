// SPDX-License-Identifier: MIT
// The live window in exhibit (kiosk) mode: what the ExhibitShell's modes look like and do. The
// attract loop plays the playlist's lessons unattended; a visitor's touch hands them a bar of
// big controls at the bottom; left alone, it counts down and goes back; the operator menu sits
// behind the chord or the PIN keypad. Visitors' keys do nothing, and the window cannot be
// closed, minimized or left full screen from inside.
#define GLFW_INCLUDE_VULKAN
#include <imgui.h>

#include <algorithm>
#include <cmath>
#include <iostream>

#include "live_app_impl.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/lesson.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::app::live {
namespace {

// The data sets a visitor steps through, with their names on the button.
constexpr std::array<std::pair<const char*, const char*>, 5> k_datasets{
    {{"xor", "XOR"}, {"circle", "circle"}, {"moons", "moons"}, {"gaussians", "two clusters"}, {"spiral", "spiral"}}};
constexpr int k_max_layers = 4, k_max_neurons = 16;
constexpr float k_min_lr = 0.001f, k_max_lr = 3.0f;
constexpr double k_cursor_hide_s = 5.0;
constexpr double k_cursor_travel_px = 40.0;  // a real mouse moves this far with no button down

ImVec4 rgba(const render::Rgba& c) { return ImVec4(c[0], c[1], c[2], 1.0f); }

bool chord_held(GLFWwindow* w) {
  auto down = [&](int k) { return glfwGetKey(w, k) == GLFW_PRESS; };
  return (down(GLFW_KEY_LEFT_CONTROL) || down(GLFW_KEY_RIGHT_CONTROL)) && (down(GLFW_KEY_LEFT_ALT) || down(GLFW_KEY_RIGHT_ALT)) &&
         down(GLFW_KEY_O);
}

}  // namespace

void LiveApp::exhibit_open() {
  exhibit_.emplace(options_.exhibit->playlist.size(), options_.exhibit->idle_s, options_.exhibit->operator_pin);
  // 9 mm on this monitor, from its reported size; 96 dpi when it reports none or nonsense.
  GLFWmonitor* m = glfwGetWindowMonitor(window_);
  if (!m) m = glfwGetPrimaryMonitor();
  double px_per_mm = 96.0 / 25.4;
  if (m) {
    int wmm = 0, hmm = 0;
    glfwGetMonitorPhysicalSize(m, &wmm, &hmm);
    const GLFWvidmode* mode = glfwGetVideoMode(m);
    if (mode && wmm >= 100 && wmm <= 5000) px_per_mm = std::clamp(double(mode->width) / wmm, 1.0, 20.0);
  }
  touch_px_ = float(std::max(9.0 * px_per_mm, 44.0 * content_scale_));
  glfwSetInputMode(window_, GLFW_CURSOR, GLFW_CURSOR_HIDDEN);
  // The close button, Alt+F4 and the window manager's close all land here: ignored.
  glfwSetWindowCloseCallback(window_, [](GLFWwindow* w) { glfwSetWindowShouldClose(w, GLFW_FALSE); });
  std::cout << "nnlive: exhibit: " << options_.exhibit->playlist.size() << " lesson(s) in the attract loop, idle "
            << options_.exhibit->idle_s << " s, touch targets " << int(touch_px_) << " px" << std::endl;
}

void LiveApp::exhibit_play(bool unattended) {
  const core::Lesson& l = options_.exhibit->playlist[exhibit_->lesson()];
  lesson_.emplace(l, options_.lesson_timing);
  options_.lesson_auto = unattended;  // a visitor's moves on at a tap on the caption
  view_.reset();
  lesson_enter(0);
  if (unattended) std::cout << "nnlive: exhibit: attract loop: " << l.title << std::endl;
}

float LiveApp::exhibit_bar_height() const { return std::round(touch_px_ * 1.5f + 12.0f * ui_scale_); }

float LiveApp::exhibit_font_scale() const { return std::clamp(touch_px_ * 0.42f / ImGui::GetFontSize(), 1.0f, 3.0f); }

bool LiveApp::exhibit_filter(InputEvents& ev) {
  const double t = glfwGetTime();
  const bool any = !ev.keys.empty() || !ev.buttons.empty() || ev.scroll != 0.0;
  for (const auto& b : ev.buttons)
    if (b.action == GLFW_PRESS) ++visitor_taps_;
  if (any) visitor_activity(t);
  const ExhibitShell::Mode mode = exhibit_->mode();
  // Keys: only the keypad's and the operator menu's; a visitor's keyboard does nothing.
  for (const auto& [key, mods] : ev.keys) {
    if (mode == ExhibitShell::Mode::pin_entry) {
      if (key >= GLFW_KEY_0 && key <= GLFW_KEY_9) exhibit_->pin_digit(char('0' + key - GLFW_KEY_0), t);
      else if (key >= GLFW_KEY_KP_0 && key <= GLFW_KEY_KP_9) exhibit_->pin_digit(char('0' + key - GLFW_KEY_KP_0), t);
      else if (key == GLFW_KEY_BACKSPACE) exhibit_->pin_erase(t);
      else if (key == GLFW_KEY_ENTER || key == GLFW_KEY_KP_ENTER) {
        if (exhibit_->pin_enter(t) == ExhibitShell::Pin::refused) message("wrong PIN", true);
        else std::cout << "nnlive: exhibit: operator menu (PIN)" << std::endl;
      } else if (key == GLFW_KEY_ESCAPE) exhibit_->close_operator(t);
    } else if (mode == ExhibitShell::Mode::operator_menu) {
      if (key == GLFW_KEY_ESCAPE) exhibit_->close_operator(t);
      else if (key == GLFW_KEY_Q) quit_ = true, std::cout << "nnlive: exhibit: the operator quit" << std::endl;
      else if (key == GLFW_KEY_R) exhibit_->restart(), exhibit_play(true);
    }
  }
  ev.keys.clear();
  if (mode == ExhibitShell::Mode::pin_entry || mode == ExhibitShell::Mode::operator_menu) {
    ev.buttons.clear();  // the keypad's and menu's own buttons (ImGui) get them; the picture does not
    ev.scroll = 0.0;
    return true;
  }
  return false;
}

void LiveApp::exhibit_frame(const LiveState& state) {
  const double t = glfwGetTime();
  if (exhibit_->chord(chord_held(window_), t)) std::cout << "nnlive: exhibit: operator menu (chord)" << std::endl;
  double cx = 0, cy = 0;
  glfwGetCursorPos(window_, &cx, &cy);
  int ww = 1, wh = 1;
  glfwGetWindowSize(window_, &ww, &wh);
  const bool left_down = glfwGetMouseButton(window_, GLFW_MOUSE_BUTTON_LEFT) == GLFW_PRESS;
  const double corner = 1.5 * touch_px_;
  if (exhibit_->corner(left_down && cx >= ww - corner && cy <= corner, t)) {
    gestures_.reset();  // the long press was not a gesture on the picture
    std::cout << "nnlive: exhibit: PIN keypad" << std::endl;
  }
  if (exhibit_->tick(t)) {
    std::cout << "nnlive: exhibit: idle for " << options_.exhibit->idle_s << " s; back to the attract loop" << std::endl;
    exhibit_play(true);
  }
  // Dropped out of full screen (the frame loop restores an iconified window itself).
  if (!glfwGetWindowMonitor(window_)) toggle_fullscreen();
  // A run that blew up starts again by itself, slower, with a word why.
  if (state.snapshot.diverged && state.generation != reset_generation_) {
    reset_generation_ = state.generation;
    core::ExperimentConfig c = *state.config;
    c.training.optimizer.lr = std::max(c.training.optimizer.lr / 4.0f, k_min_lr);
    c.seed = c.seed % 1000 + 1;
    ++auto_resets_;
    lesson_.reset();
    panel_.set_draft(c);
    apply(c);
    message("The learning rate was too high and the network blew up. It starts again, slower.");
  }
  // The pointer shows only while a real mouse moves (a touch jumps and presses at once).
  if (events_.pointer && cursor_last_) {
    if (!left_down) cursor_travel_ += std::hypot((*events_.pointer)[0] - (*cursor_last_)[0], (*events_.pointer)[1] - (*cursor_last_)[1]);
    if ((*events_.pointer) != (*cursor_last_)) cursor_moved_at_ = clock::now();
  }
  cursor_last_ = events_.pointer;
  const bool recent = clock::now() - cursor_moved_at_ < std::chrono::duration<double>(k_cursor_hide_s);
  if (!recent) cursor_travel_ = 0.0;
  const bool show = recent && cursor_travel_ >= k_cursor_travel_px;
  if (show != cursor_shown_) {
    cursor_shown_ = show;
    glfwSetInputMode(window_, GLFW_CURSOR, show ? GLFW_CURSOR_NORMAL : GLFW_CURSOR_HIDDEN);
  }
}

void LiveApp::exhibit_try(core::ExperimentConfig c, const std::string& what) {
  c.name = c.data.name;
  c.user_points.clear();
  c.view.reset();
  c.training.endless = true;  // a visitor's run never stops by itself
  c.training.optimizer.lr = std::clamp(c.training.optimizer.lr, k_min_lr, k_max_lr);
  lesson_.reset();             // free play from here
  panel_.set_draft(c);
  apply(c);
  set_pace(c.pace);
  message(what);
}

void LiveApp::draw_exhibit_ui(const LiveState& state) {
  draw_overlays();
  std::vector<Command> commands;  // what the visitor asked for, done once the bar is drawn
  const float w = float(target_->width()), h = float(target_->height());
  const float bar = exhibit_bar_height();
  const float gap = 6.0f * ui_scale_;
  const ImVec2 big(touch_px_, touch_px_);
  const auto flags = ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoNav;
  const ExhibitShell::Mode mode = exhibit_->mode();
  const float font = exhibit_font_scale();

  // The bar along the bottom: the visitor's controls, or an invitation while attracting.
  ImGui::SetNextWindowPos(ImVec2(0, h - bar));
  ImGui::SetNextWindowSize(ImVec2(w, bar));
  ImGui::SetNextWindowBgAlpha(1.0f);
  ImGui::Begin("##exhibit-bar", nullptr, flags);
  ImGui::SetWindowFontScale(font);
  ImGui::PushStyleVar(ImGuiStyleVar_ItemSpacing, ImVec2(gap, gap));
  ImGui::SetCursorPosY((bar - touch_px_) * 0.5f);
  if (mode == ExhibitShell::Mode::attract) {
    const char* invite = "Touch the picture to add points and change the network";
    ImGui::SetWindowFontScale(font * 1.4f);
    const float tw = ImGui::CalcTextSize(invite).x;
    ImGui::SetCursorPos(ImVec2(std::max(gap, (w - tw) * 0.5f), (bar - ImGui::GetTextLineHeight()) * 0.5f));
    ImGui::TextUnformatted(invite);
  } else {
    const core::ExperimentConfig& now = *state.config;
    auto label = [&](const char* text) {
      ImGui::AlignTextToFramePadding();
      ImGui::SetCursorPosY((bar - ImGui::GetTextLineHeight()) * 0.5f);
      ImGui::TextUnformatted(text);
      ImGui::SameLine();
      ImGui::SetCursorPosY((bar - touch_px_) * 0.5f);
    };
    // Data set: previous / next.
    size_t d = 0;
    while (d < k_datasets.size() && now.data.name != k_datasets[d].first) ++d;
    auto set_data = [&](size_t i) {
      core::ExperimentConfig c = now;
      c.data.name = k_datasets[i].first;
      c.data.noise = 0.0;
      c.data.label_noise = 0.0;
      c.data.classes = 2;
      if (c.loss == nn::Loss::softmax_ce) c.loss = nn::Loss::bce;
      commands.emplace_back(cmd::TryExperiment{c, std::string("data: ") + k_datasets[i].second});
    };
    if (ImGui::Button("\xE2\x97\x80##data", big)) set_data(d >= k_datasets.size() ? 0 : (d + k_datasets.size() - 1) % k_datasets.size());
    ImGui::SameLine();
    label(d < k_datasets.size() ? k_datasets[d].second : now.data.name.c_str());
    if (ImGui::Button("\xE2\x96\xB6##data", big)) set_data(d >= k_datasets.size() ? 0 : (d + 1) % k_datasets.size());
    ImGui::SameLine(0, 3 * gap);
    // Network: layers and neurons per layer, within what this machine keeps smooth.
    const int layers = int(now.hidden.size());
    const int neurons = now.hidden.empty() ? 4 : *std::max_element(now.hidden.begin(), now.hidden.end());
    const bool at_limit = presented_ > 30 && fps_ > 0.0 && fps_ < 10.0;  // growing further would stutter here
    auto set_net = [&](int l, int n) {
      core::ExperimentConfig c = now;
      c.hidden.assign(size_t(std::clamp(l, 0, k_max_layers)), std::clamp(n, 1, k_max_neurons));
      if (c.activations.size() > 1) c.activations = {c.activations.front()};  // one for every layer
      commands.emplace_back(cmd::TryExperiment{
          c, "network: " + std::to_string(c.hidden.size()) + " hidden layer(s) of " + std::to_string(std::clamp(n, 1, k_max_neurons))});
    };
    label("layers");
    ImGui::BeginDisabled(layers <= 0);
    if (ImGui::Button("\xE2\x88\x92##layers", big)) set_net(layers - 1, neurons);
    ImGui::EndDisabled();
    ImGui::SameLine();
    label(std::to_string(layers).c_str());
    ImGui::BeginDisabled(layers >= k_max_layers || at_limit);
    if (ImGui::Button("+##layers", big)) set_net(layers + 1, neurons);
    ImGui::EndDisabled();
    ImGui::SameLine(0, 2 * gap);
    label("neurons");
    ImGui::BeginDisabled(layers == 0 || neurons <= 1);
    if (ImGui::Button("\xE2\x88\x92##neurons", big)) set_net(layers, neurons / 2);
    ImGui::EndDisabled();
    ImGui::SameLine();
    label(std::to_string(layers == 0 ? 0 : neurons).c_str());
    ImGui::BeginDisabled(layers == 0 || neurons >= k_max_neurons || at_limit);
    if (ImGui::Button("+##neurons", big)) set_net(layers, neurons * 2);
    ImGui::EndDisabled();
    ImGui::SameLine(0, 3 * gap);
    // Learning rate: halve or double, within bounds; the run goes on with it.
    const float lr = state.learning_rate;
    auto set_lr = [&](float v) { commands.emplace_back(cmd::SetLearningRate{std::clamp(v, k_min_lr, k_max_lr)}); };
    label("learning rate");
    ImGui::BeginDisabled(lr <= k_min_lr * 1.0001f);
    if (ImGui::Button("\xE2\x88\x92##lr", big)) set_lr(lr / 2.0f);
    ImGui::EndDisabled();
    ImGui::SameLine();
    label(num(lr).c_str());
    ImGui::BeginDisabled(lr >= k_max_lr * 0.9999f);
    if (ImGui::Button("+##lr", big)) set_lr(lr * 2.0f);
    ImGui::EndDisabled();
    ImGui::SameLine(0, 3 * gap);
    // The class a tap adds: a big swatch per class, the chosen one framed.
    label("a tap adds");
    const render::Colours colours = render::colours_for(picture_.palette);
    const int classes = std::clamp(state.dataset->classes, 2, 8);
    const int chosen = std::clamp(selected_class_, 0, classes - 1);  // (a tap adds this class)
    for (int k = 0; k < classes; ++k) {
      ImGui::PushID(k);
      const ImVec4 c = rgba(colours.class_colour(k));
      ImGui::PushStyleColor(ImGuiCol_Button, c);
      ImGui::PushStyleColor(ImGuiCol_ButtonHovered, c);
      ImGui::PushStyleColor(ImGuiCol_ButtonActive, c);
      ImGui::PushStyleVar(ImGuiStyleVar_FrameBorderSize, k == chosen ? 4.0f * ui_scale_ : 0.0f);
      if (ImGui::Button(k == chosen ? "\xE2\x9C\x93" : "##class", big)) commands.emplace_back(cmd::SetClickClass{k});
      ImGui::PopStyleVar();
      ImGui::PopStyleColor(3);
      ImGui::PopID();
      ImGui::SameLine();
    }
    ImGui::SameLine(0, 3 * gap);
    if (ImGui::Button("Start over", ImVec2(0, touch_px_))) {
      core::ExperimentConfig c = now;
      c.seed = c.seed % 1000 + 1;
      commands.emplace_back(cmd::Apply{c, "a fresh network: the same points, new starting weights"});
    }
    ImGui::SameLine();
    if (ImGui::Button("Next lesson", ImVec2(0, touch_px_))) commands.emplace_back(cmd::NextLesson{});
  }
  ImGui::PopStyleVar();
  ImGui::End();

  // The countdown before the attract loop resumes.
  if (const double left = exhibit_->countdown(glfwGetTime()); left >= 0.0) {
    ImGui::SetNextWindowPos(ImVec2(w * 0.5f, (h - bar) * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowBgAlpha(0.95f);
    ImGui::Begin("##exhibit-countdown", nullptr, flags | ImGuiWindowFlags_AlwaysAutoResize | ImGuiWindowFlags_NoInputs);
    ImGui::SetWindowFontScale(font * 2.0f);
    ImGui::Text("Still there? Touch the picture to carry on.");
    ImGui::Text("Back to the start in %d s", int(std::ceil(left)));
    ImGui::End();
  }

  const double t = glfwGetTime();
  // The operator's keypad: digits, erase, enter (or the keyboard).
  if (mode == ExhibitShell::Mode::pin_entry) {
    ImGui::SetNextWindowPos(ImVec2(w * 0.5f, h * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::Begin("Operator PIN", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize |
                                          ImGuiWindowFlags_NoSavedSettings);
    ImGui::SetWindowFontScale(font);
    ImGui::Text("PIN: %s", std::string(exhibit_->pin_typed().size(), '*').c_str());
    const char* keys[12] = {"1", "2", "3", "4", "5", "6", "7", "8", "9", "\xE2\x86\x90", "0", "OK"};  // ← erases
    for (int i = 0; i < 12; ++i) {
      if (i % 3) ImGui::SameLine();
      if (ImGui::Button(keys[i], ImVec2(touch_px_ * 1.3f, touch_px_ * 1.3f))) {
        exhibit_->touched(t);
        if (i == 9) exhibit_->pin_erase(t);
        else if (i == 11) {
          if (exhibit_->pin_enter(t) == ExhibitShell::Pin::refused) message("wrong PIN", true);
          else std::cout << "nnlive: exhibit: operator menu (PIN)" << std::endl;
        } else exhibit_->pin_digit(keys[i][0], t);
      }
    }
    if (ImGui::Button("Cancel", ImVec2(touch_px_ * 4.2f, touch_px_))) exhibit_->close_operator(t);
    ImGui::End();
  }
  // The operator menu: back, restart, the playlist, quit.
  if (mode == ExhibitShell::Mode::operator_menu) {
    ImGui::SetNextWindowPos(ImVec2(w * 0.5f, h * 0.5f), ImGuiCond_Always, ImVec2(0.5f, 0.5f));
    ImGui::Begin("Operator", nullptr, ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_AlwaysAutoResize |
                                      ImGuiWindowFlags_NoSavedSettings);
    ImGui::SetWindowFontScale(font);
    ImGui::Text("%.0f frames/s, %.0f steps/s; %llu taps, %llu points added, %llu returns to the attract loop, %llu automatic resets",
                fps_, state.steps_per_second, static_cast<unsigned long long>(visitor_taps_),
                static_cast<unsigned long long>(points_added_), static_cast<unsigned long long>(exhibit_->returns()),
                static_cast<unsigned long long>(auto_resets_));
    const ImVec2 wide(touch_px_ * 8.0f, touch_px_);
    if (ImGui::Button("Back to the exhibit (Esc)", wide)) exhibit_->close_operator(t);
    if (ImGui::Button("Restart the attract loop (R)", wide)) exhibit_->restart(), exhibit_play(true);
    ImGui::Separator();
    ImGui::TextUnformatted("The attract loop plays:");
    // The built-in lessons, ticked when in the playlist (lessons from files stay as they are).
    auto& playlist = options_.exhibit->playlist;
    // Checkboxes as big as any touch target.
    ImGui::PushStyleVar(ImGuiStyleVar_FramePadding,
                        ImVec2(ImGui::GetStyle().FramePadding.x, std::max(0.0f, 0.5f * (touch_px_ - ImGui::GetFontSize()))));
    for (const auto& info : core::list_lessons()) {
      auto it = std::find_if(playlist.begin(), playlist.end(), [&](const core::Lesson& l) { return l.name == info.name; });
      bool on = it != playlist.end();
      if (ImGui::Checkbox(info.title.c_str(), &on)) {
        exhibit_->touched(t);
        if (on) playlist.push_back(core::load_lesson(info.name));
        else if (playlist.size() > 1) playlist.erase(it);
        else message("the attract loop needs at least one lesson", true);
        exhibit_->set_playlist_size(playlist.size());
      }
    }
    ImGui::PopStyleVar();
    ImGui::Separator();
    if (ImGui::Button("Quit nnlive (Q)", wide)) quit_ = true, std::cout << "nnlive: exhibit: the operator quit" << std::endl;
    ImGui::End();
  }
  for (const Command& c : commands) execute(c, state);
}

}  // namespace nnlive::app::live
