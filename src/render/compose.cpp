// SPDX-License-Identifier: MIT
// Layout and the header; points, curves and the network diagram live in their own files.
#include "nnlive/render/compose.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <sstream>
#include <string>
#include <vector>

#include "compose_parts.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::render {

nn::View fit_view(const nn::View& v, float w, float h) {
  const double vw = v[2] - v[0], vh = v[3] - v[1];
  const double cx = 0.5 * (v[0] + v[2]), cy = 0.5 * (v[1] + v[3]);
  const double aspect = double(w) / std::max(double(h), 1.0);
  double hw = 0.5 * vw, hh = 0.5 * vh;
  if (vw / vh < aspect) hw = hh * aspect;
  else hh = hw / aspect;
  return {cx - hw, cy - hh, cx + hw, cy + hh};
}

namespace {

Rect snap(const Rect& r) { return {std::round(r.x0), std::round(r.y0), std::round(r.x1), std::round(r.y1)}; }

std::string format_loss(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, v < 0.001 ? "%.2e" : "%.4f", v);
  return buf;
}

std::string format_percent(double v) {
  if (!std::isfinite(v)) return "-";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f%%", 100.0 * v);
  return buf;
}

// The header: title, epoch and state on the left, the figures on the right; when they do not
// fit on one line (a large header_scale), the figures go on a second line.
struct Header {
  std::string title, epoch, state, stats;
  float title_px = 0.0f;  // the title's size: smaller, then cut short, where it would not fit
  bool diverged = false;
  float k = 1.0f;       // font scale: design scale times header_scale
  bool two_rows = false;
  float height = 0.0f;  // pixels from the top margin to the content below
};

Header plan_header(const Scene& scene, const RenderOptions& o, float width, float s, const Fonts& fonts) {
  const nn::Snapshot& snap = *scene.snapshot;
  Header h;
  h.k = s * std::clamp(o.header_scale, 0.5f, 8.0f);
  h.epoch = "epoch " + std::to_string(snap.epoch);
  if (snap.diverged) {
    h.diverged = true;
    h.state = "diverged" + (snap.diverged_at ? " at epoch " + std::to_string(*snap.diverged_at) : std::string());
  } else if (snap.paused_at) {
    h.state = "paused at epoch " + std::to_string(*snap.paused_at);
  }
  const nn::Metrics& m = snap.latest;
  char lr[32];
  std::snprintf(lr, sizeof lr, "%g", scene.learning_rate);
  h.stats = "train loss " + format_loss(m.train_loss) + "   test loss " + format_loss(m.test_loss) + "   train acc " +
            format_percent(m.train_acc) + "   test acc " + format_percent(m.test_acc) + "   \xCE\xB7 " + lr;
  // One row or two is decided from the widest the figures can get (a state line, 7-digit
  // epochs, the longest number formats), not from this frame's values: the header, and the
  // field below it, never jump as the numbers change.
  const std::string widest_loss = "8.88e-08", widest_acc = "100.0%";
  const std::string widest_stats = "train loss " + widest_loss + "   test loss " + widest_loss + "   train acc " + widest_acc +
                                   "   test acc " + widest_acc + "   \xCE\xB7 " + lr;
  // Widths at k = 1 (they scale with k): the epoch and the state, which keep their room, and
  // the figures. Where a panel is too narrow for them at its scale (side by side, large text),
  // the whole header is set smaller: the figures fit the width, the epoch and state 3/5 of it.
  const float reserve_1 = 58.0f + fonts.bold.measure("epoch 8888888", 26.0f) + fonts.bold.measure("diverged at epoch 8888888", 24.0f);
  const float stats_1 = fonts.regular.measure(widest_stats, 22.0f);
  h.k = std::min({h.k, 0.6f * width / reserve_1, width / stats_1});
  const float reserve = reserve_1 * h.k;
  // A title too long for the rest (side by side, a run's name and all it differs in) is set
  // smaller, down to 3/4, then cut short with an ellipsis.
  const float room = width - reserve, title_w = fonts.bold.measure(scene.title, 36.0f * h.k);
  h.title_px = title_w > room ? std::max(0.75f, room / title_w) * 36.0f * h.k : 36.0f * h.k;
  h.title = fonts.bold.elide(scene.title, h.title_px, room);
  const float left = fonts.bold.measure(h.title, h.title_px) + reserve;
  const float right = stats_1 * h.k;
  h.two_rows = left + 40.0f * h.k + right > width;
  h.height = (h.two_rows ? 112.0f : 70.0f) * h.k;
  return h;
}

