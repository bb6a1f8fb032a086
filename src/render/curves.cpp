// SPDX-License-Identifier: MIT
// Loss curves (training solid, test dashed, log or linear y) over an accuracy panel, with
// ticks, labels and markers for the auto-pause epoch and the best test loss. Long histories
// are decimated per pixel column keeping each column's min and max, so no spike is dropped.
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <functional>
#include <glm/geometric.hpp>
#include <span>

#include "compose_parts.hpp"

namespace nnlive::render {

void polyline(ShapeBatch& out, const std::vector<Vec2>& pts, float width, const Rgba& c, float dash) {
  float walked = 0.0f;
  for (size_t i = 1; i < pts.size(); ++i) {
    const Vec2 a = pts[i - 1], b = pts[i];
    const float len = glm::distance(a, b);
    if (dash <= 0.0f) {
      out.line(a, b, width, c);
      continue;
    }
    // Dashes continue across segment joins: walked is the distance along the whole line.
    float t = 0.0f;
    while (t < len) {
      const float phase = std::fmod(walked + t, 2.0f * dash);
      const float run = std::min(len - t, (phase < dash ? dash : 2.0f * dash) - phase);
      if (phase < dash && len > 0.0f)
        out.line(glm::mix(a, b, t / len), glm::mix(a, b, (t + run) / len), width, c);
      t += std::max(run, 1e-3f);
    }
    walked += len;
  }
}

namespace {

std::string tick_label(double v, bool percent) {
  char buf[32];
  if (percent) std::snprintf(buf, sizeof buf, "%.0f%%", v * 100.0);
  else if (v != 0.0 && (std::abs(v) < 0.01 || std::abs(v) >= 1e4)) std::snprintf(buf, sizeof buf, "%.0e", v);
  else std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

double nice_step(double range, int target) {
  const double raw = range / std::max(target, 1);
  const double mag = std::pow(10.0, std::floor(std::log10(raw)));
  for (double f : {1.0, 2.0, 5.0, 10.0})
    if (raw <= f * mag) return f * mag;
  return 10.0 * mag;
}

struct Plot {
  Rect r;           // plotting area
  double e0, e1;    // epochs shown
  double y0, y1;    // value range (log10 values when log)
  bool log;
  float x(double e) const { return r.x0 + float((e - e0) / (e1 - e0)) * r.width(); }
  float y(double v) const {
    const double t = log ? std::log10(std::max(v, 1e-12)) : v;
    return r.y1 - float((std::clamp(t, y0, y1) - y0) / (y1 - y0)) * r.height();
  }
};

// The curve of one metric through every epoch, at most a few points per pixel column.
std::vector<Vec2> curve(const Plot& plot, const std::vector<nn::Metrics>& h,
                                        const std::function<double(const nn::Metrics&)>& get) {
  std::vector<Vec2> pts;
  const int columns = std::max(1, int(plot.r.width()));
  if (h.size() <= size_t(columns) * 2) {
    for (const auto& m : h)
      if (std::isfinite(get(m))) pts.push_back({plot.x(m.epoch), plot.y(get(m))});
    return pts;
  }
  size_t i = 0;
  for (int col = 0; col < columns && i < h.size(); ++col) {
    const double end = plot.e0 + (plot.e1 - plot.e0) * (col + 1) / columns;
    double first = NAN, last = NAN, lo = INFINITY, hi = -INFINITY;
    for (; i < h.size() && h[i].epoch <= end; ++i) {
      const double v = get(h[i]);
      if (!std::isfinite(v)) continue;
      if (std::isnan(first)) first = v;
      last = v;
      lo = std::min(lo, v);
      hi = std::max(hi, v);
    }
    if (std::isnan(first)) continue;
    const float x = plot.r.x0 + col + 0.5f;
    // first, the extremes in the order they occurred would need the indices; min then max
    // (or max then min) keeps every spike visible, which is what matters at this density.
    pts.push_back({x, plot.y(first)});
    if (first >= last) {
      pts.push_back({x, plot.y(hi)});
      pts.push_back({x, plot.y(lo)});
    } else {
      pts.push_back({x, plot.y(lo)});
      pts.push_back({x, plot.y(hi)});
    }
    pts.push_back({x, plot.y(last)});
  }
  return pts;
}

Plot loss_plot(const Rect& r, std::span<const std::vector<nn::Metrics>* const> histories, bool log) {
  const LossRange range = loss_range(histories, log);
  return Plot{r, 0.0, range.last_epoch, range.y0, range.y1, log};
}

// How many points of the curves (sampled every 2 px along each segment) fall inside r.
int points_inside(const std::vector<std::vector<Vec2>>& curves, const Rect& r) {
  int n = 0;
  auto inside = [&](Vec2 v) { return v.x >= r.x0 && v.x <= r.x1 && v.y >= r.y0 && v.y <= r.y1; };
  for (const auto& c : curves)
    for (size_t i = 0; i + 1 < c.size(); ++i) {
      const Vec2 a = c[i], b = c[i + 1];
      // Segments wholly to one side of the box cannot touch it.
      const Vec2 lo = glm::min(a, b), hi = glm::max(a, b);
      if (hi.x < r.x0 || lo.x > r.x1 || hi.y < r.y0 || lo.y > r.y1) continue;
      const int steps = std::max(1, int(glm::distance(a, b) / 2.0f));
      for (int k = 0; k <= steps; ++k) n += inside(glm::mix(a, b, float(k) / float(steps)));
    }
  return n;
}

// A marker's label: of the candidate places (text centre x and baseline y), the first that
// lies inside the chart and covers the fewest curve points; a label set off from its marker
// gets a thin leader line. Returns the chosen place.
Vec2 place_label(const Parts& p, const std::string& text, float px, const Rect& chart, const std::vector<std::vector<Vec2>>& curves,
                 const std::vector<Vec2>& candidates) {
  const float w = p.fonts.regular.measure(text, px), pad = 3 * p.s;
  auto box = [&](Vec2 c) { return Rect{c.x - 0.5f * w - pad, c.y - 0.8f * px - pad, c.x + 0.5f * w + pad, c.y + 0.25f * px + pad}; };
  Vec2 best = candidates.front();
  int best_score = -1;
  for (const auto& c : candidates) {
    const Rect b = box(c);
    if (b.x0 < chart.x0 || b.x1 > chart.x1 || b.y0 < chart.y0 || b.y1 > chart.y1) continue;
    const int score = points_inside(curves, b);
    if (best_score < 0 || score < best_score) best = c, best_score = score;
    if (score == 0) break;
  }
  if (best_score < 0) {  // nowhere fits wholly: the first place, pulled inside the chart
    best.x = std::clamp(best.x, chart.x0 + 0.5f * w + pad, std::max(chart.x0 + 0.5f * w + pad, chart.x1 - 0.5f * w - pad));
    best.y = std::clamp(best.y, chart.y0 + 0.8f * px + pad, std::max(chart.y0 + 0.8f * px + pad, chart.y1 - 0.25f * px - pad));
  }
  return best;
}

// k: text larger than the design sizes by this factor.
void axes(const Parts& p, const Plot& plot, const std::string& title, bool percent, float k = 1.0f) {
  const float s = p.s, fs = p.text(15 * k);
  const Rect& r = plot.r;
  p.under.line(r.x0, r.y1, r.x1, r.y1, std::max(1.0f, s), p.c.muted);
  p.under.line(r.x0, r.y0, r.x0, r.y1, std::max(1.0f, s), p.c.muted);
  // y ticks
  if (plot.log) {
    // Decades labelled no closer than 1.4 text heights: every n-th one when they would crowd.
    const float decade_px = r.height() / float(std::max(plot.y1 - plot.y0, 1e-9));
    const int every = std::max(1, int(std::ceil(1.4f * fs / std::max(decade_px, 1e-3f))));
    const int top = int(std::floor(plot.y1));
    for (int k = int(std::ceil(plot.y0)); k <= top; ++k) {
      const float y = plot.y(std::pow(10.0, k));
      p.under.line(r.x0, y, r.x1, y, std::max(1.0f, 0.8f * s), p.c.grid);
      if ((top - k) % every == 0)
        p.fonts.regular.draw(p.out, tick_label(std::pow(10.0, k), false), r.x0 - 6 * s, y + 0.33f * fs, fs, p.c.muted, Align::right);
    }
  } else {
    const int ticks = std::clamp(int(r.height() / (1.5f * fs)), 1, 4);  // never crowded
    const double step = nice_step(plot.y1 - plot.y0, ticks);
    float labelled = INFINITY;  // the last label's y: none closer than 1.1 text heights (a short chart)
    for (double v = std::ceil(plot.y0 / step) * step; v <= plot.y1 + 1e-9; v += step) {
      const float y = plot.y(v);
      p.under.line(r.x0, y, r.x1, y, std::max(1.0f, 0.8f * s), p.c.grid);
      if (std::abs(y - labelled) < 1.1f * fs) continue;
      p.fonts.regular.draw(p.out, tick_label(v, percent), r.x0 - 6 * s, y + 0.33f * fs, fs, p.c.muted, Align::right);
      labelled = y;
    }
  }
  // x ticks (epochs)
  // Epoch ticks: about five, fewer when their labels would not fit.
  const int ticks = std::clamp(int(r.width() / (4.0f * fs)), 2, 5);
  const double step = std::max(1.0, nice_step(plot.e1 - plot.e0, ticks));
  for (double e = std::ceil(plot.e0 / step) * step; e <= plot.e1 + 1e-9; e += step) {
    const float x = plot.x(e);
    p.under.line(x, r.y1, x, r.y1 + 5 * s, std::max(1.0f, s), p.c.muted);
    p.fonts.regular.draw(p.out, tick_label(e, false), x, r.y1 + 5 * s + 1.05f * fs, fs, p.c.muted, Align::center);
  }
  p.fonts.bold.draw(p.out, title, r.x0, r.y0 - 0.66f * p.text(18 * k), p.text(18 * k), p.c.text);
}

}  // namespace

void draw_curves(const Parts& p, const Rect& area) {
  const auto& h = *p.scene.history;
  const float s = p.s;
  const float fs = p.text(15), title_px = p.text(18), small_px = p.text(14), legend_px = p.text(16);
  const Rect inner{area.x0 + std::max(70 * s, 4.4f * fs), area.y0 + std::max(40 * s, 2.2f * title_px), area.x1 - std::max(20 * s, 1.4f * fs),
                   area.y1 - std::max(36 * s, 2.4f * fs)};
  const float gap = std::max(56 * s, 1.6f * fs + 2.0f * title_px);
  // Both charts when the accuracy chart gets room for a few text heights; else the loss alone
  // (large text in a short panel: an exhibit's bar, a projector), the header keeps the accuracy.
  const bool with_accuracy = (inner.height() - gap) * 0.38f >= 3.2f * fs;
  const float loss_h = with_accuracy ? (inner.height() - gap) * 0.62f : inner.height();
  const Rect loss_r{inner.x0, inner.y0, inner.x1, inner.y0 + loss_h};
  const Rect acc_r = with_accuracy ? Rect{inner.x0, loss_r.y1 + gap, inner.x1, inner.y1} : loss_r;
  if (loss_r.height() < 10 || inner.width() < 20) return;

  const bool log = p.options.log_loss;
  const std::array<const std::vector<nn::Metrics>*, 1> own{&h};
  const Plot loss = loss_plot(loss_r, own, log);
  const double e1 = loss.e1;
  axes(p, loss, log ? "loss (log)" : "loss", false);
  const float w = std::max(1.2f, 2.2f * s);
  const std::vector<std::vector<Vec2>> loss_curves{curve(loss, h, [](const nn::Metrics& m) { return m.test_loss; }),
                                                                   curve(loss, h, [](const nn::Metrics& m) { return m.train_loss; })};
  polyline(p.under, loss_curves[0], w, p.c.test_curve, 9.0f * s);
  polyline(p.under, loss_curves[1], w, p.c.train_curve);

  // Legend.
  const float ly = loss_r.y0 - 0.66f * title_px;
  const float legend_w = 2.0f * 42 * s + 18 * s + p.fonts.regular.measure("train", legend_px) + p.fonts.regular.measure("test", legend_px);
  float lx = loss_r.x1 - legend_w;
  const float mid = ly - 0.35f * legend_px;
  polyline(p.under, {{lx, mid}, {lx + 34 * s, mid}}, w, p.c.train_curve);
  lx = p.fonts.regular.draw(p.out, "train", lx + 42 * s, ly, legend_px, p.c.text) + 18 * s;
  polyline(p.under, {{lx, mid}, {lx + 34 * s, mid}}, w, p.c.test_curve, 9.0f * s);
  p.fonts.regular.draw(p.out, "test", lx + 42 * s, ly, legend_px, p.c.text);

  // Markers: best test loss and the epoch the stop rule paused at. Their labels go where they
  // cover no curve (or the least of one), with a leader line when set off from the marker.
  const nn::Metrics* best = nullptr;
  for (const auto& m : h)
    if (std::isfinite(m.test_loss) && (!best || m.test_loss < best->test_loss)) best = &m;
  if (best && best->epoch > 0) {
    const float x = loss.x(best->epoch), y = loss.y(best->test_loss);
    p.out.marker(SHAPE_DIAMOND, x, y, 6 * s, p.c.marker);
    const float half = 0.5f * p.fonts.regular.measure("best test", small_px) + 8 * s, below = y + 8 * s + small_px, above = y - 10 * s;
    std::vector<Vec2> places;
    for (float far : {0.0f, 1.5f * small_px, 3.0f * small_px, 5.0f * small_px})
      for (float dx : {0.0f, -half, half, -3.0f * half, 3.0f * half}) {
        places.push_back({x + dx, below + far});
        places.push_back({x + dx, above - far});
      }
    const Vec2 at = place_label(p, "best test", small_px, loss_r, loss_curves, places);
    if (glm::distance(at, Vec2(x, y)) > 1.5f * small_px + 10 * s) {
      const float ty = at.y < y ? at.y + 0.35f * small_px : at.y - 1.0f * small_px;
      p.under.line(x, y, at.x, ty, std::max(1.0f, 0.8f * s), p.c.marker);
    }
    p.fonts.regular.draw(p.out, "best test", at.x, at.y, small_px, p.c.marker, Align::center);
  }
  if (const auto& paused = p.scene.snapshot->paused_at) {
    const float x = loss.x(*paused);
    polyline(p.under, {{x, loss_r.y0}, {x, acc_r.y1}}, std::max(1.0f, 1.5f * s), p.c.marker, 6 * s);
    const float half = 0.5f * p.fonts.regular.measure("paused", small_px) + 6 * s;
    std::vector<Vec2> places;
    for (float t : {0.0f, 0.25f, 0.5f, 0.75f, 1.0f}) {
      const float yy = loss_r.y0 + 1.1f * small_px + t * (loss_r.height() - 1.4f * small_px);
      places.push_back({x - half, yy});
      places.push_back({x + half, yy});
    }
    const Vec2 at = place_label(p, "paused", small_px, loss_r, loss_curves, places);
    p.fonts.regular.draw(p.out, "paused", at.x, at.y, small_px, p.c.marker, Align::center);
  }

  if (with_accuracy) {
    Plot acc{acc_r, 0.0, e1, 0.0, 1.0, false};
    axes(p, acc, "accuracy", true);
    polyline(p.under, curve(acc, h, [](const nn::Metrics& m) { return m.test_acc; }), w, p.c.test_curve, 9.0f * s);
    polyline(p.under, curve(acc, h, [](const nn::Metrics& m) { return m.train_acc; }), w, p.c.train_curve);
  }
  p.fonts.regular.draw(p.out, "epoch", acc_r.x1, acc_r.y1 + 5 * s + 1.05f * fs + small_px, small_px, p.c.muted, Align::right);
}

LossRange loss_range(std::span<const std::vector<nn::Metrics>* const> histories, bool log) {
  double last = 10.0, lo = INFINITY, hi = -INFINITY;
  for (const auto* h : histories)
    for (const auto& m : *h) {
      last = std::max(last, double(m.epoch));
      for (double v : {m.train_loss, m.test_loss})
        if (std::isfinite(v) && v > 0) lo = std::min(lo, v), hi = std::max(hi, v);
    }
  if (!std::isfinite(lo)) lo = 0.01, hi = 1.0;
  if (!log) return {last, 0.0, hi * 1.05};
  const double y0 = std::floor(std::log10(lo));
  return {last, y0, std::max(std::ceil(std::log10(hi)), y0 + 1.0)};
}

void draw_badge(const Parts& p, float cx, float cy, float radius, int index) {
  p.out.disc(cx, cy, radius, run_colour(size_t(index)), 0.0f, {{1, 1, 1, 1}, std::max(1.0f, 0.12f * radius)});
  const std::string n = std::to_string(index + 1);
  const float size = 1.25f * radius;
  p.fonts.bold.draw(p.out, n, cx, cy + 0.36f * size, size, {1, 1, 1, 1}, Align::center);
}

void draw_comparison(const Parts& p, const Rect& area) {
  const auto& runs = p.scene.compared;
  const float s = p.s;
  // Larger than a run's own curves: the chart is what a side-by-side picture is read by.
  const float fs = p.text(22), title_px = p.text(26), legend_px = p.text(30), small_px = p.text(22);
  const float m = std::round(22.0f * s);
  // The legend beside the chart when the panel is wide, else below it.
  float label_w = 0.0f;
  for (const auto& r : runs) label_w = std::max(label_w, p.fonts.bold.measure(r.label, legend_px));
  label_w = std::max(label_w, p.fonts.regular.measure("epoch 88888  train 8.88e-08  test 8.88e-08", small_px));
  const float entry_h = legend_px + small_px + 14.0f * s, badge_r = 0.62f * legend_px;
  const float legend_w = 2.6f * badge_r + 10.0f * s + label_w;
  const bool beside = area.width() - legend_w - 2.0f * m > 1.1f * area.height();
  const float legend_h = float(runs.size()) * entry_h;
  Rect chart = area.inset(m), legend;
  int cols = 1;
  if (beside) {
    legend = {chart.x1 - legend_w, chart.y0, chart.x1, chart.y1};
    chart.x1 = legend.x0 - m;
  } else {
    // Two columns of entries when the legend would take more than a third of the height.
    cols = legend_h > 0.34f * chart.height() && chart.width() > 2.2f * legend_w ? 2 : 1;
    const float h = std::ceil(float(runs.size()) / float(cols)) * entry_h;
    legend = {chart.x0, chart.y1 - h, chart.x1, chart.y1};
    chart.y1 = legend.y0 - 0.5f * m;
  }
  const Rect plot_r{chart.x0 + std::max(60 * s, 4.0f * fs), chart.y0 + std::max(36 * s, 2.0f * title_px), chart.x1 - 8 * s,
                    chart.y1 - std::max(36 * s, 2.4f * fs)};
  if (plot_r.height() > 20 && plot_r.width() > 40) {
    std::vector<const std::vector<nn::Metrics>*> histories;
    for (const auto& r : runs) histories.push_back(r.history);
    const bool log = p.options.log_loss;
    const Plot plot = loss_plot(plot_r, histories, log);
    axes(p, plot, log ? "loss side by side (log): train solid, test dashed" : "loss side by side: train solid, test dashed", false,
         22.0f / 15.0f);
    const float w = std::max(1.2f, 2.4f * s);
    for (size_t i = runs.size(); i-- > 0;) {  // run 1 on top
      const Rgba c = run_colour(i);
      polyline(p.under, curve(plot, *runs[i].history, [](const nn::Metrics& mt) { return mt.test_loss; }), 0.8f * w, c, 8.0f * s);
      polyline(p.under, curve(plot, *runs[i].history, [](const nn::Metrics& mt) { return mt.train_loss; }), w, c);
    }
    p.fonts.regular.draw(p.out, "epoch", plot_r.x1, plot_r.y1 + 5 * s + 1.05f * fs + small_px, small_px, p.c.muted, Align::right);
  }
  // The legend: badge (as on each run's panel), what differs, where the run is.
  const float col_w = legend.width() / float(cols);
  const size_t per_col = (runs.size() + size_t(cols) - 1) / size_t(cols);
  for (size_t i = 0; i < runs.size(); ++i) {
    const float x = legend.x0 + float(i / per_col) * col_w, y = legend.y0 + float(i % per_col) * entry_h;
    draw_badge(p, x + badge_r, y + badge_r + 2 * s, badge_r, int(i));
    const float tx = x + 2.6f * badge_r + 4 * s;
    p.fonts.bold.draw(p.out, p.fonts.bold.elide(runs[i].label, legend_px, x + col_w - tx - 6 * s), tx, y + legend_px, legend_px, p.c.text);
    const auto& h = *runs[i].history;
    char line[96];
    if (h.empty()) std::snprintf(line, sizeof line, "epoch 0");
    else
      std::snprintf(line, sizeof line, "epoch %d  train %.3g  test %.3g%s", h.back().epoch, h.back().train_loss, h.back().test_loss,
                    runs[i].diverged ? "  diverged" : "");
    p.fonts.regular.draw(p.out, line, tx, y + legend_px + small_px + 5 * s, small_px, runs[i].diverged ? p.c.wrong : p.c.muted);
  }
}

}  // namespace nnlive::render
