// SPDX-License-Identifier: MIT
// The writer thread: takes frames off a bounded queue and hands them to the sink.
#include "nnlive/record/writer.hpp"

namespace nnlive::record {

QueuedWriter::QueuedWriter(std::unique_ptr<FrameSink> sink, size_t capacity, bool unpremultiply)
    : sink_(std::move(sink)), capacity_(std::max<size_t>(capacity, 1)), unpremultiply_(unpremultiply) {
  thread_ = std::thread([this] { run(); });
}

QueuedWriter::~QueuedWriter() {
  if (!done_) abort();
}

void QueuedWriter::run() {
  for (;;) {
    std::vector<uint8_t> frame;
    {
      std::unique_lock lock(mutex_);
      changed_.wait(lock, [&] { return !queue_.empty() || closing_; });
      if (queue_.empty() || error_) return;  // closing, and nothing left (or nothing worth writing)
      frame = std::move(queue_.front());
      queue_.pop_front();
    }
    changed_.notify_all();  // room in the queue
    try {
      if (unpremultiply_) unpremultiply(frame);
      sink_->write(frame);
      held_.push_back(std::move(frame));
      std::lock_guard lock(mutex_);
      ++written_;
      // Those the sink can no longer read are spares (or freed).
      for (; held_.size() > sink_->frames_read_later(); held_.pop_front())
        if (spares_.size() <= capacity_) spares_.push_back(std::move(held_.front()));
    } catch (...) {
      std::lock_guard lock(mutex_);
      error_ = std::current_exception();
      queue_.clear();
      changed_.notify_all();
      return;
    }
  }
}

void QueuedWriter::push(std::vector<uint8_t> rgba) {
  std::unique_lock lock(mutex_);
  changed_.wait(lock, [&] { return queue_.size() < capacity_ || error_; });
  if (error_) std::rethrow_exception(error_);
  queue_.push_back(std::move(rgba));
  lock.unlock();
  changed_.notify_all();
}

std::vector<uint8_t> QueuedWriter::spare() {
  std::lock_guard lock(mutex_);
  if (spares_.empty()) return {};
  std::vector<uint8_t> v = std::move(spares_.back());
  spares_.pop_back();
  return v;
}

void QueuedWriter::stop_thread() {
  {
    std::lock_guard lock(mutex_);
    closing_ = true;
  }
  changed_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void QueuedWriter::finish() {
  stop_thread();  // writes everything still queued
  done_ = true;
  if (error_) {
    sink_->abort();
    held_.clear();
    std::rethrow_exception(error_);
  }
  try {
    sink_->finish();
  } catch (...) {
    sink_->abort();
    held_.clear();
    throw;
  }
  held_.clear();  // (the sink is done with them)
}

void QueuedWriter::abort() noexcept {
  {
    std::lock_guard lock(mutex_);
    queue_.clear();
  }
  stop_thread();
  done_ = true;
  sink_->abort();
  held_.clear();
}

uint64_t QueuedWriter::written() const {
  std::lock_guard lock(mutex_);
  return written_;
}

}  // namespace nnlive::record
