// SPDX-License-Identifier: MIT
// Buffer: one VkBuffer with its own memory allocation, persistently mapped when host-visible.
#pragma once
#include <vulkan/vulkan_raii.hpp>

#include "nnlive/gpu/context.hpp"

namespace nnlive::gpu {

enum class MemoryUse {
  device,    // GPU-only (device-local); not mapped
  upload,    // written by the CPU every frame, read by the GPU; host-visible, coherent, mapped
  readback,  // written by the GPU, read by the CPU; host-visible, coherent, cached if possible, mapped
};

class Buffer {
 public:
  Buffer(const Context& ctx, vk::DeviceSize size, vk::BufferUsageFlags usage, MemoryUse use, const char* name);
  Buffer(Buffer&&) noexcept = default;
  Buffer& operator=(Buffer&&) noexcept = default;

  vk::Buffer handle() const { return *buffer_; }
  vk::DeviceSize size() const { return size_; }
  void* mapped() const { return mapped_; }  // null for MemoryUse::device

 private:
  vk::raii::Buffer buffer_{nullptr};
  vk::raii::DeviceMemory memory_{nullptr};
  vk::DeviceSize size_ = 0;
  void* mapped_ = nullptr;
};

}  // namespace nnlive::gpu
