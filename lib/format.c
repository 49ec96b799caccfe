/*
 * format.c - the string builder, decimal display of integer quantities,
 * dimension and unit names, diagnostics.
 *
 * No printf: every digit is produced here from integers, so output does not
 * depend on the locale or on floating point.
 */
#include "internal.h"

#include <string.h>

void infuse__sb_init(infuse__sb_t *sb, char *buf, size_t cap) {
  sb->buf = buf;
  sb->cap = (buf == NULL) ? 0 : cap;
  sb->len = 0;
}

void infuse__sb_putn_slow(infuse__sb_t *sb, const char *s, size_t n) {
  if (sb->cap > 0 && sb->len < sb->cap - 1) {
    size_t room = sb->cap - 1 - sb->len;
    memcpy(sb->buf + sb->len, s, n < room ? n : room);
  }
  sb->len += n;
}

static void put_u64(infuse__sb_t *sb, uint64_t v, int min_digits) {
  char tmp[24];
  int n = 0;
  do {
    tmp[sizeof tmp - 1 - (size_t)n] = (char)('0' + (int)(v % 10u));
    v /= 10u;
    n++;
  } while (v != 0 || n < min_digits);
  infuse__sb_putn(sb, tmp + sizeof tmp - (size_t)n, (size_t)n);
}

void infuse__sb_int(infuse__sb_t *sb, int64_t v) {
  if (v < 0) {
    infuse__sb_putc(sb, '-');
    put_u64(sb, (uint64_t)0 - (uint64_t)v, 1);
  } else {
    put_u64(sb, (uint64_t)v, 1);
  }
}

size_t infuse__sb_finish(infuse__sb_t *sb) {
  if (sb->cap > 0) {
    sb->buf[sb->len < sb->cap ? sb->len : sb->cap - 1] = '\0';
  }
  return sb->len;
}

/* How each integer unit is shown: divide by den, show at most maxdec
 * decimals, then the symbol. */
typedef struct display {
  int64_t den;
  int maxdec;
  const char *symbol;
  const char *base_symbol;
} display_t;

static display_t display_of(infuse_unit_t unit) {
  switch (unit) {
  case INFUSE_UNIT_G:
    return (display_t){1000, 3, "kg", "g"};
  case INFUSE_UNIT_UG:
    return (display_t){1000, 3, "mg", "ug"};
  case INFUSE_UNIT_NG:
    return (display_t){1000000, 6, "mg", "ng"};
  case INFUSE_UNIT_UL:
    return (display_t){1000, 3, "mL", "uL"};
  case INFUSE_UNIT_S:
    return (display_t){60, 2, "min", "s"};
  case INFUSE_UNIT_MS:
    return (display_t){60000, 2, "min", "ms"};
  case INFUSE_UNIT_UG_PER_KG:
    return (display_t){1000, 3, "mg/kg", "ug/kg"};
  case INFUSE_UNIT_UG_PER_ML:
    return (display_t){1000, 3, "mg/mL", "ug/mL"};
  case INFUSE_UNIT_NG_PER_ML:
    return (display_t){1000000, 4, "mg/mL", "ng/mL"};
  case INFUSE_UNIT_UL_PER_H:
    return (display_t){1000, 3, "mL/h", "uL/h"};
  case INFUSE_UNIT_MM:
    return (display_t){10, 1, "cm", "mm"};
  case INFUSE_UNIT_PPM:
    return (display_t){10000, 2, "%", "ppm"};
  case INFUSE_UNIT_NG_PER_KG_PER_H:
    return (display_t){1000000, 4, "mg/kg/h", "ng/kg/h"};
  case INFUSE_UNIT_CENTI_KG_PER_M2:
    return (display_t){100, 2, "kg/m2", "centi-kg/m2"};
  case INFUSE_UNIT_COUNT:
    return (display_t){1, 0, "", ""};
  case INFUSE_UNIT_NG_PER_KG:
    return (display_t){1000000, 6, "mg/kg", "ng/kg"};
  case INFUSE_UNIT_MICRO_LB:
    return (display_t){1000000, 6, "lb", "micro-lb"};
  case INFUSE_UNIT_MICRO_IN:
    return (display_t){1000000, 6, "in", "micro-in"};
  case INFUSE_UNIT_NONE:
  default:
    return (display_t){1, 0, "", ""};
  }
}

const char *infuse__display_symbol(infuse_unit_t unit) {
  return display_of(unit).symbol;
}

const char *infuse_unit_symbol(infuse_unit_t unit) {
  switch (unit) {
  case INFUSE_UNIT_NONE:
    return "";
  case INFUSE_UNIT_COUNT:
    return "count";
  default:
    break;
  }
  const char *s = display_of(unit).base_symbol;
  return s[0] != '\0' ? s : "unknown";
}

static const uint64_t pow10_table[] = {
    1u,           10u,           100u,          1000u,      10000u,
    100000u,      1000000u,      10000000u,     100000000u, 1000000000u,
    10000000000u, 100000000000u, 1000000000000u};

