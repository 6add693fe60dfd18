#include <trove/sync/gc.hpp>

#include <trove/core/error.hpp>
#include <trove/store/manifest.hpp>
#include <trove/sync/targets.hpp>
#include <trove/sync/transfer.hpp>

#include <set>

namespace trove::sync {

std::vector<std::string>
unused_remote_objects(const track::Repository& repo,
                      remote::Remote& remote,
                      const std::vector<track::PointerFile>& outputs)
{
  std::set<store::ObjectId> used;
  for (const auto& out : outputs) {
    used.insert(out.id);
    if (!out.id.is_dir) {
      continue;
    }
    if (!repo.store().contains(out.id)) {
      throw Error("the manifest " + out.id.to_string() + " of '" + out.out_path +
                  "' is not in the cache, so its files on " + remote.describe() +
                  " cannot be told from garbage; run 'trove fetch' first");
    }
    for (auto& file : store::manifest_files(repo.store(), out.id)) {
      used.insert(std::move(file));
    }
  }
  std::vector<std::string> unused;
  for (const auto& id : remote.list()) {
    if (!used.count(id)) {
      unused.push_back(remote::key_of(id));
    }
  }
  for (auto& key : remote.abandoned_uploads()) {
    unused.push_back(std::move(key));
  }
  return unused;
}

CloudGcPlan
plan_cloud_gc(const track::Repository& repo,
              track::ObjectScope scope,
              const std::string& remote_name)
{
  read_lock_outputs(scope);
  CloudGcPlan plan;
  plan.remote = open_remote(repo, remote_name).remote;
  plan.unused =
      unused_remote_objects(repo, *plan.remote, track::referenced_outputs(repo, scope));
  return plan;
}

} // namespace trove::sync
