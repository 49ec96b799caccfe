/*
 * fhir.c - a course as FHIR R4 JSON: one Bundle (type "collection") holding
 * one draft MedicationRequest for each run of sessions that share a rhythm.
 *
 * Layout (docs/exports.md has the reference):
 *  - A run is a maximal stretch of consecutive sessions of one phase; a
 *    maintenance run is further cut wherever the target interval changes,
 *    so each taper step is its own run. The default course (6 induction
 *    sessions, then 5 d x 2, 7 d x 2, 10 d x 2, 14 d x 2, 21 d x 2, 28 d ...)
 *    gives 7 MedicationRequests.
 *  - Each MedicationRequest has one Dosage whose timing lists every session
 *    date of the run in `event` (the dates to act on; they already include
 *    the moves to clinic days) and describes the run in `repeat`:
 *    boundsPeriod (first and last date), count, the rhythm as
 *    frequency/period/periodUnit (from the target intervals, before
 *    snapping), and with a pump program the infusion's duration.
 *  - status "draft", intent "order": the output is a complete order that
 *    nobody has signed; a prescriber's signature turns draft into active on
 *    the same resource (intent cannot change later without a new resource).
 *  - fullUrl is "urn:uuid:" + a name-based UUID (RFC 9562 version 5, SHA-1)
 *    and the resource id is the same UUID, so both are always valid (36
 *    characters), deterministic, and distinct for every course, patient and
 *    site. The name hashed is
 *      "infuse-fhir <domain> <patient_reference> <course_id> <k>"
 *    in the URL namespace (6ba7b811-9dad-11d1-80b4-00c04fd430c8), with
 *    <domain> the uid_domain or "infuse.invalid" and k = 0 for the Bundle,
 *    1.. for the MedicationRequests in order. None of the parts may contain
 *    a space, so the name is unambiguous.
 */
#include "internal.h"

#include <string.h>

/* ---- SHA-1 (FIPS 180-4), only for the name-based UUIDs ------------------- */

typedef struct sha1 {
  uint32_t h[5];
  uint8_t block[64];
  size_t used;    /* bytes in block */
  uint64_t total; /* bytes hashed so far */
} sha1_t;

static uint32_t rol32(uint32_t v, unsigned n) {
  return (v << n) | (v >> (32u - n));
}

