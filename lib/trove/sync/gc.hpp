#pragma once

#include <trove/remote/remote.hpp>
#include <trove/track/maintenance.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <memory>
#include <string>
#include <vector>

namespace trove::sync {

// The keys on the remote that none of `outputs` uses (gc --cloud): objects
// only (Remote::list), and what interrupted uploads left there long ago
// (Remote::abandoned_uploads). Throws when a directory's manifest is not in
// the cache, as its files could not be told apart from garbage.
std::vector<std::string>
unused_remote_objects(const track::Repository& repo,
                      remote::Remote& remote,
                      const std::vector<track::PointerFile>& outputs);

// What gc --cloud deletes from a remote, found before anything is deleted.
struct CloudGcPlan
{
  std::unique_ptr<remote::Remote> remote;
  std::vector<std::string> unused; // keys
};

// Opens the remote `remote_name` names (the default one when empty) and
// finds the keys on it that nothing in `scope` uses, trove.lock files'
// outputs included.
CloudGcPlan plan_cloud_gc(const track::Repository& repo,
                          track::ObjectScope scope,
                          const std::string& remote_name);

} // namespace trove::sync
