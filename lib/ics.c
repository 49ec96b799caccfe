/*
 * ics.c - a course plan as iCalendar (RFC 5545): one VCALENDAR, one all-day
 * VEVENT per session.
 *
 * Every content line goes through a small folding writer that counts the
 * octets on the current physical line and, before a unit that would pass
 * 75, starts a continuation line (CRLF and one space). A unit is one ASCII
 * character, one whole UTF-8 sequence or one TEXT escape ("\n", "\;"), so
 * folding never splits a multi-byte character or an escape. Folding and
 * escaping are deterministic, so the measuring pass and the writing pass of
 * infuse__write_twice produce the same octets.
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

/* Append one unit (1..4 octets) that must not be split. */
static void out_unit(ics_out_t *o, const char *s, size_t n) {
  if (o->col + n > ICS_LINE_MAX) {
    infuse__sb_putn(o->sb, "\r\n ", 3);
    o->col = 1;
  }
  infuse__sb_putn(o->sb, s, n);
  o->col += n;
}

/* Append n bytes of one-octet units (ASCII needing no escape) as runs:
 * folding between any two of them is allowed. */
static void out_run(ics_out_t *o, const char *s, size_t n) {
  while (n > 0) {
    if (o->col >= ICS_LINE_MAX) {
      infuse__sb_putn(o->sb, "\r\n ", 3);
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

/* Append ASCII text that needs no escaping (names, numbers, units). */
static void out_ascii(ics_out_t *o, const char *s) { out_run(o, s, strlen(s)); }

static void out_int(ics_out_t *o, int64_t v) {
  char tmp[24];
  infuse__sb_t t;
  infuse__sb_init(&t, tmp, sizeof tmp);
  infuse__sb_int(&t, v);
  infuse__sb_finish(&t);
  out_ascii(o, tmp);
}

/* A quantity as infuse_format shows it ("155.3 mL/h"). */
static void out_quantity(ics_out_t *o, int64_t v, infuse_unit_t unit) {
  char tmp[64];
  infuse__sb_t t;
  infuse__sb_init(&t, tmp, sizeof tmp);
  infuse__put_quantity(&t, v, unit);
  infuse__sb_finish(&t);
  out_ascii(o, tmp);
}

/* Zero-padded decimal digits. */
static void out_digits(ics_out_t *o, int32_t v, int width) {
  char tmp[8];
  for (int i = width - 1; i >= 0; i--) {
    tmp[i] = (char)('0' + v % 10);
    v /= 10;
  }
  tmp[width] = '\0';
  out_ascii(o, tmp);
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
static void out_text(ics_out_t *o, const char *text) {
  const unsigned char *s = (const unsigned char *)text;
  while (*s != '\0') {
    unsigned char c = *s;
    /* a run of printable ASCII that needs no escape goes out at once */
    const unsigned char *run = s;
    while (*s >= 0x20u && *s < 0x7fu && *s != '\\' && *s != ';' && *s != ',') {
      s++;
    }
    if (s != run) {
      out_run(o, (const char *)run, (size_t)(s - run));
      continue;
    }
    if (c == '\\' || c == ';' || c == ',') {
      char esc[2] = {'\\', (char)c};
      out_unit(o, esc, 2);
      s++;
    } else if (c == '\n') {
      out_unit(o, "\\n", 2);
      s++;
    } else if (c < 0x20u || c == 0x7fu) {
      out_unit(o, "?", 1);
      s++;
    } else if (c < 0x80u) {
      out_unit(o, (const char *)s, 1);
      s++;
    } else {
      size_t n = utf8_sequence(s);
      if (n == 0) {
        out_unit(o, "?", 1);
        s++;
      } else {
        out_unit(o, (const char *)s, n);
        s += n;
      }
    }
  }
}

/* End the content line. */
static void out_end(ics_out_t *o) {
  infuse__sb_putn(o->sb, "\r\n", 2);
  o->col = 0;
}

/* A whole content line "NAME:value" whose value needs no escaping. */
static void out_line(ics_out_t *o, const char *name, const char *value) {
  out_ascii(o, name);
  out_unit(o, ":", 1);
  out_ascii(o, value);
  out_end(o);
}

/* ---- values -------------------------------------------------------------- */

/* DATE: YYYYMMDD. The date is in range (checked by infuse__export_check,
 * or by the caller for the day after). */
static void out_date(ics_out_t *o, int32_t date) {
  int32_t y = 0, m = 0, d = 0;
  if (infuse_date_to_ymd(date, &y, &m, &d) != INFUSE_OK) {
    y = m = d = 0; /* not reached: every date is checked before */
  }
  out_digits(o, y, 4);
  out_digits(o, m, 2);
  out_digits(o, d, 2);
}

static bool dtstamp_valid(int64_t t) {
  return t >= (int64_t)INFUSE_DATE_MIN * SECONDS_PER_DAY &&
         t < ((int64_t)INFUSE_DATE_MAX + 1) * SECONDS_PER_DAY;
}

/* DATE-TIME in UTC: YYYYMMDDTHHMMSSZ (the range is checked first). */
static void out_utc(ics_out_t *o, int64_t t) {
  int64_t days = t / SECONDS_PER_DAY;
  int64_t secs = t % SECONDS_PER_DAY;
  if (secs < 0) { /* floor for times before 1970 */
    secs += SECONDS_PER_DAY;
    days -= 1;
  }
  out_date(o, (int32_t)days);
  out_unit(o, "T", 1);
  out_digits(o, (int32_t)(secs / 3600), 2);
  out_digits(o, (int32_t)(secs / 60 % 60), 2);
  out_digits(o, (int32_t)(secs % 60), 2);
  out_unit(o, "Z", 1);
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

static void out_days(ics_out_t *o, int32_t days) {
  out_int(o, days);
  out_ascii(o, days == 1 ? " day" : " days");
}

/* DESCRIPTION: the session, then with a result its dose, pump program,
 * protocol and, when it is not ok, the verdict and its findings. */
static void out_description(ics_out_t *o, const infuse_course_export_t *x,
                            const infuse_session_t *s) {
  const infuse_result_t *r = x->result;
  out_ascii(o, "DESCRIPTION:Session ");
  out_int(o, s->index);
  out_ascii(o, " of ");
  out_int(o, (int64_t)x->n_sessions);
  out_ascii(o, " (");
  out_ascii(o, infuse_phase_name((int)s->phase));
  out_ascii(o, ")");
  if (s->index > 1) {
    out_ascii(o, "\\, ");
    out_days(o, s->interval_days);
    out_ascii(o, " after the previous session");
  }
  if (s->moved_days > 0) {
    out_ascii(o, "\\; moved ");
    out_days(o, s->moved_days);
    out_ascii(o, " later to an open clinic day");
  }
  out_ascii(o, ".");
  if (r != NULL) {
    out_ascii(o, "\\nDose: ");
    out_quantity(o, r->dose_ng, INFUSE_UNIT_NG);
    if (r->has_pump && r->delivered_dose_ng != r->dose_ng) {
      out_ascii(o, " (delivered ");
      out_quantity(o, r->delivered_dose_ng, INFUSE_UNIT_NG);
      out_ascii(o, ")");
    }
    out_ascii(o, ".");
    if (r->has_pump) {
      out_ascii(o, "\\nPump: rate ");
      out_quantity(o, r->rate_ul_per_h, INFUSE_UNIT_UL_PER_H);
      out_ascii(o, "\\, VTBI ");
      out_quantity(o, r->vtbi_ul, INFUSE_UNIT_UL);
      out_ascii(o, "\\, duration ");
      out_quantity(o, r->duration_s, INFUSE_UNIT_S);
      if (r->actual_duration_ms != r->duration_s * 1000) {
        out_ascii(o, " (");
        out_quantity(o, r->actual_duration_ms, INFUSE_UNIT_MS);
        out_ascii(o, " at the programmed rate)");
      }
      out_ascii(o, ".");
    }
    out_ascii(o, "\\nProtocol: ");
    out_text(o, r->protocol_id);
    out_ascii(o, " version ");
    out_text(o, r->protocol_version);
    out_ascii(o, ".");
    if (r->verdict != INFUSE_VERDICT_OK) {
      out_ascii(o, "\\nVerdict: ");
      out_ascii(o, infuse_verdict_name((int)r->verdict));
      int n = r->n_findings;
      if (n > INFUSE_MAX_FINDINGS) {
        n = INFUSE_MAX_FINDINGS;
      }
      for (int i = 0; i < n; i++) {
        const infuse_finding_t *f = &r->findings[i];
        out_ascii(o, i == 0 ? "\\; findings: " : "\\, ");
        out_ascii(o, infuse_finding_name((int)f->code));
        out_ascii(o, " (");
        out_ascii(o, infuse_severity_name((int)f->severity));
        if (f->acknowledged) {
          out_ascii(o, "\\, acknowledged");
        }
        out_ascii(o, ")");
      }
      out_ascii(o, ". Review before use.");
    }
  }
  out_end(o);
}

static void render_ics(infuse__sb_t *sb, const void *what) {
  const infuse_course_export_t *x = what;
  ics_out_t o = {sb, 0};
  ics_names_t names = names_of(x->result);
  const char *domain = x->uid_domain != NULL ? x->uid_domain : "infuse.invalid";

  out_line(&o, "BEGIN", "VCALENDAR");
  out_line(&o, "VERSION", "2.0");
  out_line(&o, "PRODID", "-//infuse//infuse " INFUSE_VERSION_STRING "//EN");
  out_line(&o, "CALSCALE", "GREGORIAN");
  /* No METHOD: a plain calendar file, not an iTIP message (RFC 5546's
   * PUBLISH would require an ORGANIZER the library does not have). */
  for (size_t i = 0; i < x->n_sessions; i++) {
    const infuse_session_t *s = &x->sessions[i];
    const char *phase = infuse_phase_name((int)s->phase);
    out_line(&o, "BEGIN", "VEVENT");

    out_ascii(&o, "UID:");
    out_ascii(&o, x->course_id);
    out_unit(&o, "-", 1);
    out_int(&o, s->index);
    out_unit(&o, "@", 1);
    out_text(&o, domain);
    out_end(&o);

    out_ascii(&o, "DTSTAMP:");
    out_utc(&o, x->dtstamp);
    out_end(&o);

    out_ascii(&o, "DTSTART;VALUE=DATE:");
    out_date(&o, s->date);
    out_end(&o);
    /* The day after is the exclusive end of an all-day event; for a session
     * on the last representable day it is left out, which RFC 5545 reads
     * as the same one-day event. */
    if (s->date < INFUSE_DATE_MAX) {
      out_ascii(&o, "DTEND;VALUE=DATE:");
      out_date(&o, s->date + 1);
      out_end(&o);
    }

    out_ascii(&o, "SUMMARY:");
    if (names.drug[0] != '\0') {
      out_text(&o, names.drug);
      out_ascii(&o, names.oral ? " dose " : " infusion ");
    } else {
      out_ascii(&o, "Infusion session ");
    }
    out_int(&o, s->index);
    out_ascii(&o, " of ");
    out_int(&o, (int64_t)x->n_sessions);
    out_ascii(&o, " (");
    out_ascii(&o, phase);
    out_ascii(&o, ")");
    out_end(&o);

    out_description(&o, x, s);
    out_line(&o, "CATEGORIES", phase);
    out_line(&o, "TRANSP", "OPAQUE");
    out_line(&o, "END", "VEVENT");
  }
  out_line(&o, "END", "VCALENDAR");
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
