// SPDX-License-Identifier: MIT
// Composition: where everything goes in a frame and what it looks like, as data for the
// renderer: the field panel, hidden-neuron thumbnails and every 2-D shape. CPU only; the
// renderer turns it into GPU work. Sizes are designed at 1920x1080 and scaled with the frame.
#pragma once
#include <array>
#include <span>
#include <vector>

#include "nnlive/nn/features.hpp"
#include "nnlive/render/font.hpp"
#include "nnlive/render/scene.hpp"
#include "nnlive/render/shape_batch.hpp"

namespace nnlive::render {

struct FieldPanel {
  Rect rect;                  // whole pixels; one field evaluation per pixel
  nn::View view{};            // the scene's view expanded to the panel's aspect ratio

  // Where data point (x, y) lands in the frame, in pixels.
  Vec2 pixel(float x, float y) const {
    return {rect.x0 + (x - float(view[0])) * (rect.width() / float(view[2] - view[0])),
            rect.y0 + (float(view[3]) - y) * (rect.height() / float(view[3] - view[1]))};
  }
};

struct Thumbnail {
  Rect rect;                  // whole pixels, thumbnail_size square
  uint32_t channel = 0;       // hidden neuron index across all hidden layers
};

// Where the diagram put its nodes (for pointing at neurons and edges): centres[c][j] is node j
// of column c (column 0 the inputs, then one per layer); empty without a diagram.
struct NetworkNodes {
  std::vector<std::vector<Vec2>> centres;
  float radius = 0.0f;  // a node's radius, or half a thumbnail's side
};

struct Composition {
  FieldPanel field;
  NetworkNodes network;
  std::vector<Thumbnail> thumbnails;  // empty when the network is too big for them
  uint32_t thumbnail_size = 0;        // pixels a side
  nn::View thumbnail_view{};
  ShapeBatch underlay;                // drawn before the field and thumbnails (panels, edges, pulses, the charts' lines)
  ShapeBatch shapes;                  // drawn over the field and thumbnails
  Rgba background{};
};

struct Fonts {
  const Font& regular;
  const Font& bold;
};

Composition compose(const Scene& scene, const RenderOptions& options, uint32_t width, uint32_t height, const Fonts& fonts);

// The range a loss chart over these histories shows: epochs 0 to the last (at least 10); whole
// decades of log10 loss (log) or 0 to 1.05 times the largest loss (linear), around every finite
// positive loss.
struct LossRange {
  double last_epoch, y0, y1;
};
LossRange loss_range(std::span<const std::vector<nn::Metrics>* const> histories, bool log);

// The scene's view grown (never shrunk) so data units are square in a w x h panel.
nn::View fit_view(const nn::View& view, float w, float h);

}  // namespace nnlive::render
