// SPDX-License-Identifier: MIT
// The network diagram: layers as columns, edges coloured by the weight's sign and sized by its
// magnitude, nodes filled by their activation for the probe sample, bias bars, per-neuron
// field thumbnails (small networks), and the animated forward and backprop pulses.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <glm/common.hpp>
#include <glm/vec3.hpp>
#include <limits>
#include <numeric>

#include "compose_parts.hpp"
#include "nnlive/nn/explain.hpp"

namespace nnlive::render {
namespace {

constexpr size_t k_max_edges_per_layer = 1500;   // the strongest; weaker ones fade out entirely
constexpr size_t k_min_edges_per_layer = 200;    // however little room the diagram has
constexpr float k_edge_overdraw = 8.0f;          // a band between columns takes about this many edges' ink a pixel
constexpr size_t k_max_pulses_per_layer = 240;
constexpr double k_pulse_period_s = 2.4;         // one forward wave, then one backprop wave
constexpr float k_streak = 0.16f;                // a pulse's streak: this fraction of its edge
constexpr int k_max_thumbnail_width = 16;        // thumbnails for layers up to this wide ...
constexpr int k_max_thumbnail_neurons = 128;     // ... and this many hidden neurons in all

// The k strongest of a layer's `count` edges by magnitude(e), weakest first, and the largest
// magnitude; memoized under `key` where the scene has a memo (SceneMemo).
template <class Magnitude>
SceneMemo::Edges strongest_edges(const Scene& scene, int key, size_t count, size_t k, Magnitude magnitude) {
  std::unique_lock<std::mutex> lock;
  if (scene.memo) {
    lock = std::unique_lock(scene.memo->mutex);
    if (const auto it = scene.memo->edges.find(key); it != scene.memo->edges.end() && it->second.asked == k) return it->second;
  }
  std::vector<float> mag(count);
  for (size_t e = 0; e < count; ++e) mag[e] = magnitude(e);
  SceneMemo::Edges out{strongest(mag, k), mag.empty() ? 0.0f : *std::max_element(mag.begin(), mag.end()), k};
  if (scene.memo) scene.memo->edges[key] = out;
  return out;
}

// The memo's keys: a layer's edges by weight, and its pulses in each wave.
enum Wave { k_weights, k_forward, k_error, k_gradients };
int edges_key(size_t layer, Wave wave) { return int(layer) * 4 + int(wave); }

// How many of a layer's strongest edges the band between its two columns (col_step wide,
// height tall) has room for: about k_edge_overdraw edges' ink over each of its pixels, an edge
// taken as a pixel wide and as long as one from a column's middle to the next column's edge. A
// band drawn over more than that reads as a smear (a 4x256 diagram in a quarter of a 720p
// window: 1,500 edges, 26 deep), and costs a host-drawn frame its time.
size_t edges_with_room(float col_step, float height) {
  const float length = std::max(std::sqrt(col_step * col_step + 0.25f * height * height), 1.0f);
  const float room = k_edge_overdraw * col_step * height / length;
  return std::clamp(size_t(std::max(room, 0.0f)), k_min_edges_per_layer, k_max_edges_per_layer);
}

// 1 for layers of up to 600 edges, falling to 0.3 for very dense ones (512 x 512).
float density(size_t edges) { return std::clamp(std::sqrt(600.0f / float(std::max<size_t>(edges, 1))), 0.3f, 1.0f); }

}  // namespace

// (weakest first: the strong are drawn on top)
std::vector<size_t> strongest(const std::vector<float>& magnitude, size_t k) {
  // (a diverged run's NaN: last, and never in the way of an ordering)
  auto value = [&](size_t i) { return std::isnan(magnitude[i]) ? -1.0f : magnitude[i]; };
  const size_t n = magnitude.size();
  std::vector<size_t> idx;
  if (n <= k) {
    idx.resize(n);
    std::iota(idx.begin(), idx.end(), size_t{0});
  } else if (k > 0) {
    // A bound below the k-th largest value, taken from a sample (every step-th value, step odd
    // so that it does not follow a layer's rows): the value at about twice the rank the k-th
    // largest would have in it. The candidates are the values at or above it, in index order;
    // where they are fewer than k the bound was too high, and every value is a candidate. So
    // the selection below sees every value that can be chosen: the same indices as selecting
    // among all (a 65,536-edge layer: 0.08 ms instead of 1.1-1.7).
    float low = -std::numeric_limits<float>::infinity();
    constexpr size_t k_sample = 1024;
    if (n >= 4 * k_sample && n >= 8 * k) {
      size_t step = n / k_sample;
      if (step % 2 == 0) --step;
      std::vector<float> sample(k_sample);
      for (size_t s = 0; s < k_sample; ++s) sample[s] = value(s * step);
      const size_t rank = std::min(k_sample - 1, 2 * (k * k_sample / n) + 16);
      std::nth_element(sample.begin(), sample.begin() + long(rank), sample.end(), std::greater<float>());
      low = sample[rank];
    }
    std::vector<float> values;
    std::vector<size_t> at;
    for (int pass = 0; pass < 2; ++pass) {
      values.clear(), at.clear();
      for (size_t i = 0; i < n; ++i)
        if (const float v = value(i); v >= low) values.push_back(v), at.push_back(i);
      if (values.size() >= k) break;
      low = -std::numeric_limits<float>::infinity();
    }
    // The k-th largest candidate, then the candidates above it and as many equal to it as fit.
    std::vector<float> ranked(values);
    std::nth_element(ranked.begin(), ranked.begin() + long(k - 1), ranked.end(), std::greater<float>());
    const float kth = ranked[k - 1];
    size_t above = 0;
    for (float v : values) above += v > kth;
    size_t ties = k - above;
    idx.reserve(k);
    for (size_t j = 0; j < values.size(); ++j)
      if (values[j] > kth || (values[j] == kth && ties > 0 && ties--)) idx.push_back(at[j]);
  }
  std::stable_sort(idx.begin(), idx.end(), [&](size_t a, size_t b) { return value(a) < value(b); });
  return idx;
}

void draw_network(const Parts& p, const Rect& r, Composition& comp) {
  const nn::Snapshot& snap = *p.scene.snapshot;
  const auto& layers = snap.layers;
  const float s = p.s;
  const size_t columns = layers.size() + 1;
  std::vector<int> counts{layers.front().in};
  for (const auto& l : layers) counts.push_back(l.out);

  const float label_px = p.text(15), name_px = p.text(18);
  const Rect area{r.x0 + std::max(78 * s, 2.2f * name_px + 12 * s), r.y0 + std::max(48 * s, 2.6f * label_px), r.x1 - 52 * s,
                  r.y1 - std::max(40 * s, 2.2f * label_px)};
  const float col_step = columns > 1 ? area.width() / float(columns - 1) : 0.0f;
  const int widest = *std::max_element(counts.begin(), counts.end());
  const float row_step = area.height() / float(widest);
  float radius = std::min({22.0f * s, 0.38f * row_step, 0.2f * col_step});
  radius = std::max(radius, 1.2f);

  int hidden_total = 0, hidden_widest = 0;
  for (size_t l = 0; l + 1 < layers.size(); ++l) hidden_total += layers[l].out, hidden_widest = std::max(hidden_widest, layers[l].out);
  const bool thumbs = hidden_total > 0 && hidden_widest <= k_max_thumbnail_width && hidden_total <= k_max_thumbnail_neurons &&
                      radius >= 6.0f * s;
  if (thumbs) {
    // Thumbnails take the room small networks leave: up to 80% of a row and half a column.
    const float side = std::min({0.8f * row_step, 0.5f * col_step, 76.0f * s});
    comp.thumbnail_size = static_cast<uint32_t>(std::max(4.0f, std::floor(std::max(side, 2.0f * radius))));
    radius = 0.5f * float(comp.thumbnail_size);
    comp.thumbnail_view = fit_view(p.scene.view, 1.0f, 1.0f);
  }

  // Node centres: column c, node j, centred vertically within the column.
  auto node = [&](size_t c, int j) {
    const float x = area.x0 + col_step * float(c);
    const float y = area.y0 + 0.5f * area.height() + (float(j) - 0.5f * float(counts[c] - 1)) * row_step;
    return glm::round(Vec2(x, y));
  };

  comp.network.radius = radius;
  comp.network.centres.resize(columns);
  for (size_t c = 0; c < columns; ++c)
    for (int j = 0; j < counts[c]; ++j) comp.network.centres[c].push_back(node(c, j));

  // Edges.
  const size_t edges_shown = edges_with_room(col_step, area.height());
  for (size_t l = 0; l < layers.size(); ++l) {
    const auto& L = layers[l];
    const float* W = snap.params.data() + L.w_offset;
    const size_t count = size_t(L.in) * L.out;
    const auto edges = strongest_edges(p.scene, edges_key(l, k_weights), count, edges_shown,
                                       [&](size_t e) { return std::abs(W[e]); });
    const float top = std::max(edges.top, 1e-6f);
    // Dense layers: thinner edges, and weak ones fade faster, so the strong ones stand out.
    const float k = density(count);
    for (size_t e : edges.strongest) {
      const int j = int(e) / L.in, i = int(e) % L.in;
      const float t = std::abs(W[e]) / top;
      const Rgba base = W[e] >= 0 ? p.c.positive() : p.c.negative();
      const auto a = node(l, i), b = node(l + 1, j);
      p.under.line(a, b, std::max(0.6f, (0.4f + 4.0f * t) * s * k),
                   Rgba(glm::vec3(base), 0.08f * k + 0.72f * std::pow(t, 1.0f / k)));
    }
  }

  // The inspected edge: a dark halo under it.
  if (p.options.edge_layer >= 0 && size_t(p.options.edge_layer) < layers.size()) {
    const auto& L = layers[size_t(p.options.edge_layer)];
    if (p.options.edge_from >= 0 && p.options.edge_from < L.in && p.options.edge_to >= 0 && p.options.edge_to < L.out) {
      const auto a = node(size_t(p.options.edge_layer), p.options.edge_from), b = node(size_t(p.options.edge_layer) + 1, p.options.edge_to);
      p.out.line(a, b, std::max(2.0f, 3.0f * s), Rgba(glm::vec3(p.c.text), 0.55f));
    }
  }

  // The probe sample's label: the output nodes show how wrong the network is on it (S4).
  int probe_label = -1;
  if (snap.probe_index >= 0 && p.scene.dataset)
    if (const data::Point* pt = p.scene.dataset->training_point(size_t(snap.probe_index))) probe_label = pt->label;

  // Pulses: a forward wave input -> output, then a backprop wave output -> input whose
  // brightness on each edge is that edge's gradient magnitude and whose colour is the sign of
  // the update it caused (the latest step's). With error pulses (S4) the backward wave is red
  // and carries the probe sample's error back instead: on each edge |w * delta|, the share of
  // the target neuron's error signal sent to its source.
  const double phase = std::fmod(std::max(p.scene.time_s, 0.0), k_pulse_period_s) / k_pulse_period_s;
  const bool forward = phase < 0.5;
  const double u = forward ? phase * 2.0 * double(layers.size()) : (1.0 - (phase - 0.5) * 2.0) * double(layers.size());
  const size_t l = std::min(size_t(u), layers.size() - 1);
  const float frac = float(u - double(l));
  std::vector<float> error_delta;  // the probe's delta of layer l's neurons (error pulses)
  bool error_wave = false;
  if (!forward && p.scene.error_pulses && probe_label >= 0 && !snap.probe.empty() && p.scene.training) {
    try {
      error_delta = nn::explain_step(snap, p.scene.loss, snap.probe[0], probe_label).layers[l].delta;
      error_wave = true;
    } catch (const std::invalid_argument&) {
      // A probe that does not fit the network (a restart in between): the usual wave.
    }
  }
  if (!snap.grads.empty() && p.scene.training) {
    const auto& L = layers[l];
    auto magnitude = [&](size_t e) {
      const size_t j = e / size_t(L.in), i = e % size_t(L.in);
      const float a_in = snap.probe.size() > l ? snap.probe[l][i] : 1.0f;
      return forward      ? std::abs(snap.params[L.w_offset + e] * a_in)
             : error_wave ? std::abs(snap.params[L.w_offset + e] * error_delta[j])
                          : std::abs(snap.grads[L.w_offset + e]);
    };
    const size_t count = size_t(L.in) * L.out;
    const auto edges = strongest_edges(p.scene, edges_key(l, forward ? k_forward : error_wave ? k_error : k_gradients), count,
                                       k_max_pulses_per_layer, magnitude);
    const float top = std::max(edges.top, 1e-12f);
    const float k = density(count);
    for (size_t e : edges.strongest) {
      const float t = magnitude(e) / top;
      if (t < 0.02f) continue;
      const int j = int(e) / L.in, i = int(e) % L.in;
      const auto a = node(l, i), b = node(l + 1, j);
      // Each edge's pulse keeps its own time: strong edges lead, and the target's position
      // staggers the rest, so a still shows streaks along edges, not a column of dots that
      // reads as another layer.
      const float lead = 0.35f * (1.0f - t) + 0.15f * float(j) / float(std::max(L.out - 1, 1));
      const float f_wave = (frac * 1.5f - lead) / (1.5f - 0.5f);
      if (f_wave <= 0.0f || f_wave >= 1.0f) continue;  // not started yet, or arrived
      const float fade = std::min({1.0f, f_wave / 0.12f, (1.0f - f_wave) / 0.12f});
      const float f = forward ? f_wave : 1.0f - f_wave;
      const float tail = std::clamp(forward ? f - k_streak : f + k_streak, 0.0f, 1.0f);
      const Vec2 head = glm::mix(a, b, f), from = glm::mix(a, b, tail);
      Rgba c = forward      ? Rgba{0.98f, 0.78f, 0.20f, 1.0f}
               : error_wave ? Rgba{0.86f, 0.08f, 0.10f, 1.0f}
                            : (snap.last_update[L.w_offset + e] >= 0 ? p.c.positive() : p.c.negative());
      const float w = std::max(1.5f, (1.5f + 3.5f * t) * s * std::sqrt(k));
      p.under.line(from, head, 2.4f * w, Rgba(glm::vec3(c), 0.18f * t * fade));  // glow
      c.a = (0.4f + 0.6f * t) * fade;
      p.under.line(from, head, w, c);                                // the streak
      p.under.disc(head, 0.9f * w, c);                               // its bright head
    }
  }

  // Nodes.
  const Rgba neutral{p.c.field.neutral.x, p.c.field.neutral.y, p.c.field.neutral.z, 1.0f};
  auto activation_colour = [&](float a) {
    return glm::mix(neutral, a >= 0 ? p.c.positive() : p.c.negative(), std::pow(std::min(std::abs(a), 1.0f), 0.8f));
  };
  // A red halo around an output node, as wide and strong as its error on the probe sample.
  auto error_halo = [&](Vec2 pos, float error) {
    if (probe_label < 0 || radius < 4.0f || !(error > 0.02f)) return;
    const float e = std::min(error, 1.0f);
    p.out.disc(pos, radius * (1.15f + 0.45f * e), {0.86f, 0.10f, 0.12f, 0.15f + 0.6f * e});
  };
  uint32_t channel = 0;
  for (size_t c = 0; c < columns; ++c) {
    const bool hidden = c > 0 && c < columns - 1;
    const bool output = c == columns - 1;
    float bias_top = 1e-6f;
    if (c > 0) {
      const auto& L = layers[c - 1];
      for (int j = 0; j < L.out; ++j) bias_top = std::max(bias_top, std::abs(snap.params[L.b_offset + j]));
    }
    for (int j = 0; j < counts[c]; ++j) {
      const auto pos = node(c, j);
      const float a = snap.probe.size() > c ? snap.probe[c][j] : 0.0f;
      if (hidden && thumbs) {
        const float half = 0.5f * float(comp.thumbnail_size);
        const Rect tr{pos.x - half, pos.y - half, pos.x + half, pos.y + half};
        comp.thumbnails.push_back({tr, channel});
        const bool selected = p.options.neuron_layer == int(c) - 1 && p.options.neuron == j;
        p.out.rect_outline(tr.inset(-std::max(1.0f, s)), std::max(1.0f, (selected ? 3.0f : 1.0f) * s),
                           selected ? p.c.text : p.c.frame);
        p.out.disc(tr.x1, tr.y0, std::max(2.0f, 5.0f * s), activation_colour(a), 0.0f, {p.c.outline, std::max(0.6f, 0.9f * s)});
      } else if (output && counts[c] > 1) {
        error_halo(pos, std::abs((probe_label == j ? 1.0f : 0.0f) - a));
        p.out.disc(pos, radius, glm::mix(neutral, p.c.class_colour(j), std::min(std::abs(a), 1.0f)), 0.0f,
                   {p.c.outline, std::max(0.6f, 1.2f * s)});
      } else if (output) {
        const float error = std::abs(float(probe_label) - a);
        error_halo(pos, error);
        if (probe_label >= 0 && radius >= 4.0f) {
          char text[48];
          std::snprintf(text, sizeof text, "error %.2f", double(error));
          // On a plate: the edges of a wide layer converge here and would run through it.
          // Under the node, within the diagram (the output column is at its right edge).
          const float size = p.text(14), half = 0.5f * p.fonts.regular.measure(text, size) + 3.0f * s;
          const float base = pos.y + 1.6f * radius + size, cx = std::min(pos.x, r.x1 - half - 2.0f * s);
          p.out.rect({cx - half, base - 0.95f * size, cx + half, base + 0.3f * size}, Rgba(glm::vec3(p.c.panel), 0.9f));
          p.fonts.regular.draw(p.out, text, cx, base, size,
                               error > 0.5f ? Rgba{0.78f, 0.08f, 0.12f, 1.0f} : p.c.muted, Align::center);
        }
        p.out.disc(pos, radius, glm::mix(neutral, a >= 0.5f ? p.c.class_colour(1) : p.c.class_colour(0), std::abs(2.0f * a - 1.0f)),
                   0.0f, {p.c.outline, std::max(0.6f, 1.2f * s)});
      } else {
        p.out.disc(pos, radius, activation_colour(a), 0.0f, {p.c.outline, radius > 2.0f ? std::max(0.6f, 1.0f * s) : 0.0f});
      }
      if (hidden) ++channel;
      // Bias: a bar left of the node, its height the bias magnitude, its colour the sign.
      if (c > 0 && radius >= 4.0f) {
        const float b = snap.params[layers[c - 1].b_offset + j];
        const float h = std::max(1.0f, radius * 1.6f * std::abs(b) / bias_top);
        const float x = pos.x - radius - 7.0f * s;
        p.out.rect({x - 2.0f * s, pos.y + radius - h, x + 2.0f * s, pos.y + radius}, b >= 0 ? p.c.positive() : p.c.negative());
      }
      if (c == 0 && radius >= 4.0f)
        p.fonts.regular.draw(p.out, nn::display_name(p.scene.input_map.features[j]), pos.x - radius - 10 * s,
                             pos.y + 0.33f * name_px, name_px, p.c.text, Align::right);
    }
    const std::string title = c == 0 ? "input" : output ? "output" : std::to_string(counts[c]);
    const float half = 0.5f * p.fonts.regular.measure(title, label_px);
    const float x = std::max(std::min(area.x0 + col_step * float(c), r.x1 - half - 4.0f * s), r.x0 + half + 4.0f * s);
    p.fonts.regular.draw(p.out, title, x, r.y0 + 1.7f * label_px, label_px, p.c.muted, Align::center);
  }
  const char* legend = !p.scene.training ? "not training: no pulses"
                       : forward         ? "forward pass \xE2\x86\x92"
                       : error_wave      ? "\xE2\x86\x90 the error flows back (red: the share each edge carries)"
                                         : "\xE2\x86\x90 backprop: |gradient|, sign of update";
  p.fonts.regular.draw(p.out, legend, r.x0 + 12 * s, r.y1 - 0.8f * label_px, label_px, p.c.muted);
}

}  // namespace nnlive::render
