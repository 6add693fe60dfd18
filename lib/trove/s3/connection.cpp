#include <trove/s3/connection.hpp>

#include <trove/core/error.hpp>
#include <trove/core/text.hpp>

#include <cstdlib>
#include <fstream>
#include <optional>
#include <vector>

namespace trove::s3 {

namespace {

using Section = std::map<std::string, std::string>;

std::optional<std::string>
environment(const char* name)
{
  const char* value = std::getenv(name);
  if (value == nullptr || *value == '\0') {
    return std::nullopt;
  }
  return std::string(value);
}

// The `section` of an AWS INI file ("[default]", "[profile x]"); empty when
// the file or the section is missing.
Section
read_section(const std::string& path, const std::string& section)
{
  Section values;
  std::ifstream in(path);
  std::string line;
  bool inside = false;
  while (std::getline(in, line)) {
    line = core::trim(line);
    if (line.empty() || line[0] == '#' || line[0] == ';') {
      continue;
    }
    if (line.front() == '[' && line.back() == ']') {
      inside = core::trim(line.substr(1, line.size() - 2)) == section;
      continue;
    }
    auto equals = line.find('=');
    if (inside && equals != std::string::npos) {
      values[core::trim(line.substr(0, equals))] = core::trim(line.substr(equals + 1));
    }
  }
  return values;
}

std::string
aws_file(const char* variable, const char* name)
{
  if (auto path = environment(variable)) {
    return *path;
  }
  return environment("HOME").value_or("") + "/.aws/" + name;
}

// A profile's keys: ~/.aws/credentials' [NAME] over ~/.aws/config's
// [profile NAME] ([default] for "default").
Section
read_profile(const std::string& profile)
{
  Section values = read_section(aws_file("AWS_CONFIG_FILE", "config"),
                                profile == "default" ? profile : "profile " + profile);
  for (auto& [key, value] :
       read_section(aws_file("AWS_SHARED_CREDENTIALS_FILE", "credentials"), profile)) {
    values[key] = value;
  }
  return values;
}

std::optional<std::string>
lookup(const Section& section, const std::string& key)
{
  auto it = section.find(key);
  return it == section.end() || it->second.empty()
             ? std::nullopt
             : std::optional<std::string>(it->second);
}

Credentials
resolve_credentials(const Section& options, const Section& profile, bool profile_chosen)
{
  auto from = [](std::optional<std::string> id, std::optional<std::string> secret,
                 std::optional<std::string> token) -> std::optional<Credentials> {
    if (!id) {
      return std::nullopt;
    }
    return Credentials{*id, secret.value_or(""), token.value_or("")};
  };
  auto own = from(lookup(options, "access_key_id"), lookup(options, "secret_access_key"),
                  lookup(options, "session_token"));
  auto env = from(environment("AWS_ACCESS_KEY_ID"), environment("AWS_SECRET_ACCESS_KEY"),
                  environment("AWS_SESSION_TOKEN"));
  auto file =
      from(lookup(profile, "aws_access_key_id"), lookup(profile, "aws_secret_access_key"),
           lookup(profile, "aws_session_token"));
  std::vector<std::optional<Credentials>> order = {own, env, file};
  if (profile_chosen) {
    order = {own, file, env};
  }
  for (const auto& candidate : order) {
    if (candidate) {
      if (candidate->secret_access_key.empty()) {
        throw Error("the S3 access key " + candidate->access_key_id +
                    " has no secret access key");
      }
      return *candidate;
    }
  }
  throw Error(
      "no S3 credentials: set the remote's access_key_id and secret_access_key "
      "(trove remote modify --local), AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
      "or a profile in ~/.aws/credentials");
}

std::string
first_of(std::initializer_list<std::optional<std::string>> candidates,
         std::string fallback)
{
  for (const auto& candidate : candidates) {
    if (candidate) {
      return *candidate;
    }
  }
  return fallback;
}

} // namespace

std::string
Connection::host() const
{
  auto start = endpoint.find("://");
  std::string host = endpoint.substr(start == std::string::npos ? 0 : start + 3);
  host = host.substr(0, host.find('/'));
  return path_style ? host : bucket + "." + host;
}

std::string
Connection::path_of(const std::string& key) const
{
  auto start = endpoint.find("://");
  auto slash = endpoint.find('/', start == std::string::npos ? 0 : start + 3);
  std::string base = slash == std::string::npos ? "" : endpoint.substr(slash);
  return base + (path_style ? "/" + bucket : "") + "/" + key;
}

std::string
Connection::url_of(const std::string& key) const
{
  auto start = endpoint.find("://");
  std::string scheme = start == std::string::npos ? "https" : endpoint.substr(0, start);
  return scheme + "://" + host() + uri_encode(path_of(key), false);
}

Connection
resolve_connection(const std::string& url,
                   const std::map<std::string, std::string>& options)
{
  Connection connection;
  std::string rest = url.substr(url.find("://") + 3);
  auto slash = rest.find('/');
  connection.bucket = rest.substr(0, slash);
  if (connection.bucket.empty()) {
    throw Error("'" + url + "' names no bucket (s3://BUCKET/PREFIX)");
  }
  if (slash != std::string::npos) {
    connection.prefix = rest.substr(slash + 1);
    while (!connection.prefix.empty() && connection.prefix.back() == '/') {
      connection.prefix.pop_back();
    }
    if (!connection.prefix.empty()) {
      connection.prefix += '/';
    }
  }

  auto profile_name = lookup(options, "profile");
  Section profile =
      read_profile(first_of({profile_name, environment("AWS_PROFILE")}, "default"));
  connection.credentials =
      resolve_credentials(options, profile, profile_name.has_value());
  connection.region =
      first_of({lookup(options, "region"), environment("AWS_REGION"),
                environment("AWS_DEFAULT_REGION"), lookup(profile, "region")},
               "us-east-1");
  auto endpoint =
      first_of({lookup(options, "endpointurl"), environment("AWS_ENDPOINT_URL_S3"),
                environment("AWS_ENDPOINT_URL"), lookup(profile, "endpoint_url")},
               "");
  if (endpoint.empty()) {
    connection.endpoint = "https://s3." + connection.region + ".amazonaws.com";
  } else {
    if (endpoint.find("://") == std::string::npos) {
      endpoint = "https://" + endpoint;
    }
    while (endpoint.back() == '/') {
      endpoint.pop_back();
    }
    connection.endpoint = endpoint;
  }
  auto path_style = lookup(options, "use_path_style");
  connection.path_style = path_style ? *path_style == "true" : !endpoint.empty();
  return connection;
}

} // namespace trove::s3
