// SPDX-License-Identifier: MIT
// LiveApp, the live window: a composition of its parts (the window layer, the pointer stream and
// its gestures, commands, the control panel, the view, the inspector, the exhibit shell), with
// the frame loop (live_app.cpp), carrying out commands and gestures (live_controls.cpp), lessons
// (live_lesson.cpp), the exhibit's screens (live_exhibit.cpp), touches (live_touch.cpp) and
// side by side (live_compare.cpp).
#pragma once
#include <GLFW/glfw3.h>

#include <array>
#include <deque>
#include <map>
#include <set>
#include <chrono>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "commands.hpp"
#include "control_panel.hpp"
#include "exhibit_shell.hpp"
#include "inspector.hpp"
#include "live_app.hpp"
#include "live_recorder.hpp"
#include "live_trainer.hpp"
#include "pointer_gestures.hpp"
#include "progressive_field.hpp"
#include "tuio_listener.hpp"
#include "view_state.hpp"
#include "xi_touch.hpp"
#include "weight_trace.hpp"
#include "window_layer.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/gpu/swapchain.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::app::live {

using clock = std::chrono::steady_clock;
// A press (mouse or finger) that starts this close to a hand-placed point and drags moves it.
constexpr double k_grab_px = 18.0;
// What the GLFW callbacks collected since the last frame.
struct InputEvents {
  struct Button {
    int button, action, mods;
    double x, y;
    double t = 0.0;  // glfwGetTime() when it happened (events of one frame are told apart by it)
  };
  std::vector<Button> buttons;
  std::vector<std::pair<int, int>> keys;  // key, mods (presses and repeats)
  double scroll = 0.0;
  bool resized = false;
  std::optional<std::array<double, 2>> pointer;  // where the pointer last moved (window coordinates); kept across frames
};

// The window's own state: the view, the UI's copy of the run's history, and what the panel edits.
class LiveApp {
 public:
  explicit LiveApp(const LiveOptions& o)
      : options_(o), picture_(o.picture), show_ui_(!o.present), panel_(core::list_presets()), playing_(!o.paused) {}
  int run();

