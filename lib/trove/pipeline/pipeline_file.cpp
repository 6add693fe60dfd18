#include <trove/pipeline/pipeline_file.hpp>

#include <trove/core/data_path.hpp>
#include <trove/core/error.hpp>
#include <trove/core/fs.hpp>
#include <trove/core/text.hpp>
#include <trove/core/yaml_error.hpp>
#include <trove/pipeline/interpolation.hpp>
#include <trove/scm/file_source.hpp>
#include <trove/track/workspace.hpp>

#include <cstdint>
#include <set>

namespace trove::pipeline {

namespace {

const std::set<std::string> k_top_level_keys{"stages", "vars",      "params",  "metrics",
                                             "plots",  "artifacts", "datasets"};
const std::set<std::string> k_stage_keys{
    "cmd",   "wdir",   "deps",           "params", "outs", "metrics",
    "plots", "frozen", "always_changed", "desc",   "meta", "vars"};
const std::set<std::string> k_output_keys{
    "cache", "persist", "desc", "remote",   "push",  "checkpoint", "type",    "labels",
    "meta",  "x",       "y",    "template", "title", "x_label",    "y_label", "header"};

// Normalises a path below the root; refuses one that leaves it.
std::string
inside_root(const fs::path& path, const std::string& position)
{
  fs::path normal = path.lexically_normal();
  std::string text = normal.generic_string();
  if (normal.is_absolute() || text == ".." || text.starts_with("../")) {
    throw Error(position + ": path '" + path.generic_string() +
                "' is outside the repository");
  }
  if (text == ".") {
    return "";
  }
  while (text.ends_with("/")) {
    text.pop_back();
  }
  return text;
}

// Reads one pipeline file: its variables, then each stage definition.
class Loader
{
public:
  Loader(const scm::FileSource& files, const std::string& path, bool main)
      : m_files(files), m_path(path), m_main(main),
        m_dir(fs::path(path).parent_path().generic_string())
  {
  }

  PipelineFile
  load(const std::string& text)
  {
    m_file.path = m_path;
    auto document = core::parse_yaml(text, m_path);
    if (document.IsNull()) {
      return m_file;
    }
    if (!document.IsMap()) {
      throw Error(where(document) + ": a pipeline file must be a mapping with 'stages'");
    }
    for (const auto& [key, value] : map_entries(document)) {
      if (!k_top_level_keys.count(key.Scalar())) {
        throw Error(where(key) + ": unknown key '" + key.Scalar() +
                    "' (expected one of "
                    "stages, vars, params, metrics, plots)");
      }
    }
    load_default_params();
    if (auto vars = document["vars"]) {
      load_vars(vars, m_dir, m_globals);
    }
    m_scopes.push(&m_globals);
    if (auto stages = document["stages"]) {
      if (!stages.IsMap()) {
        throw Error(where(stages) + ": 'stages' must be a mapping of stage names");
      }
      for (const auto& [name, definition] : map_entries(stages)) {
        define(name, definition);
      }
    }
    m_file.metrics = top_level_files(document["metrics"]);
    m_file.params = top_level_files(document["params"]);
    m_file.plots = document["plots"];
    return m_file;
  }

private:
  std::string
  where(const YAML::Node& node) const
  {
    return core::yaml_position(m_path, node.Mark());
  }

  // params.yaml beside the pipeline file is always available to ${...}.
  void
  load_default_params()
  {
    std::string params = inside_root(fs::path(m_dir) / "params.yaml", m_path);
    if (auto text = m_files.read(params)) {
      merge(m_globals, parse_value(*text, params), params);
      m_loaded.insert(params);
    }
  }

  // `vars`: a list of inline mappings and files (`file.yaml` or
  // `file.yaml:key1,key2`), relative to `dir`.
  void
  load_vars(const YAML::Node& vars, const std::string& dir, Value& into)
  {
    if (!vars.IsSequence()) {
      throw Error(where(vars) + ": 'vars' must be a list of files and mappings");
    }
    for (const auto& item : vars) {
      if (item.IsMap()) {
        merge(into, to_value(item), where(item));
        continue;
      }
      std::string spec = item.Scalar();
      if (has_interpolation(spec)) {
        throw Error(where(item) + ": 'vars' cannot use ${...}");
      }
      auto colon = spec.find(':');
      std::string file = inside_root(fs::path(dir) / spec.substr(0, colon), where(item));
      auto text = m_files.read(file);
      if (!text) {
        throw Error(where(item) + ": vars file '" + file + "' does not exist");
      }
      Value values = parse_value(*text, file);
      if (colon == std::string::npos) {
        if (m_loaded.insert(file).second) {
          merge(into, values, file);
        }
        continue;
      }
      Value selected = Value::object();
      for (const auto& key : core::split(spec.substr(colon + 1), ',')) {
        const Value* value = select(values, key);
        if (!value) {
          throw Error(where(item) + ": '" + key + "' is not in '" + file + "'");
        }
        selected[key] = *value;
      }
      merge(into, selected, file);
    }
  }

