// SPDX-License-Identifier: MIT
// Lesson TOML: parsing and checking every key with file:line messages, and the built-in list.
#include "nnlive/core/lesson.hpp"

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>

#include "nnlive/common/text_file.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/embedded.hpp"
#include "nnlive/core/error.hpp"
#include "toml_reader.hpp"

namespace nnlive::core {
namespace {

constexpr size_t k_max_file_bytes = 1 << 20;  // a lesson is a page of text, not megabytes
constexpr size_t k_max_steps = 200;

// A number in [lo, hi]; the message names the key and the range.
double number_in(const Reader& r, const toml::node& n, std::string_view key, double lo, double hi) {
  const double v = r.number(n, key);
  if (!(v >= lo && v <= hi)) {
    std::ostringstream os;
    os << "'" << key << "' must be between " << lo << " and " << hi << ", got " << v;
    r.fail(&n, os.str());
  }
  return v;
}

// A whole number in [lo, hi].
int whole_in(const Reader& r, const toml::node& n, std::string_view key, int lo, int hi) {
  if (!n.is_integer()) r.fail(&n, "'" + std::string(key) + "' must be a whole number");
  return static_cast<int>(number_in(r, n, key, lo, hi));
}

nn::View rect(const Reader& r, const toml::node& n, std::string_view key) {
  const auto* a = n.as_array();
  if (!a || a->size() != 4) r.fail(&n, "'" + std::string(key) + "' must be [x0, y0, x1, y1]");
  nn::View v{};
  for (size_t i = 0; i < 4; ++i) v[i] = number_in(r, *a->get(i), key, -1e6, 1e6);
  if (const std::string why = nn::view_problem(v); !why.empty()) r.fail(&n, "'" + std::string(key) + "' is unusable: " + why);
  return v;
}

// "L:I" or "L:F:T", numbers from 1, as 0-based values.
std::vector<int> indices(const Reader& r, const toml::node& n, std::string_view key, size_t count) {
  const std::string text = r.str(n, key);
  std::vector<int> out;
  std::stringstream ss(text);
  std::string part;
  while (std::getline(ss, part, ':')) {
    size_t used = 0;
    int v = 0;
    try {
      v = std::stoi(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size() || v < 1 || v > 100000) break;
    out.push_back(v - 1);
  }
  if (out.size() != count)
    r.fail(&n, "'" + std::string(key) + "' must be " + (count == 2 ? "LAYER:NEURON" : "LAYER:FROM:TO") +
                   " with numbers from 1, got '" + text + "'");
  return out;
}

// Of two nodes, the one further down the file (a table's keys come sorted by name, not by line).
const toml::node* later(const toml::node* a, const toml::node* b) {
  return !a || b->source().begin.line > a->source().begin.line ? b : a;
}

LessonStep parse_step(const Reader& w, const toml::table& t) {
  static const std::vector<std::string_view> keys{
      "caption",     "preset",     "seed",           "learning_rate",    "pace",           "until_epoch",
      "until_loss",  "for_epochs", "until_seconds",  "pause",            "invite",         "highlight_neuron",
      "highlight_edge", "highlight_curve", "highlight_region", "zoom"};
  LessonStep s;
  s.line = t.source().begin.line;
  int untils = 0;
  const toml::node* last_until = nullptr;
  std::optional<uint64_t> seed;
  const toml::node* seed_node = nullptr;
  for (const auto& [key, n] : t) {
    const std::string k(key.str());
    if (std::find(keys.begin(), keys.end(), k) == keys.end()) {
      std::string list;
      for (auto a : keys) list += (list.empty() ? "" : ", ") + std::string(a);
      w.fail(&n, "unknown key '" + k + "' in a [[step]]; expected one of " + list);
    }
    if (k == "caption") s.caption = w.str(n, k);
    else if (k == "preset") {
      try {
        s.experiment = load_preset(w.str(n, k));
      } catch (const UserError& e) {
        w.fail(&n, e.what());
      }
    } else if (k == "seed") {
      if (!n.is_integer()) w.fail(&n, "'seed' must be a whole number");
      seed = static_cast<uint64_t>(number_in(w, n, k, 0, 9007199254740991.0)), seed_node = &n;
    } else if (k == "learning_rate") s.learning_rate = static_cast<float>(number_in(w, n, k, 1e-5, 100.0));
    else if (k == "pace") s.pace = number_in(w, n, k, 0.0, 100000.0);
    else if (k == "until_epoch") {
      s.until = Until::epoch, s.epoch = whole_in(w, n, k, 0, 10000000);
      ++untils, last_until = later(last_until, &n);
    } else if (k == "until_loss") {
      s.until = Until::loss, s.loss = number_in(w, n, k, 0.0, 100.0);
      ++untils, last_until = later(last_until, &n);
    } else if (k == "for_epochs") s.for_epochs = whole_in(w, n, k, 1, 1000000);
    else if (k == "until_seconds") {
      s.until = Until::seconds, s.seconds = number_in(w, n, k, 0.1, 3600.0);
      ++untils, last_until = later(last_until, &n);
    } else if (k == "pause") s.pause = w.boolean(n, k);
    else if (k == "invite") s.invite_click = w.boolean(n, k);
    else if (k == "highlight_neuron") {
      const auto v = indices(w, n, k, 2);
      s.neuron_layer = v[0], s.neuron = v[1];
    } else if (k == "highlight_edge") {
      const auto v = indices(w, n, k, 3);
      s.edge_layer = v[0], s.edge_from = v[1], s.edge_to = v[2];
    } else if (k == "highlight_curve") {
      s.curve = w.str(n, k);
      if (s.curve != "train" && s.curve != "test") w.fail(&n, "'highlight_curve' must be \"train\" or \"test\"");
    } else if (k == "highlight_region") s.region = rect(w, n, k);
    else if (k == "zoom") s.zoom = rect(w, n, k);
  }
  if (untils > 1) w.fail(last_until, "a step has one of until_epoch, until_loss and until_seconds, not several");
  if (t.contains("for_epochs") && s.until != Until::loss) w.fail(t.get("for_epochs"), "'for_epochs' goes with until_loss");
  if (seed) {
    if (!s.experiment) w.fail(seed_node, "'seed' goes with 'preset' (it seeds the experiment the step sets)");
    s.experiment->seed = *seed;
  }
  if (s.caption.empty() && s.until == Until::next) w.fail(&t, "a step that waits for the viewer needs a caption");
  if (s.pause && (s.until == Until::epoch || s.until == Until::loss))
    w.fail(&t, "a paused step cannot wait for an epoch or a loss (training holds still); use until_seconds or none");
  return s;
}

}  // namespace

Lesson parse_lesson(const std::string& text, const std::string& source, const std::string& name) {
  const Reader w{source};
  if (text.size() > k_max_file_bytes) w.fail(nullptr, "the file is over 1 MiB; a lesson is a page of text");
  if (text.find('\0') != std::string::npos) w.fail(nullptr, "the file holds a NUL byte; a lesson is text");
  toml::table root;
  try {
    root = toml::parse(text, source);
  } catch (const toml::parse_error& e) {
    throw UserError(ExitCode::bad_input, source + ":" + std::to_string(e.source().begin.line) + ": " + std::string(e.description()));
  }
  Lesson lesson;
  lesson.name = name;
  for (const auto& [key, n] : root)
    if (key.str() != "title" && key.str() != "step")
      w.fail(&n, "unknown key '" + std::string(key.str()) + "'; a lesson has 'title' and [[step]] tables");
  const toml::node* title = root.get("title");
  if (!title) w.fail(nullptr, "the lesson has no 'title'");
  lesson.title = w.str(*title, "title");
  const toml::node* steps = root.get("step");
  const auto* arr = steps ? steps->as_array() : nullptr;
  if (!arr || arr->empty()) w.fail(steps, "the lesson has no steps; add [[step]] tables");
  if (arr->size() > k_max_steps) w.fail(steps, "the lesson has over " + std::to_string(k_max_steps) + " steps");
  for (const auto& n : *arr) {
    const auto* t = n.as_table();
    if (!t) w.fail(&n, "'step' must be a list of tables ([[step]])");
    lesson.steps.push_back(parse_step(w, *t));
  }
  if (!lesson.steps.front().experiment)
    w.fail(arr->get(0), "the first step must set the experiment ('preset')");
  return lesson;
}

std::vector<LessonInfo> list_lessons() {
  static const std::vector<std::string> k_order{"spiral-story", "training-loop", "xor-step-by-step", "playground-exercises",
                                                "fruit-backprop"};
  std::vector<LessonInfo> out;
  for (const auto& f : embedded::lessons()) {
    const std::string name(f.name.substr(0, f.name.size() - 5));
    out.push_back({name, load_lesson(name).title});
  }
  auto rank = [&](const std::string& n) { return size_t(std::find(k_order.begin(), k_order.end(), n) - k_order.begin()); };
  std::sort(out.begin(), out.end(), [&](const auto& a, const auto& b) {
    return rank(a.name) != rank(b.name) ? rank(a.name) < rank(b.name) : a.name < b.name;
  });
  return out;
}

Lesson load_lesson(const std::string& name_or_path) {
  const bool is_file = name_or_path.size() > 5 && name_or_path.ends_with(".toml");
  if (!is_file) {
    for (const auto& f : embedded::lessons())
      if (f.name.substr(0, f.name.size() - 5) == name_or_path)
        return parse_lesson(std::string(f.data), "lesson " + name_or_path, name_or_path);
    std::string list;
    for (const auto& f : embedded::lessons()) list += (list.empty() ? "" : ", ") + std::string(f.name.substr(0, f.name.size() - 5));
    throw UserError(ExitCode::usage, "unknown lesson '" + name_or_path + "'; choose one of " + list + ", or a FILE.toml");
  }
  std::string text, problem;
  if (!read_text_file(name_or_path, k_max_file_bytes, text, problem))
    throw UserError(ExitCode::bad_input, "the lesson file " + name_or_path + " " + problem);
  return parse_lesson(text, name_or_path, std::filesystem::path(name_or_path).stem().string());
}

double reading_seconds(const std::string& caption) {
  const auto words = std::count_if(caption.begin(), caption.end(), [](char c) { return c == ' '; }) + 1;
  return std::max(4.0, 1.5 + double(words) / 3.0);
}

}  // namespace nnlive::core
