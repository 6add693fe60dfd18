#pragma once

#include <trove/remote/remote.hpp>
#include <trove/remote/transfer.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/repository.hpp>

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace trove::sync {

// repro --pull: before the stages run, brings what the workspace's pointer
// and lock files record from a remote and checks out the tracked data; while
// they run, fetches a run-cache entry's objects.
class ReproPull
{
public:
  // Opens the remote `remote_name` names (the default one when empty).
  ReproPull(track::Repository& repo, const std::string& remote_name);

  // Fetches every object the workspace's pointer and lock files record.
  // What is on no remote is what the stages make again: failures are in the
  // result, for the caller to report as warnings.
  remote::TransferResult fetch_workspace();

  // repro --dry --pull: the workspace's outputs whose objects the remote
  // has and the cache lacks, fetching nothing.
  std::vector<std::string> would_fetch() const;

  // Checks out the data pointer files track (stage outputs are repro's to
  // restore); throws trove::Error with the first failure.
  void check_out(const track::Warn& warn);

  // What fetches the objects of some outputs later, for
  // pipeline::ReproOptions::fetch; its failures are left to the stage.
  std::function<void(const std::vector<track::PointerFile>&)> fetcher() const;

private:
  track::Repository& m_repo;
  std::shared_ptr<remote::Remote> m_remote;
  unsigned m_jobs = 0;
};

} // namespace trove::sync
