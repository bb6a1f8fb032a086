// SPDX-License-Identifier: MIT
// Context: a headless Vulkan 1.3 instance, device, compute queue and command pool on vk::raii,
// with the validation layer on request. It needs no window, display or surface.
//
// Contract: construct once per process (or per test), keep it alive longer than every object
// made from it; members are declared in creation order, so destruction runs in reverse.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <vector>

#include <vulkan/vulkan_raii.hpp>

namespace nnlive::gpu {

// A GPU problem the user can act on (no device, no validation layer, out of memory).
struct GpuError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct ContextOptions {
  // Enable VK_LAYER_KHRONOS_validation and count its messages. Also enabled by the environment
  // variable NNLIVE_VALIDATION=1. Fails with GpuError if the layer is not installed.
  bool validation = false;
  // Which device: an index into the device list or part of its name; empty picks the best
  // (discrete, then integrated, then virtual, then CPU). Also NNLIVE_DEVICE in the environment.
  std::string device;
  // Which field engine evaluates the network per pixel: "shader" (field.comp on the device),
  // "cpu" (CpuFieldEvaluator: a GEMM on the host's cores into the same field buffer) or "auto"
  // (empty): cpu when the device is itself a CPU (lavapipe), the shader on a real GPU. Also
  // NNLIVE_FIELD_ENGINE in the environment (the --field-engine flag sets it).
  std::string field_engine;
  // The arithmetic of the field shader's matrix products, for networks with a product between
  // hidden layers (nnlive/gpu/field_fp16.hpp): "fp32" (field.comp), "fp16x3" (field_coop.comp,
  // tensor cores, split halves: within 1e-5 of fp32), "fp16" (one product: faster, within about
  // 2e-2) or "auto" (empty): in the live window, the faster of fp32 and fp16x3 (direct or
  // staged) for each network shape, timed on the device (FieldEvaluatorOptions::tune_precision);
  // elsewhere (render, record, bench's fp32 figures) fp32. fp16 and fp16x3 need fp16
  // cooperative matrices (VK_NV_cooperative_matrix); asking
  // for them on a device without is a GpuError. Also NNLIVE_FIELD_PRECISION in the environment
  // (the --field-precision flag sets it).
  std::string field_precision;
  // How field_coop.comp multiplies between hidden layers: "direct" (empty: each subgroup reads
  // its weight tiles from memory; measured on an H200) or "staged" (the workgroup copies the
  // weights into shared memory 16 rows at a time and each subgroup holds a whole layer's sums:
  // every weight read once per workgroup; checked in emulation, not yet timed on a GPU). Also
  // NNLIVE_FIELD_FP16_KERNEL in the environment.
  std::string field_fp16_kernel;
  // For a window: instance extensions the window system needs (from GLFW), and a test of
  // whether a queue family of a device can present to it. With presentation set, the device
  // also gets VK_KHR_swapchain and only families that can present are used.
  std::vector<std::string> instance_extensions;
  std::function<bool(VkInstance, VkPhysicalDevice, uint32_t)> can_present;
};

// The arithmetic of the field shader's outputs (nnlive/gpu/field_fp16.hpp): fp32 (field.comp),
// or on fp16 cooperative matrices (field_coop.comp) with split halves (fp16x3) or one product
// (fp16). `automatic` (FieldEvaluatorOptions only): the context's choice.
enum class FieldPrecision { automatic, fp32, fp16, fp16x3 };

// Messages the validation layer sent (warnings and errors), shared with its callback.
struct ValidationLog {
  std::mutex mutex;
  std::vector<std::string> messages;
  std::atomic<uint32_t> count{0};
};

// Validation messages from every Context of this process so far (for exit-code checks).
uint32_t validation_messages_in_process();

class Context {
 public:
  explicit Context(ContextOptions options = {});

