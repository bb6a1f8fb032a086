// SPDX-License-Identifier: MIT
// FieldEvaluator: runs a field kernel to evaluate a network at every pixel of a W x H grid:
// shaders/field.comp (one invocation per pixel), shaders/field_tiled.comp (a tiled matrix
// product per layer over blocks of pixels, on request), or shaders/field_coop.comp (fp16
// cooperative matrices, where asked for and offered: nnlive/gpu/field_fp16.hpp).
// The network arrives as a plain description (no nn types cross into gpu/); parameters are one
// contiguous float array laid out exactly like nn::Mlp::params().
//
// Contract: set_network() when the architecture changes (creates the pipeline and weight
// buffer; never per frame), set_params() whenever weights change (one memcpy), then evaluate().
#pragma once
#include <array>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "nnlive/gpu/buffer.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive::gpu {

struct NetworkLayout {
  struct Layer {
    uint32_t in = 0, out = 0;
    uint32_t activation = 0;  // nn::Activation code
    uint32_t w_offset = 0;    // floats into params: (out, in) row-major
    uint32_t b_offset = 0;    // floats into params: (out)
  };
  std::vector<Layer> layers;        // hidden layers then the output layer; at most 9
  std::vector<uint32_t> features;   // nn::Feature codes of the inputs, 1..7
  std::vector<float> feature_offset, feature_scale;  // input_i = (feature_i - offset_i) * scale_i
  size_t param_count = 0;
};

// Throws GpuError naming what a field engine cannot take: 1 to FIELD_MAX_LAYERS layers that
// chain (each layer's inputs are the previous one's outputs), of 1 to 512 neurons, whose
// weights and biases lie inside param_count; 1 to 7 input features, each with an offset and a
// scale. Returns the widest layer (inputs included).
uint32_t check_layout(const NetworkLayout& layout);
// The multiply-adds of one pixel's forward pass (weights only).
uint64_t layout_macs(const NetworkLayout& layout);

struct FieldRequest {
  uint32_t width = 0, height = 0;       // pixels, 1..16384 each
  std::array<float, 4> view{};          // x0, y0, x1, y1 (data units)
  int neuron_layer = -1;                // >= 0: write this hidden layer's neuron instead of the outputs
  int neuron = 0;
  bool all_hidden = false;              // write every hidden neuron (layer by layer) instead of the outputs
  bool operator==(const FieldRequest&) const = default;
};

struct FieldResult {
  uint32_t width = 0, height = 0, channels = 0;
  std::vector<float> values;  // (height, width, channels), row 0 at the top
  double gpu_ms = -1.0;       // GPU timestamp difference, -1 if the device has no timestamps
};

// Which kernel evaluates: `automatic` takes the tiled one on GPUs for networks of more than 32
// neurons per layer, where the device has the shared memory it needs (32 KiB; Vulkan promises
// 16), and one invocation per pixel otherwise (always on CPU devices such as lavapipe).
enum class FieldKernel { automatic, per_pixel, tiled };

// FieldPrecision (context.hpp) for an evaluator: `automatic` takes the context's
// (Context::field_precision); fp16 and fp16x3 apply to networks with a product between hidden
// layers, up to the widths whose activations fit the device's shared memory, and to their
// outputs only (a neuron's field, or every hidden neuron's, stays fp32). Where they do not
// apply, fp32.

// How field_coop.comp multiplies between hidden layers (ContextOptions::field_fp16_kernel):
// `automatic` takes the context's choice.
enum class Fp16Kernel { automatic, direct, staged };

struct FieldEvaluatorOptions {
  FieldKernel kernel = FieldKernel::automatic;
  FieldPrecision precision = FieldPrecision::automatic;
  // The per-pixel kernel: a pipeline specialised to each network shape (its widths and
  // activations as constants), for networks small enough that the unrolled code pays.
  bool specialize = true;
  bool force_storage_weights = false;  // use the storage-buffer variant even if weights fit a uniform buffer
  bool own_command_pool = false;       // for use on a thread of its own (the context's pool is the renderer's)
  uint32_t outputs = 1;                // fields recorded in one command buffer (1..8; the renderer's field
                                       // and thumbnails), each with its own values, from one weights upload
  // Tests: field_coop.comp built with its tiles as plain arrays and their operations as loops
  // (EMULATE_COOPERATIVE_MATRICES), for fp16 and fp16x3 on a device without cooperative
  // matrices but with fp16 storage and subgroups of FIELD_COOP_EMULATED_LANES (lavapipe):
  // everything of the fp16 kernel but the tensor cores, checked on every machine. Slow.
  bool emulate_fp16_matrices = false;
  Fp16Kernel fp16_kernel = Fp16Kernel::automatic;
  uint32_t fp16_max_rows = 0;          // field_coop.comp's pixels per workgroup at most (0: as many as fit)
  // Where the precision is `automatic` and so is the context's: time the kernels that agree
  // with fp32 within 1e-4 (fp32, fp16x3 direct and staged) on each new network shape, over a
  // grid of about 2e10 multiply-adds (tune_side pixels a side at most, 128 at least), and keep
  // the fastest (an fp16 one only if at least k_tune_margin times as fast as fp32). Without it `automatic` is fp32: render and record
  // stay exact and the same on every run.
  bool tune_precision = false;
  uint32_t tune_side = 512;
  uint64_t max_binding_bytes = 0;      // 0: the device's maxStorageBufferRange; less makes evaluate() split
                                       // fields into bands sooner (tests exercise the bands with it)
};

