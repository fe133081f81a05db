#include "llm/chat-stream-decoder.h"

#include <nlohmann/json.hpp>

namespace mv {
namespace {

using nlohmann::json;

std::string Shorten(std::string_view s, std::size_t max = 300) {
  std::string out(s.substr(0, max));
  if (s.size() > max) out += "...";
  return out;
}

std::string FromErrorValue(const json& error) {
  if (error.is_string()) return error.get<std::string>();
  if (!error.is_object()) return error.dump();
  std::string message = error.value("message", std::string());
  if (message.empty()) message = error.dump();
  std::string detail;
  for (const char* key : {"type", "code"}) {
    auto it = error.find(key);
    if (it == error.end() || it->is_null()) continue;
    std::string v = it->is_string() ? it->get<std::string>() : it->dump();
    if (!v.empty()) detail += (detail.empty() ? "" : ", ") + v;
  }
  return detail.empty() ? message : message + " (" + detail + ")";
}

}  // namespace

std::string ChatStreamDecoder::ErrorMessage(std::string_view body) {
  json j = json::parse(body, nullptr, false);
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end()) return FromErrorValue(*it);
    if (auto it = j.find("message"); it != j.end() && it->is_string())
      return it->get<std::string>();
    if (auto it = j.find("detail"); it != j.end()) return FromErrorValue(*it);
  }
  std::string text = Shorten(body);
  return text.empty() ? "(empty body)" : text;
}

ChatStreamDecoder::State ChatStreamDecoder::Feed(std::string_view bytes) {
  if (state_ != State::kStreaming) return state_;
  bool ok = parser_.Feed(bytes, [this](const SseEvent& e) { OnEvent(e); });
  if (!ok && state_ == State::kStreaming) Fail("stream event too large", false);
  return state_;
}

ChatStreamDecoder::State ChatStreamDecoder::Finish() {
  if (state_ != State::kStreaming) return state_;
  parser_.Finish([this](const SseEvent& e) { OnEvent(e); });
  if (state_ != State::kStreaming) return state_;
  if (!finish_reason_.empty()) {
    state_ = State::kDone;
  } else {
    Fail("the stream ended before [DONE] or a finish_reason (connection broke mid-answer)", false);
  }
  return state_;
}

void ChatStreamDecoder::Fail(std::string why, bool upstream) {
  state_ = State::kFailed;
  error_ = std::move(why);
  upstream_error_ = upstream;
}

void ChatStreamDecoder::OnEvent(const SseEvent& event) {
  if (state_ != State::kStreaming) return;
  switch (event.kind) {
    case SseEvent::Kind::kError:
      Fail("error event: " + ErrorMessage(event.data), true);
      return;
    case SseEvent::Kind::kBareJson:  // Ollama's mid-stream error; a chunk otherwise
    case SseEvent::Kind::kData: {
      std::string_view data = event.data;
      while (!data.empty() && (data.back() == ' ' || data.back() == '\n')) data.remove_suffix(1);
      if (data == "[DONE]") {
        state_ = State::kDone;
        return;
      }
      if (data.empty()) return;
      OnChunk(std::string(data));
      return;
    }
  }
}

void ChatStreamDecoder::OnChunk(const std::string& text) {
  json j = json::parse(text, nullptr, false);
  if (!j.is_object()) {
    Fail("malformed stream chunk: " + Shorten(text, 120), false);
    return;
  }
  if (auto it = j.find("error"); it != j.end() && !it->is_null()) {
    Fail("error in stream: " + FromErrorValue(*it), true);
    return;
  }
  if (auto it = j.find("model"); it != j.end() && it->is_string()) model_ = it->get<std::string>();
  auto choices = j.find("choices");
  if (choices == j.end() || !choices->is_array() || choices->empty()) return;  // e.g. usage
  const json& choice = (*choices)[0];
  if (!choice.is_object()) return;
  if (auto delta = choice.find("delta"); delta != choice.end() && delta->is_object()) {
    for (const char* key : {"reasoning_content", "reasoning"}) {
      auto r = delta->find(key);
      if (r != delta->end() && r->is_string() && !r->get_ref<const std::string&>().empty()) {
        ++reasoning_chunks_;
        if (sinks_.on_reasoning) sinks_.on_reasoning();
      }
    }
    auto c = delta->find("content");
    if (c != delta->end() && c->is_string()) {
      const auto& content = c->get_ref<const std::string&>();
      if (!content.empty()) {
        ++content_chunks_;
        if (sinks_.on_content) sinks_.on_content(content);
      }
    }
    if (auto t = delta->find("tool_calls"); t != delta->end() && !t->is_null()) {
      if (!tool_calls_.Add(*t)) {
        Fail("bad tool call in stream: " + tool_calls_.error(), false);
        return;
      }
      if (sinks_.on_tool_call) sinks_.on_tool_call();
    }
  }
  if (auto f = choice.find("finish_reason"); f != choice.end() && f->is_string())
    finish_reason_ = f->get<std::string>();
}

}  // namespace mv
