// SPDX-License-Identifier: MIT
// CpuFieldEvaluator: the field engine's CPU path. The same network description, request and
// result as FieldEvaluator (field.comp), evaluated as one matrix product per layer over blocks
// of 256 pixels held feature-major: on a processor with AVX-512 by nnlive's own kernel (a pixel
// per register lane, cpu_dense.hpp), elsewhere by OpenBLAS sgemm (its kernels picked at run
// time for the CPU); activations vectorized, blocks spread over all cores. Used where the only
// Vulkan device is itself a CPU (lavapipe), where a compute shader is the wrong tool: the
// renderer copies this path's values into the same field buffer the shader would have written.
//
// Contract: set_network() when the architecture changes, set_params() whenever weights change,
// then evaluate() or evaluate_rows(). Not for use from two threads at once (one evaluator per
// thread); a call spreads its own work over the evaluator's threads and returns when done.
// Results do not depend on the thread count (every block is computed the same way).
#pragma once
#include <cstdint>
#include <functional>
#include <memory>
#include <span>

#include "nnlive/gpu/field_evaluator.hpp"

namespace nnlive::gpu {

class CpuFieldEvaluator {
 public:
  // best: the own kernel where the processor has AVX-512, else OpenBLAS; blas: OpenBLAS always
  // (what a processor without AVX-512 runs; the tests check both on any machine).
  enum class Kernel { best, blas };
  // threads: 0 for one per core.
  explicit CpuFieldEvaluator(unsigned threads = 0, Kernel kernel = Kernel::best);
  ~CpuFieldEvaluator();
  CpuFieldEvaluator(const CpuFieldEvaluator&) = delete;
  CpuFieldEvaluator& operator=(const CpuFieldEvaluator&) = delete;

  // Same checks and messages (GpuError) as FieldEvaluator.
  void set_network(const NetworkLayout& layout);
  void set_params(std::span<const float> params);
  // Values per pixel for this request (checks it: GpuError for a neuron the network lacks).
  uint32_t channels(const FieldRequest& request) const;
  FieldResult evaluate(const FieldRequest& request);
  // Rows [row0, row1) of the request's grid into out ((row1 - row0) x width x channels floats).
  // stop, if given, is asked between blocks of pixels; once it returns true the call returns
  // false with out partly written.
  bool evaluate_rows(const FieldRequest& request, uint32_t row0, uint32_t row1, float* out,
                     const std::function<bool()>& stop = {});
  // The same for columns [col0, col1) of those rows ((row1 - row0) x (col1 - col0) x channels
  // floats): bit for bit the values the whole request has there.
  bool evaluate_region(const FieldRequest& request, uint32_t col0, uint32_t col1, uint32_t row0, uint32_t row1, float* out,
                       const std::function<bool()>& stop = {});
  unsigned threads() const;
  bool uses_own_kernel() const;  // dense_feature_major rather than OpenBLAS

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

}  // namespace nnlive::gpu
