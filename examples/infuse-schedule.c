/* infuse-schedule: a course of sessions as a table, JSON, CSV, iCalendar
 * or FHIR. */
#include "cli.h"

int main(int argc, char **argv) { return cli_main(argc, argv, CLI_SCHEDULE); }