  // Merges mappings key by key; a value defined twice differently is an
  // error, as DVC refuses to redefine a variable.
  static void
  merge(Value& into, const Value& more, const std::string& source)
  {
    if (!more.is_object()) {
      throw Error(source + ": variables must be a mapping");
    }
    for (const auto& [key, value] : more.items()) {
      auto it = into.find(key);
      if (it == into.end()) {
        into[key] = value;
      } else if (it->is_object() && value.is_object()) {
        merge(*it, value, source);
      } else if (*it != value) {
        throw Error(source + ": cannot redefine variable '" + key +
                    "': it is already defined");
      }
    }
  }

  // A stage definition: plain, foreach/do or matrix.
  void
  define(const YAML::Node& name_node, const YAML::Node& definition)
  {
    const std::string& name = name_node.Scalar();
    if (name.empty() || name.find_first_of(":/\\@") != std::string::npos) {
      throw Error(where(name_node) + ": invalid stage name '" + name +
                  "' (it may not contain ':', '/', '\\' or '@')");
    }
    if (!definition.IsMap()) {
      throw Error(where(definition) + ": stage '" + name + "' must be a mapping");
    }
    if (auto foreach = definition["foreach"]) {
      expand_foreach(name, definition, foreach);
    } else if (auto matrix = definition["matrix"]) {
      expand_matrix(name, definition, matrix);
    } else {
      add_stage(name, definition, definition, nullptr);
    }
  }

  void
  expand_foreach(const std::string& name,
                 const YAML::Node& definition,
                 const YAML::Node& foreach)
  {
    auto body = definition["do"];
    if (!body || !body.IsMap()) {
      throw Error(where(definition) + ": stage '" + name +
                  "' uses foreach without a 'do' mapping");
    }
    for (const auto& [key, value] : map_entries(definition)) {
      if (key.Scalar() != "foreach" && key.Scalar() != "do") {
        throw Error(where(key) + ": unknown key '" + key.Scalar() +
                    "' beside foreach in stage '" + name + "'");
      }
    }
    Value items = resolve(foreach, m_scopes, false);
    if (items.is_object() || items.is_array()) {
      check_generated(name, items.size(), foreach);
    }
    if (items.is_object()) {
      for (const auto& [key, value] : items.items()) {
        add_stage(name + "@" + key, body, definition,
                  Value{{"item", value}, {"key", key}});
      }
      return;
    }
    if (!items.is_array()) {
      throw Error(where(foreach) + ": foreach in stage '" + name +
                  "' needs a list or a mapping");
    }
    bool composite = false;
    for (const auto& item : items) {
      composite = composite || item.is_object() || item.is_array();
    }
    for (std::size_t i = 0; i < items.size(); ++i) {
      std::string key = composite ? std::to_string(i) : to_display_string(items[i]);
      add_stage(name + "@" + key, body, definition, Value{{"item", items[i]}});
    }
  }

  // matrix: every combination of the listed values, named from the values
  // (or `key<index>` for a value that is a mapping or list), in order.
  void
  expand_matrix(const std::string& name,
                const YAML::Node& definition,
                const YAML::Node& matrix)
  {
    if (!matrix.IsMap()) {
      throw Error(where(matrix) + ": matrix in stage '" + name + "' must be a mapping");
    }
    std::vector<std::pair<std::string, Value>> axes;
    for (const auto& [key, value] : map_entries(matrix)) {
      Value values = resolve(value, m_scopes, false);
      if (!values.is_array()) {
        throw Error(where(value) + ": matrix entry '" + key.Scalar() + "' needs a list");
      }
      if (values.empty()) {
        return;
      }
      axes.emplace_back(key.Scalar(), std::move(values));
    }
    std::size_t count = 1;
    for (const auto& [key, values] : axes) {
      if (__builtin_mul_overflow(count, values.size(), &count)) {
        count = SIZE_MAX; // still far above the limit
      }
    }
    check_generated(name, count, matrix);
    std::vector<std::size_t> index(axes.size(), 0);
    while (true) {
      Value item = Value::object();
      std::string suffix;
      for (std::size_t a = 0; a < axes.size(); ++a) {
        const Value& value = axes[a].second[index[a]];
        item[axes[a].first] = value;
        suffix += (a ? "-" : "") + (value.is_object() || value.is_array()
                                        ? axes[a].first + std::to_string(index[a])
                                        : to_display_string(value));
      }
      add_stage(name + "@" + suffix, definition, definition,
                Value{{"item", item}, {"key", suffix}});
      std::size_t a = axes.size();
      while (a > 0 && ++index[a - 1] == axes[a - 1].second.size()) {
        index[--a] = 0;
      }
      if (a == 0) {
        return;
      }
    }
  }

