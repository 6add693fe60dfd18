#include <trove/metrics/version.hpp>

#include <trove/core/error.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/track/workspace.hpp>

#include <algorithm>
#include <set>

namespace trove::metrics {

namespace fs = std::filesystem;

namespace {

// The files of a revision with no commit: none.
class NoFiles final : public scm::FileSource
{
public:
  std::optional<std::string>
  read(const std::string&) const override
  {
    return std::nullopt;
  }
};

std::unique_ptr<scm::FileSource>
files_of(const track::Repository& repo, const Revision& revision)
{
  if (!revision.commit) {
    return std::make_unique<scm::WorkTreeFiles>(repo.root(),
                                                std::vector{repo.store().dir()});
  }
  if (revision.commit->empty()) {
    return std::make_unique<NoFiles>();
  }
  return std::make_unique<scm::CommitFiles>(repo.require_git(), *revision.commit);
}

bool
is_pipeline(std::string_view name)
{
  return track::metadata_kind(name) == track::MetadataKind::pipeline;
}

} // namespace

scm::GitRepo::FileFinder
pipeline_finder(const scm::GitRepo& git)
{
  return {git, is_pipeline};
}

Version::Version(const track::Repository& repo,
                 Revision revision,
                 scm::GitRepo::FileFinder* finder)
    : m_repo(repo), m_revision(std::move(revision)), m_files(files_of(repo, m_revision)),
      m_finder(finder)
{
}

const std::vector<pipeline::PipelineFile>&
Version::pipelines()
{
  if (m_pipelines) {
    return *m_pipelines;
  }
  std::vector<scm::GitRepo::File> found;
  if (!m_revision.commit) {
    for (const auto& path : track::find_metadata_files(m_repo).pipelines) {
      found.push_back({path, *m_files->read(path)});
    }
  } else if (!m_revision.commit->empty()) {
    found = m_finder ? m_finder->in(*m_revision.commit)
                     : pipeline_finder(m_repo.require_git()).in(*m_revision.commit);
  }
  // Kept only once all are read, so that a second call throws again.
  std::vector<pipeline::PipelineFile> files;
  std::size_t stages = 0;
  for (const auto& file : found) {
    bool main = file.path == track::k_pipeline_file_name;
    files.push_back(
        pipeline::parse_pipeline_file(*m_files, file.path, file.content, main));
    stages += files.back().stages.size();
    pipeline::check_stage_count(stages, file.path);
  }
  m_pipelines = std::move(files);
  return *m_pipelines;
}

std::vector<std::string>
Version::metrics_files()
{
  std::set<std::string> paths;
  for (const auto& file : pipelines()) {
    for (const auto& stage : file.stages) {
      for (const auto& out : stage.outs) {
        if (out.kind == pipeline::Output::Kind::metric) {
          paths.insert(stage.path_from_root(out.path));
        }
      }
    }
    for (const auto& path : file.metrics) {
      paths.insert(file.path_from_root(path));
    }
  }
  return {paths.begin(), paths.end()};
}

std::vector<std::string>
Version::params_files()
{
  std::set<std::string> paths;
  if (m_files->read("params.yaml")) {
    paths.insert("params.yaml");
  }
  for (const auto& file : pipelines()) {
    for (const auto& stage : file.stages) {
      for (const auto& params : stage.params) {
        paths.insert(stage.path_from_root(params.file));
      }
    }
    for (const auto& path : file.params) {
      paths.insert(file.path_from_root(path));
    }
  }
  return {paths.begin(), paths.end()};
}

std::optional<std::string>
Version::read(const std::string& path)
{
  if (auto content = m_files->read(path)) {
    return content;
  }
  return read_cached_output(path);
}

std::vector<std::string>
Version::files_under(const std::string& dir)
{
  std::vector<std::string> files;
  std::error_code ec;
  auto top = m_repo.root() / dir;
  if (m_revision.commit || !fs::is_directory(top, ec)) {
    return files;
  }
  for (fs::recursive_directory_iterator it(top, ec), end; !ec && it != end;
       it.increment(ec)) {
    if (it->is_regular_file(ec)) {
      files.push_back(fs::relative(it->path(), m_repo.root()).generic_string());
    }
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::optional<std::string>
Version::read_cached_output(const std::string& path)
{
  for (const auto& file : pipelines()) {
    for (const auto& stage : file.stages) {
      for (const auto& out : stage.outs) {
        if (stage.path_from_root(out.path) != path) {
          continue;
        }
        std::string lock_path = pipeline::lock_path_of(file.path);
        const auto* lock = lock_file(lock_path);
        const auto* locked = lock ? lock->find(stage.name) : nullptr;
        const auto* entry = locked ? locked->out(out.path) : nullptr;
        if (!entry) {
          return std::nullopt;
        }
        if (!m_repo.store().contains(entry->id)) {
          throw Error(path + ": " + entry->id.to_string() + " (recorded in " + lock_path +
                      ") is not in the cache");
        }
        return m_repo.store().read_verified(entry->id);
      }
    }
  }
  return std::nullopt;
}

const pipeline::LockFile*
Version::lock_file(const std::string& path)
{
  auto it = m_locks.find(path);
  if (it == m_locks.end()) {
    std::optional<pipeline::LockFile> lock;
    if (auto text = m_files->read(path)) {
      lock = pipeline::LockFile::parse(*text, path);
    }
    it = m_locks.emplace(path, std::move(lock)).first;
  }
  return it->second ? &*it->second : nullptr;
}

std::vector<FileValues>
read_values(Version& version, const std::vector<std::string>& paths)
{
  std::vector<FileValues> files;
  for (const auto& path : paths) {
    FileValues file{path, {}, nullptr, {}};
    try {
      auto content = version.read(path);
      if (!content) {
        continue;
      }
      file.document = pipeline::parse_value(*content, path);
      file.values = flatten(file.document);
    } catch (const Error& e) {
      file.error = e.what();
    }
    files.push_back(std::move(file));
  }
  return files;
}

RevisionValues
read_revision(Version& version, FileKind kind, const std::vector<std::string>& targets)
{
  RevisionValues result{version.revision(), {}, {}};
  try {
    auto paths = targets;
    if (paths.empty()) {
      paths =
          kind == FileKind::metrics ? version.metrics_files() : version.params_files();
    }
    result.files = read_values(version, paths);
  } catch (const Error& e) {
    result.error = e.what();
  }
  return result;
}

std::vector<Version>
versions_to_compare(const track::Repository& repo, std::vector<std::string> names)
{
  if (names.empty()) {
    names = {"HEAD"};
  }
  if (names.size() == 1) {
    names.push_back("workspace");
  }
  std::vector<Version> versions;
  for (const auto& name : names) {
    versions.emplace_back(repo, revision_named(repo, name));
  }
  return versions;
}

} // namespace trove::metrics
