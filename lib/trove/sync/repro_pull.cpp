#include <trove/sync/repro_pull.hpp>

#include <trove/core/error.hpp>
#include <trove/sync/targets.hpp>
#include <trove/sync/transfer.hpp>
#include <trove/track/checkout.hpp>
#include <trove/track/workspace.hpp>

namespace trove::sync {

ReproPull::ReproPull(track::Repository& repo, const std::string& remote_name)
    : m_repo(repo)
{
  auto opened = open_remote(repo, remote_name);
  m_remote = std::move(opened.remote);
  m_jobs = opened.jobs;
}

remote::TransferResult
ReproPull::fetch_workspace()
{
  return fetch(m_repo, *m_remote, outputs_to_transfer(m_repo, {}, {}), m_jobs, {});
}

std::vector<std::string>
ReproPull::would_fetch() const
{
  // A pointer file that cannot be loaded is for repro itself to report.
  std::vector<std::string> paths, failures;
  auto outputs = selected_outputs(m_repo, select_targets(m_repo, {}, ""), failures);
  for (const auto& status : cloud_status(m_repo, *m_remote, outputs)) {
    if (status.state == CloudState::not_in_cache) {
      paths.push_back(status.path);
    }
  }
  return paths;
}

void
ReproPull::check_out(const track::Warn& warn)
{
  std::vector<std::string> failures;
  auto tracked =
      track::load_all_tracked(m_repo, select_targets(m_repo, {}, "").pointers, failures);
  auto checkout =
      track::checkout_outs(m_repo, tracked, track::Force::no, track::Relink::no, warn);
  failures.insert(failures.end(), checkout.failures.begin(), checkout.failures.end());
  if (!failures.empty()) {
    throw Error(failures.front());
  }
}

std::function<void(const std::vector<track::PointerFile>&)>
ReproPull::fetcher() const
{
  return [&repo = m_repo, remote = m_remote,
          jobs = m_jobs](const std::vector<track::PointerFile>& outs) {
    fetch(repo, *remote, outs, jobs, {});
  };
}

} // namespace trove::sync