/* Append mag / den with `decimals` digits (nearest, ties away from zero),
 * trailing zeros removed. The integer part and the fraction are computed
 * apart, so every 64-bit magnitude can be shown. */
static void put_scaled(infuse__sb_t *sb, uint64_t mag, uint64_t den,
                       int decimals, bool negative, bool *exact) {
  uint64_t p = pow10_table[decimals];
  uint64_t ip = mag / den;
  uint64_t rem = mag % den;
  int64_t frac = 0, down = 0, up = 0;
  /* rem < den, so rem * p / den < p: these cannot overflow */
  (void)infuse__muldiv(rem, p, den, INFUSE_ROUND_NEAREST, &frac);
  if (exact != NULL) {
    (void)infuse__muldiv(rem, p, den, INFUSE_ROUND_DOWN, &down);
    (void)infuse__muldiv(rem, p, den, INFUSE_ROUND_UP, &up);
    *exact = up == down;
  }
  uint64_t fp = (uint64_t)frac;
  if (fp == p) {
    ip += 1;
    fp = 0;
  }
  if (negative && (ip != 0 || fp != 0)) {
    infuse__sb_putc(sb, '-');
  }
  put_u64(sb, ip, 1);
  if (fp != 0) {
    int digits = decimals;
    while (fp % 10u == 0) {
      fp /= 10u;
      digits--;
    }
    infuse__sb_putc(sb, '.');
    put_u64(sb, fp, digits);
  }
}

void infuse__put_ratio(infuse__sb_t *sb, int64_t num, int64_t den,
                       infuse_unit_t unit, int extra, bool *exact) {
  display_t d = display_of(unit);
  int decimals = d.maxdec + extra;
  if (decimals > 12) {
    decimals = 12;
  }
  if (den <= 0) {
    den = 1;
  }
  if ((uint64_t)den > UINT64_MAX / (uint64_t)d.den) {
    infuse__sb_puts(sb, "overflow");
    if (exact != NULL) {
      *exact = false;
    }
    return;
  }
  bool negative = num < 0;
  uint64_t mag = negative ? (uint64_t)0 - (uint64_t)num : (uint64_t)num;
  put_scaled(sb, mag, (uint64_t)den * (uint64_t)d.den, decimals, negative,
             exact);
}

void infuse__put_number(infuse__sb_t *sb, int64_t value, infuse_unit_t unit,
                        int decimals) {
  display_t d = display_of(unit);
  bool negative = value < 0;
  uint64_t mag = negative ? (uint64_t)0 - (uint64_t)value : (uint64_t)value;
  put_scaled(sb, mag, (uint64_t)d.den, decimals, negative, NULL);
}

void infuse__put_quantity(infuse__sb_t *sb, int64_t value, infuse_unit_t unit) {
  display_t d = display_of(unit);
  infuse__put_number(sb, value, unit, d.maxdec);
  if (d.symbol[0] == '\0') {
    return;
  }
  if (unit != INFUSE_UNIT_PPM) {
    infuse__sb_putc(sb, ' ');
  }
  infuse__sb_puts(sb, d.symbol);
}

size_t infuse_format(int64_t value, infuse_unit_t unit, char *buf, size_t cap) {
  infuse__sb_t sb;
  infuse__sb_init(&sb, buf, cap);
  infuse__put_quantity(&sb, value, unit);
  return infuse__sb_finish(&sb);
}

infuse_unit_t infuse_dim_unit(infuse_dim_t dim) {
  switch (dim) {
  case INFUSE_DIM_BODY_WEIGHT:
    return INFUSE_UNIT_G;
  case INFUSE_DIM_MASS:
    return INFUSE_UNIT_UG;
  case INFUSE_DIM_VOLUME:
    return INFUSE_UNIT_UL;
  case INFUSE_DIM_TIME:
    return INFUSE_UNIT_S;
  case INFUSE_DIM_DOSE_PER_KG:
    return INFUSE_UNIT_UG_PER_KG;
  case INFUSE_DIM_CONCENTRATION:
    return INFUSE_UNIT_UG_PER_ML;
  case INFUSE_DIM_RATE:
    return INFUSE_UNIT_UL_PER_H;
  case INFUSE_DIM_LENGTH:
    return INFUSE_UNIT_MM;
  case INFUSE_DIM_NONE:
  default:
    return INFUSE_UNIT_NONE;
  }
}

const char *infuse_dim_name(infuse_dim_t dim) {
  switch (dim) {
  case INFUSE_DIM_BODY_WEIGHT:
    return "body weight";
  case INFUSE_DIM_MASS:
    return "mass";
  case INFUSE_DIM_VOLUME:
    return "volume";
  case INFUSE_DIM_TIME:
    return "time";
  case INFUSE_DIM_DOSE_PER_KG:
    return "dose per body weight";
  case INFUSE_DIM_CONCENTRATION:
    return "concentration";
  case INFUSE_DIM_RATE:
    return "rate";
  case INFUSE_DIM_LENGTH:
    return "length";
  case INFUSE_DIM_NONE:
  default:
    return "unknown";
  }
}

