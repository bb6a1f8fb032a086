// SPDX-License-Identifier: MIT
// Field evaluation on the GPU: pipeline variants, buffers, descriptor set, dispatch, readback.
#include "nnlive/gpu/field_evaluator.hpp"

#include <algorithm>
#include <cstring>
#include <iostream>
#include <map>
#include <optional>
#include <string>
#include <tuple>

#include "field_coop_plan.hpp"
#include "nnlive/gpu/field_fp16.hpp"
#include "nnlive/gpu/field_shared.h"
#include "nnlive/gpu/shaders.hpp"

namespace nnlive::gpu {
namespace {

constexpr vk::DeviceSize k_ubo_weights_bytes = FIELD_UBO_VEC4S * 16;
constexpr uint32_t k_max_side = 16384;
// field_tiled.comp's shared memory at its widest: the block's activations and one weight tile.
constexpr uint32_t k_tiled_shared_bytes = (FIELD_TILED_BLOCK_VALUES + FIELD_TILED_WEIGHT_ROWS * 512) * sizeof(float);
static_assert(k_tiled_shared_bytes == 32768);
// Pipelines are specialised to a network's shape up to this many multiply-adds per pixel. On
// lavapipe (bench field, 256x256) that is 1.2-4x faster for 2-4-1 to 2-24-24-24-1 (1224), but
// 0.3-0.6x for 2-32-32-32-1 (2144) and wider, whose unrolled code no longer fits.
constexpr uint64_t k_specialise_up_to_macs = 1536;

uint32_t width_bucket(uint32_t w) {
  uint32_t b = 8;
  while (b < w) b *= 2;
  return b;
}

// Bindings 0 (parameters), 1 (weights), 2 (values) and, for field_coop.comp, 3 and 4 (the fp16
// weights and the bias rows).
vk::raii::DescriptorSetLayout make_set_layout(const Context& ctx, vk::DescriptorType weights_type, bool coop = false) {
  const auto stage = vk::ShaderStageFlagBits::eCompute;
  const std::array<vk::DescriptorSetLayoutBinding, 5> bindings{{
      {0, vk::DescriptorType::eUniformBuffer, 1, stage},
      {1, weights_type, 1, stage},
      {2, vk::DescriptorType::eStorageBuffer, 1, stage},
      {3, vk::DescriptorType::eStorageBuffer, 1, stage},
      {4, vk::DescriptorType::eStorageBuffer, 1, stage},
  }};
  const vk::DescriptorSetLayoutCreateInfo info{{}, uint32_t(coop ? 5 : 3), bindings.data()};
  return vk::raii::DescriptorSetLayout(ctx.device(), info);
}

}  // namespace

struct FieldEvaluator::Impl {
  // One descriptor-set layout and pipeline layout per weight placement, with both kernels.
  struct Variant {
    vk::raii::DescriptorSetLayout set_layout;
    vk::raii::PipelineLayout pipeline_layout;
    vk::raii::ShaderModule per_pixel, tiled;
  };

  // One per output: its parameters, values and descriptor set; all read the one weights buffer.
  struct Output {
    explicit Output(Buffer p) : params(std::move(p)) {}
    Buffer params;
    std::optional<Buffer> values;  // (H, W, channels) floats, grown as needed
    uint64_t version = 0;          // changes with each new values buffer
    std::optional<vk::raii::DescriptorSet> set;
    bool dirty = true;             // the set must be written again
    std::optional<vk::raii::DescriptorSet> coop_set;  // field_coop.comp's
    bool coop_dirty = true;
  };

