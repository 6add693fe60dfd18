#pragma once

#include <trove/remote/remote.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace trove::remote {

struct TransferResult
{
  std::size_t transferred = 0; // objects sent or received
  std::size_t already = 0;     // objects the other side had
  std::uint64_t bytes = 0;     // push: bytes stored on the remote; fetch: into the cache
  std::vector<std::string> missing; // ids neither side has (push: not in the cache)
  std::map<std::string, std::string> failed; // id -> error

  bool
  ok() const
  {
    return missing.empty() && failed.empty();
  }
};

// Called after each object with the count done and the total.
using Progress = std::function<void(std::size_t done, std::size_t total)>;

// Sends the objects of `outputs` (directories with every file they list)
// that the remote lacks, `jobs` at a time. A directory's manifest goes last,
// and only when all its files are there, so that a remote never holds a
// manifest whose files are missing. An object whose bytes in the cache are
// not its id fails and is not sent.
TransferResult push(const track::Repository& repo,
                    Remote& remote,
                    const std::vector<track::PointerFile>& outputs,
                    unsigned jobs,
                    const Progress& progress);

// Brings the objects of `outputs` that the cache lacks: manifests first,
// then the files they list. Every object is decoded and hashed as it
// arrives and enters the cache only when its hash is its id; decoding stops
// as soon as an object passes the size `outputs` or its manifest records
// (a manifest: what its number of files allows, at most 1 GiB).
TransferResult fetch(track::Repository& repo,
                     Remote& remote,
                     const std::vector<track::PointerFile>& outputs,
                     unsigned jobs,
                     const Progress& progress);

// Where the objects of one output are (status --cloud).
enum class CloudState
{
  up_to_date,
  not_pushed,
  not_in_cache,
  missing
};
std::string to_string(CloudState state);

struct CloudStatus
{
  std::string path;
  CloudState state;
};

// For each output: up to date (the cache and the remote have every object),
// not pushed (some only in the cache), not in the cache (some only on the
// remote), missing (some in neither). One question to the remote for all.
std::vector<CloudStatus> cloud_status(const track::Repository& repo,
                                      Remote& remote,
                                      const std::vector<track::TrackedOut>& outputs);

// The keys on the remote that none of `outputs` uses (gc --cloud), and what
// interrupted uploads left there long ago (Remote::abandoned_uploads).
// Throws when a directory's manifest is not in the cache, as its files
// could not be told apart from garbage.
std::vector<std::string>
unused_remote_objects(const track::Repository& repo,
                      Remote& remote,
                      const std::vector<track::PointerFile>& outputs);

} // namespace trove::remote
