// SPDX-License-Identifier: MIT
// Training gets the cores first. The window's own threads (its frame loop and input, the field's
// threads, a CPU Vulkan device's workers) run below the trainers' (nice +10), so that where every
// core is busy a frame waits for a training step rather than the other way round, and where one
// is free nothing changes. (On 2 cores with lavapipe, +5 still left a trainer sharing its core a
// fifth of the time: 0.84 of its headless steps/s; +10, 1.03, the window at 16-42 frames/s while
// training at full speed.) Linux threads take their creator's priority and may not raise it
// again, so the trainers' threads are started from a thread that keeps the process's own
// (start_at_process_priority), whatever the priority of the thread that asks.
#pragma once
#include <functional>
#include <thread>

namespace nnlive::app {

inline constexpr int k_below_training = 10;  // nice, added to the process's

// Lowers the calling thread below training (never raising it); first starts the thread that
// start_at_process_priority() starts threads from, if none has.
void lower_this_thread();

// Lowers the calling thread and the CPU Vulkan device's worker threads (lavapipe's
// "llvmpipe-N": they rasterize the frames) below training.
void lower_frame_threads();

// A thread running `body` at the process's priority: started by a thread kept for this, which
// the first call here or to lower_this_thread() starts (from a thread not yet lowered).
std::thread start_at_process_priority(std::function<void()> body);

}  // namespace nnlive::app
