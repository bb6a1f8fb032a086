// SPDX-License-Identifier: MIT
// The fp16 field kernel's host side (shaders/field_coop.comp): which networks it takes, the
// half-precision weights it reads, and a CPU forward pass with exactly its rounding, against
// which the device's fp16 field and the fp32 field are both checked.
//
// The kernel's arithmetic, per pixel: the input features and the first layer in fp32 (a
// handful of inputs: nothing to gain), its activations rounded to fp16; each layer between two
// hidden layers as a cooperative-matrix product, fp16 weights times fp16 activations summed in
// fp32, plus the fp32 bias, the activation in fp32, rounded to fp16 again; the output layer in
// fp32 over those fp16 activations, with the fp32 weights. Values beyond fp16's range saturate
// at ±65504 rather than becoming infinite.
//
// Split (three products): fp16 keeps 11 significant bits, and rounding both weights and
// activations moved trained presets' probabilities by up to 0.023 (playground, 400 epochs) and
// flipped pixels beside the boundary. Split, every weight and activation v is carried as two
// halves, hi = fp16(v) and lo = fp16((v - hi) * 2^11), and each product as
// hi*hi + (lo*hi + hi*lo) * 2^-11, summed in fp32: 22 significant bits, within 5e-6 of fp32 on
// every preset, for three tensor-core products instead of one.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "nnlive/gpu/field_evaluator.hpp"

namespace nnlive::gpu {

// The kernel's matrices are 16 x 16 tiles: every width between hidden layers is padded to this.
constexpr uint32_t k_fp16_tile = 16;
constexpr uint32_t fp16_padded(uint32_t n) { return (n + k_fp16_tile - 1) / k_fp16_tile * k_fp16_tile; }

// The scale of the low halves: lo = fp16((v - hi) * k_fp16_lo_scale).
constexpr float k_fp16_lo_scale = 2048.0f;
// The most outputs the kernel's last layer takes (a pixel's outputs are held in registers).
constexpr uint32_t k_fp16_max_outputs = 16;

// Whether the fp16 kernel takes the network: at least two hidden layers (a product between
// hidden layers to do), none of them softmax, at most k_fp16_max_outputs outputs. The layout
// must already pass check_layout().
bool fp16_applies(const NetworkLayout& layout);

// The weights of the layers between hidden layers (layer l = 1 .. L-2), as the kernel reads them.
struct Fp16Weights {
  struct Layer {
    uint32_t k_pad = 0, n_pad = 0;  // inputs and outputs, padded to whole tiles
    uint32_t w_offset = 0;          // halves into `halves`: a k_pad x n_pad row-major matrix (input k, output n), zero-padded
    uint32_t lo_offset = 0;         // halves into `halves`: the same matrix's low halves (split)
    uint32_t b_offset = 0;          // floats into `bias_rows`: 16 rows of n_pad, each the layer's bias (zero-padded)
  };
  std::vector<Layer> layers;       // one per layout layer; first and last unused (zero)
  size_t halves_size = 0, bias_size = 0;  // the packing's halves and floats
  std::vector<uint16_t> halves;    // IEEE binary16 bit patterns (filled by the second fp16_pack)
  std::vector<float> bias_rows;
  uint32_t widest_padded = 0;      // the widest hidden layer, padded
};

// The layout's packing: sizes and offsets. Call once per network.
Fp16Weights fp16_layout(const NetworkLayout& layout);
// Writes the parameters (laid out as NetworkLayout says) packed as `w` (fp16_layout of this
// layout) says into `halves` (w.halves_size) and `bias_rows` (w.bias_size): high and low
// halves, rounded to nearest even, saturating at ±65504. The padding is left as it is (zero
// once, for good). Writes run in order, for memory the device reads (write-combined).
void fp16_pack(const NetworkLayout& layout, std::span<const float> params, const Fp16Weights& w, uint16_t* halves,
               float* bias_rows);
// The same into w.halves and w.bias_rows, zero-padded.
void fp16_pack(const NetworkLayout& layout, std::span<const float> params, Fp16Weights& w);

// binary16 <-> float, as the device converts (round to nearest even; saturating, not infinite).
uint16_t to_half(float v);
float from_half(uint16_t h);

// The network's outputs at every pixel of the request (its FIELD_MODE_OUTPUT values, laid out
// as FieldResult's), computed on the CPU with the fp16 kernel's rounding, split or not. One
// thread; for checks, not for speed.
std::vector<float> fp16_reference_field(const NetworkLayout& layout, std::span<const float> params, const FieldRequest& request,
                                        bool split);

// How two fields of the same request compare, as the fp16 path is judged against fp32:
// the largest difference of any value, and the pixels whose class differs (the largest output,
// or for one output which side of 0.5).
struct FieldAgreement {
  double max_abs_diff = 0.0;
  uint64_t class_flips = 0;
  uint64_t pixels = 0;
};
FieldAgreement compare_fields(std::span<const float> a, std::span<const float> b, uint32_t channels);

}  // namespace nnlive::gpu