static void sha1_compress(sha1_t *c) {
  uint32_t w[80];
  for (unsigned i = 0; i < 16; i++) {
    w[i] = (uint32_t)c->block[4 * i] << 24 |
           (uint32_t)c->block[4 * i + 1] << 16 |
           (uint32_t)c->block[4 * i + 2] << 8 | (uint32_t)c->block[4 * i + 3];
  }
  for (unsigned i = 16; i < 80; i++) {
    w[i] = rol32(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
  }
  uint32_t a = c->h[0], b = c->h[1], d = c->h[3], e = c->h[4];
  uint32_t cc = c->h[2];
  for (unsigned i = 0; i < 80; i++) {
    uint32_t f, k;
    if (i < 20) {
      f = (b & cc) | (~b & d);
      k = 0x5a827999u;
    } else if (i < 40) {
      f = b ^ cc ^ d;
      k = 0x6ed9eba1u;
    } else if (i < 60) {
      f = (b & cc) | (b & d) | (cc & d);
      k = 0x8f1bbcdcu;
    } else {
      f = b ^ cc ^ d;
      k = 0xca62c1d6u;
    }
    uint32_t t = rol32(a, 5) + f + e + k + w[i];
    e = d;
    d = cc;
    cc = rol32(b, 30);
    b = a;
    a = t;
  }
  c->h[0] += a;
  c->h[1] += b;
  c->h[2] += cc;
  c->h[3] += d;
  c->h[4] += e;
}

static void sha1_init(sha1_t *c) {
  c->h[0] = 0x67452301u;
  c->h[1] = 0xefcdab89u;
  c->h[2] = 0x98badcfeu;
  c->h[3] = 0x10325476u;
  c->h[4] = 0xc3d2e1f0u;
  c->used = 0;
  c->total = 0;
}

static void sha1_update(sha1_t *c, const void *data, size_t n) {
  const uint8_t *p = data;
  c->total += n;
  while (n > 0) {
    size_t take = 64 - c->used < n ? 64 - c->used : n;
    memcpy(c->block + c->used, p, take);
    c->used += take;
    p += take;
    n -= take;
    if (c->used == 64) {
      sha1_compress(c);
      c->used = 0;
    }
  }
}

static void sha1_final(sha1_t *c, uint8_t out[20]) {
  uint64_t bits = c->total * 8u;
  uint8_t pad = 0x80;
  sha1_update(c, &pad, 1);
  pad = 0;
  while (c->used != 56) {
    sha1_update(c, &pad, 1);
  }
  uint8_t len[8];
  for (unsigned i = 0; i < 8; i++) {
    len[i] = (uint8_t)(bits >> (56 - 8 * i));
  }
  sha1_update(c, len, sizeof len);
  for (unsigned i = 0; i < 20; i++) {
    out[i] = (uint8_t)(c->h[i / 4] >> (24 - 8 * (i % 4)));
  }
}

/* ---- names ----------------------------------------------------------------
 */

#define UUID_LEN 36
#define DEFAULT_DOMAIN "infuse.invalid"

/* The UUID (lowercase, 8-4-4-4-12) of entry k, NUL-terminated. */
static void entry_uuid(const infuse_course_export_t *x, int32_t k,
                       char out[UUID_LEN + 1]) {
  static const uint8_t ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad,
                                     0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
                                     0x4f, 0xd4, 0x30, 0xc8};
  static const char hex[] = "0123456789abcdef";
  const char *domain = x->uid_domain != NULL ? x->uid_domain : DEFAULT_DOMAIN;
  char num[16];
  infuse__sb_t sb;
  infuse__sb_init(&sb, num, sizeof num);
  infuse__sb_int(&sb, k);
  size_t num_len = infuse__sb_finish(&sb);

  sha1_t c;
  sha1_init(&c);
  sha1_update(&c, ns_url, sizeof ns_url);
  sha1_update(&c, "infuse-fhir ", 12);
  sha1_update(&c, domain, strlen(domain));
  sha1_update(&c, " ", 1);
  sha1_update(&c, x->patient_reference, strlen(x->patient_reference));
  sha1_update(&c, " ", 1);
  sha1_update(&c, x->course_id, strlen(x->course_id));
  sha1_update(&c, " ", 1);
  sha1_update(&c, num, num_len);
  uint8_t d[20];
  sha1_final(&c, d);
  d[6] = (uint8_t)((d[6] & 0x0fu) | 0x50u); /* version 5 */
  d[8] = (uint8_t)((d[8] & 0x3fu) | 0x80u); /* RFC 9562 variant */
  size_t o = 0;
  for (unsigned i = 0; i < 16; i++) {
    if (i == 4 || i == 6 || i == 8 || i == 10) {
      out[o++] = '-';
    }
    out[o++] = hex[d[i] >> 4];
    out[o++] = hex[d[i] & 15u];
  }
  out[o] = '\0';
}

/* ---- runs -----------------------------------------------------------------
 */

typedef struct run {
  size_t first; /* index into x->sessions */
  size_t count;
  int64_t frequency; /* 0: no rhythm (a single session, or no gap) */
  int64_t period;
  const char *period_unit; /* "d" or "wk" */
} run_t;

/* Does session i start a new run? */
static bool starts_run(const infuse_course_export_t *x, size_t i) {
  if (i == 0) {
    return true;
  }
  const infuse_session_t *s = &x->sessions[i];
  const infuse_session_t *p = &x->sessions[i - 1];
  if (s->phase != p->phase) {
    return true;
  }
  return s->phase == INFUSE_PHASE_MAINTENANCE &&
         s->target_interval_days != p->target_interval_days;
}

