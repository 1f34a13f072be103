// `eventfabric schema check`: the CI schema-diff gate over a contracts folder
// against a base folder or a git ref (schema::run_gate holds the rules). Git is
// run as a child process (`git ls-tree`, `git show`, `git log`); no libgit.
#include <fcntl.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <ostream>

#include "cli/schema_cmds.h"
#include "emulator/schema/gate.h"

extern char** environ;

namespace eventfabric::cli {
namespace {

namespace fs = std::filesystem;
using ordered = nlohmann::ordered_json;

struct check_opts {
  std::string contracts = "contracts", base, mode = "BACKWARD_TRANSITIVE";
  bool strict = false, json_out = false, lenient = false;
};

struct process_result {
  int status = -1;  // exit status; -1 when it could not run
  std::string out;
};

// Runs `argv` (PATH lookup) and collects its standard output; stderr is discarded.
process_result run_process(const std::vector<std::string>& argv) {
  process_result result;
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) return result;
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  posix_spawn_file_actions_adddup2(&actions, fds[1], STDOUT_FILENO);
  posix_spawn_file_actions_addopen(&actions, STDERR_FILENO, "/dev/null", O_WRONLY, 0);
  posix_spawn_file_actions_addopen(&actions, STDIN_FILENO, "/dev/null", O_RDONLY, 0);
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  pid_t pid = -1;
  const int spawned = posix_spawnp(&pid, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (spawned != 0) {
    close(fds[0]);
    return result;
  }
  char buf[65536];
  for (;;) {
    const ssize_t n = read(fds[0], buf, sizeof buf);
    if (n > 0) {
      result.out.append(buf, static_cast<std::size_t>(n));
    } else if (n == 0 || errno != EINTR) {
      break;
    }
  }
  close(fds[0]);
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
  return result;
}

process_result git(const fs::path& dir, std::vector<std::string> args) {
  args.insert(args.begin(), {"git", "-C", dir.string()});
  return run_process(args);
}

// The *.json files at the top level of `dir`, sorted by name.
std::optional<std::vector<schema::contract_file>> read_folder(const fs::path& dir, std::string& error) {
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    error = "folder " + dir.string() + " does not exist";
    return std::nullopt;
  }
  std::vector<fs::path> paths;
  for (const auto& e : fs::directory_iterator(dir, ec))
    if (e.is_regular_file(ec) && e.path().extension() == ".json") paths.push_back(e.path());
  if (ec) {
    error = "cannot list folder " + dir.string() + ": " + ec.message();
    return std::nullopt;
  }
  std::sort(paths.begin(), paths.end());
  std::vector<schema::contract_file> files;
  for (const auto& p : paths) {
    auto text = read_text_file(p.string());
    if (!text) {
      error = "cannot read " + p.string();
      return std::nullopt;
    }
    files.push_back({p.filename().string(), std::move(*text)});
  }
  return files;
}

std::string trim(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r' || s.back() == ' ')) s.pop_back();
  return s;
}

// The contracts folder as of git ref `ref` of the repository that holds `dir`.
// With `history`, every committed version of each file (oldest first) up to the ref.
std::optional<std::vector<schema::contract_file>> read_git_base(const fs::path& dir, const std::string& ref,
                                                                bool history, std::string& error,
                                                                bool& folder_missing) {
  auto prefix = git(dir, {"rev-parse", "--show-prefix"});
  if (prefix.status != 0) {
    error = "--base " + ref + " is not a folder, and " + dir.string() +
            " is not inside a git repository (or git is not installed)";
    return std::nullopt;
  }
  auto commit = git(dir, {"rev-parse", "--verify", "--quiet", "--end-of-options", ref + "^{commit}"});
  if (commit.status != 0 || trim(commit.out).empty()) {
    error = "--base " + ref + " is neither a folder nor a git ref of the repository holding " + dir.string();
    return std::nullopt;
  }
  const std::string sha = trim(commit.out);
  const std::string folder = trim(prefix.out);  // "contracts/" or "" at the top level
  auto tree = git(dir, {"ls-tree", "-z", "--full-tree", sha, "--", folder.empty() ? "." : folder});
  if (tree.status != 0) {
    error = "git ls-tree " + sha + " failed for " + (folder.empty() ? "." : folder);
    return std::nullopt;
  }
  // Entries: "<mode> <type> <object>\t<path>\0".
  std::vector<std::string> paths;
  std::size_t start = 0;
  while (start < tree.out.size()) {
    const auto end = tree.out.find('\0', start);
    const std::string entry = tree.out.substr(start, end == std::string::npos ? std::string::npos : end - start);
    start = end == std::string::npos ? tree.out.size() : end + 1;
    const auto tab = entry.find('\t');
    if (tab == std::string::npos || entry.find(" blob ") == std::string::npos) continue;
    const std::string path = entry.substr(tab + 1);
    const std::string name = path.substr(folder.size());
    if (!path.starts_with(folder) || name.find('/') != std::string::npos || !name.ends_with(".json")) continue;
    paths.push_back(path);
  }
  folder_missing = paths.empty();
  std::vector<schema::contract_file> files;
  for (const auto& path : paths) {
    const std::string name = path.substr(folder.size());
    if (history) {
      auto log = git(dir, {"log", "--format=%H", "--reverse", sha, "--", ":/" + path});
      std::size_t s = 0;
      while (log.status == 0 && s < log.out.size()) {
        auto e = log.out.find('\n', s);
        const std::string c = log.out.substr(s, e == std::string::npos ? std::string::npos : e - s);
        s = e == std::string::npos ? log.out.size() : e + 1;
        if (c.empty() || c == sha) continue;
        auto shown = git(dir, {"show", c + ":" + path});
        if (shown.status == 0) files.push_back({name, std::move(shown.out)});  // deleted there: skip
      }
    }
    auto shown = git(dir, {"show", sha + ":" + path});
    if (shown.status != 0) {
      error = "git show " + sha + ":" + path + " failed";
      return std::nullopt;
    }
    files.push_back({name, std::move(shown.out)});
  }
  return files;
}

ordered finding_json(const schema::gate_finding& f) {
  return {{"code", f.code}, {"file", f.file}, {"type", f.type}, {"pointer", f.pointer}, {"message", f.message}};
}

void print_json(const check_opts& o, schema::compat_mode mode, const schema::gate_report& r, std::ostream& out) {
  ordered j;
  j["ok"] = r.ok();
  j["contracts"] = o.contracts;
  j["base"] = o.base.empty() ? ordered(nullptr) : ordered(o.base);
  j["mode"] = std::string(schema::to_string(mode));
  j["strict"] = o.strict;
  for (const char* key : {"errors", "warnings", "info"}) j[key] = ordered::array();
  for (const auto& f : r.errors) j["errors"].push_back(finding_json(f));
  for (const auto& f : r.warnings) j["warnings"].push_back(finding_json(f));
  for (const auto& f : r.info) j["info"].push_back(finding_json(f));
  j["types"] = ordered::array();
  for (const auto& t : r.types) {
    ordered changes = ordered::array();
    for (const auto& c : t.changes) changes.push_back(c);
    j["types"].push_back({{"type", t.type},
                          {"file", t.file},
                          {"status", t.status},
                          {"compatible", t.compatible ? ordered(*t.compatible) : ordered(nullptr)},
                          {"base_versions", t.base_versions},
                          {"changes", std::move(changes)}});
  }
  out << j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
}

void print_finding(std::ostream& out, const char* level, const schema::gate_finding& f) {
  out << level << " " << f.code;
  if (!f.file.empty()) out << " " << f.file;
  if (!f.pointer.empty()) out << " " << f.pointer;
  out << "\n  ";
  for (char c : f.message) {
    out << c;
    if (c == '\n') out << "  ";
  }
  out << "\n";
}

void print_text(const check_opts& o, schema::compat_mode mode, const schema::gate_report& r, std::ostream& out) {
  out << "schema check: " << o.contracts;
  if (o.base.empty())
    out << " (no --base: load, naming and PII rules only)";
  else
    out << " against base " << o.base << " (" << schema::to_string(mode) << ")";
  out << (o.strict ? ", strict" : "") << "\n";
  std::size_t width = 0;
  for (const auto& t : r.types) width = std::max(width, t.type.size());
  for (const auto& t : r.types) {
    out << "  " << t.type << std::string(width - t.type.size() + 2, ' ') << t.status;
    if (t.compatible && t.status != "unchanged")
      out << (*t.compatible ? ", compatible with " : ", INCOMPATIBLE with ") << t.base_versions << " base version"
          << (t.base_versions == 1 ? "" : "s");
    out << "\n";
  }
  for (const auto& f : r.errors) print_finding(out, "ERROR", f);
  for (const auto& f : r.warnings) print_finding(out, "WARNING", f);
  for (const auto& f : r.info) print_finding(out, "INFO", f);
  out << (r.ok() ? "PASSED" : "FAILED") << ": " << r.errors.size() << " error" << (r.errors.size() == 1 ? "" : "s")
      << ", " << r.warnings.size() << " warning" << (r.warnings.size() == 1 ? "" : "s") << "\n";
}

int check(const check_opts& o, io streams) {
  auto mode = schema::parse_compat_mode(o.mode);
  if (!mode) {
    streams.err << "eventfabric schema check: unknown --mode '" << o.mode
                << "' (BACKWARD, BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE)\n";
    return 2;
  }
  std::string error;
  auto current = read_folder(o.contracts, error);
  if (!current) {
    streams.err << "eventfabric schema check: contracts " << error << "\n";
    return 2;
  }
  std::optional<std::vector<schema::contract_file>> base;
  bool base_folder_missing = false;
  if (!o.base.empty()) {
    std::error_code ec;
    if (fs::is_directory(o.base, ec)) {
      base = read_folder(o.base, error);
    } else {
      const bool transitive = *mode == schema::compat_mode::backward_transitive ||
                              *mode == schema::compat_mode::forward_transitive ||
                              *mode == schema::compat_mode::full_transitive;
      base = read_git_base(o.contracts, o.base, transitive, error, base_folder_missing);
    }
    if (!base) {
      streams.err << "eventfabric schema check: " << error << "\n";
      return 2;
    }
  }
  schema::gate_options options;
  options.mode = *mode;
  options.strict = o.strict;
  options.lenient = o.lenient;
  schema::gate_report report = schema::run_gate(*current, base, options);
  if (base_folder_missing)
    report.warnings.insert(report.warnings.begin(),
                           schema::gate_finding{"BASE_EMPTY", "", "", "",
                            "the base " + o.base + " has no contract files in this folder; every type is new"});
  if (o.json_out)
    print_json(o, *mode, report, streams.out);
  else
    print_text(o, *mode, report, streams.out);
  return report.ok() ? 0 : 1;
}

}  // namespace

