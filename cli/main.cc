#include <iostream>

#include "cli/commands.h"

int main(int argc, char** argv) {
  return eventfabric::cli::run(argc, argv, {std::cin, std::cout, std::cerr});
}
