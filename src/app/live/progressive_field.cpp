// SPDX-License-Identifier: MIT
#include "live/progressive_field.hpp"
#include "live/priorities.hpp"
#include "live/service_watchdog.hpp"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>

namespace nnlive::app::live {
namespace {

constexpr double k_band_s = 0.004;  // a band of field.comp work on the shared queue

bool same_network(const gpu::NetworkLayout& a, const gpu::NetworkLayout& b) {
  return a.param_count == b.param_count && a.features == b.features && a.feature_offset == b.feature_offset &&
         a.feature_scale == b.feature_scale &&
         std::equal(a.layers.begin(), a.layers.end(), b.layers.begin(), b.layers.end(), [](const auto& x, const auto& y) {
           return x.in == y.in && x.out == y.out && x.activation == y.activation && x.w_offset == y.w_offset && x.b_offset == y.b_offset;
         });
}

double macs_per_pixel(const gpu::NetworkLayout& layout) {
  double m = 0.0;
  for (const auto& l : layout.layers) m += double(l.in) * l.out + l.out;
  return std::max(m, 1.0);
}

gpu::FieldRequest reduced(const gpu::FieldRequest& full, uint32_t stride) {
  gpu::FieldRequest r = full;
  r.width = std::max(1u, (full.width + stride - 1) / stride);
  r.height = std::max(1u, (full.height + stride - 1) / stride);
  return r;
}

uint32_t channels_of(const gpu::NetworkLayout& layout, const gpu::FieldRequest& r) {
  if (r.neuron_layer >= 0) return 1;
  if (!r.all_hidden) return layout.layers.back().out;
  uint32_t n = 0;
  for (size_t l = 0; l + 1 < layout.layers.size(); ++l) n += layout.layers[l].out;
  return n;
}

// field.comp over the request in bands of rows (each its own slice of the view, as
// FieldEvaluator::evaluate bands them), asking `stop` between bands. The frames share the
// queue, which runs submissions in order: a band is sized to take a few milliseconds, so a
// frame never queues behind much field work.
template <class Stop>
bool shader_rows(gpu::FieldEvaluator& shader, const gpu::FieldRequest& r, float* out, uint32_t channels, double band_pixels,
                 const Stop& stop) {
  const uint32_t band = uint32_t(std::clamp(band_pixels / r.width, 1.0, double(r.height)));
  const double top = r.view[3], per_row = (double(r.view[3]) - double(r.view[1])) / r.height;
  for (uint32_t r0 = 0; r0 < r.height; r0 += band) {
    if (stop()) return false;
    gpu::FieldRequest part = r;
    part.height = std::min(band, r.height - r0);
    part.view[3] = float(top - per_row * r0);
    part.view[1] = float(top - per_row * (r0 + part.height));
    const gpu::FieldResult f = shader.evaluate(part);
    std::copy(f.values.begin(), f.values.end(), out + size_t(r0) * r.width * channels);
  }
  return true;
}

}  // namespace

ProgressiveField::ProgressiveField() : ProgressiveField(Options{}) {}

ProgressiveField::ProgressiveField(Options options, const gpu::Context* shader_context)
    : options_(options),
      engine_(options.threads > 0 ? options.threads : std::max(1u, std::thread::hardware_concurrency() - 1)) {
  if (shader_context) shader_ = std::make_unique<gpu::FieldEvaluator>(*shader_context, gpu::FieldEvaluatorOptions{.own_command_pool = true, .tune_precision = true});
  worker_ = std::thread([this] { run_guarded(); });
}

void ProgressiveField::request_stop() {
  {
    const std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  quit_ = true;  // ends a level in progress at its next block
  wake_.notify_all();
}

ProgressiveField::~ProgressiveField() {
  request_stop();
  worker_.join();
}

void ProgressiveField::want(const gpu::NetworkLayout& layout, std::span<const float> params, const gpu::FieldRequest& full) {
  {
    const std::lock_guard lock(mutex_);
    const bool network = same_network(wanted_.layout, layout);
    if (wanted_.serial > 0 && network && wanted_.full == full && std::ranges::equal(wanted_.params, params)) return;
    if (!network) wanted_.layout = layout;
    wanted_.params.assign(params.begin(), params.end());
    wanted_.full = full;
    newest_serial_ = ++wanted_.serial;
  }
  wake_.notify_all();
}

ProgressiveField::Level ProgressiveField::latest() const {
  const std::lock_guard lock(mutex_);
  return latest_;
}

bool ProgressiveField::complete() const {
  const std::lock_guard lock(mutex_);
  return latest_.values && latest_.stride == 1 && latest_serial_ == wanted_.serial;
}

void ProgressiveField::set_live_budget(double seconds) {
  const std::lock_guard lock(mutex_);
  options_.live_budget_s = seconds;
}

uint32_t ProgressiveField::live_stride() const {
  const std::lock_guard lock(mutex_);
  return live_stride_;
}

uint64_t ProgressiveField::levels_done() const {
  const std::lock_guard lock(mutex_);
  return done_;
}

uint64_t ProgressiveField::levels_abandoned() const {
  const std::lock_guard lock(mutex_);
  return abandoned_;
}

AdaptiveCount ProgressiveField::adaptive_count() const {
  const std::lock_guard lock(mutex_);
  return adaptive_;
}

uint32_t ProgressiveField::stride_for(double macs, const gpu::FieldRequest& full, double budget_s) const {
  if (budget_s <= 0.0) return 1;
  const double rate = rate_ > 0.0 ? rate_ : options_.first_rate_macs;
  uint32_t s = 1;
  while (s < options_.max_stride) {
    const gpu::FieldRequest r = reduced(full, s);
    if (double(r.width) * r.height * macs / rate <= budget_s) break;
    s *= 2;
  }
  return s;
}

void ProgressiveField::run_guarded() {
  // The field gives way to training and to the frame loop: this thread, and the CPU engine's
  // helpers it starts (Linux threads inherit their creator's nice value), run at a lower
  // priority than both, so a busy field costs them little (a later level just comes later).
  lower_this_thread(k_field_below_training);
  try {
    run();
  } catch (const vk::DeviceLostError& e) {
    exit_device_lost(e.what());
  } catch (const std::exception& e) {
    const std::lock_guard lock(mutex_);
    failure_ = e.what();
  }
}

std::string ProgressiveField::failure() const {
  const std::lock_guard lock(mutex_);
  return failure_;
}

void ProgressiveField::run() {
  uint64_t serial = 0;        // the want being worked on
  uint32_t finest = 0;        // the finest stride finished for it (0: none)
  gpu::NetworkLayout layout;  // what the engine is set up for
  bool has_layout = false;
  Want w;                     // the want being worked on, as taken
  for (;;) {
    uint32_t stride = 0;
    double rate = 0.0;
    bool fresh = false;
    {
      std::unique_lock lock(mutex_);
      wake_.wait(lock, [&] { return stopping_ || wanted_.serial != serial || (finest > 1 && serial != 0); });
      if (stopping_) return;
      // A new want: straight at the live stride (its network and parameters go to the engine).
      // The same want again: one level finer, with what the engine already holds.
      fresh = wanted_.serial != serial;
      if (fresh) {
        w = wanted_;
        serial = w.serial, finest = 0;
        live_stride_ = stride_for(macs_per_pixel(w.layout), w.full, options_.live_budget_s);
        stride = live_stride_;
      } else {
        stride = finest / 2;
      }
      rate = rate_ > 0.0 ? rate_ : options_.first_rate_macs;
    }
    const bool first_level = finest == 0;
    const gpu::FieldRequest r = reduced(w.full, stride);
    // A pooled array nobody else holds (not the latest level, not a frame's): at most three
    // are ever in use (the latest, the one a frame is drawing, the one being filled).
    std::shared_ptr<gpu::FieldResult> values;
    {
      const std::lock_guard lock(mutex_);
      for (const auto& v : pool_)
        if (v.use_count() == 1) values = v;  // (latest_ and frames hold counts too)
      if (values) std::atomic_thread_fence(std::memory_order_acquire);  // after the last holder's reads
      else pool_.push_back(values = std::make_shared<gpu::FieldResult>());
    }
    bool finished = false;
    AdaptiveCount adaptive;  // this level's, when evaluated adaptively
    const auto t0 = std::chrono::steady_clock::now();
    try {
      if (!has_layout || !same_network(layout, w.layout)) {
        if (shader_) shader_->set_network(w.layout);
        else engine_.set_network(w.layout);
        layout = w.layout;
        has_layout = true;
      }
      if (fresh && shader_) shader_->set_params(w.params);
      else if (fresh) engine_.set_params(w.params);
      values->width = r.width, values->height = r.height, values->channels = channels_of(w.layout, r);
      values->values.resize(size_t(r.width) * r.height * values->channels);
      // The first level of a want always finishes (it is the cheap one); a finer one gives way
      // to a newer want.
      const uint64_t mine = w.serial;
      auto stop = [&] {
        return quit_.load(std::memory_order_relaxed) || (!first_level && newest_serial_.load(std::memory_order_relaxed) != mine);
      };
      if (shader_) {
        const double band_pixels = std::clamp(rate * k_band_s / macs_per_pixel(w.layout), 64.0, double(1 << 20));
        finished = shader_rows(*shader_, r, values->values.data(), values->channels, band_pixels, stop);
      } else if (stride == 1 && options_.adaptive && adaptive_applies(r)) {
        finished = evaluate_adaptive(engine_, r, values->values.data(), stop, adaptive);
      } else {
        finished = engine_.evaluate_rows(r, 0, r.height, values->values.data(), stop);
      }
    } catch (const std::exception& e) {
      // A network the engine cannot take (the trainer checked it, so this is a bug): this want
      // gets no field; the window keeps the last one.
      std::fprintf(stderr, "nnlive: the field could not be evaluated: %s\n", e.what());
      const std::lock_guard lock(mutex_);
      finest = 1;  // nothing more for this want
      ++abandoned_;
      continue;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    const std::lock_guard lock(mutex_);
    if (stopping_) return;
    if (!finished) {
      ++abandoned_;
      continue;
    }
    ++done_;
    finest = stride;
    // The work done: every pixel, or what the adaptive level evaluated.
    const double macs = double(adaptive.pixels > 0 ? adaptive.evaluated : uint64_t(r.width) * r.height) * macs_per_pixel(w.layout);
    adaptive_.evaluated += adaptive.evaluated;
    adaptive_.pixels += adaptive.pixels;
    if (seconds > 0.002) rate_ = rate_ > 0.0 ? 0.5 * rate_ + 0.5 * macs / seconds : macs / seconds;
    latest_ = {std::move(values), r, w.full, stride, latest_.version + 1};
    latest_serial_ = w.serial;
  }
}

}  // namespace nnlive::app::live
