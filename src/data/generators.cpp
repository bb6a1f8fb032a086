// SPDX-License-Identifier: MIT
// Dataset generators (playground-style coordinates within about [-5, 5]; fruit within [0, 1]),
// noise, label noise and the seeded train/test split.
#include <algorithm>
#include <cmath>
#include <numbers>
#include <tuple>

#include "nnlive/common/rng.hpp"
#include "nnlive/data/dataset.hpp"

namespace nnlive::data {
namespace {

constexpr double k_pi = std::numbers::pi;
constexpr double k_radius = 5.0;  // extent of the playground-style datasets
constexpr std::array<double, 4> k_playground_view{-6.0, -6.0, 6.0, 6.0};

struct Generated {
  std::vector<Point> points;
  double scale = k_radius;  // what position noise is a fraction of
  std::array<double, 4> view = k_playground_view;
  int classes = 2;
  int group = 1;  // consecutive points that belong together: the train/test split never parts them
  std::array<std::string, 2> axis_names;
  std::vector<std::string> class_names;
};

Point pt(double x, double y, int label) { return {static_cast<float>(x), static_cast<float>(y), label, false}; }

// XOR: four clusters, one per quadrant, in groups of four mirror images. A band of
// 2 * k_margin along each axis holds no points, so a network that has learnt XOR is right on
// held-out points as well. Base positions follow a randomly shifted R2 low-discrepancy sequence
// rather than independent draws, so every part of a quadrant has points (no empty corner for a
// held-out point to fall into). Each group is (x, y), (-x, -y) of class 1 and (-x, y), (x, -y) of
// class 0: the split keeps groups together, so train and test sets are symmetric and the best a
// straight line can do is exactly chance (p = 0.5 everywhere), as S1's "too simple" claims.
Generated gen_xor(int n, Rng& r) {
  constexpr double k_margin = 2.0;
  constexpr double k_a1 = 0.7548776662466927, k_a2 = 0.5698402909980532;  // 1/g, 1/g^2 with g^3 = g + 1
  Generated g;
  g.group = 4;
  const double sx = r.uniform(0.0, 1.0), sy = r.uniform(0.0, 1.0);
  for (int i = 0; g.points.size() < size_t(n); ++i) {
    const double x = k_margin + std::fmod(sx + i * k_a1, 1.0) * (k_radius - k_margin);
    const double y = k_margin + std::fmod(sy + i * k_a2, 1.0) * (k_radius - k_margin);
    for (const auto& [px, py, label] : {std::tuple{x, y, 1}, {-x, -y, 1}, {-x, y, 0}, {x, -y, 0}})
      if (g.points.size() < size_t(n)) g.points.push_back(pt(px, py, label));
  }
  return g;
}

Generated gen_circle(int n, Rng& r) {
  Generated g;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2 == 0 ? 1 : 0;  // 1: the disc inside, 0: the ring around it
    const double rad = label == 1 ? r.uniform(0.0, 0.5 * k_radius) : r.uniform(0.7 * k_radius, k_radius);
    const double a = r.uniform(0.0, 2.0 * k_pi);
    g.points.push_back(pt(rad * std::sin(a), rad * std::cos(a), label));
  }
  return g;
}

Generated gen_spiral(int n, Rng&) {
  Generated g;
  const int half = n / 2;
  for (int arm = 0; arm < 2; ++arm) {
    const int m = arm == 0 ? n - half : half;
    for (int i = 0; i < m; ++i) {
      // The arms start a tenth of the way out, opposite each other, so the two classes never
      // share the centre (where arms that both start at the origin are indistinguishable).
      const double t = double(i) / std::max(m, 1);
      const double rad = (0.1 + 0.9 * t) * k_radius;
      const double a = 1.75 * t * 2.0 * k_pi + (arm == 0 ? 0.0 : k_pi);
      g.points.push_back(pt(rad * std::sin(a), rad * std::cos(a), arm == 0 ? 1 : 0));
    }
  }
  return g;
}

Generated gen_moons(int n, Rng& r) {
  Generated g;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2 == 0 ? 1 : 0;
    const double a = r.uniform(0.0, k_pi);
    // Upper moon: unit half circle; lower moon: shifted, flipped copy. Centred and scaled.
    const double x = label == 1 ? std::cos(a) : 1.0 - std::cos(a);
    const double y = label == 1 ? std::sin(a) : 0.5 - std::sin(a);
    g.points.push_back(pt((x - 0.5) * 3.2, (y - 0.25) * 3.2, label));
  }
  return g;
}

