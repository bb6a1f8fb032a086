// SPDX-License-Identifier: MIT
// CSV import of labelled points: `x,y,label`, with or without a header line.
#include <charconv>
#include <cmath>
#include <algorithm>
#include <sstream>
#include <string_view>

#include "nnlive/common/text_file.hpp"
#include "nnlive/data/dataset.hpp"

namespace nnlive::data {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

// The whole field is a number (finite or not).
bool parse_any(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return (ec == std::errc() || ec == std::errc::result_out_of_range) && p == s.data() + s.size() && !s.empty();
}

// A coordinate: a number within +-1e6 (views and the float32 field go no further).
bool parse_coordinate(std::string_view s, double& out) { return parse_any(s, out) && std::isfinite(out) && std::abs(out) <= 1e6; }

}  // namespace

std::vector<Point> read_csv(const std::string& path) {
  std::string text, problem;
  if (!read_text_file(path, size_t(64) << 20, text, problem)) throw DataError("the CSV file " + path + " " + problem);
  return parse_csv(text, path);
}

std::vector<Point> parse_csv(const std::string& text, const std::string& path) {
  if (text.find('\0') != std::string::npos) throw DataError(path + ": holds a NUL byte; a CSV file is text");
  std::istringstream in(text);
  std::vector<Point> points;
  std::string line;
  int line_no = 0;
  bool seen_data_or_header = false;
  while (std::getline(in, line)) {
    ++line_no;
    std::string_view l = trim(line);
    if (line_no == 1 && l.size() >= 3 && l.substr(0, 3) == "\xEF\xBB\xBF") l = trim(l.substr(3));  // UTF-8 BOM
    if (l.empty() || l.front() == '#') continue;
    std::string_view f[3];
    int count = 0;
    for (size_t start = 0;;) {
      const size_t comma = l.find(',', start);
      if (count < 3) f[count] = trim(l.substr(start, comma == std::string_view::npos ? comma : comma - start));
      ++count;
      if (comma == std::string_view::npos) break;
      start = comma + 1;
    }
    const std::string where = path + ":" + std::to_string(line_no) + ": ";
    double x = 0, y = 0, label = 0;
    // A header is a first line of three names: no field empty, none a number (nan and inf
    // count as numbers, so "nan,1,0" is a bad data line, not a header).
    double ignored = 0;
    const bool names = count == 3 && std::none_of(f, f + 3, [&](std::string_view v) { return v.empty() || parse_any(v, ignored); });
    const bool first = !seen_data_or_header;
    seen_data_or_header = true;
    if (first && names) continue;
    if (count != 3)
      throw DataError(where + "expected 3 comma-separated values (x,y,label), found " + std::to_string(count));
    if (!parse_coordinate(f[0], x)) throw DataError(where + "x '" + std::string(f[0]) + "' is not a number within -1e6..1e6");
    if (!parse_coordinate(f[1], y)) throw DataError(where + "y '" + std::string(f[1]) + "' is not a number within -1e6..1e6");
    if (!parse_any(f[2], label) || label != std::floor(label) || label < -1 || label > 7)
      throw DataError(where + "label '" + std::string(f[2]) + "' is not a class index 0..7 (or -1 for class 0)");
    points.push_back({static_cast<float>(x), static_cast<float>(y), label < 0 ? 0 : static_cast<int>(label), false});
    if (points.size() > 1000000) throw DataError(path + ": more than 1000000 points; nnlive takes at most that many");
  }
  if (points.size() < 2) throw DataError(path + ": needs at least 2 points, found " + std::to_string(points.size()));
  return points;
}

}  // namespace nnlive::data
