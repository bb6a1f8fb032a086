// SPDX-License-Identifier: MIT
// Weights file reading and writing with nlohmann::json; every field is checked on load.
#include "nnlive/core/weights_io.hpp"

#include <cmath>
#include <fstream>
#include <sstream>

#include <nlohmann/json.hpp>

#include "nnlive/common/text_file.hpp"
#include "nnlive/core/error.hpp"
#include "nnlive/core/file_io.hpp"

namespace nnlive::core {
namespace {

using nlohmann::json;
constexpr const char* k_format = "nnlive.mlp/1";

struct Checker {
  std::string source;
  [[noreturn]] void fail(const std::string& msg) const { throw UserError(ExitCode::bad_input, source + ": " + msg); }
  // A finite number that also fits a float (every weight is stored as one).
  double number(const json& j, const std::string& where) const {
    if (!j.is_number()) fail(where + " must be a number");
    const double v = j.get<double>();
    if (!std::isfinite(v) || std::abs(v) > 3.0e38) fail(where + " must be a finite number");
    return v;
  }
};

}  // namespace

std::string weights_to_json(const nn::Mlp& mlp, const nn::InputMap& map, const nn::View& view) {
  json layers = json::array();
  const auto& p = mlp.params();
  for (size_t li = 0; li < mlp.layers().size(); ++li) {
    const auto& l = mlp.layers()[li];
    json w = json::array(), b = json::array();
    for (int j = 0; j < l.out; ++j) {
      const float* row = p.data() + l.w_offset + size_t(j) * l.in;
      double bias = p[l.b_offset + j];
      json r = json::array();
      for (int i = 0; i < l.in; ++i) {
        if (li == 0) {  // fold input_i = (f_i - offset_i) * scale_i into the first layer
          r.push_back(double(row[i] * map.scale[i]));
          bias -= double(row[i]) * map.scale[i] * map.offset[i];
        } else {
          r.push_back(double(row[i]));
        }
      }
      w.push_back(std::move(r));
      b.push_back(double(static_cast<float>(bias)));
    }
    layers.push_back({{"activation", std::string(nn::to_string(l.activation))}, {"weights", w}, {"bias", b}});
  }
  json features = json::array();
  for (auto f : map.features) features.push_back(std::string(nn::to_string(f)));
  const json doc{{"format", k_format}, {"features", features}, {"view", {view[0], view[1], view[2], view[3]}},
                 {"layers", layers}};
  return doc.dump(1) + "\n";
}

void save_weights(const std::string& path, const nn::Mlp& mlp, const nn::InputMap& map, const nn::View& view) {
  const std::string text = weights_to_json(mlp, map, view);
  write_file_atomically(path, [&](std::ostream& out) { out << text; });
}

LoadedNetwork parse_weights(const std::string& text, const std::string& source) {
  const Checker c{source};
  if (text.find('\0') != std::string::npos) c.fail("holds a NUL byte; a weights file is JSON text");
  json doc;
  try {
    doc = json::parse(text);
  } catch (const json::exception& e) {  // parse errors, and numbers too large for a double
    c.fail(std::string("not valid JSON (") + e.what() + ")");
  }
  if (!doc.is_object()) c.fail("expected a JSON object");
  if (!doc.contains("format") || doc["format"] != k_format)
    c.fail(std::string("\"format\" must be \"") + k_format + "\"");

  std::vector<nn::Feature> features;
  if (!doc.contains("features") || !doc["features"].is_array()) c.fail("\"features\" must be an array of names");
  for (const auto& f : doc["features"]) {
    const auto parsed = f.is_string() ? nn::parse_feature(f.get<std::string>()) : std::nullopt;
    if (!parsed) c.fail("unknown feature " + f.dump() + "; features are " + nn::feature_names());
    for (auto seen : features)
      if (seen == *parsed) c.fail("feature " + f.dump() + " is listed twice");
    features.push_back(*parsed);
  }
  if (features.empty()) c.fail("\"features\" must name at least one feature");

  nn::View view{-6.0, -6.0, 6.0, 6.0};
  if (doc.contains("view")) {
    const auto& v = doc["view"];
    if (!v.is_array() || v.size() != 4) c.fail("\"view\" must be [x0, y0, x1, y1]");
    for (size_t i = 0; i < 4; ++i) view[i] = c.number(v[i], "\"view\"[" + std::to_string(i) + "]");
    if (const std::string why = nn::view_problem(view); !why.empty()) c.fail("\"view\" is unusable: " + why);
  }

  if (!doc.contains("layers") || !doc["layers"].is_array() || doc["layers"].empty())
    c.fail("\"layers\" must be a non-empty array");
  const auto& layers = doc["layers"];
  if (layers.size() > size_t(nn::Mlp::k_max_hidden_layers) + 1)
    c.fail("at most " + std::to_string(nn::Mlp::k_max_hidden_layers) + " hidden layers are supported, the file has " +
           std::to_string(layers.size() - 1));
  std::vector<int> hidden;
  std::vector<nn::Activation> acts;
  int in = static_cast<int>(features.size());
  std::vector<std::pair<std::vector<float>, std::vector<float>>> values;  // (out, in) weights, bias
  for (size_t li = 0; li < layers.size(); ++li) {
    const auto& l = layers[li];
    const std::string where = "layer " + std::to_string(li + 1);
    if (!l.is_object()) c.fail(where + " must be an object");
    const auto act = l.contains("activation") && l["activation"].is_string()
                         ? nn::parse_activation(l["activation"].get<std::string>())
                         : std::nullopt;
    const bool last = li + 1 == layers.size();
    if (!act) c.fail(where + " has no known \"activation\" (" + nn::hidden_activation_names() + ", softmax)");
    if (last && *act != nn::Activation::sigmoid && *act != nn::Activation::softmax && *act != nn::Activation::linear)
      c.fail("the output layer's activation must be sigmoid, softmax or linear");
    if (!last && *act == nn::Activation::softmax) c.fail(where + ": softmax is only allowed on the output layer");
    if (!l.contains("weights") || !l["weights"].is_array() || l["weights"].empty())
      c.fail(where + " needs \"weights\": one row per output neuron");
    const auto& w = l["weights"];
    const int out = static_cast<int>(w.size());
    if (out > (last ? nn::Mlp::k_max_outputs : nn::Mlp::k_max_width))
      c.fail(where + " has " + std::to_string(out) + " neurons; at most " +
             std::to_string(last ? nn::Mlp::k_max_outputs : nn::Mlp::k_max_width) + " are allowed");
    std::vector<float> wv, bv;
    for (int j = 0; j < out; ++j) {
      if (!w[j].is_array() || static_cast<int>(w[j].size()) != in)
        c.fail(where + ", row " + std::to_string(j + 1) + " must have " + std::to_string(in) + " weights (one per input)");
      for (int i = 0; i < in; ++i) wv.push_back(static_cast<float>(c.number(w[j][i], where + " weight")));
    }
    if (!l.contains("bias") || !l["bias"].is_array() || static_cast<int>(l["bias"].size()) != out)
      c.fail(where + " needs \"bias\" with " + std::to_string(out) + " values");
    for (const auto& b : l["bias"]) bv.push_back(static_cast<float>(c.number(b, where + " bias")));
    if (!last) {
      hidden.push_back(out);
      acts.push_back(*act);
    } else {
      if (acts.empty()) acts.push_back(nn::Activation::linear);
      LoadedNetwork net{nn::InputMap::identity(features), view, nn::Mlp(static_cast<int>(features.size()), hidden, acts, out, *act)};
      values.emplace_back(std::move(wv), std::move(bv));
      auto& p = net.mlp.params();
      for (size_t k = 0; k < values.size(); ++k) {
        const auto& shape = net.mlp.layers()[k];
        std::copy(values[k].first.begin(), values[k].first.end(), p.begin() + shape.w_offset);
        std::copy(values[k].second.begin(), values[k].second.end(), p.begin() + shape.b_offset);
      }
      return net;
    }
    values.emplace_back(std::move(wv), std::move(bv));
    in = out;
  }
  c.fail("\"layers\" is empty");
}

LoadedNetwork load_weights(const std::string& path) {
  // 256 MiB holds the largest network nnlive trains many times over.
  std::string text, problem;
  if (!read_text_file(path, size_t(256) << 20, text, problem)) throw UserError(ExitCode::bad_input, "the weights file " + path + " " + problem);
  return parse_weights(text, path);
}

}  // namespace nnlive::core
