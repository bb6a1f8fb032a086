// SPDX-License-Identifier: MIT
// ProgressiveField: the live window's field, evaluated on its own thread so that a frame never
// waits for it, whatever the network's size. The window says what it wants each frame (the
// network, its parameters and the full-resolution request); the worker evaluates it with the
// CPU field engine one level at a time, coarse to fine (every stride-th pixel per axis, then
// every stride/2-th, ... down to every pixel), and the window draws the latest finished level.
//
// The same scheduler drives either field engine: the CPU one, or field.comp on the GPU (its
// submissions beside the frames', one band of rows at a time).
//
// Pacing: while the wanted field keeps changing (training, panning), each new want is evaluated
// straight at the live stride: the finest whose level is expected to take at most the live
// budget at the measured speed, so the picture updates several times a second at one steady
// resolution (no coarse-fine flicker). Once the wanted field stays the same (paused, or a
// still view), the worker refines it level by level down to one evaluation per pixel. A level
// in progress is abandoned between bands of rows when a newer want arrives, unless it is the
// first level of its want.
//
// Contract: want() and latest() from the window's thread only; both return at once.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "live/adaptive_field.hpp"
#include "nnlive/gpu/cpu_field.hpp"

namespace nnlive::app::live {

class ProgressiveField {
 public:
  struct Options {
    unsigned threads = 0;             // the CPU engine's threads; 0: all cores but one (the trainer's)
    double live_budget_s = 0.1;       // a level evaluated while the wanted field changes takes about this long
    double first_rate_macs = 2e9;     // assumed speed (multiply-adds per second) until one is measured
    uint32_t max_stride = 32;
    // The CPU engine's full-resolution level of an output field evaluated adaptively
    // (adaptive_field.hpp): exact where the field bends or nears the boundary, interpolated
    // where it is calm; the picture within 1/255 of the full evaluation.
    bool adaptive = true;
  };
  // What the window draws: values at (full.width / stride, full.height / stride), rounded up.
  struct Level {
    std::shared_ptr<const gpu::FieldResult> values;
    gpu::FieldRequest request;  // the reduced request the values answer
    gpu::FieldRequest full;     // the full-resolution request they belong to
    uint32_t stride = 0;
    uint64_t version = 0;       // changes with every newly published level
  };

  // With shader_context, levels are evaluated by field.comp on that device (its own command pool,
  // the context's queue mutex, bands of rows between which a newer want takes over); without
  // it, by the CPU field engine.
  ProgressiveField();
  explicit ProgressiveField(Options options, const gpu::Context* shader_context = nullptr);
  ~ProgressiveField();
  // Ends the level in progress at its next block and the thread after it, without waiting (the
  // destructor then joins at once): asked of every panel's field first, they end together.
  void request_stop();
  ProgressiveField(const ProgressiveField&) = delete;
  ProgressiveField& operator=(const ProgressiveField&) = delete;

  // The field wanted now. Cheap when nothing changed (compares, copies nothing).
  void want(const gpu::NetworkLayout& layout, std::span<const float> params, const gpu::FieldRequest& full);
  // The latest finished level (values empty until the first is done).
  Level latest() const;
  // Whether the latest level is the wanted field at full resolution.
  bool complete() const;
  // The budget of a level while the wanted field changes; 0 or less: none (every level at full
  // resolution, however long it takes; frames still never wait).
  void set_live_budget(double seconds);
  // The live stride now (for the window's label and tests).
  uint32_t live_stride() const;
  // Levels evaluated and abandoned so far.
  uint64_t levels_done() const;
  uint64_t levels_abandoned() const;
  // The adaptive levels so far: evaluations made and pixels filled.
  AdaptiveCount adaptive_count() const;
  // Why the field's thread stopped, if it failed (a GPU error); empty while it works. A lost
  // device ends the process at once (exit_device_lost).
  std::string failure() const;

 private:
  struct Want {
    gpu::NetworkLayout layout;
    std::vector<float> params;
    gpu::FieldRequest full;
    uint64_t serial = 0;
  };
  void run();
  void run_guarded();
  uint32_t stride_for(double macs_per_pixel, const gpu::FieldRequest& full, double budget_s) const;

  Options options_;
  mutable std::mutex mutex_;
  std::condition_variable wake_;
  Want wanted_;            // guarded by mutex_
  bool stopping_ = false;  // guarded by mutex_
  std::string failure_;    // guarded by mutex_
  Level latest_;           // guarded by mutex_
  uint64_t latest_serial_ = 0;  // the want latest_ answers; guarded by mutex_
  double rate_ = 0.0;      // guarded by mutex_
  uint32_t live_stride_ = 1;
  uint64_t done_ = 0, abandoned_ = 0;
  AdaptiveCount adaptive_;  // guarded by mutex_
  std::atomic<uint64_t> newest_serial_{0};
  std::atomic<bool> quit_{false};  // ends any level at its next block (shutdown)
  // Levels' value arrays, reused once the window no longer holds them (a level a frame would
  // otherwise allocate and free megabytes on two threads, and fragment the heap).
  std::vector<std::shared_ptr<gpu::FieldResult>> pool_;  // the worker's only
  gpu::CpuFieldEvaluator engine_;
  std::unique_ptr<gpu::FieldEvaluator> shader_;  // when levels go to the GPU
  std::thread worker_;
};

}  // namespace nnlive::app::live
