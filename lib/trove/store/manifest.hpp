#pragma once

#include <trove/store/object_id.hpp>

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace trove::store {

class ObjectStore;

struct ManifestEntry
{
  std::string path; // relative to the directory, '/'-separated
  std::string hex;  // the file's object id
  std::uint64_t size = 0;
  bool executable = false;

  bool operator==(const ManifestEntry&) const = default;
};

// A tracked directory's listing, stored as an object of its own whose id
// (with `.dir`) identifies the whole directory. Canonical text, so the same
// files give the same bytes (and id) on any machine:
//
//   trove-manifest 1\n
//   <64 hex> <size> <644|755> <path>\n      one line per file, sorted by path
//
// Paths are relative and safe (no `..`, `.`, leading `/`, NUL or newline).
class Manifest
{
public:
  // Builds the canonical text entry by entry, for callers that have the
  // files in path order and need only the id (a no-op status).
  class Writer
  {
  public:
    Writer();
    void append(std::string_view hex,
                std::uint64_t size,
                bool executable,
                std::string_view path);
    const std::string&
    text() const
    {
      return m_text;
    }

  private:
    std::string m_text;
  };

  Manifest() = default;
  // Sorts the entries; throws trove::Error on an unsafe or duplicate path.
  explicit Manifest(std::vector<ManifestEntry> entries);

  // Parses and validates; `source` names the object in error messages.
  static Manifest parse(std::string_view text, std::string_view source);
  std::string serialize() const;

  const std::vector<ManifestEntry>&
  entries() const
  {
    return m_entries;
  }
  std::uint64_t total_size() const;
  // The entry for `path`, or nullptr.
  const ManifestEntry* find(std::string_view path) const;

private:
  std::vector<ManifestEntry> m_entries;
};

// The manifest object `dir` (a `.dir` id) in `store`: read, checked against
// its id, and parsed. Throws trove::Error naming the object when it is not
// there, corrupt or malformed.
Manifest read_manifest(const ObjectStore& store, const ObjectId& dir);

// "Manifest -> its files": the ids of the files the manifest object `dir` in
// `store` lists, in path order (a file listed twice is there twice). Throws
// as read_manifest.
std::vector<ObjectId> manifest_files(const ObjectStore& store, const ObjectId& dir);

} // namespace trove::store
