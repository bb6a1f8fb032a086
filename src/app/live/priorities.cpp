// SPDX-License-Identifier: MIT
// The window's threads below training (priorities.hpp).
#include "live/priorities.hpp"

#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <filesystem>
#include <fstream>
#include <future>
#include <mutex>
#include <string>

namespace nnlive::app {
namespace {

// The process's priority, as its first thread had it when this was first asked.
int process_nice() {
  static const int nice = [] {
    errno = 0;
    const int n = getpriority(PRIO_PROCESS, 0);
    return errno == 0 ? n : 0;
  }();
  return nice;
}

void lower(pid_t tid, int below = k_below_training) {
  const int target = std::min(process_nice() + below, 19);
  errno = 0;
  const int now = getpriority(PRIO_PROCESS, static_cast<id_t>(tid));
  if (errno == 0 && now < target) setpriority(PRIO_PROCESS, static_cast<id_t>(tid), target);
}

pid_t this_tid() { return static_cast<pid_t>(syscall(SYS_gettid)); }

// Starts threads at the priority it was started with: its own thread waits for bodies and
// starts a thread for each (a new thread takes its creator's priority).
class Launcher {
 public:
  Launcher() : thread_([this] { loop(); }) { thread_.detach(); }

  std::thread start(std::function<void()> body) {
    std::packaged_task<std::thread()> task([b = std::move(body)]() mutable { return std::thread(std::move(b)); });
    std::future<std::thread> started = task.get_future();
    {
      const std::lock_guard lock(mutex_);
      queue_.push_back(std::move(task));
    }
    wake_.notify_one();
    return started.get();
  }

 private:
  void loop() {
    for (;;) {
      std::packaged_task<std::thread()> task;
      {
        std::unique_lock lock(mutex_);
        wake_.wait(lock, [this] { return !queue_.empty(); });
        task = std::move(queue_.front());
        queue_.pop_front();
      }
      task();  // (an exception starting the thread reaches the caller through the future)
    }
  }

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<std::packaged_task<std::thread()>> queue_;
  std::thread thread_;  // (last: it starts once the rest is ready)
};

// The launcher, started on first use: by whichever thread first asks for one or is lowered,
// before it is.
Launcher& launcher() {
  process_nice();
  // Never destroyed: its thread may still be waiting when the process exits.
  static Launcher* kept = new Launcher;
  return *kept;
}

}  // namespace

void lower_this_thread(int below) {
  launcher();
  lower(this_tid(), below);
}

void lower_frame_threads() {
  lower_this_thread();
  std::error_code ec;
  for (const auto& task : std::filesystem::directory_iterator("/proc/self/task", ec)) {
    std::ifstream comm(task.path() / "comm");
    std::string name;
    if (std::getline(comm, name) && name.rfind("llvmpipe-", 0) == 0) lower(static_cast<pid_t>(std::stol(task.path().filename().string())));
  }
}

std::thread start_at_process_priority(std::function<void()> body) { return launcher().start(std::move(body)); }

TrainingSlots& TrainingSlots::shared() {
  static TrainingSlots slots(std::max(2u, std::thread::hardware_concurrency()) - 1);
  return slots;
}

unsigned TrainingSlots::held() const {
  const std::lock_guard lock(mutex_);
  return held_;
}

bool TrainingSlots::waiting() const {
  const std::lock_guard lock(mutex_);
  return !waiting_.empty();
}

bool TrainingSlots::acquire(const std::atomic<bool>* give_up) {
  std::unique_lock lock(mutex_);
  const uint64_t ticket = next_ticket_++;
  waiting_.push_back(ticket);
  auto my_turn = [&] { return held_ < count_ && waiting_.front() == ticket; };
  // (give_up is looked at every 10 ms: it is set without this mutex)
  while (!turn_.wait_for(lock, std::chrono::milliseconds(10), my_turn))
    if (give_up && give_up->load()) {
      waiting_.erase(std::find(waiting_.begin(), waiting_.end(), ticket));
      lock.unlock();
      turn_.notify_all();  // the next in line may be first now
      return false;
    }
  waiting_.pop_front();
  ++held_;
  lock.unlock();
  turn_.notify_all();  // the next in line may fit too
  return true;
}

void TrainingSlots::release() {
  {
    const std::lock_guard lock(mutex_);
    --held_;
  }
  turn_.notify_all();
}

}  // namespace nnlive::app
