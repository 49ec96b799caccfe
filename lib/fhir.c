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

/* Append a string literal with one copy, its length known at compile time. */
#define PUT_LIT(sb, lit) infuse__sb_putn((sb), "" lit, sizeof(lit) - 1)

/* The first pass of infuse__write_twice only measures (cap 0). Parts whose
 * length is fixed (UUIDs, dates) are then counted without being computed:
 * with cap 0, infuse__sb_putn adds n to the length and never reads s. */
static bool measuring(const infuse__sb_t *sb) { return sb->cap == 0; }

/* The bytes a builder over a local array holds (the arrays are sized for
 * the longest text, so this is sb->len; the bound only guards the reads). */
static size_t sb_held(const infuse__sb_t *sb) {
  return sb->cap == 0 || sb->len < sb->cap ? sb->len : sb->cap - 1;
}

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

static uint32_t load_be32(const uint8_t *p) {
  return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 |
         (uint32_t)p[3];
}

/* One 64-byte block, fully unrolled: the 80 rounds rotate the roles of
 * a..e instead of moving the values, and the message schedule is kept as
 * the last 16 words. */
static void sha1_compress(uint32_t h[5], const uint8_t *p) {
  uint32_t w[16];
  for (unsigned i = 0; i < 16; i++) {
    w[i] = load_be32(p + (size_t)4 * i);
  }
  uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
#define SHA1_W(i)                                                              \
  (w[(i)&15] = rol32(w[((i) + 13) & 15] ^ w[((i) + 8) & 15] ^                  \
                         w[((i) + 2) & 15] ^ w[(i)&15],                        \
                     1))
#define SHA1_F1(b, c, d) ((d) ^ ((b) & ((c) ^ (d))))
#define SHA1_F2(b, c, d) ((b) ^ (c) ^ (d))
#define SHA1_F3(b, c, d) (((b) & (c)) | ((d) & ((b) | (c))))
#define SHA1_R(a, b, c, d, e, f, k, wi)                                        \
  do {                                                                         \
    (e) += rol32((a), 5) + f((b), (c), (d)) + (k) + (wi);                      \
    (b) = rol32((b), 30);                                                      \
  } while (0)
#define SHA1_5(f, k, i, W)                                                     \
  SHA1_R(a, b, c, d, e, f, k, W(i));                                           \
  SHA1_R(e, a, b, c, d, f, k, W((i) + 1));                                     \
  SHA1_R(d, e, a, b, c, f, k, W((i) + 2));                                     \
  SHA1_R(c, d, e, a, b, f, k, W((i) + 3));                                     \
  SHA1_R(b, c, d, e, a, f, k, W((i) + 4))
#define SHA1_W0(i) w[i]
  SHA1_5(SHA1_F1, 0x5a827999u, 0, SHA1_W0);
  SHA1_5(SHA1_F1, 0x5a827999u, 5, SHA1_W0);
  SHA1_5(SHA1_F1, 0x5a827999u, 10, SHA1_W0);
  SHA1_R(a, b, c, d, e, SHA1_F1, 0x5a827999u, w[15]);
  SHA1_R(e, a, b, c, d, SHA1_F1, 0x5a827999u, SHA1_W(16));
  SHA1_R(d, e, a, b, c, SHA1_F1, 0x5a827999u, SHA1_W(17));
  SHA1_R(c, d, e, a, b, SHA1_F1, 0x5a827999u, SHA1_W(18));
  SHA1_R(b, c, d, e, a, SHA1_F1, 0x5a827999u, SHA1_W(19));
  SHA1_5(SHA1_F2, 0x6ed9eba1u, 20, SHA1_W);
  SHA1_5(SHA1_F2, 0x6ed9eba1u, 25, SHA1_W);
  SHA1_5(SHA1_F2, 0x6ed9eba1u, 30, SHA1_W);
  SHA1_5(SHA1_F2, 0x6ed9eba1u, 35, SHA1_W);
  SHA1_5(SHA1_F3, 0x8f1bbcdcu, 40, SHA1_W);
  SHA1_5(SHA1_F3, 0x8f1bbcdcu, 45, SHA1_W);
  SHA1_5(SHA1_F3, 0x8f1bbcdcu, 50, SHA1_W);
  SHA1_5(SHA1_F3, 0x8f1bbcdcu, 55, SHA1_W);
  SHA1_5(SHA1_F2, 0xca62c1d6u, 60, SHA1_W);
  SHA1_5(SHA1_F2, 0xca62c1d6u, 65, SHA1_W);
  SHA1_5(SHA1_F2, 0xca62c1d6u, 70, SHA1_W);
  SHA1_5(SHA1_F2, 0xca62c1d6u, 75, SHA1_W);
#undef SHA1_W0
#undef SHA1_5
#undef SHA1_R
#undef SHA1_F3
#undef SHA1_F2
#undef SHA1_F1
#undef SHA1_W
  h[0] += a;
  h[1] += b;
  h[2] += c;
  h[3] += d;
  h[4] += e;
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
      sha1_compress(c->h, c->block);
      c->used = 0;
    }
  }
}

