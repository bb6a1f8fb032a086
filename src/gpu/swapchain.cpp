// SPDX-License-Identifier: MIT
// Swapchain creation, acquire and present.
#include "nnlive/gpu/swapchain.hpp"

#include <algorithm>

namespace nnlive::gpu {

Swapchain::Swapchain(const Context& ctx, vk::raii::SurfaceKHR surface, vk::PresentModeKHR preferred)
    : ctx_(ctx), surface_(std::move(surface)), preferred_(preferred) {
  const auto formats = ctx.physical_device().getSurfaceFormatsKHR(*surface_);
  if (formats.empty()) throw GpuError("the window's surface offers no pixel format");
  format_ = formats.front().format;
  for (const auto& f : formats)
    if ((f.format == vk::Format::eB8G8R8A8Unorm || f.format == vk::Format::eR8G8B8A8Unorm) &&
        f.colorSpace == vk::ColorSpaceKHR::eSrgbNonlinear) {
      format_ = f.format;
      break;
    }
}

bool Swapchain::recreate(uint32_t width, uint32_t height) {
  const auto caps = ctx_.physical_device().getSurfaceCapabilitiesKHR(*surface_);
  vk::Extent2D extent = caps.currentExtent;
  if (extent.width == UINT32_MAX) {
    extent.width = std::clamp(width, caps.minImageExtent.width, caps.maxImageExtent.width);
    extent.height = std::clamp(height, caps.minImageExtent.height, caps.maxImageExtent.height);
  }
  if (extent.width == 0 || extent.height == 0) return false;
  const auto modes = ctx_.physical_device().getSurfacePresentModesKHR(*surface_);
  mode_ = std::find(modes.begin(), modes.end(), preferred_) != modes.end() ? preferred_ : vk::PresentModeKHR::eFifo;
  uint32_t count = std::max(caps.minImageCount + 1, 3u);
  if (caps.maxImageCount > 0) count = std::min(count, caps.maxImageCount);

  vk::SwapchainCreateInfoKHR info{};
  info.surface = *surface_;
  info.minImageCount = count;
  info.imageFormat = format_;
  info.imageColorSpace = vk::ColorSpaceKHR::eSrgbNonlinear;
  info.imageExtent = extent;
  info.imageArrayLayers = 1;
  // Blit destination (the scene) and colour attachment (the UI drawn over it).
  info.imageUsage = vk::ImageUsageFlagBits::eTransferDst | vk::ImageUsageFlagBits::eColorAttachment;
  info.imageSharingMode = vk::SharingMode::eExclusive;
  info.preTransform = caps.currentTransform;
  info.compositeAlpha = vk::CompositeAlphaFlagBitsKHR::eOpaque;
  if (!(caps.supportedCompositeAlpha & info.compositeAlpha)) info.compositeAlpha = vk::CompositeAlphaFlagBitsKHR::eInherit;
  info.presentMode = mode_;
  info.clipped = VK_TRUE;
  info.oldSwapchain = *swapchain_;
  vk::raii::SwapchainKHR next(ctx_.device(), info);
  views_.clear();
  swapchain_ = std::move(next);
  extent_ = extent;
  images_ = swapchain_.getImages();
  ready_.clear();
  for (auto image : images_) {
    vk::ImageViewCreateInfo v{{}, image, vk::ImageViewType::e2D, format_, {}, {vk::ImageAspectFlagBits::eColor, 0, 1, 0, 1}};
    views_.emplace_back(ctx_.device(), v);
    ready_.emplace_back(ctx_.device(), vk::SemaphoreCreateInfo{});
  }
  return true;
}

std::optional<uint32_t> Swapchain::acquire(vk::Semaphore signal) {
  const VkResult r =
      vkAcquireNextImageKHR(*ctx_.device(), *swapchain_, UINT64_MAX, signal, VK_NULL_HANDLE, &acquired_index_scratch);
  if (r == VK_ERROR_OUT_OF_DATE_KHR) return std::nullopt;
  if (r != VK_SUCCESS && r != VK_SUBOPTIMAL_KHR) throw GpuError("the window's swapchain failed (" + vk::to_string(vk::Result(r)) + ")");
  return acquired_index_scratch;
}

bool Swapchain::present(uint32_t image) {
  const vk::SwapchainKHR sc = *swapchain_;
  const vk::Semaphore wait = *ready_[image];
  VkPresentInfoKHR info{VK_STRUCTURE_TYPE_PRESENT_INFO_KHR};
  info.waitSemaphoreCount = 1;
  info.pWaitSemaphores = reinterpret_cast<const VkSemaphore*>(&wait);
  info.swapchainCount = 1;
  info.pSwapchains = reinterpret_cast<const VkSwapchainKHR*>(&sc);
  info.pImageIndices = &image;
  VkResult r;
  {
    const std::lock_guard lock(ctx_.queue_mutex());
    r = vkQueuePresentKHR(*ctx_.queue(), &info);
  }
  if (r == VK_ERROR_OUT_OF_DATE_KHR || r == VK_SUBOPTIMAL_KHR) return false;
  if (r != VK_SUCCESS) throw GpuError("presenting to the window failed (" + vk::to_string(vk::Result(r)) + ")");
  return true;
}

}  // namespace nnlive::gpu
