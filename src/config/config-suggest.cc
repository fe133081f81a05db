#include "config/config-suggest.h"

#include <algorithm>
#include <cctype>

namespace mv {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// Optimal string alignment distance (Levenshtein + adjacent transpositions).
std::size_t EditDistance(const std::string& a, const std::string& b) {
  const std::size_t n = a.size(), m = b.size();
  std::vector<std::vector<std::size_t>> d(n + 1, std::vector<std::size_t>(m + 1));
  for (std::size_t i = 0; i <= n; ++i) d[i][0] = i;
  for (std::size_t j = 0; j <= m; ++j) d[0][j] = j;
  for (std::size_t i = 1; i <= n; ++i) {
    for (std::size_t j = 1; j <= m; ++j) {
      const std::size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
      d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
      if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1]) {
        d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[n][m];
}

std::string_view LastPart(std::string_view s, std::string_view separator) {
  const std::size_t at = s.rfind(separator);
  return at == std::string_view::npos ? s : s.substr(at + separator.size());
}

}  // namespace

std::string SuggestKey(std::string_view word, const std::vector<std::string>& candidates,
                       std::string_view separator) {
  const std::string lower = Lower(word);
  // A third of the last part's length, at least 2: "prot" -> "port" but not
  // "host" -> "port".
  const std::size_t budget = std::max<std::size_t>(2, LastPart(lower, separator).size() / 3);
  std::string best;
  std::size_t best_distance = budget + 1;
  for (const std::string& candidate : candidates) {
    const std::size_t distance = EditDistance(lower, Lower(candidate));
    if (distance < best_distance) {
      best_distance = distance;
      best = candidate;
    }
  }
  if (!best.empty()) return best;

  const std::string leaf = Lower(LastPart(word, separator));
  if (leaf.empty()) return "";
  // Ambiguous matches give no hint: better none than a wrong one.
  const auto unique = [&](auto&& matches) {
    std::string found;
    for (const std::string& candidate : candidates) {
      if (!matches(Lower(LastPart(candidate, separator)))) continue;
      if (!found.empty()) return std::string();
      found = candidate;
    }
    return found;
  };
  std::string same_leaf = unique([&](const std::string& last) { return last == leaf; });
  if (!same_leaf.empty()) return same_leaf;
  // A shortened name: "wav" for "wav_path".
  return unique([&](const std::string& last) { return last.rfind(leaf, 0) == 0; });
}

}  // namespace mv
