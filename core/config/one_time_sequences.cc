// Reading a one-time sequence file the way knockd does, line by line.
#include "core/config/one_time_sequences.h"

#include <algorithm>

#include "core/config/knockd_syntax.h"

namespace sesame {
namespace {

// The lines knockd takes for sequences, in order: not blank, not a comment, and not
// refused by knockd's parser. `steps` holds sesame's reading, or why it differs.
struct SequenceLine {
  const KnockdLine& line;
  std::string_view trimmed;
  const std::expected<std::vector<KnockStep>, SequenceError>& steps;
};

// Calls visit(SequenceLine) on each such line until it returns true; false if none did.
template <class Visit>
std::expected<bool, ConfigError> visit_sequence_lines(std::string_view text, std::string_view file,
                                                      Visit&& visit) {
  auto lines = knockd_lines(text, file);
  if (!lines) return std::unexpected(lines.error());
  for (const KnockdLine& line : *lines) {
    const std::string_view t = knockd_trim(line.text);
    if (t.empty() || t.front() == '#') continue;
    const auto steps = parse_knockd_sequence(t);
    if (!steps && steps.error().knockd_refuses) continue;
    if (visit(SequenceLine{line, t, steps})) return true;
  }
  return false;
}

}  // namespace

std::expected<OneTimeSequence, ConfigError> current_one_time_sequence(std::string_view text,
                                                                      std::string_view file) {
  std::expected<OneTimeSequence, ConfigError> current = std::unexpected(
      ConfigError{std::string(file), 0, 0, "",
                  "no unused sequence left (every line is blank, a '#' comment or used)", ""});
  const auto found = visit_sequence_lines(text, file, [&](const SequenceLine& s) {
    if (s.steps) {
      current = OneTimeSequence{*s.steps, s.line.number};
    } else {
      const auto column = static_cast<std::size_t>(s.trimmed.data() - s.line.text.data()) + 1;
      current = std::unexpected(ConfigError{
          std::string(file), s.line.number, column + s.steps.error().offset, "one-time sequence",
          s.steps.error().message +
              "; knockd would read this line its own way, so fix it or mark it used with '#'",
          std::string(s.line.text)});
    }
    return true;
  });
  if (!found) return std::unexpected(found.error());
  return current;
}

std::optional<std::size_t> one_time_mark_offset(std::string_view text,
                                                std::span<const KnockStep> used) {
  std::optional<std::size_t> offset;
  const auto found = visit_sequence_lines(text, "", [&](const SequenceLine& s) {
    if (s.steps && std::ranges::equal(*s.steps, used)) offset = s.line.offset;
    return offset.has_value();
  });
  if (!found) return std::nullopt;
  return offset;
}

}  // namespace sesame
