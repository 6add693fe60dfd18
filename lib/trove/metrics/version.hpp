#pragma once

#include <trove/dvc/dvc_objects.hpp>
#include <trove/metrics/revisions.hpp>
#include <trove/metrics/values.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/pipeline/pipeline_file.hpp>
#include <trove/scm/file_source.hpp>
#include <trove/track/history.hpp>
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
  // command. `pipeline_file` (relative to the root; --file) is read instead
  // of every pipeline file of the revision.
  Version(const track::Repository& repo,
          Revision revision,
          scm::GitRepo::FileFinder* finder = nullptr,
          std::string pipeline_file = {});

  const Revision&
  revision() const
  {
    return m_revision;
  }

  // Every trove.yaml and dvc.yaml of the revision, loaded once; a malformed
  // one throws.
  const std::vector<pipeline::PipelineFile>& pipelines();

  // Paths relative to the root, sorted: every stage's `metrics` and the
  // top-level `metrics` of each pipeline file.
  std::vector<std::string> metrics_files();
  // params.yaml, every file stages take params from, top-level `params`.
  std::vector<std::string> params_files();

  // A file's content: from the work tree or the commit, else (an output
  // trove caches rather than git, or a file inside one) from the cache by
  // the id the revision's lock or pointer file records. nullopt when neither
  // has it; throws, naming the command that fetches it, when the object is
  // not in the cache.
  std::optional<std::string> read(const std::string& path);

  // The cached outputs pointer files do not list, with their paths from the
  // root: the stage outputs (not `cache: false`) this revision's lock files
  // record, and in a commit from before `trove migrate dvc` those of its
  // .dvc files.
  std::vector<track::TrackedOut> stage_outputs();

  // The files below directory `dir` (relative to the root, sorted): those
  // of the work tree or commit, and those of the cached outputs in it.
  std::vector<std::string> files_under(const std::string& dir);

private:
  // An output trove caches: its path from the root, the id recorded for it
  // at this revision, and the file that records it.
  struct CachedOutput
  {
    std::string path;
    store::ObjectId id;
    std::string recorded_in;
  };
  std::optional<std::string> read_cached_output(const std::string& path);
  // The cached output that is `path` or holds it.
  std::optional<CachedOutput> output_holding(const std::string& path);
  // The cached outputs below `dir`.
  std::vector<CachedOutput> outputs_under(const std::string& dir);
  // Output `out` of `stage` as the file's lock records it (or, in a commit
  // from before `trove migrate dvc`, its dvc.lock); nullopt when neither does.
  std::optional<CachedOutput> locked_output(const pipeline::PipelineFile& file,
                                            const pipeline::Stage& stage,
                                            const std::string& out);
  std::optional<CachedOutput> pointer_output(const std::string& path);
  std::vector<track::TrackedOut> migrated_dvc_files();
  // In the workspace revision, an output that is there is read from the
  // work tree alone (a file deleted from it is not read from the cache).
  bool checked_out(const CachedOutput& output) const;
  std::optional<CachedOutput> migrated_dvc_output(const pipeline::PipelineFile& file,
                                                  const pipeline::Stage& stage,
                                                  const std::string& out);
  // Throws, naming `path` and how to fetch it, when the object is missing.
  void require_object(const CachedOutput& output, const std::string& path) const;

  // A lock file of this revision, parsed once; null when there is none.
  const pipeline::LockFile* lock_file(const std::string& path);

  const track::Repository& m_repo;
  Revision m_revision;
  std::unique_ptr<scm::FileSource> m_files;
  scm::GitRepo::FileFinder* m_finder;
  std::string m_pipeline_file;
  std::optional<std::vector<pipeline::PipelineFile>> m_pipelines;
  std::map<std::string, std::optional<pipeline::LockFile>> m_locks;
  // What `trove migrate dvc` stored, for revisions that have only dvc.lock.
  std::optional<dvc::DvcObjectMap> m_dvc_objects;
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

// What `trove diff` and `trove ls` ask for the stage outputs of a revision.
track::StageOutputs stage_outputs_reader(const track::Repository& repo);

// The versions a diff compares: HEAD and the workspace by default, one
// revision and the workspace, or exactly the revisions named.
std::vector<Version> versions_to_compare(const track::Repository& repo,
                                         const std::string& pipeline_file,
                                         std::vector<std::string> names);

} // namespace trove::metrics
