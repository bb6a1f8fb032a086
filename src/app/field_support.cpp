// SPDX-License-Identifier: MIT
// nn -> gpu network description, CPU reference field, provisional field colouring.
#include "field_support.hpp"

#include "nnlive/core/error.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/render/renderer.hpp"

#include <algorithm>
#include <array>
#include <cmath>

namespace nnlive::app {

gpu::NetworkLayout to_layout(const nn::Mlp& mlp, const nn::InputMap& map) {
  return render::network_layout(mlp.layers(), mlp.param_count(), map);
}

std::vector<float> cpu_field(const nn::Mlp& mlp, const nn::InputMap& map, uint32_t width, uint32_t height,
                             const nn::View& view) {
  const int k = mlp.outputs(), in = map.size();
  std::vector<float> out(size_t(width) * height * k);
  std::vector<float> row(size_t(width) * in);
  nn::Trace t;
  for (uint32_t r = 0; r < height; ++r) {
    const float y = static_cast<float>(view[3] - (r + 0.5) * (view[3] - view[1]) / height);
    for (uint32_t c = 0; c < width; ++c) {
      const float x = static_cast<float>(view[0] + (c + 0.5) * (view[2] - view[0]) / width);
      map.apply(x, y, row.data() + size_t(c) * in);
    }
    mlp.forward(row.data(), static_cast<int>(width), t);
    std::copy(t.output().begin(), t.output().end(), out.begin() + size_t(r) * width * k);
  }
  return out;
}

void check_gpu_clean() {
  if (const uint32_t n = gpu::validation_messages_in_process(); n > 0)
    throw core::UserError(core::ExitCode::internal,
                          "the Vulkan validation layer reported " + std::to_string(n) + " message(s); nothing was written");
}

std::vector<uint8_t> colour_field(const gpu::FieldResult& f) {
  // Class colours: class 0 orange, class 1 blue, then further distinct hues.
  static constexpr std::array<std::array<float, 3>, 8> k_hues{{{0.90f, 0.50f, 0.10f},
                                                              {0.10f, 0.45f, 0.80f},
                                                              {0.20f, 0.65f, 0.30f},
                                                              {0.70f, 0.25f, 0.65f},
                                                              {0.85f, 0.20f, 0.25f},
                                                              {0.45f, 0.35f, 0.25f},
                                                              {0.15f, 0.65f, 0.70f},
                                                              {0.55f, 0.55f, 0.15f}}};
  std::vector<uint8_t> rgb(size_t(f.width) * f.height * 3);
  for (size_t p = 0; p < size_t(f.width) * f.height; ++p) {
    std::array<float, 3> c{};
    if (f.channels == 1) {
      const float v = std::clamp(f.values[p], 0.0f, 1.0f);
      const auto& hue = v >= 0.5f ? k_hues[1] : k_hues[0];
      const float t = std::abs(v - 0.5f) * 2.0f;  // confidence
      for (int i = 0; i < 3; ++i) c[i] = 1.0f + (hue[i] - 1.0f) * t;
    } else {
      float top = 0.0f;
      for (uint32_t k = 0; k < f.channels; ++k) {
        const float w = f.values[p * f.channels + k];
        top = std::max(top, w);
        for (int i = 0; i < 3; ++i) c[i] += w * k_hues[k % k_hues.size()][i];
      }
      const float t = (top - 1.0f / f.channels) / (1.0f - 1.0f / f.channels);
      for (int i = 0; i < 3; ++i) c[i] = 1.0f + (c[i] - 1.0f) * std::clamp(t, 0.0f, 1.0f);
    }
    // No value (NaN or infinite, from parameters that overflow float32): grey diagonal
    // stripes, never the white of "unsure".
    bool finite = true;
    for (uint32_t k = 0; k < f.channels; ++k) finite = finite && std::isfinite(f.values[p * f.channels + k]);
    if (!finite) {
      const size_t x = p % f.width, y = p / f.width;
      c.fill((x + y) / 6 % 2 ? 0.30f : 0.45f);
    }
    for (int i = 0; i < 3; ++i) rgb[p * 3 + i] = static_cast<uint8_t>(std::lround(std::clamp(c[i], 0.0f, 1.0f) * 255.0f));
  }
  return rgb;
}

}  // namespace nnlive::app
