// SPDX-License-Identifier: MIT
// Lessons: a title and a list of steps, read from TOML (built in from assets/lessons, or a file).
// A step can set the experiment or change a knob, train until a condition, pause, show a
// caption, highlight part of the picture, zoom the view and invite the viewer to add points.
// This is data only; app/lesson_player plays it the same way in the window, `render` and `record`.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "nnlive/core/experiment.hpp"

namespace nnlive::core {

// When a step is over.
enum class Until {
  next,     // the viewer moves on (a key, a clicker, a tap); `--auto` and recordings wait a reading time
  epoch,    // the run has reached `epoch`
  loss,     // the training loss has been below `loss` for `for_epochs` epochs in a row
  seconds,  // `seconds` of the step have passed (wall clock live; frame time in a recording)
};

struct LessonStep {
  std::string caption;                       // plain text, wrapped to the caption band
  std::optional<ExperimentConfig> experiment;  // set the experiment (a preset, with keys over it)
  std::optional<float> learning_rate;        // change the learning rate and go on with the run
  std::optional<double> pace;                // epochs per second from this step on (0 = full speed)
  Until until = Until::next;
  int epoch = 0;                             // Until::epoch: the run's epoch (from 0)
  double loss = 0.0;                         // Until::loss: the threshold ...
  int for_epochs = 1;                        // ... held this many epochs
  double seconds = 0.0;                      // Until::seconds
  bool pause = false;                        // training holds still during the step
  bool invite_click = false;                 // the caption invites the viewer to add points
  // Highlights: a hidden neuron (its own output fills the field), an edge, a curve, a region.
  int neuron_layer = -1, neuron = 0;         // from 0; -1 = none
  int edge_layer = -1, edge_from = 0, edge_to = 0;
  std::string curve;                         // "", "train" or "test"
  std::optional<nn::View> region;            // x0, y0, x1, y1 in data units, ringed on the field
  std::optional<nn::View> zoom;              // the view to show from this step on
  int line = 0;                              // where the step starts in its file (messages)
};

struct Lesson {
  std::string name;   // file base name without .toml
  std::string title;
  std::vector<LessonStep> steps;
};

struct LessonInfo {
  std::string name, title;
};

// The built-in lessons, in teaching order.
std::vector<LessonInfo> list_lessons();
// A built-in lesson by name, or a TOML file (a path ending in .toml). Throws UserError:
// usage for an unknown name, bad_input naming the file, line and problem for a bad file.
Lesson load_lesson(const std::string& name_or_path);
// Parses lesson TOML; `source` names it in messages. Throws UserError(bad_input).
Lesson parse_lesson(const std::string& text, const std::string& source, const std::string& name);

// Seconds a caption needs to be read: 4 s at least, about 3 words a second.
double reading_seconds(const std::string& caption);

}  // namespace nnlive::core