// One kernel timed by the tuning (FieldEvaluatorOptions::tune_precision).
struct TunedKernel {
  FieldPrecision precision = FieldPrecision::fp32;
  bool staged = false;
  double ms = -1.0;          // GPU time over the tuning grid (wall time without timestamps); -1: not run
  double probe_diff = -1.0;  // fp16: its difference from the CPU reference on the probe (-1: not probed, did not fit)
  bool agrees = true;        // fp16: it fitted and its probe passed (else the device falls back to fp32)
  bool chosen = false;
};
// An fp16 kernel replaces fp32 only when at least this many times as fast.
constexpr double k_tune_margin = 1.1;
// The kernel the tuning keeps: the fastest that ran and agreed, fp32 unless another beats it by
// k_tune_margin. `kernels` holds fp32 first.
size_t pick_tuned_kernel(std::span<const TunedKernel> kernels);
// "fp32", "fp16x3" or "fp16x3 staged".
std::string tuned_kernel_name(const TunedKernel& kernel);

class FieldEvaluator {
 public:
  FieldEvaluator(const Context& ctx, FieldEvaluatorOptions options = {});
  ~FieldEvaluator();

  void set_network(const NetworkLayout& layout);
  void set_params(std::span<const float> params);
  // Evaluates now into output 0: records, submits, waits and reads the field back (in bands of
  // rows when the whole field is more than the device binds at once).
  FieldResult evaluate(const FieldRequest& request);
  // Records the dispatch into the caller's command buffer and returns the channel count. Once
  // it has run, output_buffer(output) holds (height, width, channels) floats; the caller adds
  // the barrier its reader needs. One recording per output in flight at a time (each output's
  // parameters live in one buffer); every output reads the one copy of the weights.
  // GpuError if the field is larger than the device's maxStorageBufferRange.
  uint32_t record(const vk::raii::CommandBuffer& cb, const FieldRequest& request, uint32_t output = 0);
  vk::Buffer output_buffer(uint32_t output = 0) const;
  // Changes whenever output_buffer() is a new buffer (a handle alone may be reused by the driver
  // for a new buffer after the old one is destroyed, so descriptors must not be keyed on it).
  uint64_t output_version(uint32_t output = 0) const;
  vk::DeviceSize output_bytes(uint32_t output = 0) const;
  // The output's values as the device last wrote them (host-visible memory: read after the
  // recording's fence and a barrier to host reads).
  std::span<const float> output_values(uint32_t output = 0) const;

  bool uses_uniform_weights() const;
  uint32_t max_width() const;  // the pipeline's MAX_WIDTH bucket
  FieldKernel kernel() const;  // per_pixel or tiled: the one set_network() chose
  bool specialised() const;    // whether its pipeline is specialised to the network's shape
  // The outputs' arithmetic set_network() chose: fp32, or fp16 / fp16x3 where asked for, where
  // they apply, and where field_coop.comp agreed with its CPU reference (fp16_reference_field)
  // on a probe grid of this network's shape, run on the device when the network was set.
  FieldPrecision precision() const;
  // The probe's largest difference from the reference (-1 if none was run).
  double fp16_probe_diff() const;
  // Whether field_coop.comp runs staged (Fp16Kernel), and its pixels per workgroup (0: fp32).
  bool fp16_staged() const;
  uint32_t fp16_rows() const;
  uint32_t fp16_chunk_rows() const;  // staged: weight rows a chunk (0 otherwise)
  // The kernels the tuning timed for the current network (empty when it did not tune).
  std::span<const TunedKernel> tuning() const;

 private:
  FieldResult evaluate_band(const FieldRequest& request);
  void configure(const NetworkLayout& layout, FieldPrecision precision, bool staged);
  std::vector<TunedKernel> tune(const NetworkLayout& layout, uint32_t max_side, const std::string& device);
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnlive::gpu
