// The config generation: a file's bytes, and nothing else, decide it.
#include "core/config/config_generation.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(ConfigGeneration, DependsOnEveryByte) {
  const std::string text = "[[door]]\nname = \"ssh\"\nsequence = [7000, 8000]\nopen = \"22/tcp\"\n";
  EXPECT_EQ(config_generation(text), config_generation(std::string(text)));
  for (std::size_t i = 0; i < text.size(); ++i) {
    std::string changed = text;
    changed[i] ^= 1;
    EXPECT_NE(config_generation(changed), config_generation(text)) << i;
  }
  EXPECT_NE(config_generation(text + "\n"), config_generation(text));
}

}  // namespace
}  // namespace sesame