  Impl(const Context& c, FieldEvaluatorOptions o)
      : ctx(c), options(o),
        ubo(make_variant(vk::DescriptorType::eUniformBuffer, shaders::field_ubo(), shaders::field_tiled_ubo(), "uniform weights")),
        ssbo(make_variant(vk::DescriptorType::eStorageBuffer, shaders::field_ssbo(), shaders::field_tiled_ssbo(), "storage weights")) {
    const uint32_t n = std::clamp(o.outputs, 1u, 8u);
    for (uint32_t i = 0; i < n; ++i)
      outputs.emplace_back(Buffer(ctx, sizeof(shared::FieldParams), vk::BufferUsageFlagBits::eUniformBuffer, MemoryUse::upload,
                                  ("field params " + std::to_string(i)).c_str()));
    // Per output: a set for field.comp / field_tiled.comp and one for field_coop.comp.
    const std::array<vk::DescriptorPoolSize, 2> sizes{{{vk::DescriptorType::eUniformBuffer, 2 * n},
                                                       {vk::DescriptorType::eStorageBuffer, 6 * n}}};
    pool = vk::raii::DescriptorPool(
        ctx.device(), vk::DescriptorPoolCreateInfo{vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, 2 * n, sizes});
    ctx.set_name(*pool, "field descriptor pool");
    if (ctx.timestamp_period_ns() > 0.0) {
      queries = vk::raii::QueryPool(ctx.device(), vk::QueryPoolCreateInfo{{}, vk::QueryType::eTimestamp, 2});
      ctx.set_name(*queries, "field timestamps");
    }
    if (o.own_command_pool) {
      own_pool = vk::raii::CommandPool(ctx.device(), {vk::CommandPoolCreateFlagBits::eResetCommandBuffer, ctx.queue_family()});
      ctx.set_name(*own_pool, "field command pool (own thread)");
    }
    vk::raii::CommandBuffers cbs(ctx.device(), {o.own_command_pool ? *own_pool : *ctx.command_pool(), vk::CommandBufferLevel::ePrimary, 1});
    cb = std::move(cbs[0]);
    ctx.set_name(*cb, "field commands");
    fence = vk::raii::Fence(ctx.device(), vk::FenceCreateInfo{});
    ctx.set_name(*fence, "field fence");

    const bool fp16_asked = o.precision == FieldPrecision::fp16 || o.precision == FieldPrecision::fp16x3;
    if (o.emulate_fp16_matrices && (!ctx.fp16_storage() || ctx.subgroup_size() != FIELD_COOP_EMULATED_LANES))
      throw GpuError("the emulated fp16 field kernel needs fp16 storage and subgroups of " + std::to_string(FIELD_COOP_EMULATED_LANES) +
                     " invocations, which " + ctx.device_name() + " does not have");
    if (fp16_asked && !ctx.fp16_matrices() && !o.emulate_fp16_matrices)
      throw GpuError("the fp16 field kernel needs fp16 cooperative matrices (VK_NV_cooperative_matrix), which " + ctx.device_name() +
                     " does not offer");
    if (has_coop()) {  // (a device without the capability must not see the module)
      coop_set_layout = make_set_layout(ctx, vk::DescriptorType::eStorageBuffer, true);
      const vk::DescriptorSetLayout raw = *coop_set_layout;
      coop_layout = vk::raii::PipelineLayout(ctx.device(), vk::PipelineLayoutCreateInfo{{}, raw});
      const auto code = o.emulate_fp16_matrices ? shaders::field_coop_emulated() : shaders::field_coop();
      coop_module = vk::raii::ShaderModule(ctx.device(), vk::ShaderModuleCreateInfo{{}, code.size_bytes(), code.data()});
      ctx.set_name(*coop_set_layout, "field_coop.comp");
      ctx.set_name(*coop_layout, "field_coop.comp");
      ctx.set_name(*coop_module, "field_coop.comp");
    }
  }

  // Whether field_coop.comp can run: on the tensor cores, or emulated (tests).
  bool has_coop() const { return options.emulate_fp16_matrices || ctx.fp16_matrices(); }

  // The precision asked for: the option, or the context's.
  FieldPrecision wanted() const { return options.precision != FieldPrecision::automatic ? options.precision : ctx.field_precision(); }

  // Whether field_coop.comp runs staged: the option, or the context's.
  bool staged_wanted() const {
    return options.fp16_kernel == Fp16Kernel::automatic ? ctx.field_fp16_staged() : options.fp16_kernel == Fp16Kernel::staged;
  }

  // (Unsplit, the low halves' array is 8 halves: 16 bytes, so that the arrays NVIDIA places
  // after it stay aligned for cooperative loads and stores; with 1 the H200 summed garbage.)
  vk::Pipeline coop_pipeline_for(const CoopShape& shape) {
    const auto constants = shape.constants();
    if (auto it = coop_pipelines.find(constants); it != coop_pipelines.end()) return *it->second;
    std::array<vk::SpecializationMapEntry, constants.size()> entries;
    for (uint32_t i = 0; i < constants.size(); ++i) entries[i] = vk::SpecializationMapEntry{i, i * uint32_t(sizeof(uint32_t)), sizeof(uint32_t)};
    const vk::SpecializationInfo spec{uint32_t(entries.size()), entries.data(), sizeof(constants), constants.data()};
    const vk::PipelineShaderStageCreateInfo stage{{}, vk::ShaderStageFlagBits::eCompute, *coop_module, "main", &spec};
    vk::raii::Pipeline p(ctx.device(), nullptr, vk::ComputePipelineCreateInfo{{}, stage, *coop_layout});
    ctx.set_name(*p, ("field_coop pipeline (" + std::to_string(shape.rows) + " pixels, " + (shape.split ? "fp16x3" : "fp16") +
                      (shape.staged ? ", staged" : "") + ")")
                         .c_str());
    return *coop_pipelines.emplace(constants, std::move(p)).first->second;
  }

