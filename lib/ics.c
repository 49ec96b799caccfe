/*
 * ics.c - a course plan as iCalendar (RFC 5545): one VCALENDAR, one all-day
 * VEVENT per session.
 *
 * Every content line goes through a small folding writer that counts the
 * octets on the current physical line and, before a unit that would pass
 * 75, starts a continuation line (CRLF and one space). A unit is one ASCII
 * character, one whole UTF-8 sequence or one TEXT escape ("\n", "\;"), so
 * folding never splits a multi-byte character or an escape of escaped
 * text. (The library's own fixed words, such as "\, VTBI", go out as
 * one-octet units.) Folding and escaping are deterministic, so the
 * measuring pass and the writing pass of infuse__write_twice produce the
 * same octets.
 *
 * What every VEVENT repeats (the end of the UID, the start of the SUMMARY,
 * the DESCRIPTION from the dose on, DTSTAMP) is formatted once per render
 * into a local "piece" that remembers which octets continue a unit, and is
 * folded where it is used: folding is greedy and only the column carries
 * over, so a piece folds as its text would have. A piece too long for its
 * buffer is rendered again at each use instead.
 */
#include "internal.h"

#include <string.h>

#define ICS_LINE_MAX 75 /* octets per physical line, without the CRLF */

#define SECONDS_PER_DAY INT64_C(86400)

/* ---- the folding line writer --------------------------------------------- */

typedef struct ics_out {
  infuse__sb_t *sb;
  size_t col; /* octets on the current physical line */
} ics_out_t;

/* Append a string literal unfolded (text known to fit, or ending lines). */
#define OUT_LIT(o, lit) infuse__sb_putn((o)->sb, (lit), sizeof(lit) - 1)

/* Append one unit (1..4 octets) that must not be split. */
static void out_unit(ics_out_t *o, const char *s, size_t n) {
  if (o->col + n > ICS_LINE_MAX) {
    OUT_LIT(o, "\r\n ");
    o->col = 1;
  }
  infuse__sb_putn(o->sb, s, n);
  o->col += n;
}

/* out_run when the run does not fit on the current physical line. */
static void out_run_fold(ics_out_t *o, const char *s, size_t n) {
  while (n > 0) {
    if (o->col >= ICS_LINE_MAX) {
      OUT_LIT(o, "\r\n ");
      o->col = 1;
    }
    size_t k = ICS_LINE_MAX - o->col;
    if (k > n) {
      k = n;
    }
    infuse__sb_putn(o->sb, s, k);
    o->col += k;
    s += k;
    n -= k;
  }
}

/* Append n bytes of one-octet units (ASCII needing no escape) as runs:
 * folding between any two of them is allowed. */
static inline void out_run(ics_out_t *o, const char *s, size_t n) {
  if (o->col + n <= ICS_LINE_MAX) {
    infuse__sb_putn(o->sb, s, n);
    o->col += n;
  } else {
    out_run_fold(o, s, n);
  }
}

/* ---- pieces: text formatted once per render, folded where it is used ------
 */

/* A piece holds already-escaped octets and a bitmap of the octets that
 * continue a unit (no fold before them). Text that does not fit sets
 * overflow; such a piece is then rendered straight through the folding
 * writer at each use instead (direct != NULL). */
typedef struct ics_piece {
  ics_out_t *direct; /* non-NULL: write through here instead */
  char *text;
  unsigned char *cont; /* bit i: octet i continues a unit */
  size_t cap;
  size_t len;
  bool atoms; /* some bit of cont is set */
  bool overflow;
} ics_piece_t;

static void piece_init(ics_piece_t *p, char *text, unsigned char *cont,
                       size_t cap) {
  p->direct = NULL;
  p->text = text;
  p->cont = cont;
  p->cap = cap;
  p->len = 0;
  p->atoms = false;
  p->overflow = false;
  memset(cont, 0, cap / 8 + 1);
}

static void piece_direct(ics_piece_t *p, ics_out_t *o) {
  memset(p, 0, sizeof *p);
  p->direct = o;
}

