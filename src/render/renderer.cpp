// SPDX-License-Identifier: MIT
// The frame: per panel, field.comp for the field and the thumbnails; then per panel the
// underlay, the field views and the shapes, clipped to the panel, into the offscreen target;
// then a copy to the readback buffer and the caller's own commands. Frames rotate through
// k_frames_in_flight slots, each with its own buffers, so one is recorded while another runs.
#include "nnlive/render/renderer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>

#include "fingerprint.hpp"
#include "frame_slots.hpp"
#include "nnlive/gpu/field_shared.h"
#include "nnlive/gpu/shaders.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::render {
namespace {

constexpr uint32_t k_atlas_mips = 1;  // averaged distance fields bleed between glyphs; shapes.frag supersamples instead

struct FieldPush {
  shared::FieldView view;
  float target_size[2];
};

// frag_constant: the fragment shader's specialization constant 0, if it has one.
vk::raii::Pipeline make_pipeline(const gpu::Context& ctx, const vk::raii::PipelineLayout& layout,
                                 const vk::raii::ShaderModule& vert, const vk::raii::ShaderModule& frag, const char* name,
                                 std::optional<uint32_t> frag_constant = std::nullopt) {
  const vk::SpecializationMapEntry entry{0, 0, sizeof(uint32_t)};
  const uint32_t value = frag_constant.value_or(0);
  const vk::SpecializationInfo spec{1, &entry, sizeof(uint32_t), &value};
  const std::array<vk::PipelineShaderStageCreateInfo, 2> stages{
      {{{}, vk::ShaderStageFlagBits::eVertex, *vert, "main"},
       {{}, vk::ShaderStageFlagBits::eFragment, *frag, "main", frag_constant ? &spec : nullptr}}};
  const vk::PipelineVertexInputStateCreateInfo vertex_input{};
  const vk::PipelineInputAssemblyStateCreateInfo assembly{{}, vk::PrimitiveTopology::eTriangleList};
  const vk::PipelineViewportStateCreateInfo viewport{{}, 1, nullptr, 1, nullptr};
  vk::PipelineRasterizationStateCreateInfo raster{};
  raster.lineWidth = 1.0f;
  raster.cullMode = vk::CullModeFlagBits::eNone;
  const vk::PipelineMultisampleStateCreateInfo multisample{};
  vk::PipelineColorBlendAttachmentState blend{};
  blend.blendEnable = VK_TRUE;
  blend.srcColorBlendFactor = vk::BlendFactor::eSrcAlpha;
  blend.dstColorBlendFactor = vk::BlendFactor::eOneMinusSrcAlpha;
  blend.srcAlphaBlendFactor = vk::BlendFactor::eOne;
  blend.dstAlphaBlendFactor = vk::BlendFactor::eOneMinusSrcAlpha;
  blend.colorWriteMask = vk::ColorComponentFlagBits::eR | vk::ColorComponentFlagBits::eG |
                         vk::ColorComponentFlagBits::eB | vk::ColorComponentFlagBits::eA;
  const vk::PipelineColorBlendStateCreateInfo blending{{}, VK_FALSE, vk::LogicOp::eCopy, blend};
  const std::array<vk::DynamicState, 2> dynamic{vk::DynamicState::eViewport, vk::DynamicState::eScissor};
  const vk::PipelineDynamicStateCreateInfo dynamic_info{{}, dynamic};
  const vk::PipelineRenderingCreateInfo rendering{0, k_target_format};
  vk::GraphicsPipelineCreateInfo info{{}, stages, &vertex_input, &assembly, nullptr, &viewport, &raster, &multisample,
                                      nullptr, &blending, &dynamic_info, *layout};
  info.pNext = &rendering;
  vk::raii::Pipeline p(ctx.device(), nullptr, info);
  ctx.set_name(*p, name);
  return p;
}

}  // namespace

