/*
 * fuzz_quantity.c - infuse_quantity_parse and infuse_date_parse on text
 * from outside (the command line, an EHR field).
 *
 * Input: byte 0 is the dimension mask (bit k accepts dimension k + 1: body
 * weight .. length; 0 accepts nothing); the rest, up to the first NUL, is
 * the text.
 *
 * Invariants: every status is a known one and one the header documents;
 * on success the value is > 0, the dimension is in the mask, the unit is
 * the dimension's base unit, and infuse_format's text parses back to the
 * same value (for the display units that show every digit); on failure the
 * output is untouched and the diagnostic filled; the same text with a NULL
 * diagnostic gives the same status; a parsed date formats back to the text.
 */
#include "fuzz_common.h"

static const int quantity_errors[] = {
    INFUSE_E_SYNTAX,          INFUSE_E_NO_UNIT,  INFUSE_E_UNKNOWN_UNIT,
    INFUSE_E_WRONG_DIMENSION, INFUSE_E_NEGATIVE, INFUSE_E_ZERO,
    INFUSE_E_PRECISION,       INFUSE_E_RANGE};
static const int date_errors[] = {INFUSE_E_SYNTAX, INFUSE_E_RANGE};

/* Display units whose text shows the exact value (infuse_format). */
static bool exact_display(infuse_unit_t u) {
  switch (u) {
  case INFUSE_UNIT_G:
  case INFUSE_UNIT_UG:
  case INFUSE_UNIT_UL:
  case INFUSE_UNIT_UG_PER_KG:
  case INFUSE_UNIT_UG_PER_ML:
  case INFUSE_UNIT_UL_PER_H:
  case INFUSE_UNIT_MM:
    return true;
  default:
    return false;
  }
}

static size_t format_q(const void *what, char *buf, size_t cap) {
  const infuse_quantity_t *q = what;
  return infuse_format(q->value, q->unit, buf, cap);
}

static void check_quantity(const char *text, uint32_t dims, uint8_t small) {
  infuse_quantity_t q, before;
  memset(&q, 0xc3, sizeof q);
  memcpy(&before, &q, sizeof q);
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_quantity_parse(text, dims, "fuzz", &q, &d);
  FZ_CHECK(fz_status_known(rc));

  infuse_quantity_t q2;
  memset(&q2, 0xc3, sizeof q2);
  FZ_CHECK(infuse_quantity_parse(text, dims, NULL, &q2, NULL) == rc);

  if (rc != INFUSE_OK) {
    FZ_CHECK(fz_status_in(rc, quantity_errors,
                          sizeof quantity_errors / sizeof quantity_errors[0]));
    FZ_CHECK(memcmp(&q, &before, sizeof q) == 0);
    FZ_CHECK(memcmp(&q2, &before, sizeof q2) == 0);
    fz_check_diag(&d, rc);
    return;
  }
  FZ_CHECK(memcmp(&q, &q2, sizeof q) == 0);
  FZ_CHECK(q.value > 0);
  FZ_CHECK(q.dim >= INFUSE_DIM_BODY_WEIGHT && q.dim <= INFUSE_DIM_LENGTH);
  FZ_CHECK((dims & INFUSE_DIM_BIT(q.dim)) != 0);
  FZ_CHECK(q.unit == infuse_dim_unit(q.dim));
  FZ_CHECK(q.source_mantissa > 0);
  FZ_CHECK(q.source_scale >= 0 && q.source_scale <= INFUSE_PARSE_MAX_DIGITS);
  FZ_CHECK(memchr(q.source_unit, '\0', sizeof q.source_unit) != NULL);
  FZ_CHECK(q.source_unit[0] != '\0');
  /* only pounds and inches convert inexactly */
  if (q.rounded) {
    FZ_CHECK(strcmp(q.source_unit, "lb") == 0 ||
             strcmp(q.source_unit, "lbs") == 0 ||
             strcmp(q.source_unit, "in") == 0);
  }
  /* the success leaves the diagnostic alone */
  infuse_diag_t zero;
  memset(&zero, 0, sizeof zero);
  FZ_CHECK(memcmp(&d, &zero, sizeof d) == 0);

  /* infuse_format: the buffer contract, and its text parses back */
  char shown[96];
  size_t n = fz_check_format(format_q, &q, small % 24u, shown, sizeof shown);
  FZ_CHECK(n > 0 && n < sizeof shown);
  if (exact_display(q.unit)) {
    size_t digits = 0;
    for (size_t i = 0; i < n; i++) {
      digits += shown[i] >= '0' && shown[i] <= '9';
    }
    infuse_quantity_t back;
    int rb =
        infuse_quantity_parse(shown, INFUSE_DIM_BIT(q.dim), NULL, &back, NULL);
    if (digits <= INFUSE_PARSE_MAX_DIGITS) {
      FZ_CHECK(rb == INFUSE_OK);
      FZ_CHECK(back.value == q.value && back.dim == q.dim);
      FZ_CHECK(!back.rounded);
    } else {
      FZ_CHECK(rb == INFUSE_OK || rb == INFUSE_E_RANGE);
    }
  }
}

static void check_date(const char *text) {
  int32_t date = 0x5a5a5a5a;
  infuse_diag_t d;
  memset(&d, 0, sizeof d);
  int rc = infuse_date_parse(text, "fuzz", &date, &d);
  FZ_CHECK(fz_status_known(rc));
  int32_t date2 = 0x5a5a5a5a;
  FZ_CHECK(infuse_date_parse(text, NULL, &date2, NULL) == rc);
  if (rc != INFUSE_OK) {
    FZ_CHECK(fz_status_in(rc, date_errors,
                          sizeof date_errors / sizeof date_errors[0]));
    FZ_CHECK(date == 0x5a5a5a5a && date2 == 0x5a5a5a5a);
    fz_check_diag(&d, rc);
    return;
  }
  FZ_CHECK(date == date2);
  FZ_CHECK(date >= INFUSE_DATE_MIN && date <= INFUSE_DATE_MAX);
  char back[16];
  FZ_CHECK(infuse_date_format(date, back, sizeof back) == 10);
  FZ_CHECK(strcmp(back, text) == 0);
  int wd = infuse_date_weekday(date);
  FZ_CHECK(wd >= 1 && wd <= 7);
  int32_t y, m, dd, again;
  FZ_CHECK(infuse_date_to_ymd(date, &y, &m, &dd) == INFUSE_OK);
  FZ_CHECK(infuse_date_from_ymd(y, m, dd, &again) == INFUSE_OK);
  FZ_CHECK(again == date);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  if (size == 0 || size > 4096) {
    return 0;
  }
  uint32_t dims = (uint32_t)data[0] << 1;
  uint8_t small = size > 1 ? data[size - 1] : 0;
  char *text = malloc(size);
  if (text == NULL) {
    return 0;
  }
  memcpy(text, data + 1, size - 1);
  text[size - 1] = '\0';
  check_quantity(text, dims, small);
  check_date(text);
  free(text);
  return 0;
}
