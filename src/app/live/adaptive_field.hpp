// SPDX-License-Identifier: MIT
// Adaptive evaluation of a full-resolution field with the CPU field engine: the field at the
// corners and centres of blocks of k_adaptive_block pixels, then every pixel exactly only in the
// blocks where it bends (the centre is off the corners' bilinear value), changes class, or comes
// within a few pixels of the decision boundary; elsewhere the corners' bilinear interpolation.
// The picture drawn from it equals the fully evaluated one within 1/255 per channel (tested on
// every preset and on random wide networks), for a fraction of the evaluations where the field
// is calm (most of a trained network's field).
//
// Output fields only (probabilities, one or several classes); a neuron's field or all hidden
// neurons are evaluated in full by the caller.
#pragma once
#include <cstdint>
#include <functional>

#include "nnlive/gpu/cpu_field.hpp"

namespace nnlive::app::live {

constexpr uint32_t k_adaptive_block = 8;

struct AdaptiveCount {
  uint64_t evaluated = 0;  // pixels (and block samples) the network was evaluated at
  uint64_t pixels = 0;     // pixels of the fields filled
};

// Whether a request can be evaluated adaptively (an output field).
bool adaptive_applies(const gpu::FieldRequest& request);

// Fills out (request.height x request.width x channels) for the engine's network and
// parameters. stop is asked between pieces of work; once it returns true the call returns false
// with out partly written. Adds what it did to count.
bool evaluate_adaptive(gpu::CpuFieldEvaluator& engine, const gpu::FieldRequest& request, float* out,
                       const std::function<bool()>& stop, AdaptiveCount& count);

}  // namespace nnlive::app::live
