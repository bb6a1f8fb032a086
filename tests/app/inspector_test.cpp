// SPDX-License-Identifier: MIT
// The inspector without a window: picking on a diagram laid out by hand, and what clicks and
// the run's changes do to what it shows in the picture.
#include <gtest/gtest.h>

#include <chrono>
#include <thread>

#include "live/inspector.hpp"
#include "nnlive/core/config_io.hpp"
#include "live/live_trainer.hpp"

namespace nnlive::app::live {
namespace {

// A diagram for `state`'s network: column c at x = 100 + 200 c, node j at y = 100 + 60 j.
render::NetworkNodes diagram_of(const LiveState& state) {
  render::NetworkNodes net;
  net.radius = 10.0f;
  const auto& layers = state.snapshot.layers;
  net.centres.resize(layers.size() + 1);
  for (size_t c = 0; c <= layers.size(); ++c) {
    const int n = c == 0 ? layers.front().in : layers[c - 1].out;
    for (int j = 0; j < n; ++j) net.centres[c].push_back({100.0f + 200.0f * float(c), 100.0f + 60.0f * float(j)});
  }
  return net;
}

// XOR's data with a 2-4-3-1 network.
core::ExperimentConfig two_layers() {
  core::ExperimentConfig c = core::load_preset("xor");
  c.hidden = {4, 3};
  c.activations = {nn::Activation::tanh, nn::Activation::tanh};
  return c;
}

std::shared_ptr<const LiveState> wait_for_generation(const LiveTrainer& t, uint64_t after) {
  for (int i = 0; i < 2000; ++i) {
    auto s = t.latest();
    if (s->generation != after) return s;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return nullptr;
}

TEST(Inspector, PicksNodesAndEdgesOfTheNetworkShown) {
  LiveTrainer trainer(two_layers(), false);
  const auto state = trainer.latest();
  ASSERT_EQ(state->snapshot.layers.size(), 3u);
  const auto net = diagram_of(*state);
  // A node: within its radius (and a little more).
  Inspector::Hit h = Inspector::hit(net, {305.0f, 163.0f}, 1.0f, *state);
  EXPECT_EQ(h.column, 1);
  EXPECT_EQ(h.node, 1);
  EXPECT_LT(h.layer, 0);
  // An edge: the segment from input 0 (100, 100) to hidden neuron 1 (300, 160), a quarter along.
  h = Inspector::hit(net, {150.0f, 116.0f}, 1.0f, *state);
  EXPECT_LT(h.column, 0);
  EXPECT_EQ(h.layer, 0);
  EXPECT_EQ(h.from, 0);
  EXPECT_EQ(h.to, 1);
  // Nothing: far from every node and edge, or left of the diagram.
  h = Inspector::hit(net, {200.0f, 2000.0f}, 1.0f, *state);
  EXPECT_TRUE(h.column < 0 && h.layer < 0);
  h = Inspector::hit(net, {20.0f, 100.0f}, 1.0f, *state);
  EXPECT_TRUE(h.column < 0 && h.layer < 0);
  // A diagram of another network (the frame before a restart): nothing is hit.
  render::NetworkNodes other = net;
  other.centres[1].pop_back();
  h = Inspector::hit(other, {305.0f, 163.0f}, 1.0f, *state);
  EXPECT_TRUE(h.column < 0 && h.layer < 0);
  EXPECT_LT(Inspector::hit(render::NetworkNodes{}, {305.0f, 163.0f}, 1.0f, *state).column, 0);
}

TEST(Inspector, ClicksPinAndUnpinNeuronsAndChooseEdgesForThePicture) {
  LiveTrainer trainer(two_layers(), false);
  const auto state = trainer.latest();
  Inspector in;
  render::RenderOptions o;
  in.decorate(o, true);
  EXPECT_LT(o.neuron_layer, 0);
  EXPECT_LT(o.edge_layer, 0);
  Inspector::Hit neuron;
  neuron.column = 1, neuron.node = 2;
  in.click(neuron, *state, trainer);
  ASSERT_TRUE(in.pinned());
  EXPECT_EQ(*in.pinned(), (std::pair{0, 2}));
  in.decorate(o, true);
  EXPECT_EQ(o.neuron_layer, 0);
  EXPECT_EQ(o.neuron, 2);
  in.click(neuron, *state, trainer);  // the same neuron again: unpinned
  EXPECT_FALSE(in.pinned());
  in.click(neuron, *state, trainer);
  Inspector::Hit output;
  output.column = int(state->snapshot.layers.size()), output.node = 0;
  in.click(output, *state, trainer);  // the output: back to the network's output
  EXPECT_FALSE(in.pinned());

  Inspector::Hit edge;
  edge.layer = 1, edge.from = 2, edge.to = 0;
  in.click(edge, *state, trainer);
  o = render::RenderOptions{};
  in.decorate(o, true);
  EXPECT_EQ(o.edge_layer, 1);
  EXPECT_EQ(o.edge_from, 2);
  EXPECT_EQ(o.edge_to, 0);
  in.click(Inspector::Hit{}, *state, trainer);  // a click on nothing closes the edge
  o = render::RenderOptions{};
  in.decorate(o, true);
  EXPECT_LT(o.edge_layer, 0);

  // The probe's marks show only with the step-through view open, and only where asked.
  in.show_computation(true);
  in.decorate(o, true);
  EXPECT_TRUE(o.mark_probe);
  in.decorate(o, false);
  EXPECT_FALSE(o.mark_probe);
}

TEST(Inspector, ARestartDropsTheEdgeAndANeuronTheNewNetworkLacks) {
  core::ExperimentConfig c = two_layers();
  LiveTrainer trainer(c, false);
  const auto state = trainer.latest();
  Inspector in;
  in.track(*state);
  Inspector::Hit edge;
  edge.layer = 0, edge.from = 0, edge.to = 0;
  in.click(edge, *state, trainer);
  const int last = state->snapshot.layers[0].out - 1;
  Inspector::Hit neuron;
  neuron.column = 1, neuron.node = last;
  in.click(neuron, *state, trainer);
  in.track(*state);
  render::RenderOptions o;
  in.decorate(o, true);
  EXPECT_EQ(o.edge_layer, 0);
  EXPECT_EQ(o.neuron, last);

  // The same run restarted with a narrower first layer.
  c.hidden[0] = 1;
  trainer.restart(core::build_run(c));
  const auto next = wait_for_generation(trainer, state->generation);
  ASSERT_TRUE(next);
  in.track(*next);
  o = render::RenderOptions{};
  in.decorate(o, true);
  EXPECT_LT(o.edge_layer, 0);  // the edge belonged to the run before
  if (last > 0) {
    EXPECT_FALSE(in.pinned());  // neuron `last` is gone
    EXPECT_LT(o.neuron_layer, 0);
  }
}

}  // namespace
}  // namespace nnlive::app::live
