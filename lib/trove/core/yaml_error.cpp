#include <trove/core/yaml_error.hpp>

#include <trove/core/error.hpp>
#include <trove/core/text.hpp>

#include <yaml-cpp/depthguard.h>
#include <yaml-cpp/eventhandler.h>
#include <yaml-cpp/parser.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <optional>
#include <sstream>
#include <vector>

namespace trove::core {

namespace {

const std::string k_null_key(1, '\0');

std::string
duplicate_key(const std::string& source,
              const YAML::Mark& mark,
              const std::string& key,
              const YAML::Mark& first)
{
  return yaml_position(source, mark) + ": duplicate key '" +
         (key == k_null_key ? "null" : key) + "' (first at line " +
         std::to_string(first.line + 1) + ")";
}

// Keys and values must be UTF-8 text: yaml-cpp does not check, and the
// readers (JSON output, trove.lock's emitter) would fail on them or change
// them.
void
check_text(const std::string& source, const YAML::Mark& mark, const std::string& text)
{
  if (auto problem = utf8_problem(text)) {
    throw Error(yaml_position(source, mark) + ": " + *problem);
  }
}

// A mapping key as DocumentCheck compares them.
std::string
key_text(const YAML::Node& key)
{
  return key.IsNull() ? k_null_key : key.Scalar();
}

// Checks a document without anchors, after yaml-cpp built it (its own guard
// bounds that recursion): a tree, walked without recursion, in document
// order. Costs much less than the second parse DocumentCheck needs.
void
check_tree(const YAML::Node& root, const std::string& source)
{
  std::vector<std::pair<YAML::Node, int>> pending{{root, 1}};
  while (!pending.empty()) {
    auto [node, level] = pending.back();
    pending.pop_back();
    if (node.IsScalar()) {
      check_text(source, node.Mark(), node.Scalar());
    }
    if (!node.IsMap() && !node.IsSequence()) {
      continue;
    }
    if (level > k_max_nesting) {
      throw Error(nested_too_deeply(yaml_position(source, node.Mark())));
    }
    std::vector<YAML::Node> children;
    std::map<std::string, YAML::Mark> keys;
    for (auto it = node.begin(); it != node.end(); ++it) {
      if (node.IsSequence()) {
        children.push_back(*it);
        continue;
      }
      if (it->first.IsScalar() || it->first.IsNull()) {
        auto [first, inserted] = keys.emplace(key_text(it->first), it->first.Mark());
        if (!inserted) {
          throw Error(
              duplicate_key(source, it->first.Mark(), first->first, first->second));
        }
      }
      children.push_back(it->first);
      children.push_back(it->second);
    }
    for (auto child = children.rbegin(); child != children.rend(); ++child) {
      pending.emplace_back(*child, level + 1);
    }
  }
}

// Checks a document on yaml-cpp's parser events, so that nothing recurses
// over it or expands its aliases before it is known to be reasonable.
class DocumentCheck final : public YAML::EventHandler
{
public:
  explicit DocumentCheck(const std::string& source) : m_source(source) {}

  void
  OnDocumentStart(const YAML::Mark&) override
  {
  }
  void
  OnDocumentEnd() override
  {
  }

  void
  OnNull(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    // `null`, `~` and an empty key are one key.
    scalar(mark, anchor, k_null_key);
  }

  void
  OnScalar(const YAML::Mark& mark,
           const std::string&,
           YAML::anchor_t anchor,
           const std::string& value) override
  {
    scalar(mark, anchor, value);
  }

  void
  OnAlias(const YAML::Mark& mark, YAML::anchor_t anchor) override
  {
    auto it = m_anchors.find(anchor);
    if (it == m_anchors.end()) {
      throw Error(at(mark) + ": unknown alias");
    }
    if (!it->second.done) {
      throw Error(at(mark) + ": an alias refers to the node that contains it");
    }
    const Anchored& target = it->second;
    begin_node(mark, target.scalar);
    if (m_open.size() + target.height > std::size_t(k_max_nesting)) {
      throw Error(nested_too_deeply(at(mark)));
    }
    m_alias_nodes += target.nodes;
    if (m_alias_nodes > k_max_alias_nodes) {
      throw Error(at(mark) + ": aliases expand to too many values (more than " +
                  std::to_string(k_max_alias_nodes) + ")");
    }
    m_nodes += target.nodes;
    end_child(target.height);
  }

  void
  OnSequenceStart(const YAML::Mark& mark,
                  const std::string&,
                  YAML::anchor_t anchor,
                  YAML::EmitterStyle::value) override
  {
    open(mark, anchor, false);
  }

  void
  OnSequenceEnd() override
  {
    close();
  }