  void write_coop_descriptors(Output& out) {
    out.coop_set.reset();
    out.coop_set.emplace(std::move(vk::raii::DescriptorSets(ctx.device(), {*pool, *coop_set_layout})[0]));
    ctx.set_name(**out.coop_set, "field_coop descriptors");
    const std::array<vk::DescriptorBufferInfo, 5> info{{{out.params.handle(), 0, VK_WHOLE_SIZE},
                                                        {weights->handle(), 0, VK_WHOLE_SIZE},
                                                        {out.values->handle(), 0, VK_WHOLE_SIZE},
                                                        {halves->handle(), 0, VK_WHOLE_SIZE},
                                                        {bias_rows->handle(), 0, VK_WHOLE_SIZE}}};
    std::array<vk::WriteDescriptorSet, 5> writes;
    for (uint32_t i = 0; i < 5; ++i)
      writes[i] = vk::WriteDescriptorSet{**out.coop_set, i, 0, 1, i == 0 ? vk::DescriptorType::eUniformBuffer : vk::DescriptorType::eStorageBuffer, nullptr, &info[i]};
    ctx.device().updateDescriptorSets(writes, {});
    out.coop_dirty = false;
  }

  Variant make_variant(vk::DescriptorType weights_type, std::span<const uint32_t> per_pixel, std::span<const uint32_t> tiled,
                       const std::string& placement) {
    auto set_layout = make_set_layout(ctx, weights_type);
    const vk::DescriptorSetLayout raw = *set_layout;
    vk::raii::PipelineLayout layout(ctx.device(), vk::PipelineLayoutCreateInfo{{}, raw});
    vk::raii::ShaderModule a(ctx.device(), vk::ShaderModuleCreateInfo{{}, per_pixel.size_bytes(), per_pixel.data()});
    vk::raii::ShaderModule b(ctx.device(), vk::ShaderModuleCreateInfo{{}, tiled.size_bytes(), tiled.data()});
    ctx.set_name(*set_layout, ("field kernels (" + placement + ")").c_str());
    ctx.set_name(*layout, ("field kernels (" + placement + ")").c_str());
    ctx.set_name(*a, ("field.comp (" + placement + ")").c_str());
    ctx.set_name(*b, ("field_tiled.comp (" + placement + ")").c_str());
    return Variant{std::move(set_layout), std::move(layout), std::move(a), std::move(b)};
  }

  const Variant& variant() const { return use_ubo ? ubo : ssbo; }

  // `constants` are the pipeline's specialisation constants, ids 0, 1, ... in order: MAX_WIDTH,
  // then for a per-pixel pipeline specialised to a shape, field.comp's SHAPE_* constants.
  vk::Pipeline pipeline_for(bool in_ubo, FieldKernel k, const std::vector<uint32_t>& constants) {
    const auto key = std::make_tuple(in_ubo, k, constants);
    if (auto it = pipelines.find(key); it != pipelines.end()) return *it->second;
    const Variant& v = in_ubo ? ubo : ssbo;
    std::vector<vk::SpecializationMapEntry> entries;
    for (uint32_t i = 0; i < constants.size(); ++i) entries.push_back({i, i * uint32_t(sizeof(uint32_t)), sizeof(uint32_t)});
    const vk::SpecializationInfo spec{uint32_t(entries.size()), entries.data(), constants.size() * sizeof(uint32_t), constants.data()};
    const uint32_t max_width = constants.front();
    const vk::ShaderModule module = k == FieldKernel::tiled ? *v.tiled : *v.per_pixel;
    const vk::PipelineShaderStageCreateInfo stage{{}, vk::ShaderStageFlagBits::eCompute, module, "main", &spec};
    vk::raii::Pipeline p(ctx.device(), nullptr, vk::ComputePipelineCreateInfo{{}, stage, *v.pipeline_layout});
    const std::string name = std::string(k == FieldKernel::tiled ? "field_tiled" : "field") + " pipeline (" +
                             (in_ubo ? "uniform" : "storage") + " weights, width " + std::to_string(max_width) +
                             (constants.size() > 1 ? ", specialised" : "") + ")";
    ctx.set_name(*p, name.c_str());
    return *pipelines.emplace(key, std::move(p)).first->second;
  }

  // The kernel for every network.
  FieldKernel choose_kernel() const {
    const bool tiled_fits = ctx.limits().maxComputeSharedMemorySize >= k_tiled_shared_bytes;
    if (options.kernel == FieldKernel::tiled) {
      if (!tiled_fits) throw GpuError("the tiled field kernel needs 32 KiB of shared memory; this device has less");
      return FieldKernel::tiled;
    }
    // One pixel per invocation, on every device. A CPU device runs invocations as SIMD lanes:
    // one pixel per lane reads each weight once for all lanes, while the tiled kernel's
    // shared-memory reads become gathers (5-10x slower on lavapipe, bench field). On a GPU a
    // whole layer per thread spills out of the registers from about 64 floats, but the tiled
    // kernel measured slower still on an H200 (bench field: 2-256x4-1 at 3840x2160 410 ms per
    // pixel against 1745 ms tiled, 2-512-512-1 at 1920x1080 135 against 1353 ms, 2-64x3-1 at
    // 256x256 0.15 against 0.65 ms; only 2-64x3-1 at 1920x1080 came out even, 19.9 against
    // 18.8 ms). The tiled kernel stays for `options.kernel` and the bench.
    return FieldKernel::per_pixel;
  }

