// SPDX-License-Identifier: MIT
// Palette values.
#include "nnlive/render/palette.hpp"

#include <optional>

namespace nnlive::render {

std::optional<Layout> parse_layout(const std::string& name) {
  if (name == "full") return Layout::full;
  if (name == "field") return Layout::field;
  if (name == "field+curves" || name == "field-curves") return Layout::field_curves;
  return std::nullopt;
}

std::optional<PaletteKind> parse_palette(const std::string& name) {
  if (name == "blue-orange" || name == "default") return PaletteKind::blue_orange;
  if (name == "blue-magenta") return PaletteKind::blue_magenta;
  return std::nullopt;
}

Scene make_scene(const core::Run& run, const nn::Snapshot& snap, double time_s) {
  Scene scene;
  scene.title = run.config.name;
  scene.snapshot = &snap;
  scene.history = &run.trainer->history();
  scene.dataset = &run.dataset;
  scene.input_map = run.input_map;
  scene.view = run.view;
  scene.loss = run.config.loss;
  scene.classes = run.dataset.classes;
  scene.time_s = time_s;
  scene.learning_rate = run.trainer->config().optimizer.lr;
  scene.training = !run.trainer->finished();
  scene.error_pulses = run.config.error_pulses;
  return scene;
}

Rgba Colours::class_colour(int k) const {
  const auto& c = field.classes[k & 7];
  return {c.x, c.y, c.z, 1.0f};
}
Rgba Colours::positive() const { return {field.positive.x, field.positive.y, field.positive.z, 1.0f}; }
Rgba Colours::negative() const { return {field.negative.x, field.negative.y, field.negative.z, 1.0f}; }

Colours colours_for(PaletteKind kind) {
  Colours c;
  const shared::vec4 blue{0.031f, 0.467f, 0.741f, 1.0f};
  const shared::vec4 second = kind == PaletteKind::blue_orange ? shared::vec4{0.961f, 0.576f, 0.133f, 1.0f}
                                                               : shared::vec4{0.800f, 0.180f, 0.560f, 1.0f};
  c.field.classes[0] = second;
  c.field.classes[1] = blue;
  c.field.classes[2] = {0.28f, 0.66f, 0.30f, 1.0f};
  c.field.classes[3] = {0.55f, 0.36f, 0.76f, 1.0f};
  c.field.classes[4] = {0.86f, 0.26f, 0.24f, 1.0f};
  c.field.classes[5] = {0.55f, 0.40f, 0.26f, 1.0f};
  c.field.classes[6] = {0.13f, 0.62f, 0.64f, 1.0f};
  c.field.classes[7] = {0.62f, 0.60f, 0.14f, 1.0f};
  c.field.neutral = {0.975f, 0.975f, 0.975f, 1.0f};
  c.field.boundary = {0.12f, 0.12f, 0.15f, 0.85f};
  c.field.positive = blue;
  c.field.negative = second;
  return c;
}

Rgba run_colour(size_t i) {
  static constexpr std::array<std::array<int, 3>, k_run_colours> rgb{{{0, 114, 178}, {213, 94, 0}, {0, 158, 115}, {204, 121, 167},
                                                                      {230, 159, 0}, {86, 180, 233}, {140, 86, 75}, {120, 120, 120},
                                                                      {150, 140, 20}}};
  const auto& c = rgb[i % k_run_colours];
  return {float(c[0]) / 255.0f, float(c[1]) / 255.0f, float(c[2]) / 255.0f, 1.0f};
}

}  // namespace nnlive::render
