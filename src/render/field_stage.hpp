// SPDX-License-Identifier: MIT
// FieldStage: one field a panel draws (the field or the thumbnails), evaluated by field.comp
// into its evaluator's output buffer, or by the CPU field engine into a host-visible buffer
// that the field view reads the same way; or values computed elsewhere (the live window's
// progressive field), uploaded into that buffer. Remembers what its output holds, so a paused
// run or a still view is not evaluated or uploaded again.
#pragma once
#include <atomic>
#include <memory>
#include <optional>
#include <span>
#include <utility>

#include "nnlive/gpu/buffer.hpp"
#include "nnlive/gpu/cpu_field.hpp"
#include "nnlive/gpu/field_evaluator.hpp"

namespace nnlive::render {

class FieldStage {
 public:
  explicit FieldStage(const gpu::Context& ctx);

  // Either change forgets what the output holds.
  void set_network(const gpu::NetworkLayout& layout);
  void set_params(std::span<const float> params);
  // Records (shader) or computes (CPU) an evaluation unless the output already holds it;
  // returns the channels per pixel.
  uint32_t evaluate(const vk::raii::CommandBuffer& cb, const gpu::FieldRequest& req);
  // Values computed elsewhere, copied into the output unless `version` is already there.
  uint32_t upload(const gpu::FieldResult& values, uint64_t version);

  // The buffer the field view reads, and a number that changes whenever it is another buffer.
  vk::Buffer buffer() const { return from_host_ ? host_->handle() : shader_.output_buffer(); }
  uint64_t version() const { return from_host_ ? host_version_ : shader_.output_version(); }

 private:
  float* host_output(size_t floats);

  const gpu::Context& ctx_;
  gpu::FieldEvaluator shader_;
  std::unique_ptr<gpu::CpuFieldEvaluator> cpu_;
  std::optional<gpu::Buffer> host_;  // the CPU engine's output, or uploaded values
  // Versions of host buffers count on from 2^32, so they never equal a shader output's.
  static inline std::atomic<uint64_t> host_versions_{uint64_t(1) << 32};
  uint64_t host_version_ = 0;
  std::optional<std::pair<gpu::FieldRequest, uint32_t>> last_;  // the evaluation the output holds
  uint64_t uploaded_ = 0;                                        // or the version of the values uploaded
  bool from_host_ = false;                                       // the output is the host buffer
};

}  // namespace nnlive::render
