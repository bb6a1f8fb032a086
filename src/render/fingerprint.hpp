// SPDX-License-Identifier: MIT
// Fingerprint: a 64-bit hash of everything that decides a frame's pixels, so the renderer can
// tell a frame that would draw exactly what its target already holds (a paused run).
#pragma once
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <type_traits>
#include <vector>

namespace nnlive::render {

struct Fingerprint {
  uint64_t h = 0x9E3779B97F4A7C15ull;

  void bytes(const void* data, size_t n) {
    const auto* p = static_cast<const unsigned char*>(data);
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
      uint64_t w;
      std::memcpy(&w, p + i, 8);
      mix(w);
    }
    uint64_t tail = n;
    for (; i < n; ++i) tail = tail << 8 | p[i];
    mix(tail);
  }
  template <class T>
  void add(const T& v) {
    static_assert(std::is_trivially_copyable_v<T>);
    bytes(&v, sizeof v);
  }
  template <class T>
  void span(const std::vector<T>& v) {
    add(v.size());
    if (!v.empty()) bytes(v.data(), v.size() * sizeof(T));
  }
  void mix(uint64_t w) {
    h ^= w + 0x9E3779B97F4A7C15ull + (h << 6) + (h >> 2);
    h *= 0xFF51AFD7ED558CCDull;
    h ^= h >> 33;
  }
};

}  // namespace nnlive::render