  // Refuses, before expanding, a foreach or matrix that would generate
  // more stages than a pipeline can reasonably hold.
  void
  check_generated(const std::string& name,
                  std::size_t count,
                  const YAML::Node& node) const
  {
    auto shown = [](std::size_t n) {
      return n == SIZE_MAX ? "more than " + std::to_string(n) : std::to_string(n);
    };
    if (count > k_max_generated_stages) {
      throw Error(where(node) + ": stage '" + name + "' would generate " + shown(count) +
                  " stages (at most " + std::to_string(k_max_generated_stages) +
                  " from one foreach or matrix)");
    }
    check_stage_count(m_file.stages.size() + count, where(node));
  }

  // Resolves ${...} in every string of a node.
  Value
  resolve(const YAML::Node& node, const Scopes& scopes, bool in_cmd) const
  {
    switch (node.Type()) {
    case YAML::NodeType::Map: {
      Value object = Value::object();
      for (const auto& [key, value] : map_entries(node)) {
        // Keys may be interpolated too: `- ${dir}/out.json: {cache: false}`.
        Value name = interpolate(key.Scalar(), scopes, false, where(key));
        object[to_display_string(name)] = resolve(value, scopes, in_cmd);
      }
      return object;
    }
    case YAML::NodeType::Sequence: {
      Value array = Value::array();
      for (const auto& item : node) {
        array.push_back(resolve(item, scopes, in_cmd));
      }
      return array;
    }
    case YAML::NodeType::Scalar: {
      Value value = scalar_value(node);
      if (value.is_string()) {
        return interpolate(value.get<std::string>(), scopes, in_cmd, where(node));
      }
      return value;
    }
    default:
      return nullptr;
    }
  }

  // A resolved value that must be a string (numbers are written as text).
  std::string
  text(const Value& value, const YAML::Node& node, const std::string& what) const
  {
    if (value.is_object() || value.is_array() || value.is_null()) {
      throw Error(where(node) + ": " + what + " must be a string");
    }
    return to_display_string(value);
  }

  std::vector<std::string>
  texts(const Value& value, const YAML::Node& node, const std::string& what) const
  {
    if (value.is_null()) {
      return {};
    }
    if (!value.is_array()) {
      return {text(value, node, what)};
    }
    std::vector<std::string> list;
    for (std::size_t i = 0; i < value.size(); ++i) {
      list.push_back(text(value[i], item_node(node, i), what));
    }
    return list;
  }

  static YAML::Node
  item_node(const YAML::Node& node, std::size_t i)
  {
    return node.IsSequence() && i < node.size() ? node[i] : node;
  }

  bool
  flag(const Value& value, const YAML::Node& node, const std::string& what) const
  {
    if (!value.is_boolean()) {
      throw Error(where(node) + ": '" + what + "' must be true or false");
    }
    return value.get<bool>();
  }