struct Renderer::Impl {
  explicit Impl(const gpu::Context& c)
      : ctx(c),
        regular(false),
        bold(true),
        atlas(c, Font::k_atlas_width, 2 * Font::k_atlas_height, vk::Format::eR8Unorm,
              vk::ImageUsageFlagBits::eSampled | vk::ImageUsageFlagBits::eTransferDst, "font atlas", k_atlas_mips) {
    const auto frag = vk::ShaderStageFlagBits::eFragment, vert = vk::ShaderStageFlagBits::eVertex;
    // Shapes: instances (vertex + fragment) and the font atlas.
    const std::array<vk::DescriptorSetLayoutBinding, 2> shape_bindings{{
        {0, vk::DescriptorType::eStorageBuffer, 1, vert | frag},
        {1, vk::DescriptorType::eCombinedImageSampler, 1, frag},
    }};
    shape_set_layout = vk::raii::DescriptorSetLayout(ctx.device(), {{}, shape_bindings});
    const vk::PushConstantRange shape_push{vert, 0, 8};
    const vk::DescriptorSetLayout ssl = *shape_set_layout;
    shape_layout = vk::raii::PipelineLayout(ctx.device(), {{}, ssl, shape_push});
    // Field views: the field buffer and the palette.
    const std::array<vk::DescriptorSetLayoutBinding, 2> field_bindings{{
        {0, vk::DescriptorType::eStorageBuffer, 1, frag},
        {1, vk::DescriptorType::eUniformBuffer, 1, frag},
    }};
    field_set_layout = vk::raii::DescriptorSetLayout(ctx.device(), {{}, field_bindings});
    const vk::PushConstantRange field_push{vert | frag, 0, sizeof(FieldPush)};
    const vk::DescriptorSetLayout fsl = *field_set_layout;
    field_layout = vk::raii::PipelineLayout(ctx.device(), {{}, fsl, field_push});

    const auto sv = gpu::make_shader(ctx, gpu::shaders::shapes_vert(), "shapes.vert");
    const auto sf = gpu::make_shader(ctx, gpu::shaders::shapes_frag(), "shapes.frag");
    const auto fv = gpu::make_shader(ctx, gpu::shaders::field_view_vert(), "field_view.vert");
    const auto ff = gpu::make_shader(ctx, gpu::shaders::field_view_frag(), "field_view.frag");
    shape_pipeline = make_pipeline(ctx, shape_layout, sv, sf, "shapes pipeline", 0u);
    glyph_pipeline = make_pipeline(ctx, shape_layout, sv, sf, "glyphs pipeline", 1u);
    // Two field views: one value per pixel (stills, videos, the paused window), and a reduced
    // field resampled with a cubic. Apart, because a CPU rasterizer runs both sides of a
    // branch: the cubic's 16 taps cost every pixel of a full-resolution field 3x its frame.
    field_pipeline = make_pipeline(ctx, field_layout, fv, ff, "field view pipeline (one value per pixel)", 0u);
    field_resample_pipeline = make_pipeline(ctx, field_layout, fv, ff, "field view pipeline (resampled)", 1u);

    const std::array<vk::DescriptorPoolSize, 2> sizes{{{vk::DescriptorType::eStorageBuffer, k_frames_in_flight},
                                                       {vk::DescriptorType::eCombinedImageSampler, k_frames_in_flight}}};
    pool = vk::raii::DescriptorPool(ctx.device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, k_frames_in_flight, sizes});

    vk::SamplerCreateInfo sampler_info{};
    sampler_info.magFilter = sampler_info.minFilter = vk::Filter::eLinear;
    sampler_info.addressModeU = sampler_info.addressModeV = sampler_info.addressModeW = vk::SamplerAddressMode::eClampToEdge;
    sampler_info.mipmapMode = vk::SamplerMipmapMode::eLinear;
    sampler_info.maxLod = float(k_atlas_mips - 1);
    sampler = vk::raii::Sampler(ctx.device(), sampler_info);
    ctx.set_name(*sampler, "font sampler");

