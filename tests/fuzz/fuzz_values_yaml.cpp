// A params or metrics file in YAML: parsed, flattened, compared and written
// back as trove.lock records params (see values_check.hpp).

#include "values_check.hpp"

extern "C" int
LLVMFuzzerTestOneInput(const unsigned char* data, std::size_t size)
{
  trove::fuzz::check_values(trove::fuzz::text_of(data, size), "params.yaml");
  return 0;
}