/* The run that starts at session `first`. */
static run_t run_at(const infuse_course_export_t *x, size_t first) {
  run_t r = {first, 1, 0, 0, "d"};
  while (first + r.count < x->n_sessions && !starts_run(x, first + r.count)) {
    r.count++;
  }
  const infuse_session_t *s = &x->sessions[first];
  /* The target gaps that describe the run: in maintenance every session's
   * own gap (all equal); in induction the gaps inside the run. */
  const infuse_session_t *g = s;
  size_t n = r.count;
  if (s->phase == INFUSE_PHASE_INDUCTION) {
    g = s + 1;
    n = r.count - 1;
  }
  if (n == 0) {
    return r;
  }
  /* The shortest cycle c that the gaps repeat: g[i] == g[i % c]. Then the
   * rhythm is c sessions per sum(g[0..c-1]) days (2, 2, 3: 3 per week). */
  size_t c = 1;
  for (; c < n; c++) {
    size_t i = c;
    while (i < n &&
           g[i].target_interval_days == g[i % c].target_interval_days) {
      i++;
    }
    if (i == n) {
      break;
    }
  }
  int64_t days = 0;
  for (size_t i = 0; i < c; i++) {
    days += g[i].target_interval_days;
  }
  if (days <= 0) {
    return r;
  }
  r.frequency = (int64_t)c;
  if (days % 7 == 0) {
    r.period = days / 7;
    r.period_unit = "wk";
  } else {
    r.period = days;
    r.period_unit = "d";
  }
  return r;
}

/* ---- a small pretty JSON emitter ------------------------------------------
 */

#define JW_DEPTH 16

typedef struct jw {
  infuse__sb_t *sb;
  int depth;
  bool empty[JW_DEPTH]; /* nothing written yet in the container at depth */
} jw_t;

static void jw_indent(jw_t *w) {
  static const char spaces[] = "\n                                "
                               "                                ";
  size_t n = 1 + 2 * (size_t)w->depth;
  if (n > sizeof spaces - 1) {
    n = sizeof spaces - 1; /* deeper than the writer ever nests */
  }
  infuse__sb_putn(w->sb, spaces, n);
}

/* Start a member (key non-NULL) or an array element (key NULL). */
static void jw_key(jw_t *w, const char *key) {
  if (!w->empty[w->depth]) {
    infuse__sb_putc(w->sb, ',');
  }
  w->empty[w->depth] = false;
  jw_indent(w);
  if (key != NULL) {
    infuse__sb_putc(w->sb, '"');
    infuse__sb_puts(w->sb, key);
    infuse__sb_puts(w->sb, "\": ");
  }
}

static void jw_open(jw_t *w, const char *key, char bracket) {
  jw_key(w, key);
  infuse__sb_putc(w->sb, bracket);
  w->depth++;
  w->empty[w->depth] = true;
}

static void jw_close(jw_t *w, char bracket) {
  w->depth--;
  jw_indent(w);
  infuse__sb_putc(w->sb, bracket);
}

/* A string member whose text needs no escaping (our own literals). */
static void jw_lit(jw_t *w, const char *key, const char *text) {
  jw_key(w, key);
  infuse__sb_putc(w->sb, '"');
  infuse__sb_puts(w->sb, text);
  infuse__sb_putc(w->sb, '"');
}

static void jw_int(jw_t *w, const char *key, int64_t v) {
  jw_key(w, key);
  infuse__sb_int(w->sb, v);
}

static void jw_date(jw_t *w, const char *key, int32_t date) {
  char d[16];
  size_t n = infuse_date_format(date, d, sizeof d);
  jw_key(w, key);
  infuse__sb_putc(w->sb, '"');
  infuse__sb_putn(w->sb, d, n);
  infuse__sb_putc(w->sb, '"');
}

/* Caller text inside a JSON string: printable ASCII is kept (with '"' and
 * '\\' escaped), every other byte becomes '?', so the value is valid JSON
 * and a valid FHIR string whatever the bytes (export_check already limits
 * patient_reference and course_id to printable ASCII). */
