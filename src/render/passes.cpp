// SPDX-License-Identifier: MIT
// The shapes pass and the field-view pass (passes.hpp).
#include "passes.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>

#include "fingerprint.hpp"
#include "host_view.hpp"
#include "nnlive/gpu/field_shared.h"
#include "nnlive/gpu/shaders.hpp"

namespace nnlive::render {
namespace {

constexpr uint32_t k_atlas_mips = 1;  // averaged distance fields bleed between glyphs; shapes.frag supersamples instead

// One field view (push.v) drawn within `panel` (the panel's scissor), in tiles of at most `tile`
// pixels a side (one for any usual size). A tile's scissor is its own pixels; its viewport is
// twice the size of those and one more pixel all round (the cover, within the target), from the
// cover's corner, so that field_view.vert's triangle covers the cover and no clipper cuts it (a
// cut is an edge through the view). The pixels of the ring are not drawn, but lie inside the
// triangle: they are the quad partners the boundary's differences take at the tile's edges, and
// need no discard in the shader (a shader that may discard costs a CPU rasterizer more for
// every pixel). The caller sets the viewport and scissor again afterwards.
void draw_view(const vk::raii::CommandBuffer& cb, const vk::raii::PipelineLayout& layout, shared::FieldViewPush& push,
               const PixelSpan& panel, vk::Extent2D target, float tile) {
  const PixelSpan px = view_pixels(push.v.rect, panel, target.width, target.height);
  if (px.empty()) return;
  const float w = float(target.width), h = float(target.height);
  const float vx0 = float(px.x0), vy0 = float(px.y0), vx1 = float(px.x1), vy1 = float(px.y1);
  push.target = {w, h, 0.0f, 0.0f};
  for (float ty = vy0; ty < vy1; ty += tile)
    for (float tx = vx0; tx < vx1; tx += tile) {
      const float ox1 = std::min(tx + tile, vx1), oy1 = std::min(ty + tile, vy1);
      const float cx0 = std::max(tx - 1.0f, 0.0f), cy0 = std::max(ty - 1.0f, 0.0f);
      const float cx1 = std::min(ox1 + 1.0f, w), cy1 = std::min(oy1 + 1.0f, h);
      cb.setViewport(0, vk::Viewport{cx0, cy0, 2.0f * (cx1 - cx0), 2.0f * (cy1 - cy0), 0.0f, 1.0f});
      cb.setScissor(0, vk::Rect2D{{int32_t(tx), int32_t(ty)}, {uint32_t(ox1 - tx), uint32_t(oy1 - ty)}});
      cb.pushConstants<shared::FieldViewPush>(*layout, vk::ShaderStageFlagBits::eVertex | vk::ShaderStageFlagBits::eFragment, 0, push);
      cb.draw(3, 1, 0, 0);
    }
}

PixelSpan span_of(const Rect& r) { return {int(r.x0), int(r.y0), int(r.x1), int(r.y1)}; }

// The copy of `pixels` from a buffer of RGBA8 colours, row by row from colour `first`, into
// those pixels of the target.
vk::BufferImageCopy pixel_copy(const PixelSpan& pixels, size_t first) {
  return {vk::DeviceSize(first) * sizeof(uint32_t), uint32_t(pixels.width()), uint32_t(pixels.height()),
          {vk::ImageAspectFlagBits::eColor, 0, 0, 1},
          {pixels.x0, pixels.y0, 0},
          {uint32_t(pixels.width()), uint32_t(pixels.height()), 1}};
}

// The panel's field view, as field_view.frag takes it.
shared::FieldView field_view_of(const Panel& p, const PanelDraw& d) {
  const Rect& fr = d.comp.field.rect;
  const uint32_t classes = d.neuron ? 1u : d.channels;
  return {{fr.x0 + p.rect.x0, fr.y0 + p.rect.y0, fr.x1 + p.rect.x0, fr.y1 + p.rect.y0},
          {d.req.width, d.req.height, d.channels, 0},
          {d.neuron ? FIELD_VIEW_NEURON : FIELD_VIEW_OUTPUT, classes, p.options.discretize ? 1u : 0u, d.neuron ? 0u : 1u},
          {d.boundary_half_width, 1.0f, 1.0f, 0.0f}};
}

// A thumbnail's view: its hidden neuron, one value per pixel.
shared::FieldView thumbnail_view_of(const Panel& p, const PanelDraw& d, const Thumbnail& t) {
  return {{t.rect.x0 + p.rect.x0, t.rect.y0 + p.rect.y0, t.rect.x1 + p.rect.x0, t.rect.y1 + p.rect.y0},
          {d.comp.thumbnail_size, d.comp.thumbnail_size, d.thumb_channels, t.channel},
          {FIELD_VIEW_NEURON, 1u, 0u, 0u},
          {1.0f, 1.0f, 1.0f, 0.0f}};
}

}  // namespace

vk::Rect2D panel_scissor(const Rect& r) {
  return vk::Rect2D{{int32_t(r.x0), int32_t(r.y0)}, {uint32_t(r.width()), uint32_t(r.height())}};
}

QuadPipelines::QuadPipelines(const gpu::Context& ctx, const vk::raii::PipelineLayout& layout, const vk::raii::ShaderModule& vert,
                             const vk::raii::ShaderModule& frag, const char* name, std::span<const Key> keys, bool blend_in,
                             bool primitives) {
  const vk::PipelineVertexInputStateCreateInfo vertex_input{};
  const vk::PipelineViewportStateCreateInfo viewport{{}, 1, nullptr, 1, nullptr};
  vk::PipelineRasterizationStateCreateInfo raster{};
  raster.lineWidth = 1.0f;
  raster.cullMode = vk::CullModeFlagBits::eNone;
  const vk::PipelineMultisampleStateCreateInfo multisample{};
  vk::PipelineColorBlendAttachmentState blend{};
  blend.blendEnable = blend_in ? VK_TRUE : VK_FALSE;
  blend.srcColorBlendFactor = vk::BlendFactor::eSrcAlpha;
  blend.dstColorBlendFactor = vk::BlendFactor::eOneMinusSrcAlpha;
  blend.srcAlphaBlendFactor = vk::BlendFactor::eOne;
  blend.dstAlphaBlendFactor = vk::BlendFactor::eOneMinusSrcAlpha;
  blend.colorWriteMask = vk::ColorComponentFlagBits::eR | vk::ColorComponentFlagBits::eG |
                         vk::ColorComponentFlagBits::eB | vk::ColorComponentFlagBits::eA;
  const vk::PipelineColorBlendStateCreateInfo blending{{}, VK_FALSE, vk::LogicOp::eCopy, blend};
  const std::array<vk::DynamicState, 3> dynamic{vk::DynamicState::eViewport, vk::DynamicState::eScissor, vk::DynamicState::eLineWidth};
  const vk::PipelineRenderingCreateInfo rendering{0, k_target_format};
  const std::array<vk::SpecializationMapEntry, 2> entries{{{0, 0, sizeof(uint32_t)}, {1, sizeof(uint32_t), sizeof(uint32_t)}}};
  for (const Key& key : keys) {
    const std::array<uint32_t, 2> values{key.first, key.second};
    const vk::SpecializationInfo spec{entries, vk::ArrayProxyNoTemporaries<const uint32_t>(values)};
    const std::array<vk::PipelineShaderStageCreateInfo, 2> stages{
        {{{}, vk::ShaderStageFlagBits::eVertex, *vert, "main", &spec}, {{}, vk::ShaderStageFlagBits::eFragment, *frag, "main", &spec}}};
    // Lines (their width set for each draw) or points, where constant 1 says so. (Every
    // pipeline takes the line width as dynamic state, triangles too, which ignore it: a validation
    // layer of Vulkan 1.3.239 takes the viewport as unset after a pipeline with other dynamic
    // states.)
    const uint32_t primitive = primitives ? key.second : SHAPE_PRIM_QUAD;
    const vk::PipelineInputAssemblyStateCreateInfo assembly{
        {}, primitive == SHAPE_PRIM_LINE    ? vk::PrimitiveTopology::eLineList
            : primitive == SHAPE_PRIM_POINT ? vk::PrimitiveTopology::ePointList
                                            : vk::PrimitiveTopology::eTriangleList};
    const vk::PipelineDynamicStateCreateInfo dynamic_info{{}, dynamic};
    vk::GraphicsPipelineCreateInfo info{{}, stages, &vertex_input, &assembly, nullptr, &viewport, &raster, &multisample,
                                        nullptr, &blending, &dynamic_info, *layout};
    info.pNext = &rendering;
    vk::raii::Pipeline p(ctx.device(), nullptr, info);
    const std::string full = std::string(name) + " (" + std::to_string(key.first) + ", " + std::to_string(key.second) + ")";
    ctx.set_name(*p, full.c_str());
    built_.emplace(key, std::move(p));
  }
}

void QuadPipelines::draw_each(const vk::raii::CommandBuffer& cb, uint32_t vertices) const {
  for (const auto& [key, pipeline] : built_) {
    cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *pipeline);
    cb.draw(vertices, 1, 0, 0);
  }
}