  void write_descriptors(Output& out) {
    out.set.reset();
    out.set.emplace(std::move(vk::raii::DescriptorSets(ctx.device(), {*pool, *variant().set_layout})[0]));
    ctx.set_name(**out.set, "field descriptors");
    const vk::DescriptorBufferInfo p{out.params.handle(), 0, VK_WHOLE_SIZE};
    const vk::DescriptorBufferInfo w{weights->handle(), 0, VK_WHOLE_SIZE};
    const vk::DescriptorBufferInfo o{out.values->handle(), 0, VK_WHOLE_SIZE};
    const std::array<vk::WriteDescriptorSet, 3> writes{{
        {**out.set, 0, 0, 1, vk::DescriptorType::eUniformBuffer, nullptr, &p},
        {**out.set, 1, 0, 1, use_ubo ? vk::DescriptorType::eUniformBuffer : vk::DescriptorType::eStorageBuffer, nullptr, &w},
        {**out.set, 2, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &o},
    }};
    ctx.device().updateDescriptorSets(writes, {});
    out.dirty = false;
  }

  // The most bytes one storage binding may hold: the device's range, or less if asked.
  uint64_t binding_limit() const {
    const uint64_t range = ctx.limits().maxStorageBufferRange;
    return options.max_binding_bytes > 0 ? std::min<uint64_t>(range, options.max_binding_bytes) : range;
  }
  uint32_t hidden_count() const {
    uint32_t hidden = 0;
    for (size_t l = 0; l + 1 < layout.layers.size(); ++l) hidden += layout.layers[l].out;
    return hidden;
  }

  const Context& ctx;
  FieldEvaluatorOptions options;
  Variant ubo, ssbo;
  std::map<std::tuple<bool, FieldKernel, std::vector<uint32_t>>, vk::raii::Pipeline> pipelines;
  // field_coop.comp, where the device offers fp16 cooperative matrices.
  vk::raii::DescriptorSetLayout coop_set_layout{nullptr};
  vk::raii::PipelineLayout coop_layout{nullptr};
  vk::raii::ShaderModule coop_module{nullptr};
  std::map<std::array<uint32_t, 11>, vk::raii::Pipeline> coop_pipelines;
  std::optional<Buffer> halves, bias_rows;  // Fp16Weights::halves and ::bias_rows
  Fp16Weights fp16;
  std::optional<Buffer> weights;  // FIELD_UBO_VEC4S vec4s (uniform) or param_count floats (storage)
  vk::raii::DescriptorPool pool{nullptr};  // (before the outputs: it outlives their sets)
  std::vector<Output> outputs;
  uint64_t buffers_made = 0;      // output versions count these
  vk::raii::QueryPool queries{nullptr};
  vk::raii::CommandPool own_pool{nullptr};  // (before cb: the pool outlives its buffer)
  vk::raii::CommandBuffer cb{nullptr};
  vk::raii::Fence fence{nullptr};

  NetworkLayout layout;
  bool use_ubo = true;
  uint32_t max_width = 8;
  FieldKernel kernel = FieldKernel::per_pixel;
  bool specialised = false;
  vk::Pipeline pipeline{};
  bool coop = false;  // the outputs by field_coop.comp
  CoopShape shape;  // field_coop.comp's (when coop)
  vk::Pipeline coop_pipeline{};
  double probe_diff = -1.0;
  std::vector<TunedKernel> tuned;  // the current network's tuning

