// sesame decode-spa: the sniffer's own decoder (decode_spa) on one payload, with no age,
// replay or policy check.
#include "daemon/cli/decode_spa.h"

#include <cstdio>
#include <optional>
#include <vector>

#include "core/spa/base64.h"
#include "core/spa/spa_decoder.h"
#include "core/str_cat.h"
#include "daemon/cli/subcommands.h"

namespace sesame::cli {
namespace {

constexpr std::string_view kUsage =
    "usage: sesame decode-spa (--key K | --key-base64 K) [--hmac-key K | --hmac-key-base64 K]\n"
    "                         [--hmac-digest sha256|sha1|sha384|sha512|md5] [--legacy-iv] PAYLOAD\n";

std::vector<std::uint8_t> bytes_of(std::string_view text) { return {text.begin(), text.end()}; }

}  // namespace

std::expected<DecodeSpaArgs, std::string> parse_decode_spa_args(std::span<const std::string_view> args) {
  DecodeSpaArgs out;
  bool have_key = false;
  bool have_hmac_key = false;
  bool have_digest = false;
  bool have_payload = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view name = args[i];
    if (name == "--legacy-iv") {
      out.keys.legacy_iv = true;
      continue;
    }
    if (!name.starts_with("--")) {
      if (have_payload) return std::unexpected("more than one PAYLOAD");
      out.payload = name;
      have_payload = true;
      continue;
    }
    std::optional<std::string_view> value;
    if (const auto eq = name.find('='); eq != std::string_view::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    } else if (i + 1 < args.size()) {
      value = args[++i];
    }
    if (!value) return std::unexpected(str_cat(name, " needs a value"));
    const bool key = name == "--key" || name == "--key-base64";
    const bool hmac_key = name == "--hmac-key" || name == "--hmac-key-base64";
    if (key || hmac_key) {
      bool& seen = key ? have_key : have_hmac_key;
      if (seen) return std::unexpected(str_cat("a second ", key ? "key" : "HMAC key"));
      seen = true;
      std::vector<std::uint8_t>& target = key ? out.keys.key : out.keys.hmac_key;
      if (name.ends_with("-base64")) {
        auto decoded = decode_base64_key(*value);
        if (!decoded) return std::unexpected(str_cat(name, ": not base64"));
        target = std::move(*decoded);
      } else {
        target = bytes_of(*value);
      }
    } else if (name == "--hmac-digest") {
      const auto digest = enum_from_name(kSpaDigestNames, *value);
      if (have_digest || !digest || !is_spa_hmac_digest(*digest))
        return std::unexpected(str_cat("--hmac-digest: one of sha256, sha1, sha384, sha512, md5, not '",
                                       *value, "'"));
      have_digest = true;
      out.keys.hmac_digest = *digest;
    } else {
      return std::unexpected(str_cat("unknown option ", name));
    }
  }
  if (!have_key) return std::unexpected("--key or --key-base64 is required");
  if (!have_payload) return std::unexpected("PAYLOAD is required");
  if (const auto error = spa_keys_error(out.keys)) return std::unexpected(*error);
  return out;
}

DecodeSpaOutput decode_spa_text(const DecodeSpaArgs& args) {
  const auto m = decode_spa(bytes_of(args.payload), args.keys);
  if (!m) return {1, str_cat("reject: ", spa_reject_name(m.error()), "\n")};
  std::string text = str_cat("rand: ", m->rand, "\nuser: ", m->user,
                             "\ntimestamp: ", std::to_string(m->timestamp), "\nversion: ", m->version,
                             "\ntype: ", std::to_string(static_cast<int>(m->type)),
                             "\nmessage: ", m->message, "\n");
  if (m->nat_access) text += str_cat("nat_access: ", *m->nat_access, "\n");
  if (m->client_timeout) text += str_cat("client_timeout: ", std::to_string(*m->client_timeout), "\n");
  text += str_cat("digest_type: ", enum_name(kSpaDigestNames, m->digest), "\n");
  return {0, std::move(text)};
}

int decode_spa(std::span<char* const> args) {
  const std::vector<std::string_view> views(args.begin(), args.end());
  const auto parsed = parse_decode_spa_args(views);
  if (!parsed) {
    std::fprintf(stderr, "sesame decode-spa: %s\n%.*s", parsed.error().c_str(),
                 static_cast<int>(kUsage.size()), kUsage.data());
    return 2;
  }
  const DecodeSpaOutput out = decode_spa_text(*parsed);
  std::fputs(out.text.c_str(), stdout);
  return out.status;
}

}  // namespace sesame::cli
