// SPDX-License-Identifier: MIT
// Strict reading of TOML nodes for core's files (experiments, lessons): typed values, unknown
// keys, and failures as UserError(bad_input) naming source:line. Private to src/core.
#pragma once
#include <algorithm>
#include <initializer_list>
#include <string>
#include <string_view>

#include <toml++/toml.h>

#include "nnlive/core/error.hpp"

namespace nnlive::core {

struct Reader {
  std::string source;

  [[noreturn]] void fail(const toml::node* node, const std::string& msg) const {
    std::string where = source;
    if (node && node->source().begin.line > 0) where += ":" + std::to_string(node->source().begin.line);
    throw UserError(ExitCode::bad_input, where + ": " + msg);
  }

  void only_keys(const toml::table& t, std::initializer_list<std::string_view> allowed, const std::string& table) const {
    for (const auto& [k, v] : t)
      if (std::find(allowed.begin(), allowed.end(), k.str()) == allowed.end()) {
        std::string list;
        for (auto a : allowed) list += (list.empty() ? "" : ", ") + std::string(a);
        fail(&v, "unknown key '" + std::string(k.str()) + "'" + (table.empty() ? "" : " in [" + table + "]") +
                     "; expected one of " + list);
      }
  }

  std::string str(const toml::node& n, std::string_view key) const {
    if (auto v = n.value<std::string>()) return *v;
    fail(&n, "'" + std::string(key) + "' must be a string");
  }
  int64_t integer(const toml::node& n, std::string_view key) const {
    if (n.is_integer()) return *n.value<int64_t>();
    fail(&n, "'" + std::string(key) + "' must be an integer");
  }
  double number(const toml::node& n, std::string_view key) const {
    if (n.is_number()) return *n.value<double>();
    fail(&n, "'" + std::string(key) + "' must be a number");
  }
  bool boolean(const toml::node& n, std::string_view key) const {
    if (n.is_boolean()) return *n.value<bool>();
    fail(&n, "'" + std::string(key) + "' must be true or false");
  }
  int small_int(const toml::node& n, std::string_view key) const {
    const int64_t v = integer(n, key);
    if (v < -2147483647 || v > 2147483647) fail(&n, "'" + std::string(key) + "' is out of range");
    return static_cast<int>(v);
  }
  const toml::array& array(const toml::node& n, std::string_view key) const {
    if (const auto* a = n.as_array()) return *a;
    fail(&n, "'" + std::string(key) + "' must be an array");
  }
  // A string "a,b" or an array of strings, as one comma-separated string.
  std::string list(const toml::node& n, std::string_view key) const {
    if (n.is_string()) return *n.value<std::string>();
    std::string out;
    for (const auto& e : array(n, key)) out += (out.empty() ? "" : ",") + str(e, key);
    return out;
  }
};

}  // namespace nnlive::core