/* ---- dates ------------------------------------------------------------- */

static const char digit_pairs[201] = "00010203040506070809"
                                     "10111213141516171819"
                                     "20212223242526272829"
                                     "30313233343536373839"
                                     "40414243444546474849"
                                     "50515253545556575859"
                                     "60616263646566676869"
                                     "70717273747576777879"
                                     "80818283848586878889"
                                     "90919293949596979899";

#define DATE_LEN 10

/* A day number in INFUSE_DATE_MIN..INFUSE_DATE_MAX as "YYYY-MM-DD" (no
 * NUL), the same text as infuse_date_format, by the same era arithmetic. */
static void format_date(char out[DATE_LEN], int32_t date) {
  uint32_t z = (uint32_t)(date + 719468); /* >= 0 from 1900 on */
  uint32_t era = z / 146097u;
  uint32_t doe = z - era * 146097u;
  uint32_t yoe = (doe - doe / 1460u + doe / 36524u - doe / 146096u) / 365u;
  uint32_t doy = doe - (365u * yoe + yoe / 4u - yoe / 100u);
  uint32_t mp = (5u * doy + 2u) / 153u;
  uint32_t d = doy - (153u * mp + 2u) / 5u + 1u;
  uint32_t m = mp < 10u ? mp + 3u : mp - 9u;
  uint32_t y = yoe + era * 400u + (m <= 2u ? 1u : 0u);
  memcpy(out, digit_pairs + (size_t)2u * (y / 100u), 2);
  memcpy(out + 2, digit_pairs + (size_t)2u * (y % 100u), 2);
  out[4] = '-';
  memcpy(out + 5, digit_pairs + (size_t)2u * m, 2);
  out[7] = '-';
  memcpy(out + 8, digit_pairs + (size_t)2u * d, 2);
}

#define INSTANT_LEN 20

/* seconds since 1970-01-01T00:00:00Z (a day in range) as
 * "YYYY-MM-DDThh:mm:ssZ" */
static void format_instant(char out[INSTANT_LEN], int64_t t) {
  int64_t days = t / 86400;
  int64_t sec = t % 86400;
  if (sec < 0) {
    sec += 86400;
    days -= 1;
  }
  format_date(out, (int32_t)days);
  uint32_t s = (uint32_t)sec;
  out[10] = 'T';
  memcpy(out + 11, digit_pairs + (size_t)2u * (s / 3600u), 2);
  out[13] = ':';
  memcpy(out + 14, digit_pairs + (size_t)2u * (s % 3600u / 60u), 2);
  out[16] = ':';
  memcpy(out + 17, digit_pairs + (size_t)2u * (s % 60u), 2);
  out[19] = 'Z';
}

/* ---- integers ------------------------------------------------------------ */

