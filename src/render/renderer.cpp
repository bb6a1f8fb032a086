// SPDX-License-Identifier: MIT
// The frame: field.comp for the field panel and the thumbnails, then the field views, then the
// shapes, into the offscreen target, then a copy to the readback buffer.
#include "nnlive/render/renderer.hpp"

#include <cmath>
#include <cstring>
#include <optional>

#include "nnlive/gpu/shaders.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::render {
namespace {

constexpr vk::Format k_target_format = vk::Format::eR8G8B8A8Unorm;
constexpr uint32_t k_atlas_mips = 1;  // averaged distance fields bleed between glyphs; shapes.frag supersamples instead

struct FieldPush {
  shared::FieldView view;
  float target_size[2];
};

vk::raii::Pipeline make_pipeline(const gpu::Context& ctx, const vk::raii::PipelineLayout& layout,
                                 const vk::raii::ShaderModule& vert, const vk::raii::ShaderModule& frag, const char* name) {
  const std::array<vk::PipelineShaderStageCreateInfo, 2> stages{{{{}, vk::ShaderStageFlagBits::eVertex, *vert, "main"},
                                                                 {{}, vk::ShaderStageFlagBits::eFragment, *frag, "main"}}};
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

gpu::NetworkLayout network_layout(const std::vector<nn::LayerShape>& layers, size_t param_count, const nn::InputMap& map) {
  gpu::NetworkLayout n;
  for (const auto& l : layers)
    n.layers.push_back({uint32_t(l.in), uint32_t(l.out), uint32_t(l.activation), uint32_t(l.w_offset), uint32_t(l.b_offset)});
  for (auto f : map.features) n.features.push_back(uint32_t(f));
  n.feature_offset = map.offset;
  n.feature_scale = map.scale;
  n.param_count = param_count;
  return n;
}

SceneTarget::SceneTarget(const gpu::Context& ctx, uint32_t width, uint32_t height)
    : image_(ctx, width, height, k_target_format,
             vk::ImageUsageFlagBits::eColorAttachment | vk::ImageUsageFlagBits::eTransferSrc, "scene target"),
      readback_(ctx, vk::DeviceSize(width) * height * 4, vk::BufferUsageFlagBits::eTransferDst, gpu::MemoryUse::readback,
                "scene readback") {
  if (width < k_min_width || height < k_min_height || width > k_max_width || height > k_max_height)
    throw gpu::GpuError("the picture must be 320x240 to 7680x4320 pixels");
}

std::vector<uint8_t> SceneTarget::pixels() const {
  const auto* p = static_cast<const uint8_t*>(readback_.mapped());
  return {p, p + size_t(width()) * height() * 4};
}

struct Renderer::Impl {
  explicit Impl(const gpu::Context& c)
      : ctx(c),
        regular(false),
        bold(true),
        field_eval(c),
        thumb_eval(c),
        palette(c, sizeof(shared::Palette), vk::BufferUsageFlagBits::eUniformBuffer, gpu::MemoryUse::upload, "palette"),
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
    shape_pipeline = make_pipeline(ctx, shape_layout, sv, sf, "shapes pipeline");
    field_pipeline = make_pipeline(ctx, field_layout, fv, ff, "field view pipeline");

    const std::array<vk::DescriptorPoolSize, 3> sizes{{{vk::DescriptorType::eStorageBuffer, 3},
                                                       {vk::DescriptorType::eUniformBuffer, 2},
                                                       {vk::DescriptorType::eCombinedImageSampler, 1}}};
    pool = vk::raii::DescriptorPool(ctx.device(), {vk::DescriptorPoolCreateFlagBits::eFreeDescriptorSet, 3, sizes});
    const std::array<vk::DescriptorSetLayout, 3> set_layouts{*shape_set_layout, *field_set_layout, *field_set_layout};
    vk::raii::DescriptorSets sets(ctx.device(), {*pool, set_layouts});
    shape_set = std::move(sets[0]);
    field_set = std::move(sets[1]);
    thumb_set = std::move(sets[2]);
    ctx.set_name(*shape_set, "shape descriptors");
    ctx.set_name(*field_set, "field view descriptors");
    ctx.set_name(*thumb_set, "thumbnail descriptors");

    vk::SamplerCreateInfo sampler_info{};
    sampler_info.magFilter = sampler_info.minFilter = vk::Filter::eLinear;
    sampler_info.addressModeU = sampler_info.addressModeV = sampler_info.addressModeW = vk::SamplerAddressMode::eClampToEdge;
    sampler_info.mipmapMode = vk::SamplerMipmapMode::eLinear;
    sampler_info.maxLod = float(k_atlas_mips - 1);
    sampler = vk::raii::Sampler(ctx.device(), sampler_info);
    ctx.set_name(*sampler, "font sampler");

    upload_atlas();
    cb = std::move(vk::raii::CommandBuffers(ctx.device(), {*ctx.command_pool(), vk::CommandBufferLevel::ePrimary, 1})[0]);
    ctx.set_name(*cb, "frame commands");
    fence = vk::raii::Fence(ctx.device(), vk::FenceCreateInfo{});
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

  void ensure_shape_capacity(size_t count) {
    const vk::DeviceSize bytes = std::max<size_t>(count, 1) * sizeof(shared::Shape);
    if (shapes && shapes->size() >= bytes) return;
    shapes.emplace(ctx, std::max<vk::DeviceSize>(bytes * 3 / 2, 64 * 1024), vk::BufferUsageFlagBits::eStorageBuffer,
                   gpu::MemoryUse::upload, "shape instances");
    const vk::DescriptorBufferInfo b{shapes->handle(), 0, VK_WHOLE_SIZE};
    const vk::DescriptorImageInfo img{*sampler, atlas.view(), vk::ImageLayout::eShaderReadOnlyOptimal};
    const std::array<vk::WriteDescriptorSet, 2> writes{{
        {*shape_set, 0, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &b},
        {*shape_set, 1, 0, 1, vk::DescriptorType::eCombinedImageSampler, &img},
    }};
    ctx.device().updateDescriptorSets(writes, {});
  }

  // Points a field-view set at an evaluator's output when that buffer changed.
  void bind_field(const vk::raii::DescriptorSet& set, vk::Buffer buffer, vk::Buffer& bound) {
    if (buffer == bound) return;
    const vk::DescriptorBufferInfo f{buffer, 0, VK_WHOLE_SIZE};
    const vk::DescriptorBufferInfo pal{palette.handle(), 0, VK_WHOLE_SIZE};
    const std::array<vk::WriteDescriptorSet, 2> writes{{
        {*set, 0, 0, 1, vk::DescriptorType::eStorageBuffer, nullptr, &f},
        {*set, 1, 0, 1, vk::DescriptorType::eUniformBuffer, nullptr, &pal},
    }};
    ctx.device().updateDescriptorSets(writes, {});
    bound = buffer;
  }

  const gpu::Context& ctx;
  Font regular, bold;
  gpu::FieldEvaluator field_eval, thumb_eval;
  gpu::Buffer palette;
  gpu::Image atlas;
  vk::raii::Sampler sampler{nullptr};
  vk::raii::DescriptorSetLayout shape_set_layout{nullptr}, field_set_layout{nullptr};
  vk::raii::PipelineLayout shape_layout{nullptr}, field_layout{nullptr};
  vk::raii::Pipeline shape_pipeline{nullptr}, field_pipeline{nullptr};
  vk::raii::DescriptorPool pool{nullptr};
  vk::raii::DescriptorSet shape_set{nullptr}, field_set{nullptr}, thumb_set{nullptr};
  std::optional<gpu::Buffer> shapes;
  vk::Buffer bound_field{}, bound_thumbs{};
  vk::raii::CommandBuffer cb{nullptr};
  vk::raii::Fence fence{nullptr};
  gpu::NetworkLayout network;  // the architecture the evaluators were last set up for
};

Renderer::Renderer(const gpu::Context& ctx) : impl_(std::make_unique<Impl>(ctx)) {}
Renderer::~Renderer() = default;

void Renderer::render(const Scene& scene, const RenderOptions& options, SceneTarget& target) {
  Impl& m = *impl_;
  const nn::Snapshot& snap = *scene.snapshot;
  Composition comp = compose(scene, options, target.width(), target.height(), Fonts{m.regular, m.bold});
  const Colours colours = colours_for(options.palette);
  std::memcpy(m.palette.mapped(), &colours.field, sizeof(shared::Palette));

  // Architecture changes (rare) set the evaluators up again; parameters are copied every frame.
  gpu::NetworkLayout layout = network_layout(snap.layers, snap.params.size(), scene.input_map);
  const bool same = layout.layers.size() == m.network.layers.size() && layout.features == m.network.features &&
                    layout.feature_offset == m.network.feature_offset && layout.feature_scale == m.network.feature_scale &&
                    std::equal(layout.layers.begin(), layout.layers.end(), m.network.layers.begin(), [](const auto& a, const auto& b) {
                      return a.in == b.in && a.out == b.out && a.activation == b.activation;
                    });
  if (!same) {
    m.field_eval.set_network(layout);
    m.thumb_eval.set_network(layout);
    m.network = layout;
  }
  m.field_eval.set_params(snap.params);
  m.thumb_eval.set_params(snap.params);

  const auto& cb = m.cb;
  cb.reset();
  cb.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
  const Rect& fr = comp.field.rect;
  const auto& v = comp.field.view;
  gpu::FieldRequest req{uint32_t(fr.width()), uint32_t(fr.height()), {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
  const bool neuron = options.neuron_layer >= 0;
  if (neuron) req.neuron_layer = options.neuron_layer, req.neuron = options.neuron;
  const uint32_t channels = m.field_eval.record(cb, req);
  uint32_t thumb_channels = 0;
  if (!comp.thumbnails.empty()) {
    const auto& tv = comp.thumbnail_view;
    gpu::FieldRequest treq{comp.thumbnail_size, comp.thumbnail_size, {float(tv[0]), float(tv[1]), float(tv[2]), float(tv[3])}};
    treq.all_hidden = true;
    thumb_channels = m.thumb_eval.record(cb, treq);
  }
  m.bind_field(m.field_set, m.field_eval.output_buffer(), m.bound_field);
  if (thumb_channels) m.bind_field(m.thumb_set, m.thumb_eval.output_buffer(), m.bound_thumbs);
  // One instance buffer: the underlay's shapes, then the overlay's.
  const size_t under = comp.underlay.size(), over = comp.shapes.size();
  m.ensure_shape_capacity(under + over);
  auto* instances = static_cast<shared::Shape*>(m.shapes->mapped());
  std::memcpy(instances, comp.underlay.shapes().data(), under * sizeof(shared::Shape));
  std::memcpy(instances + under, comp.shapes.shapes().data(), over * sizeof(shared::Shape));

  // The field views read what field.comp wrote.
  const vk::MemoryBarrier2 fields{vk::PipelineStageFlagBits2::eComputeShader, vk::AccessFlagBits2::eShaderStorageWrite,
                                  vk::PipelineStageFlagBits2::eFragmentShader, vk::AccessFlagBits2::eShaderStorageRead};
  cb.pipelineBarrier2(vk::DependencyInfo{{}, fields});
  // The target's old contents are not needed: clear it as a colour attachment.
  gpu::transition(cb, target.image().handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eColorAttachmentOptimal,
                  vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferRead,
                  vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite);
  const auto& bg = comp.background;
  vk::RenderingAttachmentInfo colour{target.image().view(), vk::ImageLayout::eColorAttachmentOptimal};
  colour.loadOp = vk::AttachmentLoadOp::eClear;
  colour.storeOp = vk::AttachmentStoreOp::eStore;
  colour.clearValue = vk::ClearColorValue(std::array<float, 4>{bg[0], bg[1], bg[2], 1.0f});
  const vk::Rect2D area{{0, 0}, {target.width(), target.height()}};
  cb.beginRendering(vk::RenderingInfo{{}, area, 1, 0, colour});
  cb.setViewport(0, vk::Viewport{0, 0, float(target.width()), float(target.height()), 0, 1});
  cb.setScissor(0, area);

  const float target_size[2] = {float(target.width()), float(target.height())};
  auto draw_shapes = [&](size_t first, size_t count) {
    if (count == 0) return;
    cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *m.shape_pipeline);
    cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *m.shape_layout, 0, *m.shape_set, {});
    cb.pushConstants<float>(*m.shape_layout, vk::ShaderStageFlagBits::eVertex, 0, {target_size[0], target_size[1]});
    cb.draw(6, static_cast<uint32_t>(count), 0, static_cast<uint32_t>(first));
  };
  draw_shapes(0, under);

  cb.bindPipeline(vk::PipelineBindPoint::eGraphics, *m.field_pipeline);
  FieldPush push{};
  push.target_size[0] = target_size[0];
  push.target_size[1] = target_size[1];
  const uint32_t classes = neuron ? 1u : channels;
  push.view = {{fr.x0, fr.y0, fr.x1, fr.y1},
               {req.width, req.height, channels, 0},
               {neuron ? FIELD_VIEW_NEURON : FIELD_VIEW_OUTPUT, classes, options.discretize ? 1u : 0u, neuron ? 0u : 1u},
               {std::max(0.75f, 1.3f * std::min(target.width() / 1920.0f, target.height() / 1080.0f)), 1.0f, 1.0f, 0.0f}};
  cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *m.field_layout, 0, *m.field_set, {});
  cb.pushConstants<FieldPush>(*m.field_layout, vk::ShaderStageFlagBits::eVertex | vk::ShaderStageFlagBits::eFragment, 0, push);
  cb.draw(6, 1, 0, 0);
  if (thumb_channels) {
    cb.bindDescriptorSets(vk::PipelineBindPoint::eGraphics, *m.field_layout, 0, *m.thumb_set, {});
    for (const auto& t : comp.thumbnails) {
      push.view = {{t.rect.x0, t.rect.y0, t.rect.x1, t.rect.y1},
                   {comp.thumbnail_size, comp.thumbnail_size, thumb_channels, t.channel},
                   {FIELD_VIEW_NEURON, 1u, 0u, 0u},
                   {1.0f, 1.0f, 1.0f, 0.0f}};
      cb.pushConstants<FieldPush>(*m.field_layout, vk::ShaderStageFlagBits::eVertex | vk::ShaderStageFlagBits::eFragment, 0, push);
      cb.draw(6, 1, 0, 0);
    }
  }

  draw_shapes(under, over);
  cb.endRendering();

  // The copy reads what the passes drew.
  gpu::transition(cb, target.image().handle(), vk::ImageLayout::eColorAttachmentOptimal, vk::ImageLayout::eTransferSrcOptimal,
                  vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite,
                  vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferRead);
  const vk::BufferImageCopy region{0, 0, 0, {vk::ImageAspectFlagBits::eColor, 0, 0, 1}, {0, 0, 0}, {target.width(), target.height(), 1}};
  cb.copyImageToBuffer(target.image().handle(), vk::ImageLayout::eTransferSrcOptimal, target.readback().handle(), region);
  // The host reads the pixels after the fence.
  const vk::MemoryBarrier2 to_host{vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                                   vk::PipelineStageFlagBits2::eHost, vk::AccessFlagBits2::eHostRead};
  cb.pipelineBarrier2(vk::DependencyInfo{{}, to_host});
  cb.end();

  m.ctx.submit_and_wait(cb, m.fence, "the frame");
}

}  // namespace nnlive::render
