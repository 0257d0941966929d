// The run-as user: group 0, primary or supplementary, is refused; shared accounts warn.
#include "daemon/sys/privdrop.h"

#include <gtest/gtest.h>

#include <vector>

namespace sesame {
namespace {

TEST(RunAsUser, GroupZeroIsRefused) {
  const std::vector<gid_t> none;
  const std::vector<gid_t> with_root{100, 0};
  const std::vector<gid_t> without_root{100, 27};
  auto primary = root_group_refusal("knocker", 0, none);
  ASSERT_TRUE(primary.has_value());
  EXPECT_NE(primary->what.find("primary group"), std::string::npos) << primary->what;
  auto supplementary = root_group_refusal("knocker", 100, with_root);
  ASSERT_TRUE(supplementary.has_value());
  EXPECT_NE(supplementary->what.find("gpasswd -d knocker root"), std::string::npos) << supplementary->what;
  EXPECT_FALSE(root_group_refusal("knocker", 100, without_root).has_value());
}

TEST(RunAsUser, RootIsRefused) { EXPECT_FALSE(look_up_user("root").has_value()); }

TEST(RunAsUser, SharedAccountsWarn) {
  EXPECT_TRUE(shared_account_warning({.name = "nobody", .uid = 65534, .gid = 65534}).has_value());
  EXPECT_FALSE(shared_account_warning({.name = "sesame", .uid = 998, .gid = 998}).has_value());
}

}  // namespace
}  // namespace sesame
