// SPDX-License-Identifier: MIT
// Fuzzes weights JSON: core::UserError, or a network with finite parameters whose saved form
// loads back to the same parameters.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>

#include "nnlive/core/error.hpp"
#include "nnlive/core/weights_io.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  using namespace nnlive;
  const std::string text(reinterpret_cast<const char*>(data), size);
  std::optional<core::LoadedNetwork> net;
  try {
    net = core::parse_weights(text, "fuzz.json");
  } catch (const core::UserError&) {
    return 0;
  }
  for (float p : net->mlp.params())
    if (!std::isfinite(p)) __builtin_trap();
  const core::LoadedNetwork again = core::parse_weights(core::weights_to_json(net->mlp, net->input_map, net->view), "saved.json");
  if (again.mlp.params() != net->mlp.params()) __builtin_trap();
  return 0;
}
