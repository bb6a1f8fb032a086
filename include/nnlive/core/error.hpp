// SPDX-License-Identifier: MIT
// User-facing failures and nnlive's documented exit codes (README, "Exit codes"). Thrown with
// context where they happen, caught once in main, printed as one sentence.
#pragma once
#include <stdexcept>
#include <string>

namespace nnlive::core {

enum class ExitCode : int {
  ok = 0,
  internal = 1,     // a bug: an unexpected exception
  usage = 2,        // bad command line: unknown flag, preset or name; value out of range
  bad_input = 3,    // a config, weights or CSV file that cannot be read or is malformed
  output = 4,       // an output file cannot be written
  gpu = 5,          // no usable Vulkan device, or the GPU failed
  interrupted = 6,  // stopped by Ctrl-C (what was written so far is kept)
  missing_tool = 7, // a program nnlive runs (ffmpeg) is not installed
  device_lost = 8,  // the GPU was lost (driver reset, GPU removed): restart the process
  hung = 9,         // the window's frame loop stopped coming round (--hang-exit): restart it
};

struct UserError : std::runtime_error {
  UserError(ExitCode c, const std::string& message) : std::runtime_error(message), code(c) {}
  ExitCode code;
};

}  // namespace nnlive::core