void infuse__copy_text(char *dst, size_t cap, const char *src) {
  if (cap == 0) {
    return;
  }
  size_t n = 0;
  if (src != NULL) {
    n = strlen(src);
  }
  if (n > cap - 1) {
    n = cap - 1;
    /* Do not cut a UTF-8 sequence: back up over continuation bytes, then
     * drop the lead byte whose sequence was cut. */
    size_t end = n;
    while (end > 0 && ((unsigned char)src[end] & 0xc0u) == 0x80u) {
      end--;
    }
    n = end;
  }
  for (size_t i = 0; i < n; i++) {
    unsigned char c = (unsigned char)src[i];
    if (c < 0x20u || c == 0x7fu) {
      dst[i] = '?';
    } else {
      dst[i] = src[i];
    }
  }
  dst[n] = '\0';
}

int infuse__fail(infuse_diag_t *diag, int status, const char *field,
                 const char *value, const char *m1, const char *m2,
                 const char *m3) {
  if (diag == NULL) {
    return status;
  }
  diag->status = status;
  infuse__copy_text(diag->field, sizeof diag->field,
                    field != NULL ? field : "value");
  infuse__copy_text(diag->value, sizeof diag->value,
                    value != NULL ? value : "");
  char msg[INFUSE_DIAG_MESSAGE_MAX];
  infuse__sb_t sb;
  infuse__sb_init(&sb, msg, sizeof msg);
  infuse__sb_puts(&sb, diag->field);
  infuse__sb_puts(&sb, ": ");
  if (m1 != NULL) {
    infuse__sb_puts(&sb, m1);
  }
  if (m2 != NULL) {
    infuse__sb_puts(&sb, m2);
  }
  if (m3 != NULL) {
    infuse__sb_puts(&sb, m3);
  }
  infuse__sb_finish(&sb);
  infuse__copy_text(diag->message, sizeof diag->message, msg);
  return status;
}

int infuse__fail_q(infuse_diag_t *diag, int status, const char *field,
                   int64_t value, infuse_unit_t unit, const char *m1,
                   const char *m2, const char *m3) {
  if (diag == NULL) {
    return status;
  }
  char text[INFUSE_DIAG_VALUE_MAX];
  infuse__sb_t sb;
  /* the display unit when it shows the value exactly ("72.5 kg"), else the
   * integer unit ("-5 ppm", not a rounded "0%") */
  bool exact = true;
  infuse__sb_init(&sb, text, sizeof text);
  infuse__put_ratio(&sb, value, 1, unit, 0, &exact);
  infuse__sb_init(&sb, text, sizeof text);
  if (exact) {
    infuse__put_quantity(&sb, value, unit);
  } else {
    infuse__sb_int(&sb, value);
    infuse__sb_putc(&sb, ' ');
    infuse__sb_puts(&sb, infuse_unit_symbol(unit));
  }
  infuse__sb_finish(&sb);
  char msg[INFUSE_DIAG_MESSAGE_MAX];
  infuse__sb_init(&sb, msg, sizeof msg);
  infuse__sb_putc(&sb, '\'');
  infuse__sb_puts(&sb, text);
  infuse__sb_puts(&sb, "' ");
  if (m1 != NULL) {
    infuse__sb_puts(&sb, m1);
  }
  infuse__sb_finish(&sb);
  return infuse__fail(diag, status, field, text, msg, m2, m3);
}

int infuse__check_positive(infuse_diag_t *diag, const char *field, int64_t v,
                           int64_t max, infuse_unit_t unit) {
  if (v == 0) {
    return infuse__fail_q(diag, INFUSE_E_ZERO, field, v, unit,
                          "is zero; a positive value is needed", NULL, NULL);
  }
  if (v < 0) {
    return infuse__fail_q(diag, INFUSE_E_NEGATIVE, field, v, unit,
                          "is negative; a positive value is needed", NULL,
                          NULL);
  }
  if (v > max) {
    char limit[48];
    infuse__sb_t sb;
    infuse__sb_init(&sb, limit, sizeof limit);
    infuse__put_quantity(&sb, max, unit);
    infuse__sb_putc(&sb, ')');
    infuse__sb_finish(&sb);
    return infuse__fail_q(diag, INFUSE_E_RANGE, field, v, unit,
                          "is beyond the range the library accepts (at most ",
                          limit, NULL);
  }
  return INFUSE_OK;
}

int infuse__check_range(infuse_diag_t *diag, int status, const char *field,
                        int64_t v, int64_t lo, int64_t hi, const char *what) {
  if (v >= lo && v <= hi) {
    return INFUSE_OK;
  }
  char range[96];
  infuse__sb_t sb;
  infuse__sb_init(&sb, range, sizeof range);
  infuse__sb_puts(&sb, "is outside ");
  infuse__sb_int(&sb, lo);
  infuse__sb_puts(&sb, " to ");
  infuse__sb_int(&sb, hi);
  infuse__sb_finish(&sb);
  return infuse__fail_q(diag, status, field, v, INFUSE_UNIT_COUNT, range,
                        what != NULL ? what : "", NULL);
}
