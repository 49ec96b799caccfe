/*
 * fuzz_sim_cli.c - infuse-sim (examples/sim.c, sim_svg.c): its argument
 * handling for pk, cohort and merge, and the JSON reader of merge, whose
 * input is files written on other machines.
 *
 * Input layout:
 *   byte 0   bits 0-1 the subcommand: 0 pk, 1 cohort, 2 merge, 3 argv[1]
 *            is the first argument of the text; bits 2-3: merge files - 1
 *            (1 to 4)
 *   merge    per file: its length (2 bytes, little-endian), then that many
 *            bytes (fewer when the input ends), the file's content
 *   the rest NUL-separated arguments (at most 24)
 *
 * The target never touches a file it did not make. A private directory is
 * made once (mkdtemp under $TMPDIR or /tmp) and removed at exit (a crash
 * skips atexit and leaves it, with the input's files); the merge
 * files are written there before every run. Arguments are rewritten as
 * sim.c's parse_args would read them: for merge, every FILE argument
 * (positional, or after "--") becomes the path of merge file j mod the
 * file count (j counts the FILE arguments), and for every subcommand the
 * value of --svg becomes a path in the private directory.
 *
 * Inputs that would run long are dropped (return 0 without running):
 * cohort with --patients above 5000; pk whose estimated work (patients x
 * models x durations x (samples + infusions), or for --summary patients x
 * models x durations x infusions) is above 20000, the samples estimated
 * from --until (or its default) and --step, a course counting as 1000
 * infusions and, without --until, 1840 days. Values the program refuses
 * (not digits, no unit, more than 100 curves) are not estimated: the
 * program stops at them.
 *
 * The program's stdout and stderr go to /dev/null (on glibc the streams
 * are pointed at it, so file descriptors 1 and 2 stay open for libFuzzer's
 * and the sanitizers' reports).
 *
 * Invariants: no crash, no sanitizer report (leaks included under
 * libFuzzer), the exit status one of the contract's: 0, 1, 2 or 3.
 */
#define _POSIX_C_SOURCE 200809L

#include "fuzz_stdio.h"

#include "sim.h"

#define MAX_ARGS 24
#define MAX_FILES 4
#define MAX_COHORT_PATIENTS 5000u
#define MAX_PK_WORK 20000.0

/* ---- the private directory and the streams --------------------------------
 */

static char dir[4096];
static char file_path[MAX_FILES][4200];
static char svg_path[4200];
static char svg_opt[4210];

/* At exit (before fuzz_stdio.h restores the streams): the files made
 * here and the directory removed. */
static void remove_files(void) {
  if (dir[0] != '\0') {
    for (int i = 0; i < MAX_FILES; i++) {
      (void)unlink(file_path[i]);
    }
    (void)unlink(svg_path);
    (void)rmdir(dir);
    dir[0] = '\0';
  }
}

static void setup(void) {
  static bool done = false;
  if (done) {
    return;
  }
  done = true;
  const char *tmp = getenv("TMPDIR");
  if (tmp == NULL || tmp[0] == '\0' || strlen(tmp) > 3000) {
    tmp = "/tmp";
  }
  snprintf(dir, sizeof dir, "%s/infuse-fuzz-sim.XXXXXX", tmp);
  if (mkdtemp(dir) == NULL) {
    perror("fuzz_sim_cli: mkdtemp");
    abort();
  }
  for (int i = 0; i < MAX_FILES; i++) {
    snprintf(file_path[i], sizeof file_path[i], "%s/shard-%d.json", dir, i);
  }
  snprintf(svg_path, sizeof svg_path, "%s/out.svg", dir);
  snprintf(svg_opt, sizeof svg_opt, "--svg=%s", svg_path);

  fz_silence_stdio(remove_files);
}

static void write_file(const char *path, const uint8_t *p, size_t n) {
  FILE *f = fopen(path, "wb");
  if (f == NULL || fwrite(p, 1, n, f) != n || fclose(f) != 0) {
    abort();
  }
}

/* ---- reading the arguments as parse_args does ------------------------------
 */

static bool starts(const char *a, const char *prefix) {
  return strncmp(a, prefix, strlen(prefix)) == 0;
}

/* Options that take no value (sim.c's table); every other known option
 * takes one. */
static bool no_value(const char *name, size_t len) {
  static const char *const names[] = {"help", "version", "json",
                                      "csv",  "summary", "partial"};
  for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
    if (strlen(names[i]) == len && strncmp(names[i], name, len) == 0) {
      return true;
    }
  }
  return false;
}

