#include "app/doctor-checks.h"

#include <netdb.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <thread>

#include "asr/asr.h"
#include "client/sound-devices.h"
#include "common/error.h"
#include "common/secret-mask.h"
#include "llm/llm-discovery.h"
#include "llm/openai-llm.h"
#include "net/http-client.h"
#include "server/tls-credentials.h"
#include "tts/tts.h"
#include "voice/speaker-encoder.h"

namespace mv {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

const char* kLlmFix =
    "set llm.endpoints (or MIRRORVOX_LLM__URL=http://HOST:PORT/v1 and MIRRORVOX_LLM__MODEL), "
    "or start Ollama, LM Studio, llama.cpp server, vLLM or LocalAI on this machine";

double MsSince(Clock::time_point t) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t).count();
}

std::string Root(std::string url) {
  for (const char* scheme : {"ws://", "wss://"})
    if (url.starts_with(scheme))
      url = (scheme[2] == 's' ? "https://" : "http://") + url.substr(std::string(scheme).size());
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// `mirrorvox doctor` asks one thing at a time: one client, gone at exit.
HttpClient& DoctorClient() {
  static HttpClient client(1);
  return client;
}

ClientResponse Get(const std::string& url, bool verify_tls = true) {
  ClientRequest req;
  req.url = url;
  req.connect_timeout_ms = 3000;
  req.first_byte_timeout_ms = 5000;
  req.idle_timeout_ms = 5000;
  req.max_body_bytes = 4u << 20;
  req.verify_tls = verify_tls;
  return DoctorClient().Fetch(req);
}

// "answers (HTTP 200), speaks GPT-SoVITS api_v2 1.0" and the like.
std::string Speaks(const std::string& root, int status, bool verify_tls) {
  std::string out = "answers (HTTP " + std::to_string(status) + ")";
  try {
    // FastAPI servers (GPT-SoVITS, XTTS, FunASR's HTTP API) describe themselves.
    ClientResponse r = Get(root + "/openapi.json", verify_tls);
    json api = r.status == 200 ? json::parse(r.body, nullptr, false) : json();
    if (api.is_object() && api.contains("info") && api["info"].is_object()) {
      out += ", speaks " + api["info"].value("title", std::string("an HTTP API")) + " " +
             api["info"].value("version", std::string());
      if (api.contains("paths") && api["paths"].is_object() && api["paths"].contains("/tts") &&
          api["paths"].contains("/set_gpt_weights"))
        out += " (GPT-SoVITS api_v2)";
    }
  } catch (const Error&) {
  }
  return out;
}

void ProbeRemote(const std::string& key, const std::string& engine, const std::string& url,
                 bool verify_tls, DoctorLines& out) {
  const std::string shown = MaskUrlCredentials(url);
  try {
    const std::string root = Root(url);
    ClientResponse r = Get(root + "/", verify_tls);
    out.push_back(
        {true, key + " " + shown + " (" + engine + ") " + Speaks(root, r.status, verify_tls), ""});
  } catch (const Error& e) {
    out.push_back({false, key + " " + shown + " (" + engine + ") does not answer: " + e.what(),
                   "start the " + engine + " server there, or correct " + key});
  }
}

// One request for one token: proves the URL, the key and the model.
void OneToken(const std::string& label, LlmEndpoint endpoint, DoctorLines& out) {
  LlmConfig c;
  c.endpoints = {std::move(endpoint)};
  c.max_tokens = 1;
  c.first_token_timeout_ms = 20000;
  OpenAiLlm llm(c);
  const auto start = Clock::now();
  ChatOptions options;
  options.system_prompt = "";
  LlmResult r = llm.Chat({{"user", "Say OK."}}, options);
  if (r.ok()) {
    char ms[32];
    std::snprintf(ms, sizeof ms, "%.0f", MsSince(start));
    out.push_back({true,
                   label + " answers a one-token request (model " +
                       (r.model.empty() ? c.endpoints[0].model : r.model) + ", " + ms + " ms)",
                   ""});
  } else {
    out.push_back({false, label + " fails a one-token request: " + r.error->what(),
                   "check its url, key and model (the model must be one it serves)"});
  }
}

std::string ModelsUrl(std::string url) {
  if (auto q = url.find('?'); q != std::string::npos) url.resize(q);
  while (!url.empty() && url.back() == '/') url.pop_back();
  if (url.ends_with("/chat/completions")) url.resize(url.size() - 17);
  auto scheme = url.find("://");
  if (url.find('/', scheme == std::string::npos ? 0 : scheme + 3) == std::string::npos)
    url += "/v1";
  return url + "/models";
}

}  // namespace

