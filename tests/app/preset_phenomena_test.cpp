// SPDX-License-Identifier: MIT
// Every preset shows its phenomenon (shared/SEEDS.md) for seeds 1-20, not just for its default
// seed: each run goes through the public CLI (`nnlive train --metrics`), and each claim is a
// number checked on the curves. Prints the table of phenomena x seeds that hold.
#include <gtest/gtest.h>

#include <sys/wait.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace {

namespace fs = std::filesystem;
constexpr int k_seeds = 20;

// One run's per-epoch metrics (index = epoch, 0 = before training) and its JSON summary.
struct Curves {
  std::vector<double> train_loss, test_loss, train_acc, test_acc;
  nlohmann::json summary;
  int epochs() const { return static_cast<int>(train_loss.size()) - 1; }
};

Curves train(const std::string& preset, int seed, const std::string& extra = "") {
  const fs::path dir = fs::temp_directory_path() / ("nnlive_presets_" + preset + "_" + std::to_string(seed));
  fs::create_directories(dir);
  const std::string metrics = (dir / "m.csv").string(), out = (dir / "out.txt").string();
  const std::string cmd = std::string(NNLIVE_BINARY) + " train --preset " + preset + " --seed " + std::to_string(seed) +
                          " " + extra + " --metrics '" + metrics + "' >'" + out + "' 2>&1 </dev/null";
  const int status = std::system(cmd.c_str());
  Curves c;
  std::ifstream in(out);
  std::string line, last;
  while (std::getline(in, line))
    if (!line.empty()) last = line;
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << cmd << "\n" << last;
  c.summary = nlohmann::json::parse(last, nullptr, false);
  std::ifstream csv(metrics);
  std::getline(csv, line);  // header
  auto field = [](std::istringstream& is) {
    std::string s;
    std::getline(is, s, ',');
    return s.empty() ? std::nan("") : std::stod(s);
  };
  while (std::getline(csv, line)) {
    std::istringstream is(line);
    field(is);  // epoch
    c.train_loss.push_back(field(is));
    c.test_loss.push_back(field(is));
    c.train_acc.push_back(field(is));
    c.test_acc.push_back(field(is));
  }
  fs::remove_all(dir);
  return c;
}

// First epoch at which v is below x; -1 if never.
int first_below(const std::vector<double>& v, double x) {
  for (size_t e = 0; e < v.size(); ++e)
    if (v[e] < x) return static_cast<int>(e);
  return -1;
}
int argmin(const std::vector<double>& v) { return static_cast<int>(std::min_element(v.begin(), v.end()) - v.begin()); }
double max_from(const std::vector<double>& v, int from) {
  return from < 0 || from >= int(v.size()) ? 0.0 : *std::max_element(v.begin() + from, v.end());
}
// Epochs whose loss is more than `ratio` times the one before (a jump up).
int jumps(const std::vector<double>& v, double ratio, int from = 1) {
  int n = 0;
  for (size_t e = std::max(from, 1); e < v.size(); ++e) n += v[e] > ratio * v[e - 1];
  return n;
}
// Finite metrics throughout (a run with no test set has none to check there).
bool all_finite(const Curves& c) {
  const bool has_test = !c.test_loss.empty() && !std::isnan(c.test_loss[0]);
  for (const auto* v : {&c.train_loss, &c.test_loss, &c.train_acc, &c.test_acc}) {
    if (!has_test && (v == &c.test_loss || v == &c.test_acc)) continue;
    for (double x : *v)
      if (!std::isfinite(x)) return false;
  }
  return !c.train_loss.empty();
}
bool paused(const Curves& c) { return c.summary.is_object() && c.summary["paused_at"].is_number(); }
bool diverged(const Curves& c) { return !c.summary.is_object() || c.summary["diverged"] != false; }

// A claim checked on one run: its name and a test that also says what it measured.
struct Claim {
  std::string name;
  std::function<bool(const Curves&, std::ostream&)> holds;
};

