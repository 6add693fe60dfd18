#pragma once

#include "app.hpp"

#include <trove/sync/targets.hpp>

namespace trove::cli {

// Checks out a selection and prints what changed (checkout, pull); returns
// the exit code.
int run_checkout(const Context& context,
                 track::Repository& repo,
                 const sync::Selection& selection,
                 bool force,
                 bool relink);

} // namespace trove::cli
