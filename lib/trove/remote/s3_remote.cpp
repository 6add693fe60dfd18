#include <trove/remote/s3_remote.hpp>

#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/parallel.hpp>

#include <cstring>
#include <mutex>
#include <set>

namespace trove::remote {

namespace {

// Up to this many keys, present() asks about each (HEAD); beyond, it lists
// the remote (1,000 keys per request).
constexpr std::size_t k_most_heads = 256;

// Removes a temp file however the scope is left.
struct TempFile
{
  fs::path path;
  ~TempFile()
  {
    std::error_code ec;
    fs::remove(path, ec);
  }
};

// "sha256/a": the first hex digit of the id splits a large remote into 16
// listings, enough to run in parallel, few enough to cost the server little
// more than one listing of everything.
std::string
listing_of(const std::string& key)
{
  return key.substr(0, 8);
}

} // namespace

S3Remote::S3Remote(const RemoteSettings& settings,
                   Encoding encoding,
                   unsigned jobs,
                   fs::path scratch)
    : m_name(settings.name), m_url(settings.url),
      m_client(
          [&] {
            try {
              return s3::resolve_connection(settings.url, settings.options);
            } catch (const Error& e) {
              throw Error("remote '" + settings.name + "': " + e.what());
            }
          }(),
          "remote '" + settings.name + "' (" + settings.url + ")",
          jobs),
      m_encoding(encoding), m_jobs(jobs), m_scratch(std::move(scratch))
{
}

std::string
S3Remote::describe() const
{
  return "remote '" + m_name + "' (" + m_url + ")";
}

std::unordered_set<std::string>
S3Remote::present(const std::vector<std::string>& keys)
{
  std::unordered_set<std::string> found;
  std::mutex mutex;
  if (keys.size() <= k_most_heads) {
    core::parallel_for(keys.size(), m_jobs, [&](std::size_t i) {
      if (m_client.exists(keys[i])) {
        std::lock_guard lock(mutex);
        found.insert(keys[i]);
      }
    });
    if (found.size() < keys.size()) {
      m_client.check_bucket(); // a missing bucket answers HEAD with a bare 404 too
    }
    return found;
  }
  std::unordered_set<std::string> wanted(keys.begin(), keys.end());
  auto keep_wanted = [&](std::vector<std::string> listed) {
    std::lock_guard lock(mutex);
    for (auto& key : listed) {
      if (wanted.count(key)) {
        found.insert(std::move(key));
      }
    }
  };
  // A remote of up to 1,000 objects answers in one page...
  bool complete = false;
  keep_wanted(m_client.list("sha256/", &complete));
  if (complete) {
    return found;
  }
  // ...a larger one in up to 16 parts, in parallel.
  std::set<std::string> parts;
  for (const auto& key : keys) {
    parts.insert(listing_of(key));
  }
  std::vector<std::string> to_list(parts.begin(), parts.end());
  core::parallel_for(to_list.size(), m_jobs,
                     [&](std::size_t i) { keep_wanted(m_client.list(to_list[i])); });
  return found;
}

std::uint64_t
S3Remote::upload(const fs::path& source, const store::ObjectId& id)
{
  TempFile encoded{core::temp_path_in(m_scratch)};
  try {
    check_source(id, encode_object(source, encoded.path, m_encoding));
  } catch (const WriteError& e) {
    // The local disk is full...: the same for every object, so said once.
    throw Error("cannot write to " + m_scratch.string() + ": " + std::strerror(e.code()));
  }
  m_client.put(key_of(id), encoded.path);
  return core::file_size(encoded.path);
}

std::string
S3Remote::download(const std::string& key, const fs::path& dest, const SizeLimit& limit)
{
  TempFile received{core::temp_path_in(dest.parent_path())};
  switch (m_client.get(key, received.path, most_encoded_size(limit.bytes))) {
  case s3::Client::Got::no_such_key:
    throw Error(key + " is not on " + describe());
  case s3::Client::Got::too_large:
    throw Error(key + " on " + describe() + ": is larger on the remote than " +
                limit.meaning + " (" + std::to_string(limit.bytes) + " bytes) allows");
  case s3::Client::Got::object:
    break;
  }
  return decode_object(received.path, dest, key + " on " + describe(), limit);
}

std::vector<store::ObjectId>
S3Remote::list()
{
  std::vector<store::ObjectId> ids;
  for (const auto& key : m_client.list("sha256/")) {
    // Only what trove writes: sha256/ab/<62 hex digits>[.dir].
    if (auto id = id_of_key(key)) {
      ids.push_back(std::move(*id));
    }
  }
  return ids;
}

void
S3Remote::remove(const std::vector<std::string>& keys)
{
  m_client.remove(keys);
}

} // namespace trove::remote