// ---- ShapePass ----

namespace {

// The shapes pipeline (its constant 0) that draws a shape of this SHAPE_* kind; SHAPE_FILL for
// a fill, which no pipeline draws.
uint32_t pipeline_for(uint32_t kind) {
  return kind == SHAPE_RECT || kind == SHAPE_LINE || kind == SHAPE_GLYPH || kind == SHAPE_FILL ? kind : SHAPE_MARKERS;
}

}  // namespace

ShapePass::ShapePass(const gpu::Context& ctx, uint32_t slots)
    : ctx_(ctx),
      regular_(false),
      bold_(true),
      atlas_(ctx, Font::k_atlas_width, 2 * Font::k_atlas_height, vk::Format::eR8Unorm,
             vk::ImageUsageFlagBits::eSampled | vk::ImageUsageFlagBits::eTransferDst, "font atlas", k_atlas_mips) {
  const auto frag = vk::ShaderStageFlagBits::eFragment, vert = vk::ShaderStageFlagBits::eVertex;
  // Instances (read per vertex) and the font atlas.
  const std::array<vk::DescriptorSetLayoutBinding, 2> bindings{{
      {0, vk::DescriptorType::eStorageBuffer, 1, vert},
      {1, vk::DescriptorType::eCombinedImageSampler, 1, frag},
  }};
  set_layout_ = vk::raii::DescriptorSetLayout(ctx.device(), {{}, bindings});
  const vk::PushConstantRange push{vert, 0, 8};
  const vk::DescriptorSetLayout sl = *set_layout_;
  layout_ = vk::raii::PipelineLayout(ctx.device(), {{}, sl, push});
  // On a CPU device, lines as line primitives where it rasterizes wide lines as rectangles
  // (strictLines; elsewhere they may be parallelograms, narrower across a diagonal line than its
  // quad; see plan_line_draws), and markers as points (squares). A GPU draws quads as cheaply,
  // and keeps them.
  line_primitives_ = ctx.is_software() && ctx.wide_lines() && ctx.limits().strictLines == VK_TRUE;
  point_primitives_ = ctx.is_software() && ctx.large_points();
  std::vector<QuadPipelines::Key> kinds{
      {SHAPE_RECT, SHAPE_PRIM_QUAD}, {SHAPE_LINE, SHAPE_PRIM_QUAD}, {SHAPE_GLYPH, SHAPE_PRIM_QUAD}, {SHAPE_MARKERS, SHAPE_PRIM_QUAD}};
  if (line_primitives_) kinds.push_back({SHAPE_LINE, SHAPE_PRIM_LINE});
  if (point_primitives_) kinds.push_back({SHAPE_MARKERS, SHAPE_PRIM_POINT});
  // And on a CPU device runs of discs and squares without the other markers' code.
  discs_squares_ = ctx.is_software();
  host_shapes_ = ctx.is_software();
  if (discs_squares_) {
    kinds.push_back({SHAPE_DISCS_SQUARES, SHAPE_PRIM_QUAD});
    if (point_primitives_) kinds.push_back({SHAPE_DISCS_SQUARES, SHAPE_PRIM_POINT});
  }
  pipelines_.emplace(ctx, layout_, gpu::make_shader(ctx, gpu::shaders::shapes_vert(), "shapes.vert"),
                     gpu::make_shader(ctx, gpu::shaders::shapes_frag(), "shapes.frag"), "shapes pipeline", kinds, true, true);

  vk::SamplerCreateInfo sampler_info{};
  sampler_info.magFilter = sampler_info.minFilter = vk::Filter::eLinear;
  sampler_info.addressModeU = sampler_info.addressModeV = sampler_info.addressModeW = vk::SamplerAddressMode::eClampToEdge;
  sampler_info.mipmapMode = vk::SamplerMipmapMode::eLinear;
  sampler_info.maxLod = float(k_atlas_mips - 1);
  sampler_ = vk::raii::Sampler(ctx.device(), sampler_info);
  ctx.set_name(*sampler_, "font sampler");
  upload_atlas();

  const std::array<vk::DescriptorPoolSize, 2> sizes{{{vk::DescriptorType::eStorageBuffer, slots},
                                                     {vk::DescriptorType::eCombinedImageSampler, slots}}};
  pool_ = vk::raii::DescriptorPool(ctx.device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, slots, sizes});
  slots_.resize(slots);
  for (auto& s : slots_) {
    s.set = std::move(vk::raii::DescriptorSets(ctx.device(), {*pool_, sl})[0]);
    ctx.set_name(*s.set, "shape descriptors");
  }
}