  // One stage from `body` (the definition itself, or a foreach's `do`);
  // `definition` gives its position, `item` the foreach/matrix variables.
  void
  add_stage(const std::string& name,
            const YAML::Node& body,
            const YAML::Node& definition,
            const Value& item)
  {
    if (!m_names.insert(name).second) {
      throw Error(where(body) + ": stage '" + name + "' is defined twice");
    }
    check_stage_count(m_file.stages.size() + 1, where(definition));
    Scopes scopes = m_scopes;
    Value stage_vars = Value::object();
    if (!item.is_null()) {
      scopes.push(&item);
    }
    Stage stage;
    stage.name = name;
    stage.address = m_main ? name : m_path + ":" + name;
    stage.file = m_path;
    stage.position = where(definition);
    auto entries = map_entries(body);
    for (const auto& [key, value] : entries) {
      const std::string& field = key.Scalar();
      // `matrix` was consumed by expand_matrix.
      if (!k_stage_keys.count(field) && !(field == "matrix" && !item.is_null())) {
        throw Error(where(key) + ": unknown key '" + field + "' in stage '" + name + "'");
      }
    }
    stage.wdir = m_dir;
    if (auto wdir = body["wdir"]) {
      stage.wdir =
          inside_root(fs::path(m_dir) / text(resolve(wdir, scopes, false), wdir, "wdir"),
                      where(wdir));
      check_wdir(stage, wdir);
    }
    if (auto vars = body["vars"]) {
      load_vars(vars, stage.wdir, stage_vars);
      scopes = m_scopes;
      scopes.push(&stage_vars);
      if (!item.is_null()) {
        scopes.push(&item);
      }
    }
    for (const auto& [key, node] : entries) {
      const std::string& field = key.Scalar();
      if (field == "wdir" || field == "vars" || field == "matrix" || field == "meta") {
        continue;
      }
      Value value = resolve(node, scopes, field == "cmd");
      if (field == "cmd") {
        stage.cmd_is_list = value.is_array();
        stage.cmd = texts(value, node, "cmd");
      } else if (field == "deps") {
        for (auto& dep : texts(value, node, "a dependency")) {
          check_path(stage, dep, node);
          stage.deps.push_back(dep);
        }
      } else if (field == "params") {
        parse_params(stage, value, node);
      } else if (field == "outs") {
        parse_outputs(stage, value, node, Output::Kind::out);
      } else if (field == "metrics") {
        parse_outputs(stage, value, node, Output::Kind::metric);
      } else if (field == "plots") {
        parse_outputs(stage, value, node, Output::Kind::plot);
      } else if (field == "frozen") {
        stage.frozen = flag(value, node, field);
      } else if (field == "always_changed") {
        stage.always_changed = flag(value, node, field);
      } else if (field == "desc") {
        stage.desc = value.is_string() ? value.get<std::string>() : value.dump();
      }
    }
    if (stage.cmd.empty()) {
      throw Error(stage.position + ": stage '" + name + "' has no cmd");
    }
    m_file.stages.push_back(std::move(stage));
  }

  // Deps and params files are only read, so they may name anything in the
  // work tree, .git included (a stage may depend on .git/HEAD); they may
  // not leave it. Returns the path relative to the root.
  std::string
  check_path(const Stage& stage, const std::string& path, const YAML::Node& node) const
  {
    if (path.empty()) {
      throw Error(where(node) + ": empty path in stage '" + stage.name + "'");
    }
    return inside_root(fs::path(stage.wdir) / path, where(node));
  }

  // Outputs are written, checked out and removed before a run, so they must
  // name data: not the root, nothing in .git or .trove (a committed
  // trove.yaml must not make repro write git hooks or trove's config).
  void
  check_output(const Stage& stage, const std::string& path, const YAML::Node& node) const
  {
    if (auto problem = core::data_path_problem(check_path(stage, path, node))) {
      throw Error(where(node) + ": stage '" + stage.name + "' cannot write output '" +
                  path + "': " + *problem);
    }
  }

  // A stage runs in its wdir and writes its outputs there.
  void
  check_wdir(const Stage& stage, const YAML::Node& node) const
  {
    if (stage.wdir.empty()) {
      return;
    }
    if (auto problem = core::data_path_problem(stage.wdir)) {
      throw Error(where(node) + ": stage '" + stage.name + "' cannot run in wdir '" +
                  stage.wdir + "': " + *problem);
    }
  }

  // params: keys of params.yaml, or `file: [keys]` (null or empty: all).
  void
  parse_params(Stage& stage, const Value& value, const YAML::Node& node) const
  {
    if (value.is_null()) {
      return;
    }
    if (!value.is_array()) {
      throw Error(where(node) + ": 'params' must be a list");
    }
    auto keys_of = [&](const std::string& file) -> std::vector<std::string>& {
      for (auto& entry : stage.params) {
        if (entry.file == file) {
          return entry.keys;
        }
      }
      check_path(stage, file, node);
      stage.params.push_back({file, {}});
      return stage.params.back().keys;
    };
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Value& entry = value[i];
      YAML::Node entry_node = item_node(node, i);
      if (entry.is_object()) {
        for (const auto& [file, keys] : entry.items()) {
          auto& list = keys_of(file);
          for (auto& key : texts(keys, entry_node, "a param key")) {
            list.push_back(key);
          }
        }
      } else {
        keys_of("params.yaml").push_back(text(entry, entry_node, "a param key"));
      }
    }
  }

