// SPDX-License-Identifier: MIT
// Fuzzes the experiment flags every command takes (and --compare specs, frame sizes and
// epoch schedules): the input is the command line, one argument per line. Bad input must end
// in CLI11's parse errors or core::UserError; a config that resolves must validate.
#include <cstddef>
#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>

#include "experiment_flags.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/record/schedule.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnlive;
  if (size > 4096) return 0;
  std::vector<std::string> args;
  std::istringstream in(std::string(reinterpret_cast<const char*>(data), size));
  for (std::string line; std::getline(in, line);) args.push_back(line);
  if (args.empty()) return 0;
  // The first line is not a flag but a value for the parsers that take text.
  const std::string text = args.front();
  args.erase(args.begin());
  std::vector<std::string> reversed(args.rbegin(), args.rend());  // CLI11 parses a reversed vector
  CLI::App app{"fuzz"};
  app::ExperimentFlags flags;
  flags.add_to(app);
  app::refuse_empty_values(app);
  try {
    app.parse(reversed);
    const core::ExperimentConfig c = flags.resolve();
    core::validate(c);  // resolve() validated it: must not throw
    app::resolve_compare(c, {text});
  } catch (const CLI::Error&) {
  } catch (const core::UserError&) {
  }
  try {
    app::parse_size(text, "--size", 16384);
  } catch (const core::UserError&) {
  }
  try {
    record::EpochSchedule::parse(text);
  } catch (const core::UserError&) {
  }
  return 0;
}
