// SPDX-License-Identifier: MIT
#include "field_stage.hpp"

#include <algorithm>
#include <cstring>

namespace nnlive::render {

FieldStage::FieldStage(const gpu::Context& ctx) : ctx_(ctx), shader_(ctx) {
  if (ctx.field_engine() == gpu::Context::FieldEngine::cpu) cpu_ = std::make_unique<gpu::CpuFieldEvaluator>();
}

void FieldStage::set_network(const gpu::NetworkLayout& layout) {
  if (cpu_) cpu_->set_network(layout);
  else shader_.set_network(layout);
  last_.reset();
}

void FieldStage::set_params(std::span<const float> params) {
  if (cpu_) cpu_->set_params(params);
  else shader_.set_params(params);
  last_.reset();
}

uint32_t FieldStage::evaluate(const vk::raii::CommandBuffer& cb, const gpu::FieldRequest& req) {
  if (last_ && last_->first == req) return last_->second;
  uint32_t channels = 0;
  uploaded_ = 0;
  from_host_ = cpu_ != nullptr;
  if (cpu_) {
    channels = cpu_->channels(req);
    cpu_->evaluate_rows(req, 0, req.height, host_output(size_t(req.width) * req.height * channels));
  } else {
    channels = shader_.record(cb, req);
  }
  last_ = std::pair{req, channels};
  return channels;
}

uint32_t FieldStage::upload(const gpu::FieldResult& values, uint64_t version) {
  if (version != uploaded_ || !host_) {
    std::memcpy(host_output(values.values.size()), values.values.data(), values.values.size() * sizeof(float));
    uploaded_ = version;
  }
  from_host_ = true;
  last_.reset();
  return values.channels;
}

float* FieldStage::host_output(size_t floats) {
  const vk::DeviceSize bytes = std::max<vk::DeviceSize>(floats * sizeof(float), 16);
  if (!host_ || host_->size() < bytes) {
    host_.emplace(ctx_, bytes, vk::BufferUsageFlagBits::eStorageBuffer, gpu::MemoryUse::upload, "field values from the host");
    host_version_ = ++host_versions_;
  }
  return static_cast<float*>(host_->mapped());
}

}  // namespace nnlive::render
