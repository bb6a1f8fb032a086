// SPDX-License-Identifier: MIT
// Font: a TrueType font (DejaVu Sans, found at run time; a copy built into the binary as the
// fallback) baked once into a signed-distance-field atlas, so text stays crisp at every size.
// Lays out single lines of text as glyph shapes.
#pragma once
#include <array>
#include <string>
#include <string_view>
#include <vector>

#include "nnlive/render/shape_batch.hpp"

namespace nnlive::render {

enum class Align { left, center, right };

class Font {
 public:
  // Loads the regular or bold face; throws std::runtime_error if neither file nor fallback parses.
  explicit Font(bool bold = false);

  static constexpr int k_atlas_width = 1024;
  static constexpr int k_atlas_height = 512;
  const std::vector<uint8_t>& atlas() const { return atlas_; }  // (k_atlas_height, k_atlas_width) SDF, 8 bit
  const std::string& source() const { return source_; }         // the file used, or "built-in"

  // Width in pixels of text at the given pixel size (the em height).
  float measure(std::string_view text, float size) const;
  // text whole if it is at most max_width pixels wide at this size, else its longest start
  // (whole code points, trailing spaces and commas dropped) with an ellipsis that is.
  std::string elide(std::string_view text, float size, float max_width) const;
  // Appends glyphs with the baseline at y; returns the pen's end x.
  float draw(ShapeBatch& batch, std::string_view text, float x, float y, float size, const Rgba& colour,
             Align align = Align::left) const;
  float ascent(float size) const { return ascent_ * size; }
  // Places this font's atlas at rows [v0, v0 + v_scale) of a larger atlas (texture coordinates).
  void relocate(float v0, float v_scale);

 private:
  struct Glyph {
    std::array<float, 4> uv{};  // atlas rect
    float x0 = 0, y0 = 0, x1 = 0, y1 = 0;  // quad relative to the pen at size 1 (y down)
    float advance = 0;                     // at size 1
  };
  const Glyph* find(uint32_t codepoint) const;

  std::string source_;
  std::vector<uint8_t> ttf_;
  std::vector<uint8_t> atlas_;
  std::vector<uint32_t> codepoints_;
  std::vector<Glyph> glyphs_;
  float ascent_ = 0.8f;
};

// Decodes one UTF-8 code point from s at i, advancing i; returns 0xFFFD on malformed input.
uint32_t next_codepoint(std::string_view s, size_t& i);

}  // namespace nnlive::render