  void
  parse_outputs(Stage& stage,
                const Value& value,
                const YAML::Node& node,
                Output::Kind kind) const
  {
    if (value.is_null()) {
      return;
    }
    if (!value.is_array()) {
      throw Error(where(node) + ": outputs must be a list");
    }
    for (std::size_t i = 0; i < value.size(); ++i) {
      const Value& entry = value[i];
      YAML::Node entry_node = item_node(node, i);
      Output out;
      out.kind = kind;
      if (entry.is_object()) {
        if (entry.size() != 1) {
          throw Error(where(entry_node) + ": an output mapping names one path");
        }
        out.path = entry.begin().key();
        const Value& options = entry.begin().value();
        if (!options.is_null() && !options.is_object()) {
          throw Error(where(entry_node) + ": options of '" + out.path +
                      "' must be a mapping");
        }
        if (options.is_object()) {
          out.options = options;
        }
        for (const auto& [key, option] : options.items()) {
          if (!k_output_keys.count(key)) {
            throw Error(where(entry_node) + ": unknown key '" + key + "' in output '" +
                        out.path + "'");
          }
          if (key == "cache") {
            out.cache = flag(option, entry_node, key);
          } else if (key == "persist") {
            out.persist = flag(option, entry_node, key);
          }
        }
      } else {
        out.path = text(entry, entry_node, "an output");
      }
      check_output(stage, out.path, entry_node);
      stage.outs.push_back(std::move(out));
    }
  }

  // Top-level metrics and params files are only read, but never from
  // outside the work tree (`trove report` would publish what they hold).
  std::vector<std::string>
  top_level_files(const YAML::Node& node) const
  {
    std::vector<std::string> files;
    if (!node || !node.IsSequence()) {
      return files;
    }
    auto add = [&](const YAML::Node& name) {
      inside_root(fs::path(m_dir) / name.Scalar(), where(name));
      files.push_back(name.Scalar());
    };
    for (const auto& item : node) {
      if (item.IsScalar()) {
        add(item);
      } else if (item.IsMap()) {
        for (const auto& [key, value] : map_entries(item)) {
          add(key);
        }
      }
    }
    return files;
  }

  const scm::FileSource& m_files;
  std::string m_path;
  bool m_main;
  std::string m_dir;
  PipelineFile m_file;
  Value m_globals = Value::object();
  std::set<std::string> m_loaded; // vars files already merged
  std::set<std::string> m_names;
  Scopes m_scopes;
};

} // namespace

std::string
Stage::path_from_root(const std::string& written) const
{
  return inside_root(fs::path(wdir) / written, position);
}

std::string
PipelineFile::path_from_root(const std::string& written) const
{
  // Plot files too, which the loader does not see one by one: none may be
  // read from outside the work tree (report would publish it).
  return inside_root(fs::path(path).parent_path() / written, path);
}

PipelineFile
load_pipeline_file(const fs::path& root, const std::string& path, bool main)
{
  return Loader(scm::WorkTreeFiles(root), path, main).load(core::read_file(root / path));
}

PipelineFile
parse_pipeline_file(const fs::path& root,
                    const std::string& path,
                    const std::string& text)
{
  return Loader(scm::WorkTreeFiles(root), path, true).load(text);
}

PipelineFile
parse_pipeline_file(const scm::FileSource& files,
                    const std::string& path,
                    const std::string& text,
                    bool main)
{
  return Loader(files, path, main).load(text);
}

void
check_stage_count(std::size_t count, const std::string& where)
{
  if (count > k_max_stages) {
    throw Error(where + ": the pipelines would have " + std::to_string(count) +
                " stages (at most " + std::to_string(k_max_stages) + ")");
  }
}

std::string
lock_path_of(const std::string& pipeline_path)
{
  fs::path path(pipeline_path);
  if (path.filename() == track::k_pipeline_file_name) {
    return (path.parent_path() / "trove.lock").generic_string();
  }
  return (path.parent_path() / (path.stem().string() + ".trove.lock")).generic_string();
}

} // namespace trove::pipeline
