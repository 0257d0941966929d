#include "core/token_bucket.h"

#include <gtest/gtest.h>

namespace sesame {
namespace {

TEST(TokenBucket, BurstThenOneEveryInterval) {
  TokenBucket b(3, 100);
  EXPECT_TRUE(b.take(1000));
  EXPECT_TRUE(b.take(1000));
  EXPECT_TRUE(b.take(1000));
  EXPECT_FALSE(b.take(1000));
  EXPECT_FALSE(b.take(1099));
  EXPECT_TRUE(b.take(1100));
  EXPECT_FALSE(b.take(1150));
  // Partial progress is kept: the next token is due at 1200, not 1250.
  EXPECT_TRUE(b.take(1200));
  EXPECT_FALSE(b.full_at(1400));
  EXPECT_TRUE(b.full_at(1500));
  // Never more than the burst, however long it rested.
  EXPECT_TRUE(b.take(100'000));
  EXPECT_TRUE(b.take(100'000));
  EXPECT_TRUE(b.take(100'000));
  EXPECT_FALSE(b.take(100'000));
}

TEST(TokenBucket, TimeGoingBackwardsEarnsNothing) {
  TokenBucket b(1, 100);
  EXPECT_TRUE(b.take(5000));
  EXPECT_FALSE(b.take(4000));
  EXPECT_TRUE(b.take(5100));
}

// What the helper's queue waits for before it serves the next open.
TEST(TokenBucket, WaitIsTheTimeToTheNextToken) {
  TokenBucket b(2, 100);
  EXPECT_EQ(b.wait(1000), 0u);
  EXPECT_TRUE(b.take(1000));
  EXPECT_TRUE(b.take(1000));
  EXPECT_EQ(b.wait(1000), 100u);
  EXPECT_EQ(b.wait(1060), 40u);
  EXPECT_EQ(b.wait(1100), 0u);
  EXPECT_TRUE(b.take(1100));
  EXPECT_EQ(b.wait(1150), 50u);
}

}  // namespace
}  // namespace sesame
