// For the helper's unit tests: a Log writing to a file in a fresh directory, and the
// file's text, so a test asserts on the lines as an operator would read them.
#pragma once

#include <gtest/gtest.h>
#include <stdlib.h>

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>

#include "daemon/sys/log.h"

namespace sesame {

class LogFileTest : public ::testing::Test {
 protected:
  void SetUp() override {
    char templ[] = "/tmp/sesame-helper-test-XXXXXX";
    ASSERT_NE(mkdtemp(templ), nullptr);
    dir_ = templ;
    auto log = Log::open(Logging{.syslog = false, .to_stderr = false, .file = log_path(), .ident = ""}, false,
                         "sesame-helper");
    ASSERT_TRUE(log.has_value());
    log_.emplace(std::move(*log));
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::string log_path() const { return dir_ + "/log"; }
  std::string log_text() const {
    std::stringstream s;
    s << std::ifstream(log_path()).rdbuf();
    return s.str();
  }

  std::string dir_;
  std::optional<Log> log_;
};

}  // namespace sesame
