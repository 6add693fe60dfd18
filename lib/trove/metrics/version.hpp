#pragma once

#include <trove/metrics/revisions.hpp>
#include <trove/metrics/values.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/scm/file_source.hpp>
#include <trove/track/repository.hpp>

#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace trove::metrics {

// Finds the pipeline files of commits (see Version).
scm::GitRepo::FileFinder pipeline_finder(const scm::GitRepo& git);

// One revision's pipelines and the files they declare, read without
// touching the work tree (for a commit) or anything else.
class Version
{
public:
  // `finder` (optional) shares the trees read between the versions of one
  // command.
  Version(const track::Repository& repo,
          Revision revision,
          scm::GitRepo::FileFinder* finder = nullptr);

  const Revision&
  revision() const
  {
    return m_revision;
  }

  // Every trove.yaml of the revision, loaded once; a malformed one throws.
  const std::vector<pipeline::PipelineFile>& pipelines();

  // Paths relative to the root, sorted: every stage's `metrics` and the
  // top-level `metrics` of each pipeline file.
  std::vector<std::string> metrics_files();
  // params.yaml, every file stages take params from, top-level `params`.
  std::vector<std::string> params_files();

  // A file's content: from the work tree or the commit, else (an output
  // trove caches rather than git) from the cache by the id the revision's
  // trove.lock records. nullopt when neither has it; throws when the lock
  // names an object the cache lacks.
  std::optional<std::string> read(const std::string& path);

  // STUB (plots branch, work tree only) until main's version lands: paths
  // relative to the root of every file under `dir` at this revision.
  std::vector<std::string> files_under(const std::string& dir);

private:
  std::optional<std::string> read_cached_output(const std::string& path);
  // A lock file of this revision, parsed once; null when there is none.
  const pipeline::LockFile* lock_file(const std::string& path);

  const track::Repository& m_repo;
  Revision m_revision;
  std::unique_ptr<scm::FileSource> m_files;
  scm::GitRepo::FileFinder* m_finder;
  std::optional<std::vector<pipeline::PipelineFile>> m_pipelines;
  std::map<std::string, std::optional<pipeline::LockFile>> m_locks;
};

// One file's values at a revision, or why they could not be read.
struct FileValues
{
  std::string path;
  FlatValues values;
  Value document; // as parsed, for --json
  std::string error;
};

// The values of `paths` (relative to the root) at a version; files the
// version lacks are left out, a malformed one carries its error.
std::vector<FileValues> read_values(Version& version,
                                    const std::vector<std::string>& paths);

// A revision's metrics or params.
struct RevisionValues
{
  Revision revision;
  std::vector<FileValues> files;
  std::string error; // the revision's pipelines could not be read
};

enum class FileKind
{
  metrics,
  params
};

// The values of the metrics or params files a version declares (or of
// `targets`); errors are kept, so that other revisions are still shown.
RevisionValues
read_revision(Version& version, FileKind kind, const std::vector<std::string>& targets);

// The versions a diff compares: HEAD and the workspace by default, one
// revision and the workspace, or exactly the revisions named.
std::vector<Version> versions_to_compare(const track::Repository& repo,
                                         std::vector<std::string> names);

} // namespace trove::metrics
