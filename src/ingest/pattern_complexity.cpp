#include "ingest/pattern_complexity.h"

#include <algorithm>
#include <array>
#include <cstdint>
#include <set>

namespace lifeboat::ingest {
namespace {

// The work allowed: this many distinct sets of prefixes matched at once. Real patterns reach
// a few hundred; the bound keeps a hostile rule from making compilation slow.
constexpr std::size_t kMaxSetsExplored = 20000;

constexpr int kStar = -1;
constexpr int kEnd = -2;

// All patterns laid end to end as one automaton. Position p of a pattern stands for its
// prefix of p tokens (a token is a literal byte or a star); `token[id]` is the token that
// follows (kEnd after the last), `after_star[id]` whether the prefix ends with a star, which
// then absorbs any byte, and `counted[id]` whether the prefix is non-empty.
struct Automaton {
  std::vector<int> token;
  std::vector<bool> after_star;
  std::vector<bool> counted;
  std::vector<std::uint32_t> starts;

  explicit Automaton(const std::vector<WildcardPattern>& patterns) {
    std::set<std::vector<std::string>> seen;
    for (const WildcardPattern& w : patterns) {
      if (!seen.insert(w.pieces()).second) continue;  // the same pattern twice is one
      std::vector<int> tokens;
      for (std::size_t i = 0; i < w.pieces().size(); ++i) {
        if (i > 0) tokens.push_back(kStar);
        for (char c : w.pieces()[i]) tokens.push_back(static_cast<unsigned char>(c));
      }
      starts.push_back(static_cast<std::uint32_t>(token.size()));
      for (std::size_t i = 0; i <= tokens.size(); ++i) {
        token.push_back(i < tokens.size() ? tokens[i] : kEnd);
        after_star.push_back(i > 0 && tokens[i - 1] == kStar);
        counted.push_back(i > 0);
      }
    }
  }

  // Adds `id` and, since a star may match nothing, the positions past the stars after it.
  void add_closed(std::uint32_t id, std::vector<std::uint32_t>& set) const {
    set.push_back(id);
    while (token[id] == kStar) set.push_back(++id);
  }

  // The positions reached from `set` by the byte `c`, sorted and without duplicates.
  std::vector<std::uint32_t> step(const std::vector<std::uint32_t>& set, int c) const {
    std::vector<std::uint32_t> next;
    for (std::uint32_t id : set) {
      if (token[id] == c) add_closed(id + 1, next);
      if (after_star[id]) next.push_back(id);
    }
    std::sort(next.begin(), next.end());
    next.erase(std::unique(next.begin(), next.end()), next.end());
    return next;
  }

  int count(const std::vector<std::uint32_t>& set) const {
    return static_cast<int>(
        std::count_if(set.begin(), set.end(), [this](std::uint32_t id) { return counted[id]; }));
  }
};

}  // namespace

int wildcard_complexity(const std::vector<WildcardPattern>& patterns, int limit) {
  const Automaton a(patterns);
  std::vector<std::uint32_t> start;
  for (std::uint32_t s : a.starts) a.add_closed(s, start);
  std::sort(start.begin(), start.end());
  start.erase(std::unique(start.begin(), start.end()), start.end());

  // Every value leads to one set of matched prefixes; visit each reachable set once.
  std::set<std::vector<std::uint32_t>> seen{start};
  std::vector<std::vector<std::uint32_t>> pending{start};
  int best = a.count(start);
  std::vector<int> bytes;
  while (!pending.empty() && best <= limit) {
    const std::vector<std::uint32_t> set = std::move(pending.back());
    pending.pop_back();
    // Only the bytes the set's next tokens name lead anywhere new; every other byte does
    // what the first byte none of them names does (only the stars go on).
    std::array<bool, 256> named{};
    bytes.clear();
    for (std::uint32_t id : set) {
      const int t = a.token[id];
      if (t >= 0 && !named[static_cast<std::size_t>(t)]) {
        named[static_cast<std::size_t>(t)] = true;
        bytes.push_back(t);
      }
    }
    if (bytes.size() < named.size()) {
      bytes.push_back(
          static_cast<int>(std::find(named.begin(), named.end(), false) - named.begin()));
    }
    for (int c : bytes) {
      std::vector<std::uint32_t> next = a.step(set, c);
      if (next.empty()) continue;
      best = std::max(best, a.count(next));
      if (best > limit) break;
      if (seen.insert(next).second) {
        if (seen.size() > kMaxSetsExplored) return limit + 1;
        pending.push_back(std::move(next));
      }
    }
  }
  return best;
}

bool wildcards_too_complex(const std::vector<WildcardPattern>& patterns) {
  // A cheap bound first, enough for most patterns: the literal text before a pattern's first
  // star lets one of its prefixes match at a time, so a pattern counts at most one plus one
  // per star and character after its first star.
  int bound = 0;
  for (const WildcardPattern& w : patterns) {
    bound += 1;
    for (std::size_t i = 1; i < w.pieces().size(); ++i)
      bound += 1 + static_cast<int>(w.pieces()[i].size());
    if (bound > kMaxWildcardComplexity) break;
  }
  if (bound <= kMaxWildcardComplexity) return false;
  return wildcard_complexity(patterns, kMaxWildcardComplexity) > kMaxWildcardComplexity;
}

}  // namespace lifeboat::ingest
