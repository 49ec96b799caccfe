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
 * The programs' stdout and stderr go to /dev/null (opened once). On glibc
 * the stdout and stderr streams are pointed at it, so file descriptors 1
 * and 2 stay open for libFuzzer's and the sanitizers' reports; elsewhere
 * freopen redirects them.
 *
 * Invariants: no crash, no sanitizer report (leaks included under
 * libFuzzer), and the exit status is one of the contract's: 0, 1, 2 or 3.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz_common.h"

#include "cli.h"

#include <unistd.h>

#define MAX_ARGS 16

static FILE *null_out; /* /dev/null (glibc), opened once */
static FILE *report;   /* a duplicate of fd 2 for invariant failures */
#if defined(__GLIBC__)
static FILE *saved_out, *saved_err;
#endif

/* At exit: the original streams back and the two opened here closed, so
 * valgrind and LeakSanitizer find nothing left open. */
static void restore(void) {
#if defined(__GLIBC__)
  stdout = saved_out;
  stderr = saved_err;
#endif
  fz_report_stream = NULL;
  if (null_out != NULL) {
    fclose(null_out);
  }
  if (report != NULL) {
    fclose(report);
  }
}

static void silence(void) {
  static bool done = false;
  if (done) {
    return;
  }
  done = true;
  fflush(stdout);
  fflush(stderr);
  int fd = dup(2);
  report = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (report != NULL) {
    setvbuf(report, NULL, _IONBF, 0);
    fz_report_stream = report;
  }
#if defined(__GLIBC__)
  /* glibc's stdout and stderr are assignable variables: point them at
   * /dev/null and keep file descriptors 1 and 2 for libFuzzer's and the
   * sanitizers' reports */
  null_out = fopen("/dev/null", "w");
  if (null_out == NULL) {
    abort();
  }
  saved_out = stdout;
  saved_err = stderr;
  stdout = null_out;
  stderr = null_out;
#else
  if (freopen("/dev/null", "w", stdout) == NULL ||
      freopen("/dev/null", "w", stderr) == NULL) {
    abort();
  }
#endif
  atexit(restore);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 2048) {
    return 0;
  }
  silence();
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