void CheckEngines(const Config& config, DoctorLines& out) {
  try {
    auto asr = CreateAsr(config.asr);
    out.push_back({true, "asr engine " + config.asr.engine + " loads", ""});
  } catch (const Error& e) {
    out.push_back({false, "asr engine " + config.asr.engine + " does not load: " + e.what(),
                   config.asr.engine == "pocketsphinx"
                       ? "install pocketsphinx-en-us (scripts/install-deps.sh) or set asr.model_dir"
                       : "correct asr.* (docs/config.md)"});
  }
  const std::string tts_name = config.tts.engine.empty() ? "auto" : config.tts.engine;
  try {
    auto tts = CreateTts(config.tts);
    if (config.tts.IsRemote()) {
      out.push_back(
          {true, "tts engine " + tts_name + " is set up (its servers are checked below)", ""});
    } else {
      TtsRequest req;
      req.text = "Testing.";
      const AudioBuffer audio = tts->SynthesizeAll(req);
      char secs[32];
      std::snprintf(secs, sizeof secs, "%.1f", audio.DurationSeconds());
      out.push_back(
          {audio.DurationSeconds() > 0.1,
           "tts engine " + tts_name + " loads and speaks (" + secs + " s for \"Testing.\")",
           "install flite1-dev and espeak-ng-data (scripts/install-deps.sh)"});
    }
  } catch (const Error& e) {
    out.push_back({false, "tts engine " + tts_name + " does not load: " + e.what(),
                   "correct tts.* (docs/config.md)"});
  }
  if (config.voiceprint.enabled || config.voiceprint.identify) {
    try {
      auto encoder = CreateSpeakerEncoder(config.voiceprint.encoder);
      out.push_back({true, "speaker encoder " + config.voiceprint.encoder.engine + " loads", ""});
    } catch (const Error& e) {
      out.push_back({false, std::string("speaker encoder does not load: ") + e.what(),
                     "correct voiceprint.engine / voiceprint.url"});
    }
  }
}

void CheckRemoteEndpoints(const Config& config, DoctorLines& out) {
  if (config.asr.IsRemote()) {
    const auto& eps = config.asr.remote.endpoints;
    for (std::size_t i = 0; i < eps.size(); ++i)
      ProbeRemote("asr.endpoints[" + std::to_string(i) + "]", config.asr.engine, eps[i].url,
                  config.asr.verify_tls, out);
  }
  if (config.tts.IsRemote()) {
    const auto& eps = config.tts.remote.endpoints;
    for (std::size_t i = 0; i < eps.size(); ++i)
      ProbeRemote("tts.endpoints[" + std::to_string(i) + "]", config.tts.engine, eps[i].url, true,
                  out);
  }
  if (config.voiceprint.encoder.engine == "remote" && !config.voiceprint.encoder.url.empty())
    ProbeRemote("voiceprint.url", "speaker encoder", config.voiceprint.encoder.url, true, out);
}

void CheckLlm(const Config& config, DoctorLines& out) {
  const LlmConfig& llm = config.llm;
  for (std::size_t i = 0; i < llm.endpoints.size(); ++i) {
    const std::string label =
        "llm.endpoints[" + std::to_string(i) + "] " + MaskUrlCredentials(llm.endpoints[i].url);
    try {
      ClientRequest req;
      req.url = ModelsUrl(llm.endpoints[i].url);
      req.connect_timeout_ms = 3000;
      req.first_byte_timeout_ms = 10000;
      if (!llm.endpoints[i].key.empty())
        req.headers.emplace_back("Authorization", "Bearer " + llm.endpoints[i].key);
      ClientResponse r = DoctorClient().Fetch(req);
      json list = json::parse(r.body, nullptr, false);
      if (r.status == 200 && list.is_object() && list.contains("data"))
        out.push_back({true,
                       label + " speaks the OpenAI /v1 API (" +
                           std::to_string(list["data"].size()) + " models listed)",
                       ""});
      else
        out.push_back({false, label + " GET /models: HTTP " + std::to_string(r.status),
                       "point url at the server's OpenAI-compatible /v1 base"});
    } catch (const Error& e) {
      out.push_back(
          {false, label + " does not answer: " + e.what(),
           "start the server there, or correct llm.endpoints[" + std::to_string(i) + "].url"});
      continue;
    }
    OneToken(label, llm.endpoints[i], out);
  }
  if (!llm.endpoints.empty()) return;
  if (!llm.discover || llm.discover_urls.empty()) {
    out.push_back({false,
                   "no language model: llm.endpoints is empty and discovery is off; chat is in " +
                       llm.EffectiveFallback() + " mode",
                   kLlmFix});
    return;
  }
  LlmDiscovery discovery({llm.discover_urls, llm.discover_interval_ms, 3000});
  discovery.Start();
  const auto deadline = Clock::now() + std::chrono::seconds(60);
  while (discovery.State().rounds == 0 && Clock::now() < deadline)
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  const LlmDiscoveryState state = discovery.State();
  if (!state.found) {
    out.push_back({false,
                   "no language model found on this machine (" +
                       (state.rounds ? state.reason : std::string("no answer in 60 s")) +
                       "); chat is in " + llm.EffectiveFallback() + " mode",
                   kLlmFix});
    return;
  }
  const DiscoveredLlm& f = *state.found;
  out.push_back(
      {true, "llm discovered: " + f.server + " at " + f.base_url + ", model " + f.model, ""});
  OneToken("llm " + f.base_url, {f.base_url, "", f.model}, out);
}

