#pragma once

#include <trove/core/hash.hpp>
#include <trove/pipeline/params.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace trove::dvc {

namespace fs = std::filesystem;

// DVC's on-disk formats, as DVC 2.x and 3.x write them (read only: trove
// never writes anything DVC reads).

// How DVC hashed an entry. DVC 3 writes `hash: md5` (the md5 of the bytes);
// an entry without it is DVC 2's, whose md5 of a file that looks like text
// is taken after every CRLF became LF (DVC 3 calls it `md5-dos2unix`).
enum class HashKind
{
  md5,
  md5_dos2unix
};

// A DVC checksum: 32 hex digits, `.dir` for a directory's manifest.
struct DvcHash
{
  std::string md5;
  bool is_dir = false;
  HashKind kind = HashKind::md5;

  // "0232a2e8...bc416f.dir"
  std::string to_string() const;
  auto operator<=>(const DvcHash&) const = default;
};

// One entry of a .dvc file's `outs` or of a dvc.lock stage's deps/outs.
struct DvcEntry
{
  std::string path; // as written (relative to the .dvc file's folder / the stage's wdir)
  std::optional<DvcHash> hash; // none: DVC never recorded one (an empty entry)
  std::optional<std::uint64_t> size;
  std::optional<std::uint64_t> nfiles;
  bool executable = false;
  bool cache = true; // `cache: false` in a .dvc file
};

// A .dvc file (what `dvc add` writes):
//
//   outs:
//   - md5: 0232a2e80fe847a41666e4c4e5bc416f.dir
//     size: 2963
//     nfiles: 11
//     hash: md5
//     path: images
//
// `unsupported` names what trove cannot migrate (imports: `deps`, `frozen`,
// several outs, a `remote` per output). Errors name file:line:column.
struct DvcFile
{
  std::vector<DvcEntry> outs;
  std::vector<std::string> unsupported;

  static DvcFile parse(std::string_view text, const std::string& source);
};

// One file of a DVC `.dir` manifest: a JSON array of
// {"md5": "<32 hex>", "relpath": "a/b.png"} (and `isexec: true` when DVC
// recorded it), sorted by relpath. The md5 kind is the manifest's own.
struct DvcDirEntry
{
  std::string relpath;
  std::string md5;
  bool executable = false;
};
std::vector<DvcDirEntry> parse_dir_manifest(std::string_view text,
                                            const std::string& source);

// The manifest DVC writes for `entries` (sorted here by relpath): what
// Python's json.dumps(sort_keys=True) prints, non-ASCII as \uXXXX escapes.
// Its md5 is the directory's. nullopt when a relpath is not UTF-8.
std::optional<std::string> serialize_dir_manifest(std::vector<DvcDirEntry> entries);

// A dvc.lock stage (schema '2.0'): the command as run, deps and outs with
// their md5s, and the params values (in trove's shape: file -> key -> value).
struct DvcLockStage
{
  std::vector<std::string> cmd;
  bool cmd_is_list = false;
  std::vector<DvcEntry> deps;
  pipeline::ParamValues params;
  std::vector<DvcEntry> outs;
};
std::map<std::string, DvcLockStage> parse_dvc_lock(std::string_view text,
                                                   const std::string& source);

// .dvc/config or .dvc/config.local (configobj INI: `[core]`,
// `['remote "local"']` or `[remote "local"]`, `key = value`).
struct DvcRemote
{
  std::string name;
  std::map<std::string, std::string> options; // url included
};
struct DvcConfig
{
  std::map<std::string, std::string> core;  // remote, ...
  std::map<std::string, std::string> cache; // dir, type, ...
  std::vector<DvcRemote> remotes;           // in file order

  static DvcConfig parse(std::string_view text, const std::string& source);
};

// A local remote's or cache's url as DVC reads it: relative to `.dvc/`
// (the config's folder). Returns it relative to the repository root (or
// absolute when it was), lexically normal; nullopt for a url with a scheme
// other than file:// (s3://, ...).
std::optional<std::string> local_url_from_root(const std::string& url);

using core::Md5;

// DVC's test for text (dvc-objects `istextblock`, DVC 2's `istextfile`) on a
// file's first 512 bytes: empty, or no NUL byte and at most 30% of bytes
// outside printable ASCII and \n\r\t\f\b.
bool looks_like_text(std::string_view first_block);
inline constexpr std::size_t k_text_block = 512;

// The md5 DVC records for bytes: the plain md5, or for md5_dos2unix and
// text (looks_like_text on the first block) the md5 after CRLF -> LF.
// Streaming: feed the bytes in pieces of any size.
class DvcHasher
{
public:
  explicit DvcHasher(HashKind kind) : m_kind(kind) {}
  void update(std::string_view data);
  std::string finish_hex();

private:
  void feed(std::string_view data);

  HashKind m_kind;
  Md5 m_md5;
  std::string m_head; // the first block, until the text test is decided
  bool m_decided = false;
  bool m_dos2unix = false;
  bool m_pending_cr = false;
};
std::string dvc_md5(std::string_view data, HashKind kind);
std::string dvc_md5_file(const fs::path& file, HashKind kind);

// Where an object is in a DVC cache or directory remote: DVC 3 at
// `files/md5/XX/REST`, DVC 2 at `XX/REST` (each DVC reads both).
fs::path layout3_path(const fs::path& base, const DvcHash& hash);
fs::path layout2_path(const fs::path& base, const DvcHash& hash);

} // namespace trove::dvc
