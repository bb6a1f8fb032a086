// SPDX-License-Identifier: MIT
// Signal flag, the partial-output registry the second signal cleans up, and stale-partial sweeping.
#include "nnlive/core/interrupt.hpp"

#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

#include "nnlive/core/error.hpp"

namespace nnlive::core {
namespace {

namespace fs = std::filesystem;

std::atomic<int> g_signals{0};

// Fixed storage: the handler may only touch what needs no allocation or lock.
struct Slot {
  std::atomic<bool> used{false};
  std::atomic<bool> ready{false};
  std::atomic<pid_t> writer{0};
  char path[4096] = {};
};
Slot g_slots[16];

void on_signal(int sig) {
  if (g_signals.fetch_add(1) == 0) return;  // the first: a flag for the loops
  for (auto& s : g_slots) {
    if (!s.ready.load()) continue;
    if (const pid_t w = s.writer.load(); w > 0) kill(w, SIGKILL);
    unlink(s.path);
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

}  // namespace

void install_interrupt_handlers() {
  struct sigaction sa {};
  sa.sa_handler = on_signal;
  sigemptyset(&sa.sa_mask);
  sigaction(SIGINT, &sa, nullptr);
  sigaction(SIGTERM, &sa, nullptr);
}

bool interrupted() { return g_signals.load(std::memory_order_relaxed) > 0; }

void throw_if_interrupted(const std::string& what) {
  if (interrupted()) throw UserError(ExitCode::interrupted, "interrupted " + what);
}

void clear_interrupt() { g_signals.store(0); }

PartialOutput::PartialOutput(const std::string& path, pid_t writer) {
  if (path.size() >= sizeof(Slot::path)) return;
  for (int i = 0; i < 16; ++i) {
    bool expected = false;
    if (g_slots[i].used.compare_exchange_strong(expected, true)) {
      std::memcpy(g_slots[i].path, path.c_str(), path.size() + 1);
      g_slots[i].writer.store(writer);
      g_slots[i].ready.store(true);
      slot_ = i;
      return;
    }
  }
}

PartialOutput::~PartialOutput() {
  if (slot_ < 0) return;
  g_slots[slot_].ready.store(false);
  g_slots[slot_].writer.store(0);
  g_slots[slot_].used.store(false);
}

void PartialOutput::set_writer(pid_t writer) {
  if (slot_ >= 0) g_slots[slot_].writer.store(writer);
}

std::string partial_path(const std::string& target) {
  const fs::path t(target);
  return (t.parent_path() / ("." + t.filename().string() + "." + std::to_string(getpid()) + ".partial")).string();
}

void sweep_stale_partials(const std::string& target) {
  const fs::path t(target);
  const fs::path dir = t.parent_path().empty() ? fs::path(".") : t.parent_path();
  const std::string prefix = "." + t.filename().string() + ".";
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec)) {
    const std::string n = e.path().filename().string();
    if (n.size() <= prefix.size() || n.compare(0, prefix.size(), prefix) != 0) continue;
    std::string rest = n.substr(prefix.size());  // "PID.partial", "partial" or "tmpPID"
    std::string pid;
    if (rest == "partial") pid = "0";
    else if (rest.size() > 8 && rest.compare(rest.size() - 8, 8, ".partial") == 0) pid = rest.substr(0, rest.size() - 8);
    else if (rest.rfind("tmp", 0) == 0) pid = rest.substr(3);
    else continue;
    if (pid.empty() || pid.size() > 9 || pid.find_first_not_of("0123456789") != std::string::npos) continue;
    const long p = std::stol(pid);
    if (p == long(getpid())) continue;
    if (p > 0 && (kill(pid_t(p), 0) == 0 || errno == EPERM)) continue;  // still running: not ours to remove
    std::error_code rm;
    fs::remove(e.path(), rm);
  }
}

}  // namespace nnlive::core
