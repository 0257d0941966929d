// ByteReader: a bounds-checked cursor over untrusted bytes.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

namespace sesame {

// Every read checks n <= size - pos before touching memory. The first failed read
// poisons the reader: every later read fails as well and returns zero or an empty
// span, so a parser can read a whole header and check ok() once. Nothing is copied;
// take() returns a subspan of the input.
class ByteReader {
 public:
  explicit constexpr ByteReader(std::span<const std::uint8_t> bytes) : bytes_(bytes) {}

  constexpr bool ok() const { return ok_; }
  constexpr std::size_t pos() const { return pos_; }
  constexpr std::size_t remaining() const { return ok_ ? bytes_.size() - pos_ : 0; }

  constexpr std::uint8_t u8() {
    if (!reserve(1)) return 0;
    return bytes_[pos_++];
  }
  constexpr std::uint16_t be16() {
    if (!reserve(2)) return 0;
    const auto v = static_cast<std::uint16_t>(bytes_[pos_] << 8 | bytes_[pos_ + 1]);
    pos_ += 2;
    return v;
  }
  constexpr std::uint32_t be32() {
    if (!reserve(4)) return 0;
    const std::uint32_t v = std::uint32_t{bytes_[pos_]} << 24 | std::uint32_t{bytes_[pos_ + 1]} << 16 |
                            std::uint32_t{bytes_[pos_ + 2]} << 8 | std::uint32_t{bytes_[pos_ + 3]};
    pos_ += 4;
    return v;
  }
  // The next n bytes as a view into the input; empty on failure.
  constexpr std::span<const std::uint8_t> take(std::size_t n) {
    if (!reserve(n)) return {};
    auto s = bytes_.subspan(pos_, n);
    pos_ += n;
    return s;
  }
  constexpr bool skip(std::size_t n) {
    if (!reserve(n)) return false;
    pos_ += n;
    return true;
  }

 private:
  constexpr bool reserve(std::size_t n) {
    if (ok_ && n <= bytes_.size() - pos_) return true;
    ok_ = false;
    return false;
  }

  std::span<const std::uint8_t> bytes_;
  std::size_t pos_ = 0;
  bool ok_ = true;
};

}  // namespace sesame
