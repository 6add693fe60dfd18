#pragma once

#include <trove/pipeline/value.hpp>

#include <string>
#include <vector>

namespace trove::pipeline {

// The variables `${...}` can name, in scopes searched innermost first:
// params.yaml and top-level vars, then a stage's own vars, then a foreach or
// matrix item (`item`, `key`).
class Scopes
{
public:
  void
  push(const Value* scope)
  {
    m_scopes.push_back(scope);
  }
  // The value at a dotted path, or null.
  const Value* find(const std::string& path) const;

private:
  std::vector<const Value*> m_scopes;
};

// Whether `text` holds a `${...}` (an escaped `\${` does not count).
bool has_interpolation(const std::string& text);

// Replaces each `${path}` in `text` by its value. When `text` is one
// `${...}` and nothing else, the value keeps its type (a list for foreach, a
// number). Inside a command (`in_cmd`), a mapping expands to `--key value`
// arguments as DVC does; otherwise only scalars may be interpolated into a
// longer string (DVC refuses lists there too). Errors name `position`
// (file:line:column).
Value interpolate(const std::string& text,
                  const Scopes& scopes,
                  bool in_cmd,
                  const std::string& position);

} // namespace trove::pipeline
