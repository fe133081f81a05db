#include "support/wer.h"

#include <algorithm>
#include <cctype>

namespace mv {

std::vector<std::string> NormalizeWords(const std::string& text) {
  std::vector<std::string> words;
  std::string word;
  auto flush = [&] {
    // Quotes around a word are punctuation, not part of it.
    while (!word.empty() && word.back() == '\'') word.pop_back();
    std::size_t lead = word.find_first_not_of('\'');
    if (lead != std::string::npos) words.push_back(word.substr(lead));
    word.clear();
  };
  for (unsigned char c : text) {
    if (c >= 0x80 || std::isalnum(c)) {
      word += static_cast<char>(std::tolower(c));  // UTF-8 bytes pass through unchanged
    } else if (c == '\'') {
      word += '\'';
    } else {
      flush();  // spaces, hyphens and other punctuation separate words
    }
  }
  flush();
  return words;
}

std::size_t WordEditDistance(const std::string& ref, const std::string& hyp) {
  const std::vector<std::string> r = NormalizeWords(ref), h = NormalizeWords(hyp);
  // One row of the Levenshtein table at a time.
  std::vector<std::size_t> prev(h.size() + 1), cur(h.size() + 1);
  for (std::size_t j = 0; j <= h.size(); ++j) prev[j] = j;
  for (std::size_t i = 1; i <= r.size(); ++i) {
    cur[0] = i;
    for (std::size_t j = 1; j <= h.size(); ++j) {
      const std::size_t substitute = prev[j - 1] + (r[i - 1] == h[j - 1] ? 0 : 1);
      cur[j] = std::min({substitute, prev[j] + 1, cur[j - 1] + 1});
    }
    std::swap(prev, cur);
  }
  return prev[h.size()];
}

double WordErrorRate(const std::string& ref, const std::string& hyp) {
  const std::size_t ref_words = NormalizeWords(ref).size();
  const std::size_t edits = WordEditDistance(ref, hyp);
  if (ref_words == 0) return edits == 0 ? 0.0 : 1.0;
  return static_cast<double>(edits) / static_cast<double>(ref_words);
}

}  // namespace mv