 private:
  void rebuild_swapchain();  // the layer's, and the scene target at its size
  void draw_ui(const LiveState& state);  // the overlays, and the control panel when shown
  void execute(const Command& command, const LiveState& state);  // what a key, the panel or the visitor bar asked for
  void draw_overlays();
  void handle_input(const LiveState& state);
  void handle_key(int key, int mods, const LiveState& state);
  // Window positions to target pixels, panels and data coordinates, as the last frame placed them.
  ViewState::Mapping mapping() const;
  std::optional<std::array<double, 2>> to_data(double x, double y) const { return mapping().to_data(x, y); }
  std::array<double, 2> to_target(double x, double y) const { return mapping().to_target(x, y); }
  // The node or edge of panel 1's diagram (as last drawn) under window position (x, y).
  Inspector::Hit hit_diagram(double x, double y, const LiveState& state) const;
  void hover(const LiveState& state);  // tooltips: the diagram's node or edge, the field's coordinate and output
  void toggle_recording(const LiveState& state);
  void stop_recording();  // finishes the file and reports it
  render::RenderOptions view_options() const;  // the picture as the window shows it now
  void toggle_fullscreen();
  bool apply(const core::ExperimentConfig& c);  // validate, then restart the run with it (false: it said why not)
  void load_preset(const std::string& name);
  void set_pace(double epochs_per_second);
  void toggle_play(const LiveState& state);  // Space and the play button
  // Lessons: enter a step (the run it sets, its knobs and pace), move on when it is over, and
  // go back by replaying headless to the previous step's start.
  // `replayed`: the run as it was when step k began (going back), instead of building one.
  void lesson_enter(size_t k, std::optional<core::Run> replayed = std::nullopt);
  void lesson_update(const LiveState& state);
  void lesson_next();
  void lesson_previous();
  bool lesson_key(int key);                  // → PageDown Space: next; ← PageUp: back
  bool lesson_waiting() const;               // the step waits for the viewer
  void save();
  void load();
  void message(const std::string& text, bool error = false);
  render::Rect scene_rect() const;
  // Exhibit (kiosk) mode, live_exhibit.cpp: the shell's modes, the visitor bar, the countdown,
  // the keypad and the operator menu.
  void exhibit_open();                                  // after the window opens
  bool exhibit_filter(InputEvents& ev);                 // true: the events were the operator's or woke it
  void exhibit_frame(const LiveState& state);           // chord, corner, idle, divergence, cursor
  void exhibit_play(bool unattended);                   // the playlist's current lesson: attract loop, or a visitor's
  void exhibit_try(core::ExperimentConfig c, const std::string& what);  // a visitor's change
  void draw_exhibit_ui(const LiveState& state);
  float exhibit_bar_height() const;
  float exhibit_font_scale() const;  // the exhibit's text, sized to its touch targets (outside a window)
  void visitor_activity(double t);                      // a touch, click or key (exhibit: wakes it)
  // Touches (live_touch.cpp), from a touch table (TUIO) and the screen (XInput 2.2): they join
  // the mouse in one pointer stream, whose gestures (pointer_gestures.hpp) do_gestures carries out.
  void open_touch();
  void open_xi_touch();  // after the window opens
  // Side by side (live_compare.cpp): panel 1 is the run above (trainer_, progressive_,
  // history_); the rivals are the others. Step, back, pause, pace, reset, new seed and points
  // act on every run; the panel's experiment settings on panel 1's.
  void open_compare();                                        // after trainer_ exists
  void compare_frame();                                       // each frame: the rivals' states and histories
  // Tiles panel 1 and adds the rivals'; true when a rival's field is still coarser than a pixel.
  bool compare_panels(std::vector<render::Panel>& panels, double anim);
  void draw_compare(const LiveState& state);                  // the panel's overlay loss chart and legend
  void for_each_trainer(const std::function<void(LiveTrainer&)>& f);
  // Side by side, a point of class `label` joins only the runs that have it: says which do not.
  void say_runs_without(int label);
  // From the panel: a named comparison (its experiments replace the window's), or "" for panel
  // 1's experiment alone.
  void choose_compare(const std::string& set);
  void restart_rivals(std::optional<uint64_t> seed);          // from their configs (seed: a new one for all)
  // The field of one panel (its network over last frame's rectangle and view), from its field thread.
  // True while that field is coarser than one evaluation per pixel.
  bool want_field(ProgressiveField& field, const LiveState& state, size_t placement, render::Panel& panel);
  std::optional<size_t> panel_at(double x, double y) const { return mapping().panel_at(x, y); }
  // Between the ImGui backend's frame and ImGui::NewFrame: this frame's touches from both
  // sources, and those that went down on the controls driving ImGui's pointer.
  void touches_to_controls();
  bool over_controls(double x, double y) const;  // an ImGui window (as last drawn) is at window (x, y)
  void handle_touches(const LiveState& state);  // the frame's touches into the pointer stream
  // A press on a lesson's caption band (next) or the diagram (inspect) acts there and is no
  // gesture; true when it did.
  bool press_elsewhere(double x, double y, int button, const LiveState& state);
  PointerGestures::Place place_at(double x, double y, const LiveState& state) const;
  void do_gestures(const LiveState& state);  // the frame's gesture actions
  nn::View panned(const nn::View& from, double dx, double dy) const;  // by window pixels over panel 1's field
  // The hand-placed point within k_grab_px of window position (x, y), if any.
  std::optional<data::Point> user_point_near(double x, double y, const LiveState& state) const;

  LiveOptions options_;
  render::RenderOptions picture_;
  bool show_ui_;
  ControlPanel panel_;  // its draft experiment, record settings and the presets (menu, 1-9, PageUp/PageDown)
  InputEvents events_;  // (before the layer, whose window's callbacks fill it)
  // The window, its input callbacks, the Vulkan context and swapchain, ImGui (window_layer.hpp);
  // released after everything below that uses them.
  std::unique_ptr<WindowLayer> layer_;
  GLFWwindow* window_ = nullptr;     // the layer's
  gpu::Context* ctx_ = nullptr;      // the layer's
  gpu::Swapchain* swapchain_ = nullptr;  // the layer's
  std::unique_ptr<render::Renderer> renderer_;
  // The field on its own thread (either field engine): frames never wait for it.
  std::unique_ptr<ProgressiveField> progressive_;
  uint64_t frames_refining_ = 0;  // frames presented with a field coarser than one evaluation per pixel
  std::unique_ptr<render::SceneTarget> target_;
  std::unique_ptr<LiveTrainer> trainer_;
  std::array<vk::raii::Semaphore, render::Renderer::k_frames_in_flight> acquired_{nullptr, nullptr};
  std::array<uint64_t, render::Renderer::k_frames_in_flight> frame_of_slot_{};

