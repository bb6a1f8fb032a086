// SPDX-License-Identifier: MIT
// Experiments side by side: the named comparisons build, share data and seed, and are named by
// what differs; the labels name every setting in which the experiments differ, and nothing else.
#include <gtest/gtest.h>

#include <algorithm>
#include <filesystem>
#include <fstream>

#include "experiment_flags.hpp"
#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive {
namespace {

std::vector<core::ExperimentConfig> resolve(const std::string& args, const std::vector<std::string>& compare,
                                            const std::string& set) {
  CLI::App app("test");
  app::ExperimentFlags flags;
  flags.add_to(app);
  app.parse(args, false);
  return flags.resolve_all(compare, set);
}

TEST(CompareSets, EachBuildsRunsOnTheSameDataAndSeed) {
  for (const auto& set : app::compare_sets()) {
    const auto configs = resolve("", {}, set.name);
    ASSERT_EQ(configs.size(), set.runs.size()) << set.name;
    ASSERT_GE(configs.size(), 2u);
    const core::Run first = core::build_run(configs[0]);
    for (const auto& c : configs) {
      EXPECT_EQ(c.seed, configs[0].seed) << c.name;
      EXPECT_TRUE(c.name.starts_with(set.name + ": ")) << c.name;
      const core::Run run = core::build_run(c);
      ASSERT_EQ(run.dataset.train.size(), first.dataset.train.size()) << c.name;
      for (size_t i = 0; i < run.dataset.train.size(); ++i) {
        EXPECT_EQ(run.dataset.train[i].x, first.dataset.train[i].x);
        EXPECT_EQ(run.dataset.train[i].label, first.dataset.train[i].label);
      }
    }
  }
}

TEST(CompareSets, NamesSayWhatDiffers) {
  auto names = [](const std::vector<core::ExperimentConfig>& cs) {
    std::vector<std::string> n;
    for (const auto& c : cs) n.push_back(c.name);
    return n;
  };
  EXPECT_EQ(names(resolve("", {}, "depth")), (std::vector<std::string>{"depth: 1x4", "depth: 2x8", "depth: 4x24"}));
  EXPECT_EQ(names(resolve("", {}, "activation")), (std::vector<std::string>{"activation: sigmoid", "activation: relu"}));
  EXPECT_EQ(names(resolve("", {}, "batch")), (std::vector<std::string>{"batch: batch 1", "batch: batch 32", "batch: full batch"}));
  // Over the user's own experiment: --preset replaces the set's base, flags apply to every run.
  const auto over = resolve("--preset xor --seed 7", {}, "width");
  for (const auto& c : over) {
    EXPECT_EQ(c.data.name, "xor");
    EXPECT_EQ(c.seed, 7u);
  }
  EXPECT_EQ(names(over), (std::vector<std::string>{"width: 1x8", "width: 1x64", "width: 1x512"}));
  // --compare: the main experiment's name, or the compared preset's, then the difference.
  EXPECT_EQ(names(resolve("--preset deep-relu", {"deep-sigmoid", "--lr 0.3"}, "")),
            (std::vector<std::string>{"deep-relu: relu, lr 0.03", "deep-sigmoid: sigmoid, lr 0.03", "deep-relu: relu, lr 0.3"}));
  // One experiment alone keeps its name.
  EXPECT_EQ(names(resolve("--preset xor", {}, "")), (std::vector<std::string>{"xor"}));
}

TEST(CompareSets, ASpecIsAPresetAFileFlagsOrFlagsOverAPresetOrFile) {
  const core::ExperimentConfig base = core::load_preset("spiral");
  const auto specs = app::resolve_compare(base, {"xor", "xor --lr 0.7 --seed 9", "  --hidden 8", "--preset xor --hidden 8"});
  ASSERT_EQ(specs.size(), 4u);
  EXPECT_EQ(specs[0].name, "xor");
  EXPECT_EQ(specs[0].data.name, "xor");
  EXPECT_EQ(specs[1].data.name, "xor");
  EXPECT_FLOAT_EQ(specs[1].training.optimizer.lr, 0.7f);
  EXPECT_EQ(specs[1].seed, 9u);
  EXPECT_EQ(specs[1].name, "xor");
  EXPECT_EQ(specs[2].data.name, "spiral");
  EXPECT_EQ(specs[2].hidden, std::vector<int>{8});
  EXPECT_EQ(specs[2].name, "spiral (hidden 8)");
  // Flags over another preset are named after that preset, not the main experiment.
  EXPECT_EQ(specs[3].data.name, "xor");
  EXPECT_EQ(specs[3].name, "xor");

  // A TOML file whose name has spaces and "--", with flags after it.
  const std::string dir = testing::TempDir() + "compare spec--dir";
  std::filesystem::create_directories(dir);
  const std::string file = dir + "/my -exp--1.toml";
  std::ofstream(file) << "preset = \"xor\"\n[training]\nlearning_rate = 0.2\n";
  const auto from_file = app::resolve_compare(base, {file, file + " --lr 0.4"});
  EXPECT_EQ(from_file[0].data.name, "xor");
  EXPECT_FLOAT_EQ(from_file[0].training.optimizer.lr, 0.2f);
  EXPECT_FLOAT_EQ(from_file[1].training.optimizer.lr, 0.4f);
  std::filesystem::remove_all(dir);

  // Each mistake is named: a blank, a quote kept as typed, a flag that is not an experiment's.
  auto error = [&](const std::string& spec) {
    try {
      app::resolve_compare(base, {spec});
    } catch (const core::UserError& e) {
      EXPECT_EQ(e.code, core::ExitCode::usage) << spec;
      return std::string(e.what());
    }
    return std::string("no error");
  };
  EXPECT_NE(error("  ").find("not a blank"), std::string::npos);
  EXPECT_NE(error("x\"y").find("unknown preset 'x\"y'"), std::string::npos) << error("x\"y");
  EXPECT_NE(error("--hidden 8 --layout field").find("'--layout field' is not an experiment flag"), std::string::npos)
      << error("--hidden 8 --layout field");
  EXPECT_NE(error("xor --hidden 8 extra").find("'extra' is not an experiment flag"), std::string::npos);
  EXPECT_NE(error("xor --hidden").find("--hidden"), std::string::npos);
}

TEST(CompareSets, DifferencesNameEverySettingThatDiffersAndNothingElse) {
  core::ExperimentConfig a = core::load_preset("spiral"), b = a, c = a;
  b.hidden = {8, 16};
  b.training.optimizer.lr = 0.5f;
  c.training.l2 = 0.001f;
  c.data.noise = 0.2;
  const auto labels = app::differences({a, b, c});
  // hidden, lr, L2 and noise differ somewhere; each label names all four, in that order.
  EXPECT_TRUE(labels[0].starts_with("2x24, lr ")) << labels[0];
  EXPECT_NE(labels[0].find(", L2 0, noise "), std::string::npos) << labels[0];
  EXPECT_EQ(std::count(labels[0].begin(), labels[0].end(), ','), 3) << labels[0];
  EXPECT_EQ(labels[1].substr(0, 12), "8-16, lr 0.5");
  EXPECT_NE(labels[2].find("L2 0.001"), std::string::npos) << labels[2];
  EXPECT_NE(labels[2].find("noise 0.2"), std::string::npos) << labels[2];
  // Numbers in 3 significant digits, or as many more as keep two different values apart.
  core::ExperimentConfig e = a, f = a;
  e.data.test_ratio = 1.0 / 3.0;
  e.training.optimizer.lr = 0.1001f;
  f.training.optimizer.lr = 0.1002f;
  EXPECT_EQ(app::differences({e, f}), (std::vector<std::string>{"lr 0.1001, test 0.333", "lr 0.1002, test 0.3"}));
  // Identical experiments are told apart by name only.
  core::ExperimentConfig d = a;
  d.name = "other";
  EXPECT_EQ(app::differences({a, d}), (std::vector<std::string>{a.name, "other"}));
}

}  // namespace
}  // namespace nnlive
