#include <trove/metrics/version.hpp>

#include <trove/core/error.hpp>
#include <trove/pipeline/lock_file.hpp>
#include <trove/store/manifest.hpp>
#include <trove/track/pointer_file.hpp>
#include <trove/track/workspace.hpp>

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
  std::vector<std::string>
  files_under(const std::string&) const override
  {
    return {};
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
                 scm::GitRepo::FileFinder* finder,
                 std::string pipeline_file)
    : m_repo(repo), m_revision(std::move(revision)), m_files(files_of(repo, m_revision)),
      m_finder(finder), m_pipeline_file(std::move(pipeline_file))
{
}

const std::vector<pipeline::PipelineFile>&
Version::pipelines()
{
  if (m_pipelines) {
    return *m_pipelines;
  }
  std::vector<scm::GitRepo::File> found;
  if (!m_pipeline_file.empty()) {
    if (auto text = m_files->read(m_pipeline_file)) {
      found.push_back({m_pipeline_file, std::move(*text)});
    } else if (!m_revision.commit) {
      throw Error("pipeline file '" + m_pipeline_file + "' does not exist");
    }
  } else if (!m_revision.commit) {
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
    bool main = !m_pipeline_file.empty() || track::is_root_pipeline(file.path);
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
  auto listed = m_files->files_under(dir);
  std::set<std::string> paths(listed.begin(), listed.end());
  auto outputs = outputs_under(dir);
  if (auto holder = output_holding(dir)) {
    outputs.push_back(*holder);
  }
  std::string prefix = dir + "/";
  for (const auto& output : outputs) {
    if (checked_out(output)) {
      continue; // the work tree's files are the workspace's, listed above
    }
    if (!output.id.is_dir) {
      paths.insert(output.path);
      continue;
    }
    require_object(output, output.path);
    auto manifest = store::read_manifest(m_repo.store(), output.id);
    for (const auto& entry : manifest.entries()) {
      std::string path = output.path + "/" + entry.path;
      if (path.starts_with(prefix)) {
        paths.insert(std::move(path));
      }
    }
  }
  return {paths.begin(), paths.end()};
}

std::optional<std::string>
Version::read_cached_output(const std::string& path)
{
  auto output = output_holding(path);
  if (!output || checked_out(*output)) {
    return std::nullopt;
  }
  require_object(*output, path);
  if (output->path == path) {
    return m_repo.store().read_verified(output->id);
  }
  auto manifest = store::read_manifest(m_repo.store(), output->id);
  const auto* entry = manifest.find(path.substr(output->path.size() + 1));
  if (!entry) {
    return std::nullopt;
  }
  store::ObjectId id{entry->hex, false};
  require_object({output->path, id, output->recorded_in}, path);
  return m_repo.store().read_verified(id);
}

namespace {

// True when `path` is `dir` or below it.
bool
is_at_or_below(const std::string& path, const std::string& dir)
{
  return path == dir ||
         (path.size() > dir.size() && path.starts_with(dir) && path[dir.size()] == '/');
}

} // namespace

std::optional<Version::CachedOutput>
Version::output_holding(const std::string& path)
{
  for (const auto& file : pipelines()) {
    for (const auto& stage : file.stages) {
      for (const auto& out : stage.outs) {
        if (is_at_or_below(path, stage.path_from_root(out.path))) {
          return locked_output(file, stage, out.path);
        }
      }
    }
  }
  for (fs::path at = path; !at.empty(); at = at.parent_path()) {
    if (auto output = pointer_output(at.generic_string())) {
      return output;
    }
  }
  return std::nullopt;
}

std::vector<Version::CachedOutput>
Version::outputs_under(const std::string& dir)
{
  std::vector<CachedOutput> outputs;
  for (const auto& file : pipelines()) {
    for (const auto& stage : file.stages) {
      for (const auto& out : stage.outs) {
        std::string path = stage.path_from_root(out.path);
        if (path != dir && is_at_or_below(path, dir)) {
          if (auto output = locked_output(file, stage, out.path)) {
            outputs.push_back(std::move(*output));
          }
        }
      }
    }
  }
  for (const auto& listed : m_files->files_under(dir)) {
    if (track::metadata_kind(fs::path(listed).filename().string()) ==
        track::MetadataKind::pointer) {
      std::string path = listed.substr(0, listed.size() - track::k_pointer_suffix.size());
      if (auto output = pointer_output(path)) {
        outputs.push_back(std::move(*output));
      }
    }
  }
  return outputs;
}

std::vector<track::TrackedOut>
Version::stage_outputs()
{
  auto outputs = migrated_dvc_files();
  for (const auto& file : pipelines()) {
    std::string lock_path = pipeline::lock_path_of(file.path);
    const auto* lock = lock_file(lock_path);
    for (const auto& stage : file.stages) {
      const auto* locked = lock ? lock->find(stage.name) : nullptr;
      for (const auto& out : stage.outs) {
        if (!out.cache) {
          continue; // git's
        }
        if (const auto* entry = locked ? locked->out(out.path) : nullptr) {
          outputs.push_back({lock_path, stage.path_from_root(out.path), *entry});
        } else if (auto migrated = migrated_dvc_output(file, stage, out.path)) {
          // Recorded in dvc.lock before the migration: its size is the object's.
          track::PointerFile pointer{out.path, migrated->id, 0, std::nullopt, false};
          std::error_code ec;
          if (!migrated->id.is_dir) {
            auto size = fs::file_size(m_repo.store().path_of(migrated->id), ec);
            pointer.size = ec ? 0 : size; // not in the cache: unknown
          }
          outputs.push_back({migrated->recorded_in, migrated->path, pointer});
        }
      }
    }
  }
  return outputs;
}

track::StageOutputs
stage_outputs_reader(const track::Repository& repo)
{
  return [&repo](const std::optional<std::string>& revision) {
    Version version(repo,
                    revision ? revision_named(repo, *revision) : workspace_revision());
    return version.stage_outputs();
  };
}

std::optional<Version::CachedOutput>
Version::locked_output(const pipeline::PipelineFile& file,
                       const pipeline::Stage& stage,
                       const std::string& out)
{
  std::string lock_path = pipeline::lock_path_of(file.path);
  const auto* lock = lock_file(lock_path);
  const auto* locked = lock ? lock->find(stage.name) : nullptr;
  const auto* entry = locked ? locked->out(out) : nullptr;
  if (!entry) {
    return migrated_dvc_output(file, stage, out);
  }
  return CachedOutput{stage.path_from_root(out), entry->id, lock_path};
}

// A commit from before `trove migrate dvc` has X.dvc files and no X.trove:
// their outputs are read through what the migration stored.
std::vector<track::TrackedOut>
Version::migrated_dvc_files()
{
  std::vector<track::TrackedOut> outputs;
  if (!m_revision.commit || m_revision.commit->empty() ||
      !fs::exists(dvc::DvcObjectMap::path_in(m_repo.trove_dir()))) {
    return outputs;
  }
  auto is_dvc_file = [](std::string_view name) {
    return name.size() > 4 && name.ends_with(".dvc");
  };
  for (const auto& file :
       m_repo.require_git().files_where(*m_revision.commit, is_dvc_file)) {
    std::string data = file.path.substr(0, file.path.size() - 4);
    if (m_files->read(data + std::string(track::k_pointer_suffix))) {
      continue; // migrated in this commit: the pointer file says it
    }
    if (!m_dvc_objects) {
      m_dvc_objects = dvc::DvcObjectMap::load(m_repo.trove_dir());
    }
    if (auto pointer = dvc::dvc_file_output(file.content, file.path, *m_dvc_objects)) {
      outputs.push_back({file.path, data, *pointer});
    }
  }
  return outputs;
}

// A revision from before `trove migrate dvc` has dvc.lock and no trove lock:
// its outputs are read through what the migration stored.
std::optional<Version::CachedOutput>
Version::migrated_dvc_output(const pipeline::PipelineFile& file,
                             const pipeline::Stage& stage,
                             const std::string& out)
{
  fs::path pipeline_path(file.path);
  if (pipeline_path.filename() != "dvc.yaml") {
    return std::nullopt;
  }
  std::string dvc_lock = (pipeline_path.parent_path() / "dvc.lock").generic_string();
  auto text = m_files->read(dvc_lock);
  if (!text) {
    return std::nullopt;
  }
  if (!m_dvc_objects) {
    m_dvc_objects = dvc::DvcObjectMap::load(m_repo.trove_dir());
  }
  auto id = dvc::dvc_lock_output(*text, dvc_lock, stage.name, out, *m_dvc_objects);
  if (!id) {
    return std::nullopt;
  }
  return CachedOutput{stage.path_from_root(out), *id, dvc_lock};
}

std::optional<Version::CachedOutput>
Version::pointer_output(const std::string& path)
{
  std::string pointer_path = path + std::string(track::k_pointer_suffix);
  auto text = m_files->read(pointer_path);
  if (!text) {
    return std::nullopt;
  }
  auto pointer = track::PointerFile::parse(*text, pointer_path);
  return CachedOutput{path, pointer.id, pointer_path};
}

bool
Version::checked_out(const CachedOutput& output) const
{
  std::error_code ec;
  return !m_revision.commit && fs::exists(m_repo.absolute(output.path), ec);
}

void
Version::require_object(const CachedOutput& output, const std::string& path) const
{
  if (m_repo.store().contains(output.id)) {
    return;
  }
  std::string where = m_revision.commit ? " at " + m_revision.label : "";
  std::string fetch = m_revision.commit ? "trove fetch -A" : "trove fetch";
  throw Error(path + where + ": object " + output.id.to_string() + " (recorded in " +
              output.recorded_in + " for " + output.path + ") is not in the cache; '" +
              fetch + "' brings it from the remote");
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
versions_to_compare(const track::Repository& repo,
                    const std::string& pipeline_file,
                    std::vector<std::string> names)
{
  if (names.empty()) {
    names = {"HEAD"};
  }
  if (names.size() == 1) {
    names.push_back("workspace");
  }
  std::vector<Version> versions;
  for (const auto& name : names) {
    versions.emplace_back(repo, revision_named(repo, name), nullptr, pipeline_file);
  }
  return versions;
}

} // namespace trove::metrics
