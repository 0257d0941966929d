// Test support for core/spa: the real client's packets (the capture and
// testdata/make_fixtures.sh's) and the keys they were made with.
#pragma once

#include <gtest/gtest.h>
#include <pcap/pcap.h>

#include <cstdint>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "core/packet.h"
#include "core/spa/base64.h"
#include "core/spa/spa_keys.h"

namespace sesame {

using Bytes = std::vector<std::uint8_t>;

// tests/captures/README.md: the keys the capture was made with.
inline constexpr std::string_view kCaptureKey = "kt+4WOnekk/UQuVep0ACJr14JdMS7t5ATp/6GvkkIYQ=";
inline constexpr std::string_view kCaptureHmacKey =
    "bNf5BJ7zHOf79njwJO2FWQU8mX/wnBfEXREzqNtuUq2WgLtN7Kr+yux7DnDThm0LZFZgvJE1tF+VYBKLDVDjBg==";
// testdata/make_fixtures.sh: the keys its packets were made with.
inline constexpr std::string_view kFixtureKey = "hx81UWIIDgZ1lG8Ip/pVJq/r3MxGFBG7x9AShsEUJ0o=";
inline constexpr std::string_view kFixtureHmacKey =
    "TKVCjGSo5ck+XZFYOhX0STD4bk81D5K/4E8E9DWoRG9tSazzIJvpnrbAxjCaJca47H0ZD9U6Im/hKLED+7xB1w==";
inline constexpr std::string_view kFixturePassphrase = "sesame";

inline SpaKeys base64_keys(std::string_view key, std::string_view hmac_key,
                    SpaDigest hmac = SpaDigest::kSha256) {
  return {*decode_base64_key(key), *decode_base64_key(hmac_key), hmac, false};
}
inline const SpaKeys& capture_keys() {
  static const SpaKeys kKeys = base64_keys(kCaptureKey, kCaptureHmacKey);
  return kKeys;
}

// The UDP payload of the one packet in tests/captures/fwknop-spa.pcap.
inline const Bytes& capture_payload() {
  static const Bytes kPayload = [] {
    const std::string path = std::string(SESAME_CAPTURES) + "/fwknop-spa.pcap";
    char error[PCAP_ERRBUF_SIZE];
    pcap_t* pcap = pcap_open_offline(path.c_str(), error);
    if (pcap == nullptr) {
      ADD_FAILURE() << path << ": " << error;
      return Bytes{};
    }
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    Bytes payload;
    if (pcap_next_ex(pcap, &header, &data) == 1) {
      const auto knock = parse_frame({data, header->caplen});
      if (knock) payload.assign(knock->payload.begin(), knock->payload.end());
    }
    pcap_close(pcap);
    return payload;
  }();
  return kPayload;
}

inline std::string read_fixture(const std::string& name) {
  std::ifstream in(SESAME_SOURCE_DIR "/core/spa/testdata/" + name, std::ios::binary);
  EXPECT_TRUE(in) << name;
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}
inline Bytes fixture_payload(const std::string& name) {
  const std::string text = read_fixture(name + ".spa");
  return Bytes(text.begin(), text.end());
}
// "Random Value: 1547475630980904" lines of the client's dump, by label.
inline std::map<std::string, std::string> fixture_fields(const std::string& name) {
  std::map<std::string, std::string> fields;
  std::istringstream in(read_fixture(name + ".fields"));
  for (std::string line; std::getline(in, line);) {
    const auto colon = line.find(": ");
    if (colon == std::string::npos) continue;
    fields[line.substr(line.find_first_not_of(' '), colon - line.find_first_not_of(' '))] =
        line.substr(colon + 2);
  }
  return fields;
}

}  // namespace sesame
