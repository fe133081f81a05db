#include "llm/tool-call-assembler.h"

#include <nlohmann/json.hpp>

namespace mv {

bool ToolCallAssembler::Fail(std::string why) {
  error_ = std::move(why);
  return false;
}

bool ToolCallAssembler::Add(const nlohmann::json& tool_calls) {
  if (tool_calls.is_null()) return true;
  if (!tool_calls.is_array()) return Fail("tool_calls is not a list");
  for (const auto& f : tool_calls) {
    if (!f.is_object()) return Fail("a tool_calls entry is not an object");
    long long index = -1;
    if (auto it = f.find("index"); it != f.end() && it->is_number_integer())
      index = it->get<long long>();
    std::string id;
    if (auto it = f.find("id"); it != f.end() && it->is_string()) id = it->get<std::string>();
    const nlohmann::json* fn = nullptr;
    if (auto it = f.find("function"); it != f.end() && it->is_object()) fn = &*it;

    // Which call this fragment belongs to.
    Slot* slot = nullptr;
    if (index >= 0) {
      for (auto it = calls_.rbegin(); it != calls_.rend(); ++it)
        if (it->index == index) {
          slot = &*it;
          break;
        }
      // Ollama: index 0 again with a new id is the next call.
      if (slot && !id.empty() && !slot->call.id.empty() && slot->call.id != id) slot = nullptr;
    } else if (!id.empty()) {
      for (auto& s : calls_)
        if (s.call.id == id) slot = &s;
    } else if (!calls_.empty()) {
      slot = &calls_.back();
    }
    if (!slot) {
      calls_.push_back({index, {}});
      slot = &calls_.back();
    }
    if (slot->call.id.empty()) slot->call.id = id;
    if (!fn) continue;
    if (auto it = fn->find("name"); it != fn->end() && it->is_string()) {
      const auto& name = it->get_ref<const std::string&>();
      // Repeated on every fragment by some servers: set once.
      if (slot->call.name.empty()) slot->call.name = name;
    }
    if (auto it = fn->find("arguments"); it != fn->end() && !it->is_null()) {
      if (it->is_string()) {
        slot->call.arguments += it->get_ref<const std::string&>();
      } else {
        slot->call.arguments = it->dump();  // an object: the whole arguments at once
      }
      if (slot->call.arguments.size() > max_argument_bytes_)
        return Fail("tool call arguments over " + std::to_string(max_argument_bytes_) + " bytes");
    }
  }
  return true;
}

std::vector<ToolCall> ToolCallAssembler::Calls() const {
  std::vector<ToolCall> out;
  for (std::size_t i = 0; i < calls_.size(); ++i) {
    ToolCall c = calls_[i].call;
    if (c.id.empty()) c.id = "call_" + std::to_string(i);
    if (c.arguments.empty()) c.arguments = "{}";
    out.push_back(std::move(c));
  }
  return out;
}

}  // namespace mv
