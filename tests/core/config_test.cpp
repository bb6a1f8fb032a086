// SPDX-License-Identifier: MIT
// Presets, TOML layering and strict error reporting, saving and loading back.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::core {
namespace {

namespace fs = std::filesystem;

struct TempDir {
  fs::path path = fs::temp_directory_path() / ("nnlive_config_test_" + std::to_string(::testing::UnitTest::GetInstance()->random_seed()) + "_" +
                                                std::to_string(reinterpret_cast<uintptr_t>(this)));
  TempDir() { fs::create_directories(path); }
  ~TempDir() { fs::remove_all(path); }
  std::string write(const std::string& name, const std::string& text) const {
    std::ofstream(path / name) << text;
    return (path / name).string();
  }
};

std::string error_of(const std::string& toml) {
  ExperimentConfig c;
  try {
    apply_toml(toml, "test.toml", "", c);
  } catch (const UserError& e) {
    EXPECT_EQ(e.code, ExitCode::bad_input);
    return e.what();
  }
  return "";
}

TEST(Presets, AllLoadValidateAndBuild) {
  const auto presets = list_presets();
  const std::vector<std::string> required{"spiral", "xor", "too-hot", "too-simple", "slow", "overfit",
                                          "xor-sigmoid", "playground", "fruit", "blobs"};
  for (const auto& name : required) {
    const auto it = std::find_if(presets.begin(), presets.end(), [&](const auto& p) { return p.name == name; });
    ASSERT_NE(it, presets.end()) << name;
    EXPECT_FALSE(it->description.empty()) << name;
    const core::Run run = build_run(load_preset(name));
    EXPECT_GT(run.trainer->model().param_count(), 0u);
  }
}

TEST(Presets, XorIsAsSpecified) {
  const ExperimentConfig c = load_preset("xor");
  EXPECT_EQ(c.hidden, std::vector<int>{4});
  EXPECT_EQ(c.activations[0], nn::Activation::tanh);
  EXPECT_EQ(c.loss, nn::Loss::bce);
  EXPECT_EQ(c.training.batch, 0);
  EXPECT_FLOAT_EQ(c.training.optimizer.lr, 0.3f);
  EXPECT_EQ(c.training.max_epochs, 4000);
  EXPECT_DOUBLE_EQ(c.training.stop_threshold, 0.02);
  EXPECT_EQ(c.training.stop_window, 200);
  EXPECT_FLOAT_EQ(load_preset("too-hot").training.optimizer.lr, 30.0f);
  EXPECT_TRUE(load_preset("too-simple").hidden.empty());
  EXPECT_FLOAT_EQ(load_preset("slow").training.optimizer.lr, 0.03f);
  EXPECT_TRUE(load_preset("fruit").error_pulses);  // S4's red backward pulse
  EXPECT_FALSE(c.error_pulses);
}

TEST(Presets, UnknownNameListsTheChoices) {
  try {
    load_preset("nope");
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(e.code, ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("spiral"), std::string::npos);
  }
}

TEST(Config, FileOverridesItsPresetKeyByKey) {
  TempDir dir;
  const auto path = dir.write("exp.toml", "preset = \"xor\"\nseed = 7\n[training]\nlearning_rate = 0.5\n");
  const ExperimentConfig c = load_experiment(std::nullopt, path);
  EXPECT_EQ(c.name, "xor");
  EXPECT_EQ(c.seed, 7u);
  EXPECT_FLOAT_EQ(c.training.optimizer.lr, 0.5f);
  EXPECT_EQ(c.hidden, std::vector<int>{4});  // from the preset
  // An explicit preset wins over the file's own preset key.
  EXPECT_EQ(load_experiment(std::string("fruit"), path).data.name, "fruit");
  // A file naming neither itself nor a preset is laid over the default preset but keeps its own
  // name: the file's, not "spiral".
  const auto own = dir.write("my-xor.toml", "[data]\ndataset = \"xor\"\n");
  EXPECT_EQ(load_experiment(std::nullopt, own).name, "my-xor");
  EXPECT_EQ(load_experiment(std::string("spiral"), own).name, "spiral");
  EXPECT_EQ(load_experiment(std::nullopt, dir.write("named.toml", "name = \"mine\"\n")).name, "mine");
}

TEST(Config, ErrorsNameFileLineAndProblem) {
  EXPECT_NE(error_of("seed = 1\n[model]\nhiden = [4]\n").find("test.toml:3: unknown key 'hiden' in [model]"), std::string::npos);
  EXPECT_NE(error_of("[data]\npoints = \"many\"\n").find("test.toml:2: 'points' must be an integer"), std::string::npos);
  EXPECT_NE(error_of("[model]\nactivation = \"swish\"\n").find("test.toml:2: unknown activation 'swish'"), std::string::npos);
  EXPECT_NE(error_of("seed = = 1\n").find("test.toml:1:"), std::string::npos);
  EXPECT_NE(error_of("[stop]\nendless = 1\n").find("test.toml:2: 'endless' must be true or false"), std::string::npos);
  EXPECT_NE(error_of("[training]\noptimizer = \"rmsprop\"\n").find("unknown optimizer"), std::string::npos);
  EXPECT_NE(error_of("view = [1, 2]\n").find("'view' is [x0, y0, x1, y1]"), std::string::npos);
  EXPECT_NE(error_of("data = 3\n").find("'data' must be a table"), std::string::npos);
  EXPECT_NE(error_of("[picture]\nerror_pulses = 2\n").find("test.toml:2: 'error_pulses' must be true or false"), std::string::npos);
  EXPECT_NE(error_of("[picture]\npulses = true\n").find("unknown key 'pulses' in [picture]"), std::string::npos);
  EXPECT_THROW(load_experiment(std::nullopt, std::string("/nonexistent/x.toml")), UserError);
}

TEST(Config, ValidationNamesTheValue) {
  ExperimentConfig c = load_preset("xor");
  c.training.optimizer.lr = 1000.0f;
  try {
    validate(c);
    FAIL();
  } catch (const UserError& e) {
    EXPECT_EQ(e.code, ExitCode::usage);
    EXPECT_NE(std::string(e.what()).find("learning rate"), std::string::npos);
  }
  c = load_preset("xor");
  c.hidden = std::vector<int>(9, 4);
  EXPECT_THROW(validate(c), UserError);
  c = load_preset("xor");
  c.training.max_epochs = -1;
  EXPECT_THROW(validate(c), UserError);
  c = load_preset("blobs");
  c.loss = nn::Loss::bce;  // 4 classes need softmax
  EXPECT_THROW(build_run(c), UserError);
}

TEST(Config, SavedTomlLoadsBackEqual) {
  TempDir dir;
  ExperimentConfig c = load_preset("playground");
  c.seed = 12345;
  c.user_points = {{1.5f, -2.25f, 1, false}, {0.0f, 3.0f, 0, false}};
  c.activations = {nn::Activation::relu, nn::Activation::gelu};
  c.features = {nn::Feature::x, nn::Feature::y, nn::Feature::sin_x};
  c.view = nn::View{-5, -4, 5, 4};
  c.training.l2 = 0.001f;
  c.error_pulses = true;
  c.training.confidence = 0.25f;
  const auto path = dir.write("saved.toml", to_toml(c));
  const ExperimentConfig d = load_experiment(std::nullopt, path);
  EXPECT_EQ(to_toml(c), to_toml(d));
  EXPECT_EQ(d.user_points.size(), 2u);
  EXPECT_FLOAT_EQ(d.user_points[0].y, -2.25f);
  EXPECT_EQ(build_run(d).dataset.user.size(), 2u);
  EXPECT_TRUE(d.error_pulses);
  EXPECT_FLOAT_EQ(d.training.confidence, 0.25f);
}

TEST(Config, CsvDatasetResolvesRelativeToTheConfigFile) {
  TempDir dir;
  dir.write("pts.csv", "x,y,label\n0,0,0\n1,1,1\n2,0,0\n3,1,1\n");
  const auto path = dir.write("exp.toml", "[data]\ndataset = \"pts.csv\"\ntest_ratio = 0.0\n");
  const core::Run run = build_run(load_experiment(std::nullopt, path));
  EXPECT_EQ(run.dataset.train.size(), 4u);
}

TEST(Config, ListParsing) {
  EXPECT_EQ(parse_hidden("24,24"), (std::vector<int>{24, 24}));
  EXPECT_TRUE(parse_hidden("none").empty());
  EXPECT_THROW(parse_hidden("24,x"), UserError);
  EXPECT_EQ(parse_features("x, y,x2,sin_x").size(), 4u);
  EXPECT_THROW(parse_features("z"), UserError);
  EXPECT_THROW(parse_activations("softmax"), UserError);
}

}  // namespace
}  // namespace nnlive::core
