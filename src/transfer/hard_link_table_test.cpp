#include "transfer/hard_link_table.h"

#include <chrono>
#include <future>
#include <thread>

#include <gtest/gtest.h>

namespace lifeboat::transfer {
namespace {

using Kind = HardLinkTable::Lookup::Kind;

TEST(HardLinkTableTest, TheFirstNameIsTheOriginalAndLaterNamesLinkToItsCopy) {
  HardLinkTable table;
  EXPECT_EQ(table.claim(1, 10).kind, Kind::kFirst);
  table.finish(1, 10, true, "a/first");
  auto later = table.claim(1, 10);
  EXPECT_EQ(later.kind, Kind::kOriginal);
  EXPECT_EQ(later.original, "a/first");
  // Same inode number on another device: another inode.
  EXPECT_EQ(table.claim(2, 10).kind, Kind::kFirst);
}

TEST(HardLinkTableTest, AFailedOriginalMakesLaterNamesCopiesOfTheirOwn) {
  HardLinkTable table;
  ASSERT_EQ(table.claim(1, 10).kind, Kind::kFirst);
  table.finish(1, 10, false, "a/first");
  EXPECT_EQ(table.claim(1, 10).kind, Kind::kNone);
}

TEST(HardLinkTableTest, ALaterNameWaitsWhileTheOriginalIsBeingCopied) {
  HardLinkTable table;
  ASSERT_EQ(table.claim(1, 10).kind, Kind::kFirst);
  auto later = std::async(std::launch::async, [&table] { return table.claim(1, 10); });
  EXPECT_EQ(later.wait_for(std::chrono::milliseconds(50)), std::future_status::timeout);
  table.finish(1, 10, true, "x/y");
  auto found = later.get();
  EXPECT_EQ(found.kind, Kind::kOriginal);
  EXPECT_EQ(found.original, "x/y");
}

TEST(HardLinkTableTest, AKeptCopyBecomesTheOriginalWithNothingOwed) {
  HardLinkTable table;
  EXPECT_EQ(table.claim_kept(1, 10, "kept").kind, Kind::kFirst);
  auto later = table.claim(1, 10);  // does not wait: no finish() is owed
  EXPECT_EQ(later.kind, Kind::kOriginal);
  EXPECT_EQ(later.original, "kept");
  auto again = table.claim_kept(1, 10, "other");
  EXPECT_EQ(again.kind, Kind::kOriginal);
  EXPECT_EQ(again.original, "kept");
}

}  // namespace
}  // namespace lifeboat::transfer