static void put_ascii(infuse__sb_t *sb, const char *s) {
  for (; *s != '\0'; s++) {
    unsigned char c = (unsigned char)*s;
    if (c == '"' || c == '\\') {
      infuse__sb_putc(sb, '\\');
      infuse__sb_putc(sb, (char)c);
    } else if (c < 0x20u || c >= 0x7fu) {
      infuse__sb_putc(sb, '?');
    } else {
      infuse__sb_putc(sb, (char)c);
    }
  }
}

static void jw_text(jw_t *w, const char *key, const char *s) {
  jw_key(w, key);
  infuse__sb_putc(w->sb, '"');
  put_ascii(w->sb, s);
  infuse__sb_putc(w->sb, '"');
}

/* ---- pieces ---------------------------------------------------------------
 */

/* seconds since 1970-01-01T00:00:00Z as "YYYY-MM-DDThh:mm:ssZ" */
static void put_instant(infuse__sb_t *sb, int64_t t) {
  int64_t days = t / 86400;
  int64_t sec = t % 86400;
  if (sec < 0) {
    sec += 86400;
    days -= 1;
  }
  char d[16];
  size_t n = infuse_date_format((int32_t)days, d, sizeof d);
  infuse__sb_putn(sb, d, n);
  char hms[10] = {
      'T', (char)('0' + sec / 36000),      (char)('0' + sec / 3600 % 10),
      ':', (char)('0' + sec % 3600 / 600), (char)('0' + sec % 600 / 60),
      ':', (char)('0' + sec % 60 / 10),    (char)('0' + sec % 10),
      'Z'};
  infuse__sb_putn(sb, hms, sizeof hms);
}

static void jw_instant(jw_t *w, const char *key, int64_t t) {
  jw_key(w, key);
  infuse__sb_putc(w->sb, '"');
  put_instant(w->sb, t);
  infuse__sb_putc(w->sb, '"');
}

static void jw_coding(jw_t *w, const char *system, const char *code,
                      const char *display) {
  jw_open(w, NULL, '{');
  jw_lit(w, "system", system);
  jw_lit(w, "code", code);
  jw_lit(w, "display", display);
  jw_close(w, '}');
}

/* A UCUM Quantity. */
static void jw_quantity(jw_t *w, const char *key, int64_t value,
                        infuse_unit_t unit, int decimals, const char *ucum) {
  jw_open(w, key, '{');
  jw_key(w, "value");
  infuse__put_number(w->sb, value, unit, decimals);
  jw_lit(w, "unit", ucum);
  jw_lit(w, "system", "http://unitsofmeasure.org");
  jw_lit(w, "code", ucum);
  jw_close(w, '}');
}

/* "3 times a week", "every 2 weeks", "every 5 days", ... */
static void put_rhythm(infuse__sb_t *sb, const run_t *r) {
  bool weeks = r->period_unit[0] == 'w';
  if (r->frequency == 1) {
    if (r->period == 1) {
      infuse__sb_puts(sb, weeks ? "once a week" : "daily");
      return;
    }
    infuse__sb_puts(sb, "every ");
  } else {
    infuse__sb_int(sb, r->frequency);
    if (r->period == 1) {
      infuse__sb_puts(sb, weeks ? " times a week" : " times a day");
      return;
    }
    infuse__sb_puts(sb, " times every ");
  }
  infuse__sb_int(sb, r->period);
  infuse__sb_puts(sb, weeks ? " weeks" : " days");
}

/* The dosage text, also the narrative; only characters that need no escape
 * in JSON or XHTML. */
