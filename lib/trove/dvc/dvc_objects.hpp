#pragma once

#include <trove/dvc/dvc_files.hpp>
#include <trove/store/object_id.hpp>
#include <trove/track/pointer_file.hpp>

#include <cstdint>
#include <filesystem>
#include <map>
#include <optional>
#include <string>
#include <string_view>

namespace trove::dvc {

namespace fs = std::filesystem;

// "md5" or "md5-dos2unix", as DVC names them.
std::string kind_name(HashKind kind);

// What migrations verified and stored, kept in .trove/state/dvc-md5: the
// trove object of each DVC hash (files, and `.dir` manifests as the trove
// manifest built from them), one line "<md5|md5-dos2unix> <md5>[.dir]
// <sha256> <size>". A revision from before the migration has a dvc.lock but
// no trove lock; through this its cached outputs are read from trove's
// cache (migration stores the outputs of every commit it finds there).
class DvcObjectMap
{
public:
  // Where it is kept; load() of a repository never migrated gives an empty map.
  static fs::path path_in(const fs::path& trove_dir);
  static DvcObjectMap load(const fs::path& trove_dir);
  void save(const fs::path& trove_dir) const;

  struct Object
  {
    std::string sha256;
    std::uint64_t size = 0;
  };
  const Object* find(const DvcHash& hash) const;
  void set(const DvcHash& hash, Object object);

private:
  std::map<std::pair<HashKind, std::string>, Object> m_objects; // md5[.dir]
};

// The output a .dvc file records (the text of `source`), as a pointer
// entry with the trove object the migration stored for it; nullopt when the
// map has none (or the file tracks no single output).
std::optional<track::PointerFile> dvc_file_output(std::string_view text,
                                                  const std::string& source,
                                                  const DvcObjectMap& objects);

// The trove object of output `out` (as dvc.lock writes its path) of stage
// `stage` in a dvc.lock's text, when a migration stored it; nullopt when
// the lock has no such entry or its object was never migrated. Throws
// trove::Error naming `source` when the text is not a dvc.lock.
std::optional<store::ObjectId> dvc_lock_output(std::string_view text,
                                               const std::string& source,
                                               const std::string& stage,
                                               const std::string& out,
                                               const DvcObjectMap& objects);

} // namespace trove::dvc