// Runs the preset for seeds 1..k_seeds, prints which claims hold for how many seeds and fails
// with the seed and the measured values for each one that does not.
void expect_for_every_seed(const std::string& preset, const std::vector<Claim>& claims, const std::string& extra = "") {
  std::vector<int> held(claims.size(), 0);
  for (int seed = 1; seed <= k_seeds; ++seed) {
    const Curves c = train(preset, seed, extra);
    for (size_t i = 0; i < claims.size(); ++i) {
      std::ostringstream what;
      const bool ok = claims[i].holds(c, what);
      held[i] += ok;
      EXPECT_TRUE(ok) << preset << " seed " << seed << ": " << claims[i].name << " does not hold (" << what.str() << ")";
    }
  }
  for (size_t i = 0; i < claims.size(); ++i)
    std::cout << "[ phenomena ] " << preset << ": " << claims[i].name << ": " << held[i] << "/" << k_seeds << " seeds\n";
}

// A claim comparing two presets run with the same seed (one knob apart).
struct PairClaim {
  std::string name;
  std::function<bool(const Curves&, const Curves&, std::ostream&)> holds;
};

void expect_pair_for_every_seed(const std::string& a, const std::string& b, const std::vector<PairClaim>& claims) {
  std::vector<int> held(claims.size(), 0);
  for (int seed = 1; seed <= k_seeds; ++seed) {
    const Curves ca = train(a, seed), cb = train(b, seed);
    for (size_t i = 0; i < claims.size(); ++i) {
      std::ostringstream what;
      const bool ok = all_finite(ca) && all_finite(cb) && claims[i].holds(ca, cb, what);
      held[i] += ok;
      EXPECT_TRUE(ok) << a << " vs " << b << " seed " << seed << ": " << claims[i].name << " does not hold (" << what.str() << ")";
    }
  }
  for (size_t i = 0; i < claims.size(); ++i)
    std::cout << "[ phenomena ] " << a << " vs " << b << ": " << claims[i].name << ": " << held[i] << "/" << k_seeds << " seeds\n";
}

// Mean |change of log loss| per epoch: how jagged a curve is.
double roughness(const std::vector<double>& v) {
  double total = 0.0;
  for (size_t e = 1; e < v.size(); ++e) total += std::abs(std::log(v[e]) - std::log(v[e - 1]));
  return v.size() > 1 ? total / double(v.size() - 1) : 0.0;
}

Claim finite_and_not_diverged() {
  return {"finite, never diverged", [](const Curves& c, std::ostream& os) {
            os << "diverged " << diverged(c);
            return all_finite(c) && !diverged(c);
          }};
}
Claim final_accuracy(double train_min, double test_min, double test_max = 1.0) {
  return {"train acc >= " + std::to_string(train_min).substr(0, 4) + ", test acc in [" + std::to_string(test_min).substr(0, 4) +
              ", " + std::to_string(test_max).substr(0, 4) + "]",
          [=](const Curves& c, std::ostream& os) {
            os << "train " << c.train_acc.back() << ", test " << c.test_acc.back();
            return c.train_acc.back() >= train_min && c.test_acc.back() >= test_min && c.test_acc.back() <= test_max;
          }};
}

