// SPDX-License-Identifier: MIT
// Training gets the cores first. The window's own threads (its frame loop and input, the field's
// threads, a CPU Vulkan device's workers) run below the trainers' (nice +10), so that where every
// core is busy a frame waits for a training step rather than the other way round, and where one
// is free nothing changes. (On 2 cores with lavapipe, +5 still left a trainer sharing its core a
// fifth of the time: 0.84 of its headless steps/s; +10, 1.03, the window at 16-42 frames/s while
// training at full speed.) Linux threads take their creator's priority and may not raise it
// again, so the trainers' threads are started from a thread that keeps the process's own
// (start_at_process_priority), whatever the priority of the thread that asks.
//
// Runs side by side train on a thread each, so they can be more than the cores: then the
// trainers, at the higher priority, would take every core and the window would starve (4 runs of
// 8x512 on 2 cores: 0.1 frames/s, Ctrl+Q answered after 10 s). So at most TrainingSlots' count of
// trainers step at once, all cores but one, in the order they asked: a core stays the window's.
// One run on 2 cores, or fewer runs than cores, changes nothing.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <mutex>
#include <thread>

namespace nnlive::app {

inline constexpr int k_below_training = 10;  // nice, added to the process's
// The field's threads, below the frame loop as well: where they share the window's core, a
// frame takes it first and the field refines in what is left (4 runs of 8x512 side by side on
// 2 cores: at +10 beside the frame loop, it had a fifth of that core).
inline constexpr int k_field_below_training = 19;

// Lowers the calling thread `below` the process's nice value (never raising it); first starts
// the thread that start_at_process_priority() starts threads from, if none has.
void lower_this_thread(int below = k_below_training);

// Lowers the calling thread and the CPU Vulkan device's worker threads (lavapipe's
// "llvmpipe-N": they rasterize the frames) below training.
void lower_frame_threads();

// A thread running `body` at the process's priority: started by a thread kept for this, which
// the first call here or to lower_this_thread() starts (from a thread not yet lowered).
std::thread start_at_process_priority(std::function<void()> body);

// Lets at most `count` holders in at once, first come first served (a trainer asking again
// queues behind those already waiting: none is starved).
class TrainingSlots {
 public:
  explicit TrainingSlots(unsigned count) : count_(count < 1 ? 1 : count) {}
  // The process's: all cores but one (at least one slot).
  static TrainingSlots& shared();

  // Held from construction (waiting its turn) to destruction, unless `give_up` turned true while
  // it waited (a trainer stopping): then not held (false).
  class Hold {
   public:
    explicit Hold(TrainingSlots& slots, const std::atomic<bool>* give_up = nullptr)
        : slots_(slots), held_(slots_.acquire(give_up)) {}
    ~Hold() {
      if (held_) slots_.release();
    }
    Hold(const Hold&) = delete;
    Hold& operator=(const Hold&) = delete;
    explicit operator bool() const { return held_; }
    // Whether others wait for a slot (this holder's next turn comes after theirs).
    bool others_waiting() const { return slots_.waiting(); }

   private:
    TrainingSlots& slots_;
    const bool held_;
  };

  unsigned count() const { return count_; }
  unsigned held() const;  // holders now
  bool waiting() const;   // whether any wait

 private:
  bool acquire(const std::atomic<bool>* give_up);
  void release();
  const unsigned count_;
  mutable std::mutex mutex_;
  std::condition_variable turn_;
  std::deque<uint64_t> waiting_;  // tickets, oldest first
  uint64_t next_ticket_ = 0;
  unsigned held_ = 0;
};

}  // namespace nnlive::app