  Output& output(uint32_t i) {
    if (i >= outputs.size()) throw GpuError("no field output " + std::to_string(i) + " (this evaluator has " + std::to_string(outputs.size()) + ")");
    return outputs[i];
  }
};

uint64_t layout_macs(const NetworkLayout& layout) {
  uint64_t macs = 0;
  for (const auto& l : layout.layers) macs += uint64_t(l.in) * l.out;
  return macs;
}

uint32_t check_layout(const NetworkLayout& layout) {
  if (layout.layers.empty() || layout.layers.size() > FIELD_MAX_LAYERS)
    throw GpuError("the field engine takes 1 to " + std::to_string(FIELD_MAX_LAYERS) + " layers");
  if (layout.features.empty() || layout.features.size() > 7 || layout.feature_offset.size() != layout.features.size() ||
      layout.feature_scale.size() != layout.features.size())
    throw GpuError("the field engine takes 1 to 7 input features with one offset and scale each");
  uint32_t widest = uint32_t(layout.features.size()), in = widest;
  for (const auto& l : layout.layers) {
    if (l.in != in || l.out < 1 || l.out > 512 || uint64_t(l.w_offset) + uint64_t(l.in) * l.out > layout.param_count ||
        uint64_t(l.b_offset) + l.out > layout.param_count)
      throw GpuError("the network's layers do not chain or do not fit its parameters (layers of 1 to 512 neurons)");
    widest = std::max(widest, l.out);
    in = l.out;
  }
  return widest;
}

FieldEvaluator::FieldEvaluator(const Context& ctx, FieldEvaluatorOptions options)
    : impl_(std::make_unique<Impl>(ctx, options)) {}

FieldEvaluator::~FieldEvaluator() = default;

bool FieldEvaluator::uses_uniform_weights() const { return impl_->use_ubo; }
uint32_t FieldEvaluator::max_width() const { return impl_->max_width; }
FieldKernel FieldEvaluator::kernel() const { return impl_->kernel; }
bool FieldEvaluator::specialised() const { return impl_->specialised; }
FieldPrecision FieldEvaluator::precision() const {
  return !impl_->coop ? FieldPrecision::fp32 : impl_->shape.split ? FieldPrecision::fp16x3 : FieldPrecision::fp16;
}
double FieldEvaluator::fp16_probe_diff() const { return impl_->probe_diff; }
bool FieldEvaluator::fp16_staged() const { return impl_->coop && impl_->shape.staged; }
uint32_t FieldEvaluator::fp16_rows() const { return impl_->coop ? impl_->shape.rows : 0; }
uint32_t FieldEvaluator::fp16_chunk_rows() const { return fp16_staged() ? 16 * impl_->shape.kc : 0; }

std::span<const TunedKernel> FieldEvaluator::tuning() const { return impl_->tuned; }

void FieldEvaluator::set_network(const NetworkLayout& layout) {
  Impl& m = *impl_;
  check_layout(layout);
  FieldPrecision precision = m.wanted();
  bool staged = m.staged_wanted();
  m.tuned.clear();
  if (precision == FieldPrecision::automatic) {
    precision = FieldPrecision::fp32;
    if (m.options.tune_precision && m.has_coop() && fp16_applies(layout)) {
      m.tuned = tuned_once(m.ctx, layout, m.options, [&] { return tune(layout, m.options.tune_side, m.ctx.device_name()); });
      const TunedKernel& best = m.tuned[pick_tuned_kernel(m.tuned)];
      precision = best.precision;
      staged = best.staged;
    }
  }
  configure(layout, precision, staged);
}

void FieldEvaluator::configure(const NetworkLayout& layout, FieldPrecision wanted, bool staged) {
  Impl& m = *impl_;
  const uint32_t widest = check_layout(layout);

  // Rounded up to whole vec4s: the shader reads weights four at a time.
  const vk::DeviceSize param_bytes = std::max<vk::DeviceSize>((layout.param_count + 3) / 4 * 16, 16);
  // fp16 cooperative matrices, where asked for and where they apply: the most pixels per
  // workgroup whose activations fit the device's shared memory (coop_shape).
  bool coop = false;
  const bool split = wanted == FieldPrecision::fp16x3;
  CoopShape shape;
  if (wanted != FieldPrecision::fp32 && m.has_coop() && fp16_applies(layout)) {
    m.fp16 = fp16_layout(layout);
    shape = coop_shape(m.ctx, m.fp16.widest_padded, split, staged, m.options.fp16_max_rows);
    coop = shape.rows >= 16;
  }
  const bool fits_ubo = param_bytes <= k_ubo_weights_bytes && m.ctx.limits().maxUniformBufferRange >= k_ubo_weights_bytes;
  const bool use_ubo = fits_ubo && !m.options.force_storage_weights && !coop;  // (field_coop.comp reads a storage buffer)
  if (!use_ubo && param_bytes > m.ctx.limits().maxStorageBufferRange)
    throw GpuError("the network's parameters do not fit in one storage buffer on this device");

  const vk::DeviceSize bytes = use_ubo ? k_ubo_weights_bytes : param_bytes;
  if (!m.weights || m.use_ubo != use_ubo || m.weights->size() != bytes) {
    m.weights.emplace(m.ctx, bytes,
                      use_ubo ? vk::BufferUsageFlagBits::eUniformBuffer : vk::BufferUsageFlagBits::eStorageBuffer,
                      MemoryUse::upload, "field weights");
    std::memset(m.weights->mapped(), 0, bytes);
    for (auto& o : m.outputs) o.dirty = o.coop_dirty = true;
  }
  if (coop) {
    const vk::DeviceSize half_bytes = m.fp16.halves_size * sizeof(uint16_t), bias_bytes = m.fp16.bias_size * sizeof(float);
    if (!m.halves || m.halves->size() != half_bytes) {
      m.halves.emplace(m.ctx, half_bytes, vk::BufferUsageFlagBits::eStorageBuffer, MemoryUse::upload, "field fp16 weights");
      for (auto& o : m.outputs) o.coop_dirty = true;
    }
    if (!m.bias_rows || m.bias_rows->size() != bias_bytes) {
      m.bias_rows.emplace(m.ctx, bias_bytes, vk::BufferUsageFlagBits::eStorageBuffer, MemoryUse::upload, "field fp16 bias rows");
      for (auto& o : m.outputs) o.coop_dirty = true;
    }
    std::memset(m.halves->mapped(), 0, half_bytes);
    std::memset(m.bias_rows->mapped(), 0, bias_bytes);
    m.coop_pipeline = m.coop_pipeline_for(shape);
  }
  m.coop = coop;
  m.shape = shape;
  m.probe_diff = -1.0;
  m.use_ubo = use_ubo;
  const uint32_t bucket = width_bucket(widest);
  m.kernel = m.choose_kernel();
  m.max_width = m.kernel == FieldKernel::tiled ? std::max(bucket, 16u) : bucket;  // field_tiled.comp's tiles are 16 neurons wide
  std::vector<uint32_t> constants{m.max_width};
  m.specialised = m.kernel == FieldKernel::per_pixel && m.options.specialize && layout_macs(layout) <= k_specialise_up_to_macs;
  if (m.specialised) {
    // field.comp's SHAPE_LAYERS, SHAPE_INPUTS, SHAPE_OUT0..8, SHAPE_ACT0..8.
    constants.resize(3 + 2 * FIELD_MAX_LAYERS, 0);
    constants[1] = uint32_t(layout.layers.size());
    constants[2] = uint32_t(layout.features.size());
    for (size_t l = 0; l < layout.layers.size(); ++l) {
      constants[3 + l] = layout.layers[l].out;
      constants[3 + FIELD_MAX_LAYERS + l] = layout.layers[l].activation;
    }
  }
  m.pipeline = m.pipeline_for(use_ubo, m.kernel, constants);
  m.layout = layout;

  if (coop) {
    // The kernel on this device against its CPU reference, on a probe of this network's shape
    // with random weights: a device whose result differs gets fp32 instead. 12 x 9 pixels: a
    // few workgroups, the last one partial, whatever the rows per workgroup.
    const std::vector<float> params = probe_params(layout);
    set_params(params);
    const FieldRequest probe{12, 9, {-6.0f, -6.0f, 6.0f, 6.0f}};
    const FieldResult got = evaluate_band(probe);
    const std::vector<float> want = fp16_reference_field(layout, params, probe, split);
    m.probe_diff = compare_fields(got.values, want, got.channels).max_abs_diff;
    // (Split, the sums' order moves the outputs by 1e-6; one product per weight, an activation
    // whose sum lands on the other side of a rounding tie moves by 2^-11 and the outputs by up
    // to 2.5e-3 at 256x4.)
    const double tolerance = split ? 1e-4 : 1e-2;
    if (!(m.probe_diff <= tolerance)) {
      std::cerr << "nnlive: the fp16 field kernel differs from its reference by " << m.probe_diff << " on " << m.ctx.device_name()
                << "; the field is evaluated in fp32\n";
      m.coop = false;
    }
  }
}

void FieldEvaluator::set_params(std::span<const float> params) {
  Impl& m = *impl_;
  if (!m.weights) throw GpuError("set_network() must come before set_params()");
  if (params.size() != m.layout.param_count)
    throw GpuError("expected " + std::to_string(m.layout.param_count) + " parameters, got " + std::to_string(params.size()));
  std::memcpy(m.weights->mapped(), params.data(), params.size_bytes());
  if (m.coop) {
    // (straight into the upload buffers, whose padding set_network() zeroed)
    fp16_pack(m.layout, params, m.fp16, static_cast<uint16_t*>(m.halves->mapped()), static_cast<float*>(m.bias_rows->mapped()));
  }
}

vk::Buffer FieldEvaluator::output_buffer(uint32_t output) const {
  const auto& o = impl_->output(output);
  return o.values ? o.values->handle() : vk::Buffer{};
}
uint64_t FieldEvaluator::output_version(uint32_t output) const { return impl_->output(output).version; }
vk::DeviceSize FieldEvaluator::output_bytes(uint32_t output) const {
  const auto& o = impl_->output(output);
  return o.values ? o.values->size() : 0;
}

std::span<const float> FieldEvaluator::output_values(uint32_t output) const {
  const auto& o = impl_->output(output);
  if (!o.values) return {};
  return {static_cast<const float*>(o.values->mapped()), size_t(o.values->size() / sizeof(float))};
}

uint32_t FieldEvaluator::record(const vk::raii::CommandBuffer& cb, const FieldRequest& req, uint32_t output) {
  Impl& m = *impl_;
  Impl::Output& out = m.output(output);
  if (!m.weights) throw GpuError("set_network() must come before evaluate()");
  if (req.width < 1 || req.height < 1 || req.width > k_max_side || req.height > k_max_side)
    throw GpuError("the field size must be 1 to " + std::to_string(k_max_side) + " pixels on each side");
  const auto& layers = m.layout.layers;
  const bool neuron_mode = req.neuron_layer >= 0;
  if (neuron_mode && (req.neuron_layer + 1 >= static_cast<int>(layers.size()) || req.neuron < 0 ||
                      req.neuron >= static_cast<int>(layers[req.neuron_layer].out)))
    throw GpuError("no hidden neuron " + std::to_string(req.neuron_layer + 1) + ":" + std::to_string(req.neuron + 1));
  const uint32_t hidden = m.hidden_count();
  if (req.all_hidden && hidden == 0) throw GpuError("the network has no hidden neurons");
  const uint32_t channels = neuron_mode ? 1 : req.all_hidden ? hidden : layers.back().out;
  const uint32_t mode = neuron_mode ? FIELD_MODE_NEURON : req.all_hidden ? FIELD_MODE_HIDDEN : FIELD_MODE_OUTPUT;

  const vk::DeviceSize bytes = vk::DeviceSize(req.width) * req.height * channels * sizeof(float);
  const uint64_t binding_limit = m.binding_limit();
  if (bytes > binding_limit)
    throw GpuError("a " + std::to_string(req.width) + "x" + std::to_string(req.height) + " field of " + std::to_string(channels) +
                   " values per pixel needs " + std::to_string(bytes >> 20) + " MiB, more than this device binds at once (" +
                   std::to_string(binding_limit >> 20) + " MiB)");
  if (!out.values || out.values->size() < bytes) {
    // (Also a texel buffer: the renderer's field view reads it as one.)
    out.values.emplace(m.ctx, bytes, vk::BufferUsageFlagBits::eStorageBuffer | vk::BufferUsageFlagBits::eUniformTexelBuffer,
                       MemoryUse::readback, "field output");
    out.version = ++m.buffers_made;
    out.dirty = out.coop_dirty = true;
  }
  const bool coop = m.coop && mode == FIELD_MODE_OUTPUT;
  if (coop && out.coop_dirty) m.write_coop_descriptors(out);
  if (!coop && out.dirty) m.write_descriptors(out);

  shared::FieldParams p{};
  p.size = {req.width, req.height, static_cast<uint32_t>(layers.size()), static_cast<uint32_t>(m.layout.features.size())};
  p.mode = {mode, channels, neuron_mode ? static_cast<uint32_t>(req.neuron_layer) : 0u,
            neuron_mode ? static_cast<uint32_t>(req.neuron) : 0u};
  p.view = {req.view[0], req.view[1], req.view[2], req.view[3]};
  for (size_t i = 0; i < m.layout.features.size(); ++i) {
    reinterpret_cast<uint32_t*>(p.features)[i] = m.layout.features[i];
    reinterpret_cast<float*>(p.feature_offset)[i] = m.layout.feature_offset[i];
    reinterpret_cast<float*>(p.feature_scale)[i] = m.layout.feature_scale[i];
  }
  for (size_t l = 0; l < layers.size(); ++l) {
    p.layers[l].dims = {layers[l].in, layers[l].out, layers[l].w_offset, layers[l].b_offset};
    p.layers[l].act = {layers[l].activation, 0, 0, 0};
    if (m.coop) p.layers[l].act = {layers[l].activation, m.fp16.layers[l].w_offset, m.fp16.layers[l].lo_offset, m.fp16.layers[l].b_offset};
  }
  std::memcpy(out.params.mapped(), &p, sizeof(p));

  if (coop) {
    // Blocks of shape.rows consecutive pixels, numbered as the tiled kernel's below.
    cb.bindPipeline(vk::PipelineBindPoint::eCompute, m.coop_pipeline);
    cb.bindDescriptorSets(vk::PipelineBindPoint::eCompute, *m.coop_layout, 0, **out.coop_set, {});
    const uint64_t blocks = (uint64_t(req.width) * req.height + m.shape.rows - 1) / m.shape.rows;
    const uint32_t gx = uint32_t(std::min<uint64_t>(blocks, 65535));
    cb.dispatch(gx, uint32_t((blocks + gx - 1) / gx), 1);
    return channels;
  }
  cb.bindPipeline(vk::PipelineBindPoint::eCompute, m.pipeline);
  cb.bindDescriptorSets(vk::PipelineBindPoint::eCompute, *m.variant().pipeline_layout, 0, **out.set, {});
  if (m.kernel == FieldKernel::tiled) {
    // Blocks of consecutive pixels, numbered across a grid of workgroups no wider than the
    // 65535 every device allows; the shader skips numbers past the last block.
    const uint64_t pixels = uint64_t(req.width) * req.height, per_block = FIELD_TILED_BLOCK_VALUES / m.max_width;
    const uint64_t blocks = (pixels + per_block - 1) / per_block;
    const uint32_t gx = uint32_t(std::min<uint64_t>(blocks, 65535));
    cb.dispatch(gx, uint32_t((blocks + gx - 1) / gx), 1);
  } else {
    cb.dispatch((req.width + FIELD_LOCAL_SIZE - 1) / FIELD_LOCAL_SIZE, (req.height + FIELD_LOCAL_SIZE - 1) / FIELD_LOCAL_SIZE, 1);
  }
  return channels;
}

FieldResult FieldEvaluator::evaluate(const FieldRequest& req) {
  Impl& m = *impl_;
  // A storage buffer may be bound with at most maxStorageBufferRange bytes (128 MiB on many
  // devices; a 8192x8192 field of one float is 256 MiB): larger fields are evaluated in bands
  // of whole rows, each with its own slice of the view, and put together here.
  const uint64_t limit = m.binding_limit();
  uint32_t channels = 1;
  if (m.weights && req.neuron_layer < 0) channels = req.all_hidden ? std::max(m.hidden_count(), 1u) : m.layout.layers.back().out;
  const uint64_t row_bytes = uint64_t(std::max(req.width, 1u)) * channels * sizeof(float);
  if (row_bytes * req.height <= limit || req.height < 2) return evaluate_band(req);
  const uint32_t band = uint32_t(std::max<uint64_t>(1, limit / row_bytes));
  FieldResult all;
  all.width = req.width, all.height = req.height, all.gpu_ms = 0.0;
  all.values.reserve(size_t(row_bytes / sizeof(float)) * req.height);
  const double top = req.view[3], per_row = (double(req.view[3]) - double(req.view[1])) / req.height;
  for (uint32_t r0 = 0; r0 < req.height; r0 += band) {
    FieldRequest part = req;
    part.height = std::min(band, req.height - r0);
    part.view[3] = float(top - per_row * r0);
    part.view[1] = float(top - per_row * (r0 + part.height));
    FieldResult r = evaluate_band(part);
    all.channels = r.channels;
    all.values.insert(all.values.end(), r.values.begin(), r.values.end());
    all.gpu_ms = r.gpu_ms >= 0.0 && all.gpu_ms >= 0.0 ? all.gpu_ms + r.gpu_ms : -1.0;
  }
  return all;
}

FieldResult FieldEvaluator::evaluate_band(const FieldRequest& req) {
  Impl& m = *impl_;
  const auto& cb = m.cb;
  cb.reset();
  cb.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
  if (*m.queries) {
    cb.resetQueryPool(*m.queries, 0, 2);
    cb.writeTimestamp2(vk::PipelineStageFlagBits2::eTopOfPipe, *m.queries, 0);
  }
  uint32_t channels = 0;
  try {
    channels = record(cb, req);
  } catch (...) {
    cb.end();
    throw;
  }
  if (*m.queries) cb.writeTimestamp2(vk::PipelineStageFlagBits2::eComputeShader, *m.queries, 1);
  // The host reads the field after the fence: make the shader's writes visible to host reads.
  const vk::MemoryBarrier2 to_host{vk::PipelineStageFlagBits2::eComputeShader, vk::AccessFlagBits2::eShaderStorageWrite,
                                   vk::PipelineStageFlagBits2::eHost, vk::AccessFlagBits2::eHostRead};
  cb.pipelineBarrier2(vk::DependencyInfo{{}, to_host});
  cb.end();

  m.ctx.submit_and_wait(cb, m.fence, "evaluating the field");

  FieldResult r;
  r.width = req.width;
  r.height = req.height;
  r.channels = channels;
  const float* data = static_cast<const float*>(m.outputs[0].values->mapped());
  r.values.assign(data, data + size_t(req.width) * req.height * channels);
  if (*m.queries) {
    const auto [res, ticks] = m.queries.getResults<uint64_t>(0, 2, 2 * sizeof(uint64_t), sizeof(uint64_t),
                                                            vk::QueryResultFlagBits::e64 | vk::QueryResultFlagBits::eWait);
    if (res == vk::Result::eSuccess) r.gpu_ms = double(ticks[1] - ticks[0]) * m.ctx.timestamp_period_ns() * 1e-6;
  }
  return r;
}

}  // namespace nnlive::gpu
