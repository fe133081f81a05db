// RealtimeSession, function calling: calls the client declared come out as
// function_call output items (response.output_item.added,
// response.function_call_arguments.delta/.done, response.output_item.done)
// and in response.done; the client answers with conversation.item.create
// {type: "function_call_output", call_id, output} and response.create.
// Server-side (MCP) calls ran inside the answer already: they only enter
// the history, with their results.
#include <set>

#include "common/error.h"
#include "realtime/realtime-session.h"

namespace mv {
namespace {

using json = nlohmann::json;

constexpr std::size_t kMaxOutputBytes = 64 * 1024;  // one function_call_output
constexpr std::size_t kArgumentsDeltaBytes = 64;    // arguments stream in pieces this big

}  // namespace

void RealtimeSession::AddToolHistoryLocked(Response& r, const LlmResult& llm) {
  std::set<std::string> client;
  for (const ToolCall& c : llm.tool_calls) client.insert(c.id);
  for (const ChatMessage& m : llm.tool_messages) {
    HistoryItem h{NewId("item"), m.role, m.role == "tool" ? m.content : "", {}, m.tool_call_id};
    for (const ToolCall& c : m.tool_calls)
      if (!client.count(c.id)) h.tool_calls.push_back(c);
    if (h.role == "assistant" && h.tool_calls.empty()) continue;  // only client calls: later
    AddHistoryLocked(std::move(h));
  }
  (void)r;
}

void RealtimeSession::SendFunctionCallsLocked(Response& r, const std::vector<ToolCall>& calls) {
  int index = 1;  // 0 is the answer's message item
  for (const ToolCall& c : calls) {
    const std::string item_id = NewId("item");
    json item = {{"id", item_id},           {"object", "realtime.item"},
                 {"type", "function_call"}, {"status", "in_progress"},
                 {"name", c.name},          {"call_id", c.id},
                 {"arguments", ""}};
    SendLocked({{"type", "response.output_item.added"},
                {"response_id", r.id},
                {"output_index", index},
                {"item", item}});
    SendLocked({{"type", "conversation.item.added"},
                {"previous_item_id", last_item_id_.empty() ? json(nullptr) : json(last_item_id_)},
                {"item", item}});
    for (std::size_t at = 0; at < c.arguments.size(); at += kArgumentsDeltaBytes) {
      SendLocked({{"type", "response.function_call_arguments.delta"},
                  {"response_id", r.id},
                  {"item_id", item_id},
                  {"output_index", index},
                  {"call_id", c.id},
                  {"delta", c.arguments.substr(at, kArgumentsDeltaBytes)}});
    }
    SendLocked({{"type", "response.function_call_arguments.done"},
                {"response_id", r.id},
                {"item_id", item_id},
                {"output_index", index},
                {"call_id", c.id},
                {"name", c.name},
                {"arguments", c.arguments}});
    item["status"] = "completed";
    item["arguments"] = c.arguments;
    SendLocked({{"type", "response.output_item.done"},
                {"response_id", r.id},
                {"output_index", index},
                {"item", item}});
    SendLocked({{"type", "conversation.item.done"}, {"item", item}});
    last_item_id_ = item_id;
    r.function_calls.push_back(std::move(item));
    ++index;
  }
}

std::vector<ChatMessage> RealtimeSession::HistoryMessagesLocked() const {
  std::vector<ChatMessage> out;
  std::set<std::string> calls;  // call ids made so far: a tool message needs its call
  for (const HistoryItem& h : history_) {
    if (h.role == "tool") {
      if (!calls.count(h.call_id)) continue;  // its call was trimmed away
      ChatMessage m("tool", h.text);
      m.tool_call_id = h.call_id;
      out.push_back(std::move(m));
      continue;
    }
    if (!h.tool_calls.empty()) {
      for (const ToolCall& c : h.tool_calls) calls.insert(c.id);
      // Calls made together are one assistant message.
      if (!out.empty() && out.back().role == "assistant" && !out.back().tool_calls.empty() &&
          h.text.empty()) {
        for (const ToolCall& c : h.tool_calls) out.back().tool_calls.push_back(c);
        continue;
      }
      ChatMessage m("assistant", h.text);
      m.tool_calls = h.tool_calls;
      out.push_back(std::move(m));
      continue;
    }
    out.emplace_back(h.role, h.text);
  }
  return out;
}

void RealtimeSession::OnFunctionItemCreate(const json& item) {
  const std::string type = item.value("type", "");
  auto str = [&](const char* key, bool required) {
    auto it = item.find(key);
    if (it == item.end() || it->is_null()) {
      if (required)
        throw Error(ErrorKind::kInvalidInput, "invalid_value",
                    "a " + type + " item needs '" + key + "'");
      return std::string();
    }
    if (!it->is_string())
      throw Error(ErrorKind::kInvalidInput, "invalid_value",
                  std::string("item.") + key + " must be a string");
    return it->get<std::string>();
  };
  HistoryItem h;
  h.id = str("id", false);
  if (h.id.empty()) h.id = NewId("item");
  const std::string call_id = str("call_id", true);
  if (call_id.empty() || call_id.size() > 128)
    throw Error(ErrorKind::kInvalidInput, "invalid_value", "item.call_id must be 1 to 128 bytes");
  json stored = {{"id", h.id},
                 {"object", "realtime.item"},
                 {"type", type},
                 {"status", "completed"},
                 {"call_id", call_id}};
  if (type == "function_call_output") {
    h.role = "tool";
    h.call_id = call_id;
    h.text = str("output", true);
    if (h.text.size() > kMaxOutputBytes)
      throw Error(ErrorKind::kTooLarge, "invalid_value",
                  "item.output is over " + std::to_string(kMaxOutputBytes) + " bytes");
    stored["output"] = h.text;
  } else {
    h.role = "assistant";
    const std::string name = str("name", true);
    std::string arguments = str("arguments", false);
    if (arguments.empty()) arguments = "{}";
    if (arguments.size() > kMaxOutputBytes)
      throw Error(ErrorKind::kTooLarge, "invalid_value", "item.arguments is too large");
    h.tool_calls.push_back({call_id, name, arguments});
    stored["name"] = name;
    stored["arguments"] = arguments;
  }
  std::lock_guard lock(mutex_);
  AddHistoryLocked(h);
  SendLocked({{"type", "conversation.item.added"},
              {"previous_item_id", last_item_id_.empty() ? json(nullptr) : json(last_item_id_)},
              {"item", stored}});
  SendLocked({{"type", "conversation.item.done"}, {"item", stored}});
  last_item_id_ = h.id;
}

}  // namespace mv
