// An S3 server's answer body: the fields trove reads from error answers,
// multipart uploads, ListObjectsV2 pages and DeleteObjects results. Any text
// escaped as trove sends it must read back unchanged.

#include "fuzz_support.hpp"

#include <trove/s3/xml.hpp>

using namespace trove;

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  std::string_view body = fuzz::text_of(data, size);
  for (const char* tag :
       {"Code", "Message", "UploadId", "IsTruncated", "NextContinuationToken", "Key"}) {
    std::ignore = s3::xml_value(body, tag);
  }
  std::ignore = s3::xml_values(body, "Key");
  for (const auto& error : s3::xml_values(body, "Error")) {
    std::ignore = s3::xml_value(error, "Key");
    std::ignore = s3::xml_value(error, "Code");
  }
  std::string sent = "<Key>" + s3::xml_escape(body) + "</Key>";
  fuzz::check(s3::xml_value(sent, "Key") == std::string(body),
              "text changes through xml_escape and xml_value");
  return 0;
}
