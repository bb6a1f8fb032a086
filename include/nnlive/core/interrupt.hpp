// SPDX-License-Identifier: MIT
// Ctrl-C and SIGTERM for every command. The first signal sets a flag that every long loop checks
// (training, rendering, recording, the window): the command stops cleanly, keeps or removes its
// output as documented, and exits 6. A second signal ends the process at once, after killing
// the helpers and removing the partial files registered with PartialOutput (SIGKILL cannot be
// caught: those files are swept by the next run that writes the same output).
#pragma once
#include <string>
#include <sys/types.h>

namespace nnlive::core {

void install_interrupt_handlers();
bool interrupted();
// Throws UserError(interrupted) with "interrupted " + what when a signal came.
void throw_if_interrupted(const std::string& what);
// For tests: forget a signal that came.
void clear_interrupt();

// A file being written (and optionally the process writing it) that a second signal must not
// leave behind. Registered while the object lives; at most 16 at once (more are not tracked).
class PartialOutput {
 public:
  explicit PartialOutput(const std::string& path, pid_t writer = 0);
  ~PartialOutput();
  PartialOutput(const PartialOutput&) = delete;
  PartialOutput& operator=(const PartialOutput&) = delete;
  void set_writer(pid_t writer);

 private:
  int slot_ = -1;
};

// The temporary name an output is written under until complete: ".NAME.PID.partial" beside it.
std::string partial_path(const std::string& target);
// Removes the partial files of `target` left by processes that no longer run (killed, or from
// an older version's ".NAME.partial"/".NAME.tmpPID" names).
void sweep_stale_partials(const std::string& target);

}  // namespace nnlive::core
