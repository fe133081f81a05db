// Word error rate for recognition tests: Levenshtein distance over words,
// after lower-casing (ASCII) and stripping punctuation. Dependency-free: this
// folder is compiled into every test target.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace mv {

// "Turn ON the lights, please!" -> {"turn", "on", "the", "lights", "please"}.
// Apostrophes inside words stay ("what's"); hyphens split words.
std::vector<std::string> NormalizeWords(const std::string& text);

// Substitutions + deletions + insertions turning ref's words into hyp's.
std::size_t WordEditDistance(const std::string& ref, const std::string& hyp);

// WordEditDistance / number of reference words; for an empty reference,
// 0 when hyp is empty too, else 1. Sum edits and words over a corpus for an
// overall rate rather than averaging these.
double WordErrorRate(const std::string& ref, const std::string& hyp);

}  // namespace mv
