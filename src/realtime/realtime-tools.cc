// Realtime function calling, session side: the functions a client declares
// in session.update, and tool_choice (docs/realtime.md, docs/tools.md).
#include <cctype>
#include <nlohmann/json.hpp>

#include "common/error.h"
#include "realtime/realtime-settings.h"

namespace mv {
namespace {

using json = nlohmann::json;

[[noreturn]] void Invalid(const std::string& message) {
  throw Error(ErrorKind::kInvalidInput, "invalid_value", message);
}

constexpr std::size_t kMaxTools = 128;
constexpr std::size_t kMaxToolBytes = 64 * 1024;  // one function's description + schema

void CheckName(const std::string& name, const std::string& where) {
  if (name.empty() || name.size() > 64) Invalid(where + " must be 1 to 64 characters");
  for (char c : name)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '-')
      Invalid(where + " may hold only letters, digits, '_' and '-'");
}

}  // namespace

void ApplyRealtimeTools(RealtimeSettings& s, const json& session) {
  if (auto t = session.find("tools"); t != session.end()) {
    if (!t->is_array()) Invalid("session.tools must be a list");
    if (t->size() > kMaxTools)
      Invalid("session.tools: at most " + std::to_string(kMaxTools) + " functions");
    std::vector<ToolSpec> tools;
    for (std::size_t i = 0; i < t->size(); ++i) {
      const json& f = (*t)[i];
      const std::string where = "session.tools[" + std::to_string(i) + "]";
      if (!f.is_object()) Invalid(where + " must be an object");
      if (f.value("type", "function") != "function")
        Invalid(where + ".type: only 'function' tools are supported");
      if (!f.contains("name") || !f["name"].is_string()) Invalid(where + ".name is required");
      ToolSpec spec;
      spec.name = f["name"].get<std::string>();
      CheckName(spec.name, where + ".name");
      if (auto d = f.find("description"); d != f.end() && d->is_string()) spec.description = *d;
      if (auto p = f.find("parameters"); p != f.end() && !p->is_null()) {
        if (!p->is_object()) Invalid(where + ".parameters must be a JSON Schema object");
        spec.parameters_json = p->dump();
      }
      if (spec.parameters_json.size() + spec.description.size() > kMaxToolBytes)
        Invalid(where + " is over " + std::to_string(kMaxToolBytes) + " bytes");
      tools.push_back(std::move(spec));
    }
    s.tools = std::move(tools);
  }
  if (auto c = session.find("tool_choice"); c != session.end()) {
    if (c->is_string()) {
      const std::string v = *c;
      if (v != "auto" && v != "none" && v != "required")
        Invalid("session.tool_choice must be auto, none, required or {type: function, name}");
      s.tool_choice = v;
    } else if (c->is_object() && c->value("type", "") == "function" && c->contains("name") &&
               (*c)["name"].is_string()) {
      s.tool_choice = (*c)["name"].get<std::string>();
      CheckName(s.tool_choice, "session.tool_choice.name");
    } else {
      Invalid("session.tool_choice must be auto, none, required or {type: function, name}");
    }
  }
}

void PutRealtimeTools(const RealtimeSettings& s, json& session) {
  json tools = json::array();
  for (const ToolSpec& t : s.tools) {
    json parameters = json::parse(t.parameters_json, nullptr, false);
    tools.push_back({{"type", "function"},
                     {"name", t.name},
                     {"description", t.description},
                     {"parameters", parameters.is_discarded() ? json::object() : parameters}});
  }
  session["tools"] = std::move(tools);
  const std::string& c = s.tool_choice;
  session["tool_choice"] = c == "auto" || c == "none" || c == "required"
                               ? json(c)
                               : json{{"type", "function"}, {"name", c}};
}

}  // namespace mv
