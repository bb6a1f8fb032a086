// SPDX-License-Identifier: MIT
// The frame: per panel, the field pass (the field kernels, or the CPU engine, for the field
// and the thumbnails from one weights upload); then per panel the shapes pass's underlay, the
// field-view pass and the shapes pass's overlay, clipped to the panel, into the offscreen
// target; then a copy to the readback buffer and the caller's own commands. Frames rotate
// through k_frames_in_flight slots, each with its own buffers, so one is recorded while
// another runs. The passes (passes.hpp) own their pipelines and per-slot buffers.
#include "nnlive/render/renderer.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstring>
#include <optional>

#include "fingerprint.hpp"
#include "frame_slots.hpp"
#include "passes.hpp"
#include "nnlive/render/compose.hpp"
#include "nnlive/render/palette.hpp"

namespace nnlive::render {

struct Renderer::Impl {
  explicit Impl(const gpu::Context& c) : ctx(c), shapes(c, k_frames_in_flight), views(c) {
    vk::raii::CommandBuffers cbs(ctx.device(), {*ctx.command_pool(), vk::CommandBufferLevel::ePrimary, k_frames_in_flight});
    for (uint32_t i = 0; i < k_frames_in_flight; ++i) {
      FrameSlot& f = slots[i];
      f.index = i;
      f.cb = std::move(cbs[i]);
      ctx.set_name(*f.cb, "frame commands");
      f.fence = vk::raii::Fence(ctx.device(), vk::FenceCreateInfo{});
      ctx.set_name(*f.fence, "frame fence");
    }
    warm_up();
  }