/* v in decimal, two digits a step. */
static void put_uint(infuse__sb_t *sb, uint64_t v) {
  char tmp[20];
  size_t n = sizeof tmp;
  while (v >= 100u) {
    n -= 2;
    memcpy(tmp + n, digit_pairs + 2u * (v % 100u), 2);
    v /= 100u;
  }
  if (v >= 10u) {
    n -= 2;
    memcpy(tmp + n, digit_pairs + 2u * v, 2);
  } else {
    tmp[--n] = (char)('0' + v);
  }
  infuse__sb_putn(sb, tmp + n, sizeof tmp - n);
}

static void put_int(infuse__sb_t *sb, int64_t v) {
  if (v >= 0) {
    put_uint(sb, (uint64_t)v);
  } else {
    infuse__sb_int(sb, v);
  }
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

/* ---- what every MedicationRequest of one export shares ------------------- */

#define UUID_LEN 36
#define DEFAULT_DOMAIN "infuse.invalid"

/* The longest quantity infuse__put_quantity writes: sign, 20 digits, point,
 * 6 decimals, space, a symbol of at most 4 bytes. */
#define QUANTITY_MAX 33
#define NUMBER_MAX 28 /* the same without space and symbol */
/* "<dose> IV over <duration> at <rate> (VTBI <vtbi>), " */
#define MID_MAX (4 * QUANTITY_MAX + 32)
#define NOTE_TAIL "; computed by infuse, for a prescriber to review and sign."
/* "Protocol <id> version <version><tail>", every byte possibly escaped */
#define NOTE_MAX                                                               \
  (sizeof "Protocol " + (size_t)2 * INFUSE_PROTOCOL_ID_MAX +                   \
   sizeof " version " + (size_t)2 * INFUSE_PROTOCOL_VERSION_MAX +              \
   sizeof NOTE_TAIL)
/* "Maintenance: ketamine " + MID + rhythm (at most 4 + 13 + 10 + 6 bytes) +
 * ", " + "<count> sessions from <date> to <date>." */
#define TEXT_MAX (24 + MID_MAX + 40 + 2 + 48)

typedef struct fhir_ctx {
  const infuse_course_export_t *x;
  bool pump; /* a result with a pump program */
  /* the UUID name "infuse-fhir <domain> <patient> <course_id> " hashed */
  sha1_t name;
  char instant[INSTANT_LEN]; /* dtstamp */
  const char *patient;
  size_t patient_len;
  bool patient_plain; /* needs no escaping (export_check makes sure) */
  const char *course;
  size_t course_len;
  bool course_plain;
  int64_t duration; /* with pump: in durationUnit */
  const char *duration_unit;
  size_t mid_len;
  size_t note_len; /* 0: no note */
  size_t dose_len;
  size_t rate_len;
  char mid[MID_MAX];
  char note[NOTE_MAX];
  char dose[NUMBER_MAX + 4];
  char rate[NUMBER_MAX + 4];
} fhir_ctx_t;

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

/* Does put_ascii copy s unchanged? Sets *len to strlen(s). */
static bool ascii_plain(const char *s, size_t *len) {
  bool plain = true;
  size_t n = 0;
  for (; s[n] != '\0'; n++) {
    unsigned char c = (unsigned char)s[n];
    if (c == '"' || c == '\\' || c < 0x20u || c >= 0x7fu) {
      plain = false;
    }
  }
  *len = n;
  return plain;
}

static void put_text(infuse__sb_t *sb, const char *s, size_t len, bool plain) {
  if (plain) {
    infuse__sb_putn(sb, s, len);
  } else {
    put_ascii(sb, s);
  }
}

static void ctx_init(fhir_ctx_t *c, const infuse_course_export_t *x) {
  const infuse_result_t *r = x->result;
  /* a local, so that the analyzer sees r != NULL where pump is tested */
  const bool pump = r != NULL && r->has_pump;
  c->x = x;
  c->pump = pump;
  c->patient = x->patient_reference;
  c->patient_plain = ascii_plain(c->patient, &c->patient_len);
  c->course = x->course_id;
  c->course_plain = ascii_plain(c->course, &c->course_len);
  format_instant(c->instant, x->dtstamp);

  static const uint8_t ns_url[16] = {0x6b, 0xa7, 0xb8, 0x11, 0x9d, 0xad,
                                     0x11, 0xd1, 0x80, 0xb4, 0x00, 0xc0,
                                     0x4f, 0xd4, 0x30, 0xc8};
  const char *domain = x->uid_domain != NULL ? x->uid_domain : DEFAULT_DOMAIN;
  sha1_init(&c->name);
  sha1_update(&c->name, ns_url, sizeof ns_url);
  sha1_update(&c->name, "infuse-fhir ", 12);
  sha1_update(&c->name, domain, strlen(domain));
  sha1_update(&c->name, " ", 1);
  sha1_update(&c->name, c->patient, c->patient_len);
  sha1_update(&c->name, " ", 1);
  sha1_update(&c->name, c->course, c->course_len);
  sha1_update(&c->name, " ", 1);

  infuse__sb_t sb;
  infuse__sb_init(&sb, c->mid, sizeof c->mid);
  if (r != NULL) {
    infuse__put_quantity(&sb, r->dose_ng, INFUSE_UNIT_NG);
    infuse__sb_putc(&sb, ' ');
  }
  PUT_LIT(&sb, "IV");
  if (pump) {
    PUT_LIT(&sb, " over ");
    infuse__put_quantity(&sb, r->duration_s, INFUSE_UNIT_S);
    PUT_LIT(&sb, " at ");
    infuse__put_quantity(&sb, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H);
    PUT_LIT(&sb, " (VTBI ");
    infuse__put_quantity(&sb, r->vtbi_ul, INFUSE_UNIT_UL);
    infuse__sb_putc(&sb, ')');
  }
  PUT_LIT(&sb, ", ");
  c->mid_len = sb_held(&sb);

  c->note_len = 0;
  c->dose_len = 0;
  c->rate_len = 0;
  c->duration = 0;
  c->duration_unit = "s";
  if (r == NULL) {
    return;
  }
  if (r->protocol_id[0] != '\0') {
    infuse__sb_init(&sb, c->note, sizeof c->note);
    PUT_LIT(&sb, "Protocol ");
    put_ascii(&sb, r->protocol_id);
    if (r->protocol_version[0] != '\0') {
      PUT_LIT(&sb, " version ");
      put_ascii(&sb, r->protocol_version);
    }
    PUT_LIT(&sb, NOTE_TAIL);
    c->note_len = sb_held(&sb);
  }
  infuse__sb_init(&sb, c->dose, sizeof c->dose);
  infuse__put_number(&sb, r->dose_ng, INFUSE_UNIT_NG, 6);
  c->dose_len = sb_held(&sb);
  if (c->pump) {
    infuse__sb_init(&sb, c->rate, sizeof c->rate);
    infuse__put_number(&sb, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H, 3);
    c->rate_len = sb_held(&sb);
    bool minutes = r->duration_s % 60 == 0;
    c->duration = minutes ? r->duration_s / 60 : r->duration_s;
    c->duration_unit = minutes ? "min" : "s";
  }
}

/* The UUID (lowercase, 8-4-4-4-12) of entry k: the hashed name prefix,
 * then k's digits and the SHA-1 padding, one or two blocks. */
static void entry_uuid(const fhir_ctx_t *ctx, int32_t k, char out[UUID_LEN]) {
  static const char hex[] = "0123456789abcdef";
  const sha1_t *name = &ctx->name;
  uint8_t tail[128];
  size_t n = name->used;
  memcpy(tail, name->block, n);
  char num[12];
  size_t nd = sizeof num;
  uint32_t v = (uint32_t)k;
  do {
    num[--nd] = (char)('0' + v % 10u);
    v /= 10u;
  } while (v != 0);
  memcpy(tail + n, num + nd, sizeof num - nd);
  n += sizeof num - nd;
  uint64_t bits = (name->total + (sizeof num - nd)) * 8u;
  tail[n++] = 0x80;
  size_t blocks = n + 8 <= 64 ? 1 : 2;
  size_t end = 64 * blocks;
  memset(tail + n, 0, end - 8 - n);
  for (unsigned i = 0; i < 8; i++) {
    tail[end - 8 + i] = (uint8_t)(bits >> (56 - 8 * i));
  }
  uint32_t h[5];
  memcpy(h, name->h, sizeof h);
  sha1_compress(h, tail);
  if (blocks == 2) {
    sha1_compress(h, tail + 64);
  }
  uint8_t d[16];
  for (unsigned i = 0; i < 16; i++) {
    d[i] = (uint8_t)(h[i / 4] >> (24 - 8 * (i % 4)));
  }
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
}

/* ---- pieces ---------------------------------------------------------------
 */

/* "3 times a week", "every 2 weeks", "every 5 days", ... */
static void put_rhythm(infuse__sb_t *sb, const run_t *r) {
  bool weeks = r->period_unit[0] == 'w';
  if (r->frequency == 1) {
    if (r->period == 1) {
      if (weeks) {
        PUT_LIT(sb, "once a week");
      } else {
        PUT_LIT(sb, "daily");
      }
      return;
    }
    PUT_LIT(sb, "every ");
  } else {
    put_int(sb, r->frequency);
    if (r->period == 1) {
      if (weeks) {
        PUT_LIT(sb, " times a week");
      } else {
        PUT_LIT(sb, " times a day");
      }
      return;
    }
    PUT_LIT(sb, " times every ");
  }
  put_int(sb, r->period);
  if (weeks) {
    PUT_LIT(sb, " weeks");
  } else {
    PUT_LIT(sb, " days");
  }
}

/* The dosage text, also the narrative; only characters that need no escape
 * in JSON or XHTML. first and last: the run's dates, formatted (unread when
 * sb only measures). */
static void put_dosage_text(infuse__sb_t *sb, const fhir_ctx_t *c,
                            const run_t *run, const char *first,
                            const char *last) {
  const infuse_session_t *s = &c->x->sessions[run->first];
  if (s->phase == INFUSE_PHASE_INDUCTION) {
    PUT_LIT(sb, "Induction: ketamine ");
  } else {
    PUT_LIT(sb, "Maintenance: ketamine ");
  }
  infuse__sb_putn(sb, c->mid, c->mid_len);
  if (run->frequency > 0) {
    put_rhythm(sb, run);
    PUT_LIT(sb, ", ");
  }
  if (run->count == 1) {
    PUT_LIT(sb, "1 session on ");
    infuse__sb_putn(sb, first, DATE_LEN);
  } else {
    put_uint(sb, run->count);
    PUT_LIT(sb, " sessions from ");
    infuse__sb_putn(sb, first, DATE_LEN);
    PUT_LIT(sb, " to ");
    infuse__sb_putn(sb, last, DATE_LEN);
  }
  infuse__sb_putc(sb, '.');
}

/* ---- the document ---------------------------------------------------------
 *
 * The JSON is pretty-printed with two spaces a level; the fixed parts are
 * written as literals, with the indentation of where they stand.
 */

static void render_medication_request(infuse__sb_t *sb, const fhir_ctx_t *c,
                                      const run_t *run, int32_t k) {
  const infuse_session_t *s = &c->x->sessions[run->first];
  char uuid[UUID_LEN];
  char first[DATE_LEN], last[DATE_LEN];
  if (!measuring(sb)) {
    entry_uuid(c, k, uuid);
    format_date(first, s->date);
    format_date(last, s[run->count - 1].date);
  }
  /* the dosage text, written twice */
  char text[TEXT_MAX];
  infuse__sb_t tsb;
  infuse__sb_init(&tsb, measuring(sb) ? NULL : text, sizeof text);
  put_dosage_text(&tsb, c, run, first, last);
  size_t text_len = sb_held(&tsb);

  if (k == 1) {
    PUT_LIT(sb, "\n    {");
  } else {
    PUT_LIT(sb, ",\n    {");
  }
  PUT_LIT(sb, "\n      \"fullUrl\": \"urn:uuid:");
  infuse__sb_putn(sb, uuid, UUID_LEN);
  PUT_LIT(sb, "\",\n      \"resource\": {"
              "\n        \"resourceType\": \"MedicationRequest\","
              "\n        \"id\": \"");
  infuse__sb_putn(sb, uuid, UUID_LEN);
  PUT_LIT(sb, "\",\n        \"text\": {"
              "\n          \"status\": \"generated\","
              "\n          \"div\": \"<div "
              "xmlns=\\\"http://www.w3.org/1999/xhtml\\\"><p>");
  infuse__sb_putn(sb, text, text_len);
  PUT_LIT(sb, "</p></div>\""
              "\n        },"
              "\n        \"status\": \"draft\","
              "\n        \"intent\": \"order\","
              "\n        \"medicationCodeableConcept\": {"
              "\n          \"coding\": ["
              "\n            {"
              "\n              \"system\": "
              "\"http://www.nlm.nih.gov/research/umls/rxnorm\","
              "\n              \"code\": \"6130\","
              "\n              \"display\": \"ketamine\""
              "\n            }"
              "\n          ],"
              "\n          \"text\": \"ketamine\""
              "\n        },"
              "\n        \"subject\": {"
              "\n          \"reference\": \"");
  put_text(sb, c->patient, c->patient_len, c->patient_plain);
  PUT_LIT(sb, "\"\n        },"
              "\n        \"authoredOn\": \"");
  infuse__sb_putn(sb, c->instant, INSTANT_LEN);
  PUT_LIT(sb, "\",\n        \"groupIdentifier\": {"
              "\n          \"value\": \"");
  put_text(sb, c->course, c->course_len, c->course_plain);
  PUT_LIT(sb, "\"\n        },");
  if (c->note_len > 0) {
    PUT_LIT(sb, "\n        \"note\": ["
                "\n          {"
                "\n            \"text\": \"");
    infuse__sb_putn(sb, c->note, c->note_len);
    PUT_LIT(sb, "\"\n          }"
                "\n        ],");
  }
  PUT_LIT(sb, "\n        \"dosageInstruction\": ["
              "\n          {"
              "\n            \"text\": \"");
  infuse__sb_putn(sb, text, text_len);
  PUT_LIT(sb, "\",\n            \"timing\": {"
              "\n              \"event\": [");
  /* one item per session: ",\n" + 16 spaces + "\"YYYY-MM-DD\"" */
  char item[] = ",\n                \"YYYY-MM-DD\"";
  const size_t item_len = sizeof item - 1;
  const size_t date_at = item_len - 1 - DATE_LEN;
  if (measuring(sb)) {
    sb->len += run->count * item_len - 1;
  } else {
    for (size_t i = 0; i < run->count; i++) {
      if (i == 0) {
        memcpy(item + date_at, first, DATE_LEN);
      } else if (i == run->count - 1) {
        memcpy(item + date_at, last, DATE_LEN);
      } else {
        format_date(item + date_at, s[i].date);
      }
      if (i == 0) {
        infuse__sb_putn(sb, item + 1, item_len - 1);
      } else {
        infuse__sb_putn(sb, item, item_len);
      }
    }
  }
  PUT_LIT(sb, "\n              ],"
              "\n              \"repeat\": {"
              "\n                \"boundsPeriod\": {"
              "\n                  \"start\": \"");
  infuse__sb_putn(sb, first, DATE_LEN);
  PUT_LIT(sb, "\",\n                  \"end\": \"");
  infuse__sb_putn(sb, last, DATE_LEN);
  PUT_LIT(sb, "\"\n                },"
              "\n                \"count\": ");
  put_uint(sb, run->count);
  if (c->pump) {
    PUT_LIT(sb, ",\n                \"duration\": ");
    put_int(sb, c->duration);
    PUT_LIT(sb, ",\n                \"durationUnit\": \"");
    infuse__sb_puts(sb, c->duration_unit);
    infuse__sb_putc(sb, '"');
  }
  if (run->frequency > 0) {
    PUT_LIT(sb, ",\n                \"frequency\": ");
    put_int(sb, run->frequency);
    PUT_LIT(sb, ",\n                \"period\": ");
    put_int(sb, run->period);
    PUT_LIT(sb, ",\n                \"periodUnit\": \"");
    infuse__sb_puts(sb, run->period_unit);
    infuse__sb_putc(sb, '"');
  }
  PUT_LIT(sb, "\n              }"
              "\n            },"
              "\n            \"route\": {"
              "\n              \"coding\": ["
              "\n                {"
              "\n                  \"system\": \"http://snomed.info/sct\","
              "\n                  \"code\": \"47625008\","
              "\n                  \"display\": \"Intravenous route\""
              "\n                }"
              "\n              ]"
              "\n            }");
  if (c->x->result != NULL) {
    PUT_LIT(sb, ",\n            \"doseAndRate\": ["
                "\n              {"
                "\n                \"type\": {"
                "\n                  \"coding\": ["
                "\n                    {"
                "\n                      \"system\": "
                "\"http://terminology.hl7.org/CodeSystem/dose-rate-type\","
                "\n                      \"code\": \"calculated\","
                "\n                      \"display\": \"Calculated\""
                "\n                    }"
                "\n                  ]"
                "\n                },"
                "\n                \"doseQuantity\": {"
                "\n                  \"value\": ");
    infuse__sb_putn(sb, c->dose, c->dose_len);
    PUT_LIT(sb, ",\n                  \"unit\": \"mg\","
                "\n                  \"system\": \"http://unitsofmeasure.org\","
                "\n                  \"code\": \"mg\""
                "\n                }");
    if (c->pump) {
      PUT_LIT(sb, ",\n                \"rateQuantity\": {"
                  "\n                  \"value\": ");
      infuse__sb_putn(sb, c->rate, c->rate_len);
      PUT_LIT(sb,
              ",\n                  \"unit\": \"mL/h\","
              "\n                  \"system\": \"http://unitsofmeasure.org\","
              "\n                  \"code\": \"mL/h\""
              "\n                }");
    }
    PUT_LIT(sb, "\n              }"
                "\n            ]");
  }
  PUT_LIT(sb, "\n          }"
              "\n        ]"
              "\n      }"
              "\n    }");
}

static void render_fhir(infuse__sb_t *sb, const void *what) {
  const fhir_ctx_t *c = what;
  const infuse_course_export_t *x = c->x;
  char uuid[UUID_LEN];
  if (!measuring(sb)) {
    entry_uuid(c, 0, uuid);
  }
  PUT_LIT(sb, "{\n  \"resourceType\": \"Bundle\","
              "\n  \"id\": \"");
  infuse__sb_putn(sb, uuid, UUID_LEN);
  PUT_LIT(sb, "\",\n  \"type\": \"collection\","
              "\n  \"timestamp\": \"");
  infuse__sb_putn(sb, c->instant, INSTANT_LEN);
  PUT_LIT(sb, "\",\n  \"entry\": [");
  int32_t k = 0;
  for (size_t i = 0; i < x->n_sessions;) {
    run_t run = run_at(x, i);
    render_medication_request(sb, c, &run, ++k);
    i += run.count;
  }
  PUT_LIT(sb, "\n  ]\n}\n");
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
  /* The parts every request shares are computed once, for both passes. */
  fhir_ctx_t ctx;
  ctx_init(&ctx, x);
  return infuse__write_twice(render_fhir, &ctx, buf, cap, len);
}
