// knockd's line and sequence syntax, with knockd's own verdict kept apart from sesame's
// stricter one so one-time sequence files are read line for line as knockd reads them.
#include "core/config/knockd_syntax.h"

#include <climits>
#include <optional>

#include "core/config/config_values.h"
#include "core/str_cat.h"

namespace sesame {
namespace {

bool is_c_space(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\v' || c == '\f' || c == '\r';
}

// Length of the UTF-8 sequence at s[i], or 0 if it is not valid UTF-8.
std::size_t utf8_length(std::string_view s, std::size_t i) {
  const auto b = [&](std::size_t k) { return static_cast<unsigned char>(s[k]); };
  const unsigned char c = b(i);
  if (c < 0x80) return 1;
  std::size_t n = 0;
  std::uint32_t cp = 0;
  if ((c & 0xe0) == 0xc0)
    n = 2, cp = c & 0x1fu;
  else if ((c & 0xf0) == 0xe0)
    n = 3, cp = c & 0x0fu;
  else if ((c & 0xf8) == 0xf0)
    n = 4, cp = c & 0x07u;
  else
    return 0;
  if (s.size() - i < n) return 0;
  for (std::size_t k = 1; k < n; ++k) {
    if ((b(i + k) & 0xc0) != 0x80) return 0;
    cp = cp << 6 | (b(i + k) & 0x3fu);
  }
  // Overlong forms, surrogates and values past Unicode are not UTF-8 (TOML agrees).
  constexpr std::uint32_t kMinForLength[5] = {0, 0, 0x80, 0x800, 0x10000};
  if (cp < kMinForLength[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return 0;
  return n;
}

// What glibc's atoi returns for `s`: strtol's value (saturated at LONG_MIN/LONG_MAX),
// then narrowed to int.
long long knockd_atoi(std::string_view s) {
  std::size_t i = 0;
  while (i < s.size() && is_c_space(s[i])) ++i;
  bool negative = false;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) negative = s[i++] == '-';
  const unsigned long long limit = negative ? 0x8000000000000000ull : LONG_MAX;
  unsigned long long magnitude = 0;
  for (; i < s.size() && s[i] >= '0' && s[i] <= '9'; ++i) {
    const auto digit = static_cast<unsigned long long>(s[i] - '0');
    magnitude = magnitude > (limit - digit) / 10 ? limit : magnitude * 10 + digit;
  }
  // Two's complement: -magnitude is exact down to LONG_MIN; narrowing to int keeps the
  // low 32 bits, as the C compiler's conversion does.
  const auto value = static_cast<long long>(negative ? 0 - magnitude : magnitude);
  return static_cast<int>(value);
}

}  // namespace

std::expected<std::vector<KnockdLine>, ConfigError> knockd_lines(std::string_view text,
                                                                 std::string_view file) {
  std::vector<KnockdLine> lines;
  std::size_t offset = 0;
  for (std::size_t number = 1; offset < text.size(); ++number) {
    const std::size_t nl = text.find('\n', offset);
    const std::size_t end = nl == std::string_view::npos ? text.size() : nl;
    std::string_view content = text.substr(offset, end - offset);
    if (!content.empty() && content.back() == '\r') content.remove_suffix(1);
    const KnockdLine line{number, offset, content};
    auto fail = [&](std::size_t column, std::string message) {
      return std::unexpected(ConfigError{std::string(file), number, column, "", std::move(message),
                                         std::string(line.text.substr(0, kMaxKnockdLine))});
    };
    if (line.text.size() > kMaxKnockdLine)
      return fail(kMaxKnockdLine + 1,
                  str_cat("line longer than ", std::to_string(kMaxKnockdLine), " bytes"));
    for (std::size_t i = 0; i < line.text.size();) {
      if (line.text[i] == '\0') return fail(i + 1, "NUL byte in a text file");
      const std::size_t n = utf8_length(line.text, i);
      if (n == 0) return fail(i + 1, "byte that is not UTF-8");
      i += n;
    }
    lines.push_back(line);
    offset = end + 1;
  }
  return lines;
}

std::string_view knockd_trim(std::string_view s) {
  while (!s.empty() && is_c_space(s.front())) s.remove_prefix(1);
  while (!s.empty() && is_c_space(s.back())) s.remove_suffix(1);
  return s;
}

std::expected<std::vector<KnockStep>, SequenceError> parse_knockd_sequence(std::string_view text) {
  std::vector<KnockStep> steps;
  // knockd stops at its first refusal; sesame's first objection only counts if knockd
  // accepts the whole text.
  std::optional<SequenceError> objection;
  std::size_t start = 0;
  for (bool last = false; !last;) {
    const std::size_t comma = text.find(',', start);
    last = comma == std::string_view::npos;
    const std::string_view element = text.substr(start, last ? text.npos : comma - start);
    auto refuse = [&](std::string message) {
      return std::unexpected(SequenceError{start, std::move(message), true});
    };
    auto object = [&](std::string message) {
      if (!objection) objection = SequenceError{start, std::move(message), false};
    };
    if (steps.size() >= kMaxSequenceLength)
      return refuse(str_cat("more than ", std::to_string(kMaxSequenceLength), " ports"));
    const std::size_t colon = element.find(':');
    const std::string_view port_text = element.substr(0, colon);
    const long long knockd_port = knockd_atoi(port_text);
    if (knockd_port > 65535)
      return refuse(str_cat("port ", knockd_trim(port_text), " is above 65535"));
    KnockStep step;
    if (colon != std::string_view::npos) {
      std::string_view proto = element.substr(colon + 1);
      const std::size_t extra = proto.find(':');
      proto = knockd_trim(proto.substr(0, extra));
      const auto p = protocol_from_name(proto);
      if (!p) return refuse(str_cat("unknown protocol '", proto, "' (expected tcp or udp)"));
      step.protocol = *p;
      if (extra != std::string_view::npos) object(str_cat("more than one ':' in '", element, "'"));
    }
    const auto port = parse_decimal(knockd_trim(port_text), 65535);
    if (knockd_trim(element).empty())
      object("empty entry (expected a port between the commas, like 7000,8000:udp)");
    else if (!port || *port == 0)
      object(str_cat("'", knockd_trim(port_text), "' is not a port (expected 1-65535)"));
    step.port = static_cast<std::uint16_t>(knockd_port);
    steps.push_back(step);
    start = comma + 1;
  }
  if (objection) return std::unexpected(*objection);
  return steps;
}

}  // namespace sesame
