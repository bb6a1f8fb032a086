// SPDX-License-Identifier: MIT
#include "field_stage.hpp"

#include <algorithm>
#include <cstring>

namespace nnlive::render {

FieldEngines::FieldEngines(const gpu::Context& ctx, uint32_t stages) : shader(ctx, {.outputs = stages}) {
  if (ctx.field_engine() == gpu::Context::FieldEngine::cpu) cpu = std::make_unique<gpu::CpuFieldEvaluator>();
}

void FieldEngines::set_network(const gpu::NetworkLayout& layout) {
  if (cpu) cpu->set_network(layout);
  else shader.set_network(layout);
  ++generation_;
}

void FieldEngines::set_params(std::span<const float> params) {
  if (cpu) cpu->set_params(params);
  else shader.set_params(params);
  ++generation_;
}

FieldStage::FieldStage(const gpu::Context& ctx, FieldEngines& engines, uint32_t output)
    : ctx_(ctx), engines_(engines), output_(output) {}

uint32_t FieldStage::evaluate(const vk::raii::CommandBuffer& cb, const gpu::FieldRequest& req) {
  if (last_ && last_->first == req && last_generation_ == engines_.generation()) return last_->second;
  uint32_t channels = 0;
  ++serial_;
  uploaded_ = 0;
  from_host_ = engines_.cpu != nullptr;
  if (engines_.cpu) {
    channels = engines_.cpu->channels(req);
    engines_.cpu->evaluate_rows(req, 0, req.height, host_output(size_t(req.width) * req.height * channels));
  } else {
    channels = engines_.shader.record(cb, req, output_);
  }
  last_ = std::pair{req, channels};
  last_generation_ = engines_.generation();
  return channels;
}

uint32_t FieldStage::upload(const gpu::FieldResult& values, uint64_t version) {
  if (version != uploaded_ || !host_) {
    const size_t floats = values.values.size();  // (once: the buffer and the copy agree on it)
    std::memcpy(host_output(floats), values.values.data(), floats * sizeof(float));
    uploaded_ = version;
    ++serial_;
  }
  from_host_ = true;
  last_.reset();
  return values.channels;
}

float* FieldStage::host_output(size_t floats) {
  const vk::DeviceSize bytes = std::max<vk::DeviceSize>(floats * sizeof(float), 16);
  if (!host_ || host_->size() < bytes) {
    host_.emplace(ctx_, bytes, vk::BufferUsageFlagBits::eStorageBuffer | vk::BufferUsageFlagBits::eUniformTexelBuffer, gpu::MemoryUse::upload,
                  "field values from the host");
    host_version_ = ++host_versions_;
  }
  return static_cast<float*>(host_->mapped());
}

}  // namespace nnlive::render
