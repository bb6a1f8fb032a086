// SPDX-License-Identifier: MIT
// SDF font atlas with stb_truetype; glyph layout.
#include "nnlive/render/font.hpp"

#include <algorithm>
#include <cmath>
#include <fstream>
#include <iterator>
#include <stdexcept>

// Our own private copy: Dear ImGui (libimgui) uses the shared libstb's stb_truetype together with
// its stb_rect_pack, whose packing context ours (built without stb_rect_pack) does not match.
#define STBTT_STATIC
#define STB_TRUETYPE_IMPLEMENTATION
#include <stb/stb_truetype.h>

// Built-in copies of DejaVu Sans (fonts-dejavu-core at build time), linked from embedded_font.S.
extern "C" const unsigned char nnlive_font_regular[], nnlive_font_regular_end[];
extern "C" const unsigned char nnlive_font_bold[], nnlive_font_bold_end[];

namespace nnlive::render {
namespace {

constexpr float k_bake_size = 40.0f;   // em height the SDF is baked at (pixels)
constexpr int k_padding = 5;           // SDF reaches this many pixels outside a glyph
constexpr unsigned char k_on_edge = 128;
constexpr float k_dist_scale = 128.0f / k_padding;

const char* const k_regular_paths[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
                                       "/usr/share/fonts/TTF/DejaVuSans.ttf"};
const char* const k_bold_paths[] = {"/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf",
                                    "/usr/share/fonts/TTF/DejaVuSans-Bold.ttf"};

std::vector<uint32_t> wanted_codepoints() {
  std::vector<uint32_t> cps;
  for (uint32_t c = 32; c < 127; ++c) cps.push_back(c);
  // η (learning rate), ², ·, ×, −, →, ←, ↑, ≤, ≥, µ, ±, …, ▶, ‖
  for (uint32_t c : {0x3B7u, 0xB2u, 0xB7u, 0xD7u, 0x2212u, 0x2192u, 0x2190u, 0x2191u, 0x2264u, 0x2265u, 0xB5u, 0xB1u,
                     0x2026u, 0x25B6u, 0x2016u, 0x3B1u, 0x3BBu})
    cps.push_back(c);
  return cps;
}

}  // namespace

uint32_t next_codepoint(std::string_view s, size_t& i) {
  const auto b = static_cast<unsigned char>(s[i++]);
  if (b < 0x80) return b;
  int extra = b >= 0xF0 ? 3 : b >= 0xE0 ? 2 : b >= 0xC0 ? 1 : -1;
  if (extra < 0) return 0xFFFD;
  uint32_t cp = b & (0x3Fu >> extra);
  while (extra-- > 0) {
    if (i >= s.size() || (static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) return 0xFFFD;
    cp = (cp << 6) | (static_cast<unsigned char>(s[i++]) & 0x3F);
  }
  return cp;
}

Font::Font(bool bold) : atlas_(size_t(k_atlas_width) * k_atlas_height, 0) {
  for (const char* path : bold ? k_bold_paths : k_regular_paths) {
    std::ifstream in(path, std::ios::binary);
    if (!in) continue;
    ttf_.assign(std::istreambuf_iterator<char>(in), {});
    source_ = path;
    break;
  }
  stbtt_fontinfo info{};
  if (ttf_.empty() || !stbtt_InitFont(&info, ttf_.data(), stbtt_GetFontOffsetForIndex(ttf_.data(), 0))) {
    const unsigned char* begin = bold ? nnlive_font_bold : nnlive_font_regular;
    const unsigned char* end = bold ? nnlive_font_bold_end : nnlive_font_regular_end;
    ttf_.assign(begin, end);
    source_ = "built-in";
    if (!stbtt_InitFont(&info, ttf_.data(), 0)) throw std::runtime_error("the built-in font cannot be read");
  }
  const float scale = stbtt_ScaleForMappingEmToPixels(&info, k_bake_size);
  int asc = 0, desc = 0, gap = 0;
  stbtt_GetFontVMetrics(&info, &asc, &desc, &gap);
  ascent_ = asc * scale / k_bake_size;

  int pen_x = 1, pen_y = 1, row_h = 0;
  for (uint32_t cp : wanted_codepoints()) {
    const int index = stbtt_FindGlyphIndex(&info, int(cp));
    if (index == 0 && cp != 32) continue;
    int advance = 0, lsb = 0;
    stbtt_GetGlyphHMetrics(&info, index, &advance, &lsb);
    Glyph g;
    g.advance = advance * scale / k_bake_size;
    int w = 0, h = 0, xoff = 0, yoff = 0;
    unsigned char* sdf = stbtt_GetGlyphSDF(&info, scale, index, k_padding, k_on_edge, k_dist_scale, &w, &h, &xoff, &yoff);
    if (sdf) {
      if (pen_x + w + 1 > k_atlas_width) {
        pen_x = 1;
        pen_y += row_h + 1;
        row_h = 0;
      }
      if (pen_y + h + 1 > k_atlas_height) {
        stbtt_FreeSDF(sdf, nullptr);
        break;  // atlas full: the remaining symbols are not drawn
      }
      for (int r = 0; r < h; ++r) std::copy_n(sdf + r * w, w, atlas_.begin() + size_t(pen_y + r) * k_atlas_width + pen_x);
      stbtt_FreeSDF(sdf, nullptr);
      g.uv = {float(pen_x) / k_atlas_width, float(pen_y) / k_atlas_height, float(pen_x + w) / k_atlas_width,
              float(pen_y + h) / k_atlas_height};
      g.x0 = xoff / k_bake_size;
      g.y0 = yoff / k_bake_size;
      g.x1 = (xoff + w) / k_bake_size;
      g.y1 = (yoff + h) / k_bake_size;
      pen_x += w + 1;
      row_h = std::max(row_h, h);
    }
    codepoints_.push_back(cp);
    glyphs_.push_back(g);
  }
}

void Font::relocate(float v0, float v_scale) {
  for (auto& g : glyphs_) {
    g.uv[1] = v0 + g.uv[1] * v_scale;
    g.uv[3] = v0 + g.uv[3] * v_scale;
  }
}

const Font::Glyph* Font::find(uint32_t cp) const {
  for (size_t i = 0; i < codepoints_.size(); ++i)
    if (codepoints_[i] == cp) return &glyphs_[i];
  for (size_t i = 0; i < codepoints_.size(); ++i)
    if (codepoints_[i] == '?') return &glyphs_[i];
  return nullptr;
}

float Font::measure(std::string_view text, float size) const {
  float w = 0.0f;
  for (size_t i = 0; i < text.size();)
    if (const Glyph* g = find(next_codepoint(text, i))) w += g->advance * size;
  return w;
}

std::string Font::elide(std::string_view text, float size, float max_width) const {
  if (measure(text, size) <= max_width) return std::string(text);
  const std::string_view ellipsis = "\xE2\x80\xA6";
  const float room = max_width - measure(ellipsis, size);
  size_t end = 0;
  float w = 0.0f;
  for (size_t i = 0; i < text.size();) {
    const Glyph* g = find(next_codepoint(text, i));
    w += g ? g->advance * size : 0.0f;
    if (w > room) break;
    end = i;
  }
  while (end > 0 && (text[end - 1] == ' ' || text[end - 1] == ',')) --end;
  return std::string(text.substr(0, end)) + std::string(ellipsis);
}

float Font::draw(ShapeBatch& batch, std::string_view text, float x, float y, float size, const Rgba& colour,
                 Align align) const {
  if (align != Align::left) x -= measure(text, size) * (align == Align::center ? 0.5f : 1.0f);
  for (size_t i = 0; i < text.size();) {
    const Glyph* g = find(next_codepoint(text, i));
    if (!g) continue;
    if (g->x1 > g->x0) batch.glyph({x + g->x0 * size, y + g->y0 * size, x + g->x1 * size, y + g->y1 * size}, g->uv, colour);
    x += g->advance * size;
  }
  return x;
}

}  // namespace nnlive::render
