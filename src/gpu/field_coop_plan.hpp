// SPDX-License-Identifier: MIT
// The fp16 field kernel's plan (shaders/field_coop.comp), for FieldEvaluator: its shape on a
// device for a network (specialisation constants, pixels per workgroup, shared memory), the
// probe's weights, and the bookkeeping of the tuning that lets `auto` pick a precision
// (FieldEvaluatorOptions::tune_precision). Internal to nnlive_gpu.
#pragma once
#include <array>
#include <cstdint>
#include <functional>
#include <span>
#include <string>
#include <vector>

#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_evaluator.hpp"

namespace nnlive::gpu {

// field_coop.comp's shape for one network: its specialisation constants, in order of their ids.
struct CoopShape {
  uint32_t rows = 0;     // 0: the network does not fit
  uint32_t stride = 0;   // halves per pixel's row of activations
  uint32_t split = 0;
  uint32_t lo_halves = 8;
  uint32_t invocations = 0;
  uint32_t staged = 0;
  uint32_t mc = 1;       // staged: the most output tile columns a subgroup owns
  uint32_t pre = 1;      // staged: 16-byte words of a chunk each invocation loads
  uint32_t scratch = 0;  // 16-byte words
  uint32_t lanes = 0;
  uint32_t kc = 1;       // staged: 16-row tiles of weights a chunk
  std::array<uint32_t, 11> constants() const {
    return {rows, stride, split, lo_halves, invocations, staged, mc, pre, scratch, lanes, kc};
  }
  // The shared memory it takes: the activations' high halves (two buffers direct, one staged),
  // the low halves (split; else 8 halves) and the scratch words.
  uint64_t shared_bytes() const {
    const uint64_t buffers = staged ? 1 : 2;
    return buffers * rows * stride * 2 + uint64_t(lo_halves) * 2 + uint64_t(scratch) * 16;
  }
};

// The most pixels per workgroup (up to 128 staged, 64 direct; in sixteens) whose activations
// and scratch fit the device's shared memory (and, staged, whose sums fit a subgroup's
// registers), for activations as wide as `widest_padded`; rows 0 if none fit.
CoopShape coop_shape(const Context& ctx, uint32_t widest_padded, bool split, bool staged, uint32_t max_rows);

// Random weights for the fp16 probe: variance 1 / inputs, so sums stay near 1 through the
// layers and the outputs away from saturation.
std::vector<float> probe_params(const NetworkLayout& layout);

// The tuning's grid: a side of about 2e10 multiply-adds' worth of pixels (a few milliseconds at
// fp32 on a large GPU: the frames share the queue), max_side at most, 128 at least.
uint32_t tune_side(const NetworkLayout& layout, uint32_t max_side);

// The tuning of `layout` on `ctx` under these options: tuned once for the process (under a
// lock held while `tune` runs, so that two evaluators never time their kernels against each
// other), then the same result.
std::vector<TunedKernel> tuned_once(const Context& ctx, const NetworkLayout& layout, const FieldEvaluatorOptions& options,
                                    const std::function<std::vector<TunedKernel>()>& tune);

// The line the tuning prints on stderr: each kernel's time, and the one chosen.
std::string describe_tuning(const std::string& device, uint32_t side, std::span<const TunedKernel> kernels);

}  // namespace nnlive::gpu