void header(const Header& h, const Rect& r, const Fonts& fonts, const Colours& c, ShapeBatch& out) {
  const float k = h.k;
  const float base = h.two_rows ? r.y0 + 40.0f * k : r.y0 + 0.5f * r.height() + 11.0f * k;
  float x = fonts.bold.draw(out, h.title, r.x0, base, h.title_px, c.text);
  x += 28.0f * k;
  x = fonts.bold.draw(out, h.epoch, x, base, 26.0f * k, c.text) + 30.0f * k;
  if (!h.state.empty()) fonts.bold.draw(out, h.state, x, base, 24.0f * k, h.diverged ? c.wrong : c.marker);
  if (h.two_rows) fonts.regular.draw(out, h.stats, r.x0, base + 38.0f * k, 22.0f * k, c.text);
  else fonts.regular.draw(out, h.stats, r.x1, base, 22.0f * k, c.text, Align::right);
}

// A lesson's highlights: a ring around a region of the field, a frame around the loss chart
// with the curve's name.
void highlights(const Parts& p, const FieldPanel& field, const Rect& curves) {
  const float s = p.s, k = std::max(1.0f, p.options.header_scale);
  const Rgba ring{0.93f, 0.16f, 0.45f, 1.0f};
  if (p.scene.highlight_region) {
    const auto& r = *p.scene.highlight_region;
    const auto a = field.pixel(float(r[0]), float(r[3])), b = field.pixel(float(r[2]), float(r[1]));  // top left, bottom right
    const Rect box{std::max(a[0], field.rect.x0), std::max(a[1], field.rect.y0), std::min(b[0], field.rect.x1),
                   std::min(b[1], field.rect.y1)};
    if (box.x1 > box.x0 && box.y1 > box.y0) p.out.rect_outline(box, 4.0f * s * k, ring);
  }
  if (!p.scene.highlight_curve.empty() && curves.width() > 0) {
    p.out.rect_outline(curves.inset(-3.0f * s), 4.0f * s * k, ring);
    // A tag on the frame's top edge, clear of the chart's own title and legend.
    const std::string label = "watch the " + p.scene.highlight_curve + " loss";
    const float size = p.text(20), w = p.fonts.bold.measure(label, size) + size;
    const float cx = 0.5f * (curves.x0 + curves.x1), top = curves.y0 - 3.0f * s;
    p.out.rect({cx - 0.5f * w, top - 0.75f * size, cx + 0.5f * w, top + 0.55f * size}, ring);
    p.fonts.bold.draw(p.out, label, cx, top + 0.33f * size, size, {1, 1, 1, 1}, Align::center);
  }
}

// Words of `text` in lines no wider than `width` at `size`.
std::vector<std::string> wrap(const std::string& text, float width, float size, const Font& font) {
  std::vector<std::string> lines;
  std::string line, word;
  std::istringstream words(text);
  while (words >> word) {
    const std::string longer = line.empty() ? word : line + " " + word;
    if (!line.empty() && font.measure(longer, size) > width) lines.push_back(line), line = word;
    else line = longer;
  }
  if (!line.empty()) lines.push_back(line);
  return lines;
}

// The caption band across the bottom of the frame: large light text on a dark band, readable
// from the back of a hall (34 px at 1080p, times the presentation scale), hint at the right.
struct CaptionBand {
  std::vector<std::string> lines;
  float size = 0, line_h = 0, pad = 0, height = 0;
};

CaptionBand plan_caption(const Scene& scene, const RenderOptions& o, float W, float H, float s, const Fonts& fonts) {
  CaptionBand b;
  if (scene.caption.empty()) return b;
  const float k = std::clamp(o.header_scale, 1.0f, 8.0f);
  b.size = 34.0f * s * k, b.line_h = 1.3f * b.size, b.pad = 0.6f * b.size;
  const float hint_w = scene.caption_hint.empty() ? 0.0f : fonts.bold.measure(scene.caption_hint, b.size) + 2.0f * b.pad;
  b.lines = wrap(scene.caption, W - 2.0f * b.pad - hint_w, b.size, fonts.regular);
  const size_t max_lines = std::max<size_t>(1, size_t((0.3f * H - 2.0f * b.pad) / b.line_h));
  if (b.lines.size() > max_lines) b.lines.resize(max_lines), b.lines.back() += " \xE2\x80\xA6";
  b.height = std::round(float(b.lines.size()) * b.line_h + 2.0f * b.pad);
  return b;
}

void caption_band(const CaptionBand& b, const Scene& scene, float W, float H, const Fonts& fonts, ShapeBatch& out) {
  const Rect band{0.0f, H - b.height, W, H};
  out.rect(band, {0.07f, 0.08f, 0.11f, 0.94f});
  const Rgba ink{0.97f, 0.97f, 0.98f, 1.0f};
  float y = band.y0 + b.pad + 0.95f * b.size;
  for (const auto& l : b.lines) fonts.regular.draw(out, l, b.pad, y, b.size, ink), y += b.line_h;
  if (!scene.caption_hint.empty())
    fonts.bold.draw(out, scene.caption_hint, W - b.pad, band.y1 - b.pad - 0.25f * b.size, b.size, {1.0f, 0.78f, 0.25f, 1.0f},
                    Align::right);
}

}  // namespace

