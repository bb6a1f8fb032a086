// SPDX-License-Identifier: MIT
// Experiment flags on top of presets and config files.
#include "experiment_flags.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <regex>
#include <sstream>

#include "nnlive/core/config_io.hpp"
#include "nnlive/core/error.hpp"

namespace nnlive::app {

void ExperimentFlags::add_to(CLI::App& app) {
  auto add = [&](const char* flag, auto& var, const char* help) {
    options_[flag] = app.add_option(std::string("--") + flag, var, help)->group("Experiment");
  };
  add("preset", preset_, "start from this preset (default spiral; see `nnlive presets`)");
  add("config", config_, "TOML experiment file, applied over the preset");
  add("seed", seed_, "seed for data, initialization and batch order (same seed, same run)");
  add("epochs", epochs_, "epoch cap: train at most this many epochs");
  add("dataset", dataset_, "xor, circle, spiral, moons, gaussians, blobs, linear, fruit, empty (only added points), or FILE.csv (x,y,label)");
  add("points", points_, "number of points, train and test together (2..100000)");
  add("noise", noise_, "position noise as a fraction of the data's extent (0..1)");
  add("label-noise", label_noise_, "fraction of labels flipped (0..0.5)");
  add("test-ratio", test_ratio_, "fraction of points held out for testing (0..0.9)");
  add("classes", classes_, "classes of the blobs dataset (2..8)");
  add("hidden", hidden_, "neurons per hidden layer, such as 24,24; 'none' for no hidden layer");
  add("activation", activation_, "hidden activation (linear, sigmoid, tanh, relu, leaky_relu, gelu, sin), or one per layer");
  add("loss", loss_, "bce (sigmoid output), mse (sigmoid output, squared error) or softmax (K classes)");
  add("optimizer", optimizer_, "sgd, momentum or adam");
  add("lr", lr_, "learning rate (1e-5..100)");
  add("momentum", momentum_, "momentum coefficient for the momentum optimizer (0..0.999)");
  add("batch", batch_, "samples per update; 0 = full batch");
  add("l1", l1_, "L1 regularization rate (0..10)");
  add("l2", l2_, "L2 regularization rate (0..10)");
  add("confidence-penalty", confidence_, "confidence penalty (0..10): adds this times each output's entropy to the loss, "
                                         "pushing predictions towards 0 or 1");
  add("features", features_, "input features: x,y,x2,y2,xy,sinx,siny");
  add("stop-threshold", stop_threshold_, "stop rule: pause once the training loss stays below this ...");
  add("stop-window", stop_window_, "... for this many consecutive epochs (0 disables the rule)");
}

void refuse_empty_values(CLI::App& app) {
  const CLI::Validator non_empty([](std::string& v) { return v.empty() ? std::string("needs a value, not an empty string") : std::string(); },
                                 "", "non-empty");
  for (CLI::Option* o : app.get_options())
    if (o->get_items_expected_max() > 0 && o->get_expected_min() > 0) o->check(non_empty);
  for (CLI::App* sub : app.get_subcommands([](CLI::App*) { return true; })) refuse_empty_values(*sub);
}

std::string plain_parse_error(const CLI::ParseError& e) {
  const std::string what = e.what();
  if (const std::string lead = "The following argument was not expected: "; what.starts_with(lead))
    return "'" + what.substr(lead.size()) + "' is not a command or flag nnlive knows here";
  if (const std::string lead = "The following arguments were not expected: "; what.starts_with(lead)) {
    std::string words;  // (CLI11 lists them last first)
    for (const std::string& w : CLI::detail::split(what.substr(lead.size()), ' ')) words = w + (words.empty() ? "" : " ") + words;
    return "'" + words + "' are not commands or flags nnlive knows here";
  }
  if (const std::string lead = "Could not convert: "; what.starts_with(lead)) {
    const size_t eq = what.find(" = ", lead.size());
    if (eq != std::string::npos) return what.substr(lead.size(), eq - lead.size()) + " takes a number, not '" + what.substr(eq + 3) + "'";
  }
  const size_t colon = what.find(": ");
  if (colon == std::string::npos || what.rfind("-", 0) != 0) return what;
  const std::string flag = what.substr(0, colon), rest = what.substr(colon + 2);
  if (rest.starts_with("1 required ") && rest.ends_with(" missing")) return flag + " needs a value";
  if (rest.starts_with("At Most 1 required but received ")) return flag + " is given more than once; give it once";
  // "--present-mode: foo not in {fifo,vsync,...}"
  if (const size_t in = rest.find(" not in {"); in != std::string::npos && rest.ends_with("}")) {
    std::string choices = rest.substr(in + 9, rest.size() - in - 10);
    for (size_t c = choices.find(','); c != std::string::npos; c = choices.find(',', c + 2)) choices.replace(c, 1, ", ");
    return flag + " must be one of " + choices + "; got '" + rest.substr(0, in) + "'";
  }
  return what;
}

bool ExperimentFlags::given(const char* name) const { return options_.at(name)->count() > 0; }

core::ExperimentConfig ExperimentFlags::resolve() const { return resolve_over(core::load_experiment(std::nullopt, std::nullopt)); }

std::string ExperimentFlags::given_text() const {
  std::string text;
  for (const auto& [name, option] : options_)
    if (option->count() > 0 && name != "preset" && name != "config")
      text += (text.empty() ? "" : " ") + name + " " + option->as<std::string>();
  return text;
}

core::ExperimentConfig ExperimentFlags::resolve_over(const core::ExperimentConfig& base) const {
  std::optional<std::string> preset, config;
  if (given("preset")) preset = preset_;
  if (given("config")) config = config_;
  core::ExperimentConfig c = preset || config ? core::load_experiment(preset, config) : base;
  if (given("seed")) {
    if (seed_ > uint64_t(INT64_MAX)) throw core::UserError(core::ExitCode::usage, "--seed must be a whole number from 0 to 2^63 - 1 (9223372036854775807)");
    c.seed = seed_;
  }
  if (given("epochs")) c.training.max_epochs = epochs_;
  if (given("dataset")) c.data.name = dataset_;
  if (given("points")) c.data.points = points_;
  if (given("noise")) c.data.noise = noise_;
  if (given("label-noise")) c.data.label_noise = label_noise_;
  if (given("test-ratio")) c.data.test_ratio = test_ratio_;
  if (given("classes")) c.data.classes = classes_;
  if (given("hidden")) c.hidden = core::parse_hidden(hidden_);
  if (given("activation")) c.activations = core::parse_activations(activation_);
  if (given("loss")) {
    const auto l = nn::parse_loss(loss_);
    if (!l) throw core::UserError(core::ExitCode::usage, "unknown loss '" + loss_ + "'; choose bce, mse or softmax");
    c.loss = *l;
  }
  if (given("optimizer")) {
    const auto o = nn::parse_optimizer(optimizer_);
    if (!o) throw core::UserError(core::ExitCode::usage, "unknown optimizer '" + optimizer_ + "'; choose sgd, momentum or adam");
    c.training.optimizer.kind = *o;
  }
  if (given("lr")) c.training.optimizer.lr = static_cast<float>(lr_);
  if (given("momentum")) c.training.optimizer.momentum = static_cast<float>(momentum_);
  if (given("batch")) c.training.batch = batch_;
  if (given("l1")) c.training.l1 = static_cast<float>(l1_);
  if (given("l2")) c.training.l2 = static_cast<float>(l2_);
  if (given("confidence-penalty")) c.training.confidence = static_cast<float>(confidence_);
  if (given("features")) c.features = core::parse_features(features_);
  if (given("stop-threshold")) c.training.stop_threshold = stop_threshold_;
  if (given("stop-window")) c.training.stop_window = stop_window_;
  // A hidden-layer count change with one activation per old layer would not line up: keep the first.
  if (given("hidden") && !given("activation") && c.activations.size() != 1 && c.activations.size() != c.hidden.size())
    c.activations.resize(1);
  core::validate(c);
  return c;
}

std::vector<core::ExperimentConfig> resolve_compare(const core::ExperimentConfig& base, const std::vector<std::string>& specs) {
  std::vector<core::ExperimentConfig> out;
  for (const std::string& spec : specs) {
    CLI::App app("--compare");
    ExperimentFlags flags;
    flags.add_to(app);
    app.allow_extras();
    const size_t start = spec.find_first_not_of(" \t");
    if (start == std::string::npos)
      throw core::UserError(core::ExitCode::usage, "--compare needs a preset, a FILE.toml or experiment flags, not a blank");
    // "PRESET", "FILE.toml", "--flags ..." or "PRESET --flags ...": the name runs to the first
    // ".toml" that ends a word, else to the first " -" (so a file may have spaces, " -" or "--"
    // in its name, and a quote is kept as typed); the flags are split as a command line.
    size_t dash = start;
    if (spec[start] != '-') {
      size_t toml = spec.find(".toml", start);
      while (toml != std::string::npos && toml + 5 < spec.size() && spec[toml + 5] != ' ' && spec[toml + 5] != '\t')
        toml = spec.find(".toml", toml + 1);
      dash = toml != std::string::npos ? toml + 5 : spec.find(" -", start);
      if (dash >= spec.size()) dash = std::string::npos;
    }
    std::string name = spec.substr(start, dash == std::string::npos ? dash : dash - start);
    while (!name.empty() && (name.back() == ' ' || name.back() == '\t')) name.pop_back();
    std::vector<std::string> args =
        dash == std::string::npos ? std::vector<std::string>() : CLI::detail::split_up(spec.substr(dash));
    std::erase(args, std::string());
    if (!name.empty()) {
      const bool is_file = name.size() > 5 && name.ends_with(".toml");
      args.insert(args.begin(), {is_file ? "--config" : "--preset", name});
    }
    std::reverse(args.begin(), args.end());  // CLI11 takes them last first
    try {
      app.parse(std::move(args));
    } catch (const CLI::CallForHelp&) {
      throw core::UserError(core::ExitCode::usage, "--compare '" + spec + "': a --compare takes experiment flags, not --help; "
                                                       "they are listed under Experiment in nnlive run --help");
    } catch (const CLI::ParseError& e) {
      // (a name and the same kind of flag: "spiral --preset xor" gives --preset twice)
      std::string why = plain_parse_error(e);
      if (!name.empty() && why.find(" is given more than once") != std::string::npos)
        why = "it names '" + name + "' and gives " + why.substr(0, why.find(' ')) + " as well; give one";
      throw core::UserError(core::ExitCode::usage, "--compare '" + spec + "': " + why);
    }
    if (const std::vector<std::string> extra = app.remaining(); !extra.empty()) {
      std::string words;
      for (const std::string& w : extra) words += (words.empty() ? "" : " ") + w;
      throw core::UserError(core::ExitCode::usage, "--compare '" + spec + "': '" + words +
                                                       "' is not an experiment flag; a --compare takes only the flags under "
                                                       "Experiment in --help (the picture's and window's flags go outside it)");
    }
    core::ExperimentConfig c = flags.resolve_over(base);
    // Flags over the main experiment are named after it and them; flags over a preset or file
    // keep its name (side by side, a name is followed by all the run differs in).
    if (!flags.given("preset") && !flags.given("config")) c.name = base.name + " (" + flags.given_text() + ")";
    out.push_back(std::move(c));
  }
  return out;
}

const std::vector<CompareSet>& compare_sets() {
  static const std::vector<CompareSet> sets{
      {"depth", "the spiral at depth 1x4, 2x8 and 4x24 (ReLU, Adam): too small, enough, ample", "spiral-2x8",
       {"--hidden 4", "--hidden 8,8", "--hidden 24,24,24,24"}},
      {"activation", "sigmoid against ReLU at depth 4 (SGD 0.03): vanishing gradients against a fast descent", "deep-relu",
       {"--activation sigmoid", "--activation relu"}},
      {"width", "one hidden layer of 8, 64 and 512 on the spiral: width buys detail", "spiral-2x8",
       {"--hidden 8", "--hidden 64", "--hidden 512"}},
      {"batch", "batches of 1, 32 and the full set: a jagged curve, a smoother one, the smoothest (one step an epoch)", "spiral-2x8",
       {"--batch 1", "--batch 32", "--batch 0"}},
  };
  return sets;
}

std::vector<core::ExperimentConfig> compare_set_experiments(const std::string& name) {
  CLI::App app("compare set");
  ExperimentFlags flags;
  flags.add_to(app);
  app.parse(std::string(), false);  // no flags: the set's own base preset
  return flags.resolve_all({}, name);
}

std::vector<core::ExperimentConfig> ExperimentFlags::resolve_all(const std::vector<std::string>& compare,
                                                                 const std::string& compare_set) const {
  std::vector<core::ExperimentConfig> out;
  std::string base_name;
  if (compare_set.empty()) {
    out.push_back(resolve());
    base_name = out[0].name;
    for (auto& c : resolve_compare(out[0], compare)) out.push_back(std::move(c));
  } else {
    if (!compare.empty()) throw core::UserError(core::ExitCode::usage, "--compare-set chooses the experiments; drop --compare");
    const auto& sets = compare_sets();
    auto set = std::find_if(sets.begin(), sets.end(), [&](const CompareSet& c) { return c.name == compare_set; });
    if (set == sets.end()) {
      std::string names;
      for (const auto& c : sets) names += (names.empty() ? "" : ", ") + c.name;
      throw core::UserError(core::ExitCode::usage, "unknown --compare-set '" + compare_set + "'; choose " + names);
    }
    // The set's base preset, unless the user chose an experiment; the user's flags on top of
    // it, and each run's own flags on top of that.
    const core::ExperimentConfig base = resolve_over(core::load_preset(set->base));
    out = resolve_compare(base, set->runs);
    base_name = set->name;  // "depth: 2x8"
    for (auto& c : out) c.name = base_name + " (" + c.name + ")";
  }
  if (out.size() > k_max_compared)
    throw core::UserError(core::ExitCode::usage, std::to_string(out.size()) + " experiments side by side; at most " +
                                                     std::to_string(k_max_compared) + " fit");
  if (out.size() > 1) {
    // "spiral: 2x8": the experiment's own name, then what tells it from the others. A run of
    // flags over the base is named after the base ("spiral (hidden 8,8)" becomes "spiral"), a
    // run of a named comparison after the comparison ("depth: 2x8").
    const auto labels = differences(out);
    for (size_t i = 0; i < out.size(); ++i) {
      if (labels[i] == out[i].name) continue;
      const std::string own = out[i].name.starts_with(base_name + " (") ? base_name : out[i].name;
      out[i].name = own + ": " + labels[i];
    }
  }
  return out;
}

namespace {

std::string shape_text(const std::vector<int>& hidden) {
  if (hidden.empty()) return "no hidden layer";
  if (std::all_of(hidden.begin(), hidden.end(), [&](int h) { return h == hidden[0]; }))
    return std::to_string(hidden.size()) + "x" + std::to_string(hidden[0]);
  std::string t;
  for (int h : hidden) t += (t.empty() ? "" : "-") + std::to_string(h);
  return t;
}

// v with `digits` significant digits ("0.333" for a third).
std::string number(double v, int digits) {
  std::ostringstream os;
  os.precision(digits);
  os << v;
  return os.str();
}

template <class T>
std::string joined(const std::vector<T>& items) {
  std::string t;
  for (const auto& i : items) t += (t.empty() ? "" : ",") + std::string(nn::to_string(i));
  return t;
}

}  // namespace

std::vector<std::string> differences(const std::vector<core::ExperimentConfig>& configs) {
  // Each setting as text, in the order a reader looks for them.
  using Get = std::function<std::string(const core::ExperimentConfig&, int digits)>;
  const std::vector<Get> settings{
      [](const core::ExperimentConfig& c, int) { return shape_text(c.hidden); },
      [](const core::ExperimentConfig& c, int) { return joined(c.activations); },
      [](const core::ExperimentConfig& c, int) { return std::string(nn::to_string(c.training.optimizer.kind)); },
      [](const core::ExperimentConfig& c, int digits) { return "lr " + number(c.training.optimizer.lr, digits); },
      [](const core::ExperimentConfig& c, int) { return c.training.batch == 0 ? std::string("full batch") : "batch " + std::to_string(c.training.batch); },
      [](const core::ExperimentConfig& c, int digits) { return "momentum " + number(c.training.optimizer.momentum, digits); },
      [](const core::ExperimentConfig& c, int digits) { return "L1 " + number(c.training.l1, digits); },
      [](const core::ExperimentConfig& c, int digits) { return "L2 " + number(c.training.l2, digits); },
      [](const core::ExperimentConfig& c, int digits) { return "confidence " + number(c.training.confidence, digits); },
      [](const core::ExperimentConfig& c, int) { return std::string(nn::to_string(c.loss)); },
      [](const core::ExperimentConfig& c, int) { return "features " + joined(c.features); },
      [](const core::ExperimentConfig& c, int) { return "seed " + std::to_string(c.seed); },
      [](const core::ExperimentConfig& c, int) { return c.data.name; },
      [](const core::ExperimentConfig& c, int) { return std::to_string(c.data.points) + " points"; },
      [](const core::ExperimentConfig& c, int digits) { return "noise " + number(c.data.noise, digits); },
      [](const core::ExperimentConfig& c, int digits) { return "label noise " + number(c.data.label_noise, digits); },
      [](const core::ExperimentConfig& c, int digits) { return "test " + number(c.data.test_ratio, digits); },
      [](const core::ExperimentConfig& c, int) { return std::to_string(c.data.classes) + " classes"; },
      [](const core::ExperimentConfig& c, int) { return std::to_string(c.training.max_epochs) + " epochs"; },
  };
  // Whether settings differ is decided at full precision; a label shows as few digits (from 3) as
  // keep apart every two values that differ.
  const int full = 17;
  std::vector<std::string> labels(configs.size());
  for (const Get& get : settings) {
    bool all_equal = true;
    for (const auto& c : configs) all_equal = all_equal && get(c, full) == get(configs[0], full);
    if (all_equal) continue;
    auto keeps_apart = [&](int digits) {
      for (size_t i = 0; i < configs.size(); ++i)
        for (size_t j = 0; j < i; ++j)
          if (get(configs[i], full) != get(configs[j], full) && get(configs[i], digits) == get(configs[j], digits)) return false;
      return true;
    };
    int digits = 3;
    while (digits < full && !keeps_apart(digits)) ++digits;
    for (size_t i = 0; i < configs.size(); ++i) labels[i] += (labels[i].empty() ? "" : ", ") + get(configs[i], digits);
  }
  for (size_t i = 0; i < configs.size(); ++i)
    if (labels[i].empty()) labels[i] = configs[i].name;
  return labels;
}

std::pair<uint32_t, uint32_t> parse_size(const std::string& text, const char* flag, uint32_t max_side) {
  static const std::regex re(R"(^\s*(\d{1,6})\s*[xX]\s*(\d{1,6})\s*$)");
  std::smatch m;
  if (!std::regex_match(text, m, re))
    throw core::UserError(core::ExitCode::usage, std::string(flag) + " takes WIDTHxHEIGHT, such as 512x512; got '" + text + "'");
  const unsigned long w = std::stoul(m[1]), h = std::stoul(m[2]);
  if (w < 1 || h < 1 || w > max_side || h > max_side)
    throw core::UserError(core::ExitCode::usage, std::string(flag) + " must be 1 to " + std::to_string(max_side) +
                                                     " pixels on each side; got '" + text + "'");
  return {static_cast<uint32_t>(w), static_cast<uint32_t>(h)};
}

std::pair<int, int> parse_neuron(const std::string& text, const nn::Mlp& mlp) {
  int layer = 0, index = 0;
  char colon = 0;
  std::istringstream is(text);
  if (!(is >> layer >> colon >> index) || colon != ':' || !is.eof() || layer < 1 || index < 1 ||
      layer > mlp.hidden_layers() || index > mlp.layers()[layer - 1].out) {
    std::string widths;
    for (int l = 0; l < mlp.hidden_layers(); ++l) widths += (l ? ", " : "") + std::to_string(mlp.layers()[l].out);
    throw core::UserError(core::ExitCode::usage,
                          "--neuron takes LAYER:INDEX of a hidden neuron, counted from 1; " +
                              (widths.empty() ? std::string("the network has no hidden layer")
                                              : "the network's hidden layers have " + widths + " neurons"));
  }
  return {layer - 1, index - 1};
}

nn::View parse_view(const std::string& text) {
  nn::View v{};
  size_t start = 0;
  for (int i = 0; i < 4; ++i) {
    const size_t comma = text.find(',', start);
    if ((i < 3) != (comma != std::string::npos)) break;
    const std::string item = text.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    try {
      size_t used = 0;
      v[i] = std::stod(item, &used);
      if (used != item.size()) throw std::invalid_argument(item);
    } catch (const std::exception&) {
      break;
    }
    if (i == 3) {
      if (const std::string why = nn::view_problem(v); !why.empty())
        throw core::UserError(core::ExitCode::usage, "--view '" + text + "' is unusable: " + why);
      return v;
    }
    start = comma + 1;
  }
  throw core::UserError(core::ExitCode::usage, "--view takes x0,y0,x1,y1 with x1 > x0 and y1 > y0; got '" + text + "'");
}

}  // namespace nnlive::app
