#include "workflow/intrinsic_functions.h"

#include <gtest/gtest.h>

#include "workflow/asl_error.h"

namespace lifeboat::workflow {
namespace {

using core::Json;

const Json kInput = Json::parse(R"({"name": "Ada", "n": 3, "arr": [1, 2, 3, 4, 5],
  "obj": {"a": 1}, "obj2": {"b": 2}, "text": "a,b;c", "dup": [1, 1, 2, "x", "x"],
  "json": "{\"k\": [1]}", "b64": "aGVsbG8=", "nested": {"list": ["p", "q"]}})");
const Json kContext = Json::parse(R"({"Execution": {"Name": "run-1"}})");

Json eval_ok(const std::string& expr) {
  auto r = evaluate_intrinsic(expr, kInput, kContext);
  EXPECT_TRUE(r.is_ok()) << expr << ": " << r.status().to_string();
  return r.is_ok() ? *r : Json();
}

void expect_failure(const std::string& expr) {
  auto r = evaluate_intrinsic(expr, kInput, kContext);
  ASSERT_FALSE(r.is_ok()) << expr;
  EXPECT_EQ(to_asl_error(r.status()).error, "States.IntrinsicFailure") << expr;
}

TEST(Intrinsics, Format) {
  EXPECT_EQ(eval_ok("States.Format('Hello, my name is {}.', $.name)"), "Hello, my name is Ada.");
  EXPECT_EQ(eval_ok("States.Format('{} has {} {}', $$.Execution.Name, $.n, true)"),
            "run-1 has 3 true");
  EXPECT_EQ(eval_ok(R"(States.Format('literal \{\} and \'q\' {}', 'x'))"), "literal {} and 'q' x");
  expect_failure("States.Format('{} {}', 'one')");
  expect_failure("States.Format('{}', $.nope)");
}

// Recorded on AWS: localstack/localstack,
// tests/aws/services/stepfunctions/v2/intrinsic_functions/test_generic.snapshot.json
// (test_format_1, test_format_2): {"Arg1": 1, "Arg2": []} prints as {Arg1=1, Arg2=[]}; a
// JSON string is inserted bare, null as null, numbers as written.
TEST(Intrinsics, FormatPrintsObjectsAndArraysTheWayAwsDoes) {
  const Json input = Json::parse(R"({"o": {"Arg1": 1, "Arg2": []}, "s": "{\"Arg1\": 1}",
      "nested": {"a": {"b": "x", "c": null}, "l": ["p", 1.5, true, [], {}]}, "n": null})");
  auto format = [&](const std::string& arg) {
    return *evaluate_intrinsic("States.Format('v={}.', " + arg + ")", input, kContext);
  };
  EXPECT_EQ(format("$.o"), "v={Arg1=1, Arg2=[]}.");
  EXPECT_EQ(format("$.s"), R"(v={"Arg1": 1}.)");
  EXPECT_EQ(format("$.n"), "v=null.");
  EXPECT_EQ(format("1.1"), "v=1.1.");
  EXPECT_EQ(format("$.nested"), "v={a={b=x, c=null}, l=[p, 1.5, true, [], {}]}.");
  EXPECT_EQ(format("$.nested.l"), "v=[p, 1.5, true, [], {}].");
}

TEST(Intrinsics, JsonConversions) {
  EXPECT_EQ(eval_ok("States.StringToJson($.json)"), Json::parse(R"({"k": [1]})"));
  EXPECT_EQ(eval_ok("States.JsonToString($.obj)"), R"({"a":1})");
  expect_failure("States.StringToJson('not json')");
  expect_failure("States.StringToJson($.n)");
}

// Recorded on AWS: localstack/localstack,
// tests/aws/services/stepfunctions/v2/intrinsic_functions/test_json_manipulation.snapshot.json
// (test_string_to_json): "" and " " give null; "-0" gives 0.
TEST(Intrinsics, StringToJsonOfABlankStringIsNull) {
  EXPECT_EQ(eval_ok("States.StringToJson('')"), Json(nullptr));
  EXPECT_EQ(eval_ok("States.StringToJson(' ')"), Json(nullptr));
  EXPECT_EQ(eval_ok("States.StringToJson('   ')"), Json(nullptr));
  EXPECT_EQ(
      evaluate_intrinsic("States.StringToJson($.s)", Json{{"s", " \t\r\n"}}, kContext).value(),
      Json(nullptr));
  EXPECT_EQ(eval_ok("States.StringToJson('-0')"), 0);
  EXPECT_EQ(eval_ok("States.StringToJson(' 1 ')"), 1);
  expect_failure("States.StringToJson(' x ')");
}

TEST(Intrinsics, Arrays) {
  EXPECT_EQ(eval_ok("States.Array('a', 1, $.obj, null)"),
            Json::parse(R"(["a", 1, {"a": 1}, null])"));
  EXPECT_EQ(eval_ok("States.ArrayPartition($.arr, 2)"), Json::parse("[[1,2],[3,4],[5]]"));
  expect_failure("States.ArrayPartition($.arr, 0)");
  EXPECT_EQ(eval_ok("States.ArrayContains($.arr, 3)"), true);
  EXPECT_EQ(eval_ok("States.ArrayContains($.arr, 9)"), false);
  EXPECT_EQ(eval_ok("States.ArrayRange(1, 9, 2)"), Json::parse("[1,3,5,7,9]"));
  EXPECT_EQ(eval_ok("States.ArrayRange(5, 1, -2)"), Json::parse("[5,3,1]"));
  expect_failure("States.ArrayRange(1, 9, 0)");
  expect_failure("States.ArrayRange(0, 5000, 1)");
  EXPECT_EQ(eval_ok("States.ArrayGetItem($.arr, 4)"), 5);
  expect_failure("States.ArrayGetItem($.arr, 5)");
  EXPECT_EQ(eval_ok("States.ArrayLength($.nested.list)"), 2);
  expect_failure("States.ArrayLength($.name)");
  EXPECT_EQ(eval_ok("States.ArrayUnique($.dup)"), Json::parse(R"([1, 2, "x"])"));
}

TEST(Intrinsics, EncodingAndHashing) {
  EXPECT_EQ(eval_ok("States.Base64Encode('hello')"), "aGVsbG8=");
  EXPECT_EQ(eval_ok("States.Base64Decode($.b64)"), "hello");
  EXPECT_EQ(eval_ok("States.Base64Encode('ab')"), "YWI=");
  expect_failure("States.Base64Decode('@@@')");
  // Recorded on AWS: localstack/localstack,
  // tests/aws/services/stepfunctions/v2/intrinsic_functions/test_encode_decode.snapshot.json.
  EXPECT_EQ(eval_ok("States.Base64Encode('Data to encode')"), "RGF0YSB0byBlbmNvZGU=");
  EXPECT_EQ(eval_ok("States.Base64Decode('RGF0YSB0byBlbmNvZGU=')"), "Data to encode");
  EXPECT_EQ(eval_ok("States.Base64Encode('')"), "");
  EXPECT_EQ(eval_ok("States.Base64Decode('')"), "");
  EXPECT_EQ(eval_ok("States.Base64Decode('YQ==')"), "a");
  // Strict: no missing or misplaced padding, no whitespace, nothing outside the alphabet.
  for (const char* bad : {"YQ", "YQ=", "Y===", "====", "YQ==YQ==", "Y=Q=", " YQ==", "YQ==\n",
                          "YW Jj", "YW-j", "YW_j"}) {
    expect_failure(std::string("States.Base64Decode('") + bad + "')");
  }
  EXPECT_EQ(eval_ok("States.Hash('hello', 'SHA-256')"),
            "2cf24dba5fb0a30e26e83b2ac5b9e29e1b161e5c1fa7425e73043362938b9824");
  EXPECT_EQ(eval_ok("States.Hash('hello', 'MD5')"), "5d41402abc4b2a76b9719d911017c592");
  EXPECT_EQ(eval_ok("States.Hash('hello', 'SHA-1')"), "aaf4c61ddcc5e8a2dabede0f3b482cd9aea9434d");
  expect_failure("States.Hash('hello', 'CRC32')");
}

TEST(Intrinsics, MathMergeSplitUuid) {
  EXPECT_EQ(eval_ok("States.JsonMerge($.obj, $.obj2, false)"), Json::parse(R"({"a":1,"b":2})"));
  expect_failure("States.JsonMerge($.obj, $.obj2, true)");
  for (int i = 0; i < 20; ++i) {
    auto v = eval_ok("States.MathRandom(1, 4)").get<int>();
    EXPECT_GE(v, 1);
    EXPECT_LE(v, 4);
  }
  EXPECT_EQ(eval_ok("States.MathRandom(1, 1000, 7)"), eval_ok("States.MathRandom(1, 1000, 7)"));
  EXPECT_EQ(eval_ok("States.MathRandom(5, 5)"), 5);
  expect_failure("States.MathRandom(5, 4)");
  EXPECT_EQ(eval_ok("States.MathAdd($.n, -1)"), 2);
  expect_failure("States.MathAdd($.n, 'x')");
  expect_failure("States.MathAdd($.n, null)");
  EXPECT_EQ(eval_ok("States.StringSplit($.text, ',;')"), Json::parse(R"(["a","b","c"])"));
  EXPECT_EQ(eval_ok("States.UUID()").get<std::string>().size(), 36u);
  expect_failure("States.UUID(1)");
}

// AWS rounds each argument to the nearest integer, halves upwards, before adding. Each pair
// below and its sum were recorded on AWS: localstack/localstack,
// tests/aws/services/stepfunctions/v2/intrinsic_functions/test_math_operations.snapshot.json
// (test_math_add; validated 2023-09-13). LocalStack's implementation
// (localstack-core/.../statesfunction/math_operations/math_add.py) quotes the AWS page
// https://docs.aws.amazon.com/step-functions/latest/dg/intrinsic-functions.html: "If you
// specify a non-integer value for one or both the arguments, Step Functions will round it off
// to the nearest integer."
TEST(Intrinsics, MathAddRoundsEachNonIntegerArgumentAsAwsDoes) {
  struct Case {
    const char* x;
    const char* y;
    int sum;
  };
  const Case cases[] = {
      {"-9", "3", -6},        {"1.49", "1.50", 3}, {"1.50", "1.51", 4},  {"-1.49", "-1.50", -2},
      {"-1.50", "-1.51", -3}, {"1.49", "0", 1},    {"1.49", "-1.49", 0}, {"1.50", "0", 2},
      {"1.51", "0", 2},       {"-1.49", "0", -1},  {"-1.50", "0", -1},   {"-1.51", "0", -2},
      {"0.5", "0", 1},        {"1.5", "0", 2},     {"2.5", "0", 3},      {"3.5", "0", 4},
      {"-0.5", "0.5", 1},     {"-0.5", "0", 0},    {"-1.5", "0", -1},    {"-2.5", "0", -2},
      {"-3.5", "0", -3},
  };
  for (const Case& c : cases) {
    const std::string call = std::string("States.MathAdd(") + c.x + ", " + c.y + ")";
    EXPECT_EQ(eval_ok(call), c.sum) << call;
    const Json input = {{"x", Json::parse(c.x)}, {"y", Json::parse(c.y)}};
    EXPECT_EQ(evaluate_intrinsic("States.MathAdd($.x, $.y)", input, kContext).value(), c.sum)
        << call;
  }
  // The largest double below one half is not a half: it rounds down.
  EXPECT_EQ(eval_ok("States.MathAdd(0.49999999999999994, 0)"), 0);
  EXPECT_EQ(eval_ok("States.MathAdd(2147483646.5, 0)"), 2147483647);
  expect_failure("States.MathAdd(2147483647.5, 0)");
  expect_failure("States.MathAdd(-2147483648.6, 0)");
}

// Found by fuzz/intrinsic_functions_fuzzer: a result holding invalid UTF-8 cannot be
// serialised (nlohmann's dump throws), so it must never be produced.
TEST(Intrinsics, ResultsAreAlwaysValidUtf8) {
  expect_failure("States.Base64Decode('/w==')");  // the single byte 0xff
  EXPECT_EQ(eval_ok("States.Base64Decode('w6k=')"), "\u00e9");
  // "é" (c3 a9) as the delimiter shares its first byte with "ü" (c3 bc).
  EXPECT_EQ(eval_ok("States.StringSplit('aüb', 'é')"), Json::parse(R"(["a\u00fcb"])"));
  EXPECT_EQ(eval_ok("States.StringSplit('xéyéz', 'é')"), Json::parse(R"(["x","y","z"])"));
  for (const char* call : {"States.StringSplit('aüb', 'é')", "States.Base64Decode('w6k=')"}) {
    EXPECT_NO_THROW((void)eval_ok(call).dump()) << call;
  }
}

// Found by fuzz/intrinsic_functions_fuzzer: integers past int64 were converted (undefined
// behaviour), and sums and ranges could overflow.
TEST(Intrinsics, IntegersOutsideInt64AreRefusedNotOverflowed) {
  expect_failure("States.ArrayPartition($.arr, 21e300)");
  expect_failure("States.ArrayGetItem($.arr, 18446744073709551615)");
  expect_failure("States.MathAdd(9223372036854775807, 1)");
  expect_failure("States.MathAdd(9223372036854775807, -1)");  // MathAdd takes 32-bit integers
  EXPECT_EQ(eval_ok("States.MathAdd(2147483647, -1)"), 2147483646);
  EXPECT_EQ(eval_ok("States.ArrayRange(9223372036854775805, 9223372036854775807, 2)"),
            Json::parse("[9223372036854775805, 9223372036854775807]"));
}

TEST(Intrinsics, NestedCallsAndSyntax) {
  EXPECT_EQ(eval_ok("States.ArrayLength(States.StringSplit($.text, ','))"), 2);
  EXPECT_TRUE(check_intrinsic_syntax("States.Format('{}', States.UUID())").is_ok());
  EXPECT_FALSE(check_intrinsic_syntax("States.Nope(1)").is_ok());
  EXPECT_FALSE(check_intrinsic_syntax("States.Format('x'").is_ok());
  expect_failure("States.Nope(1)");
}

// Numeric arguments that size memory or loops are bounded, and arithmetic never overflows:
// each case fails cleanly with States.IntrinsicFailure instead of hanging, allocating
// gigabytes or wrapping around.
TEST(Intrinsics, HostileArgumentsFailCleanly) {
  const Json huge = Json::parse(R"({"big": 9223372036854775807, "u": 18446744073709551615,
      "f": 1e300, "long": ")" + std::string(300 * 1024, 'a') +
                                R"("})");
  auto fails = [&](const std::string& expr) {
    auto r = evaluate_intrinsic(expr, huge, kContext);
    ASSERT_FALSE(r.is_ok()) << expr;
    EXPECT_EQ(to_asl_error(r.status()).error, "States.IntrinsicFailure") << expr;
  };
  // A huge count is refused before anything is built; no int64 step overflows.
  fails("States.ArrayRange(0, 1000000000000, 1)");
  fails("States.ArrayRange(0, $.big, 1)");
  EXPECT_EQ(
      *evaluate_intrinsic("States.ArrayRange(-9223372036854775807, $.big, $.big)", huge, kContext),
      Json::parse("[-9223372036854775807, 0, 9223372036854775807]"));
  EXPECT_EQ(evaluate_intrinsic("States.ArrayRange(0, 999, 1)", huge, kContext)->size(), 1000u);
  EXPECT_EQ(*evaluate_intrinsic("States.ArrayRange($.big, $.big, 1)", huge, kContext),
            Json::array({9223372036854775807LL}));
  // Values outside int64 (or the 32-bit range AWS documents for the math functions).
  fails("States.ArrayRange(0, $.u, 1)");
  fails("States.ArrayRange(0, $.f, 1)");
  fails("States.MathAdd($.big, 1)");
  fails("States.MathAdd(2147483647, 2147483647)");
  EXPECT_EQ(*evaluate_intrinsic("States.MathAdd(2147483647, -2147483648)", huge, kContext), -1);
  fails("States.MathRandom(0, $.big)");
  fails("States.ArrayGetItem(States.Array(1), $.u)");
  // A chunk size near 2^63 must not wrap the index around.
  EXPECT_EQ(
      *evaluate_intrinsic("States.ArrayPartition(States.Array(1, 2, 3), $.big)", huge, kContext),
      Json::parse("[[1, 2, 3]]"));
  // Inputs larger than a state's payload (256 KiB) are refused.
  fails("States.StringSplit($.long, ',')");
  fails("States.Hash($.long, 'SHA-256')");
  fails("States.Base64Encode($.long)");
  fails("States.Format('{}{}', $.long, $.long)");
  // Deep nesting is refused by the parser, not by a stack overflow.
  std::string deep = "States.Array(1)";
  for (int i = 0; i < 200; ++i) deep = "States.Array(" + deep + ")";
  fails(deep);
}

TEST(Intrinsics, StaticCallsThatMustFailAreRefusedBySyntaxCheck) {
  EXPECT_FALSE(check_intrinsic_syntax("States.ArrayRange(1, 1000000000, 1)").is_ok());
  EXPECT_FALSE(check_intrinsic_syntax("States.MathAdd(9223372036854775807, 1)").is_ok());
  EXPECT_TRUE(check_intrinsic_syntax("States.ArrayRange(1, 10, 1)").is_ok());
  EXPECT_TRUE(check_intrinsic_syntax("States.ArrayRange(1, $.n, 1)").is_ok());  // known later
}

TEST(Intrinsics, ArrayUniqueOfALongArrayIsQuick) {
  Json input = {{"a", Json::array()}};
  for (int i = 0; i < 100000; ++i) input["a"].push_back(i % 5000);
  auto r = evaluate_intrinsic("States.ArrayUnique($.a)", input, kContext);
  ASSERT_TRUE(r.is_ok());
  EXPECT_EQ(r->size(), 5000u);
}

}  // namespace
}  // namespace lifeboat::workflow
