/*
 * fuzz_cli.c - the command-line programs' argument handling (cli_main of
 * examples/cli.c and schedule.c, the code behind infuse-rate, infuse-dose
 * and infuse-schedule).
 *
 * Input: byte 0 chooses the program (mod 3: rate, dose, schedule); the
 * rest is split at NUL bytes into at most 16 arguments after argv[0].
 * Arguments that would make the program read a file (--scores @FILE, so
 * any argument starting with '@' or containing "=@") are dropped: the
 * target never touches the file system.
 *
 * The programs' stdout and stderr go to /dev/null (fuzz_stdio.h).
 *
 * Invariants: no crash, no sanitizer report (leaks included under
 * libFuzzer), and the exit status is one of the contract's: 0, 1, 2 or 3.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz_stdio.h"

#include "cli.h"

#define MAX_ARGS 16

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 2048) {
    return 0;
  }
  fz_silence_stdio(NULL);
  static const int programs[3] = {CLI_RATE, CLI_DOSE, CLI_SCHEDULE};
  static const char *const names[3] = {"infuse-rate", "infuse-dose",
                                       "infuse-schedule"};
  int which = data[0] % 3;

  /* a NUL-terminated copy of the rest, split at its NULs */
  char *text = malloc(size);
  if (text == NULL) {
    abort();
  }
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  char *argv[MAX_ARGS + 2];
  char prog[32];
  snprintf(prog, sizeof prog, "%s", names[which]);
  int argc = 0;
  argv[argc++] = prog;
  size_t pos = 0;
  while (pos < size - 1 && argc <= MAX_ARGS) {
    char *arg = text + pos;
    size_t len = strlen(arg);
    pos += len + 1;
    if (arg[0] == '@' || strstr(arg, "=@") != NULL) {
      continue; /* would read a file */
    }
    argv[argc++] = arg;
  }
  argv[argc] = NULL;
  /* "--scores" followed by "@..." was dropped above; a "--scores" that is
   * now followed by another argument reads that one as its list */

  int rc = cli_main(argc, argv, programs[which]);
  FZ_CHECK(rc >= 0 && rc <= 3);
  free(text);
  return 0;
}