TEST(PresetPhenomena, SpiralPlateauThenCliffThenCleanFit) {
  expect_for_every_seed(
      "spiral",
      {finite_and_not_diverged(),
       {"plateau: loss above 0.55 and accuracy near a coin flip for 120+ epochs",
        [](const Curves& c, std::ostream& os) {
          const int leave = first_below(c.train_loss, 0.55);
          os << "loss below 0.55 at epoch " << leave << ", train acc at 100: " << c.train_acc[100];
          return leave >= 120 && c.train_acc[100] <= 0.7;
        }},
       {"cliff: from 0.55 to below 0.1 in under 600 epochs, by epoch 1000",
        [](const Curves& c, std::ostream& os) {
          const int a = first_below(c.train_loss, 0.55), b = first_below(c.train_loss, 0.1);
          os << "0.55 at " << a << ", 0.1 at " << b;
          return a >= 0 && b >= 0 && b - a < 600 && b <= 1000;
        }},
       {"clean: never back above 0.2 or jumping x1.5 once below 0.1",
        [](const Curves& c, std::ostream& os) {
          const int b = first_below(c.train_loss, 0.1);
          os << "max after " << max_from(c.train_loss, b) << ", jumps " << jumps(c.train_loss, 1.5, b + 1);
          return b >= 0 && max_from(c.train_loss, b) <= 0.2 && jumps(c.train_loss, 1.5, b + 1) == 0;
        }},
       final_accuracy(0.99, 0.95),
       {"no stop rule: trains to the cap (endless in the window)",
        [](const Curves& c, std::ostream& os) {
          os << "epochs " << c.epochs() << ", paused " << paused(c);
          return !paused(c) && c.epochs() == 3000;
        }}});
}

TEST(PresetPhenomena, XorConvergesAndAutoPauses) {
  expect_for_every_seed("xor", {finite_and_not_diverged(),
                                {"starts near ln 2 (0.6 to 1.0)",
                                 [](const Curves& c, std::ostream& os) {
                                   os << "epoch 0 loss " << c.train_loss[0];
                                   return c.train_loss[0] > 0.6 && c.train_loss[0] < 1.0;
                                 }},
                                final_accuracy(1.0, 1.0),
                                {"auto-pauses by epoch 2000",
                                 [](const Curves& c, std::ostream& os) {
                                   os << "epochs " << c.epochs() << ", paused " << paused(c);
                                   return paused(c) && c.epochs() <= 2000;
                                 }}});
}

TEST(PresetPhenomena, XorSigmoidConvergesAndAutoPauses) {
  expect_for_every_seed("xor-sigmoid", {finite_and_not_diverged(), final_accuracy(1.0, 1.0),
                                        {"auto-pauses before the cap",
                                         [](const Curves& c, std::ostream& os) {
                                           os << "epochs " << c.epochs() << ", paused " << paused(c);
                                           return paused(c);
                                         }}});
}

TEST(PresetPhenomena, TooSimpleSitsAtChanceForever) {
  expect_for_every_seed("too-simple", {finite_and_not_diverged(),
                                       {"both losses at ln 2 = 0.693 (within 0.01) at the cap",
                                        [](const Curves& c, std::ostream& os) {
                                          os << "train " << c.train_loss.back() << ", test " << c.test_loss.back();
                                          return std::abs(c.train_loss.back() - std::log(2.0)) < 0.01 &&
                                                 std::abs(c.test_loss.back() - std::log(2.0)) < 0.01;
                                        }},
                                       {"accuracy near chance (train 0.35-0.65, test 0.3-0.7)",
                                        [](const Curves& c, std::ostream& os) {
                                          os << "train " << c.train_acc.back() << ", test " << c.test_acc.back();
                                          return c.train_acc.back() >= 0.35 && c.train_acc.back() <= 0.65 &&
                                                 c.test_acc.back() >= 0.3 && c.test_acc.back() <= 0.7;
                                        }},
                                       {"never pauses: runs to the 4000-epoch cap",
                                        [](const Curves& c, std::ostream& os) {
                                          os << "epochs " << c.epochs();
                                          return !paused(c) && c.epochs() == 4000;
                                        }}});
}

