// SPDX-License-Identifier: MIT
// Image: one 2-D VkImage with its memory and a full view, device-local. Used for the offscreen
// scene target (colour attachment, copied out for PNG and video) and for sampled textures.
#pragma once
#include <span>

#include <vulkan/vulkan_raii.hpp>

#include "nnlive/gpu/context.hpp"

namespace nnlive::gpu {

class Image {
 public:
  Image(const Context& ctx, uint32_t width, uint32_t height, vk::Format format, vk::ImageUsageFlags usage,
        const char* name, uint32_t mip_levels = 1);
  Image(Image&&) noexcept = default;
  Image& operator=(Image&&) noexcept = default;

  vk::Image handle() const { return *image_; }
  vk::ImageView view() const { return *view_; }
  vk::Format format() const { return format_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t mip_levels() const { return mip_levels_; }

 private:
  vk::raii::Image image_{nullptr};
  vk::raii::DeviceMemory memory_{nullptr};
  vk::raii::ImageView view_{nullptr};
  vk::Format format_ = vk::Format::eUndefined;
  uint32_t width_ = 0, height_ = 0, mip_levels_ = 1;
};

// Records a layout transition of the whole colour image (every mip level) with a
// synchronization2 barrier.
void transition(const vk::raii::CommandBuffer& cb, vk::Image image, vk::ImageLayout from, vk::ImageLayout to,
                vk::PipelineStageFlags2 src_stage, vk::AccessFlags2 src_access, vk::PipelineStageFlags2 dst_stage,
                vk::AccessFlags2 dst_access);

// A shader module from embedded SPIR-V, named for validation messages.
vk::raii::ShaderModule make_shader(const Context& ctx, std::span<const uint32_t> spirv, const char* name);

}  // namespace nnlive::gpu