    upload_atlas();
    vk::raii::CommandBuffers cbs(ctx.device(), {*ctx.command_pool(), vk::CommandBufferLevel::ePrimary, k_frames_in_flight});
    for (uint32_t i = 0; i < k_frames_in_flight; ++i) {
      FrameSlot& f = slots[i];
      f.cb = std::move(cbs[i]);
      ctx.set_name(*f.cb, "frame commands");
      f.fence = vk::raii::Fence(ctx.device(), vk::FenceCreateInfo{});
      ctx.set_name(*f.fence, "frame fence");
      f.shape_set = std::move(vk::raii::DescriptorSets(ctx.device(), {*pool, ssl})[0]);
      ctx.set_name(*f.shape_set, "shape descriptors");
    }
  }

  ~Impl() {
    // Nothing may be destroyed while the GPU still uses it.
    for (auto& f : slots)
      if (f.pending) (void)ctx.device().waitForFences(*f.fence, VK_TRUE, UINT64_MAX);
  }

  void upload_atlas() {
    // Regular face in the top half, bold in the bottom half of one R8 atlas, with mip levels
    // (2x2 averages of the distance field) so small text is sampled without aliasing.
    regular.relocate(0.0f, 0.5f);
    bold.relocate(0.5f, 0.5f);
    const size_t half = size_t(Font::k_atlas_width) * Font::k_atlas_height;
    std::vector<std::vector<uint8_t>> levels(1);
    levels[0].resize(2 * half);
    std::memcpy(levels[0].data(), regular.atlas().data(), half);
    std::memcpy(levels[0].data() + half, bold.atlas().data(), half);
    uint32_t w = atlas.width(), h = atlas.height();
    for (uint32_t l = 1; l < k_atlas_mips; ++l) {
      const auto& src = levels.back();
      std::vector<uint8_t> dst(size_t(w / 2) * (h / 2));
      for (uint32_t y = 0; y < h / 2; ++y)
        for (uint32_t x = 0; x < w / 2; ++x) {
          const size_t i = size_t(2 * y) * w + 2 * x;
          dst[size_t(y) * (w / 2) + x] = uint8_t((src[i] + src[i + 1] + src[i + w] + src[i + w + 1] + 2) / 4);
        }
      levels.push_back(std::move(dst));
      w /= 2, h /= 2;
    }
    size_t total = 0;
    for (const auto& l : levels) total += l.size();
    gpu::Buffer staging(ctx, total, vk::BufferUsageFlagBits::eTransferSrc, gpu::MemoryUse::upload, "atlas staging");
    std::vector<vk::BufferImageCopy> regions;
    size_t offset = 0;
    w = atlas.width(), h = atlas.height();
    for (uint32_t l = 0; l < levels.size(); ++l) {
      std::memcpy(static_cast<uint8_t*>(staging.mapped()) + offset, levels[l].data(), levels[l].size());
      regions.push_back({offset, 0, 0, {vk::ImageAspectFlagBits::eColor, l, 0, 1}, {0, 0, 0}, {w, h, 1}});
      offset += levels[l].size();
      w /= 2, h /= 2;
    }
    ctx.submit_and_wait([&](const vk::raii::CommandBuffer& c) {
      // Fresh image: nothing to wait for before the copy writes it.
      gpu::transition(c, atlas.handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal,
                      vk::PipelineStageFlagBits2::eNone, vk::AccessFlagBits2::eNone, vk::PipelineStageFlagBits2::eCopy,
                      vk::AccessFlagBits2::eTransferWrite);
      c.copyBufferToImage(staging.handle(), atlas.handle(), vk::ImageLayout::eTransferDstOptimal, regions);
      // The copy's writes must land before any fragment shader samples the atlas.
      gpu::transition(c, atlas.handle(), vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eShaderReadOnlyOptimal,
                      vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                      vk::PipelineStageFlagBits2::eFragmentShader, vk::AccessFlagBits2::eShaderSampledRead);
    });
  }

  void ensure_shape_capacity(FrameSlot& f, size_t count) {
    const vk::DeviceSize bytes = std::max<size_t>(count, 1) * sizeof(shared::Shape);
    if (f.shapes && f.shapes->size() >= bytes) return;
    f.shapes.emplace(ctx, std::max<vk::DeviceSize>(bytes * 3 / 2, 64 * 1024), vk::BufferUsageFlagBits::eStorageBuffer,
                     gpu::MemoryUse::upload, "shape instances");
    const vk::DescriptorBufferInfo b{f.shapes->handle(), 0, VK_WHOLE_SIZE};
    const vk::DescriptorImageInfo img{*sampler, atlas.view(), vk::ImageLayout::eShaderReadOnlyOptimal};
    const std::array<vk::WriteDescriptorSet, 2> writes{{
        {*f.shape_set, 0, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &b},
        {*f.shape_set, 1, 0, 1, vk::DescriptorType::eCombinedImageSampler, &img},
    }};
    ctx.device().updateDescriptorSets(writes, {});
  }

  void wait_slot(FrameSlot& f) {
    if (!f.pending) return;
    if (ctx.device().waitForFences(*f.fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess)
      throw gpu::GpuError("the GPU did not finish the frame");
    ctx.device().resetFences(*f.fence);
    f.pending = false;
    read_times(f);
  }

  // One panel's part of a frame: its composition and placement, its field (evaluated into the
  // command buffer, on the host, or uploaded), and what decides its pixels (into fp). Returns the
  // host's milliseconds for the field.
  double prepare_panel(const Panel& p, PanelSlot& ps, PanelDraw& d, const vk::raii::CommandBuffer& cb, Fingerprint& fp,
                       size_t& shape_count) {
    const uint32_t pw = uint32_t(p.rect.width()), ph = uint32_t(p.rect.height());
    d.comp = compose(p.scene, p.options, pw, ph, Fonts{regular, bold});
    d.comp.underlay.translate(p.rect.x0, p.rect.y0);
    d.comp.shapes.translate(p.rect.x0, p.rect.y0);
    if (!p.scene.snapshot) {  // a comparison chart: shapes only
      d.chart = true;
      placements.push_back({});
      shape_count += d.comp.underlay.size() + d.comp.shapes.size();
      fp.add(p.rect), fp.add(d.comp.background), fp.span(d.comp.underlay.shapes()), fp.span(d.comp.shapes.shapes());
      return 0.0;
    }
    const nn::Snapshot& snap = *p.scene.snapshot;
    const Rect& f = d.comp.field.rect;
    Placement placed{{f.x0 + p.rect.x0, f.y0 + p.rect.y0, f.x1 + p.rect.x0, f.y1 + p.rect.y0}, d.comp.field.view, d.comp.network};
    for (auto& column : placed.network.centres)
      for (auto& c : column) c[0] += p.rect.x0, c[1] += p.rect.y0;
    placements.push_back(std::move(placed));
    shape_count += d.comp.underlay.size() + d.comp.shapes.size();
    const Colours colours = colours_for(p.options.palette);
    std::memcpy(ps.palette.mapped(), &colours.field, sizeof(shared::Palette));
    ps.set_network(network_layout(snap.layers, snap.params.size(), p.scene.input_map), snap.params);

    const Rect& fr = d.comp.field.rect;
    const auto& v = d.comp.field.view;
    float res = std::clamp(p.options.field_resolution, 0.125f, 1.0f);
    // A field larger than the device binds at once (maxStorageBufferRange; an 8K frame with
    // eight classes) is evaluated at the finest resolution that fits and interpolated like the
    // live window's reduced field, instead of failing.
    {
      const double channels = p.options.neuron_layer >= 0 || snap.layers.empty() ? 1.0 : double(snap.layers.back().out);
      const double bytes = double(fr.width()) * res * double(fr.height()) * res * channels * sizeof(float);
      const double limit = double(ctx.limits().maxStorageBufferRange);
      if (bytes > limit) res *= float(std::sqrt(limit / bytes) * 0.99);
    }
    const auto field_t0 = std::chrono::steady_clock::now();
    if (p.field) {
      d.req = p.field_request;
      d.neuron = p.field_request.neuron_layer >= 0;
      d.channels = ps.field.upload(*p.field, p.field_version);
    } else {
      d.req = {std::max(1u, uint32_t(std::lround(fr.width() * res))), std::max(1u, uint32_t(std::lround(fr.height() * res))),
               {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
      d.neuron = p.options.neuron_layer >= 0;
      if (d.neuron) d.req.neuron_layer = p.options.neuron_layer, d.req.neuron = p.options.neuron;
      d.channels = ps.field.evaluate(cb, d.req);
    }
    if (!d.comp.thumbnails.empty()) {
      const auto& tv = d.comp.thumbnail_view;
      gpu::FieldRequest treq{d.comp.thumbnail_size, d.comp.thumbnail_size, {float(tv[0]), float(tv[1]), float(tv[2]), float(tv[3])}};
      treq.all_hidden = true;
      d.thumb_channels = ps.thumbs.evaluate(cb, treq);
    }
    const double host_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - field_t0).count();
    ps.bind(ctx, ps.field_set, ps.field, ps.bound_field);
    if (d.thumb_channels) ps.bind(ctx, ps.thumb_set, ps.thumbs, ps.bound_thumbs);
    d.boundary_half_width = std::max(0.75f, 1.3f * std::min(float(pw) / 1920.0f, float(ph) / 1080.0f));

    fp.add(p.rect), fp.add(p.options.palette), fp.add(p.options.discretize), fp.add(p.options.transparent);
    fp.add(d.req.width), fp.add(d.req.height), fp.add(d.req.view), fp.add(d.req.neuron_layer), fp.add(d.req.neuron);
    fp.add(d.req.all_hidden), fp.add(d.channels), fp.add(d.thumb_channels), fp.add(d.neuron), fp.add(d.boundary_half_width);
    if (p.field) {
      fp.add(p.field_version);
    } else {  // what the evaluation read: the network and its inputs' mapping
      fp.span(snap.params);
      for (const auto& l : snap.layers) fp.add(l.in), fp.add(l.out), fp.add(l.activation);
      fp.span(p.scene.input_map.features), fp.span(p.scene.input_map.offset), fp.span(p.scene.input_map.scale);
    }
    fp.add(d.comp.field.rect), fp.add(d.comp.background), fp.add(d.comp.thumbnail_size), fp.add(d.comp.thumbnail_view);
    for (const auto& t : d.comp.thumbnails) fp.add(t.rect), fp.add(t.channel);
    fp.span(d.comp.underlay.shapes()), fp.span(d.comp.shapes.shapes());
    return host_ms;
  }

  // A frame's drawing: the shapes into one instance buffer, the target cleared, then per panel
  // its underlay, field views and overlay (timestamped after each when timing).
  void record_draws(FrameSlot& slot, std::span<const Panel> panels, const std::vector<PanelDraw>& draws, size_t shape_count,
                    SceneTarget& target, bool timing) {
    const auto& cb = slot.cb;
      // One instance buffer: per panel, its underlay's shapes, then its overlay's.
      ensure_shape_capacity(slot, shape_count);
      auto* instances = static_cast<shared::Shape*>(slot.shapes->mapped());
      std::vector<std::array<size_t, 4>> ranges;  // under first, under count, over first, over count
      std::vector<uint8_t> glyphs;                 // per instance: a glyph (read here, not from the mapped buffer)
      glyphs.reserve(shape_count);
      size_t at = 0;
      for (const auto& d : draws) {
        for (const auto* list : {&d.comp.underlay.shapes(), &d.comp.shapes.shapes()})
          for (const auto& sh : *list) glyphs.push_back(uint32_t(sh.style.x) == SHAPE_GLYPH);
        const size_t under = d.comp.underlay.size(), over = d.comp.shapes.size();
        // (An empty list's data() may be null, which memcpy may not be given even for 0 bytes.)
        if (under > 0) std::memcpy(instances + at, d.comp.underlay.shapes().data(), under * sizeof(shared::Shape));
        if (over > 0) std::memcpy(instances + at + under, d.comp.shapes.shapes().data(), over * sizeof(shared::Shape));
        ranges.push_back({at, under, at + under, over});
        at += under + over;
      }

      // The field views read what field.comp wrote.
      const vk::MemoryBarrier2 fields{vk::PipelineStageFlagBits2::eComputeShader, vk::AccessFlagBits2::eShaderStorageWrite,
                                      vk::PipelineStageFlagBits2::eFragmentShader, vk::AccessFlagBits2::eShaderStorageRead};
      cb.pipelineBarrier2(vk::DependencyInfo{{}, fields});
      // The target's old contents are not needed: clear it as a colour attachment. The previous
      // frame's copy (and the caller's hook) may still read it.
      gpu::transition(cb, target.image().handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eColorAttachmentOptimal,
                      vk::PipelineStageFlagBits2::eAllTransfer, vk::AccessFlagBits2::eTransferRead,
                      vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite);
      const auto& bg = draws[0].comp.background;
      vk::RenderingAttachmentInfo colour{target.image().view(), vk::ImageLayout::eColorAttachmentOptimal};
      colour.loadOp = vk::AttachmentLoadOp::eClear;
      colour.storeOp = vk::AttachmentStoreOp::eStore;
      colour.clearValue = panels[0].options.transparent ? vk::ClearColorValue(std::array<float, 4>{0.0f, 0.0f, 0.0f, 0.0f})
                                                         : vk::ClearColorValue(std::array<float, 4>{bg[0], bg[1], bg[2], 1.0f});
      const vk::Rect2D area{{0, 0}, {target.width(), target.height()}};
      cb.beginRendering(vk::RenderingInfo{{}, area, 1, 0, colour});
      cb.setViewport(0, vk::Viewport{0, 0, float(target.width()), float(target.height()), 0, 1});

      const float target_size[2] = {float(target.width()), float(target.height())};
      // In list order (later shapes over earlier ones), each run of glyphs or of other shapes
      // with its own pipeline.
      auto draw_shapes = [&](size_t first, size_t count) {
        if (count == 0) return;
        cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *shape_layout, 0, *slot.shape_set, {});
        cb.pushConstants<float>(*shape_layout, vk::ShaderStageFlagBits::eVertex, 0, {target_size[0], target_size[1]});
        auto glyph = [&](size_t k) { return glyphs[k] != 0; };
        for (size_t a = first, end = first + count; a < end;) {
          size_t b = a + 1;
          while (b < end && glyph(b) == glyph(a)) ++b;
          cb.bindPipeline(vk::PipelineBindPoint::eGraphics, glyph(a) ? *glyph_pipeline : *shape_pipeline);
          cb.draw(6, static_cast<uint32_t>(b - a), 0, static_cast<uint32_t>(a));
          a = b;
        }
      };
      const auto stages = vk::ShaderStageFlagBits::eVertex | vk::ShaderStageFlagBits::eFragment;
      for (size_t i = 0; i < panels.size(); ++i) {
        const Panel& p = panels[i];
        const PanelDraw& d = draws[i];
        PanelSlot& ps = *slot.panels[i];
        // Nothing a panel draws leaves its rectangle.
        cb.setScissor(0, vk::Rect2D{{int32_t(p.rect.x0), int32_t(p.rect.y0)}, {uint32_t(p.rect.width()), uint32_t(p.rect.height())}});
        draw_shapes(ranges[i][0], ranges[i][1]);
        const uint32_t q = 2 + 3 * uint32_t(i);  // after this panel's underlay, field views, overlay
        const auto graphics = vk::PipelineStageFlagBits2::eColorAttachmentOutput;
        if (timing) cb.writeTimestamp2(graphics, *slot.queries, q);
        if (d.chart) {
          if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 1);
          draw_shapes(ranges[i][2], ranges[i][3]);
          if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 2);
          continue;
        }

        const Rect& fr = d.comp.field.rect;
        const bool reduced = float(d.req.width) < fr.width() || float(d.req.height) < fr.height();
        cb.bindPipeline(vk::PipelineBindPoint::eGraphics, reduced ? *field_resample_pipeline : *field_pipeline);
        FieldPush push{};
        push.target_size[0] = target_size[0];
        push.target_size[1] = target_size[1];
        const uint32_t classes = d.neuron ? 1u : d.channels;
        push.view = {{fr.x0 + p.rect.x0, fr.y0 + p.rect.y0, fr.x1 + p.rect.x0, fr.y1 + p.rect.y0},
                     {d.req.width, d.req.height, d.channels, 0},
                     {d.neuron ? FIELD_VIEW_NEURON : FIELD_VIEW_OUTPUT, classes, p.options.discretize ? 1u : 0u, d.neuron ? 0u : 1u},
                     {d.boundary_half_width, 1.0f, 1.0f, 0.0f}};
        cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *field_layout, 0, *ps.field_set, {});
        cb.pushConstants<FieldPush>(*field_layout, stages, 0, push);
        cb.draw(6, 1, 0, 0);
        if (d.thumb_channels) {
          if (reduced) cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *field_pipeline);  // thumbnails: one value per pixel
          cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *field_layout, 0, *ps.thumb_set, {});
          for (const auto& t : d.comp.thumbnails) {
            push.view = {{t.rect.x0 + p.rect.x0, t.rect.y0 + p.rect.y0, t.rect.x1 + p.rect.x0, t.rect.y1 + p.rect.y0},
                         {d.comp.thumbnail_size, d.comp.thumbnail_size, d.thumb_channels, t.channel},
                         {FIELD_VIEW_NEURON, 1u, 0u, 0u},
                         {1.0f, 1.0f, 1.0f, 0.0f}};
            cb.pushConstants<FieldPush>(*field_layout, stages, 0, push);
            cb.draw(6, 1, 0, 0);
          }
        }
        if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 1);
        draw_shapes(ranges[i][2], ranges[i][3]);
        if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 2);
      }
      cb.endRendering();

      // Copies (readback, the caller's blit) read what the passes drew.
      gpu::transition(cb, target.image().handle(), vk::ImageLayout::eColorAttachmentOptimal, vk::ImageLayout::eTransferSrcOptimal,
                      vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite,
                      vk::PipelineStageFlagBits2::eAllTransfer, vk::AccessFlagBits2::eTransferRead);
  }

  // The finished slot's timestamps into pass_times (frames that drew only).
  void read_times(FrameSlot& f) {
    if (f.timed == 0) return;
    const auto [res, t] = f.queries.getResults<uint64_t>(0, f.timed, f.timed * sizeof(uint64_t), sizeof(uint64_t),
                                                         vk::QueryResultFlagBits::e64);
    if (res != vk::Result::eSuccess) return;
    const double k = ctx.timestamp_period_ns() * 1e-6;
    auto ms = [&](uint32_t a, uint32_t b) { return double(t[b] - t[a]) * k; };
    PassTimes p;
    p.frame = f.frame;
    p.field_host_ms = f.field_host_ms;
    p.field_ms = ms(0, 1);
    p.field_view_ms = p.shapes_ms = 0.0;
    uint32_t q = 1;
    for (uint32_t i = 0; i < f.panels_timed; ++i, q += 3) {
      p.shapes_ms += ms(q, q + 1) + ms(q + 2, q + 3);
      p.field_view_ms += ms(q + 1, q + 2);
    }
    p.copy_ms = ms(q, q + 1);
    pass_times = p;
  }

  const gpu::Context& ctx;
  Font regular, bold;
  gpu::Image atlas;
  vk::raii::Sampler sampler{nullptr};
  vk::raii::DescriptorSetLayout shape_set_layout{nullptr}, field_set_layout{nullptr};
  vk::raii::PipelineLayout shape_layout{nullptr}, field_layout{nullptr};
  vk::raii::Pipeline shape_pipeline{nullptr}, glyph_pipeline{nullptr}, field_pipeline{nullptr}, field_resample_pipeline{nullptr};
  vk::raii::DescriptorPool pool{nullptr};
  std::array<FrameSlot, k_frames_in_flight> slots;
  uint64_t next_frame = 1;
  uint64_t drawn_fingerprint = 0;  // of the last frame drawn (0: none yet, or the target must be drawn)
  uint64_t frames_reused = 0;
  PassTimes pass_times;
  std::vector<Renderer::Placement> placements;
};