Generated gen_gaussians(int n, Rng& r) {
  Generated g;
  for (int i = 0; i < n; ++i) {
    const int label = i % 2 == 0 ? 1 : 0;
    const double c = label == 1 ? 2.0 : -2.0;
    g.points.push_back(pt(r.normal(c, 1.0), r.normal(c, 1.0), label));
  }
  return g;
}

Generated gen_blobs(int n, int k, Rng& r) {
  Generated g;
  g.classes = k;
  for (int i = 0; i < n; ++i) {
    const int label = i % k;
    const double a = 2.0 * k_pi * label / k + 0.25 * k_pi;
    g.points.push_back(pt(r.normal(3.5 * std::cos(a), 0.9), r.normal(3.5 * std::sin(a), 0.9), label));
  }
  return g;
}

Generated gen_linear(int n, Rng& r) {
  Generated g;
  for (int i = 0; i < n; ++i) {
    const double x = r.uniform(-k_radius, k_radius), y = r.uniform(-k_radius, k_radius);
    g.points.push_back(pt(x, y, y > 0.6 * x + 0.5 ? 1 : 0));
  }
  return g;
}

// Sweetness (x) and redness (y) in [0, 1]: strawberries (1) sweet and red, lemons (0) neither.
Generated gen_fruit(int n, Rng& r) {
  Generated g;
  g.scale = 1.0;
  g.view = {-0.05, -0.05, 1.05, 1.05};
  g.axis_names = {"sweetness", "redness"};
  g.class_names = {"lemon", "strawberry"};
  for (int i = 0; i < n; ++i) {
    const int label = i % 2 == 0 ? 1 : 0;
    const double sx = std::clamp(r.normal(label ? 0.70 : 0.32, 0.12), 0.0, 1.0);
    const double sy = std::clamp(r.normal(label ? 0.72 : 0.30, 0.12), 0.0, 1.0);
    g.points.push_back(pt(sx, sy, label));
  }
  return g;
}

Generated gen_csv(const std::string& path) {
  Generated g;
  g.points = read_csv(path);
  int max_label = 1;
  float x0 = g.points[0].x, x1 = x0, y0 = g.points[0].y, y1 = y0;
  for (const auto& p : g.points) {
    max_label = std::max(max_label, p.label);
    x0 = std::min(x0, p.x), x1 = std::max(x1, p.x), y0 = std::min(y0, p.y), y1 = std::max(y1, p.y);
  }
  g.classes = max_label + 1;
  // View: the data's bounding box with a 10% margin, never degenerate.
  const double mx = std::max(0.1 * (x1 - x0), 1e-3), my = std::max(0.1 * (y1 - y0), 1e-3);
  g.view = {x0 - mx, y0 - my, x1 + mx, y1 + my};
  const double ext = std::max(x1 - x0, y1 - y0);
  g.scale = ext > 0 ? 0.5 * ext : 1.0;
  return g;
}

template <class T>
void check_range(const char* what, T v, T lo, T hi) {
  if (!(v >= lo && v <= hi))
    throw DataError(std::string(what) + " must be between " + std::to_string(lo) + " and " + std::to_string(hi) +
                    ", got " + std::to_string(v));
}

}  // namespace

std::vector<Point> Dataset::training_points() const {
  std::vector<Point> all = train;
  all.insert(all.end(), user.begin(), user.end());
  return all;
}

const Point* Dataset::training_point(size_t i) const {
  if (i < train.size()) return &train[i];
  return i - train.size() < user.size() ? &user[i - train.size()] : nullptr;
}

const std::vector<std::string>& dataset_names() {
  static const std::vector<std::string> names{"xor",   "circle", "spiral", "moons", "gaussians",
                                              "blobs", "linear", "fruit", "empty"};
  return names;
}

bool is_csv_name(const std::string& name) {
  return name.size() > 4 && name.compare(name.size() - 4, 4, ".csv") == 0;
}