Composition compose(const Scene& scene, const RenderOptions& options, uint32_t width, uint32_t height, const Fonts& fonts) {
  const Colours c = colours_for(options.palette);
  Composition comp;
  comp.background = c.background;
  const float W = float(width), full_H = float(height);
  const float s = std::min(W / 1920.0f, full_H / 1080.0f);  // design scale: 1 at 1080p, 2 at 4K
  // A lesson's caption band takes the bottom of the frame; the picture is laid out above it.
  const CaptionBand band = plan_caption(scene, options, W, full_H, s, fonts);
  const float H = full_H - band.height;
  const float m = std::round(22.0f * s);
  ShapeBatch& out = comp.shapes;

  if (!scene.snapshot) {  // a comparison chart: no run of its own, no field
    Parts parts{scene, options, c, fonts, s, out, comp.underlay};
    comp.underlay.rect({0, 0, W, H}, c.panel);
    draw_comparison(parts, {0, 0, W, H});
    return comp;
  }
  Rect field, network, curves;
  bool show_network = false, show_curves = false;
  if (options.layout == Layout::field) {
    field = {0, 0, W, H};
  } else {
    float top = m;
    if (options.layout == Layout::full) {
      const Header h = plan_header(scene, options, W - 2.0f * m, s, fonts);
      top = m + h.height;
      header(h, {m, m, W - m, top - 8.0f * s}, fonts, c, out);
    }
    const float avail_h = H - top - m;
    if (W >= H) {  // landscape: field square on the left, diagram and curves on the right
      const float side = std::min(avail_h, 0.56f * (W - 3.0f * m));
      field = {m, top, m + side, top + side};
      const Rect right{field.x1 + m, top, W - m, H - m};
      if (options.layout == Layout::full) {
        const float split = right.y0 + std::round(0.56f * right.height());
        network = {right.x0, right.y0, right.x1, split - 0.5f * m};
        curves = {right.x0, split + 0.5f * m, right.x1, right.y1};
        show_network = true;
      } else {
        curves = right;
      }
    } else {  // portrait: field on top, the rest below
      const float side = std::min(W - 2.0f * m, 0.6f * avail_h);
      field = {0.5f * (W - side), top, 0.5f * (W + side), top + side};
      const Rect below{m, field.y1 + m, W - m, H - m};
      if (options.layout == Layout::full) {
        const float split = below.x0 + std::round(0.5f * below.width());
        network = {below.x0, below.y0, split - 0.5f * m, below.y1};
        curves = {split + 0.5f * m, below.y0, below.x1, below.y1};
        show_network = true;
      } else {
        curves = below;
      }
    }
    show_curves = true;
  }
  comp.field.rect = snap(field);
  comp.field.view = fit_view(scene.view, comp.field.rect.width(), comp.field.rect.height());
  if (options.layout != Layout::field) out.rect_outline(comp.field.rect.inset(-std::max(1.0f, s)), std::max(1.0f, s), c.frame);

  Parts parts{scene, options, c, fonts, s, out, comp.underlay};
  draw_points(parts, comp.field);
  draw_names(parts, comp.field);
  if (options.neuron_layer >= 0 && options.layout != Layout::field) {
    const std::string label = "neuron " + std::to_string(options.neuron_layer + 1) + ":" + std::to_string(options.neuron + 1);
    const float size = 22.0f * s;
    const float w = fonts.regular.measure(label, size) + 16.0f * s;
    out.rect({comp.field.rect.x0 + 8 * s, comp.field.rect.y0 + 8 * s, comp.field.rect.x0 + 8 * s + w, comp.field.rect.y0 + 40 * s},
             {1, 1, 1, 0.85f});
    fonts.regular.draw(out, label, comp.field.rect.x0 + 16 * s, comp.field.rect.y0 + 31 * s, size, c.text);
  }
  if (show_network) {
    comp.underlay.rect(network, c.panel);
    draw_network(parts, snap(network), comp);
  }
  if (show_curves) {
    comp.underlay.rect(curves, c.panel);
    draw_curves(parts, curves);
  }
  highlights(parts, comp.field, show_curves ? curves : Rect{});
  if (scene.compare_index >= 0) {
    // Side by side: the run's colour and number (as in the comparison chart), over the field's
    // top-right corner.
    const float r = parts.badge_radius();
    draw_badge(parts, comp.field.rect.x1 - r - 8.0f * s, comp.field.rect.y0 + r + 8.0f * s, r, scene.compare_index);
  }
  if (!band.lines.empty()) caption_band(band, scene, W, full_H, fonts, out);
  return comp;
}

}  // namespace nnlive::render