void ShapePass::upload_atlas() {
  // Regular face in the top half, bold in the bottom half of one R8 atlas, with mip levels
  // (2x2 averages of the distance field) so small text is sampled without aliasing.
  regular_.relocate(0.0f, 0.5f);
  bold_.relocate(0.5f, 0.5f);
  const size_t half = size_t(Font::k_atlas_width) * Font::k_atlas_height;
  std::vector<std::vector<uint8_t>> levels(1);
  levels[0].resize(2 * half);
  std::memcpy(levels[0].data(), regular_.atlas().data(), half);
  std::memcpy(levels[0].data() + half, bold_.atlas().data(), half);
  uint32_t w = atlas_.width(), h = atlas_.height();
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
  gpu::Buffer staging(ctx_, total, vk::BufferUsageFlagBits::eTransferSrc, gpu::MemoryUse::upload, "atlas staging");
  std::vector<vk::BufferImageCopy> regions;
  size_t offset = 0;
  w = atlas_.width(), h = atlas_.height();
  for (uint32_t l = 0; l < levels.size(); ++l) {
    std::memcpy(static_cast<uint8_t*>(staging.mapped()) + offset, levels[l].data(), levels[l].size());
    regions.push_back({offset, 0, 0, {vk::ImageAspectFlagBits::eColor, l, 0, 1}, {0, 0, 0}, {w, h, 1}});
    offset += levels[l].size();
    w /= 2, h /= 2;
  }
  ctx_.submit_and_wait([&](const vk::raii::CommandBuffer& c) {
    // Fresh image: nothing to wait for before the copy writes it.
    gpu::transition(c, atlas_.handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eTransferDstOptimal,
                    vk::PipelineStageFlagBits2::eNone, vk::AccessFlagBits2::eNone, vk::PipelineStageFlagBits2::eCopy,
                    vk::AccessFlagBits2::eTransferWrite);
    c.copyBufferToImage(staging.handle(), atlas_.handle(), vk::ImageLayout::eTransferDstOptimal, regions);
    // The copy's writes must land before any fragment shader samples the atlas.
    gpu::transition(c, atlas_.handle(), vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eShaderReadOnlyOptimal,
                    vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                    vk::PipelineStageFlagBits2::eFragmentShader, vk::AccessFlagBits2::eShaderSampledRead);
  });
}

