// SPDX-License-Identifier: MIT
// The CLI subcommands. Each registers its options on a CLI11 subcommand and runs when chosen;
// failures throw core::UserError (or gpu::GpuError), which main turns into an exit code.
#pragma once
#include <CLI/CLI.hpp>
#include <functional>

namespace nnlive::app {

struct LiveOptions;  // live/live_app.hpp

// Registers the subcommand; the returned function runs it after parsing.
std::function<int()> add_train_command(CLI::App& app);
std::function<int()> add_field_command(CLI::App& app);
std::function<int()> add_presets_command(CLI::App& app);
std::function<int()> add_bench_command(CLI::App& app);
std::function<int()> add_render_command(CLI::App& app);
std::function<int()> add_record_command(CLI::App& app);
std::function<int()> add_bench_record_command(CLI::App& bench);  // `bench record`, registered by add_bench_command
std::function<int()> add_run_command(CLI::App& app);
std::function<int()> add_lesson_command(CLI::App& app);
// The window options `run` and `lesson` share (--size, --fullscreen, --monitor, --present,
// --quit-after), and their checks once parsed (throws UserError(usage)).
void add_window_flags(CLI::App& sub, LiveOptions& live, std::string& size);
// --quit-after, --step-back-memory, --hang-exit: for run, lesson and exhibit.
void add_unattended_flags(CLI::App& sub, LiveOptions& live);
void check_unattended_flags(const LiveOptions& live);
// --tuio PORT|off, --tuio-map and --xi-touch on|off: touches from a touch table and from the
// screen itself, for run, lesson and exhibit.
struct TouchFlags {
  std::string tuio, map, xi;
};
void add_touch_flags(CLI::App& sub, TouchFlags& touch);
void check_touch_flags(LiveOptions& live, const TouchFlags& touch);
std::function<int()> add_exhibit_command(CLI::App& app);  // nnlive exhibit
void check_window_flags(LiveOptions& live, const std::string& size);   // nnlive lesson NAME|FILE
std::function<int()> add_lessons_command(CLI::App& app);  // nnlive lessons
// `nnlive` with no subcommand: the live window with the default experiment.
int run_default();

}  // namespace nnlive::app
