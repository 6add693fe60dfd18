#pragma once

#include <trove/core/progress.hpp>
#include <trove/remote/remote.hpp>
#include <trove/remote/transfer.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>
#include <trove/track/workspace.hpp>

#include <memory>
#include <string>
#include <vector>

namespace trove::sync {

using remote::TransferResult;

// A remote opened for a command, with the transfers it runs at once.
struct OpenedRemote
{
  std::unique_ptr<remote::Remote> remote;
  unsigned jobs = 0;
};

// Opens the remote `name` names (the default one when empty). Each of its
// settings is checked first, so that a value edited by hand is reported with
// its key. `jobs` (-j), when not 0, rules the remote's own parallel requests
// too.
OpenedRemote
open_remote(const track::Repository& repo, const std::string& name, unsigned jobs = 0);

// Sends the objects of `outputs` (directories with every file they list)
// that the remote lacks, `jobs` at a time. A directory's manifest goes last,
// and only when all its files are there, so that a remote never holds a
// manifest whose files are missing. An object whose bytes in the cache are
// not its id fails and is not sent. `progress` (when given) counts the
// objects to send and their bytes in the cache.
TransferResult push(const track::Repository& repo,
                    remote::Remote& remote,
                    const std::vector<track::PointerFile>& outputs,
                    unsigned jobs,
                    core::Progress* progress);

// Brings the objects of `outputs` that the cache lacks: manifests first,
// then the files they list. Every object is decoded and hashed as it
// arrives and enters the cache only when its hash is its id; decoding stops
// as soon as an object passes the size `outputs` or its manifest records
// (a manifest: what its number of files allows, at most 1 GiB).
// `progress` (when given) counts the objects to receive and the bytes their
// pointer files and manifests record.
TransferResult fetch(track::Repository& repo,
                     remote::Remote& remote,
                     const std::vector<track::PointerFile>& outputs,
                     unsigned jobs,
                     core::Progress* progress);

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
                                      remote::Remote& remote,
                                      const std::vector<track::TrackedOut>& outputs);

} // namespace trove::sync
