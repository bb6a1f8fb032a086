// SPDX-License-Identifier: MIT
// The renderer's per-frame state (private to src/render): what each panel keeps per frame slot
// (its field engines and stages, palette and field-view descriptor sets), what each frame slot
// keeps (command buffer, fence, pass timestamps), and one panel's draw between composition and
// recording.
#pragma once
#include <algorithm>
#include <memory>
#include <optional>
#include <span>
#include <vector>

#include "field_stage.hpp"
#include "host_view.hpp"
#include "nnlive/gpu/buffer.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/render_shared.h"

namespace nnlive::render {

inline constexpr vk::Format k_target_format = vk::Format::eR8G8B8A8Unorm;

// The most bytes of field values a field view reads: what the field kernels bind at once, and
// what one texel buffer (field_view.frag's binding) holds.
inline vk::DeviceSize field_view_limit(const gpu::Context& ctx) {
  return std::min<vk::DeviceSize>(ctx.limits().maxStorageBufferRange, vk::DeviceSize(ctx.limits().maxTexelBufferElements) * sizeof(float));
}

// The field view's texel buffer over `bytes` of a field's values (one float per texel).
inline vk::raii::BufferView field_texels(const gpu::Context& ctx, vk::Buffer buffer, vk::DeviceSize bytes) {
  const vk::DeviceSize texels = std::min(bytes / sizeof(float), vk::DeviceSize(ctx.limits().maxTexelBufferElements));
  vk::raii::BufferView view(ctx.device(), vk::BufferViewCreateInfo{{}, buffer, vk::Format::eR32Sfloat, 0, texels * sizeof(float)});
  ctx.set_name(*view, "field texels");
  return view;
}

// Per panel and frame slot: the field and the thumbnails, their palette and the field-view
// descriptor sets that read them.
struct PanelSlot {
  PanelSlot(const gpu::Context& ctx, const vk::raii::DescriptorSetLayout& set_layout)
      : engines(ctx, 2),
        field(ctx, engines, 0),
        thumbs(ctx, engines, 1),
        palette(ctx, sizeof(shared::Palette), vk::BufferUsageFlagBits::eUniformBuffer, gpu::MemoryUse::upload, "palette") {
    const std::array<vk::DescriptorPoolSize, 2> sizes{{{vk::DescriptorType::eUniformTexelBuffer, 2},
                                                       {vk::DescriptorType::eUniformBuffer, 2}}};
    pool = vk::raii::DescriptorPool(ctx.device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, 2, sizes});
    const std::array<vk::DescriptorSetLayout, 2> layouts{*set_layout, *set_layout};
    vk::raii::DescriptorSets sets(ctx.device(), {*pool, layouts});
    field_set = std::move(sets[0]);
    thumb_set = std::move(sets[1]);
    ctx.set_name(*field_set, "field view descriptors");
    ctx.set_name(*thumb_set, "thumbnail descriptors");
  }

  // Architecture changes (rare) set the engines up again; parameters are copied (once, for the
  // field and the thumbnails) when they changed. Either change forgets what the outputs hold.
  void set_network(const gpu::NetworkLayout& layout, std::span<const float> params) {
    const bool same = layout.layers.size() == network.layers.size() && layout.features == network.features &&
                      layout.feature_offset == network.feature_offset && layout.feature_scale == network.feature_scale &&
                      std::equal(layout.layers.begin(), layout.layers.end(), network.layers.begin(), [](const auto& a, const auto& b) {
                        return a.in == b.in && a.out == b.out && a.activation == b.activation;
                      });
    if (!same) {
      engines.set_network(layout);
      network = layout;
    } else if (std::ranges::equal(params, last_params)) {
      return;
    }
    last_params.assign(params.begin(), params.end());
    engines.set_params(params);
  }