Renderer::Renderer(const gpu::Context& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
Renderer::~Renderer() = default;

void Renderer::render(const Scene& scene, const RenderOptions& options, SceneTarget& target) {
  const Panel panel{scene, options, {0, 0, float(target.width()), float(target.height())}};
  render(std::span<const Panel>(&panel, 1), target);
}

void Renderer::render(std::span<const Panel> panels, SceneTarget& target) { wait(submit(panels, target)); }

void Renderer::wait(uint64_t frame) {
  for (auto& f : impl_->slots)
    if (f.pending && f.frame == frame) impl_->wait_slot(f);
}

bool Renderer::finished(uint64_t frame) const {
  for (auto& f : impl_->slots)
    if (f.pending && f.frame == frame) return f.fence.getStatus() == vk::Result::eSuccess;
  return true;
}

const std::vector<Renderer::Placement>& Renderer::last_placements() const { return impl_->placements; }

void Renderer::wait_all() {
  for (auto& f : impl_->slots) impl_->wait_slot(f);
}

uint64_t Renderer::frames_reused() const { return impl_->frames_reused; }

Renderer::PassTimes Renderer::last_pass_times() const { return impl_->pass_times; }

uint64_t Renderer::submit(std::span<const Panel> panels, SceneTarget& target, const FrameHooks& hooks) {
  Impl& m = *impl_;
  if (panels.empty()) throw gpu::GpuError("a frame needs at least one panel");
  for (const Panel& p : panels) {
    const Rect& r = p.rect;
    if (r.x0 < 0 || r.y0 < 0 || r.x1 > float(target.width()) || r.y1 > float(target.height()) ||
        r.width() < float(SceneTarget::k_min_width) || r.height() < float(SceneTarget::k_min_height) ||
        r.x0 != std::round(r.x0) || r.y0 != std::round(r.y0) || r.x1 != std::round(r.x1) || r.y1 != std::round(r.y1))
      throw gpu::GpuError("a panel must be a whole-pixel rectangle of at least 320x240 inside the frame");
  }
  const uint64_t frame = m.next_frame++;
  FrameSlot& slot = m.slots[frame % k_frames_in_flight];
  m.wait_slot(slot);  // the frame k_frames_in_flight ago: its buffers are free again
  while (slot.panels.size() < panels.size()) slot.panels.push_back(std::make_unique<PanelSlot>(m.ctx, m.field_set_layout));

  const auto& cb = slot.cb;
  cb.reset();
  cb.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
  // Pass timestamps (where the queue has them): start, fields, 3 per panel, copies.
  const uint32_t queries = 2 + 3 * uint32_t(panels.size()) + 1;
  slot.timed = 0;
  const bool timing = m.ctx.timestamp_period_ns() > 0.0;
  if (timing && slot.query_capacity < queries) {
    slot.queries = vk::raii::QueryPool(m.ctx.device(), vk::QueryPoolCreateInfo{{}, vk::QueryType::eTimestamp, queries});
    m.ctx.set_name(*slot.queries, "frame pass timestamps");
    slot.query_capacity = queries;
  }
  if (timing) {
    cb.resetQueryPool(*slot.queries, 0, queries);
    cb.writeTimestamp2(vk::PipelineStageFlagBits2::eTopOfPipe, *slot.queries, 0);
  }
  double field_host_ms = 0.0;
  std::vector<PanelDraw> draws(panels.size());
  Fingerprint fp;
  size_t shape_count = 0;
  m.placements.clear();
  for (size_t i = 0; i < panels.size(); ++i) field_host_ms += m.prepare_panel(panels[i], *slot.panels[i], draws[i], cb, fp, shape_count);
  // A frame that would draw what the target already holds draws nothing: the target keeps its
  // pixels (left in eTransferSrcOptimal by the frame that drew them) and only the copies and
  // the caller's hook run, so a paused run costs the UI alone.
  fp.add(target.serial());
  slot.field_host_ms = field_host_ms;
  const bool reuse = m.drawn_fingerprint == fp.h;
  if (timing) cb.writeTimestamp2(vk::PipelineStageFlagBits2::eComputeShader, *slot.queries, 1);
  m.drawn_fingerprint = 0;  // until this frame is submitted (an exception leaves the target unknown)
  if (reuse) ++m.frames_reused;
  if (!reuse) m.record_draws(slot, panels, draws, shape_count, target, timing);
  if (hooks.readback) {
    const vk::BufferImageCopy region{0, 0, 0, {vk::ImageAspectFlagBits::eColor, 0, 0, 1}, {0, 0, 0}, {target.width(), target.height(), 1}};
    cb.copyImageToBuffer(target.image().handle(), vk::ImageLayout::eTransferSrcOptimal, target.readback().handle(), region);
    // The host reads the pixels after the fence.
    const vk::MemoryBarrier2 to_host{vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                                     vk::PipelineStageFlagBits2::eHost, vk::AccessFlagBits2::eHostRead};
    cb.pipelineBarrier2(vk::DependencyInfo{{}, to_host});
  }
  if (hooks.after) hooks.after(cb);
  if (timing && !reuse) {
    cb.writeTimestamp2(vk::PipelineStageFlagBits2::eAllCommands, *slot.queries, queries - 1);
    slot.timed = queries;
    slot.panels_timed = uint32_t(panels.size());
  }
  cb.end();

  const vk::CommandBuffer raw = *cb;
  vk::SubmitInfo submit_info{hooks.wait, hooks.wait_stages, raw, hooks.signal};
  {
    const std::lock_guard lock(m.ctx.queue_mutex());
    m.ctx.queue().submit(submit_info, *slot.fence);
  }
  m.drawn_fingerprint = fp.h;
  slot.frame = frame;
  slot.pending = true;
  return frame;
}

}  // namespace nnlive::render