  // The UI's copy of the run.
  uint64_t generation_ = 0;
  std::vector<nn::Metrics> history_;
  ViewState view_;                     // the viewer's pan and zoom
  int selected_class_ = 1;
  double speed_ = 0.0;                 // epochs/s; 0 = as fast as possible
  bool playing_ = true;
  std::string message_;
  bool message_error_ = false;
  clock::time_point message_at_{};
  std::optional<LessonPlayer> lesson_;
  clock::time_point lesson_step_at_{};
  uint64_t lesson_generation_ = 0;       // the run generation a step's new experiment replaces
  bool lesson_rebuilding_ = false;       // waiting for that rebuild before checking conditions
  int pending_preset_key_ = 0;           // 1 + the preset index of a digit pressed once: the same again switches
  clock::time_point pending_preset_at_{};
  // The picture's gestures over the one pointer stream (the mouse and every finger).
  PointerGestures gestures_;
  std::vector<PointerGestures::Action> gesture_actions_;  // this frame's, done by do_gestures
  int mouse_button_ = 0;                 // the button of the mouse's press being followed
  nn::View gesture_view0_{};             // the view when the pan or pinch under way began
  std::array<double, 2> pinch_centre_{};  // where the pinch's fingers first met, in data coordinates
  bool screenshot_ = false;
  bool show_timings_ = false;          // T: the frame's pass times over the picture
  bool quit_ = false;
  int windowed_x_ = 100, windowed_y_ = 100, windowed_w_ = 1280, windowed_h_ = 720;
  double fps_ = 0.0;                   // presented frames per second (smoothed)
  clock::time_point last_present_{};
  uint64_t presented_ = 0;
  float ui_scale_ = 1.0f;
  float content_scale_ = 1.0f;

  // Picking on the diagram, the step-through view (I), the data and weights window (D).
  Inspector inspector_;

  // Recording from the window (the panel's record settings).
  std::unique_ptr<LiveRecorder> recorder_;

  // Touches (TUIO).
  std::unique_ptr<TuioListener> tuio_;
  std::unique_ptr<XiTouch> xi_touch_;  // once the window is open
  struct WindowTouch {
    TouchEvent e;
    double x, y;  // window coordinates
  };
  std::vector<WindowTouch> touch_frame_;  // this frame's, from touches_to_controls to handle_touches
  std::set<int32_t> ui_owned_;           // fingers that went down on the controls (not the field's)
  struct UiPointer {
    double x, y;
    bool down;
  };
  std::deque<UiPointer> ui_queue_;       // ImGui's pointer: presses and releases, one per frame
  std::optional<int32_t> ui_touch_;      // the finger that is ImGui's pointer while it is down
  std::array<double, 2> ui_touch_at_{};  // where it is
  uint64_t touches_seen_ = 0;

  // Exhibit mode (`nnlive exhibit`).
  std::optional<ExhibitShell> exhibit_;
  float touch_px_ = 40.0f;              // the smallest touch target: 9 mm on this monitor
  bool cursor_shown_ = false;
  double cursor_travel_ = 0.0;          // pointer travel with no button down, recently
  clock::time_point cursor_moved_at_{};
  std::optional<std::array<double, 2>> cursor_last_;
  uint64_t visitor_taps_ = 0, points_added_ = 0, auto_resets_ = 0;
  uint64_t reset_generation_ = 0;       // the run generation an automatic reset replaced

  // Side by side.
  struct Rival {
    std::unique_ptr<LiveTrainer> trainer;
    std::unique_ptr<ProgressiveField> field;
    uint64_t generation = 0;
    std::vector<nn::Metrics> history;
    std::shared_ptr<const LiveState> state;  // this frame's
  };
  std::vector<Rival> rivals_;
  std::vector<std::string> compare_labels_;  // what tells each panel's experiment from the others
  std::shared_ptr<EpochClock> epoch_clock_;
  bool shared_clock_ = true;
  std::string compare_set_;                  // the named comparison shown, if one was chosen in the panel
  size_t compare_shown_ = 1;                 // runs with a panel this frame (those that fit the window)

  // While training, the field's thread may draw coarser levels (its live budget); off: always
  // one evaluation per pixel, however long a level takes.
  bool adaptive_resolution_ = true;
};
}  // namespace nnlive::app::live
