// read_write_hint: the drop-in a read-only directory needs, named in the message.
#include "daemon/sys/read_write_hint.h"

#include <gtest/gtest.h>

#include <cerrno>

namespace sesame {
namespace {

TEST(ReadWriteHint, NamesTheDropInForReadOnlyErrorsOnly) {
  EXPECT_EQ(read_write_hint(EROFS, "/etc/knock"),
            "; if sesamed runs under systemd, whose unit leaves the system read-only (ProtectSystem=strict), let it "
            "write there: `systemctl edit sesamed`, add \"[Service]\" and \"ReadWritePaths=/etc/knock\", then "
            "`systemctl restart sesamed`");
  EXPECT_NE(read_write_hint(EACCES, "/srv").find("ReadWritePaths=/srv\""), std::string::npos);
  EXPECT_EQ(read_write_hint(ENOSPC, "/etc/knock"), "");
  EXPECT_EQ(directory_of("/etc/knock/ssh.seq"), "/etc/knock");
  EXPECT_EQ(directory_of("/ssh.seq"), "/");
  EXPECT_EQ(directory_of("ssh.seq"), ".");
}

}  // namespace
}  // namespace sesame
