// SPDX-License-Identifier: MIT
// The computation of one training step for one sample, number by number, for the live window's
// step-through view: the forward pass (each neuron's pre-activation z and activation a, and the
// terms w*a that make z), the sample's loss, the backward deltas dL/dz, the sample's own
// gradient of every parameter, and next to it the batch gradient and the update that the step
// actually applied.
//
// Contract: `before` holds the parameters the step started from (a snapshot's params minus its
// last_update), so the batch gradient and the update in the snapshot belong to this very
// computation. Everything is the same arithmetic as Mlp::forward/backward and evaluate_loss.
#pragma once
#include <vector>

#include "nnlive/nn/loss.hpp"
#include "nnlive/nn/snapshot.hpp"

namespace nnlive::nn {

struct LayerExplanation {
  std::vector<float> z;      // (out) pre-activation
  std::vector<float> a;      // (out) activation
  std::vector<float> delta;  // (out) dL/dz for this sample
};

struct StepExplanation {
  std::vector<float> input;               // the sample's (feature-mapped) network inputs
  int label = 0;
  std::vector<LayerExplanation> layers;   // one per layer, output last
  double loss = 0.0;                      // this sample's loss (no regularization)
  std::vector<float> params_before;       // (param_count)
  std::vector<float> sample_grad;         // (param_count) dL/dparam for this sample alone
  // From the snapshot: the step's batch gradient (regularization included) and its update.
  std::vector<float> batch_grad, update;
};

// The step that produced `snap`, explained for one sample. Throws std::invalid_argument if the
// input's size does not match the network or the label is out of range.
// confidence: the run's confidence penalty (in the deltas and gradients, as in the trainer).
StepExplanation explain_step(const Snapshot& snap, Loss loss, const std::vector<float>& input, int label, double confidence = 0.0);

// A path input -> hidden neuron -> output of a network with one hidden layer, and its strength:
// the product of the path's two weights (how strongly, and with what sign, the input drives the
// output through that neuron, before the activations bend it).
struct PathStrength {
  int input = 0, hidden = 0, output = 0;
  float strength = 0.0f;
};

// Every path of a network with exactly one hidden layer, input-major then hidden then output;
// empty for any other depth (paths multiply too fast to list beyond one hidden layer).
std::vector<PathStrength> path_strengths(const std::vector<LayerShape>& layers, const std::vector<float>& params);

// Indices of the k entries of `values` with the largest magnitude, largest first.
std::vector<int> largest(const std::vector<float>& values, int k);

}  // namespace nnlive::nn
