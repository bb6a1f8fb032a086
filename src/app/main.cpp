// SPDX-License-Identifier: MIT
// nnlive's entry point: CLI wiring and the one place user-facing errors become exit codes.
#include <cstdlib>
#include <iostream>

#include <CLI/CLI.hpp>

#include "commands.hpp"
#include "experiment_flags.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/interrupt.hpp"
#include "nnlive/gpu/context.hpp"

namespace nnlive::app {

std::function<int()> add_presets_command(CLI::App& app) {
  auto* sub = app.add_subcommand("presets", "List the presets, one line each");
  return [sub]() {
    if (!sub->parsed()) return -1;
    for (const auto& p : core::list_presets()) std::cout << p.name << std::string(p.name.size() < 14 ? 14 - p.name.size() : 1, ' ') << p.description << "\n";
    return 0;
  };
}

}  // namespace nnlive::app

namespace {

constexpr const char* k_exit_codes =
    "Exit codes: 0 success; 1 internal error; 2 bad command line (unknown flag, preset or name, value out of range); "
    "3 unreadable or malformed input file (config, weights, CSV); 4 output cannot be written; "
    "5 no usable Vulkan device or display, or GPU failure; 6 interrupted (what was written so far is kept); "
    "7 a program nnlive needs (ffmpeg) is not installed; 8 the GPU device was lost (restart nnlive); "
    "9 the window's frame loop hung (--hang-exit; a service restarts it).";

int fail(nnlive::core::ExitCode code, const std::string& message) {
  std::cerr << "nnlive: " << message << "\n";
  return static_cast<int>(code);
}

}  // namespace

int main(int argc, char** argv) {
  using nnlive::core::ExitCode;
  CLI::App app{"nnlive: watch a neural network learn.", "nnlive"};
  app.footer(k_exit_codes);
  app.set_help_all_flag("--help-all", "help for every subcommand");
  app.fallthrough();  // (before the commands: they inherit it) --field-engine may follow a command's name
  std::vector<std::function<int()>> commands{
      nnlive::app::add_train_command(app), nnlive::app::add_field_command(app),
      nnlive::app::add_presets_command(app), nnlive::app::add_bench_command(app),
      nnlive::app::add_render_command(app), nnlive::app::add_record_command(app),
      nnlive::app::add_run_command(app), nnlive::app::add_lesson_command(app),
      nnlive::app::add_lessons_command(app), nnlive::app::add_exhibit_command(app)};
  // The field engine for every command that draws or evaluates a field (also
  // NNLIVE_FIELD_ENGINE); accepted before or after the command's name.
  std::string field_engine;
  app.add_option("--field-engine", field_engine,
                 "auto (default: a GEMM on the CPU cores when the Vulkan device is itself a CPU, the compute shader on a GPU), "
                 "shader or cpu")
      ->check(CLI::IsMember({"auto", "shader", "cpu"}));
  // The field shader's arithmetic (also NNLIVE_FIELD_PRECISION).
  std::string field_precision;
  app.add_option("--field-precision", field_precision,
                 "the field shader's arithmetic for networks with two hidden layers or more: auto (default: in the window "
                 "the faster of fp32 and fp16x3, timed on the device; elsewhere fp32), fp32, "
                 "fp16x3 (tensor cores, fp16 split into high and low halves: within 1e-5 of fp32) or fp16 (one product: "
                 "faster, within about 2e-2); fp16x3 and fp16 need a GPU with fp16 cooperative matrices (VK_NV_cooperative_matrix)")
      ->check(CLI::IsMember({"auto", "fp32", "fp16x3", "fp16"}));
  nnlive::app::refuse_empty_values(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::CallForHelp& e) {
    return app.exit(e);
  } catch (const CLI::CallForAllHelp& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    // A command that needs one of its own (nnlive bench): name them.
    for (CLI::App* command : app.get_subcommands())
      if (command->get_require_subcommand_min() > 0 && command->get_subcommands().empty()) {
        std::string names;
        for (const CLI::App* sub : command->get_subcommands({}))
          names += (names.empty() ? "" : " or ") + sub->get_name();
        return fail(ExitCode::usage, command->get_name() + " needs what to do: " + names + " (see nnlive " +
                                         command->get_name() + " --help)");
      }
    return fail(ExitCode::usage, nnlive::app::plain_parse_error(e) + " (see nnlive --help)");
  }
  if (!field_engine.empty()) setenv("NNLIVE_FIELD_ENGINE", field_engine.c_str(), 1);
  if (!field_precision.empty()) setenv("NNLIVE_FIELD_PRECISION", field_precision.c_str(), 1);
  try {
    // Commands whose long loops check for Ctrl-C get the handler (a clean stop, exit 6); field
    // and bench are one GPU job each and keep the default (the process ends at once).
    if (!app.got_subcommand("field") && !app.got_subcommand("bench")) nnlive::core::install_interrupt_handlers();
    int rc = -1;
    for (const auto& run : commands)
      if (rc < 0) rc = run();
    if (rc < 0) rc = nnlive::app::run_default();
    if (const uint32_t n = nnlive::gpu::validation_messages_in_process(); n > 0 && rc == 0)
      return fail(ExitCode::internal, "the Vulkan validation layer reported " + std::to_string(n) + " message(s)");
    return rc;
  } catch (const nnlive::core::UserError& e) {
    return fail(e.code, e.what());
  } catch (const nnlive::gpu::GpuError& e) {
    return fail(ExitCode::gpu, e.what());
  } catch (const vk::DeviceLostError& e) {
    return fail(ExitCode::device_lost, std::string("the GPU device was lost (") + e.what() + "); start nnlive again");
  } catch (const vk::SystemError& e) {
    return fail(ExitCode::gpu, std::string("Vulkan failed: ") + e.what());
  } catch (const std::bad_alloc&) {
    return fail(ExitCode::internal, "out of memory");
  } catch (const std::exception& e) {
    return fail(ExitCode::internal, std::string("internal error: ") + e.what());
  }
}
