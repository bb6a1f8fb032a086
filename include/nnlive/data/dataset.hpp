// SPDX-License-Identifier: MIT
// Seeded 2-D classification datasets: generators, position and label noise, train/test split,
// user-added points and CSV import. Standard library only.
#pragma once
#include <array>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace nnlive::data {

struct Point {
  float x = 0.0f;
  float y = 0.0f;
  int label = 0;       // class index, 0..classes-1 (binary: 1 = blue, 0 = orange)
  bool noisy = false;  // the label was flipped by label noise
};

struct DatasetSpec {
  std::string name = "spiral";  // a generator from dataset_names(), or a path ending in ".csv"
  int points = 300;             // train + test points, 2..100000 (ignored for CSV: all rows are used)
  double noise = 0.0;           // position noise: Gaussian sd as a fraction of the dataset's scale, 0..1
  double label_noise = 0.0;     // fraction of labels flipped (each flipped point flagged), 0..0.5
  double test_ratio = 0.5;      // fraction of points held out for testing, 0..0.9
  int classes = 2;              // number of classes for "blobs", 2..8
  uint64_t seed = 1;
};

struct Dataset {
  std::vector<Point> train;
  std::vector<Point> test;
  std::vector<Point> user;        // user-added points; they train but are kept apart to be saved
  int classes = 2;
  std::array<double, 4> view{};   // suggested view x0, y0, x1, y1 (data units)
  std::array<std::string, 2> axis_names;  // what x and y measure ("" = unnamed)
  std::vector<std::string> class_names;   // per class, or empty (unnamed)

  // What the network trains on: train followed by user.
  std::vector<Point> training_points() const;
  // training_points()[i] without the copy; nullptr past the end.
  const Point* training_point(size_t i) const;
};

// Thrown for anything wrong with a dataset request or a CSV file; what() is one sentence.
struct DataError : std::runtime_error {
  using std::runtime_error::runtime_error;
};

// Generator names, in the order `nnlive --help` lists them.
const std::vector<std::string>& dataset_names();
bool is_csv_name(const std::string& name);

// Builds the dataset; same spec (seed included) gives the identical dataset. Throws DataError.
Dataset make_dataset(const DatasetSpec& spec);

// Reads `x,y,label` rows (an optional header line, blank lines and # comments are skipped).
// Labels are class indices 0..7; -1 is read as class 0. Throws DataError with file:line.
std::vector<Point> read_csv(const std::string& path);
// The same from text already read; `source` names it in errors.
std::vector<Point> parse_csv(const std::string& text, const std::string& source);

}  // namespace nnlive::data
