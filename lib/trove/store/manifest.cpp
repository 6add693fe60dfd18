#include <trove/store/manifest.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/store/object_store.hpp>

#include <algorithm>
#include <charconv>
#include <unordered_set>

namespace trove::store {

namespace {

constexpr std::string_view k_header = "trove-manifest 1";

void
check_path(const std::string& path, std::string_view source)
{
  if (!core::is_safe_relative_path(path)) {
    throw Error(std::string(source) + ": unsafe path '" + path +
                "' in directory manifest (absolute, '..' or empty component)");
  }
}

// A hostile manifest could list both "a" and "a/b": "a" would have to be a
// file and a directory at once. Entries are sorted.
void
check_no_file_is_a_parent(const std::vector<ManifestEntry>& entries,
                          std::string_view source)
{
  std::unordered_set<std::string_view> paths;
  for (const auto& entry : entries) {
    paths.insert(entry.path);
  }
  for (const auto& entry : entries) {
    std::string_view path = entry.path;
    for (auto slash = path.find('/'); slash != std::string_view::npos;
         slash = path.find('/', slash + 1)) {
      if (paths.contains(path.substr(0, slash))) {
        throw Error(std::string(source) + ": '" + std::string(path.substr(0, slash)) +
                    "' is listed both as a file and as a directory");
      }
    }
  }
}

} // namespace

Manifest::Manifest(std::vector<ManifestEntry> entries) : m_entries(std::move(entries))
{
  std::sort(m_entries.begin(), m_entries.end(),
            [](const auto& a, const auto& b) { return a.path < b.path; });
  for (std::size_t i = 0; i < m_entries.size(); ++i) {
    check_path(m_entries[i].path, "manifest");
    if (i > 0 && m_entries[i - 1].path == m_entries[i].path) {
      throw Error("manifest: duplicate path '" + m_entries[i].path + "'");
    }
  }
  check_no_file_is_a_parent(m_entries, "manifest");
}

Manifest
Manifest::parse(std::string_view text, std::string_view source)
{
  auto fail = [&](std::size_t line, const std::string& what) -> Error {
    return Error(std::string(source) + ": line " + std::to_string(line) + ": " + what);
  };
  std::vector<ManifestEntry> entries;
  std::size_t number = 0;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) {
      throw fail(number + 1, "line not terminated (truncated manifest)");
    }
    std::string_view line = text.substr(start, end - start);
    start = end + 1;
    ++number;
    if (number == 1) {
      if (line != k_header) {
        throw fail(1, "not a trove manifest (expected '" + std::string(k_header) + "')");
      }
      continue;
    }
    ManifestEntry entry;
    // <hex> <size> <mode> <path>
    if (line.size() < 66 || line[64] != ' ') {
      throw fail(number, "malformed entry");
    }
    entry.hex = std::string(line.substr(0, 64));
    if (!ObjectId::is_valid_hex(entry.hex)) {
      throw fail(number, "malformed object id");
    }
    line.remove_prefix(65);
    auto [size_end, ec] =
        std::from_chars(line.data(), line.data() + line.size(), entry.size);
    if (ec != std::errc() || size_end == line.data() + line.size() || *size_end != ' ') {
      throw fail(number, "malformed size");
    }
    line.remove_prefix(static_cast<std::size_t>(size_end - line.data()) + 1);
    if (line.substr(0, 4) == "644 ") {
      entry.executable = false;
    } else if (line.substr(0, 4) == "755 ") {
      entry.executable = true;
    } else {
      throw fail(number, "malformed mode");
    }
    entry.path = std::string(line.substr(4));
    check_path(entry.path, std::string(source) + ": line " + std::to_string(number));
    if (!entries.empty() && entries.back().path >= entry.path) {
      throw fail(number, "entries not sorted or duplicated at '" + entry.path + "'");
    }
    entries.push_back(std::move(entry));
  }
  if (number == 0) {
    throw fail(1, "empty manifest");
  }
  check_no_file_is_a_parent(entries, source);
  Manifest manifest;
  manifest.m_entries = std::move(entries);
  return manifest;
}

Manifest::Writer::Writer() : m_text(k_header) { m_text += '\n'; }

void
Manifest::Writer::append(std::string_view hex,
                         std::uint64_t size,
                         bool executable,
                         std::string_view path)
{
  m_text += hex;
  m_text += ' ';
  m_text += std::to_string(size);
  m_text += executable ? " 755 " : " 644 ";
  m_text += path;
  m_text += '\n';
}

std::string
Manifest::serialize() const
{
  Writer writer;
  for (const auto& entry : m_entries) {
    writer.append(entry.hex, entry.size, entry.executable, entry.path);
  }
  return writer.text();
}

std::uint64_t
Manifest::total_size() const
{
  std::uint64_t total = 0;
  for (const auto& entry : m_entries) {
    total += entry.size;
  }
  return total;
}

const ManifestEntry*
Manifest::find(std::string_view path) const
{
  auto it = std::lower_bound(
      m_entries.begin(), m_entries.end(), path,
      [](const ManifestEntry& entry, std::string_view p) { return entry.path < p; });
  return it != m_entries.end() && it->path == path ? &*it : nullptr;
}

Manifest
read_manifest(const ObjectStore& store, const ObjectId& dir)
{
  return Manifest::parse(store.read_verified(dir), "manifest " + dir.to_string());
}

std::vector<ObjectId>
manifest_files(const ObjectStore& store, const ObjectId& dir)
{
  std::vector<ObjectId> files;
  auto manifest = read_manifest(store, dir);
  for (const auto& entry : manifest.entries()) {
    files.push_back({entry.hex, false});
  }
  return files;
}

} // namespace trove::store
