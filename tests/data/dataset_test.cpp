// SPDX-License-Identifier: MIT
// Dataset generators, noise, split and CSV import.
#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>

#include "nnlive/data/dataset.hpp"

namespace nnlive::data {
namespace {

class EveryGenerator : public testing::TestWithParam<std::string> {};

TEST_P(EveryGenerator, CountsLabelsAndDeterminism) {
  DatasetSpec s;
  s.name = GetParam();
  s.points = 101;
  s.test_ratio = 0.2;
  s.classes = 3;
  const Dataset a = make_dataset(s), b = make_dataset(s);
  EXPECT_EQ(a.train.size() + a.test.size(), 101u);
  EXPECT_EQ(a.test.size(), 20u);
  const int classes = s.name == "blobs" ? 3 : 2;
  EXPECT_EQ(a.classes, classes);
  std::vector<int> seen(classes, 0);
  for (const auto& p : a.train) {
    ASSERT_GE(p.label, 0);
    ASSERT_LT(p.label, classes);
    ++seen[p.label];
    EXPECT_TRUE(std::isfinite(p.x) && std::isfinite(p.y));
    EXPECT_GE(p.x, a.view[0]);
    EXPECT_LE(p.x, a.view[2]);
  }
  for (int c = 0; c < classes; ++c) EXPECT_GT(seen[c], 0) << "class " << c;
  ASSERT_EQ(a.train.size(), b.train.size());
  for (size_t i = 0; i < a.train.size(); ++i) {
    EXPECT_EQ(a.train[i].x, b.train[i].x);
    EXPECT_EQ(a.train[i].label, b.train[i].label);
  }
  s.seed = 99;
  const Dataset c = make_dataset(s);
  bool differs = false;
  for (size_t i = 0; i < a.train.size(); ++i) differs |= a.train[i].x != c.train[i].x;
  EXPECT_TRUE(differs);
}

std::vector<std::string> generators_with_points() {
  std::vector<std::string> out;
  for (const auto& n : dataset_names())
    if (n != "empty") out.push_back(n);
  return out;
}

INSTANTIATE_TEST_SUITE_P(All, EveryGenerator, testing::ValuesIn(generators_with_points()));

TEST(Dataset, FruitNamesItsAxesAndClasses) {
  DatasetSpec s;
  s.name = "fruit";
  const Dataset d = make_dataset(s);
  EXPECT_EQ(d.axis_names[0], "sweetness");
  EXPECT_EQ(d.axis_names[1], "redness");
  ASSERT_EQ(d.class_names.size(), 2u);
  EXPECT_EQ(d.class_names[1], "strawberry");  // class 1: sweet and red
  s.name = "xor";
  EXPECT_TRUE(make_dataset(s).class_names.empty());
}

TEST(Dataset, EmptyHasNoPointsAndAPlaygroundView) {
  DatasetSpec s;
  s.name = "empty";
  s.test_ratio = 0.3;
  const Dataset d = make_dataset(s);
  EXPECT_TRUE(d.train.empty());
  EXPECT_TRUE(d.test.empty());
  EXPECT_EQ(d.classes, 2);
  EXPECT_LT(d.view[0], d.view[2]);
}

TEST(Dataset, XorIsSymmetricWithAMarginAndTheSplitKeepsGroups) {
  DatasetSpec s;
  s.name = "xor";
  s.points = 60;
  s.test_ratio = 1.0 / 3.0;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    s.seed = seed;
    const Dataset d = make_dataset(s);
    ASSERT_EQ(d.test.size(), 20u);
    for (const auto* set : {&d.train, &d.test}) {
      double sx = 0, sy = 0;
      int per_quadrant[4] = {0, 0, 0, 0};
      for (const auto& p : *set) {
        EXPECT_GE(std::abs(p.x), 2.0f);  // the margin along each axis
        EXPECT_GE(std::abs(p.y), 2.0f);
        sx += p.x, sy += p.y;
        ++per_quadrant[(p.x > 0) + 2 * (p.y > 0)];
      }
      // Whole mirror groups: every quadrant has as many points, and they balance about the origin.
      for (int q = 1; q < 4; ++q) EXPECT_EQ(per_quadrant[q], per_quadrant[0]) << "seed " << seed;
      EXPECT_NEAR(sx, 0.0, 1e-3);
      EXPECT_NEAR(sy, 0.0, 1e-3);
    }
  }
}

TEST(Dataset, LabelNoiseFlipsTheSameFractionOfTrainAndTest) {
  DatasetSpec s;
  s.name = "circle";
  s.points = 90;
  s.test_ratio = 1.0 / 3.0;
  s.label_noise = 0.1;
  for (uint64_t seed = 1; seed <= 20; ++seed) {
    s.seed = seed;
    const Dataset d = make_dataset(s);
    auto noisy = [](const std::vector<Point>& v) { return std::count_if(v.begin(), v.end(), [](const Point& p) { return p.noisy; }); };
    EXPECT_EQ(noisy(d.test), 3) << "seed " << seed;
    EXPECT_EQ(noisy(d.train), 6) << "seed " << seed;
  }
}

TEST(Dataset, XorLabelsFollowQuadrants) {
  DatasetSpec s;
  s.name = "xor";
  s.points = 200;
  for (const auto& p : make_dataset(s).train) EXPECT_EQ(p.label, p.x * p.y >= 0 ? 1 : 0);
}

TEST(Dataset, FruitStaysInUnitSquare) {
  DatasetSpec s;
  s.name = "fruit";
  s.points = 500;
  const Dataset d = make_dataset(s);
  double sweet1 = 0, sweet0 = 0;
  int n1 = 0, n0 = 0;
  for (const auto& p : d.train) {
    EXPECT_GE(p.x, 0.0f);
    EXPECT_LE(p.x, 1.0f);
    (p.label ? sweet1 : sweet0) += p.x;
    (p.label ? n1 : n0)++;
  }
  EXPECT_GT(sweet1 / n1, sweet0 / n0 + 0.2);  // strawberries are sweeter
}

TEST(Dataset, LabelNoiseFlipsAndFlagsTheGivenFraction) {
  DatasetSpec s;
  s.name = "xor";
  s.points = 200;
  s.label_noise = 0.1;
  s.test_ratio = 0.0;
  int flagged = 0, wrong = 0;
  for (const auto& p : make_dataset(s).train) {
    flagged += p.noisy;
    wrong += p.label != (p.x * p.y >= 0 ? 1 : 0);
    if (p.noisy) {
      EXPECT_NE(p.label, p.x * p.y >= 0 ? 1 : 0);
    }
  }
  EXPECT_EQ(flagged, 20);
  EXPECT_EQ(wrong, 20);
}

TEST(Dataset, PositionNoiseMovesPoints) {
  DatasetSpec s;
  s.name = "spiral";
  const Dataset clean = make_dataset(s);
  s.noise = 0.1;
  const Dataset noisy = make_dataset(s);
  double moved = 0;
  for (size_t i = 0; i < clean.train.size(); ++i) moved += std::abs(clean.train[i].x - noisy.train[i].x);
  EXPECT_GT(moved / clean.train.size(), 0.1);
}

TEST(Dataset, RejectsOutOfRangeSpecs) {
  DatasetSpec s;
  s.points = 0;
  EXPECT_THROW(make_dataset(s), DataError);
  s = {};
  s.label_noise = 0.9;
  EXPECT_THROW(make_dataset(s), DataError);
  s = {};
  s.name = "mnist";
  EXPECT_THROW(make_dataset(s), DataError);
}

class Csv : public testing::Test {
 protected:
  std::string write(const std::string& text) {
    // (The process id: ctest runs tests side by side, each in a process of its own, and two of
    // them once wrote and removed the same file.)
    const auto path = std::filesystem::temp_directory_path() /
                      ("nnlive_csv_test_" + std::to_string(getpid()) + "_" + std::to_string(n_++) + ".csv");
    std::ofstream(path) << text;
    paths_.push_back(path.string());
    return path.string();
  }
  void TearDown() override {
    for (const auto& p : paths_) std::filesystem::remove(p);
  }
  std::string error_of(const std::string& text) {
    try {
      read_csv(write(text));
    } catch (const DataError& e) {
      return e.what();
    }
    return "";
  }
  std::vector<std::string> paths_;
  int n_ = 0;
};

TEST_F(Csv, ReadsWithAndWithoutHeader) {
  const auto a = read_csv(write("x,y,label\n1.5,-2,1\n0,0,0\n\n# comment\n3e-1, 4 ,-1\n"));
  ASSERT_EQ(a.size(), 3u);
  EXPECT_FLOAT_EQ(a[0].x, 1.5f);
  EXPECT_FLOAT_EQ(a[0].y, -2.0f);
  EXPECT_EQ(a[0].label, 1);
  EXPECT_FLOAT_EQ(a[2].x, 0.3f);
  EXPECT_EQ(a[2].label, 0);  // -1 reads as class 0
  EXPECT_EQ(read_csv(write("1,2,1\r\n3,4,0\r\n")).size(), 2u);
}

TEST_F(Csv, BadLinesNameFileAndLine) {
  EXPECT_NE(error_of("x,y,label\n1,2,1\n3,4\n").find(":3: expected 3 comma-separated values"), std::string::npos);
  EXPECT_NE(error_of("1,2,1\n1,abc,0\n").find(":2: y 'abc' is not a number within -1e6..1e6"), std::string::npos);
  // A bad first line is an error, not a header: only three names are a header.
  for (const char* first : {"nan,1,0", "abc,1,0", ",,", "x,y", "inf,y,label"})
    EXPECT_NE(error_of(std::string(first) + "\n1,2,1\n3,4,0\n").find(":1: "), std::string::npos) << first;
  EXPECT_NE(error_of("1e300,1,0\n1,2,1\n").find(":1: x '1e300' is not a number within -1e6..1e6"), std::string::npos);
  EXPECT_NE(error_of(std::string("1,2,1\n3,4,0\n") + '\0').find("NUL byte"), std::string::npos);
  EXPECT_NE(error_of("1,2,1\n1,2,9\n").find(":2: label '9'"), std::string::npos);
  EXPECT_NE(error_of("1,2,1\n1,2,0.5\n").find(":2: label"), std::string::npos);
  EXPECT_NE(error_of("1,2,1\nnan,2,0\n").find(":2: x"), std::string::npos);
  EXPECT_NE(error_of("x,y,label\n").find("needs at least 2 points"), std::string::npos);
  EXPECT_NE(error_of("").find("needs at least 2 points"), std::string::npos);
  EXPECT_THROW(read_csv("/nonexistent/points.csv"), DataError);
}

TEST_F(Csv, DatasetFromCsvInfersClassesAndView) {
  DatasetSpec s;
  s.name = write("0,0,0\n1,1,1\n2,2,2\n3,3,0\n4,4,1\n5,5,2\n");
  s.test_ratio = 0.0;
  const Dataset d = make_dataset(s);
  EXPECT_EQ(d.classes, 3);
  EXPECT_EQ(d.train.size(), 6u);
  EXPECT_LT(d.view[0], 0.0);
  EXPECT_GT(d.view[2], 5.0);
}

}  // namespace
}  // namespace nnlive::data
