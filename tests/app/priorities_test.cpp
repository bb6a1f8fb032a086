// SPDX-License-Identifier: MIT
// The window's threads below training (live/priorities.hpp): a thread started for training keeps
// the process's priority even when the thread asking for it was lowered.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <thread>

#include "live/priorities.hpp"

namespace nnlive::app {
namespace {

int nice_of_this_thread() { return getpriority(PRIO_PROCESS, static_cast<id_t>(syscall(SYS_gettid))); }

TEST(Priorities, TrainingThreadsKeepTheProcessPriorityWhenTheWindowsThreadIsLowered) {
  const int base = getpriority(PRIO_PROCESS, 0);
  int lowered = 0, started = 0, plain = 0;
  // (in a thread of its own: a lowered thread cannot be raised again)
  std::thread window([&] {
    lower_this_thread();
    lowered = nice_of_this_thread();
    std::thread trainer = start_at_process_priority([&] { started = nice_of_this_thread(); });
    trainer.join();
    std::thread other([&] { plain = nice_of_this_thread(); });
    other.join();
  });
  window.join();
  EXPECT_EQ(lowered, std::min(base + k_below_training, 19));
  EXPECT_EQ(started, base) << "started from the kept thread";
  EXPECT_EQ(plain, lowered) << "a thread takes its creator's priority";
  EXPECT_EQ(nice_of_this_thread(), base) << "the test's own thread untouched";
}

}  // namespace
}  // namespace nnlive::app
