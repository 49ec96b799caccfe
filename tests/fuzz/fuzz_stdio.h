/*
 * fuzz_stdio.h - for the targets that run a command-line program
 * (fuzz_cli, fuzz_sim_cli): the program's stdout and stderr go to
 * /dev/null, invariant failures still reach the real stderr.
 *
 * On glibc the stdout and stderr streams are assignable variables: they
 * are pointed at /dev/null, so file descriptors 1 and 2 stay open for
 * libFuzzer's and the sanitizers' reports. Elsewhere freopen redirects
 * them. Include after defining _POSIX_C_SOURCE (dup, fdopen).
 */
#ifndef INFUSE_FUZZ_STDIO_H
#define INFUSE_FUZZ_STDIO_H

#include "fuzz_common.h"

#include <unistd.h>

static FILE *fz_null_out;  /* /dev/null (glibc), opened once */
static FILE *fz_report;    /* a duplicate of fd 2 for invariant failures */
static void (*fz_cleanup)(void); /* the target's own, run first at exit */
#if defined(__GLIBC__)
static FILE *fz_saved_out, *fz_saved_err;
#endif

/* At exit: the target's cleanup, the original streams back and the two
 * opened here closed, so valgrind and LeakSanitizer find nothing left
 * open. */
static void fz_restore_stdio(void) {
  if (fz_cleanup != NULL) {
    fz_cleanup();
  }
#if defined(__GLIBC__)
  if (fz_saved_out != NULL) {
    stdout = fz_saved_out;
    stderr = fz_saved_err;
  }
#endif
  fz_report_stream = NULL;
  if (fz_null_out != NULL) {
    fclose(fz_null_out);
    fz_null_out = NULL;
  }
  if (fz_report != NULL) {
    fclose(fz_report);
    fz_report = NULL;
  }
}

/* Once per process: silence the program's output and register
 * fz_restore_stdio (which runs cleanup, when not NULL, first). */
static void fz_silence_stdio(void (*cleanup)(void)) {
  static bool done = false;
  if (done) {
    return;
  }
  done = true;
  fz_cleanup = cleanup;
  fflush(stdout);
  fflush(stderr);
  int fd = dup(2);
  fz_report = fd >= 0 ? fdopen(fd, "w") : NULL;
  if (fz_report == NULL && fd >= 0) {
    close(fd);
  }
  if (fz_report != NULL) {
    setvbuf(fz_report, NULL, _IONBF, 0);
    fz_report_stream = fz_report;
  }
#if defined(__GLIBC__)
  fz_null_out = fopen("/dev/null", "w");
  if (fz_null_out == NULL) {
    abort();
  }
  fz_saved_out = stdout;
  fz_saved_err = stderr;
  stdout = fz_null_out;
  stderr = fz_null_out;
#else
  if (freopen("/dev/null", "w", stdout) == NULL ||
      freopen("/dev/null", "w", stderr) == NULL) {
    abort();
  }
#endif
  atexit(fz_restore_stdio);
}

#endif
