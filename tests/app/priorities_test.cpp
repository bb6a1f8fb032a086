// SPDX-License-Identifier: MIT
// The window's threads below training (live/priorities.hpp): a thread started for training keeps
// the process's priority even when the thread asking for it was lowered; training slots let in
// at most their count of trainers at once, each in turn.
#include <gtest/gtest.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <thread>
#include <vector>

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

TEST(Priorities, TrainingSlotsLetInAtMostTheirCountAndEveryoneInTurn) {
  for (unsigned count : {1u, 2u}) {
    TrainingSlots slots(count);
    std::atomic<unsigned> inside{0}, most{0};
    std::atomic<int> turns[4] = {0, 0, 0, 0};
    std::atomic<bool> stop{false};
    std::vector<std::thread> trainers;
    for (int i = 0; i < 4; ++i)
      trainers.emplace_back([&, i] {
        while (!stop) {
          const TrainingSlots::Hold hold(slots);
          const unsigned now = ++inside;
          unsigned seen = most.load();
          while (now > seen && !most.compare_exchange_weak(seen, now)) {
          }
          EXPECT_LE(slots.held(), count);
          std::this_thread::sleep_for(std::chrono::microseconds(200));
          --inside;
          ++turns[i];
        }
      });
    // Until every trainer has had 20 turns: none is starved by the others asking again.
    for (int spins = 0; spins < 20000; ++spins) {
      if (std::all_of(std::begin(turns), std::end(turns), [](const auto& t) { return t.load() >= 20; })) break;
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    stop = true;
    for (auto& t : trainers) t.join();
    EXPECT_LE(most.load(), count) << count << " slots";
    for (int i = 0; i < 4; ++i) EXPECT_GE(turns[i].load(), 20) << "trainer " << i << " of 4, " << count << " slots";
    EXPECT_EQ(slots.held(), 0u);
  }
  EXPECT_EQ(TrainingSlots::shared().count(), std::max(2u, std::thread::hardware_concurrency()) - 1) << "all cores but one";
}

}  // namespace
}  // namespace nnlive::app
