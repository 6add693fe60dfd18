#pragma once

#include <stdexcept>
#include <string>

namespace trove {

// The one exception library code throws. Its message is shown to the user as
// `trove: error: <message>`, so it names the file, position or object involved.
class Error : public std::runtime_error
{
public:
  using std::runtime_error::runtime_error;
};

// Thrown for misuse of a command (bad combination of arguments); exit code 2.
class UsageError : public Error
{
public:
  using Error::Error;
};

} // namespace trove
