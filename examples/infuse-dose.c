/* infuse-dose: dosing weight and dose from a weight and a protocol. */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, CLI_DOSE); }
