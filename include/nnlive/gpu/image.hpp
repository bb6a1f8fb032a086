// SPDX-License-Identifier: MIT
// Image: one 2-D VkImage with its memory and a full view, device-local (or host-readable, see
// ImageMemory). Used for the offscreen scene target (colour attachment, copied out for PNG and
// video) and for sampled textures.
#pragma once
#include <span>

#include <vulkan/vulkan_raii.hpp>

#include "nnlive/gpu/context.hpp"

namespace nnlive::gpu {

// Where an image lives: device-local (optimal tiling), or linear in host-visible, coherent
// memory that stays mapped, so the host reads its pixels where they are (a CPU device, whose
// memory is the host's: no copy to a readback buffer).
enum class ImageMemory { device, host_readable };

// Whether the device can make a host-readable (linear) image of this format, usage and size.
bool host_readable_supported(const Context& ctx, vk::Format format, vk::ImageUsageFlags usage, uint32_t width, uint32_t height);

class Image {
 public:
  Image(const Context& ctx, uint32_t width, uint32_t height, vk::Format format, vk::ImageUsageFlags usage,
        const char* name, uint32_t mip_levels = 1, ImageMemory memory = ImageMemory::device);
  Image(Image&&) noexcept = default;
  Image& operator=(Image&&) noexcept = default;

  vk::Image handle() const { return *image_; }
  vk::ImageView view() const { return *view_; }
  vk::Format format() const { return format_; }
  uint32_t width() const { return width_; }
  uint32_t height() const { return height_; }
  uint32_t mip_levels() const { return mip_levels_; }
  // A host-readable image's first level: its bytes (row 0 first) and the bytes from one row to
  // the next; null and 0 for a device image.
  const uint8_t* mapped() const { return mapped_; }
  vk::DeviceSize row_pitch() const { return row_pitch_; }

 private:
  vk::raii::Image image_{nullptr};
  vk::raii::DeviceMemory memory_{nullptr};
  vk::raii::ImageView view_{nullptr};
  vk::Format format_ = vk::Format::eUndefined;
  uint32_t width_ = 0, height_ = 0, mip_levels_ = 1;
  const uint8_t* mapped_ = nullptr;
  vk::DeviceSize row_pitch_ = 0;
};

// Records a layout transition of the whole colour image (every mip level) with a
// synchronization2 barrier.
void transition(const vk::raii::CommandBuffer& cb, vk::Image image, vk::ImageLayout from, vk::ImageLayout to,
                vk::PipelineStageFlags2 src_stage, vk::AccessFlags2 src_access, vk::PipelineStageFlags2 dst_stage,
                vk::AccessFlags2 dst_access);

// A shader module from embedded SPIR-V, named for validation messages.
vk::raii::ShaderModule make_shader(const Context& ctx, std::span<const uint32_t> spirv, const char* name);

}  // namespace nnlive::gpu
