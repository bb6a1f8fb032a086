// SPDX-License-Identifier: MIT
// The renderer's graphics passes (private to src/render). Each creates its own pipelines and
// descriptor layouts, keeps and resizes its own per-frame-slot buffers, takes the frame's data
// in update() and records its draws when the frame asks. The field pass is the panels'
// FieldEngines and FieldStages (field_stage.hpp); the renderer orders the passes, owns the
// frame slots, barriers and timestamps.
#pragma once
#include <array>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "frame_slots.hpp"
#include "host_shapes.hpp"
#include "nnlive/gpu/image.hpp"
#include "nnlive/render/font.hpp"
#include "nnlive/render/renderer.hpp"

namespace nnlive::render {

// The scissor of a panel's rectangle: nothing the panel draws leaves it.
vk::Rect2D panel_scissor(const Rect& r);

// Pipelines drawing into the RGBA8 target (a quad per shape, a triangle per tile of a field
// view; with `primitives`, the shape's SHAPE_PRIM_* in constant 1), alpha-blended or opaque, with
// dynamic viewport, scissor and line width: one for each given pair of the vertex and
// fragment shaders' specialization constants 0 and 1, all built at once. Specialized, because a
// CPU rasterizer pays for every branch of a shader, taken or not; all at once, because one built
// later would grow a long-running process and stall the frame that first needs it.
class QuadPipelines {
 public:
  using Key = std::pair<uint32_t, uint32_t>;  // constants 0 and 1
  QuadPipelines(const gpu::Context& ctx, const vk::raii::PipelineLayout& layout, const vk::raii::ShaderModule& vert,
                const vk::raii::ShaderModule& frag, const char* name, std::span<const Key> keys, bool blend = true,
                bool primitives = false);
  const vk::raii::Pipeline& get(uint32_t constant0, uint32_t constant1 = 0) const { return built_.at({constant0, constant1}); }
  // One draw of `vertices` with each pipeline (the caller has bound what they read): a CPU
  // device compiles a pipeline's fragment code at its first draw.
  void draw_each(const vk::raii::CommandBuffer& cb, uint32_t vertices) const;

 private:
  std::map<Key, vk::raii::Pipeline> built_;
};

// Pixels the host has under a panel's overlay (a field view it coloured): where they lie in the
// target and their colours (RGBA8, a row their width), or none (null).
struct HostCanvas {
  PixelSpan pixels;
  const uint32_t* colours = nullptr;
};

// Every 2-D element (panels, edges, pulses, points, nodes, curves, text) as instances of one
// quad (shapes.vert/.frag), with the fonts and their signed-distance atlas. Rectangles, lines
// and glyphs have a pipeline each, discs and the other markers one together; the shapes are
// drawn in list order, a run for one pipeline a draw. On a CPU device, lines and markers are
// line and point primitives where they can be (plan_line_draws, as_points).
class ShapePass {
 public:
  ShapePass(const gpu::Context& ctx, uint32_t slots);
  Fonts fonts() const { return Fonts{regular_, bold_}; }

  // The frame's shapes into the slot's instance buffer (grown as needed): per panel, its
  // underlay, then its overlay. On a CPU device, what can be (host_shapes.hpp) is drawn on the
  // host into the slot's pixel buffers: the underlays' regions (again only when the underlays
  // changed), and the first shapes of a panel's overlay over its canvas (`canvases`, one per
  // panel).
  void update(uint32_t slot, std::span<const Panel> panels, std::span<const PanelDraw> draws, std::span<const HostCanvas> canvases);
  // Panel `panel`'s underlay or overlay, as update() laid it out (without what the host drew).
  void record(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, bool overlay, vk::Extent2D target,
              const vk::Rect2D& scissor) const;
  // Whether update() drew part of the panel's underlay on the host.
  bool drew_on_host(uint32_t slot, size_t panel) const { return !slots_.at(slot).regions.at(panel).empty(); }
  // What update() drew of the panel's underlay on the host, copied into `target` (in
  // eTransferDstOptimal, outside a rendering): after the underlay, before the field views.
  void record_copies(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, vk::Image target) const;
  // Whether update() drew shapes of the panel's overlay over its canvas: the canvas's copy
  // (record_canvas_copy) then stands for the copy of the view it came from.
  bool drew_over(uint32_t slot, size_t panel) const { return !slots_.at(slot).canvases.at(panel).first.empty(); }
  void record_canvas_copy(const vk::raii::CommandBuffer& cb, uint32_t slot, size_t panel, vk::Image target) const;
  // Whether update() draws on the host where it can (on a CPU device only; on by default there).
  // Off, the device draws every shape, as on a GPU: for tests and measurements.
  void set_host_shapes(bool on) { host_shapes_ = on && ctx_.is_software(); }
  // One draw with each pipeline, of one shape at the origin, using slot 0 (see Renderer).
  void record_warm_up(const vk::raii::CommandBuffer& cb, vk::Extent2D target);

