// SPDX-License-Identifier: MIT
// Buffer allocation with a dedicated memory block per buffer (nnlive has few, long-lived ones).
#include "nnlive/gpu/buffer.hpp"

namespace nnlive::gpu {

Buffer::Buffer(const Context& ctx, vk::DeviceSize size, vk::BufferUsageFlags usage, MemoryUse use, const char* name)
    : size_(size) {
  using P = vk::MemoryPropertyFlagBits;
  buffer_ = vk::raii::Buffer(ctx.device(), vk::BufferCreateInfo{{}, size, usage, vk::SharingMode::eExclusive});
  const auto req = buffer_.getMemoryRequirements();
  vk::MemoryPropertyFlags required, preferred;
  switch (use) {
    case MemoryUse::device: required = P::eDeviceLocal; break;
    case MemoryUse::upload: required = P::eHostVisible | P::eHostCoherent; preferred = P::eDeviceLocal; break;
    case MemoryUse::readback: required = P::eHostVisible | P::eHostCoherent; preferred = P::eHostCached; break;
  }
  const uint32_t type = ctx.find_memory_type(req.memoryTypeBits, required, preferred);
  memory_ = vk::raii::DeviceMemory(ctx.device(), vk::MemoryAllocateInfo{req.size, type});
  buffer_.bindMemory(*memory_, 0);
  if (use != MemoryUse::device) mapped_ = memory_.mapMemory(0, VK_WHOLE_SIZE);
  ctx.set_name(*buffer_, name);
  ctx.set_name(*memory_, name);
}

}  // namespace nnlive::gpu