void CheckTls(const Config& config, DoctorLines& out) {
  const ServerConfig& s = config.server;
  if (!s.TlsEnabled()) {
    out.push_back({true, "tls off: plain http (server.tls.* turns https on)", ""});
    return;
  }
  const std::string cert = s.ResolvedTlsCert(), key = s.ResolvedTlsKey();
  std::error_code ec;
  if (s.tls_self_signed && !fs::exists(cert, ec) && !fs::exists(key, ec)) {
    fs::path dir = fs::path(cert).parent_path();
    fs::create_directories(dir, ec);
    const bool ok = !ec && access(dir.c_str(), W_OK) == 0;
    out.push_back({ok, "tls: a self-signed pair will be made at first start in " + dir.string(),
                   "make " + dir.string() + " writable by the server, or set server.tls.cert/key"});
    return;
  }
  try {
    TlsCredentials t = LoadTlsCredentials(cert, key);
    out.push_back(
        {true,
         "tls files " + cert + " + " + key + ": " + t.subject + ", valid until " + t.not_after,
         ""});
  } catch (const Error& e) {
    out.push_back({false, std::string("tls files: ") + e.what(),
                   "point server.tls.cert and server.tls.key at a matching PEM pair"});
  }
}

void CheckVoiceLibrary(const Config& config, DoctorLines& out) {
  const fs::path dir = config.library.ResolvedDir();
  std::error_code ec;
  fs::create_directories(dir, ec);
  const fs::path probe = dir / (".doctor-" + std::to_string(getpid()));
  bool ok = !ec;
  if (ok) {
    std::ofstream(probe) << "ok";
    ok = fs::exists(probe, ec);
    fs::remove(probe, ec);
  }
  out.push_back(
      {ok, "voice library folder " + dir.string() + (ok ? " is writable" : " is not writable"),
       "create it and let the server's user write there, or set library.dir"});
}

void CheckPorts(const Config& config, DoctorLines& out) {
  const ServerConfig& s = config.server;
  const std::string where = s.host + ":" + std::to_string(s.port);
  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_PASSIVE | AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (getaddrinfo(s.host.c_str(), std::to_string(s.port).c_str(), &hints, &found) != 0 || !found) {
    out.push_back({false, "server.host " + s.host + " is not an address of this machine",
                   "set server.host to 127.0.0.1, 0.0.0.0 or one of this machine's addresses"});
    return;
  }
  int fd = socket(found->ai_family, found->ai_socktype, found->ai_protocol);
  int one = 1;
  if (fd >= 0) setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);  // as the server does
  const bool ok = fd >= 0 && bind(fd, found->ai_addr, found->ai_addrlen) == 0;
  const int err = errno;
  if (fd >= 0) close(fd);
  freeaddrinfo(found);
  if (ok) {
    out.push_back({true, "port " + where + " is free", ""});
  } else {
    out.push_back({false, "port " + where + " cannot be used: " + std::strerror(err),
                   err == EADDRINUSE ? "stop what listens there (ss -ltnp 'sport = :" +
                                           std::to_string(s.port) + "') or set server.port"
                                     : "set server.port to one above 1023, or server.host"});
  }
}

void CheckAudioDevices(DoctorLines& out) {
  const std::string fix =
      "connect a microphone and a speaker (only `mirrorvox client` needs them, not the server)";
  try {
    PortAudioSession session;
    int inputs = 0, outputs = 0;
    std::string in_name, out_name;
    for (const SoundDevice& d : ListSoundDevices()) {
      if (d.max_input_channels > 0) ++inputs;
      if (d.max_output_channels > 0) ++outputs;
      if (d.default_input) in_name = d.name;
      if (d.default_output) out_name = d.name;
    }
    const bool ok = inputs > 0 && outputs > 0;
    std::string what = "audio devices for `mirrorvox client`: " + std::to_string(inputs) +
                       " input, " + std::to_string(outputs) + " output";
    if (!in_name.empty()) what += "; default in: " + in_name;
    if (!out_name.empty()) what += "; default out: " + out_name;
    out.push_back({ok, what, fix});
  } catch (const Error& e) {
    out.push_back({false, std::string("audio devices for `mirrorvox client`: ") + e.what(), fix});
  }
}

}  // namespace mv
