// SPDX-License-Identifier: MIT
#include "nnlive/gpu/field_fp16.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_math.h"
#include "nnlive/gpu/field_shared.h"

namespace nnlive::gpu {
namespace {

constexpr float k_half_max = 65504.0f;

using shared::activate;
using shared::raw_feature;

// v rounded to the nearest binary16 value, as a float.
float round_half(float v) { return from_half(to_half(v)); }

// v's low half (split), times k_fp16_lo_scale, as a float.
float low_half(float v) { return round_half((v - round_half(v)) * k_fp16_lo_scale); }

}  // namespace

uint16_t to_half(float v) {
  if (std::isnan(v)) return 0x7e00;
  const _Float16 h = static_cast<_Float16>(std::clamp(v, -k_half_max, k_half_max));  // to nearest, ties to even
  uint16_t bits;
  std::memcpy(&bits, &h, 2);
  return bits;
}

float from_half(uint16_t bits) {
  _Float16 h;
  std::memcpy(&h, &bits, 2);
  return float(h);
}

bool fp16_applies(const NetworkLayout& layout) {
  if (layout.layers.size() < 3 || layout.layers.back().out > k_fp16_max_outputs) return false;
  for (size_t l = 0; l + 1 < layout.layers.size(); ++l)
    if (layout.layers[l].activation == FIELD_ACT_SOFTMAX) return false;
  return true;
}

Fp16Weights fp16_layout(const NetworkLayout& layout) {
  Fp16Weights w;
  w.layers.resize(layout.layers.size());
  size_t halves = 0, biases = 0;
  for (size_t l = 0; l + 1 < layout.layers.size(); ++l) w.widest_padded = std::max(w.widest_padded, fp16_padded(layout.layers[l].out));
  for (size_t l = 1; l + 1 < layout.layers.size(); ++l) {
    auto& p = w.layers[l];
    p.k_pad = fp16_padded(layout.layers[l].in);
    p.n_pad = fp16_padded(layout.layers[l].out);
    p.w_offset = uint32_t(halves);
    p.lo_offset = uint32_t(halves + size_t(p.k_pad) * p.n_pad);
    p.b_offset = uint32_t(biases);
    halves += 2 * size_t(p.k_pad) * p.n_pad;
    biases += size_t(k_fp16_tile) * p.n_pad;
  }
  w.halves_size = std::max<size_t>(halves, 2);  // (a buffer is never empty)
  w.bias_size = std::max<size_t>(biases, 1);
  return w;
}

void fp16_pack(const NetworkLayout& layout, std::span<const float> params, const Fp16Weights& w, uint16_t* halves,
               float* bias_rows) {
  if (params.size() != layout.param_count || w.layers.size() != layout.layers.size())
    throw GpuError("the fp16 weights do not match the network");
  for (size_t l = 1; l + 1 < layout.layers.size(); ++l) {
    const auto& src = layout.layers[l];
    const auto& p = w.layers[l];
    const float* weights = params.data() + src.w_offset;  // (out, in) row-major: input k of output n at n * in + k
    for (uint32_t k = 0; k < src.in; ++k) {
      uint16_t* hi = halves + p.w_offset + size_t(k) * p.n_pad;
      uint16_t* lo = halves + p.lo_offset + size_t(k) * p.n_pad;
      for (uint32_t n = 0; n < src.out; ++n) {
        const float v = weights[size_t(n) * src.in + k];
        hi[n] = to_half(v);
        lo[n] = to_half((v - from_half(hi[n])) * k_fp16_lo_scale);
      }
    }
    for (uint32_t r = 0; r < k_fp16_tile; ++r)
      std::copy_n(params.data() + src.b_offset, src.out, bias_rows + p.b_offset + size_t(r) * p.n_pad);
  }
}

void fp16_pack(const NetworkLayout& layout, std::span<const float> params, Fp16Weights& w) {
  w.halves.assign(w.halves_size, 0);
  w.bias_rows.assign(w.bias_size, 0.0f);
  fp16_pack(layout, params, w, w.halves.data(), w.bias_rows.data());
}

std::vector<float> fp16_reference_field(const NetworkLayout& layout, std::span<const float> params, const FieldRequest& req,
                                        bool split) {
  check_layout(layout);
  if (!fp16_applies(layout)) throw GpuError("the fp16 field kernel needs at least two hidden layers, none softmax");
  if (params.size() != layout.param_count) throw GpuError("the fp16 reference got the wrong number of parameters");
  const size_t L = layout.layers.size();
  // The weights between hidden layers as the kernel holds them, transposed to (in, out) so
  // that each input's contribution is one contiguous run of outputs.
  std::vector<std::vector<float>> hi(L), lo(L);
  for (size_t l = 1; l + 1 < L; ++l) {
    const auto& s = layout.layers[l];
    hi[l].resize(size_t(s.in) * s.out);
    lo[l].resize(size_t(s.in) * s.out);
    for (uint32_t n = 0; n < s.out; ++n) {
      for (uint32_t k = 0; k < s.in; ++k) {
        const float v = params[s.w_offset + size_t(n) * s.in + k];
        hi[l][size_t(k) * s.out + n] = round_half(v);
        lo[l][size_t(k) * s.out + n] = low_half(v);
      }
    }
  }
  const uint32_t channels = layout.layers.back().out;
  std::vector<float> out(size_t(req.width) * req.height * channels);
  // a: the activations as the next layer reads them (fp16 values between hidden layers), with
  // a_lo their low halves (split); z and z_lo: a layer's sums.
  std::vector<float> a(512), a_lo(512), z(512), z_lo(512);
  for (uint32_t py = 0; py < req.height; ++py) {
    for (uint32_t px = 0; px < req.width; ++px) {
      const float x = req.view[0] + (float(px) + 0.5f) * (req.view[2] - req.view[0]) / float(req.width);
      const float y = req.view[3] - (float(py) + 0.5f) * (req.view[3] - req.view[1]) / float(req.height);
      for (size_t i = 0; i < layout.features.size(); ++i)
        a[i] = (raw_feature(layout.features[i], x, y) - layout.feature_offset[i]) * layout.feature_scale[i];
      for (size_t l = 0; l < L; ++l) {
        const auto& s = layout.layers[l];
        if (l == 0 || l + 1 == L) {  // fp32 weights
          for (uint32_t n = 0; n < s.out; ++n) {
            float sum = params[s.b_offset + n];
            const float* row = params.data() + s.w_offset + size_t(n) * s.in;
            for (uint32_t k = 0; k < s.in; ++k) sum += row[k] * a[k];
            z[n] = sum;
          }
        } else {  // fp16 weights and activations, fp32 sums
          std::fill_n(z.begin(), s.out, 0.0f);
          std::fill_n(z_lo.begin(), s.out, 0.0f);
          for (uint32_t k = 0; k < s.in; ++k) {
            const float ak = a[k], ak_lo = a_lo[k];
            const float* row = hi[l].data() + size_t(k) * s.out;
            const float* row_lo = lo[l].data() + size_t(k) * s.out;
            for (uint32_t n = 0; n < s.out; ++n) z[n] += row[n] * ak;
            if (split)
              for (uint32_t n = 0; n < s.out; ++n) z_lo[n] += row_lo[n] * ak + row[n] * ak_lo;
          }
          for (uint32_t n = 0; n < s.out; ++n) z[n] = params[s.b_offset + n] + z[n] + z_lo[n] * (1.0f / k_fp16_lo_scale);
        }
        if (l + 1 == L && s.activation == FIELD_ACT_SOFTMAX) {
          const float m = *std::max_element(z.begin(), z.begin() + s.out);
          float total = 0.0f;
          for (uint32_t n = 0; n < s.out; ++n) total += std::exp(z[n] - m);
          for (uint32_t n = 0; n < s.out; ++n) a[n] = std::exp(z[n] - m) / total;
        } else {
          for (uint32_t n = 0; n < s.out; ++n) a[n] = activate(s.activation, z[n]);
        }
        if (l + 1 == L) continue;
        for (uint32_t n = 0; n < s.out; ++n) {
          a_lo[n] = split ? low_half(a[n]) : 0.0f;
          a[n] = round_half(a[n]);
        }
        if (l + 2 == L && split)  // the output layer reads the activations in fp32: hi + lo
          for (uint32_t n = 0; n < s.out; ++n) a[n] += a_lo[n] * (1.0f / k_fp16_lo_scale);
      }
      std::copy_n(a.begin(), channels, out.begin() + (size_t(py) * req.width + px) * channels);
    }
  }
  return out;
}

FieldAgreement compare_fields(std::span<const float> a, std::span<const float> b, uint32_t channels) {
  FieldAgreement r;
  if (channels == 0 || a.size() != b.size() || a.size() % channels != 0) throw GpuError("the fields to compare differ in size");
  r.pixels = a.size() / channels;
  for (size_t i = 0; i < a.size(); ++i) {
    const double d = std::abs(double(a[i]) - double(b[i]));
    r.max_abs_diff = std::isnan(d) ? INFINITY : std::max(r.max_abs_diff, d);
  }
  for (uint64_t p = 0; p < r.pixels; ++p) {
    const float* x = a.data() + p * channels;
    const float* y = b.data() + p * channels;
    const bool flip = channels == 1 ? (x[0] >= 0.5f) != (y[0] >= 0.5f)
                                    : std::max_element(x, x + channels) - x != std::max_element(y, y + channels) - y;
    r.class_flips += flip ? 1 : 0;
  }
  return r;
}

}  // namespace nnlive::gpu
