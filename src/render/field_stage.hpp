// SPDX-License-Identifier: MIT
// FieldEngines: the field engines one panel keeps per frame slot, with one copy of the network:
// field.comp/field_tiled.comp through a FieldEvaluator with an output per stage, or the CPU
// field engine. Its weights are uploaded once per change, whatever reads them.
//
// FieldStage: one field a panel draws (the field or the thumbnails), evaluated by the shader
// into its own output of the shared evaluator, or by the CPU engine into a host-visible buffer
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

class FieldEngines {
 public:
  FieldEngines(const gpu::Context& ctx, uint32_t stages);

  // Either change makes every stage forget what its output holds.
  void set_network(const gpu::NetworkLayout& layout);
  void set_params(std::span<const float> params);
  uint64_t generation() const { return generation_; }  // counts those changes

  gpu::FieldEvaluator shader;
  std::unique_ptr<gpu::CpuFieldEvaluator> cpu;  // when the context chose the CPU engine

 private:
  uint64_t generation_ = 0;
};

class FieldStage {
 public:
  // `output`: this stage's output of the engines' evaluator.
  FieldStage(const gpu::Context& ctx, FieldEngines& engines, uint32_t output);

  // Records (shader) or computes (CPU) an evaluation unless the output already holds it;
  // returns the channels per pixel.
  uint32_t evaluate(const vk::raii::CommandBuffer& cb, const gpu::FieldRequest& req);
  // Values computed elsewhere, copied into the output unless `version` is already there.
  uint32_t upload(const gpu::FieldResult& values, uint64_t version);

  // The buffer the field view reads, and a number that changes whenever it is another buffer.
  vk::Buffer buffer() const { return from_host_ ? host_->handle() : engines_.shader.output_buffer(output_); }
  uint64_t version() const { return from_host_ ? host_version_ : engines_.shader.output_version(output_); }
  vk::DeviceSize bytes() const { return from_host_ ? host_->size() : engines_.shader.output_bytes(output_); }
  // The values in host memory (the CPU engine's or uploaded ones), or null when a field kernel
  // wrote them on the device.
  const float* host_values() const { return from_host_ ? static_cast<const float*>(host_->mapped()) : nullptr; }
  // Changes whenever what the output holds may have changed (an evaluation or an upload).
  uint64_t serial() const { return serial_; }

 private:
  float* host_output(size_t floats);

  const gpu::Context& ctx_;
  FieldEngines& engines_;
  uint32_t output_ = 0;
  std::optional<gpu::Buffer> host_;  // the CPU engine's output, or uploaded values
  // Versions of host buffers count on from 2^32, so they never equal a shader output's.
  static inline std::atomic<uint64_t> host_versions_{uint64_t(1) << 32};
  uint64_t host_version_ = 0;
  // The evaluation the output holds, and the engines' generation it was made from.
  std::optional<std::pair<gpu::FieldRequest, uint32_t>> last_;
  uint64_t last_generation_ = 0;
  uint64_t uploaded_ = 0;   // or the version of the values uploaded
  bool from_host_ = false;  // the output is the host buffer
  uint64_t serial_ = 0;
};

}  // namespace nnlive::render
