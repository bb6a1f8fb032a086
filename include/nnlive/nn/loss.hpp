// SPDX-License-Identifier: MIT
// Losses and the output function each implies: binary cross-entropy and squared error on one
// sigmoid output, categorical cross-entropy on K softmax outputs. Labels are class indices.
#pragma once
#include <cstdint>
#include <optional>
#include <string_view>

#include "nnlive/nn/activation.hpp"
#include "nnlive/nn/mlp.hpp"

namespace nnlive::nn {

enum class Loss : uint32_t { bce = 0, mse = 1, softmax_ce = 2 };

std::string_view to_string(Loss l);                   // "bce", "mse", "softmax"
std::optional<Loss> parse_loss(std::string_view name);  // also "cross_entropy", "squared", "softmax_ce"
Activation output_activation(Loss l);                 // sigmoid, sigmoid, softmax

// Mean loss over the trace's n samples. If dL_dz is not null it receives (n, outputs): the
// gradient of that mean w.r.t. the output layer's pre-activations. confidence >= 0 is the
// confidence penalty: the gradient is that of loss + confidence * H, H the entropy of each
// sample's output distribution (binary for one sigmoid output), which pushes predictions towards
// 0 or 1. The value returned is the plain loss either way (what the curves show).
double evaluate_loss(Loss loss, const Trace& t, const int* labels, float* dL_dz, double confidence = 0.0);

// Mean entropy (nats) of the trace's output distributions: what the confidence penalty weighs.
double output_entropy(Loss loss, const Trace& t);

// The predicted class of one sample from its output activations (k outputs).
int predicted_class(const float* out, int k);

}  // namespace nnlive::nn