void ShapePass::ensure_capacity(Slot& s, size_t count) {
  const vk::DeviceSize bytes = std::max<size_t>(count, 1) * sizeof(shared::Shape);
  if (s.instances && s.instances->size() >= bytes) return;
  s.instances.emplace(ctx_, std::max<vk::DeviceSize>(bytes * 3 / 2, 64 * 1024), vk::BufferUsageFlagBits::eStorageBuffer,
                      gpu::MemoryUse::upload, "shape instances");
  const vk::DescriptorBufferInfo b{s.instances->handle(), 0, VK_WHOLE_SIZE};
  const vk::DescriptorImageInfo img{*sampler_, atlas_.view(), vk::ImageLayout::eShaderReadOnlyOptimal};
  const std::array<vk::WriteDescriptorSet, 2> writes{{
      {*s.set, 0, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &b},
      {*s.set, 1, 0, 1, vk::DescriptorType::eCombinedImageSampler, &img},
  }};
  ctx_.device().updateDescriptorSets(writes, {});
}

// What update() marks as drawn on the host: no pipeline of the device's.
constexpr uint8_t k_on_host = 255;

void ShapePass::update(uint32_t slot, std::span<const Panel> panels, std::span<const PanelDraw> draws,
                       std::span<const HostCanvas> canvases) {
  Slot& s = slots_.at(slot);
  size_t count = 0;
  for (const auto& d : draws) count += d.comp.underlay.size() + d.comp.shapes.size();
  ensure_capacity(s, count);
  auto* instances = static_cast<shared::Shape*>(s.instances->mapped());
  s.ranges.clear();
  s.kind.clear();
  s.kind.reserve(count);
  s.disc_or_square.clear();
  s.disc_or_square.reserve(count);
  s.half_width.clear();
  s.half_width.reserve(count);
  s.rect.clear();
  s.rect.reserve(count);
  s.fills.clear();
  s.regions.clear();
  s.canvases.clear();
  size_t at = 0, host_total = 0, canvas_total = 0;
  std::vector<uint8_t> skips;
  std::vector<std::vector<size_t>> over_canvas(draws.size());  // per panel: its overlay's shapes drawn on the host
  for (size_t panel = 0; panel < draws.size(); ++panel) {
    const PanelDraw& d = draws[panel];
    for (const auto* list : {&d.comp.underlay.shapes(), &d.comp.shapes.shapes()})
      for (const auto& sh : *list) {
        s.kind.push_back(uint8_t(pipeline_for(uint32_t(sh.style.x))));
        s.disc_or_square.push_back(sh.style.x == float(SHAPE_DISC) || sh.style.x == float(SHAPE_SQUARE));
        s.half_width.push_back(sh.style.y);
        s.rect.push_back(sh.rect);
        if (s.kind.back() == SHAPE_FILL) s.fills.push_back({s.kind.size() - 1, sh.color});
      }
    const size_t under = d.comp.underlay.size(), over = d.comp.shapes.size();
    s.regions.emplace_back();
    if (host_shapes_) {
      // (a panel is whole pixels inside the target: Renderer::submit)
      for (const HostRegion& region : plan_host_regions(d.comp.underlay.shapes(), span_of(panels[panel].rect), skips)) {
        s.regions.back().push_back({region, host_total});
        host_total += region.pixels.area();
      }
      for (size_t i = 0; i < under; ++i)
        if (skips[i]) s.kind[at + i] = k_on_host;
    }
    s.canvases.emplace_back();
    if (host_shapes_ && canvases[panel].colours) {
      over_canvas[panel] = plan_host_overlay(d.comp.shapes.shapes(), canvases[panel].pixels, skips);
      for (const size_t i : over_canvas[panel]) s.kind[at + under + i] = k_on_host;
      if (!over_canvas[panel].empty()) {
        s.canvases.back() = {canvases[panel].pixels, canvas_total};
        canvas_total += canvases[panel].pixels.area();
      }
    }
    // (An empty list's data() may be null, which memcpy may not be given even for 0 bytes.)
    if (under > 0) std::memcpy(instances + at, d.comp.underlay.shapes().data(), under * sizeof(shared::Shape));
    if (over > 0) std::memcpy(instances + at + under, d.comp.shapes.shapes().data(), over * sizeof(shared::Shape));
    s.ranges.push_back({at, under, at + under, over});
    at += under + over;
  }
  // The canvases, with the overlays' first shapes over them (drawn every frame that draws:
  // what is under them changes with the field).
  if (canvas_total > 0) {
    const vk::DeviceSize bytes = canvas_total * sizeof(uint32_t);
    if (!s.canvas_pixels || s.canvas_pixels->size() < bytes)
      s.canvas_pixels.emplace(ctx_, bytes, vk::BufferUsageFlagBits::eTransferSrc, gpu::MemoryUse::upload, "shapes drawn on the host over a view");
    auto* pixels = static_cast<uint32_t*>(s.canvas_pixels->mapped());
    for (size_t i = 0; i < draws.size(); ++i) {
      const auto& [span, first] = s.canvases[i];
      if (span.empty()) continue;
      std::memcpy(pixels + first, canvases[i].colours, span.area() * sizeof(uint32_t));
      draw_host_shapes(draws[i].comp.shapes.shapes(), over_canvas[i], span, pixels + first);
    }
  }
  if (host_total == 0) return;
  // The regions' pixels, drawn again only when an underlay or a region changed.
  Fingerprint key;
  for (size_t i = 0; i < draws.size(); ++i) {
    key.span(draws[i].comp.underlay.shapes());
    for (const auto& [region, first] : s.regions[i]) key.add(region.pixels), key.add(region.fill), key.add(first);
  }
  const vk::DeviceSize bytes = host_total * sizeof(uint32_t);
  if (!s.host_pixels || s.host_pixels->size() < bytes) {
    s.host_pixels.emplace(ctx_, bytes, vk::BufferUsageFlagBits::eTransferSrc, gpu::MemoryUse::upload, "shapes drawn on the host");
    s.host_key = 0;
  }
  if (key.h == s.host_key) return;
  auto* pixels = static_cast<uint32_t*>(s.host_pixels->mapped());
  if (region_caches_.size() < draws.size()) region_caches_.resize(draws.size());
  for (size_t i = 0; i < draws.size(); ++i) {
    auto& caches = region_caches_[i];
    if (caches.size() < s.regions[i].size()) caches.resize(s.regions[i].size());
    for (size_t k = 0; k < s.regions[i].size(); ++k) {
      const auto& [region, first] = s.regions[i][k];
      draw_host_region(draws[i].comp.underlay.shapes(), region, pixels + first, caches[k]);
    }
  }
  s.host_key = key.h;
}

