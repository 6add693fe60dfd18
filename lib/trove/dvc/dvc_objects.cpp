#include <trove/dvc/dvc_objects.hpp>

#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>

namespace trove::dvc {

namespace {

constexpr const char* k_md5_map = "dvc-md5"; // in .trove/state

} // namespace

std::string
kind_name(HashKind kind)
{
  return kind == HashKind::md5 ? "md5" : "md5-dos2unix";
}

fs::path
DvcObjectMap::path_in(const fs::path& trove_dir)
{
  return trove_dir / "state" / k_md5_map;
}

DvcObjectMap
DvcObjectMap::load(const fs::path& trove_dir)
{
  DvcObjectMap map;
  fs::path file = path_in(trove_dir);
  std::error_code ec;
  if (!fs::exists(file, ec)) {
    return map;
  }
  for (const auto& line : core::split_lines(core::read_file(file))) {
    auto fields = core::split(line, ' ');
    if (fields.size() != 4 || (fields[0] != "md5" && fields[0] != "md5-dos2unix") ||
        !store::ObjectId::is_valid_hex(fields[2])) {
      continue; // a foreign line: that object is verified again
    }
    HashKind kind = fields[0] == "md5" ? HashKind::md5 : HashKind::md5_dos2unix;
    try {
      map.m_objects[{kind, fields[1]}] = {fields[2], std::stoull(fields[3])};
    } catch (const std::exception&) {
      continue;
    }
  }
  return map;
}

void
DvcObjectMap::save(const fs::path& trove_dir) const
{
  std::string text;
  for (const auto& [key, object] : m_objects) {
    text += kind_name(key.first) + " " + key.second + " " + object.sha256 + " " +
            std::to_string(object.size) + "\n";
  }
  core::create_directories(trove_dir / "state");
  core::write_file_atomic(path_in(trove_dir), text);
}

const DvcObjectMap::Object*
DvcObjectMap::find(const DvcHash& hash) const
{
  auto it = m_objects.find({hash.kind, hash.to_string()});
  return it == m_objects.end() ? nullptr : &it->second;
}

void
DvcObjectMap::set(const DvcHash& hash, Object object)
{
  m_objects[{hash.kind, hash.to_string()}] = std::move(object);
}

std::optional<store::ObjectId>
dvc_lock_output(std::string_view text,
                const std::string& source,
                const std::string& stage,
                const std::string& out,
                const DvcObjectMap& objects)
{
  auto stages = parse_dvc_lock(text, source);
  auto it = stages.find(stage);
  if (it == stages.end()) {
    return std::nullopt;
  }
  for (const auto& entry : it->second.outs) {
    if (entry.path == out && entry.hash) {
      if (const auto* object = objects.find(*entry.hash)) {
        return store::ObjectId{object->sha256, entry.hash->is_dir};
      }
    }
  }
  return std::nullopt;
}

std::optional<track::PointerFile>
dvc_file_output(std::string_view text,
                const std::string& source,
                const DvcObjectMap& objects)
{
  auto file = DvcFile::parse(text, source);
  if (file.outs.size() != 1 || !file.outs[0].hash) {
    return std::nullopt;
  }
  const auto& out = file.outs[0];
  const auto* object = objects.find(*out.hash);
  if (!object) {
    return std::nullopt;
  }
  track::PointerFile pointer;
  pointer.out_path = out.path;
  pointer.id = store::ObjectId{object->sha256, out.hash->is_dir};
  pointer.size = out.size.value_or(object->size);
  pointer.nfiles = out.nfiles;
  pointer.executable = out.executable;
  return pointer;
}

} // namespace trove::dvc