/* Append one-octet units. */
static void pc_run(ics_piece_t *p, const char *s, size_t n) {
  if (p->direct != NULL) {
    out_run(p->direct, s, n);
  } else if (n > p->cap - p->len) {
    p->overflow = true;
  } else {
    memcpy(p->text + p->len, s, n);
    p->len += n;
  }
}

#define PC_LIT(p, lit) pc_run((p), (lit), sizeof(lit) - 1)

static void pc_ascii(ics_piece_t *p, const char *s) { pc_run(p, s, strlen(s)); }

/* Append one unit of n octets that must not be split. */
static void pc_unit(ics_piece_t *p, const char *s, size_t n) {
  if (p->direct != NULL) {
    out_unit(p->direct, s, n);
  } else if (n > p->cap - p->len) {
    p->overflow = true;
  } else {
    memcpy(p->text + p->len, s, n);
    for (size_t i = 1; i < n; i++) {
      size_t at = p->len + i;
      p->cont[at / 8] = (unsigned char)(p->cont[at / 8] | (1u << (at % 8)));
      p->atoms = true;
    }
    p->len += n;
  }
}

/* Emit a finished piece through the folding writer. */
static void out_piece(ics_out_t *o, const ics_piece_t *p) {
  const char *s = p->text;
  size_t at = 0;
  for (;;) {
    size_t left = p->len - at;
    size_t room = ICS_LINE_MAX - o->col;
    if (left <= room) {
      infuse__sb_putn(o->sb, s + at, left);
      o->col += left;
      return;
    }
    size_t k = at + room; /* the unit holding octet k does not fit */
    if (p->atoms) {
      while (k > at && ((unsigned)p->cont[k / 8] >> (k % 8) & 1u) != 0) {
        k--;
      }
    }
    infuse__sb_putn(o->sb, s + at, k - at);
    OUT_LIT(o, "\r\n ");
    o->col = 1;
    at = k;
  }
}

/* A piece as last folded: the octets out_piece wrote starting at column
 * from_col, and the column it left. */
typedef struct ics_folded {
  char *text;
  size_t cap;
  size_t len;
  size_t from_col;
  size_t to_col;
  bool valid;
} ics_folded_t;

/* out_piece through the folded copy: the same octets, folded once for
 * each starting column in a row. */
static void out_piece_cached(ics_out_t *o, const ics_piece_t *p,
                             ics_folded_t *f) {
  if (!f->valid || f->from_col != o->col) {
    infuse__sb_t t;
    infuse__sb_init(&t, f->text, f->cap);
    ics_out_t fo = {&t, o->col};
    out_piece(&fo, p);
    if (t.len >= f->cap) { /* too long to keep: fold it each time */
      f->valid = false;
      out_piece(o, p);
      return;
    }
    f->len = t.len;
    f->from_col = o->col;
    f->to_col = fo.col;
    f->valid = true;
  }
  infuse__sb_putn(o->sb, f->text, f->len);
  o->col = f->to_col;
}

/* A quantity as infuse_format shows it ("155.3 mL/h"). */
static void pc_quantity(ics_piece_t *p, int64_t v, infuse_unit_t unit) {
  char tmp[64];
  infuse__sb_t t;
  infuse__sb_init(&t, tmp, sizeof tmp);
  infuse__put_quantity(&t, v, unit);
  size_t n = infuse__sb_finish(&t);
  pc_run(p, tmp, n < sizeof tmp ? n : sizeof tmp - 1);
}

/* Decimal digits of v at the end of tmp; returns the first. */
static char *fmt_int(char tmp[24], int64_t v) {
  char *e = tmp + 24;
  uint64_t u = v < 0 ? (uint64_t)0 - (uint64_t)v : (uint64_t)v;
  do {
    *--e = (char)('0' + (int)(u % 10u));
    u /= 10u;
  } while (u != 0);
  if (v < 0) {
    *--e = '-';
  }
  return e;
}

/* The length of the valid UTF-8 sequence starting at s (1..4), or 0 when
 * the bytes there are not one (overlong forms, surrogates, above U+10FFFF,
 * a stray continuation byte, a cut sequence). */
