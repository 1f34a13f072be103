#pragma once
// A fresh, empty folder for one test: <tmp>/<prefix>-<pid>-<test name>,
// removed first if a crashed run left it. Tests remove it in TearDown.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <string>

namespace eventfabric::testing {

inline std::filesystem::path fresh_test_dir(const std::string& prefix) {
  const auto dir = std::filesystem::temp_directory_path() /
                   (prefix + "-" + std::to_string(getpid()) + "-" +
                    ::testing::UnitTest::GetInstance()->current_test_info()->name());
  std::filesystem::remove_all(dir);
  std::filesystem::create_directories(dir);
  return dir;
}

}  // namespace eventfabric::testing
