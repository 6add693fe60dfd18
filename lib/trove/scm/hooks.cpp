#include <trove/scm/hooks.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>

#include <algorithm>

namespace trove::scm {

namespace {

const std::string k_begin = "# >>> trove install >>>";
const std::string k_end = "# <<< trove install <<<";
const std::string k_shebang = "#!/bin/sh";

// The hook's lines without trove's block.
std::vector<std::string>
without_block(const std::vector<std::string>& lines)
{
  std::vector<std::string> kept;
  bool inside = false;
  for (const auto& line : lines) {
    if (line == k_begin) {
      inside = true;
    } else if (line == k_end) {
      inside = false;
    } else if (!inside) {
      kept.push_back(line);
    }
  }
  while (!kept.empty() && kept.back().empty()) {
    kept.pop_back();
  }
  return kept;
}

// `exec COMMAND` replaces the shell, so lines after it never run; `exec`
// with only redirections (`exec >>log 2>&1`) does not.
bool
replaces_shell(const std::string& line)
{
  auto start = line.find_first_not_of(" \t");
  if (start == std::string::npos || line.compare(start, 5, "exec ") != 0) {
    return false;
  }
  auto word = line.find_first_not_of(" \t", start + 5);
  if (word == std::string::npos) {
    return false;
  }
  auto first = line.find_first_not_of("0123456789", word);
  return first == std::string::npos || (line[first] != '>' && line[first] != '<');
}

// A hook's lines without trove's block; a missing or empty hook is a #! line.
std::vector<std::string>
user_lines(const fs::path& path)
{
  std::error_code ec;
  if (!fs::exists(path, ec)) {
    return {k_shebang};
  }
  auto lines = without_block(core::split_lines(core::read_file(path)));
  if (lines.empty()) {
    return {k_shebang};
  }
  for (const auto& line : lines) {
    if (replaces_shell(line)) {
      throw Error(path.string() +
                  " runs 'exec', so trove's lines would never run; "
                  "add them by hand (see trove-install(1)); no hook was changed");
    }
  }
  return lines;
}

void
write_hook(const fs::path& path, const std::vector<std::string>& lines)
{
  core::AtomicFile file(path, {}, 0755);
  file.write(core::join_lines(lines));
  file.commit();
}

} // namespace

std::vector<fs::path>
install_hooks(const fs::path& dir, const std::vector<Hook>& hooks)
{
  std::error_code ec;
  fs::create_directories(dir, ec);
  // Every hook is read (and may be refused) before any is written.
  std::vector<std::vector<std::string>> contents;
  for (const auto& hook : hooks) {
    contents.push_back(user_lines(dir / hook.name));
  }
  std::vector<fs::path> written;
  for (std::size_t i = 0; i < hooks.size(); ++i) {
    const auto& hook = hooks[i];
    fs::path path = dir / hook.name;
    auto& lines = contents[i];
    lines.push_back(k_begin);
    for (const auto& line : core::split_lines(hook.body)) {
      lines.push_back(line);
    }
    lines.push_back(k_end);
    write_hook(path, lines);
    written.push_back(path);
  }
  return written;
}

std::vector<fs::path>
uninstall_hooks(const fs::path& dir, const std::vector<Hook>& hooks)
{
  std::vector<fs::path> changed;
  for (const auto& hook : hooks) {
    fs::path path = dir / hook.name;
    std::error_code ec;
    if (!fs::exists(path, ec)) {
      continue;
    }
    auto lines = core::split_lines(core::read_file(path));
    if (std::find(lines.begin(), lines.end(), k_begin) == lines.end()) {
      continue; // not ours
    }
    auto kept = without_block(lines);
    if (kept.empty() || (kept.size() == 1 && kept[0].rfind("#!", 0) == 0)) {
      core::remove_file(path);
    } else {
      write_hook(path, kept);
    }
    changed.push_back(path);
  }
  return changed;
}

} // namespace trove::scm
