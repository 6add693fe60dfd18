#pragma once

#include <trove/remote/remote.hpp>

namespace trove::remote {

// A remote in a directory: objects are files at their keys, written through
// a temp file in the same directory and renamed, so that concurrent pushes
// of the same object from several repositories are safe.
class LocalRemote final : public Remote
{
public:
  LocalRemote(std::string name, fs::path root, Encoding encoding);

  std::string describe() const override;
  std::unordered_set<std::string> present(const std::vector<std::string>& keys) override;
  std::uint64_t upload(const fs::path& source, const store::ObjectId& id) override;
  std::string
  download(const std::string& key, const fs::path& dest, const SizeLimit& limit) override;
  std::vector<store::ObjectId> list() override;
  std::vector<std::string> abandoned_uploads() override;
  void remove(const std::vector<std::string>& keys) override;

private:
  std::string m_name;
  fs::path m_root;
  Encoding m_encoding;
};

} // namespace trove::remote
