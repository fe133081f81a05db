#include "config/config-printer.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "common/secret-mask.h"
#include "config-test-util.h"
#include "config/config-schema.h"

namespace mv {
namespace {

using testing::DataPath;
using ::testing::HasSubstr;
using testing::LoadText;
using ::testing::Not;

// PrintConfig without its first line (which names the source).
std::string Body(const Config& config) {
  const std::string text = PrintConfig(config);
  return text.substr(text.find('\n') + 1);
}

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(MV_SOURCE_DIR) + "/" + relative);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

TEST(SecretMaskTest, NeverShowsTheWholeKey) {
  EXPECT_EQ(MaskSecret(""), "");
  EXPECT_EQ(MaskSecret("short"), "****");
  EXPECT_EQ(MaskSecret("sk-abcdefghijklmnopqrstuvwxyz1234"), "sk-\u20261234");
  EXPECT_EQ(MaskSecret("sk-proj-abcdefghijklmnop9876"), "sk-\u20269876");
  EXPECT_EQ(MaskSecret("abcdefghijklmnopqrstuvwxyz"), "\u2026wxyz");
  EXPECT_EQ(MaskUrlCredentials("http://user:pw@host:1/v1"), "http://user:****@host:1/v1");
  EXPECT_EQ(MaskUrlCredentials("http://host/v1?a=b@c"), "http://host/v1?a=b@c");
  EXPECT_EQ(MaskUrlCredentials("https://token@host/v1"), "https://token@host/v1");
}

TEST(ConfigPrinterTest, MasksLlmKeys) {
  Config config;
  config.llm.endpoints = {{"http://a/v1", "sk-abcdefghijklmnopqrstuvwxyz1234", "m1"},
                          {"http://u:hunter2@b/v1", "tiny", "m2"}};
  const std::string text = PrintConfig(config);
  EXPECT_THAT(text, HasSubstr("sk-\u20261234"));
  EXPECT_THAT(text, HasSubstr("****"));
  EXPECT_THAT(text, Not(HasSubstr("abcdefghijklmnop")));
  EXPECT_THAT(text, Not(HasSubstr("tiny")));
  EXPECT_THAT(text, Not(HasSubstr("hunter2")));
  EXPECT_THAT(text, HasSubstr("LLM keys are masked"));
}

TEST(ConfigPrinterTest, LegacyKeyIsMaskedToo) {
  const Config config = LoadConfig(DataPath("legacy-config.yaml"), {});
  const std::string text = PrintConfig(config);
  EXPECT_THAT(text, Not(HasSubstr("sk-test0123456789abcdefLAST")));
  EXPECT_THAT(text, HasSubstr("sk-\u2026LAST"));
  // Printed in mirrorvox's own format, warnings as comments.
  EXPECT_THAT(text, HasSubstr("gpt_sovits:"));
  EXPECT_THAT(text, HasSubstr("endpoints:"));
  EXPECT_THAT(text, HasSubstr("# warning: config: section 'LLM2'"));
  EXPECT_THAT(text, HasSubstr("开心"));
}

TEST(ConfigPrinterTest, PrintsEveryKey) {
  const std::string text = PrintConfig(Config{});
  for (const ConfigField& field : ConfigFields()) {
    const std::string leaf = field.path.substr(field.path.rfind('.') + 1);
    EXPECT_THAT(text, HasSubstr(leaf + ":")) << field.path;
  }
}

TEST(ConfigPrinterTest, OutputLoadsBackToTheSameConfig) {
  Config original = LoadConfig(DataPath("legacy-config.yaml"), {});
  original.llm.endpoints[0].key.clear();  // masked keys cannot round-trip
  original.llm.endpoints.push_back({"http://b/v1", "", "m2"});
  original.llm.system_prompt = "Line one.\nLine \"two\": yes";
  original.server.max_body_bytes = 12345;
  original.warnings.clear();
  const Config reloaded = LoadText(PrintConfig(original));
  EXPECT_EQ(Body(reloaded), Body(original));
  EXPECT_EQ(reloaded.llm.system_prompt, original.llm.system_prompt);
  EXPECT_EQ(reloaded.llm.extra_body.value("temperature", 0.0), 0.85);
}

TEST(ConfigPrinterTest, ExampleFileDocumentsTheDefaults) {
  // config/mirrorvox.example.yaml sets every key to its default value.
  const Config example =
      LoadConfig(std::string(MV_SOURCE_DIR) + "/config/mirrorvox.example.yaml", {});
  EXPECT_TRUE(example.warnings.empty());
  EXPECT_EQ(Body(example), Body(Config{}));
  const YAML::Node root =
      YAML::LoadFile(std::string(MV_SOURCE_DIR) + "/config/mirrorvox.example.yaml");
  for (const ConfigField& field : ConfigFields()) {
    YAML::Node node = root;
    bool found = true;
    std::stringstream parts(field.path);
    for (std::string part; found && std::getline(parts, part, '.');) {
      const YAML::Node parent = node;
      found = parent.IsMap() && parent[part].IsDefined();
      // reset(), not "=": assigning one Node to another overwrites its value.
      if (found) node.reset(parent[part]);
    }
    EXPECT_TRUE(found) << field.path << " is missing from the example";
  }
}

TEST(ConfigPrinterTest, ReferenceDocNamesEveryKey) {
  const std::string doc = ReadSourceFile("docs/config.md");
  for (const ConfigField& field : ConfigFields()) {
    EXPECT_THAT(doc, HasSubstr("`" + field.path))
        << field.path << " is missing from docs/config.md";
  }
}

}  // namespace
}  // namespace mv