  // Points a field-view set at a stage's output, through a texel buffer view of it, when that
  // buffer changed (by version: a new buffer may have the old one's handle). The slot's last
  // frame has finished: nothing reads the view replaced.
  void bind(const gpu::Context& ctx, const vk::raii::DescriptorSet& set, vk::raii::BufferView& view, const FieldStage& stage,
            uint64_t& bound) {
    if (stage.version() == bound) return;
    view = field_texels(ctx, stage.buffer(), stage.bytes());
    const vk::BufferView texels = *view;
    const vk::DescriptorBufferInfo pal{palette.handle(), 0, VK_WHOLE_SIZE};
    const std::array<vk::WriteDescriptorSet, 2> writes{{
        {*set, 0, 0, 1, vk::DescriptorType::eUniformTexelBuffer, nullptr, nullptr, &texels},
        {*set, 1, 0, 1, vk::DescriptorType::eUniformBuffer, nullptr, &pal},
    }};
    ctx.device().updateDescriptorSets(writes, {});
    bound = stage.version();
  }

  // The host-coloured views' buffer, with room for `pixels` RGBA8 colours (grown as needed);
  // returns its memory.
  uint32_t* colours_for(const gpu::Context& ctx, size_t pixels) {
    const vk::DeviceSize bytes = std::max<vk::DeviceSize>(pixels * sizeof(uint32_t), 16);
    if (!colours || colours->size() < bytes) {
      colours.emplace(ctx, bytes, vk::BufferUsageFlagBits::eTransferSrc, gpu::MemoryUse::upload, "field view colours from the host");
      colours_key = 0;
    }
    return static_cast<uint32_t*>(colours->mapped());
  }

  FieldEngines engines;  // (before the stages that read it)
  FieldStage field, thumbs;
  gpu::Buffer palette;
  vk::raii::BufferView field_view{nullptr}, thumb_view{nullptr};  // what the sets point at
  vk::raii::DescriptorPool pool{nullptr};
  vk::raii::DescriptorSet field_set{nullptr}, thumb_set{nullptr};
  uint64_t bound_field = 0, bound_thumbs = 0;  // output versions the sets point at
  // Field views coloured on the host (FieldViewPass::update), and what decided their colours.
  std::optional<gpu::Buffer> colours;
  uint64_t colours_key = 0;
  gpu::NetworkLayout network;  // the architecture the evaluators were last set up for
  std::vector<float> last_params;
};

// Per frame in flight: command buffer, fence and one PanelSlot per panel (the shapes pass
// keeps its instances per slot index itself).
struct FrameSlot {
  uint32_t index = 0;
  std::vector<std::unique_ptr<PanelSlot>> panels;
  vk::raii::CommandBuffer cb{nullptr};
  vk::raii::Fence fence{nullptr};
  uint64_t frame = 0;  // the frame last submitted from this slot
  bool pending = false;
  // Pass timestamps: 0 start, 1 after the fields, then per panel after its underlay, field
  // views and overlay, then after the copies; `timed` of them written by the last submission.
  vk::raii::QueryPool queries{nullptr};
  uint32_t query_capacity = 0, timed = 0, panels_timed = 0;
  double field_host_ms = 0.0, view_host_ms = 0.0, shapes_host_ms = 0.0;
};

// What one panel draws this frame, between composition and recording.
struct PanelDraw {
  Composition comp;
  gpu::FieldRequest req;
  uint32_t channels = 0, thumb_channels = 0;
  bool neuron = false;
  bool chart = false;  // a comparison chart: shapes only
  float boundary_half_width = 1.0f;
  shared::Palette palette{};  // the field views' colours
  // Views coloured on the host, copied from the slot's colours: the field's (if it is) and each
  // thumbnail's (all or none), their pixels and where their colours start in the buffer.
  struct Coloured {
    PixelSpan pixels;
    uint32_t first = 0;
  };
  std::optional<Coloured> field_coloured;
  std::vector<Coloured> thumbs_coloured;
};

}  // namespace nnlive::render
