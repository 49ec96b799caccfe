/*
 * json_check.h - a minimal JSON validator for the tests (RFC 8259 grammar,
 * no semantics): json_valid(s) is true when s is one JSON object and
 * nothing else. Written for the tests, independent of the library's
 * writers; test_fhir checks that it rejects malformed documents.
 */
#ifndef INFUSE_TEST_JSON_CHECK_H
#define INFUSE_TEST_JSON_CHECK_H

#include <stdbool.h>
#include <string.h>

typedef struct jp {
  const char *p;
  int depth;
} jp_t;

static bool j_value(jp_t *j);

static void j_ws(jp_t *j) {
  while (*j->p == ' ' || *j->p == '\n' || *j->p == '\t' || *j->p == '\r') {
    j->p++;
  }
}

static bool j_string(jp_t *j) {
  if (*j->p != '"') {
    return false;
  }
  for (j->p++; *j->p != '"'; j->p++) {
    unsigned char c = (unsigned char)*j->p;
    if (c < 0x20u) { /* also the NUL at the end of the text */
      return false;
    }
    if (c == '\\') {
      j->p++;
      if (*j->p == 'u') {
        for (int i = 1; i <= 4; i++) {
          if (strchr("0123456789abcdefABCDEF", j->p[i]) == NULL ||
              j->p[i] == '\0') {
            return false;
          }
        }
        j->p += 4;
      } else if (*j->p == '\0' || strchr("\"\\/bfnrt", *j->p) == NULL) {
        return false;
      }
    }
  }
  j->p++;
  return true;
}

static bool j_digits(jp_t *j) {
  const char *s = j->p;
  while (*j->p >= '0' && *j->p <= '9') {
    j->p++;
  }
  return j->p > s;
}

static bool j_number(jp_t *j) {
  if (*j->p == '-') {
    j->p++;
  }
  if (*j->p == '0') {
    j->p++;
  } else if (!j_digits(j)) {
    return false;
  }
  if (*j->p == '.') {
    j->p++;
    if (!j_digits(j)) {
      return false;
    }
  }
  return true;
}

static bool j_container(jp_t *j, char close, bool object) {
  if (++j->depth > 64) {
    return false;
  }
  j->p++;
  j_ws(j);
  if (*j->p == close) {
    j->p++;
    j->depth--;
    return true;
  }
  for (;;) {
    j_ws(j);
    if (object) {
      if (!j_string(j)) {
        return false;
      }
      j_ws(j);
      if (*j->p++ != ':') {
        return false;
      }
      j_ws(j);
    }
    if (!j_value(j)) {
      return false;
    }
    j_ws(j);
    if (*j->p == ',') {
      j->p++;
    } else if (*j->p == close) {
      j->p++;
      j->depth--;
      return true;
    } else {
      return false;
    }
  }
}

static bool j_value(jp_t *j) {
  switch (*j->p) {
  case '{':
    return j_container(j, '}', true);
  case '[':
    return j_container(j, ']', false);
  case '"':
    return j_string(j);
  case 't':
    return strncmp(j->p, "true", 4) == 0 ? (j->p += 4, true) : false;
  case 'f':
    return strncmp(j->p, "false", 5) == 0 ? (j->p += 5, true) : false;
  case 'n':
    return strncmp(j->p, "null", 4) == 0 ? (j->p += 4, true) : false;
  default:
    return j_number(j);
  }
}

static bool json_valid(const char *s) {
  jp_t j = {s, 0};
  j_ws(&j);
  if (*j.p != '{' || !j_value(&j)) {
    return false;
  }
  j_ws(&j);
  return *j.p == '\0';
}

#endif