static size_t utf8_sequence(const unsigned char *s) {
  unsigned char c = s[0];
  size_t n;
  unsigned char lo = 0x80u, hi = 0xbfu; /* range of the second byte */
  if (c >= 0xc2u && c <= 0xdfu) {
    n = 2;
  } else if (c >= 0xe0u && c <= 0xefu) {
    n = 3;
    if (c == 0xe0u) {
      lo = 0xa0u;
    } else if (c == 0xedu) {
      hi = 0x9fu;
    }
  } else if (c >= 0xf0u && c <= 0xf4u) {
    n = 4;
    if (c == 0xf0u) {
      lo = 0x90u;
    } else if (c == 0xf4u) {
      hi = 0x8fu;
    }
  } else {
    return 0;
  }
  if (s[1] < lo || s[1] > hi) {
    return 0;
  }
  for (size_t i = 2; i < n; i++) {
    if ((s[i] & 0xc0u) != 0x80u) {
      return 0;
    }
  }
  return n;
}

/* Append a TEXT value (RFC 5545 3.3.11): backslash, semicolon and comma
 * are escaped with a backslash, a newline becomes "\n"; other control
 * characters and bytes that are not valid UTF-8 become '?'. */
static void pc_text(ics_piece_t *p, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  while (*s != '\0') {
    unsigned char c = *s;
    /* a run of printable ASCII that needs no escape goes out at once */
    const unsigned char *run = s;
    while (*s >= 0x20u && *s < 0x7fu && *s != '\\' && *s != ';' && *s != ',') {
      s++;
    }
    if (s != run) {
      pc_run(p, (const char *)run, (size_t)(s - run));
      continue;
    }
    if (c == '\\' || c == ';' || c == ',') {
      char esc[2] = {'\\', (char)c};
      pc_unit(p, esc, 2);
      s++;
    } else if (c == '\n') {
      pc_unit(p, "\\n", 2);
      s++;
    } else if (c < 0x20u || c == 0x7fu) {
      pc_unit(p, "?", 1);
      s++;
    } else if (c < 0x80u) {
      pc_unit(p, (const char *)s, 1);
      s++;
    } else {
      size_t n = utf8_sequence(s);
      if (n == 0) {
        pc_unit(p, "?", 1);
        s++;
      } else {
        pc_unit(p, (const char *)s, n);
        s += n;
      }
    }
  }
}

/* ---- values -------------------------------------------------------------- */

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

static void put2(char *t, int32_t v) {
  memcpy(t, digit_pairs + (ptrdiff_t)2 * v, 2);
}

/* Civil date of a day number (the calendar's era arithmetic; the date is
 * in range, checked by infuse__export_check or by the caller). */
static void civil(int32_t z, int32_t *y, int32_t *m, int32_t *d) {
  z += 719468;
  int32_t era = (z >= 0 ? z : z - 146096) / 146097;
  int32_t doe = z - era * 146097;
  int32_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  int32_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  int32_t mp = (5 * doy + 2) / 153;
  *d = doy - (153 * mp + 2) / 5 + 1;
  *m = mp < 10 ? mp + 3 : mp - 9;
  *y = yoe + era * 400 + (*m <= 2 ? 1 : 0);
}

/* A civil date and its day number, stepped forward a few days at a time
 * for sessions in order instead of converted from scratch. */
typedef struct ics_day {
  int32_t date, y, m, d;
} ics_day_t;

static int32_t month_days(int32_t y, int32_t m) {
  static const int8_t days[12] = {31, 28, 31, 30, 31, 30,
                                  31, 31, 30, 31, 30, 31};
  if (m == 2 && y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) {
    return 29;
  }
  return days[m - 1];
}

static void day_set(ics_day_t *c, int32_t date) {
  int64_t delta = (int64_t)date - c->date;
  if (delta < 0 || delta > 62) {
    c->date = date;
    civil(date, &c->y, &c->m, &c->d);
    return;
  }
  c->date = date;
  c->d += (int32_t)delta;
  for (int32_t n = month_days(c->y, c->m); c->d > n;
       n = month_days(c->y, c->m)) {
    c->d -= n;
    if (++c->m > 12) {
      c->m = 1;
      c->y++;
    }
  }
}