void ShapePass::record_copies(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, vk::Image target) const {
  const Slot& s = slots_.at(slot);
  std::vector<vk::BufferImageCopy> copies;
  for (const auto& [region, first] : s.regions.at(panel)) copies.push_back(pixel_copy(region.pixels, first));
  if (!copies.empty()) cb.copyBufferToImage(s.host_pixels->handle(), target, vk::ImageLayout::eTransferDstOptimal, copies);
}

void ShapePass::record_canvas_copy(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, vk::Image target) const {
  const Slot& s = slots_.at(slot);
  if (!drew_over(slot, panel)) return;
  const auto& [pixels, first] = s.canvases.at(panel);
  cb.copyBufferToImage(s.canvas_pixels->handle(), target, vk::ImageLayout::eTransferDstOptimal, pixel_copy(pixels, first));
}

void ShapePass::record(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, bool overlay, vk::Extent2D target,
                       const vk::Rect2D& scissor) const {
  const Slot& s = slots_.at(slot);
  const size_t first = s.ranges.at(panel)[overlay ? 2 : 0], count = s.ranges.at(panel)[overlay ? 3 : 1];
  if (count == 0) return;
  cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *layout_, 0, *s.set, {});
  cb.pushConstants<float>(*layout_, vk::ShaderStageFlagBits::eVertex, 0, {float(target.width), float(target.height)});
  // In list order (later shapes over earlier ones), each run of one kind with its pipeline, or
  // cleared (fills: a clear keeps its place among draws, but not to the scissor, so is cut to it).
  const float sx0 = float(scissor.offset.x), sy0 = float(scissor.offset.y);
  const float sx1 = std::min(sx0 + float(scissor.extent.width), float(target.width));
  const float sy1 = std::min(sy0 + float(scissor.extent.height), float(target.height));
  for (size_t a = first, end = first + count; a < end;) {
    size_t b = a + 1;
    while (b < end && s.kind[b] == s.kind[a]) ++b;
    if (s.kind[a] == k_on_host) {
      // (drawn by update() on the host, copied after the underlay)
    } else if (s.kind[a] == SHAPE_FILL) {
      auto f = std::lower_bound(s.fills.begin(), s.fills.end(), a, [](const Slot::Fill& x, size_t i) { return x.at < i; });
      for (; f != s.fills.end() && f->at < b; ++f) {
        const shared::vec4& r = s.rect[f->at];
        const float x0 = std::max(r.x, sx0), y0 = std::max(r.y, sy0), x1 = std::min(r.z, sx1), y1 = std::min(r.w, sy1);
        if (!(x1 > x0 && y1 > y0)) continue;
        const vk::ClearAttachment clear{vk::ImageAspectFlagBits::eColor, 0,
                                        vk::ClearColorValue(std::array<float, 4>{f->colour.x, f->colour.y, f->colour.z, 1.0f})};
        const vk::ClearRect rect{{{int32_t(x0), int32_t(y0)}, {uint32_t(x1 - x0), uint32_t(y1 - y0)}}, 0, 1};
        cb.clearAttachments(clear, rect);
      }
    } else if (s.kind[a] == SHAPE_LINE && line_primitives_) {
      const vk::raii::Pipeline* bound = nullptr;
      for (const LineDraw& d : plan_line_draws(std::span(s.half_width).subspan(a, b - a), ctx_.limits().lineWidthRange[1])) {
        const vk::raii::Pipeline& p = pipelines_->get(SHAPE_LINE, d.width > 0.0f ? SHAPE_PRIM_LINE : SHAPE_PRIM_QUAD);
        if (bound != &p) cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *p);
        bound = &p;
        if (d.width > 0.0f) cb.setLineWidth(d.width);
        cb.draw(d.width > 0.0f ? 2 : 6, static_cast<uint32_t>(d.count), 0, static_cast<uint32_t>(a + d.first));
      }
    } else if (s.kind[a] == SHAPE_MARKERS) {
      const bool points = point_primitives_ && as_points(std::span(s.rect).subspan(a, b - a), ctx_.limits().pointSizeRange[1],
                                                         float(target.width), float(target.height));
      const bool round = discs_squares_ && std::all_of(s.disc_or_square.begin() + ptrdiff_t(a), s.disc_or_square.begin() + ptrdiff_t(b),
                                                       [](uint8_t v) { return v != 0; });
      cb.bindPipeline(vk::PipelineBindPoint::eGraphics,
                      *pipelines_->get(round ? SHAPE_DISCS_SQUARES : SHAPE_MARKERS, points ? SHAPE_PRIM_POINT : SHAPE_PRIM_QUAD));
      cb.draw(points ? 1 : 6, static_cast<uint32_t>(b - a), 0, static_cast<uint32_t>(a));
    } else {
      cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *pipelines_->get(s.kind[a]));
      cb.draw(6, static_cast<uint32_t>(b - a), 0, static_cast<uint32_t>(a));
    }
    a = b;
  }
}