  const vk::raii::Instance& instance() const { return instance_; }
  const vk::raii::Device& device() const { return device_; }
  const vk::raii::PhysicalDevice& physical_device() const { return physical_; }
  const vk::raii::Queue& queue() const { return queue_; }
  // Held around every use of the queue (submit, present, wait idle): the live window's field
  // thread submits its own work beside the frames.
  std::mutex& queue_mutex() const { return *queue_mutex_; }
  const vk::raii::CommandPool& command_pool() const { return pool_; }
  uint32_t queue_family() const { return queue_family_; }
  const std::string& device_name() const { return device_name_; }
  const vk::PhysicalDeviceLimits& limits() const { return limits_; }
  bool is_software() const { return software_; }
  // The field engine chosen at start-up (ContextOptions::field_engine).
  enum class FieldEngine { shader, cpu };
  FieldEngine field_engine() const { return field_engine_; }
  // The field shader's arithmetic chosen at start-up (ContextOptions::field_precision): fp32,
  // fp16, fp16x3, or automatic (FieldEvaluatorOptions::tune_precision decides).
  FieldPrecision field_precision() const { return field_precision_; }
  // Whether field_coop.comp stages the weights (ContextOptions::field_fp16_kernel).
  bool field_fp16_staged() const { return field_fp16_staged_; }
  // Whether the device multiplies 16 x 16 fp16 tiles into fp32 sums per subgroup, with fp16 in
  // storage buffers and shared memory (VK_NV_cooperative_matrix, shaderFloat16,
  // storageBuffer16BitAccess, vulkanMemoryModel, subgroup ids in compute shaders): all enabled.
  bool fp16_matrices() const { return fp16_matrices_; }
  // fp16 arithmetic and storage buffers of fp16 (shaderFloat16, storageBuffer16BitAccess),
  // enabled where offered (lavapipe too), and the compute shaders' subgroup size.
  bool fp16_storage() const { return fp16_storage_; }
  uint32_t subgroup_size() const { return subgroup_size_; }
  uint32_t max_shared_bytes() const { return limits_.maxComputeSharedMemorySize; }
  bool validation_enabled() const { return validation_; }
  // Nanoseconds per timestamp tick; 0 if the queue cannot write timestamps.
  double timestamp_period_ns() const { return timestamp_period_ns_; }
  // Lines wider than a pixel (the wideLines feature, enabled where offered), up to
  // limits().lineWidthRange[1].
  bool wide_lines() const { return wide_lines_; }
  // Points larger than a pixel (largePoints), up to limits().pointSizeRange[1].
  bool large_points() const { return large_points_; }

  uint32_t validation_message_count() const { return log_->count.load(); }
  std::vector<std::string> validation_messages() const;

  // A memory type with all `required` flags, preferring one that also has `preferred`.
  uint32_t find_memory_type(uint32_t type_bits, vk::MemoryPropertyFlags required,
                            vk::MemoryPropertyFlags preferred = {}) const;

  // Gives a Vulkan object a name that validation messages and debuggers show.
  template <class Handle>
  void set_name(const Handle& handle, const char* name) const {
    set_name_raw(Handle::objectType, reinterpret_cast<uint64_t>(static_cast<typename Handle::CType>(handle)), name);
  }

  // Submits a recorded command buffer, waits on `fence` and resets it; `what` names the work in
  // the error thrown if the GPU does not finish.
  void submit_and_wait(const vk::raii::CommandBuffer& cb, const vk::raii::Fence& fence, const char* what) const;
  // Records commands with `record`, submits them and waits for the queue to finish them.
  void submit_and_wait(const std::function<void(const vk::raii::CommandBuffer&)>& record) const;

 private:
  void set_name_raw(vk::ObjectType type, uint64_t handle, const char* name) const;

  std::unique_ptr<ValidationLog> log_;
  std::unique_ptr<std::mutex> queue_mutex_ = std::make_unique<std::mutex>();
  bool validation_ = false;
  vk::raii::Context context_;
  vk::raii::Instance instance_{nullptr};
  vk::raii::DebugUtilsMessengerEXT messenger_{nullptr};
  vk::raii::PhysicalDevice physical_{nullptr};
  vk::raii::Device device_{nullptr};
  vk::raii::Queue queue_{nullptr};
  vk::raii::CommandPool pool_{nullptr};
  uint32_t queue_family_ = 0;
  std::string device_name_;
  vk::PhysicalDeviceLimits limits_{};
  bool software_ = false;
  FieldEngine field_engine_ = FieldEngine::shader;
  FieldPrecision field_precision_ = FieldPrecision::automatic;
  bool field_fp16_staged_ = false;
  bool fp16_matrices_ = false;
  bool fp16_storage_ = false;
  uint32_t subgroup_size_ = 0;
  bool debug_utils_ = false;
  double timestamp_period_ns_ = 0.0;
  bool wide_lines_ = false;
  bool large_points_ = false;
};

}  // namespace nnlive::gpu