/* YYYYMMDD into t[0..7]. */
static void put_ymd(char *t, int32_t y, int32_t m, int32_t d) {
  put2(t, y / 100);
  put2(t + 2, y % 100);
  put2(t + 4, m);
  put2(t + 6, d);
}

static bool dtstamp_valid(int64_t t) {
  return t >= (int64_t)INFUSE_DATE_MIN * SECONDS_PER_DAY &&
         t < ((int64_t)INFUSE_DATE_MAX + 1) * SECONDS_PER_DAY;
}

/* DATE-TIME in UTC: YYYYMMDDTHHMMSSZ into t[0..15] (the range is checked
 * first). */
static void put_utc(char *t, int64_t ts) {
  int64_t days = ts / SECONDS_PER_DAY;
  int64_t secs = ts % SECONDS_PER_DAY;
  if (secs < 0) { /* floor for times before 1970 */
    secs += SECONDS_PER_DAY;
    days -= 1;
  }
  int32_t y, m, d;
  civil((int32_t)days, &y, &m, &d);
  put_ymd(t, y, m, d);
  t[8] = 'T';
  put2(t + 9, (int32_t)(secs / 3600));
  put2(t + 11, (int32_t)(secs / 60 % 60));
  put2(t + 13, (int32_t)(secs % 60));
  t[15] = 'Z';
}

/* What the sessions are called: the drug of the built-in protocol the
 * result was computed with (same id and version), else nothing known. */
typedef struct ics_names {
  char drug[INFUSE_PROTOCOL_DRUG_MAX]; /* "" when unknown */
  bool oral;
} ics_names_t;

static ics_names_t names_of(const infuse_result_t *r) {
  ics_names_t n;
  memset(&n, 0, sizeof n);
  if (r == NULL) {
    return n;
  }
  for (size_t i = 0; i < infuse_protocol_count(); i++) {
    infuse_protocol_t p;
    if (infuse_protocol_at(i, &p) == INFUSE_OK &&
        strcmp(p.id, r->protocol_id) == 0 &&
        strcmp(p.version, r->protocol_version) == 0) {
      memcpy(n.drug, p.drug, sizeof n.drug);
      n.drug[sizeof n.drug - 1] = '\0';
      if (n.drug[0] >= 'a' && n.drug[0] <= 'z') {
        n.drug[0] = (char)(n.drug[0] - 'a' + 'A');
      }
      n.oral = p.route == INFUSE_ROUTE_ORAL;
      break;
    }
  }
  return n;
}

/* The same for every session: the DESCRIPTION after the session's own
 * words, from the full stop on: with a result its dose, pump program,
 * protocol and, when it is not ok, the verdict and its findings. */
static void build_tail(ics_piece_t *p, const infuse_result_t *r) {
  PC_LIT(p, ".");
  if (r == NULL) {
    return;
  }
  PC_LIT(p, "\\nDose: ");
  pc_quantity(p, r->dose_ng, INFUSE_UNIT_NG);
  if (r->has_pump && r->delivered_dose_ng != r->dose_ng) {
    PC_LIT(p, " (delivered ");
    pc_quantity(p, r->delivered_dose_ng, INFUSE_UNIT_NG);
    PC_LIT(p, ")");
  }
  PC_LIT(p, ".");
  if (r->has_pump) {
    PC_LIT(p, "\\nPump: rate ");
    pc_quantity(p, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H);
    PC_LIT(p, "\\, VTBI ");
    pc_quantity(p, r->vtbi_ul, INFUSE_UNIT_UL);
    PC_LIT(p, "\\, duration ");
    pc_quantity(p, r->duration_s, INFUSE_UNIT_S);
    if (r->actual_duration_ms != r->duration_s * 1000) {
      PC_LIT(p, " (");
      pc_quantity(p, r->actual_duration_ms, INFUSE_UNIT_MS);
      PC_LIT(p, " at the programmed rate)");
    }
    PC_LIT(p, ".");
  }
  PC_LIT(p, "\\nProtocol: ");
  pc_text(p, r->protocol_id);
  PC_LIT(p, " version ");
  pc_text(p, r->protocol_version);
  PC_LIT(p, ".");
  if (r->verdict != INFUSE_VERDICT_OK) {
    PC_LIT(p, "\\nVerdict: ");
    pc_ascii(p, infuse_verdict_name((int)r->verdict));
    int n = r->n_findings;
    if (n > INFUSE_MAX_FINDINGS) {
      n = INFUSE_MAX_FINDINGS;
    }
    for (int i = 0; i < n; i++) {
      const infuse_finding_t *f = &r->findings[i];
      if (i == 0) {
        PC_LIT(p, "\\; findings: ");
      } else {
        PC_LIT(p, "\\, ");
      }
      pc_ascii(p, infuse_finding_name((int)f->code));
      PC_LIT(p, " (");
      pc_ascii(p, infuse_severity_name((int)f->severity));
      if (f->acknowledged) {
        PC_LIT(p, "\\, acknowledged");
      }
      PC_LIT(p, ")");
    }
    PC_LIT(p, ". Review before use.");
  }
}

