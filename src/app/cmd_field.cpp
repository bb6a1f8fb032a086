// SPDX-License-Identifier: MIT
// `nnlive field`: evaluate a weights file on the GPU at every pixel and write .npy (or PNG).
#include <iostream>
#include <tuple>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "field_support.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/core/weights_io.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive::app {
namespace {

bool ends_with(const std::string& s, const std::string& suffix) {
  return s.size() >= suffix.size() && s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

}  // namespace

std::function<int()> add_field_command(CLI::App& app) {
  auto* sub = app.add_subcommand("field", "Evaluate a weights file on the GPU at every pixel of a grid");
  struct State {
    std::string weights, size, view, out, neuron;
  };
  auto s = std::make_shared<State>();
  sub->add_option("--weights", s->weights, "weights file (JSON, nnlive.mlp/1)")->required();
  sub->add_option("--size", s->size, "grid size WIDTHxHEIGHT, such as 512x512 (at most 16384 a side)")->required();
  auto* view = sub->add_option("--view", s->view, "x0,y0,x1,y1 in data units (default: the file's view)");
  sub->add_option("--out", s->out, "output .npy (float32, (H, W) or (H, W, K)) or .png (coloured)")->required();
  auto* neuron = sub->add_option("--neuron", s->neuron, "LAYER:INDEX (from 1): one hidden neuron's field instead of the output");
  sub->footer("Pixel (row r, column c) is evaluated at x = x0 + (c+0.5)(x1-x0)/W, y = y1 - (r+0.5)(y1-y0)/H; row 0 is the top.");
  return [s, sub, view, neuron]() {
    if (!sub->parsed()) return -1;
    const bool png = ends_with(s->out, ".png");
    if (!png && !ends_with(s->out, ".npy"))
      throw core::UserError(core::ExitCode::usage, "--out must end in .npy or .png; got '" + s->out + "'");
    const auto [w, h] = parse_size(s->size, "--size", 16384);
    if (png && uint64_t(w) * h > 16384ull * 16384ull / 4)
      throw core::UserError(core::ExitCode::usage, "PNG output takes at most 67 million pixels");
    core::check_writable(s->out);
    core::LoadedNetwork net = core::load_weights(s->weights);
    const nn::View v = view->count() ? parse_view(s->view) : net.view;
    gpu::FieldRequest req{w, h, {float(v[0]), float(v[1]), float(v[2]), float(v[3])}};
    if (neuron->count()) std::tie(req.neuron_layer, req.neuron) = parse_neuron(s->neuron, net.mlp);
    gpu::Context ctx;
    gpu::FieldEvaluator eval(ctx);
    eval.set_network(to_layout(net.mlp, net.input_map));
    eval.set_params(net.mlp.params());
    const gpu::FieldResult field = eval.evaluate(req);
    check_gpu_clean();
    if (png) {
      const auto rgb = colour_field(field);
      core::write_png(s->out, int(w), int(h), 3, rgb.data());
    } else if (field.channels == 1) {
      core::write_npy(s->out, {h, w}, field.values.data());
    } else {
      core::write_npy(s->out, {h, w, field.channels}, field.values.data());
    }
    std::cerr << "nnlive: " << w << "x" << h << " field written to " << s->out << "\n";
    return 0;
  };
}

}  // namespace nnlive::app
