/*
 * cli.h - the shared driver of infuse-dose and infuse-rate.
 */
#ifndef INFUSE_CLI_H
#define INFUSE_CLI_H

#include <stdbool.h>

/* Exit statuses of the command-line contract. */
enum {
  CLI_EXIT_OK = 0,
  CLI_EXIT_OTHER = 1,
  CLI_EXIT_USAGE = 2,
  CLI_EXIT_LIMIT = 3
};

/* Run the program: pump == true is infuse-rate, false is infuse-dose. */
int cli_main(int argc, char **argv, bool pump);

#endif