/* "SUMMARY:" and the words before the session number. */
static void build_summary(ics_piece_t *p, const ics_names_t *names) {
  PC_LIT(p, "SUMMARY:");
  if (names->drug[0] != '\0') {
    pc_text(p, names->drug);
    if (names->oral) {
      PC_LIT(p, " dose ");
    } else {
      PC_LIT(p, " infusion ");
    }
  } else {
    PC_LIT(p, "Infusion session ");
  }
}

/* "@" and the escaped domain, the end of a UID. */
static void build_uid_tail(ics_piece_t *p, const char *domain) {
  PC_LIT(p, "@");
  pc_text(p, domain);
}

/* Decimal text of v at w (room for 11 octets); returns the end. */
static inline char *w_int(char *w, int32_t v) {
  if (v >= 0 && v < 10) {
    *w = (char)('0' + v);
    return w + 1;
  }
  if (v >= 10 && v < 100) {
    memcpy(w, digit_pairs + (ptrdiff_t)2 * v, 2);
    return w + 2;
  }
  char tmp[24];
  char *b = fmt_int(tmp, v);
  size_t n = (size_t)(tmp + sizeof tmp - b);
  memcpy(w, b, n);
  return w + n;
}

#define W_LIT(w, lit)                                                          \
  (memcpy((w), (lit), sizeof(lit) - 1), (w) += sizeof(lit) - 1)

static char *w_days(char *w, int32_t days) {
  w = w_int(w, days);
  if (days == 1) {
    W_LIT(w, " day");
  } else {
    W_LIT(w, " days");
  }
  return w;
}

/* Text of up to PAD_MAX octets, kept in PAD_MAX + 8 bytes so that it can
 * be copied as a whole block. */
#define PAD_MAX 24
typedef struct ics_pad {
  size_t len;
  char text[PAD_MAX + 8];
} ics_pad_t;

/* What a session is: "3 of 24 (induction)", and with detail its interval
 * and any move, for the SUMMARY and the DESCRIPTION. One-octet units. A
 * phase name longer than PAD_MAX goes out on its own (phase_pad NULL). */
static void out_words(ics_out_t *o, const infuse_session_t *s,
                      const ics_pad_t *n_pad, const ics_pad_t *phase_pad,
                      const char *phase, size_t phase_len, bool detail) {
  /* 11 + 4 + 32 + 2, a phase copied as 32, then at most 100 */
  char ln[184];
  char *w = w_int(ln, s->index);
  W_LIT(w, " of ");
  memcpy(w, n_pad->text, sizeof n_pad->text);
  w += n_pad->len;
  W_LIT(w, " (");
  if (phase_pad != NULL) {
    memcpy(w, phase_pad->text, sizeof phase_pad->text);
    w += phase_pad->len;
  } else {
    out_run(o, ln, (size_t)(w - ln));
    out_run(o, phase, phase_len);
    w = ln;
  }
  *w++ = ')';
  if (detail) {
    if (s->index > 1) {
      W_LIT(w, "\\, ");
      w = w_days(w, s->interval_days);
      W_LIT(w, " after the previous session");
    }
    if (s->moved_days > 0) {
      W_LIT(w, "\\; moved ");
      w = w_days(w, s->moved_days);
      W_LIT(w, " later to an open clinic day");
    }
  }
  out_run(o, ln, (size_t)(w - ln));
}

