// SPDX-License-Identifier: MIT
// Images, layout transitions and shader modules.
#include "nnlive/gpu/image.hpp"

namespace nnlive::gpu {

bool host_readable_supported(const Context& ctx, vk::Format format, vk::ImageUsageFlags usage, uint32_t width, uint32_t height) {
  try {
    const vk::ImageFormatProperties p =
        ctx.physical_device().getImageFormatProperties(format, vk::ImageType::e2D, vk::ImageTiling::eLinear, usage, {});
    return p.maxExtent.width >= width && p.maxExtent.height >= height;
  } catch (const vk::SystemError&) {  // (eErrorFormatNotSupported: not as a linear image)
    return false;
  }
}

Image::Image(const Context& ctx, uint32_t width, uint32_t height, vk::Format format, vk::ImageUsageFlags usage,
             const char* name, uint32_t mip_levels, ImageMemory memory)
    : format_(format), width_(width), height_(height), mip_levels_(mip_levels) {
  const bool host = memory == ImageMemory::host_readable;
  if (host && mip_levels != 1) throw GpuError("a host-readable image has one level");
  const vk::ImageCreateInfo info{{}, vk::ImageType::e2D, format, vk::Extent3D{width, height, 1}, mip_levels, 1,
                                 vk::SampleCountFlagBits::e1, host ? vk::ImageTiling::eLinear : vk::ImageTiling::eOptimal, usage,
                                 vk::SharingMode::eExclusive, {}, vk::ImageLayout::eUndefined};
  image_ = vk::raii::Image(ctx.device(), info);
  const auto req = image_.getMemoryRequirements();
  const vk::MemoryPropertyFlags props = host ? vk::MemoryPropertyFlagBits::eHostVisible | vk::MemoryPropertyFlagBits::eHostCoherent
                                             : vk::MemoryPropertyFlags(vk::MemoryPropertyFlagBits::eDeviceLocal);
  memory_ = vk::raii::DeviceMemory(ctx.device(), {req.size, ctx.find_memory_type(req.memoryTypeBits, props)});
  image_.bindMemory(*memory_, 0);
  if (host) {
    const vk::SubresourceLayout layout = image_.getSubresourceLayout({vk::ImageAspectFlagBits::eColor, 0, 0});
    mapped_ = static_cast<const uint8_t*>(memory_.mapMemory(0, VK_WHOLE_SIZE)) + layout.offset;
    row_pitch_ = layout.rowPitch;
  }
  view_ = vk::raii::ImageView(ctx.device(), vk::ImageViewCreateInfo{{}, *image_, vk::ImageViewType::e2D, format, {},
                                                                    {vk::ImageAspectFlagBits::eColor, 0, mip_levels, 0, 1}});
  ctx.set_name(*image_, name);
  ctx.set_name(*memory_, name);
  ctx.set_name(*view_, name);
}

void transition(const vk::raii::CommandBuffer& cb, vk::Image image, vk::ImageLayout from, vk::ImageLayout to,
                vk::PipelineStageFlags2 src_stage, vk::AccessFlags2 src_access, vk::PipelineStageFlags2 dst_stage,
                vk::AccessFlags2 dst_access) {
  const vk::ImageMemoryBarrier2 b{src_stage, src_access, dst_stage, dst_access, from, to,
                                  VK_QUEUE_FAMILY_IGNORED, VK_QUEUE_FAMILY_IGNORED, image,
                                  {vk::ImageAspectFlagBits::eColor, 0, VK_REMAINING_MIP_LEVELS, 0, 1}};
  cb.pipelineBarrier2(vk::DependencyInfo{{}, {}, {}, b});
}

vk::raii::ShaderModule make_shader(const Context& ctx, std::span<const uint32_t> spirv, const char* name) {
  vk::raii::ShaderModule m(ctx.device(), vk::ShaderModuleCreateInfo{{}, spirv.size_bytes(), spirv.data()});
  ctx.set_name(*m, name);
  return m;
}

}  // namespace nnlive::gpu