static void put_dosage_text(infuse__sb_t *sb, const infuse_course_export_t *x,
                            const run_t *run) {
  const infuse_result_t *r = x->result;
  const infuse_session_t *s = &x->sessions[run->first];
  infuse__sb_puts(sb, s->phase == INFUSE_PHASE_INDUCTION
                          ? "Induction: ketamine "
                          : "Maintenance: ketamine ");
  if (r != NULL) {
    infuse__put_quantity(sb, r->dose_ng, INFUSE_UNIT_NG);
    infuse__sb_putc(sb, ' ');
  }
  infuse__sb_puts(sb, "IV");
  if (r != NULL && r->has_pump) {
    infuse__sb_puts(sb, " over ");
    infuse__put_quantity(sb, r->duration_s, INFUSE_UNIT_S);
    infuse__sb_puts(sb, " at ");
    infuse__put_quantity(sb, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H);
    infuse__sb_puts(sb, " (VTBI ");
    infuse__put_quantity(sb, r->vtbi_ul, INFUSE_UNIT_UL);
    infuse__sb_putc(sb, ')');
  }
  infuse__sb_puts(sb, ", ");
  if (run->frequency > 0) {
    put_rhythm(sb, run);
    infuse__sb_puts(sb, ", ");
  }
  char d[16];
  size_t n = infuse_date_format(s->date, d, sizeof d);
  if (run->count == 1) {
    infuse__sb_puts(sb, "1 session on ");
    infuse__sb_putn(sb, d, n);
  } else {
    infuse__sb_int(sb, (int64_t)run->count);
    infuse__sb_puts(sb, " sessions from ");
    infuse__sb_putn(sb, d, n);
    infuse__sb_puts(sb, " to ");
    n = infuse_date_format(x->sessions[run->first + run->count - 1].date, d,
                           sizeof d);
    infuse__sb_putn(sb, d, n);
  }
  infuse__sb_putc(sb, '.');
}

static void jw_dosage_text(jw_t *w, const char *key,
                           const infuse_course_export_t *x, const run_t *run,
                           bool narrative) {
  jw_key(w, key);
  infuse__sb_putc(w->sb, '"');
  if (narrative) {
    infuse__sb_puts(w->sb,
                    "<div xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>");
  }
  put_dosage_text(w->sb, x, run);
  if (narrative) {
    infuse__sb_puts(w->sb, "</p></div>");
  }
  infuse__sb_putc(w->sb, '"');
}

static void render_medication_request(jw_t *w, const infuse_course_export_t *x,
                                      const run_t *run, int32_t k) {
  const infuse_result_t *r = x->result;
  char uuid[UUID_LEN + 1];
  entry_uuid(x, k, uuid);

  jw_open(w, NULL, '{');
  jw_key(w, "fullUrl");
  infuse__sb_puts(w->sb, "\"urn:uuid:");
  infuse__sb_puts(w->sb, uuid);
  infuse__sb_putc(w->sb, '"');
  jw_open(w, "resource", '{');
  jw_lit(w, "resourceType", "MedicationRequest");
  jw_lit(w, "id", uuid);
  jw_open(w, "text", '{');
  jw_lit(w, "status", "generated");
  jw_dosage_text(w, "div", x, run, true);
  jw_close(w, '}');
  jw_lit(w, "status", "draft");
  jw_lit(w, "intent", "order");
  jw_open(w, "medicationCodeableConcept", '{');
  jw_open(w, "coding", '[');
  jw_coding(w, "http://www.nlm.nih.gov/research/umls/rxnorm", "6130",
            "ketamine");
  jw_close(w, ']');
  jw_lit(w, "text", "ketamine");
  jw_close(w, '}');
  jw_open(w, "subject", '{');
  jw_text(w, "reference", x->patient_reference);
  jw_close(w, '}');
  jw_instant(w, "authoredOn", x->dtstamp);
  jw_open(w, "groupIdentifier", '{');
  jw_text(w, "value", x->course_id);
  jw_close(w, '}');
  if (r != NULL && r->protocol_id[0] != '\0') {
    jw_open(w, "note", '[');
    jw_open(w, NULL, '{');
    jw_key(w, "text");
    infuse__sb_puts(w->sb, "\"Protocol ");
    put_ascii(w->sb, r->protocol_id);
    if (r->protocol_version[0] != '\0') {
      infuse__sb_puts(w->sb, " version ");
      put_ascii(w->sb, r->protocol_version);
    }
    infuse__sb_puts(w->sb, "; computed by infuse, for a prescriber to review "
                           "and sign.\"");
    jw_close(w, '}');
    jw_close(w, ']');
  }
  jw_open(w, "dosageInstruction", '[');
  jw_open(w, NULL, '{');
  jw_dosage_text(w, "text", x, run, false);
  jw_open(w, "timing", '{');
  jw_open(w, "event", '[');
  for (size_t i = 0; i < run->count; i++) {
    jw_date(w, NULL, x->sessions[run->first + i].date);
  }
  jw_close(w, ']');
  jw_open(w, "repeat", '{');
  jw_open(w, "boundsPeriod", '{');
  jw_date(w, "start", x->sessions[run->first].date);
  jw_date(w, "end", x->sessions[run->first + run->count - 1].date);
  jw_close(w, '}');
  jw_int(w, "count", (int64_t)run->count);
  if (r != NULL && r->has_pump) {
    bool minutes = r->duration_s % 60 == 0;
    jw_int(w, "duration", minutes ? r->duration_s / 60 : r->duration_s);
    jw_lit(w, "durationUnit", minutes ? "min" : "s");
  }
  if (run->frequency > 0) {
    jw_int(w, "frequency", run->frequency);
    jw_int(w, "period", run->period);
    jw_lit(w, "periodUnit", run->period_unit);
  }
  jw_close(w, '}');
  jw_close(w, '}');
  jw_open(w, "route", '{');
  jw_open(w, "coding", '[');
  jw_coding(w, "http://snomed.info/sct", "47625008", "Intravenous route");
  jw_close(w, ']');
  jw_close(w, '}');
  if (r != NULL) {
    jw_open(w, "doseAndRate", '[');
    jw_open(w, NULL, '{');
    jw_open(w, "type", '{');
    jw_open(w, "coding", '[');
    jw_coding(w, "http://terminology.hl7.org/CodeSystem/dose-rate-type",
              "calculated", "Calculated");
    jw_close(w, ']');
    jw_close(w, '}');
    jw_quantity(w, "doseQuantity", r->dose_ng, INFUSE_UNIT_NG, 6, "mg");
    if (r->has_pump) {
      jw_quantity(w, "rateQuantity", r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3,
                  "mL/h");
    }
    jw_close(w, '}');
    jw_close(w, ']');
  }
  jw_close(w, '}');
  jw_close(w, ']');
  jw_close(w, '}');
  jw_close(w, '}');
}

