#pragma once

#include <trove/track/repository.hpp>

#include <optional>
#include <string>
#include <vector>

namespace trove::metrics {

// A version of the repository the metrics commands read.
struct Revision
{
  std::string label;                 // "workspace", a name, or a short sha
  std::optional<std::string> commit; // nullopt: the work tree; "": no commit
                                     // yet (HEAD of a new repository), empty
};

Revision workspace_revision();

// The revisions `metrics show` lists: the workspace, then the named ones,
// then every branch / tag / commit as asked, each commit once.
struct RevisionChoice
{
  std::vector<std::string> names; // anything git understands
  bool all_branches = false;
  bool all_tags = false;
  bool all_commits = false;
  std::size_t last = 0; // the last N commits of HEAD (-n)
};

// Rows are labelled by the branch or tag a commit carries (the name given
// when it is one), else by its short sha. A name git does not know is an
// error naming it.
std::vector<Revision> choose_revisions(const track::Repository& repo,
                                       const RevisionChoice& choice);

// A revision labelled as given ("HEAD", "main~2", "workspace" for the work
// tree), as `metrics diff` heads its columns. HEAD before the first commit
// is an empty revision, so that everything shows as new.
Revision revision_named(const track::Repository& repo, const std::string& name);

} // namespace trove::metrics
