// SPDX-License-Identifier: MIT
#include "nnlive/gpu/cpu_field.hpp"

#include <cblas-openblas.h>

#include <Eigen/Core>
#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cmath>
#include <exception>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "nnlive/gpu/cpu_activations.hpp"
#include "nnlive/gpu/cpu_dense.hpp"
#include "nnlive/gpu/context.hpp"
#include "nnlive/gpu/field_shared.h"

namespace nnlive::gpu {
namespace {

// Pixels per block: each block is one matrix product per layer (block x in) * (in x out).
constexpr uint32_t k_block = 256;
constexpr uint32_t k_max_side = 16384;

using Array = Eigen::Map<Eigen::ArrayXf>;

// z (+ bias, when given: the layer's bias laid out as z) through the activation, as field.comp
// and nn::activate (codes: nn::Activation). Softmax only adds: the caller applies it across
// each pixel's outputs.
void activate(uint32_t code, float* z, size_t n, const float* bias) {
  switch (code) {
    case FIELD_ACT_SIGMOID: sigmoid_in_place(z, n, bias); return;
    case FIELD_ACT_TANH: tanh_in_place(z, n, bias); return;
    case FIELD_ACT_GELU: gelu_in_place(z, n, bias); return;
    default: break;
  }
  if (bias) add_in_place(z, n, bias);
  Array a(z, Eigen::Index(n));
  switch (code) {
    case FIELD_ACT_RELU: a = a.max(0.0f); break;
    case FIELD_ACT_LEAKY_RELU: a = (a > 0.0f).select(a, 0.01f * a); break;
    case FIELD_ACT_SIN: a = a.sin(); break;
    default: break;  // linear, softmax
  }
}

// Softmax across the k outputs of each of `pixels` pixels, feature-major (output j of pixel i
// at z[j * pixels + i]).
void softmax_columns(float* z, size_t pixels, uint32_t k, std::vector<float>& scratch) {
  scratch.assign(pixels, -INFINITY);
  float* m = scratch.data();
  for (uint32_t j = 0; j < k; ++j)
    for (size_t i = 0; i < pixels; ++i) m[i] = std::max(m[i], z[j * pixels + i]);
  for (uint32_t j = 0; j < k; ++j)
    for (size_t i = 0; i < pixels; ++i) z[j * pixels + i] = std::exp(z[j * pixels + i] - m[i]);
  std::fill_n(m, pixels, 0.0f);
  for (uint32_t j = 0; j < k; ++j)
    for (size_t i = 0; i < pixels; ++i) m[i] += z[j * pixels + i];
  for (uint32_t j = 0; j < k; ++j)
    for (size_t i = 0; i < pixels; ++i) z[j * pixels + i] /= m[i];
}

// Feature `code` of every pixel (x[i], y[i]) into f.
void feature_row(uint32_t code, const float* x, const float* y, size_t n, float offset, float scale, float* f) {
  switch (code) {
    case FIELD_FEATURE_X: for (size_t i = 0; i < n; ++i) f[i] = (x[i] - offset) * scale; return;
    case FIELD_FEATURE_Y: for (size_t i = 0; i < n; ++i) f[i] = (y[i] - offset) * scale; return;
    case FIELD_FEATURE_X2: for (size_t i = 0; i < n; ++i) f[i] = (x[i] * x[i] - offset) * scale; return;
    case FIELD_FEATURE_Y2: for (size_t i = 0; i < n; ++i) f[i] = (y[i] * y[i] - offset) * scale; return;
    case FIELD_FEATURE_XY: for (size_t i = 0; i < n; ++i) f[i] = (x[i] * y[i] - offset) * scale; return;
    case FIELD_FEATURE_SIN_X: for (size_t i = 0; i < n; ++i) f[i] = (std::sin(x[i]) - offset) * scale; return;
    default: for (size_t i = 0; i < n; ++i) f[i] = (std::sin(y[i]) - offset) * scale; return;
  }
}

void single_threaded_blas() {
  // Parallelism comes from evaluating blocks side by side; each product runs in its caller's
  // thread, so results do not depend on how many threads there are.
  static std::once_flag once;
  std::call_once(once, [] { openblas_set_num_threads(1); });
}

// Helper threads that live as long as the evaluator (started at its first evaluation): a call
// runs its work on every helper and on the caller, and returns when all are done. Threads made
// per call would cost their start-up each frame, and OpenBLAS keeps buffers per thread.
class Helpers {
 public:
  ~Helpers() {
    {
      const std::lock_guard lock(mutex_);
      quit_ = true;
    }
    wake_.notify_all();
    for (auto& t : threads_) t.join();
  }
  void run(unsigned helpers, const std::function<void()>& work) {
    {
      const std::lock_guard lock(mutex_);
      // A new helper waits for the generation after the current one (this call's).
      while (threads_.size() < helpers) threads_.emplace_back([this, seen = generation_] { loop(seen); });
      job_ = &work;
      running_ = unsigned(threads_.size());
      ++generation_;
    }
    wake_.notify_all();
    work();
    std::unique_lock lock(mutex_);
    done_.wait(lock, [&] { return running_ == 0; });
    job_ = nullptr;
  }

