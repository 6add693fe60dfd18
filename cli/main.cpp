#include "app.hpp"

int
main(int argc, char** argv)
{
  return trove::cli::run(argc, argv);
}
