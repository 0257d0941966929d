// libFuzzer target for decode_spa, the sniffer's decoder of an SPA door's UDP payload.
// The fuzz build compiles sesame_spa with SESAME_SPA_FUZZING: the input is then the
// plaintext, so the fuzzer explores the field parser; under plain ctest the corpus goes
// through the whole decoder (HMAC first) with the capture's keys.
#include <cstddef>
#include <cstdint>
#include <span>

#include "core/spa/base64.h"
#include "core/spa/spa_decoder.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  // tests/captures/README.md: the keys of fwknop-spa.pcap, whose payload is a seed.
  static const sesame::SpaKeys kKeys{
      *sesame::decode_base64_key("kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ="),
      *sesame::decode_base64_key("bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZg"
                                 "vJE1tF+VYBKLDVDjBg=="),
      sesame::SpaDigest::kSha256, false};
  const auto message = sesame::decode_spa(std::span(data, size), kKeys);
  // An access message's ports are what its text lists: never more than the bound.
  if (message && message->ports.size() > sesame::kMaxSpaPorts) __builtin_trap();
  return 0;
}