 private:
  void loop(uint64_t seen) {
    for (;;) {
      const std::function<void()>* job = nullptr;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [&] { return quit_ || generation_ != seen; });
        if (quit_) return;
        seen = generation_;
        job = job_;
      }
      (*job)();
      const std::lock_guard lock(mutex_);
      if (--running_ == 0) done_.notify_all();
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_, done_;
  const std::function<void()>* job_ = nullptr;
  unsigned running_ = 0;
  uint64_t generation_ = 0;
  bool quit_ = false;
  std::vector<std::thread> threads_;
};

}  // namespace

struct CpuFieldEvaluator::Impl {
  unsigned threads = 1;
  Helpers helpers;
  NetworkLayout layout;
  std::vector<float> params;
  bool own_kernel = false;                    // dense_feature_major for every layer, else OpenBLAS
  std::vector<std::vector<float>> bias_rows;  // (OpenBLAS) per layer, output j's bias repeated k_block times in row j
  uint32_t widest = 0;
  bool has_network = false;

  void tile_biases() {
    bias_rows.assign(layout.layers.size(), {});
    if (own_kernel) return;  // (it adds the bias itself)
    for (size_t l = 0; l < layout.layers.size(); ++l) {
      const auto& L = layout.layers[l];
      auto& rows = bias_rows[l];
      rows.resize(size_t(k_block) * L.out);
      for (uint32_t j = 0; j < L.out; ++j) std::fill_n(rows.begin() + size_t(j) * k_block, k_block, params[L.b_offset + j]);
    }
  }

  uint32_t hidden_count() const {
    uint32_t n = 0;
    for (size_t l = 0; l + 1 < layout.layers.size(); ++l) n += layout.layers[l].out;
    return n;
  }

  // Per thread: the block's activations and sums, feature-major (row j holds value j of each of
  // the k_block pixels), and the pixels' coordinates.
  struct Scratch {
    std::vector<float> a, z, x, y, softmax;
  };