  void
  OnMapStart(const YAML::Mark& mark,
             const std::string&,
             YAML::anchor_t anchor,
             YAML::EmitterStyle::value) override
  {
    open(mark, anchor, true);
  }

  void
  OnMapEnd() override
  {
    close();
  }

private:
  // A node an anchor names: how many nodes and levels an alias of it adds,
  // and its text when it is a scalar (an alias may be a key).
  struct Anchored
  {
    bool done = false;
    std::size_t nodes = 1;
    std::size_t height = 0;
    std::optional<std::string> scalar;
  };

  // A list or mapping being read.
  struct Open
  {
    bool is_map;
    YAML::anchor_t anchor;
    std::size_t first_node;
    std::size_t height = 1; // levels, itself included
    bool at_key = true;     // mappings: the next node is a key
    std::map<std::string, YAML::Mark> keys;
  };

  std::string
  at(const YAML::Mark& mark) const
  {
    return yaml_position(m_source, mark);
  }

  void
  scalar(const YAML::Mark& mark, YAML::anchor_t anchor, const std::string& value)
  {
    check_text(m_source, mark, value);
    begin_node(mark, value);
    ++m_nodes;
    if (anchor != YAML::NullAnchor) {
      m_anchors[anchor] = {true, 1, 0, value};
    }
  }

  // Every node is a key or a value of the mapping it is in; keys must differ.
  void
  begin_node(const YAML::Mark& mark, const std::optional<std::string>& text)
  {
    if (m_open.empty() || !m_open.back().is_map) {
      return;
    }
    Open& map = m_open.back();
    if (map.at_key && text) {
      auto [it, inserted] = map.keys.emplace(*text, mark);
      if (!inserted) {
        throw Error(duplicate_key(m_source, mark, *text, it->second));
      }
    }
    map.at_key = !map.at_key;
  }

  void
  open(const YAML::Mark& mark, YAML::anchor_t anchor, bool is_map)
  {
    begin_node(mark, std::nullopt);
    if (m_open.size() + 1 > std::size_t(k_max_nesting)) {
      throw Error(nested_too_deeply(at(mark)));
    }
    m_open.push_back({is_map, anchor, m_nodes, 1, true, {}});
    ++m_nodes;
    if (anchor != YAML::NullAnchor) {
      m_anchors[anchor] = {}; // not done: an alias to it now would be a cycle
    }
  }

  void
  close()
  {
    Open done = std::move(m_open.back());
    m_open.pop_back();
    if (done.anchor != YAML::NullAnchor) {
      m_anchors[done.anchor] = {true, m_nodes - done.first_node, done.height,
                                std::nullopt};
    }
    end_child(done.height);
  }

  void
  end_child(std::size_t height)
  {
    if (!m_open.empty()) {
      m_open.back().height = std::max(m_open.back().height, height + 1);
    }
  }

  const std::string& m_source;
  std::vector<Open> m_open;
  std::map<YAML::anchor_t, Anchored> m_anchors;
  std::size_t m_nodes = 0;
  std::size_t m_alias_nodes = 0;
};

} // namespace

std::string
nested_too_deeply(const std::string& where)
{
  return where + ": nested too deeply (more than " + std::to_string(k_max_nesting) +
         " levels)";
}

std::string
yaml_position(const std::string& source, const YAML::Mark& mark)
{
  if (mark.is_null()) {
    return source;
  }
  return source + ":" + std::to_string(mark.line + 1) + ":" +
         std::to_string(mark.column + 1);
}

YAML::Node
parse_yaml(std::string_view text, const std::string& source)
{
  std::string copy(text);
  try {
    // Only anchors make aliases: without '&' the document is a tree (most
    // files, and every pointer file, which status reads by the thousand).
    if (text.find('&') == std::string_view::npos) {
      YAML::Node root = YAML::Load(copy);
      check_tree(root, source);
      return root;
    }
    std::istringstream in(copy);
    YAML::Parser parser(in);
    DocumentCheck check(source);
    parser.HandleNextDocument(check);
    return YAML::Load(copy);
  } catch (const YAML::DeepRecursion& e) {
    // yaml-cpp's guard, above k_max_nesting: its own message is "bad file".
    throw Error(nested_too_deeply(yaml_position(source, e.mark)));
  } catch (const YAML::Exception& e) {
    throw Error(yaml_position(source, e.mark) + ": " + e.msg);
  }
}

std::uint64_t
yaml_count(const YAML::Node& node, const std::string& source, const char* key)
{
  try {
    return node.as<std::uint64_t>();
  } catch (const YAML::Exception&) {
    throw Error(yaml_position(source, node.Mark()) + ": '" + key +
                "' must be a non-negative integer");
  }
}

} // namespace trove::core
