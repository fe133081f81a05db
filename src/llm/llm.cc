#include "llm/llm.h"

#include <condition_variable>
#include <map>
#include <mutex>

#include "llm/openai-llm.h"

namespace mv {
namespace {

using Factory = std::function<std::unique_ptr<Llm>(const LlmConfig&, std::shared_ptr<HttpClient>)>;

const std::map<std::string, Factory>& Registry() {
  static const std::map<std::string, Factory> registry = {
      {"openai",
       [](const LlmConfig& c, std::shared_ptr<HttpClient> client) -> std::unique_ptr<Llm> {
         return std::make_unique<OpenAiLlm>(c, std::move(client));
       }},
  };
  return registry;
}

}  // namespace

LlmResult Llm::Chat(std::vector<ChatMessage> messages, ChatOptions options, CancelToken cancel,
                    LlmDeltaFn on_delta) {
  std::mutex mutex;  // guards result and done
  std::condition_variable cv;
  std::optional<LlmResult> result;
  StreamChat(std::move(messages), std::move(options), std::move(cancel), std::move(on_delta),
             [&](LlmResult r) {
               std::lock_guard lock(mutex);
               result = std::move(r);
               cv.notify_all();
             });
  std::unique_lock lock(mutex);
  cv.wait(lock, [&] { return result.has_value(); });
  return std::move(*result);
}

std::unique_ptr<Llm> Llm::Create(const std::string& engine, const LlmConfig& config,
                                 std::shared_ptr<HttpClient> client) {
  auto it = Registry().find(engine);
  if (it == Registry().end())
    throw Error(ErrorKind::kInvalidInput, "unknown_engine",
                "llm.engine: unknown engine '" + engine + "' (known: openai)");
  return it->second(config, std::move(client));
}

std::vector<std::string> Llm::Engines() {
  std::vector<std::string> names;
  for (const auto& [name, factory] : Registry()) names.push_back(name);
  return names;
}

}  // namespace mv
