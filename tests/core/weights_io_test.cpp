// SPDX-License-Identifier: MIT
// Weights file: export folds the input normalization; loading checks every field.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"
#include "nnlive/core/weights_io.hpp"

namespace nnlive::core {
namespace {

std::vector<float> outputs_at(const nn::Mlp& m, const nn::InputMap& map, float x, float y) {
  std::vector<float> in(map.size());
  map.apply(x, y, in.data());
  nn::Trace t;
  m.forward(in.data(), 1, t);
  return t.output();
}

TEST(Weights, ExportedFileDefinesTheSameFunctionOnDataCoordinates) {
  for (const char* preset : {"spiral", "blobs", "fruit"}) {
    ExperimentConfig c = load_preset(preset);
    c.features = {nn::Feature::x, nn::Feature::y, nn::Feature::x2, nn::Feature::xy, nn::Feature::sin_y};
    c.training.max_epochs = 5;
    core::Run run = build_run(c);
    while (!run.trainer->finished()) run.trainer->run_epoch();
    const LoadedNetwork net = parse_weights(weights_to_json(run.trainer->model(), run.input_map, run.view), "w.json");
    for (float v : net.input_map.scale) EXPECT_EQ(v, 1.0f);
    EXPECT_EQ(net.view, run.view);
    for (float x : {-4.0f, 0.3f, 5.5f})
      for (float y : {-1.0f, 0.0f, 2.5f}) {
        const auto a = outputs_at(run.trainer->model(), run.input_map, x, y);
        const auto b = outputs_at(net.mlp, net.input_map, x, y);
        ASSERT_EQ(a.size(), b.size());
        for (size_t k = 0; k < a.size(); ++k) EXPECT_NEAR(a[k], b[k], 1e-5) << preset << " at " << x << "," << y;
      }
  }
}

TEST(Weights, RoundTripIsExactWithoutNormalization) {
  const std::vector<int> hidden{3, 2};
  nn::Mlp m(2, hidden, std::vector<nn::Activation>{nn::Activation::relu, nn::Activation::sin}, 3, nn::Activation::softmax);
  m.init(3);
  const auto map = nn::InputMap::identity({nn::Feature::x, nn::Feature::y});
  const LoadedNetwork net = parse_weights(weights_to_json(m, map, {-1, -2, 3, 4}), "w.json");
  EXPECT_EQ(net.mlp.params(), m.params());
  EXPECT_EQ(net.mlp.layers()[1].activation, nn::Activation::sin);
  EXPECT_EQ(net.mlp.output_activation(), nn::Activation::softmax);
}

std::string error_of(const std::string& json) {
  try {
    parse_weights(json, "w.json");
  } catch (const UserError& e) {
    EXPECT_EQ(e.code, ExitCode::bad_input);
    return e.what();
  }
  return "";
}

TEST(Weights, MalformedFilesAreRejectedWithAReason) {
  const std::string head = R"({"format": "nnlive.mlp/1", "features": ["x", "y"], )";
  EXPECT_NE(error_of("{").find("not valid JSON"), std::string::npos);
  EXPECT_NE(error_of(R"({"format": "other"})").find("\"format\""), std::string::npos);
  EXPECT_NE(error_of(head + R"("layers": []})").find("non-empty"), std::string::npos);
  EXPECT_NE(error_of(head + R"("layers": [{"activation": "sigmoid", "weights": [[1]], "bias": [0]}]})").find("must have 2 weights"),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("layers": [{"activation": "sigmoid", "weights": [[1, 2]], "bias": []}]})").find("\"bias\" with 1"),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("layers": [{"activation": "tanh", "weights": [[1, 2]], "bias": [0]}]})").find("output layer"),
            std::string::npos);
  EXPECT_NE(error_of(head + R"("layers": [{"activation": "sigmoid", "weights": [[1, "a"]], "bias": [0]}]})").find("must be a number"),
            std::string::npos);
  EXPECT_NE(error_of(R"({"format": "nnlive.mlp/1", "features": ["q"], "layers": []})").find("unknown feature"), std::string::npos);
  EXPECT_NE(error_of(head + R"("view": [1, 1, 0, 2], "layers": [{"activation": "sigmoid", "weights": [[1, 2]], "bias": [0]}]})")
                .find("x1 > x0"),
            std::string::npos);
  EXPECT_THROW(load_weights("/nonexistent/w.json"), UserError);
}

TEST(FileIo, NpyHeaderAndPayload) {
  const auto path = (std::filesystem::temp_directory_path() / "nnlive_test.npy").string();
  const float data[6] = {0, 1, 2, 3, 4, 5};
  write_npy(path, {2, 3}, data);
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), {});
  std::filesystem::remove(path);
  ASSERT_EQ(bytes.substr(0, 8), std::string("\x93NUMPY\x01\x00", 8));
  const size_t header_len = uint8_t(bytes[8]) | (uint8_t(bytes[9]) << 8);
  EXPECT_EQ((10 + header_len) % 64, 0u);
  EXPECT_NE(bytes.find("'shape': (2, 3)"), std::string::npos);
  EXPECT_NE(bytes.find("'descr': '<f4'"), std::string::npos);
  ASSERT_EQ(bytes.size(), 10 + header_len + sizeof(data));
  EXPECT_EQ(std::memcmp(bytes.data() + 10 + header_len, data, sizeof(data)), 0);
}

TEST(FileIo, FailedWriteLeavesNothingBehind) {
  const auto dir = std::filesystem::temp_directory_path() / "nnlive_atomic_test";
  std::filesystem::create_directories(dir);
  const auto path = (dir / "out.txt").string();
  EXPECT_THROW(write_file_atomically(path, [](std::ostream& o) {
                 o << "partial";
                 throw UserError(ExitCode::output, "simulated failure");
               }),
               UserError);
  EXPECT_TRUE(std::filesystem::is_empty(dir));
  EXPECT_THROW(write_file_atomically("/nonexistent/dir/out.txt", [](std::ostream&) {}), UserError);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace nnlive::core
