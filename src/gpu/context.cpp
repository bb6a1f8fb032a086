// SPDX-License-Identifier: MIT
// Headless Vulkan context: instance, optional validation, device choice, compute queue.
#include "nnlive/gpu/context.hpp"

#include <algorithm>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <optional>

#include "nnlive/gpu/field_shared.h"

namespace nnlive::gpu {
namespace {

std::atomic<uint32_t> g_total_messages{0};

constexpr const char* k_validation_layer = "VK_LAYER_KHRONOS_validation";

VKAPI_ATTR VkBool32 VKAPI_CALL on_validation_message(VkDebugUtilsMessageSeverityFlagBitsEXT severity,
                                                     VkDebugUtilsMessageTypeFlagsEXT,
                                                     const VkDebugUtilsMessengerCallbackDataEXT* data, void* user) {
  if (severity < VK_DEBUG_UTILS_MESSAGE_SEVERITY_WARNING_BIT_EXT) return VK_FALSE;
  auto* log = static_cast<ValidationLog*>(user);
  const std::string msg = data && data->pMessage ? data->pMessage : "(no text)";
  std::cerr << "nnlive: Vulkan validation: " << msg << "\n";
  std::lock_guard lock(log->mutex);
  log->messages.push_back(msg);
  log->count.fetch_add(1);
  g_total_messages.fetch_add(1);
  return VK_FALSE;
}

bool env_flag(const char* name) {
  const char* v = std::getenv(name);
  return v && *v && std::string(v) != "0";
}

int type_rank(vk::PhysicalDeviceType t) {
  switch (t) {
    case vk::PhysicalDeviceType::eDiscreteGpu: return 0;
    case vk::PhysicalDeviceType::eIntegratedGpu: return 1;
    case vk::PhysicalDeviceType::eVirtualGpu: return 2;
    case vk::PhysicalDeviceType::eCpu: return 3;
    default: return 4;
  }
}

// Whether a device can run field_coop.comp: 16 x 16 x 16 fp16 products into fp32 sums in
// subgroup scope in compute shaders, fp16 arithmetic and storage, the Vulkan memory model and
// subgroup ids in compute shaders.
bool offers_fp16_matrices(const vk::raii::PhysicalDevice& d) {
  bool has_extension = false;
  for (const auto& e : d.enumerateDeviceExtensionProperties())
    if (std::string_view(e.extensionName) == VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME) has_extension = true;
  if (!has_extension) return false;
  const auto chain = d.getFeatures2<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features, vk::PhysicalDeviceVulkan12Features,
                                    vk::PhysicalDeviceCooperativeMatrixFeaturesNV>();
  if (!chain.get<vk::PhysicalDeviceVulkan11Features>().storageBuffer16BitAccess ||
      !chain.get<vk::PhysicalDeviceVulkan12Features>().shaderFloat16 || !chain.get<vk::PhysicalDeviceVulkan12Features>().vulkanMemoryModel ||
      !chain.get<vk::PhysicalDeviceCooperativeMatrixFeaturesNV>().cooperativeMatrix)
    return false;
  const auto props = d.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties,
                                      vk::PhysicalDeviceCooperativeMatrixPropertiesNV>();
  if (!(props.get<vk::PhysicalDeviceCooperativeMatrixPropertiesNV>().cooperativeMatrixSupportedStages & vk::ShaderStageFlagBits::eCompute))
    return false;
  const auto& subgroup = props.get<vk::PhysicalDeviceSubgroupProperties>();
  if (!(subgroup.supportedStages & vk::ShaderStageFlagBits::eCompute) ||
      !(subgroup.supportedOperations & vk::SubgroupFeatureFlagBits::eBasic) || subgroup.subgroupSize < 16 ||
      FIELD_COOP_SUBGROUPS * subgroup.subgroupSize > props.get<vk::PhysicalDeviceProperties2>().properties.limits.maxComputeWorkGroupInvocations)
    return false;
  for (const auto& m : d.getCooperativeMatrixPropertiesNV())
    if (m.MSize == 16 && m.NSize == 16 && m.KSize == 16 && m.AType == vk::ComponentTypeNV::eFloat16 &&
        m.BType == vk::ComponentTypeNV::eFloat16 && m.CType == vk::ComponentTypeNV::eFloat32 &&
        m.DType == vk::ComponentTypeNV::eFloat32 && m.scope == vk::ScopeNV::eSubgroup)
      return true;
  return false;
}

}  // namespace

Context::Context(ContextOptions options) : log_(std::make_unique<ValidationLog>()) {
  if (env_flag("NNLIVE_VALIDATION")) options.validation = true;
  if (const char* d = std::getenv("NNLIVE_DEVICE"); d && *d && options.device.empty()) options.device = d;
  if (const char* e = std::getenv("NNLIVE_FIELD_ENGINE"); e && *e && options.field_engine.empty()) options.field_engine = e;
  if (!options.field_engine.empty() && options.field_engine != "auto" && options.field_engine != "shader" && options.field_engine != "cpu")
    throw GpuError("the field engine must be auto, shader or cpu, not '" + options.field_engine + "'");
  if (const char* e = std::getenv("NNLIVE_FIELD_PRECISION"); e && *e && options.field_precision.empty()) options.field_precision = e;
  const std::string& precision = options.field_precision;
  if (!precision.empty() && precision != "auto" && precision != "fp32" && precision != "fp16" && precision != "fp16x3")
    throw GpuError("the field precision must be auto, fp32, fp16x3 or fp16, not '" + precision + "'");
  if (const char* e = std::getenv("NNLIVE_FIELD_FP16_KERNEL"); e && *e && options.field_fp16_kernel.empty()) options.field_fp16_kernel = e;
  if (!options.field_fp16_kernel.empty() && options.field_fp16_kernel != "direct" && options.field_fp16_kernel != "staged")
    throw GpuError("the fp16 field kernel must be direct or staged, not '" + options.field_fp16_kernel + "'");
  field_fp16_staged_ = options.field_fp16_kernel == "staged";

  if (context_.enumerateInstanceVersion() < VK_API_VERSION_1_3)
    throw GpuError("the Vulkan loader is older than 1.3; update the Vulkan packages (libvulkan1)");

  std::vector<const char*> layers, extensions;
  for (const auto& e : context_.enumerateInstanceExtensionProperties())
    if (std::string_view(e.extensionName) == VK_EXT_DEBUG_UTILS_EXTENSION_NAME) debug_utils_ = true;
  if (debug_utils_) extensions.push_back(VK_EXT_DEBUG_UTILS_EXTENSION_NAME);
  for (const auto& e : options.instance_extensions) extensions.push_back(e.c_str());
  if (options.validation) {
    const auto available = context_.enumerateInstanceLayerProperties();
    const bool found = std::any_of(available.begin(), available.end(),
                                   [](const auto& l) { return std::string_view(l.layerName) == k_validation_layer; });
    if (!found) throw GpuError("the Vulkan validation layer was requested but is not installed (Debian package vulkan-validationlayers)");
    if (!debug_utils_) throw GpuError("the Vulkan validation layer needs VK_EXT_debug_utils, which this loader lacks");
    layers.push_back(k_validation_layer);
    validation_ = true;
  }

  vk::ApplicationInfo app{"nnlive", VK_MAKE_VERSION(0, 1, 0), "nnlive", VK_MAKE_VERSION(0, 1, 0), VK_API_VERSION_1_3};
  vk::DebugUtilsMessengerCreateInfoEXT messenger_info{
      {},
      vk::DebugUtilsMessageSeverityFlagBitsEXT::eWarning | vk::DebugUtilsMessageSeverityFlagBitsEXT::eError,
      vk::DebugUtilsMessageTypeFlagBitsEXT::eGeneral | vk::DebugUtilsMessageTypeFlagBitsEXT::eValidation |
          vk::DebugUtilsMessageTypeFlagBitsEXT::ePerformance,
      &on_validation_message, log_.get()};
  vk::InstanceCreateInfo instance_info{{}, &app, layers, extensions};
  if (validation_) instance_info.pNext = &messenger_info;  // also catches instance creation problems
  try {
    instance_ = vk::raii::Instance(context_, instance_info);
  } catch (const vk::IncompatibleDriverError&) {
    throw GpuError("no Vulkan driver found; install a GPU driver or Mesa's software renderer (Debian package mesa-vulkan-drivers)");
  }
  if (validation_) messenger_ = vk::raii::DebugUtilsMessengerEXT(instance_, messenger_info);

  vk::raii::PhysicalDevices devices(instance_);
  // A queue family with graphics and compute (and presentation, for a window).
  auto queue_family_of = [&](const vk::raii::PhysicalDevice& d) -> std::optional<uint32_t> {
    const auto families = d.getQueueFamilyProperties();
    for (uint32_t i = 0; i < families.size(); ++i)
      if ((families[i].queueFlags & vk::QueueFlagBits::eCompute) && (families[i].queueFlags & vk::QueueFlagBits::eGraphics) &&
          (!options.can_present || options.can_present(*instance_, *d, i)))
        return i;
    return std::nullopt;
  };
  std::vector<size_t> usable;
  for (size_t i = 0; i < devices.size(); ++i)
    if (devices[i].getProperties().apiVersion >= VK_API_VERSION_1_3 && queue_family_of(devices[i])) usable.push_back(i);
  if (usable.empty())
    throw GpuError(options.can_present ? "no Vulkan 1.3 device can show pictures in this window"
                                       : "no Vulkan 1.3 device found; install a GPU driver or Mesa's software renderer (Debian package mesa-vulkan-drivers)");

  size_t chosen = usable.front();
  if (!options.device.empty()) {
    bool found = false;
    const bool numeric = std::all_of(options.device.begin(), options.device.end(), ::isdigit);
    for (size_t i : usable) {
      const std::string name = devices[i].getProperties().deviceName.data();
      if ((numeric && std::to_string(i) == options.device) || (!numeric && name.find(options.device) != std::string::npos)) {
        chosen = i;
        found = true;
        break;
      }
    }
    if (!found) throw GpuError("no Vulkan 1.3 device matches '" + options.device + "'");
  } else {
    for (size_t i : usable)
      if (type_rank(devices[i].getProperties().deviceType) < type_rank(devices[chosen].getProperties().deviceType))
        chosen = i;
  }
  physical_ = std::move(devices[chosen]);
  const auto props = physical_.getProperties();
  device_name_ = props.deviceName.data();
  limits_ = props.limits;
  software_ = props.deviceType == vk::PhysicalDeviceType::eCpu;
  // On a CPU "device" a compute shader is the wrong tool for the field: a GEMM on the same cores
  // is many times faster (nnlive bench field).
  field_engine_ = options.field_engine == "cpu" || (options.field_engine != "shader" && software_) ? FieldEngine::cpu : FieldEngine::shader;

  // One queue for everything: compute (the field), graphics (the picture) and presentation.
  queue_family_ = *queue_family_of(physical_);
  if (physical_.getQueueFamilyProperties()[queue_family_].timestampValidBits > 0) timestamp_period_ns_ = limits_.timestampPeriod;

  const float priority = 1.0f;
  vk::DeviceQueueCreateInfo queue_info{{}, queue_family_, 1, &priority};
  // Both are required of every Vulkan 1.3 device: synchronization2 for the barriers and
  // timestamps we record, maintenance4 for the LocalSizeId that SPIR-V 1.6 shaders use.
  vk::PhysicalDeviceVulkan13Features f13{};
  f13.synchronization2 = VK_TRUE;
  f13.maintenance4 = VK_TRUE;
  f13.dynamicRendering = VK_TRUE;  // passes render to the offscreen target without render-pass objects
  std::vector<const char*> device_extensions;
  if (options.can_present) device_extensions.push_back(VK_KHR_SWAPCHAIN_EXTENSION_NAME);
  vk::DeviceCreateInfo device_info{{}, queue_info, {}, device_extensions};
  device_info.pNext = &f13;
  // fp16 arithmetic and storage where offered (field_coop.comp, and its emulation in tests);
  // then the cooperative matrices, where the device has all field_coop.comp needs.
  vk::PhysicalDeviceVulkan11Features f11{};
  vk::PhysicalDeviceVulkan12Features f12{};
  vk::PhysicalDeviceCooperativeMatrixFeaturesNV fcoop{};
  {
    const auto offered = physical_.getFeatures2<vk::PhysicalDeviceFeatures2, vk::PhysicalDeviceVulkan11Features,
                                                vk::PhysicalDeviceVulkan12Features>();
    subgroup_size_ = physical_.getProperties2<vk::PhysicalDeviceProperties2, vk::PhysicalDeviceSubgroupProperties>()
                         .get<vk::PhysicalDeviceSubgroupProperties>()
                         .subgroupSize;
    if (offered.get<vk::PhysicalDeviceVulkan11Features>().storageBuffer16BitAccess &&
        offered.get<vk::PhysicalDeviceVulkan12Features>().shaderFloat16) {
      f11.storageBuffer16BitAccess = VK_TRUE;
      f12.shaderFloat16 = VK_TRUE;
      f13.pNext = &f12;
      f12.pNext = &f11;
      fp16_storage_ = true;
    }
  }
  if (fp16_storage_ && offers_fp16_matrices(physical_)) {
    f12.vulkanMemoryModel = VK_TRUE;
    fcoop.cooperativeMatrix = VK_TRUE;
    device_extensions.push_back(VK_NV_COOPERATIVE_MATRIX_EXTENSION_NAME);
    device_info.setPEnabledExtensionNames(device_extensions);
    f11.pNext = &fcoop;
    fp16_matrices_ = true;
  }
  if (precision == "fp16" || precision == "fp16x3") {
    if (!fp16_matrices_)
      throw GpuError("the field precision " + precision + " needs fp16 cooperative matrices (VK_NV_cooperative_matrix with 16x16x16 " +
                     "fp16 products into fp32), which " + device_name_ + " does not offer; use fp32");
    field_precision_ = precision == "fp16" ? FieldPrecision::fp16 : FieldPrecision::fp16x3;
  } else if (precision == "fp32") {
    field_precision_ = FieldPrecision::fp32;
  }
  // Wide lines and large points, where offered: the shapes pass may draw lines and markers as
  // such primitives (SHAPE_PRIM_*).
  vk::PhysicalDeviceFeatures core{};
  core.wideLines = physical_.getFeatures().wideLines;
  core.largePoints = physical_.getFeatures().largePoints;
  wide_lines_ = core.wideLines == VK_TRUE;
  large_points_ = core.largePoints == VK_TRUE;
  device_info.pEnabledFeatures = &core;
  device_ = vk::raii::Device(physical_, device_info);
  queue_ = vk::raii::Queue(device_, queue_family_, 0);
  pool_ = vk::raii::CommandPool(device_, {vk::CommandPoolCreateFlagBits::eResetCommandBuffer, queue_family_});
  set_name(*queue_, "nnlive queue");
  set_name(*pool_, "nnlive command pool");
}

uint32_t validation_messages_in_process() { return g_total_messages.load(); }

std::vector<std::string> Context::validation_messages() const {
  std::lock_guard lock(log_->mutex);
  return log_->messages;
}

uint32_t Context::find_memory_type(uint32_t type_bits, vk::MemoryPropertyFlags required,
                                   vk::MemoryPropertyFlags preferred) const {
  const auto mem = physical_.getMemoryProperties();
  for (int pass = 0; pass < 2; ++pass) {
    const auto want = pass == 0 ? required | preferred : required;
    for (uint32_t i = 0; i < mem.memoryTypeCount; ++i)
      if ((type_bits & (1u << i)) && (mem.memoryTypes[i].propertyFlags & want) == want) return i;
  }
  throw GpuError("the Vulkan device " + device_name_ + " has no suitable memory type");
}

void Context::set_name_raw(vk::ObjectType type, uint64_t handle, const char* name) const {
  if (!debug_utils_) return;
  device_.setDebugUtilsObjectNameEXT(vk::DebugUtilsObjectNameInfoEXT{type, handle, name});
}

void Context::submit_and_wait(const vk::raii::CommandBuffer& cb, const vk::raii::Fence& fence, const char* what) const {
  const vk::CommandBuffer raw = *cb;
  {
    const std::lock_guard lock(*queue_mutex_);
    queue_.submit(vk::SubmitInfo{{}, {}, raw}, *fence);
  }
  if (device_.waitForFences(*fence, VK_TRUE, UINT64_MAX) != vk::Result::eSuccess)
    throw GpuError(std::string("the GPU did not finish ") + what);
  device_.resetFences(*fence);
}

void Context::submit_and_wait(const std::function<void(const vk::raii::CommandBuffer&)>& record) const {
  vk::raii::CommandBuffers cbs(device_, {*pool_, vk::CommandBufferLevel::ePrimary, 1});
  const vk::raii::CommandBuffer& cb = cbs[0];
  cb.begin({vk::CommandBufferUsageFlagBits::eOneTimeSubmit});
  record(cb);
  cb.end();
  const vk::raii::Fence fence(device_, vk::FenceCreateInfo{});
  submit_and_wait(cb, fence, "its work");
}

}  // namespace nnlive::gpu