  // One block of n pixels starting at pixel `first` of the region (columns [col0, col0 + cols),
  // rows from row0) of the request, counted row by row. The block is always k_block pixels wide:
  // past the region's last pixel (the last block only) it evaluates points beyond it and writes
  // none of them out. A pixel's position depends on the request and its column and row alone, so
  // a region holds the very values the whole request has there.
  void block(const FieldRequest& req, uint32_t channels, uint32_t col0, uint32_t cols, uint32_t row0, size_t first, size_t n,
             float* out, Scratch& s) const {
    const auto& layers = layout.layers;
    const size_t n_in = layout.features.size();
    const size_t P = k_block;
    s.a.resize(P * std::max<size_t>(widest, n_in));
    s.z.resize(P * widest);
    s.x.resize(P);
    s.y.resize(P);
    const float x0 = req.view[0], y1 = req.view[3];
    const float dx = (req.view[2] - req.view[0]) / float(req.width), dy = (req.view[3] - req.view[1]) / float(req.height);
    uint32_t row = row0 + uint32_t(first / cols), col = col0 + uint32_t(first % cols);
    // As field.comp: view.x + (px + 0.5) * (x1 - x0) / width, in float; a run of one row at a
    // time (a loop without a branch, which vectorises).
    for (size_t i = 0; i < P;) {
      const size_t run = std::min<size_t>(P - i, col0 + cols - col);
      const float y = y1 - (float(row) + 0.5f) * dy;
      for (size_t k = 0; k < run; ++k) {
        s.x[i + k] = x0 + (float(col + uint32_t(k)) + 0.5f) * dx;
        s.y[i + k] = y;
      }
      i += run;
      col += uint32_t(run);
      if (col == col0 + cols) col = col0, ++row;
    }
    for (size_t f = 0; f < n_in; ++f)
      feature_row(layout.features[f], s.x.data(), s.y.data(), P, layout.feature_offset[f], layout.feature_scale[f], s.a.data() + f * P);
    const bool neuron = req.neuron_layer >= 0;
    const size_t last = neuron ? size_t(req.neuron_layer) : req.all_hidden ? layers.size() - 2 : layers.size() - 1;
    uint32_t written = 0;
    for (size_t l = 0; l <= last; ++l) {
      const auto& L = layers[l];
      const float* w = params.data() + L.w_offset;
      if (own_kernel) {
        dense_feature_major(w, params.data() + L.b_offset, s.a.data(), s.z.data(), L.in, L.out, P);
        activate(L.activation, s.z.data(), P * L.out, nullptr);
      } else {
        // z (out x P) = W (out x in) * a (in x P); the bias is added as the activation runs.
        cblas_sgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, int(L.out), int(P), int(L.in), 1.0f, w, int(L.in), s.a.data(),
                    int(P), 0.0f, s.z.data(), int(P));
        activate(L.activation, s.z.data(), P * L.out, bias_rows[l].data());
      }
      if (L.activation == FIELD_ACT_SOFTMAX) softmax_columns(s.z.data(), P, L.out, s.softmax);
      std::swap(s.a, s.z);
      if (req.all_hidden) write_out(s.a.data(), L.out, n, out + first * channels + written, channels);
      written += L.out;
    }
    if (neuron) write_out(s.a.data() + size_t(req.neuron) * P, 1, n, out + first, 1);
    else if (!req.all_hidden) write_out(s.a.data(), channels, n, out + first * channels, channels);
  }

  // Rows [0, count) of a block (feature-major, k_block apart) for its first n pixels, into the
  // result's pixel-major values: pixel i's value j at out[i * stride + j].
  static void write_out(const float* rows, uint32_t count, size_t n, float* out, uint32_t stride) {
    if (count == 1 && stride == 1) {  // (one value per pixel: the row as it is)
      std::copy_n(rows, n, out);
      return;
    }
    for (uint32_t j = 0; j < count; ++j)
      for (size_t i = 0; i < n; ++i) out[i * stride + j] = rows[size_t(j) * k_block + i];
  }
};

CpuFieldEvaluator::CpuFieldEvaluator(unsigned threads, Kernel kernel) : impl_(std::make_unique<Impl>()) {
  single_threaded_blas();
  impl_->threads = threads > 0 ? threads : std::max(1u, std::thread::hardware_concurrency());
  impl_->own_kernel = kernel == Kernel::best && dense_feature_major_available();
}

bool CpuFieldEvaluator::uses_own_kernel() const { return impl_->own_kernel; }

CpuFieldEvaluator::~CpuFieldEvaluator() = default;

unsigned CpuFieldEvaluator::threads() const { return impl_->threads; }

