// SPDX-License-Identifier: MIT
// QueuedWriter: a writer thread in front of a FrameSink with a bounded queue, so encoding
// overlaps rendering and memory stays bounded when the encoder is the slower side.
//
// Contract: push() from one thread; it blocks while the queue is full and rethrows the first
// error the sink raised. finish() drains the queue and completes the sink; abort() drops what
// is queued and removes the output. The destructor aborts if neither was called.
#pragma once
#include <condition_variable>
#include <deque>
#include <exception>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

#include "nnlive/record/sink.hpp"

namespace nnlive::record {

class QueuedWriter {
 public:
  QueuedWriter(std::unique_ptr<FrameSink> sink, size_t capacity, bool unpremultiply);
  ~QueuedWriter();
  QueuedWriter(const QueuedWriter&) = delete;
  QueuedWriter& operator=(const QueuedWriter&) = delete;

  void push(std::vector<uint8_t> rgba);
  // A frame buffer the sink is done with (empty when none is): its memory is already in the
  // process, where a fresh 8 MB frame is pages to fault in and zero.
  std::vector<uint8_t> spare();
  void finish();
  void abort() noexcept;
  uint64_t written() const;  // frames the sink has taken

 private:
  void run();
  void stop_thread();

  std::unique_ptr<FrameSink> sink_;
  const size_t capacity_;
  const bool unpremultiply_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::vector<uint8_t>> queue_;
  std::vector<std::vector<uint8_t>> spares_;  // written frames' buffers (at most capacity_ + 1)
  // Written frames the sink may still read (FrameSink::frames_read_later), oldest first; the
  // writer thread's alone.
  std::deque<std::vector<uint8_t>> held_;
  bool closing_ = false, done_ = false;
  uint64_t written_ = 0;
  std::exception_ptr error_;
  std::thread thread_;
};

}  // namespace nnlive::record
