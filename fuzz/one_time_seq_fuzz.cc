// A one-time sequence file of arbitrary text: the current sequence, then the mark.
// Marking it must use it up: the next current sequence comes from a later line.
#include <cstdint>
#include <cstdlib>
#include <string>

#include "core/config/one_time_sequences.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  const auto current = sesame::current_one_time_sequence(text, "fuzz.otp");
  if (!current) return 0;
  const auto offset = sesame::one_time_mark_offset(text, current->sequence);
  if (!offset || *offset >= text.size()) std::abort();
  text[*offset] = '#';
  const auto next = sesame::current_one_time_sequence(text, "fuzz.otp");
  if (next && next->line <= current->line) std::abort();
  return 0;
}