 private:
  struct Slot {
    std::optional<gpu::Buffer> instances;
    vk::raii::DescriptorSet set{nullptr};
    std::vector<std::array<size_t, 4>> ranges;  // per panel: under first, under count, over first, over count
    std::vector<uint8_t> kind;                  // per instance: its pipeline (kept here, not read from mapped memory)
    std::vector<uint8_t> disc_or_square;        // per instance: a disc or a square (SHAPE_DISCS_SQUARES can draw it)
    std::vector<float> half_width;              // per instance: Shape.style.y (a line's half width)
    std::vector<shared::vec4> rect;             // per instance: Shape.rect (a marker's square, a fill's pixels)
    struct Fill {
      size_t at;  // the instance (its rectangle: rect[at])
      shared::vec4 colour;
    };
    std::vector<Fill> fills;  // the SHAPE_FILL instances, in order (for the same reason)
    // Per panel: the regions of its underlay drawn on the host, and where each one's pixels
    // start in `host_pixels`; what decided those pixels.
    std::vector<std::vector<std::pair<HostRegion, size_t>>> regions;
    std::optional<gpu::Buffer> host_pixels;
    uint64_t host_key = 0;
    // Per panel: the canvas its overlay's first shapes were drawn over (empty: none), and where
    // its pixels start in `canvas_pixels`.
    std::vector<std::pair<PixelSpan, size_t>> canvases;
    std::optional<gpu::Buffer> canvas_pixels;
  };
  void upload_atlas();
  void ensure_capacity(Slot& s, size_t count);
  // Per panel, per region: what the host drew there last frame (whichever slot it went to).
  std::vector<std::vector<HostRegionCache>> region_caches_;

  const gpu::Context& ctx_;
  Font regular_, bold_;
  gpu::Image atlas_;
  vk::raii::Sampler sampler_{nullptr};
  vk::raii::DescriptorSetLayout set_layout_{nullptr};
  vk::raii::PipelineLayout layout_{nullptr};
  std::optional<QuadPipelines> pipelines_;  // by (SHAPE_*, SHAPE_PRIM_*) (SHAPE_MARKERS for the markers, SHAPE_DISCS_SQUARES for runs of only those on a CPU device)
  bool line_primitives_ = false, point_primitives_ = false, discs_squares_ = false, host_shapes_ = false;
  vk::raii::DescriptorPool pool_{nullptr};  // (before the slots: it outlives their sets)
  std::vector<Slot> slots_;
};

// The field views (field_view.vert/.frag): a panel's field, coloured, with its decision
// boundary, and its hidden-neuron thumbnails, read from the FieldStages' buffers. A pipeline
// for each pair of: one value per pixel or a reduced field resampled with a cubic; a neuron, one
// output or softmax (FIELD_VIEW_SHADE_*). Apart, because a CPU rasterizer pays for every branch
// of a shader, taken or not: on lavapipe the cubic's 16 taps cost a full-resolution field 3x its
// frame, and the untaken neuron and softmax code 4x.
//
// On a CPU device, views whose values are in host memory at one per pixel (one output or a
// neuron) are coloured on the host instead (host_view.hpp) and copied into the target: a CPU
// rasterizer's work for each pixel a pipeline draws, even one that only fetches a colour, cost
// several times the copy.
class FieldViewPass {
 public:
  explicit FieldViewPass(const gpu::Context& ctx);
  // The layout of each PanelSlot's field-view sets (field buffer, palette).
  const vk::raii::DescriptorSetLayout& set_layout() const { return set_layout_; }
  // Colours the panel's views on the host into the slot's colour buffer, where they can be
  // (noted in `d`); again only when what decides them changed.
  void update(const Panel& p, PanelDraw& d, PanelSlot& ps, vk::Extent2D target) const;
  // The views update() coloured, copied from the slot's colour buffer into `target` (in
  // eTransferDstOptimal, outside a rendering); the field's only with `field` (else a copy with
  // shapes drawn over it stands for it: ShapePass::record_canvas_copy).
  void record_copies(const vk::raii::CommandBuffer& cb, const PanelDraw& d, const PanelSlot& ps, vk::Image target,
                     bool field = true) const;
  // The panel's other views (field and thumbnails), from what prepare_panel readied in `ps`.
  void record(const vk::raii::CommandBuffer& cb, const Panel& p, const PanelDraw& d, const PanelSlot& ps, vk::Extent2D target) const;
  // Whether update() colours views on the host (on a CPU device only; on by default there).
  // Off, the shader colours every view, as on a GPU: for tests and measurements.
  void set_host_colours(bool on) { host_colours_ = on && ctx_.is_software(); }
  // One draw with each pipeline, of an empty panel, reading a field and palette of its own.
  void record_warm_up(const gpu::Context& ctx, const vk::raii::CommandBuffer& cb, vk::Extent2D target);

 private:
  vk::raii::DescriptorSetLayout set_layout_{nullptr};
  vk::raii::PipelineLayout layout_{nullptr};
  std::optional<QuadPipelines> pipelines_;  // by resample (0/1), FIELD_VIEW_SHADE_*
  struct WarmUp {
    gpu::Buffer field, palette;
    vk::raii::BufferView view{nullptr};
    vk::raii::DescriptorPool pool{nullptr};
    vk::raii::DescriptorSet set{nullptr};
  };
  std::optional<WarmUp> warm_up_;  // (two small buffers, kept with the pass)
  const gpu::Context& ctx_;
  float tile_;                     // the largest tile a view is drawn in (pixels a side)
  bool host_colours_;
};

}  // namespace nnlive::render
