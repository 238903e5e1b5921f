#include "ingest/pattern_case_fold.h"

#include <gtest/gtest.h>

namespace lifeboat::ingest {
namespace {

TEST(CaseFold, FoldsCommonScripts) {
  EXPECT_EQ(fold_code_point(U'A'), U'a');
  EXPECT_EQ(fold_code_point(U'z'), U'z');
  EXPECT_EQ(fold_code_point(U'É'), U'é');
  EXPECT_EQ(fold_code_point(U'×'), U'×');
  EXPECT_EQ(fold_code_point(U'Ł'), U'ł');
  EXPECT_EQ(fold_code_point(U'Ÿ'), U'ÿ');
  EXPECT_EQ(fold_code_point(U'Σ'), U'σ');
  EXPECT_EQ(fold_code_point(U'ς'), U'σ');
  EXPECT_EQ(fold_code_point(U'Ж'), U'ж');
  EXPECT_EQ(fold_code_point(U'Ё'), U'ё');
  EXPECT_EQ(fold_code_point(U'Ա'), U'ա');
  EXPECT_EQ(fold_code_point(U'Ｚ'), U'ｚ');
  EXPECT_EQ(fold_code_point(U'中'), U'中');
}

TEST(CaseFold, Comparisons) {
  const std::u32string folded = fold_text("ÉtÉ");
  EXPECT_TRUE(equals_folded("été", folded));
  EXPECT_TRUE(equals_folded("ÉTÉ", folded));
  EXPECT_FALSE(equals_folded("ét", folded));
  EXPECT_FALSE(equals_folded("étéx", folded));
  EXPECT_TRUE(starts_with_folded("ÉTÉ 2026", folded));
  EXPECT_FALSE(starts_with_folded("ÉT", folded));
  EXPECT_TRUE(ends_with_folded("l'ÉTÉ", folded));
  EXPECT_FALSE(ends_with_folded("TÉ", folded));
  EXPECT_TRUE(starts_with_folded("anything", fold_text("")));
  EXPECT_TRUE(ends_with_folded("", fold_text("")));
}

TEST(CaseFold, BrokenUtf8ComparesByteForByte) {
  const std::string broken = "ab\xC3";  // truncated two-byte sequence
  EXPECT_TRUE(equals_folded(broken, fold_text("AB\xC3")));
  EXPECT_FALSE(equals_folded(broken, fold_text("AB")));
  EXPECT_TRUE(ends_with_folded(broken, fold_text("\xC3")));
  EXPECT_TRUE(ends_with_folded("x\x80\x80", fold_text("\x80")));
}

}  // namespace
}  // namespace lifeboat::ingest
