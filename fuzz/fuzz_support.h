// Helpers shared by the libFuzzer targets in this directory.
//
// A target whose input has two parts (a pattern and an event, a path and a document)
// takes them from one input split at the first line holding only "---"; without that
// line the whole input is the first part and the second is empty. A broken property is
// reported with FUZZ_CHECK, which prints the message and aborts so libFuzzer records the
// input as a crash.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>
#include <utility>

namespace lifeboat::fuzz {

//! The separator between the two parts of a two-part input.
inline constexpr std::string_view kPartSeparator = "\n---\n";

inline std::string_view as_text(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

//! Splits `input` at the first kPartSeparator.
inline std::pair<std::string_view, std::string_view> split_parts(std::string_view input) {
  const auto at = input.find(kPartSeparator);
  if (at == std::string_view::npos) return {input, std::string_view()};
  return {input.substr(0, at), input.substr(at + kPartSeparator.size())};
}

[[noreturn]] inline void property_failed(const char* condition, const char* what, const char* file,
                                         int line) {
  std::fprintf(stderr, "%s:%d: property broken: %s (%s)\n", file, line, what, condition);
  std::abort();
}

}  // namespace lifeboat::fuzz

// A macro so the message carries the failing condition's text and line.
#define FUZZ_CHECK(condition, what) \
  ((condition) ? (void)0 : ::lifeboat::fuzz::property_failed(#condition, what, __FILE__, __LINE__))
