// Spellings shared by the TOML and knockd.conf readers, so both accept the same words.
#include "core/config/config_values.h"

#include <chrono>
#include <cstdio>
#include <limits>

#include "core/str_cat.h"

namespace sesame {
namespace {

struct DurationUnit {
  char suffix;
  std::uint32_t seconds;
};
// Largest first, so format_duration picks the shortest exact spelling.
constexpr std::array<DurationUnit, 3> kDurationUnits{{{'h', 3600}, {'m', 60}, {'s', 1}}};

char ascii_lower(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

}  // namespace

bool iequals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i)
    if (ascii_lower(a[i]) != ascii_lower(b[i])) return false;
  return true;
}

std::optional<Protocol> protocol_from_name(std::string_view name) {
  for (Protocol p : {Protocol::kTcp, Protocol::kUdp})
    if (iequals(name, protocol_name(p))) return p;
  return std::nullopt;
}

std::optional<std::uint8_t> tcp_flag_from_name(std::string_view name) {
  for (const TcpFlagName& f : kTcpFlagNames)
    if (iequals(name, f.name)) return f.bit;
  return std::nullopt;
}

std::vector<std::string> tcp_flag_words(TcpFlagRule rule) {
  std::vector<std::string> words;
  for (const TcpFlagName& f : kTcpFlagNames) {
    if (rule.must_set & f.bit) words.emplace_back(f.name);
    if (rule.must_clear & f.bit) words.push_back(str_cat("!", f.name));
  }
  return words;
}

std::string tcp_flag_choices() {
  std::string out;
  for (std::size_t i = 0; i < kTcpFlagNames.size(); ++i) {
    if (i != 0) out += i + 1 == kTcpFlagNames.size() ? " or " : ", ";
    out += kTcpFlagNames[i].name;
  }
  return out;
}

std::optional<std::uint32_t> parse_decimal(std::string_view text, std::uint32_t max) {
  if (text.empty()) return std::nullopt;
  std::uint64_t value = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return std::nullopt;
    value = value * 10 + static_cast<std::uint64_t>(c - '0');
    if (value > max) return std::nullopt;
  }
  return static_cast<std::uint32_t>(value);
}

std::optional<std::uint32_t> parse_duration(std::string_view text) {
  if (text.empty()) return std::nullopt;
  for (const DurationUnit& u : kDurationUnits) {
    if (text.back() != u.suffix) continue;
    const auto n = parse_decimal(text.substr(0, text.size() - 1),
                                 std::numeric_limits<std::uint32_t>::max() / u.seconds);
    if (!n) return std::nullopt;
    return *n * u.seconds;
  }
  return std::nullopt;
}

std::string format_duration(std::uint32_t seconds) {
  for (const DurationUnit& u : kDurationUnits)
    if (seconds != 0 && seconds % u.seconds == 0)
      return std::to_string(seconds / u.seconds) + u.suffix;
  return "0s";
}

std::string format_port(KnockStep step) {
  std::string out = std::to_string(step.port);
  if (step.protocol != Protocol::kTcp) out += str_cat("/", protocol_name(step.protocol));
  return out;
}

std::string format_sequence(std::span<const KnockStep> sequence) {
  std::string out;
  for (const KnockStep& s : sequence) {
    if (!out.empty()) out += ",";
    out += format_port(s);
  }
  return out;
}

std::optional<std::int64_t> parse_date(std::string_view text) {
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return std::nullopt;
  const auto y = parse_decimal(text.substr(0, 4), 9999);
  const auto m = parse_decimal(text.substr(5, 2), 12);
  const auto d = parse_decimal(text.substr(8, 2), 31);
  if (!y || !m || !d) return std::nullopt;
  const std::chrono::year_month_day day{std::chrono::year(static_cast<int>(*y)), std::chrono::month(*m),
                                        std::chrono::day(*d)};
  if (!day.ok()) return std::nullopt;
  return std::chrono::sys_seconds(std::chrono::sys_days(day)).time_since_epoch().count();
}

std::string format_date(std::int64_t unix_seconds) {
  const std::chrono::year_month_day day{
      std::chrono::floor<std::chrono::days>(std::chrono::sys_seconds(std::chrono::seconds(unix_seconds)))};
  char text[16];
  std::snprintf(text, sizeof text, "%04d-%02u-%02u", static_cast<int>(day.year()),
                static_cast<unsigned>(day.month()), static_cast<unsigned>(day.day()));
  return text;
}

std::string format_open_ports(std::span<const KnockStep> ports) {
  std::string out;
  for (const KnockStep& p : ports)
    out += str_cat(out.empty() ? "" : ",", std::to_string(p.port), "/", protocol_name(p.protocol));
  return out;
}

}  // namespace sesame
