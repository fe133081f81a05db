#include "client/client-config.h"

#include <cmath>
#include <sstream>

#include "common/error.h"

namespace mv {
namespace {

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "bad_option", message);
}

std::string Lower(std::string s) {
  for (auto& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

int ClientConfig::EffectiveTurns() const {
  if (turns > 0) return turns;
  if (!texts.empty()) return static_cast<int>(texts.size());
  if (!input_file.empty()) return 1;
  return 0;
}

void ClientConfig::Validate() const {
  NormalizeRealtimeUrl(url);
  if (!input_file.empty() && !texts.empty()) Invalid("--input and --text cannot be combined");
  if (turns < 0) Invalid("--turns must be at least 1");
  if (!input_file.empty() && turns > 1)
    Invalid("--input is one turn: --turns must be 1 (or left out)");
  if (!texts.empty() && turns > static_cast<int>(texts.size()))
    Invalid("--turns " + std::to_string(turns) + " needs as many --text turns");
  if (vad_threshold >= 0 && (!std::isfinite(vad_threshold) || vad_threshold > 1.0))
    Invalid("--vad-threshold must be between 0 and 1");
  if (silence_ms >= 0 && (silence_ms < 100 || silence_ms > 10000))
    Invalid("--silence-ms must be between 100 and 10000");
  if (timeout_s < 1) Invalid("--timeout must be at least 1 second");
  if (mute && !output_file.empty()) Invalid("--mute and --output cannot be combined");
  if (insecure && !ca_file.empty()) Invalid("--insecure and --ca-file cannot be combined");
}

std::string ClientConfig::ToString() const {
  std::ostringstream os;
  os << "ClientConfig(url=\"" << url << "\", input_file=\"" << input_file << "\", output_file=\""
     << output_file << "\", texts=" << texts.size() << ", push_to_talk=" << push_to_talk
     << ", voice=\"" << voice << "\", turns=" << turns << ", insecure=" << insecure
     << ", input_device=\"" << input_device << "\", output_device=\"" << output_device
     << "\", aec=" << aec << ", vad_threshold=" << vad_threshold << ", silence_ms=" << silence_ms
     << ", timeout_s=" << timeout_s << ")";
  return os.str();
}

std::string NormalizeRealtimeUrl(const std::string& url) {
  std::string lower = Lower(url);
  std::string scheme;
  std::size_t rest = 0;
  for (const auto& [from, to] : {std::pair{"ws://", "ws://"},
                                 {"wss://", "wss://"},
                                 {"http://", "ws://"},
                                 {"https://", "wss://"}}) {
    if (lower.rfind(from, 0) == 0) {
      scheme = to;
      rest = std::string(from).size();
      break;
    }
  }
  if (scheme.empty())
    throw Error(ErrorKind::kInvalidInput, "bad_url",
                "invalid URL '" + url + "': use ws://, wss://, http:// or https://");
  std::string tail = url.substr(rest);
  std::size_t slash = tail.find_first_of("/?");
  std::string host = tail.substr(0, slash);
  if (host.empty())
    throw Error(ErrorKind::kInvalidInput, "bad_url", "invalid URL '" + url + "': no host");
  std::string path = slash == std::string::npos ? "" : tail.substr(slash);
  // A base URL ("http://pi:8001", ".../") gets the endpoint's path.
  if (path.empty() || path == "/" || path == "/v1" || path == "/v1/") path = "/v1/realtime";
  return scheme + host + path;
}

}  // namespace mv