static void render_fhir(infuse__sb_t *sb, const void *what) {
  const infuse_course_export_t *x = what;
  jw_t w;
  memset(&w, 0, sizeof w);
  w.sb = sb;
  w.empty[0] = true;
  char uuid[UUID_LEN + 1];
  entry_uuid(x, 0, uuid);

  infuse__sb_putc(sb, '{');
  w.depth = 1;
  w.empty[1] = true;
  jw_lit(&w, "resourceType", "Bundle");
  jw_lit(&w, "id", uuid);
  jw_lit(&w, "type", "collection");
  jw_instant(&w, "timestamp", x->dtstamp);
  jw_open(&w, "entry", '[');
  int32_t k = 0;
  for (size_t i = 0; i < x->n_sessions;) {
    run_t run = run_at(x, i);
    render_medication_request(&w, x, &run, ++k);
    i += run.count;
  }
  jw_close(&w, ']');
  jw_close(&w, '}');
  infuse__sb_putc(sb, '\n');
}

int infuse_course_write_fhir(const infuse_course_export_t *x, char *buf,
                             size_t cap, size_t *len) {
  if (len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  INFUSE__TRY(infuse__export_check(x, true, true));
  /* authoredOn must be a date in range */
  int64_t day = x->dtstamp / 86400 - (x->dtstamp % 86400 < 0 ? 1 : 0);
  if (day < INFUSE_DATE_MIN || day > INFUSE_DATE_MAX) {
    return INFUSE_E_INVALID;
  }
  /* a dose that a limit stopped is no order, not even a draft */
  if (x->result != NULL && x->result->verdict != INFUSE_VERDICT_OK) {
    return INFUSE_E_INVALID;
  }
  /* the requests describe IV infusions: an oral result has no place here */
  if (x->result != NULL && x->result->route != INFUSE_ROUTE_IV_INFUSION) {
    return INFUSE_E_INVALID;
  }
  return infuse__write_twice(render_fhir, x, buf, cap, len);
}