void ShapePass::record_warm_up(const vk::raii::CommandBuffer& cb, vk::Extent2D target) {
  Slot& s = slots_.at(0);
  ensure_capacity(s, 1);
  shared::Shape shape{};
  shape.rect = {0.0f, 0.0f, 1.0f, 1.0f};
  shape.geom = {0.5f, 0.5f, 0.5f, 0.5f};
  std::memcpy(s.instances->mapped(), &shape, sizeof shape);
  cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *layout_, 0, *s.set, {});
  cb.pushConstants<float>(*layout_, vk::ShaderStageFlagBits::eVertex, 0, {float(target.width), float(target.height)});
  pipelines_->draw_each(cb, 6);
}

// ---- FieldViewPass ----

FieldViewPass::FieldViewPass(const gpu::Context& ctx)
    // (field_view.vert's viewport is twice a tile and its ring of one pixel)
    : ctx_(ctx),
      tile_(float(std::min(ctx.limits().maxViewportDimensions[0], ctx.limits().maxViewportDimensions[1]) / 2 - 2)),
      host_colours_(ctx.is_software()) {
  const auto frag = vk::ShaderStageFlagBits::eFragment, vert = vk::ShaderStageFlagBits::eVertex;
  // The field buffer and the palette.
  const std::array<vk::DescriptorSetLayoutBinding, 2> bindings{{
      {0, vk::DescriptorType::eUniformTexelBuffer, 1, frag},
      {1, vk::DescriptorType::eUniformBuffer, 1, vert | frag},  // (the vertex shader passes its colours on)
  }};
  set_layout_ = vk::raii::DescriptorSetLayout(ctx.device(), {{}, bindings});
  const vk::PushConstantRange push{vert | frag, 0, sizeof(shared::FieldViewPush)};
  const vk::DescriptorSetLayout sl = *set_layout_;
  layout_ = vk::raii::PipelineLayout(ctx.device(), {{}, sl, push});
  std::vector<QuadPipelines::Key> keys;  // (resample, shade)
  for (uint32_t resample = 0; resample < 2; ++resample)
    for (const uint32_t shade : {FIELD_VIEW_SHADE_NEURON, FIELD_VIEW_SHADE_ONE, FIELD_VIEW_SHADE_SOFTMAX}) keys.push_back({resample, shade});
  pipelines_.emplace(ctx, layout_, gpu::make_shader(ctx, gpu::shaders::field_view_vert(), "field_view.vert"),
                     gpu::make_shader(ctx, gpu::shaders::field_view_frag(), "field_view.frag"), "field view pipeline", keys,
                     false);  // (opaque: a CPU rasterizer then writes the pixels without reading them)
}

