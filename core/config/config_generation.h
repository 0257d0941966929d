// The config generation: which reading of the config file a door index belongs to.
#pragma once

#include <cstdint>
#include <string_view>

namespace sesame {

// FNV-1a (32 bits) of the file's bytes. Both processes read the file themselves; equal
// generations mean they read the same bytes (a collision between two successive
// versions of one file has a chance of 1 in 2^32), so a door index made under one
// generation is never read under another's numbering.
constexpr std::uint32_t config_generation(std::string_view text) {
  std::uint32_t h = 2166136261u;
  for (const char c : text) {
    h ^= static_cast<std::uint8_t>(c);
    h *= 16777619u;
  }
  return h;
}

static_assert(config_generation("") == 2166136261u && config_generation("a") == 0xe40c292cu,
              "FNV-1a's published values");

}  // namespace sesame
