/*
 * replay_main.c - a main() for the fuzz targets when they are built
 * without libFuzzer (gcc, or clang without -fsanitize=fuzzer): runs
 * LLVMFuzzerTestOneInput once on every regular file in each directory (or
 * on each file) named on the command line, in name order, and prints
 * "replayed N inputs". An invariant failure aborts, so the test fails;
 * the input being replayed is named on stderr first.
 *
 * POSIX (opendir) is needed to list a directory.
 */
#define _POSIX_C_SOURCE 200809L

#include <dirent.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char current[4096];

static void on_signal(int sig) {
  static const char msg[] = "replay: crashed on input ";
  /* write(2) only: the handler must be async-signal-safe */
  if (write(STDERR_FILENO, msg, sizeof msg - 1) < 0 ||
      write(STDERR_FILENO, current, strlen(current)) < 0 ||
      write(STDERR_FILENO, "\n", 1) < 0) {
    /* nothing more to do */
  }
  signal(sig, SIG_DFL);
  raise(sig);
}

static int run_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (f == NULL) {
    fprintf(stderr, "replay: cannot open %s\n", path);
    return -1;
  }
  size_t cap = 4096, n = 0;
  uint8_t *buf = malloc(cap);
  if (buf == NULL) {
    fclose(f);
    return -1;
  }
  for (;;) {
    if (n == cap) {
      uint8_t *bigger = realloc(buf, cap * 2);
      if (bigger == NULL) {
        free(buf);
        fclose(f);
        return -1;
      }
      buf = bigger;
      cap *= 2;
    }
    size_t got = fread(buf + n, 1, cap - n, f);
    n += got;
    if (got == 0) {
      break;
    }
  }
  int bad = ferror(f);
  fclose(f);
  if (bad) {
    free(buf);
    fprintf(stderr, "replay: cannot read %s\n", path);
    return -1;
  }
  snprintf(current, sizeof current, "%s", path);
  /* an exact-size copy, so ASan sees reads past the input's end */
  uint8_t *exact = malloc(n > 0 ? n : 1);
  if (exact == NULL) {
    free(buf);
    return -1;
  }
  memcpy(exact, buf, n);
  free(buf);
  (void)LLVMFuzzerTestOneInput(exact, n);
  free(exact);
  return 0;
}

static int by_name(const void *a, const void *b) {
  return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Replay a file, or every regular file of a directory. Returns the count,
 * or -1 on an I/O error. */
static long replay_path(const char *path) {
  struct stat st;
  if (stat(path, &st) != 0) {
    fprintf(stderr, "replay: no such file or directory: %s\n", path);
    return -1;
  }
  if (!S_ISDIR(st.st_mode)) {
    return run_file(path) == 0 ? 1 : -1;
  }
  DIR *dir = opendir(path);
  if (dir == NULL) {
    fprintf(stderr, "replay: cannot open directory %s\n", path);
    return -1;
  }
  char **names = NULL;
  size_t n = 0, cap = 0;
  struct dirent *e;
  while ((e = readdir(dir)) != NULL) {
    if (e->d_name[0] == '.') {
      continue; /* ., .. and hidden files */
    }
    if (n == cap) {
      cap = cap == 0 ? 64 : cap * 2;
      char **bigger = realloc(names, cap * sizeof *names);
      if (bigger == NULL) {
        closedir(dir);
        return -1;
      }
      names = bigger;
    }
    size_t len = strlen(path) + strlen(e->d_name) + 2;
    names[n] = malloc(len);
    if (names[n] == NULL) {
      closedir(dir);
      return -1;
    }
    snprintf(names[n], len, "%s/%s", path, e->d_name);
    n++;
  }
  closedir(dir);
  if (n > 0) {
    qsort(names, n, sizeof *names, by_name);
  }
  long count = 0;
  for (size_t i = 0; i < n; i++) {
    if (count >= 0 && stat(names[i], &st) == 0 && S_ISREG(st.st_mode)) {
      count = run_file(names[i]) == 0 ? count + 1 : -1;
    }
    free(names[i]);
  }
  free(names);
  return count;
}

int main(int argc, char **argv) {
  if (argc < 2) {
    fprintf(stderr, "usage: %s DIR_OR_FILE...\n", argv[0]);
    return 2;
  }
  /* the report goes to the original stdout, which a target may silence */
  int out_fd = dup(STDOUT_FILENO);
  FILE *out = out_fd >= 0 ? fdopen(out_fd, "w") : NULL;
  if (out == NULL) {
    out = stdout;
  }
  signal(SIGABRT, on_signal);
  signal(SIGSEGV, on_signal);
  signal(SIGFPE, on_signal);
  signal(SIGILL, on_signal);
  long total = 0;
  for (int i = 1; i < argc; i++) {
    long n = replay_path(argv[i]);
    if (n < 0) {
      return 1;
    }
    total += n;
  }
  if (total == 0) {
    fprintf(stderr, "replay: no inputs found\n");
    return 1;
  }
  fprintf(out, "replayed %ld inputs\n", total);
  if (out != stdout) {
    return fclose(out) == 0 ? 0 : 1;
  }
  return fflush(out) == 0 ? 0 : 1;
}