void FieldViewPass::update(const Panel& p, PanelDraw& d, PanelSlot& ps, vk::Extent2D target) const {
  d.field_coloured.reset();
  d.thumbs_coloured.clear();
  if (!host_colours_ || d.chart) return;
  const PixelSpan panel = span_of(p.rect);
  struct Job {
    shared::FieldView v;
    PixelSpan pixels;
    const float* values;
  };
  std::vector<Job> jobs;
  size_t total = 0;
  auto add = [&](const shared::FieldView& v, const float* values) {
    jobs.push_back({v, view_pixels(v.rect, panel, target.width, target.height), values});
    total += jobs.back().pixels.area();
  };
  if (const shared::FieldView v = field_view_of(p, d); ps.field.host_values() && host_colourable(v)) add(v, ps.field.host_values());
  const bool field = !jobs.empty();
  if (const float* values = ps.thumbs.host_values(); values && d.thumb_channels)
    for (const auto& t : d.comp.thumbnails) add(thumbnail_view_of(p, d, t), values);
  if (jobs.empty()) return;
  // What decides the colours: the values (by their stage's serial), the views, the palette, the target.
  Fingerprint key;
  key.add(ps.field.serial()), key.add(ps.thumbs.serial()), key.add(d.palette), key.add(target.width), key.add(target.height);
  for (const Job& j : jobs) key.add(j.v), key.add(j.pixels);
  uint32_t* colours = ps.colours_for(ctx_, total);
  const bool again = key.h != ps.colours_key;
  uint32_t first = 0;
  for (size_t i = 0; i < jobs.size(); ++i) {
    const Job& j = jobs[i];
    if (again) colour_field_view(j.v, d.palette, target.width, target.height, j.pixels, j.values, colours + first);
    const PanelDraw::Coloured c{j.pixels, first};
    if (field && i == 0) d.field_coloured = c;
    else d.thumbs_coloured.push_back(c);
    first += uint32_t(j.pixels.area());
  }
  ps.colours_key = key.h;
}