Dataset make_dataset(const DatasetSpec& spec) {
  check_range("the number of points", spec.points, 2, 100000);
  check_range("the position noise", spec.noise, 0.0, 1.0);
  check_range("the label noise", spec.label_noise, 0.0, 0.5);
  check_range("the test ratio", spec.test_ratio, 0.0, 0.9);
  check_range("the number of classes", spec.classes, 2, 8);

  Rng gen_rng(derive_seed(spec.seed, 11));
  Generated g;
  const std::string& s = spec.name;
  if (is_csv_name(s)) g = gen_csv(s);
  else if (s == "xor") g = gen_xor(spec.points, gen_rng);
  else if (s == "circle") g = gen_circle(spec.points, gen_rng);
  else if (s == "spiral") g = gen_spiral(spec.points, gen_rng);
  else if (s == "moons") g = gen_moons(spec.points, gen_rng);
  else if (s == "gaussians") g = gen_gaussians(spec.points, gen_rng);
  else if (s == "blobs") g = gen_blobs(spec.points, spec.classes, gen_rng);
  else if (s == "linear") g = gen_linear(spec.points, gen_rng);
  else if (s == "fruit") g = gen_fruit(spec.points, gen_rng);
  else if (s == "empty") g = Generated{};  // only the points a user places (the count is ignored)
  else {
    std::string list;
    for (const auto& n : dataset_names()) list += (list.empty() ? "" : ", ") + n;
    throw DataError("unknown dataset '" + s + "'; choose one of " + list + ", or a .csv file");
  }

  Rng noise_rng(derive_seed(spec.seed, 12));
  std::vector<Point>& pts = g.points;
  if (spec.noise > 0.0) {
    const double sd = spec.noise * g.scale;
    for (auto& p : pts) {
      p.x += static_cast<float>(noise_rng.normal() * sd);
      p.y += static_cast<float>(noise_rng.normal() * sd);
    }
  }

  auto shuffle = [&](std::vector<size_t>& idx) {
    for (size_t i = idx.size(); i-- > 1;) std::swap(idx[i], idx[noise_rng.below(i + 1)]);
  };
  // The split shuffles whole groups (see Generated::group) and takes the first `n_test` points
  // as the test set, rounded to whole groups.
  const size_t group = size_t(std::max(g.group, 1));
  std::vector<size_t> groups((pts.size() + group - 1) / group);
  for (size_t i = 0; i < groups.size(); ++i) groups[i] = i;
  shuffle(groups);
  std::vector<size_t> idx;
  for (size_t gi : groups)
    for (size_t i = gi * group; i < std::min(pts.size(), (gi + 1) * group); ++i) idx.push_back(i);
  size_t n_test = static_cast<size_t>(std::llround(spec.test_ratio * double(pts.size())));
  if (group > 1) n_test = std::min(pts.size(), (n_test + group / 2) / group * group);
  if (!pts.empty() && n_test >= pts.size()) throw DataError("the test ratio leaves no training points");

  // Label noise flips the same fraction of the test set and of the training set (a random pick
  // within each), so a held-out score is never skewed by where the flipped labels happened to go.
  auto flip_some = [&](std::vector<size_t> part) {
    const auto flips = static_cast<size_t>(std::llround(spec.label_noise * double(part.size())));
    if (flips == 0) return;
    shuffle(part);
    for (size_t i = 0; i < flips; ++i) {
      Point& p = pts[part[i]];
      const int shift = 1 + static_cast<int>(noise_rng.below(uint64_t(g.classes - 1)));
      p.label = (p.label + shift) % g.classes;
      p.noisy = true;
    }
  };
  flip_some({idx.begin(), idx.begin() + std::ptrdiff_t(n_test)});
  flip_some({idx.begin() + std::ptrdiff_t(n_test), idx.end()});

  Dataset d;
  d.classes = g.classes;
  d.view = g.view;
  d.axis_names = g.axis_names;
  d.class_names = g.class_names;
  for (size_t i = 0; i < idx.size(); ++i) (i < n_test ? d.test : d.train).push_back(pts[idx[i]]);
  return d;
}

}  // namespace nnlive::data