TEST(PresetPhenomena, SlowIsStillFallingAtTheCap) {
  expect_for_every_seed("slow", {finite_and_not_diverged(),
                                 {"reaches the 4000-epoch cap without pausing",
                                  [](const Curves& c, std::ostream& os) {
                                    os << "epochs " << c.epochs();
                                    return !paused(c) && c.epochs() == 4000;
                                  }},
                                 {"still falling: loss at 4000 below 0.8 x loss at 3000",
                                  [](const Curves& c, std::ostream& os) {
                                    os << "3000: " << c.train_loss[3000] << ", 4000: " << c.train_loss.back();
                                    return c.epochs() == 4000 && c.train_loss.back() < 0.8 * c.train_loss[3000];
                                  }},
                                 {"not stuck: loss at the cap below 0.3",
                                  [](const Curves& c, std::ostream& os) {
                                    os << "loss " << c.train_loss.back();
                                    return c.train_loss.back() < 0.3;
                                  }}});
}

TEST(PresetPhenomena, OverfitTestLossTurnsAndRises) {
  expect_for_every_seed("overfit", {finite_and_not_diverged(),
                                    {"test loss lowest between epochs 20 and 1000",
                                     [](const Curves& c, std::ostream& os) {
                                       os << "lowest at " << argmin(c.test_loss);
                                       return argmin(c.test_loss) >= 20 && argmin(c.test_loss) <= 1000;
                                     }},
                                    {"then rises: final test loss >= 1.3 x its minimum",
                                     [](const Curves& c, std::ostream& os) {
                                       const double lo = c.test_loss[argmin(c.test_loss)];
                                       os << "min " << lo << ", final " << c.test_loss.back();
                                       return c.test_loss.back() >= 1.3 * lo;
                                     }},
                                    {"while training loss falls below 0.1",
                                     [](const Curves& c, std::ostream& os) {
                                       os << "final train loss " << c.train_loss.back();
                                       return c.train_loss.back() < 0.1;
                                     }},
                                    final_accuracy(0.95, 0.6, 0.9)});
}

TEST(PresetPhenomena, TooHotThrashesButStaysFinite) {
  expect_for_every_seed("too-hot", {finite_and_not_diverged(),
                                    {"never settles: to the 4000-epoch cap, 50+ jumps of x1.5 in the last 1000 epochs",
                                     [](const Curves& c, std::ostream& os) {
                                       const int late = jumps(c.train_loss, 1.5, c.epochs() - 999);
                                       os << "epochs " << c.epochs() << ", paused " << paused(c) << ", " << late << " late jumps";
                                       return !paused(c) && c.epochs() == 4000 && late >= 50;
                                     }},
                                    {"chaotic, not a cycle: in 90%+ of the last 1000 epochs the loss is 1%+ off its value two epochs before",
                                     [](const Curves& c, std::ostream& os) {
                                       int off = 0;
                                       for (int e = c.epochs() - 999; e <= c.epochs(); ++e)
                                         off += std::abs(c.train_loss[size_t(e)] - c.train_loss[size_t(e - 2)]) > 0.01 * c.train_loss[size_t(e)];
                                       os << off << " of 1000";
                                       return off >= 900;
                                     }},
                                    {"bounded: loss never above 100",
                                     [](const Curves& c, std::ostream& os) {
                                       os << "max " << max_from(c.train_loss, 0);
                                       return max_from(c.train_loss, 0) <= 100.0;
                                     }}});
}

TEST(PresetPhenomena, BlobsFruitAndPlaygroundLearn) {
  expect_for_every_seed("blobs", {finite_and_not_diverged(), final_accuracy(0.95, 0.95)});
  expect_for_every_seed("fruit", {finite_and_not_diverged(), final_accuracy(0.9, 0.9)});
  expect_for_every_seed("playground", {finite_and_not_diverged(), final_accuracy(0.8, 0.75)});
}

// The playground builder's exercises (S3) and S1's capacity ladder, each a pair or a ladder of
// presets one knob apart, compared seed by seed.
TEST(PresetPhenomena, VanishingGradientsSigmoidStallsWhereReluLearns) {
  expect_pair_for_every_seed("deep-sigmoid", "deep-relu",
                             {{"sigmoid x4 stays at ln 2 (within 0.015) for 1000 epochs; ReLU falls below 0.35",
                               [](const Curves& sig, const Curves& relu, std::ostream& os) {
                                 os << "sigmoid " << sig.train_loss.back() << ", relu " << relu.train_loss.back();
                                 return std::abs(sig.train_loss.back() - std::log(2.0)) < 0.015 &&
                                        relu.train_loss.back() < 0.35;
                               }}});
}