void CpuFieldEvaluator::set_network(const NetworkLayout& layout) {
  Impl& m = *impl_;
  const uint32_t widest = check_layout(layout);
  m.layout = layout;
  m.widest = widest;
  m.params.assign(layout.param_count, 0.0f);
  m.tile_biases();
  m.has_network = true;
}

void CpuFieldEvaluator::set_params(std::span<const float> params) {
  Impl& m = *impl_;
  if (!m.has_network) throw GpuError("set_network() must come before set_params()");
  if (params.size() != m.layout.param_count)
    throw GpuError("expected " + std::to_string(m.layout.param_count) + " parameters, got " + std::to_string(params.size()));
  std::copy(params.begin(), params.end(), m.params.begin());
  m.tile_biases();
}

uint32_t CpuFieldEvaluator::channels(const FieldRequest& req) const {
  const Impl& m = *impl_;
  if (!m.has_network) throw GpuError("set_network() must come before evaluate()");
  if (req.width < 1 || req.height < 1 || req.width > k_max_side || req.height > k_max_side)
    throw GpuError("the field size must be 1 to " + std::to_string(k_max_side) + " pixels on each side");
  const auto& layers = m.layout.layers;
  if (req.neuron_layer >= 0) {
    if (req.neuron_layer + 1 >= int(layers.size()) || req.neuron < 0 || req.neuron >= int(layers[size_t(req.neuron_layer)].out))
      throw GpuError("no hidden neuron " + std::to_string(req.neuron_layer + 1) + ":" + std::to_string(req.neuron + 1));
    return 1;
  }
  if (req.all_hidden) {
    if (m.hidden_count() == 0) throw GpuError("the network has no hidden neurons");
    return m.hidden_count();
  }
  return layers.back().out;
}

bool CpuFieldEvaluator::evaluate_rows(const FieldRequest& req, uint32_t row0, uint32_t row1, float* out,
                                      const std::function<bool()>& stop) {
  return evaluate_region(req, 0, req.width, row0, row1, out, stop);
}

bool CpuFieldEvaluator::evaluate_region(const FieldRequest& req, uint32_t col0, uint32_t col1, uint32_t row0, uint32_t row1,
                                        float* out, const std::function<bool()>& stop) {
  const Impl& m = *impl_;
  const uint32_t channels = this->channels(req);
  if (row0 > row1 || row1 > req.height) throw GpuError("rows outside the field");
  if (col0 > col1 || col1 > req.width) throw GpuError("columns outside the field");
  const size_t pixels = size_t(row1 - row0) * (col1 - col0);
  const size_t blocks = (pixels + k_block - 1) / k_block;
  std::atomic<size_t> next{0};
  std::atomic<bool> stopped{false};
  std::exception_ptr error;
  std::mutex error_mutex;
  auto work = [&] {
    Impl::Scratch scratch;
    try {
      for (size_t b; !stopped.load(std::memory_order_relaxed) && (b = next.fetch_add(1)) < blocks;) {
        if (stop && stop()) {
          stopped = true;
          break;
        }
        const size_t first = b * k_block;
        m.block(req, channels, col0, col1 - col0, row0, first, std::min<size_t>(k_block, pixels - first), out, scratch);
      }
    } catch (...) {
      const std::lock_guard lock(error_mutex);
      if (!error) error = std::current_exception();
      stopped = true;
    }
  };
  const std::function<void()> job = work;
  if (blocks > 1 && m.threads > 1) impl_->helpers.run(m.threads - 1, job);
  else job();
  if (error) std::rethrow_exception(error);
  return !stopped;
}

FieldResult CpuFieldEvaluator::evaluate(const FieldRequest& req) {
  FieldResult r;
  r.width = req.width;
  r.height = req.height;
  r.channels = channels(req);
  r.values.resize(size_t(req.width) * req.height * r.channels);
  evaluate_rows(req, 0, req.height, r.values.data());
  return r;
}

}  // namespace nnlive::gpu