void add_schema_check(CLI::App& group, io streams, int& exit_code) {
  auto o = std::make_shared<check_opts>();
  auto* cmd = group.add_subcommand(
      "check",
      "The CI schema-diff gate. Every file of the contracts folder must load (envelope.schema.json, and\n"
      "<type>.json schemas that compile, <type> dotted lower case ending in .vN); against --base, each\n"
      "existing type must stay compatible with its base version(s) (a breaking change must be published\n"
      "as a new .vN), and no type may be removed; personal-looking properties need an x-pii classification\n"
      "(a warning, an error with --strict). Exit 0 pass, 1 violations, 2 error (missing folder, bad git ref,\n"
      "bad --mode).\n"
      "--json prints {\"ok\",\"contracts\",\"base\",\"mode\",\"strict\",\"errors\",\"warnings\",\"info\",\"types\"}.");
  cmd->add_option("--contracts", o->contracts, "The contracts folder to check")->capture_default_str();
  cmd->add_option("--base", o->base,
                  "What to compare with: a folder, or a git ref (branch, tag, commit) of the repository holding "
                  "the contracts folder, read with git ls-tree/show; transitive modes also read each file's "
                  "git history up to the ref. Without it, the folder is checked alone");
  cmd->add_option("--mode", o->mode,
                  "Compatibility mode for existing types, Confluent names, any case (BACKWARD, "
                  "BACKWARD_TRANSITIVE, FORWARD, FORWARD_TRANSITIVE, FULL, FULL_TRANSITIVE, NONE)")
      ->capture_default_str();
  cmd->add_flag("--strict", o->strict, "Unclassified personal-looking properties are errors, not warnings");
  cmd->add_flag("--json", o->json_out, "Print one JSON report instead of the readable one");
  cmd->add_flag("--lenient", o->lenient, "Use Confluent's lenient compatible set");
  cmd->callback([o, streams, &exit_code] { exit_code = check(*o, streams); });
}

}  // namespace eventfabric::cli