TEST(PresetPhenomena, RateTooHighThrashesAndHalvingItCalms) {
  expect_pair_for_every_seed(
      "circle-hot", "circle-halved",
      {{"too hot: over the last 500 epochs the loss reaches above 1 and moves 5 %+ between epochs in 400+",
        [](const Curves& hot, const Curves&, std::ostream& os) {
          const int from = hot.epochs() - 500;
          int moves = 0;
          for (int e = from; e <= hot.epochs(); ++e)
            moves += std::abs(hot.train_loss[e] - hot.train_loss[e - 1]) > 0.05 * hot.train_loss[e - 1];
          os << "max " << max_from(hot.train_loss, from) << ", moves " << moves;
          return max_from(hot.train_loss, from) > 1.0 && moves >= 400;
        }},
       {"halved: over the last 500 epochs the loss stays below 0.05, 100 % train accuracy",
        [](const Curves&, const Curves& calm, std::ostream& os) {
          os << "max " << max_from(calm.train_loss, calm.epochs() - 500) << ", acc " << calm.train_acc.back();
          return max_from(calm.train_loss, calm.epochs() - 500) < 0.05 && calm.train_acc.back() == 1.0;
        }}});
}

TEST(PresetPhenomena, BatchOneIsJaggedBatch64SmoothButSlower) {
  expect_pair_for_every_seed(
      "batch-1", "batch-64",
      {{"batch 1's curve at least twice as jagged (mean |d log loss| per epoch)",
        [](const Curves& one, const Curves& many, std::ostream& os) {
          os << roughness(one.train_loss) << " vs " << roughness(many.train_loss);
          return roughness(one.train_loss) > 2.0 * roughness(many.train_loss);
        }},
       {"batch 64 slower per epoch: higher loss at epoch 50",
        [](const Curves& one, const Curves& many, std::ostream& os) {
          os << one.train_loss[50] << " vs " << many.train_loss[50];
          return many.train_loss[50] > one.train_loss[50];
        }}});
}

TEST(PresetPhenomena, SpiralOneByFourBarelySeparatesTwoByEightCurls) {
  expect_pair_for_every_seed("spiral-1x4", "spiral-2x8",
                             {{"1x4 train acc <= 0.72, 2x8 >= 0.85",
                               [](const Curves& small, const Curves& big, std::ostream& os) {
                                 os << small.train_acc.back() << " vs " << big.train_acc.back();
                                 return small.train_acc.back() <= 0.72 && big.train_acc.back() >= 0.85;
                               }}});
}

TEST(PresetPhenomena, SpiralCapacityLadder) {
  expect_pair_for_every_seed("ladder-0", "ladder-2",
                             {{"no hidden layer: train acc <= 0.65; 2 neurons: <= 0.72",
                               [](const Curves& line, const Curves& two, std::ostream& os) {
                                 os << line.train_acc.back() << ", " << two.train_acc.back();
                                 return line.train_acc.back() <= 0.65 && two.train_acc.back() <= 0.72;
                               }}});
  expect_for_every_seed("ladder-8", {finite_and_not_diverged(), final_accuracy(0.8, 0.6)});
}

TEST(PresetPhenomena, EightPointsMemorized) {
  expect_for_every_seed("eight-points", {finite_and_not_diverged(),
                                         {"every point right, loss below 0.01, auto-paused",
                                          [](const Curves& c, std::ostream& os) {
                                            os << "acc " << c.train_acc.back() << ", loss " << c.train_loss.back();
                                            return c.train_acc.back() == 1.0 && c.train_loss.back() < 0.01 && paused(c);
                                          }}});
}

}  // namespace