void FieldViewPass::record_warm_up(const gpu::Context& ctx, const vk::raii::CommandBuffer& cb, vk::Extent2D target) {
  if (!warm_up_) {
    warm_up_.emplace(WarmUp{{ctx, 16, vk::BufferUsageFlagBits::eUniformTexelBuffer, gpu::MemoryUse::upload, "warm-up field"},
                            {ctx, sizeof(shared::Palette), vk::BufferUsageFlagBits::eUniformBuffer, gpu::MemoryUse::upload, "warm-up palette"}});
    std::memset(warm_up_->field.mapped(), 0, 16);
    std::memset(warm_up_->palette.mapped(), 0, sizeof(shared::Palette));
    warm_up_->view = field_texels(ctx, warm_up_->field.handle(), warm_up_->field.size());
    const std::array<vk::DescriptorPoolSize, 2> sizes{{{vk::DescriptorType::eUniformTexelBuffer, 1}, {vk::DescriptorType::eUniformBuffer, 1}}};
    warm_up_->pool = vk::raii::DescriptorPool(ctx.device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, 1, sizes});
    const vk::DescriptorSetLayout sl = *set_layout_;
    warm_up_->set = std::move(vk::raii::DescriptorSets(ctx.device(), {*warm_up_->pool, sl})[0]);
    const vk::DescriptorBufferInfo palette{warm_up_->palette.handle(), 0, VK_WHOLE_SIZE};
    const vk::BufferView texels = *warm_up_->view;
    const std::array<vk::WriteDescriptorSet, 2> writes{{{*warm_up_->set, 0, 0, 1, vk::DescriptorType::eUniformTexelBuffer, nullptr, nullptr, &texels},
                                                        {*warm_up_->set, 1, 0, 1, vk::DescriptorType::eUniformBuffer, nullptr, &palette}}};
    ctx.device().updateDescriptorSets(writes, {});
  }
  shared::FieldViewPush push{};
  push.v = {{0.0f, 0.0f, 1.0f, 1.0f}, {1, 1, 1, 0}, {FIELD_VIEW_OUTPUT, 1, 0, 1}, {1.0f, 1.0f, 1.0f, 0.0f}};
  push.target = {float(target.width), float(target.height), 0.0f, 0.0f};
  cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *layout_, 0, *warm_up_->set, {});
  cb.pushConstants<shared::FieldViewPush>(*layout_, vk::ShaderStageFlagBits::eVertex | vk::ShaderStageFlagBits::eFragment, 0, push);
  pipelines_->draw_each(cb, 3);
}

void FieldViewPass::record_copies(const vk::raii::CommandBuffer& cb, const PanelDraw& d, const PanelSlot& ps, vk::Image target,
                                  bool field) const {
  std::vector<vk::BufferImageCopy> regions;
  if (d.field_coloured && field) regions.push_back(pixel_copy(d.field_coloured->pixels, d.field_coloured->first));
  for (const auto& c : d.thumbs_coloured) regions.push_back(pixel_copy(c.pixels, c.first));
  if (!regions.empty()) cb.copyBufferToImage(ps.colours->handle(), target, vk::ImageLayout::eTransferDstOptimal, regions);
}

void FieldViewPass::record(const vk::raii::CommandBuffer& cb, const Panel& p, const PanelDraw& d, const PanelSlot& ps,
                           vk::Extent2D target) const {
  const vk::Rect2D scissor = panel_scissor(p.rect);
  const PixelSpan panel = span_of(p.rect);
  shared::FieldViewPush push{};
  if (!d.field_coloured) {
    const Rect& fr = d.comp.field.rect;
    const bool reduced = float(d.req.width) < fr.width() || float(d.req.height) < fr.height();
    const uint32_t shade = d.neuron ? FIELD_VIEW_SHADE_NEURON : d.channels <= 1 ? FIELD_VIEW_SHADE_ONE : FIELD_VIEW_SHADE_SOFTMAX;
    cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *pipelines_->get(reduced, shade));
    cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *layout_, 0, *ps.field_set, {});
    push.v = field_view_of(p, d);
    draw_view(cb, layout_, push, panel, target, tile_);
  }
  if (d.thumb_channels && d.thumbs_coloured.empty()) {
    // Thumbnails: a hidden neuron each, one value per pixel.
    cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *pipelines_->get(0, FIELD_VIEW_SHADE_NEURON));
    cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *layout_, 0, *ps.thumb_set, {});
    for (const auto& t : d.comp.thumbnails) {
      push.v = thumbnail_view_of(p, d, t);
      draw_view(cb, layout_, push, panel, target, tile_);
    }
  }
  cb.setViewport(0, vk::Viewport{0.0f, 0.0f, float(target.width), float(target.height), 0.0f, 1.0f});
  cb.setScissor(0, scissor);
}

}  // namespace nnlive::render
