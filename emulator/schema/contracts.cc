#include "emulator/schema/contracts.h"

#include <algorithm>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>
#include <system_error>

#include "emulator/core/names.h"

namespace eventfabric::schema {
namespace {

namespace fs = std::filesystem;
using json = nlohmann::json;

constexpr std::string_view envelope_file = "envelope.schema.json";

std::unexpected<core::error> file_error(core::errc code, const fs::path& file, const std::string& what) {
  return core::fail(code, "contracts file " + file.filename().string() + ": " + what,
                    {{"file", file.string()}});
}

core::result<std::shared_ptr<const json>> read_json(const fs::path& file) {
  std::ifstream in(file, std::ios::binary);
  if (!in) return file_error(core::errc::not_found, file, "cannot be read");
  std::ostringstream text;
  text << in.rdbuf();
  try {
    return std::make_shared<const json>(json::parse(text.str()));
  } catch (const json::exception& e) {
    return file_error(core::errc::invalid_argument, file, std::string("is not valid JSON: ") + e.what());
  }
}

core::result<compiled_schema> compile_file(const fs::path& file, const json& doc,
                                           const compile_options& options) {
  auto compiled = compiled_schema::compile(doc, options);
  if (!compiled) return file_error(core::errc::invalid_argument, file, compiled.error().message);
  return compiled;
}

std::vector<fs::path> schema_files(const fs::path& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".json") files.push_back(e.path());
  std::sort(files.begin(), files.end());
  return files;
}

}  // namespace

const compiled_schema* contracts::find(std::string_view type) const {
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : &it->second.schema;
}

const json* contracts::document(std::string_view type) const {
  if (type == "envelope") return envelope_document_.get();
  auto it = types_.find(type);
  return it == types_.end() ? nullptr : it->second.document.get();
}

std::vector<std::string> contracts::types() const {
  std::vector<std::string> out;
  for (const auto& [type, e] : types_) out.push_back(type);
  return out;
}

core::result<contracts> load_contracts(const fs::path& dir, const compile_options& options) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec))
    return core::fail(core::errc::not_found, "contracts folder " + dir.string() + " does not exist",
                      {{"file", dir.string()}});
  contracts out;
  out.dir_ = dir;
  for (const fs::path& file : schema_files(dir)) {
    const std::string name = file.filename().string();
    const std::string type = name.substr(0, name.size() - 5);  // strip ".json"
    if (name != envelope_file)
      if (auto ok = core::check_event_type(type); !ok)
        return file_error(
            core::errc::invalid_name, file,
            "the file name must be <event type>.json (or envelope.schema.json): " + ok.error().message);
    auto doc = read_json(file);
    if (!doc) return std::unexpected(doc.error());
    auto compiled = compile_file(file, **doc, options);
    if (!compiled) return std::unexpected(compiled.error());
    if (name == envelope_file) {
      out.envelope_ = std::move(*compiled);
      out.envelope_document_ = std::move(*doc);
    } else {
      out.types_.emplace(type, contracts::entry{std::move(*compiled), std::move(*doc)});
    }
  }
  if (!out.envelope_)
    return core::fail(core::errc::not_found, "missing " + (dir / envelope_file).string(),
                      {{"file", (dir / envelope_file).string()}});
  return out;
}

}  // namespace eventfabric::schema