/* The values the work estimate needs. */
enum {
  V_PATIENTS,
  V_SESSIONS,
  V_EVERY,
  V_DURATION,
  V_UNTIL,
  V_STEP,
  V_MODEL,
  V_COUNT
};
static const char *const value_names[V_COUNT] = {
    "patients", "sessions", "every", "duration", "until", "step", "model"};
static const char *const course_names[] = {
    "start",  "induction",   "per-week", "maintenance", "taper",
    "months", "clinic-days", "closed",   "min-interval"};

typedef struct scan {
  const char *value[V_COUNT];
  bool course;
  bool start;
  bool summary;
} scan_t;

static void note(scan_t *sc, const char *name, size_t len, const char *v) {
  for (int k = 0; k < V_COUNT; k++) {
    if (strlen(value_names[k]) == len &&
        strncmp(value_names[k], name, len) == 0) {
      sc->value[k] = v;
    }
  }
  for (size_t k = 0; k < sizeof course_names / sizeof course_names[0]; k++) {
    if (strlen(course_names[k]) == len &&
        strncmp(course_names[k], name, len) == 0) {
      sc->course = true;
    }
  }
  if (len == 7 && strncmp(name, "summary", 7) == 0) {
    sc->summary = true;
  }
  if (len == 5 && strncmp(name, "start", 5) == 0) {
    sc->start = true;
  }
}

/* Rewrite argv[2..] in place: FILE arguments of merge to the merge files,
 * --svg values to the private directory; note the values. */
static void rewrite(int argc, char **argv, bool merge, int n_files,
                    scan_t *sc) {
  bool done = false;
  int j = 0;
  for (int i = 2; i < argc; i++) {
    const char *a = argv[i];
    if (!done && strcmp(a, "-h") == 0) {
      continue;
    }
    if (merge && !done && strcmp(a, "--") == 0) {
      done = true;
      continue;
    }
    if (done || !starts(a, "--") || a[2] == '\0') {
      if (!merge) {
        return; /* refused: nothing after it is read */
      }
      argv[i] = file_path[j++ % n_files];
      continue;
    }
    const char *name = a + 2;
    const char *eq = strchr(name, '=');
    size_t len = eq != NULL ? (size_t)(eq - name) : strlen(name);
    if (no_value(name, len)) {
      note(sc, name, len, NULL);
      continue;
    }
    const char *v = NULL;
    bool svg = len == 3 && strncmp(name, "svg", 3) == 0;
    if (eq != NULL) {
      if (svg) {
        argv[i] = svg_opt;
      }
      v = eq + 1;
    } else if (i + 1 < argc && !starts(argv[i + 1], "--")) {
      i++;
      if (svg) {
        argv[i] = svg_path;
      }
      v = argv[i];
    }
    note(sc, name, len, v);
  }
}

/* ---- the work estimate ----------------------------------------------------
 */

/* A whole number as count_value reads it; false when the program refuses
 * it. */
static bool whole(const char *t, uint64_t *out) {
  uint64_t v = 0;
  size_t n = strlen(t);
  if (n == 0 || n > 20) {
    return false;
  }
  for (size_t i = 0; i < n; i++) {
    if (t[i] < '0' || t[i] > '9') {
      return false;
    }
    uint64_t d = (uint64_t)(t[i] - '0');
    if (v > (UINT64_MAX - d) / 10) {
      return false;
    }
    v = v * 10 + d;
  }
  *out = v;
  return true;
}

/* A time in seconds as the library parses it; false when refused. */
static bool seconds(const char *t, double *out) {
  infuse_quantity_t q;
  if (infuse_quantity_parse(t, INFUSE_DIM_BIT(INFUSE_DIM_TIME), "time", &q,
                            NULL) != INFUSE_OK) {
    return false;
  }
  *out = (double)q.value;
  return true;
}

static size_t items(const char *t) {
  size_t n = 1;
  for (; *t != '\0'; t++) {
    n += *t == ',';
  }
  return n;
}

/* True when the run would take long; false also when the program refuses
 * a value the estimate needs (it stops there). */
