// SPDX-License-Identifier: MIT
// The fp16 field kernel's plan and the tuning (field_coop_plan.hpp).
#include "field_coop_plan.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <mutex>
#include <random>
#include <tuple>

#include "nnlive/gpu/field_shared.h"

namespace nnlive::gpu {
namespace {

// The staged kernel's most 16-byte words of a chunk each invocation loads ahead.
constexpr uint32_t k_staged_max_prefetch = 8;

// The most sum tiles a subgroup of the staged kernel holds (split counts the low sums): 8 are
// 64 fp32 registers a lane in subgroups of 32.
constexpr uint32_t k_staged_max_tiles = 8;
// The staged kernel's most subgroups a workgroup.
constexpr uint32_t k_staged_max_subgroups = 8;

// The multiply-adds the tuning's grid costs, about.
constexpr double k_tune_macs = 2e10;

}  // namespace

CoopShape coop_shape(const Context& ctx, uint32_t widest_padded, bool split, bool staged, uint32_t max_rows) {
  CoopShape s;
  s.stride = widest_padded + 8;  // (8 halves more: rows start on other banks)
  s.split = split;
  s.staged = staged;
  s.lanes = ctx.subgroup_size();
  const uint32_t col_tiles = widest_padded / 16;
  uint32_t groups = FIELD_COOP_SUBGROUPS;
  if (staged) {
    groups = std::min({k_staged_max_subgroups, col_tiles, ctx.limits().maxComputeWorkGroupInvocations / s.lanes});
    groups = std::max(groups, 1u);
    s.mc = (col_tiles + groups - 1) / groups;
  }
  s.invocations = groups * s.lanes;
  // Scratch: the inputs (8 floats a pixel), the staging tiles (direct: two of 256 floats a
  // subgroup; staged: one), the last layer's partial sums (at least one float an invocation)
  // and, staged, a chunk of weights (16 rows a tile, one word of padding a row).
  const auto fit = [&](uint32_t rows, uint32_t kc) {
    s.rows = rows;
    s.kc = kc;
    s.lo_halves = split ? (staged ? 1 : 2) * rows * s.stride : 8;
    s.scratch = std::max({rows * 2, (staged ? 64u : 128u) * groups, (s.invocations + 3) / 4});
    s.pre = 1;
    if (staged) {
      s.scratch = std::max(s.scratch, kc * 16 * (widest_padded / 8 + 1));
      s.pre = (kc * 16 * widest_padded / 8 + s.invocations - 1) / s.invocations;
    }
    return s.shared_bytes() <= ctx.max_shared_bytes() && s.pre <= k_staged_max_prefetch;
  };
  // The most pixels that fit with one tile a chunk; then, staged, the most tiles a chunk that
  // still fit beside them (fewer barriers), up to a whole layer's walk.
  for (uint32_t rows = staged ? 128 : 64; rows >= 16; rows -= 16) {
    if (max_rows >= 16 && rows > max_rows) continue;
    if (staged && (rows / 16) * s.mc * (split ? 2 : 1) > k_staged_max_tiles) continue;
    if (!fit(rows, 1)) continue;
    const uint32_t walk = widest_padded / 16 * (split ? 2 : 1);
    uint32_t kc = 1;
    while (staged && kc < walk && fit(rows, kc + 1)) ++kc;
    fit(rows, kc);
    return s;
  }
  s.rows = 0;
  return s;
}


std::vector<float> probe_params(const NetworkLayout& layout) {
  std::vector<float> params(layout.param_count, 0.0f);
  std::mt19937 gen(12345);
  for (const auto& l : layout.layers) {
    std::uniform_real_distribution<float> w(-std::sqrt(3.0f / float(l.in)), std::sqrt(3.0f / float(l.in))), b(-0.1f, 0.1f);
    for (uint32_t i = 0; i < l.in * l.out; ++i) params[l.w_offset + i] = w(gen);
    for (uint32_t i = 0; i < l.out; ++i) params[l.b_offset + i] = b(gen);
  }
  return params;
}


uint32_t tune_side(const NetworkLayout& layout, uint32_t max_side) {
  const uint64_t macs = std::max<uint64_t>(layout_macs(layout), 1);
  const uint32_t by_budget = uint32_t(std::sqrt(k_tune_macs / double(macs)));
  return std::clamp(std::min(max_side, std::max(128u, by_budget)), 1u, 4096u);
}

std::vector<TunedKernel> tuned_once(const Context& ctx, const NetworkLayout& layout, const FieldEvaluatorOptions& options,
                                    const std::function<std::vector<TunedKernel>()>& tune) {
  // By context, device and shape (with the options that change the timings): the live window
  // sets the network again on every reset, and compare mode's panels often share a shape.
  static std::mutex mutex;
  static std::map<std::tuple<const Context*, std::string, std::vector<uint32_t>>, std::vector<TunedKernel>> done;
  std::vector<uint32_t> shape{uint32_t(layout.features.size()), options.tune_side, options.fp16_max_rows,
                              uint32_t(options.emulate_fp16_matrices)};
  for (const auto& l : layout.layers) shape.insert(shape.end(), {l.in, l.out, l.activation});
  auto key = std::make_tuple(&ctx, ctx.device_name(), std::move(shape));
  const std::lock_guard lock(mutex);
  auto it = done.find(key);
  if (it == done.end()) it = done.emplace(std::move(key), tune()).first;
  return it->second;
}

size_t pick_tuned_kernel(std::span<const TunedKernel> kernels) {
  size_t best = 0;
  for (size_t i = 1; i < kernels.size(); ++i) {
    const TunedKernel& k = kernels[i];
    if (!k.agrees || k.ms < 0.0 || kernels[0].ms < 0.0 || k.ms * k_tune_margin > kernels[0].ms) continue;
    if (best == 0 || k.ms < kernels[best].ms) best = i;
  }
  return best;
}

std::string tuned_kernel_name(const TunedKernel& k) {
  return k.precision == FieldPrecision::fp32 ? "fp32" : k.staged ? "fp16x3 staged" : "fp16x3";
}

std::string describe_tuning(const std::string& device, uint32_t side, std::span<const TunedKernel> kernels) {
  std::string line = "nnlive: field kernels for this network on " + device + " (" + std::to_string(side) + "x" + std::to_string(side) + "):";
  for (size_t i = 0; i < kernels.size(); ++i) {
    const TunedKernel& k = kernels[i];
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.2f ms", k.ms);
    line += ' ';
    line += tuned_kernel_name(k);
    line += ' ';
    // (not run: its probe differed, or without a probe it did not fit the shared memory)
    line += k.ms >= 0.0 ? ms : k.probe_diff >= 0.0 ? "(differed from its reference)" : "(does not fit)";
    if (k.chosen) line += " (chosen)";
    line += i + 1 < kernels.size() ? "," : "\n";
  }
  return line;
}

// Times the kernels that agree with fp32 within 1e-4 on this device (FieldEvaluator::tuning).
std::vector<TunedKernel> FieldEvaluator::tune(const NetworkLayout& layout, uint32_t max_side, const std::string& device) {
  std::vector<TunedKernel> kernels{{FieldPrecision::fp32, false}, {FieldPrecision::fp16x3, false}, {FieldPrecision::fp16x3, true}};
  const uint32_t side = tune_side(layout, max_side);
  const FieldRequest grid{side, side, {-6.0f, -6.0f, 6.0f, 6.0f}};
  for (auto& k : kernels) {
    configure(layout, k.precision, k.staged);
    k.probe_diff = fp16_probe_diff();
    k.agrees = precision() == k.precision;
    if (!k.agrees) continue;
    if (k.precision == FieldPrecision::fp32) set_params(probe_params(layout));  // (fp16: the probe's, already)
    evaluate(grid);  // warm-up: first-use costs
    for (int rep = 0; rep < 2; ++rep) {
      const auto t0 = std::chrono::steady_clock::now();
      const FieldResult r = evaluate(grid);
      const double ms = r.gpu_ms >= 0.0 ? r.gpu_ms : std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
      k.ms = k.ms < 0.0 ? ms : std::min(k.ms, ms);
    }
  }
  kernels[pick_tuned_kernel(kernels)].chosen = true;
  std::cerr << describe_tuning(device, side, kernels);
  return kernels;
}

}  // namespace nnlive::gpu