  // Every pipeline draws once now, into a small target of its own: a CPU Vulkan device compiles
  // a pipeline's fragment code at its first draw (a few megabytes each on lavapipe). Later,
  // that would grow a long-running exhibit after its warm-up and stall the frame that first
  // shows, say, a star or a softmax field.
  void warm_up() {
    SceneTarget scratch(ctx, SceneTarget::k_min_width, SceneTarget::k_min_height);
    const vk::Extent2D extent{scratch.width(), scratch.height()};
    FrameSlot& f = slots[0];
    f.cb.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
    begin_drawing(f.cb, scratch, vk::ClearColorValue(std::array<float, 4>{0.0f, 0.0f, 0.0f, 0.0f}),
                  vk::PipelineStageFlagBits2::eTopOfPipe, {});
    f.cb.setScissor(0, vk::Rect2D{{0, 0}, extent});
    shapes.record_warm_up(f.cb, extent);
    views.record_warm_up(ctx, f.cb, extent);
    f.cb.endRendering();
    f.cb.end();
    const vk::CommandBuffer raw = *f.cb;
    {
      const std::lock_guard lock(ctx.queue_mutex());
      ctx.queue().submit(vk::SubmitInfo{{}, {}, raw}, *f.fence);
    }
    if (ctx.device().waitForFences(*f.fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess)
      throw gpu::GpuError("the GPU did not finish the warm-up frame");
    ctx.device().resetFences(*f.fence);
  }

  ~Impl() {
    // Nothing may be destroyed while the GPU still uses it.
    for (auto& f : slots)
      if (f.pending) (void)ctx.device().waitForFences(*f.fence, VK_TRUE, UINT64_MAX);
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
  double prepare_panel(const Panel& p, PanelSlot& ps, PanelDraw& d, const vk::raii::CommandBuffer& cb, Fingerprint& fp) {
    const uint32_t pw = uint32_t(p.rect.width()), ph = uint32_t(p.rect.height());
    d.comp = compose(p.scene, p.options, pw, ph, shapes.fonts());
    d.comp.underlay.translate(p.rect.x0, p.rect.y0);
    d.comp.shapes.translate(p.rect.x0, p.rect.y0);
    if (!p.scene.snapshot) {  // a comparison chart: shapes only
      d.chart = true;
      placements.push_back({});
      fp.add(p.rect), fp.add(d.comp.background), fp.span(d.comp.underlay.shapes()), fp.span(d.comp.shapes.shapes());
      return 0.0;
    }
    const nn::Snapshot& snap = *p.scene.snapshot;
    const Rect& f = d.comp.field.rect;
    Placement placed{{f.x0 + p.rect.x0, f.y0 + p.rect.y0, f.x1 + p.rect.x0, f.y1 + p.rect.y0}, d.comp.field.view, d.comp.network};
    for (auto& column : placed.network.centres)
      for (auto& c : column) c += Vec2(p.rect.x0, p.rect.y0);
    placements.push_back(std::move(placed));
    const Colours colours = colours_for(p.options.palette);
    std::memcpy(ps.palette.mapped(), &colours.field, sizeof(shared::Palette));
    d.palette = colours.field;
    ps.set_network(network_layout(snap.layers, snap.params.size(), p.scene.input_map), snap.params);

    const Rect& fr = d.comp.field.rect;
    const auto& v = d.comp.field.view;
    float res = std::clamp(p.options.field_resolution, 0.125f, 1.0f);
    // A field larger than the device binds at once (field_view_limit; an 8K frame with eight
    // classes) is evaluated at the finest resolution that fits and interpolated like the live
    // window's reduced field, instead of failing.
    {
      const double channels = p.options.neuron_layer >= 0 || snap.layers.empty() ? 1.0 : double(snap.layers.back().out);
      const double bytes = double(fr.width()) * res * double(fr.height()) * res * channels * sizeof(float);
      const double limit = double(field_view_limit(ctx));
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
    ps.bind(ctx, ps.field_set, ps.field_view, ps.field, ps.bound_field);
    if (d.thumb_channels) ps.bind(ctx, ps.thumb_set, ps.thumb_view, ps.thumbs, ps.bound_thumbs);
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

  // Starts drawing into the whole target, cleared to `clear` (its old contents are not needed),
  // once what `after_stage` does with it (`after_access`) is done; the viewport covers it.
  static void begin_drawing(const vk::raii::CommandBuffer& cb, SceneTarget& target, const vk::ClearColorValue& clear,
                            vk::PipelineStageFlags2 after_stage, vk::AccessFlags2 after_access) {
    gpu::transition(cb, target.image().handle(), vk::ImageLayout::eUndefined, vk::ImageLayout::eColorAttachmentOptimal,
                    after_stage, after_access, vk::PipelineStageFlagBits2::eColorAttachmentOutput,
                    vk::AccessFlagBits2::eColorAttachmentWrite);
    resume_drawing(cb, target, &clear);
  }

  // Draws into the whole target again (in eColorAttachmentOptimal), cleared to *clear if given,
  // else keeping what it holds; the viewport covers it.
  static void resume_drawing(const vk::raii::CommandBuffer& cb, SceneTarget& target, const vk::ClearColorValue* clear = nullptr) {
    vk::RenderingAttachmentInfo colour{target.image().view(), vk::ImageLayout::eColorAttachmentOptimal};
    colour.loadOp = clear ? vk::AttachmentLoadOp::eClear : vk::AttachmentLoadOp::eLoad;
    colour.storeOp = vk::AttachmentStoreOp::eStore;
    if (clear) colour.clearValue = *clear;
    const vk::Extent2D extent{target.width(), target.height()};
    cb.beginRendering(vk::RenderingInfo{{}, vk::Rect2D{{0, 0}, extent}, 1, 0, colour});
    cb.setViewport(0, vk::Viewport{0, 0, float(extent.width), float(extent.height), 0, 1});
    cb.setLineWidth(1.0f);  // (dynamic in every pipeline; the shapes pass sets its lines' widths)
  }

  // What the host drew into the target, outside the rendering: the panel's underlay regions
  // (ShapePass::record_copies), then the views coloured on the host (FieldViewPass::record_copies;
  // thumbnails lie in the diagram's region), the field's with the overlay's points over it where
  // the host drew them (ShapePass::record_canvas_copy), between the panel's underlay and
  // overlay, as drawn ones would be.
  void copy_from_host(const vk::raii::CommandBuffer& cb, const FrameSlot& slot, size_t panel, const PanelDraw& d,
                      const PanelSlot& ps, SceneTarget& target) {
    const vk::Image image = target.image().handle();
    cb.endRendering();
    gpu::transition(cb, image, vk::ImageLayout::eColorAttachmentOptimal, vk::ImageLayout::eTransferDstOptimal,
                    vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite,
                    vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite);
    if (shapes.drew_on_host(slot.index, panel)) {
      shapes.record_copies(cb, slot.index, panel, image);
      // (copies into the same pixels keep their order only with a barrier)
      const vk::MemoryBarrier2 after{vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                                     vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite};
      cb.pipelineBarrier2(vk::DependencyInfo{{}, after});
    }
    views.record_copies(cb, d, ps, image, !shapes.drew_over(slot.index, panel));
    shapes.record_canvas_copy(cb, slot.index, panel, image);
    gpu::transition(cb, image, vk::ImageLayout::eTransferDstOptimal, vk::ImageLayout::eColorAttachmentOptimal,
                    vk::PipelineStageFlagBits2::eCopy, vk::AccessFlagBits2::eTransferWrite,
                    vk::PipelineStageFlagBits2::eColorAttachmentOutput,
                    vk::AccessFlagBits2::eColorAttachmentRead | vk::AccessFlagBits2::eColorAttachmentWrite);
    resume_drawing(cb, target);
  }

  // A frame's drawing: the shapes pass takes the frame's shapes, the target is cleared, then per
  // panel its underlay, field views and overlay (timestamped after each when timing).
  void record_draws(FrameSlot& slot, std::span<const Panel> panels, const std::vector<PanelDraw>& draws, SceneTarget& target,
                    bool timing) {
    const auto& cb = slot.cb;
    const auto shapes_t0 = std::chrono::steady_clock::now();
    // The field views coloured on the host: the points go over them there too.
    std::vector<HostCanvas> canvases(panels.size());
    for (size_t i = 0; i < panels.size(); ++i)
      if (const auto& c = draws[i].field_coloured)
        canvases[i] = {c->pixels, static_cast<const uint32_t*>(slot.panels[i]->colours->mapped()) + c->first};
    shapes.update(slot.index, panels, draws, canvases);
    slot.shapes_host_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - shapes_t0).count();
    // The field views read what the field kernels wrote.
    const vk::MemoryBarrier2 fields{vk::PipelineStageFlagBits2::eComputeShader, vk::AccessFlagBits2::eShaderStorageWrite,
                                    vk::PipelineStageFlagBits2::eFragmentShader, vk::AccessFlagBits2::eShaderSampledRead};
    cb.pipelineBarrier2(vk::DependencyInfo{{}, fields});
    // The previous frame's copy (and the caller's hook) may still read the target.
    const auto& bg = draws[0].comp.background;
    begin_drawing(cb, target,
                  panels[0].options.transparent ? vk::ClearColorValue(std::array<float, 4>{0.0f, 0.0f, 0.0f, 0.0f})
                                                : vk::ClearColorValue(std::array<float, 4>{bg.r, bg.g, bg.b, 1.0f}),
                  vk::PipelineStageFlagBits2::eAllTransfer, vk::AccessFlagBits2::eTransferRead);
    const vk::Extent2D extent{target.width(), target.height()};
    const auto graphics = vk::PipelineStageFlagBits2::eColorAttachmentOutput;
    for (size_t i = 0; i < panels.size(); ++i) {
      const Panel& p = panels[i];
      // Nothing a panel draws leaves its rectangle.
      const vk::Rect2D scissor = panel_scissor(p.rect);
      cb.setScissor(0, scissor);
      shapes.record(cb, slot.index, i, false, extent, scissor);
      const uint32_t q = 2 + 3 * uint32_t(i);  // after this panel's underlay, field views, overlay
      if (timing) cb.writeTimestamp2(graphics, *slot.queries, q);
      if (draws[i].field_coloured || !draws[i].thumbs_coloured.empty() || shapes.drew_on_host(slot.index, i)) {
        copy_from_host(cb, slot, i, draws[i], *slot.panels[i], target);
        cb.setScissor(0, scissor);
      }
      if (!draws[i].chart) views.record(cb, p, draws[i], *slot.panels[i], extent);
      if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 1);
      shapes.record(cb, slot.index, i, true, extent, scissor);
      if (timing) cb.writeTimestamp2(graphics, *slot.queries, q + 2);
    }
    cb.endRendering();
    // Copies (readback, the caller's blit) read what the passes drew, and so does the host
    // after the fence where the image is host-readable.
    const bool host = target.readback() == nullptr;
    gpu::transition(cb, target.image().handle(), vk::ImageLayout::eColorAttachmentOptimal, target.finished_layout(),
                    vk::PipelineStageFlagBits2::eColorAttachmentOutput, vk::AccessFlagBits2::eColorAttachmentWrite,
                    vk::PipelineStageFlagBits2::eAllTransfer | (host ? vk::PipelineStageFlagBits2::eHost : vk::PipelineStageFlagBits2{}),
                    vk::AccessFlagBits2::eTransferRead | (host ? vk::AccessFlagBits2::eHostRead : vk::AccessFlagBits2{}));
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
    p.view_host_ms = f.view_host_ms;
    p.shapes_host_ms = f.shapes_host_ms;
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
  ShapePass shapes;
  FieldViewPass views;
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

void Renderer::set_host_colours(bool on) {
  impl_->views.set_host_colours(on);
  impl_->drawn_fingerprint = 0;  // (the target's pixels may differ by a rounding)
}

void Renderer::set_host_shapes(bool on) {
  impl_->shapes.set_host_shapes(on);
  impl_->drawn_fingerprint = 0;  // (the target's pixels may differ by a rounding)
}

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
  while (slot.panels.size() < panels.size()) slot.panels.push_back(std::make_unique<PanelSlot>(m.ctx, m.views.set_layout()));

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
  m.placements.clear();
  for (size_t i = 0; i < panels.size(); ++i) field_host_ms += m.prepare_panel(panels[i], *slot.panels[i], draws[i], cb, fp);
  const auto views_t0 = std::chrono::steady_clock::now();
  for (size_t i = 0; i < panels.size(); ++i) m.views.update(panels[i], draws[i], *slot.panels[i], {target.width(), target.height()});
  slot.view_host_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - views_t0).count();
  // A frame that would draw what the target already holds draws nothing: the target keeps its
  // pixels (left in its finished layout by the frame that drew them) and only the copies and
  // the caller's hook run, so a paused run costs the UI alone.
  fp.add(target.serial());
  slot.field_host_ms = field_host_ms;
  const bool reuse = m.drawn_fingerprint == fp.h;
  if (timing) cb.writeTimestamp2(vk::PipelineStageFlagBits2::eComputeShader, *slot.queries, 1);
  m.drawn_fingerprint = 0;  // until this frame is submitted (an exception leaves the target unknown)
  if (reuse) ++m.frames_reused;
  if (!reuse) m.record_draws(slot, panels, draws, target, timing);
  if (hooks.readback && target.readback()) {  // (a host-readable image is read where it is)
    const vk::BufferImageCopy region{0, 0, 0, {vk::ImageAspectFlagBits::eColor, 0, 0, 1}, {0, 0, 0}, {target.width(), target.height(), 1}};
    cb.copyImageToBuffer(target.image().handle(), target.finished_layout(), target.readback()->handle(), region);
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
