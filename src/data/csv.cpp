// SPDX-License-Identifier: MIT
// CSV import of labelled points: `x,y,label`, with or without a header line.
#include <charconv>
#include <cmath>
#include <fstream>
#include <string_view>

#include "nnlive/data/dataset.hpp"

namespace nnlive::data {
namespace {

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t' || s.back() == '\r')) s.remove_suffix(1);
  return s;
}

bool parse_double(std::string_view s, double& out) {
  if (!s.empty() && s.front() == '+') s.remove_prefix(1);
  const auto [p, ec] = std::from_chars(s.data(), s.data() + s.size(), out);
  return ec == std::errc() && p == s.data() + s.size() && std::isfinite(out);
}

}  // namespace

std::vector<Point> read_csv(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw DataError("cannot open the CSV file " + path);
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
    const bool numeric = count >= 1 && parse_double(f[0], x);
    if (!seen_data_or_header && !numeric) {  // the header line
      seen_data_or_header = true;
      continue;
    }
    seen_data_or_header = true;
    if (count != 3)
      throw DataError(where + "expected 3 comma-separated values (x,y,label), found " + std::to_string(count));
    if (!numeric) throw DataError(where + "x '" + std::string(f[0]) + "' is not a finite number");
    if (!parse_double(f[1], y)) throw DataError(where + "y '" + std::string(f[1]) + "' is not a finite number");
    if (!parse_double(f[2], label) || label != std::floor(label) || label < -1 || label > 7)
      throw DataError(where + "label '" + std::string(f[2]) + "' is not a class index 0..7 (or -1 for class 0)");
    points.push_back({static_cast<float>(x), static_cast<float>(y), label < 0 ? 0 : static_cast<int>(label), false});
    if (points.size() > 1000000) throw DataError(path + ": more than 1000000 points; nnlive takes at most that many");
  }
  if (in.bad()) throw DataError("error while reading " + path);
  if (points.size() < 2) throw DataError(path + ": needs at least 2 points, found " + std::to_string(points.size()));
  return points;
}

}  // namespace nnlive::data