static bool too_long(const char *sub, const scan_t *sc) {
  uint64_t patients = 1;
  if (sc->value[V_PATIENTS] != NULL &&
      !whole(sc->value[V_PATIENTS], &patients)) {
    return false;
  }
  if (strcmp(sub, "cohort") == 0) {
    return sc->value[V_PATIENTS] != NULL && patients > MAX_COHORT_PATIENTS;
  }
  if (strcmp(sub, "pk") != 0) {
    return false;
  }
  double combos =
      (double)(sc->value[V_MODEL] != NULL ? items(sc->value[V_MODEL]) : 1) *
      (double)(sc->value[V_DURATION] != NULL ? items(sc->value[V_DURATION])
                                             : 1);
  if (sc->course && !sc->start) {
    return false; /* refused: the course options need --start */
  }
  uint64_t sessions = 1;
  if (sc->course) {
    sessions = INFUSE_MAX_SESSIONS;
  } else if (sc->value[V_SESSIONS] != NULL &&
             !whole(sc->value[V_SESSIONS], &sessions)) {
    return false;
  }
  double infusions = (double)sessions;
  if (sc->summary) {
    return (double)patients * combos * infusions > MAX_PK_WORK;
  }
  if ((double)patients * combos > 100.0) {
    return false; /* refused: more than 100 curves */
  }
  double longest = 2400.0;
  if (sc->value[V_DURATION] != NULL) {
    char buf[600];
    if (strlen(sc->value[V_DURATION]) >= sizeof buf) {
      return false;
    }
    strcpy(buf, sc->value[V_DURATION]);
    longest = 0.0;
    for (char *p = strtok(buf, ","); p != NULL; p = strtok(NULL, ",")) {
      double s;
      if (!seconds(p, &s)) {
        return false;
      }
      longest = s > longest ? s : longest;
    }
  }
  double every = 0.0, step = 60.0, until;
  if (sc->value[V_EVERY] != NULL && !seconds(sc->value[V_EVERY], &every)) {
    return false;
  }
  if (sc->value[V_STEP] != NULL && !seconds(sc->value[V_STEP], &step)) {
    return false;
  }
  if (sc->value[V_UNTIL] != NULL) {
    if (!seconds(sc->value[V_UNTIL], &until)) {
      return false;
    }
  } else if (sc->course) {
    until = 1840.0 * 86400.0;
  } else {
    until = (infusions - 1.0) * every + longest + 86400.0;
  }
  if (!(step > 0.0)) {
    return false; /* refused */
  }
  double samples = until / step + 1.0;
  return (double)patients * combos * (samples + infusions) > MAX_PK_WORK;
}

/* ---- the entry point --------------------------------------------------------
 */

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 65536) {
    return 0;
  }
  setup();
  fz_t f = {data, size};
  uint8_t mode = fz_u8(&f);
  int n_files = 1 + ((mode >> 2) & 3);
  static const char *const subs[3] = {"pk", "cohort", "merge"};

  if ((mode & 3u) == 2) {
    for (int i = 0; i < n_files; i++) {
      size_t len = fz_u16(&f);
      if (len > f.n) {
        len = f.n;
      }
      write_file(file_path[i], f.p, len);
      f.p += len;
      f.n -= len;
    }
  }

  /* the arguments: a NUL-terminated copy of the rest, split at its NULs */
  char *text = malloc(f.n + 1);
  if (text == NULL) {
    abort();
  }
  memcpy(text, f.p, f.n);
  text[f.n] = '\0';
  char *argv[MAX_ARGS + 3];
  char prog[] = "infuse-sim";
  char sub[16];
  int argc = 0;
  argv[argc++] = prog;
  if ((mode & 3u) != 3) {
    snprintf(sub, sizeof sub, "%s", subs[mode & 3u]);
    argv[argc++] = sub;
  }
  size_t pos = 0;
  while (pos < f.n && argc < MAX_ARGS + 2) {
    char *arg = text + pos;
    pos += strlen(arg) + 1;
    argv[argc++] = arg;
  }
  argv[argc] = NULL;

  int rc = 0;
  if (argc >= 2) {
    bool merge = strcmp(argv[1], "merge") == 0;
    if (merge && (mode & 3u) == 3) {
      /* files named in the text: write empty ones so a FILE argument
       * never reads something else */
      for (int i = 0; i < n_files; i++) {
        write_file(file_path[i], (const uint8_t *)"", 0);
      }
    }
    scan_t sc;
    memset(&sc, 0, sizeof sc);
    rewrite(argc, argv, merge, n_files, &sc);
    if (too_long(argv[1], &sc)) {
      free(text);
      return 0;
    }
  }
  rc = sim_main(argc, argv);
  FZ_CHECK(rc >= 0 && rc <= 3);
  free(text);
  return 0;
}