static void pad_set(ics_pad_t *p, const char *s, size_t n) {
  memset(p->text, 0, sizeof p->text);
  memcpy(p->text, s, n);
  p->len = n;
}

/* Sizes of the per-render buffers: enough for everything but unusually
 * long verdicts or domains, which are rendered at each use instead. */
#define TAIL_CAP 640
#define UID_CAP 288
#define SUMMARY_CAP 128
/* Room for a piece folded: 3 octets more per 74. */
#define FOLDED_CAP(n) ((n) + (n) / 24 + 8)

/* Per-render constants shared by every VEVENT. */
typedef struct ics_render {
  ics_piece_t tail, uid, summary;
  char tail_text[TAIL_CAP];
  char uid_text[UID_CAP];
  char summary_text[SUMMARY_CAP];
  unsigned char tail_cont[TAIL_CAP / 8 + 1];
  unsigned char uid_cont[UID_CAP / 8 + 1];
  unsigned char summary_cont[SUMMARY_CAP / 8 + 1];
  ics_folded_t tail_f, uid_f, summary_f;
  char tail_folded[FOLDED_CAP(TAIL_CAP)];
  char uid_folded[FOLDED_CAP(UID_CAP)];
  char summary_folded[FOLDED_CAP(SUMMARY_CAP)];
  /* "\r\nDTSTAMP:...Z\r\nDTSTART;VALUE=DATE:YYYYMMDD\r\n"
   * "DTEND;VALUE=DATE:YYYYMMDD\r\n" */
  char dates[84];
} ics_render_t;

#define DATES_START 47 /* offset of the DTSTART digits in dates */
#define DATES_END 74   /* offset of the DTEND digits in dates */

static void folded_init(ics_folded_t *f, char *text, size_t cap) {
  f->text = text;
  f->cap = cap;
  f->len = 0;
  f->from_col = 0;
  f->to_col = 0;
  f->valid = false;
}

static void render_ics(infuse__sb_t *sb, const void *what) {
  const infuse_course_export_t *x = what;
  ics_out_t o = {sb, 0};
  ics_names_t names = names_of(x->result);
  const char *domain = x->uid_domain != NULL ? x->uid_domain : "infuse.invalid";
  ics_render_t c;
  const bool measuring = sb->cap == 0;

  piece_init(&c.tail, c.tail_text, c.tail_cont, TAIL_CAP);
  build_tail(&c.tail, x->result);
  piece_init(&c.uid, c.uid_text, c.uid_cont, UID_CAP);
  build_uid_tail(&c.uid, domain);
  piece_init(&c.summary, c.summary_text, c.summary_cont, SUMMARY_CAP);
  build_summary(&c.summary, &names);
  folded_init(&c.tail_f, c.tail_folded, sizeof c.tail_folded);
  folded_init(&c.uid_f, c.uid_folded, sizeof c.uid_folded);
  folded_init(&c.summary_f, c.summary_folded, sizeof c.summary_folded);

  memcpy(c.dates, "\r\nDTSTAMP:", 10);
  put_utc(c.dates + 10, x->dtstamp);
  memcpy(c.dates + 26, "\r\nDTSTART;VALUE=DATE:", 21);
  memcpy(c.dates + 55, "\r\nDTEND;VALUE=DATE:", 19);
  memcpy(c.dates + 82, "\r\n", 2);

  const char *course_id = x->course_id;
  size_t course_id_len = strlen(course_id);
  char nbuf[24];
  const char *n_text = fmt_int(nbuf, (int64_t)x->n_sessions);
  ics_pad_t n_pad; /* at most 20 digits */
  pad_set(&n_pad, n_text, (size_t)(nbuf + sizeof nbuf - n_text));

  /* a valid start (day 0 is 1970-01-01), so that day_set never reads an
   * unset month; sessions more than 62 days on convert from scratch */
  ics_day_t day = {0, 1970, 1, 1};
  infuse_phase_t phase_of = x->sessions[0].phase;
  const char *phase = infuse_phase_name((int)phase_of);
  size_t phase_len = strlen(phase);
  ics_pad_t phase_pad;
  if (phase_len <= PAD_MAX) {
    pad_set(&phase_pad, phase, phase_len);
  }

  OUT_LIT(&o, "BEGIN:VCALENDAR\r\n"
              "VERSION:2.0\r\n"
              "PRODID:-//infuse//infuse " INFUSE_VERSION_STRING "//EN\r\n"
              "CALSCALE:GREGORIAN\r\n");
  /* No METHOD: a plain calendar file, not an iTIP message (RFC 5546's
   * PUBLISH would require an ORGANIZER the library does not have). */
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    if (s->phase != phase_of) {
      phase_of = s->phase;
      phase = infuse_phase_name((int)s->phase);
      phase_len = strlen(phase);
      if (phase_len <= PAD_MAX) {
        pad_set(&phase_pad, phase, phase_len);
      }
    }
    const ics_pad_t *pp = phase_len <= PAD_MAX ? &phase_pad : NULL;

    OUT_LIT(&o, "BEGIN:VEVENT\r\nUID:");
    o.col = 4;
    out_run(&o, course_id, course_id_len);
    {
      char t[12] = {'-'};
      out_run(&o, t, (size_t)(w_int(t + 1, s->index) - t));
    }
    if (c.uid.overflow) {
      ics_piece_t d;
      piece_direct(&d, &o);
      build_uid_tail(&d, domain);
    } else {
      out_piece_cached(&o, &c.uid, &c.uid_f);
    }

    /* DTSTAMP, DTSTART and DTEND; the day after is the exclusive end of an
     * all-day event; for a session on the last representable day it is
     * left out, which RFC 5545 reads as the same one-day event. */
    bool has_end = s->date < INFUSE_DATE_MAX;
    if (measuring) { /* the digits are always 8: only the length counts */
      sb->len += has_end ? sizeof c.dates : DATES_START + 8 + 2;
    } else {
      day_set(&day, s->date);
      put_ymd(c.dates + DATES_START, day.y, day.m, day.d);
      if (has_end) {
        ics_day_t next = day;
        day_set(&next, s->date + 1);
        put_ymd(c.dates + DATES_END, next.y, next.m, next.d);
        infuse__sb_putn(sb, c.dates, sizeof c.dates);
      } else {
        infuse__sb_putn(sb, c.dates, DATES_START + 8 + 2);
      }
    }
    o.col = 0;

    if (c.summary.overflow) {
      ics_piece_t dp;
      piece_direct(&dp, &o);
      build_summary(&dp, &names);
    } else {
      out_piece_cached(&o, &c.summary, &c.summary_f);
    }
    out_words(&o, s, &n_pad, pp, phase, phase_len, false);

    OUT_LIT(&o, "\r\nDESCRIPTION:Session ");
    o.col = 20;
    out_words(&o, s, &n_pad, pp, phase, phase_len, true);
    if (c.tail.overflow) {
      ics_piece_t dp;
      piece_direct(&dp, &o);
      build_tail(&dp, x->result);
    } else {
      out_piece_cached(&o, &c.tail, &c.tail_f);
    }

    OUT_LIT(&o, "\r\nCATEGORIES:");
    o.col = 11;
    out_run(&o, phase, phase_len);
    OUT_LIT(&o, "\r\nTRANSP:OPAQUE\r\nEND:VEVENT\r\n");
    o.col = 0;
  }
  OUT_LIT(&o, "END:VCALENDAR\r\n");
}

int infuse_course_write_ics(const infuse_course_export_t *x, char *buf,
                            size_t cap, size_t *len) {
  if (len == NULL || (buf == NULL && cap != 0)) {
    return INFUSE_E_NULL;
  }
  INFUSE__TRY(infuse__export_check(x, true, false));
  if (!dtstamp_valid(x->dtstamp)) {
    return INFUSE_E_INVALID;
  }
  return infuse__write_twice(render_ics, x, buf, cap, len);
}
