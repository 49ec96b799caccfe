/*
 * test_abi.c - the layout contract of the public structs.
 *
 * 1. Every struct a caller fills or receives with a size check has
 *    struct_size as its first member (the library reads it before anything
 *    else, so it must be at offset 0 whatever the rest looks like).
 * 2. On LP64 the size of every public struct matches tests/abi_sizes.txt:
 *    a snapshot, like tests/symbols.txt, that changes only together with the
 *    ABI policy in docs/SAFETY.md (a layout change means a SONAME change
 *    once the version is 1.0 or later).
 */
#include <infuse.h>

#include <check.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *sizes_path;

START_TEST(struct_size_comes_first) {
  ck_assert_uint_eq(offsetof(infuse_protocol_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_request_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_result_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_course_options_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_course_export_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_review_options_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_review_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_exposure_options_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_exposure_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_screen_input_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_screen_thresholds_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_screen_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_pk_model_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_pk_system_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_pk_summary_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_pk_population_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_cohort_model_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_cohort_options_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_cohort_counts_t, struct_size), 0);
  ck_assert_uint_eq(offsetof(infuse_cohort_rates_t, struct_size), 0);
}
END_TEST

/* A wrong struct_size is refused before anything is read or written. */
START_TEST(unknown_size_refused) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  ck_assert_int_eq(infuse_protocol_get("ketamine-trd-40", &p, NULL), 0);
  ck_assert_int_eq(infuse_request_init(&q, &p), 0);
  q.weight_g = 70000;
  r.struct_size = (uint32_t)sizeof r - 8; /* an older, shorter layout */
  ck_assert_int_eq(infuse_pump_compute(&q, &r, NULL), INFUSE_E_STRUCT_SIZE);
  r.struct_size = (uint32_t)sizeof r;
  q.struct_size = (uint32_t)sizeof q + 8; /* a newer, longer layout */
  ck_assert_int_eq(infuse_pump_compute(&q, &r, NULL), INFUSE_E_STRUCT_SIZE);
}
END_TEST

#define SIZE_ROW(type) {#type, sizeof(type)}

START_TEST(sizes_match_snapshot) {
  if (sizeof(void *) != 8 || sizeof(long) != 8) {
    return; /* the snapshot is for LP64 */
  }
  static const struct {
    const char *name;
    size_t size;
  } rows[] = {
      SIZE_ROW(infuse_diag_t),           SIZE_ROW(infuse_quantity_t),
      SIZE_ROW(infuse_limit_t),          SIZE_ROW(infuse_protocol_t),
      SIZE_ROW(infuse_request_t),        SIZE_ROW(infuse_finding_t),
      SIZE_ROW(infuse_operand_t),        SIZE_ROW(infuse_step_t),
      SIZE_ROW(infuse_result_t),         SIZE_ROW(infuse_taper_step_t),
      SIZE_ROW(infuse_course_options_t), SIZE_ROW(infuse_session_t),
      SIZE_ROW(infuse_course_export_t),  SIZE_ROW(infuse_review_options_t),
      SIZE_ROW(infuse_review_point_t),   SIZE_ROW(infuse_review_finding_t),
      SIZE_ROW(infuse_review_t),         SIZE_ROW(infuse_exposure_event_t),
      SIZE_ROW(infuse_exposure_options_t), SIZE_ROW(infuse_exposure_t),
      SIZE_ROW(infuse_screen_input_t),   SIZE_ROW(infuse_screen_thresholds_t),
      SIZE_ROW(infuse_screen_finding_t), SIZE_ROW(infuse_screen_t),
      SIZE_ROW(infuse_philox_block_t),   SIZE_ROW(infuse_pk_model_t),
      SIZE_ROW(infuse_pk_system_t),      SIZE_ROW(infuse_pk_infusion_t),
      SIZE_ROW(infuse_pk_summary_t),     SIZE_ROW(infuse_pk_population_t),
      SIZE_ROW(infuse_cohort_model_t),   SIZE_ROW(infuse_cohort_options_t),
      SIZE_ROW(infuse_cohort_counts_t),  SIZE_ROW(infuse_cohort_rates_t),
  };
  FILE *f = fopen(sizes_path, "r");
  ck_assert_msg(f != NULL, "cannot open %s", sizes_path);
  char line[160], name[64];
  unsigned long size;
  size_t seen = 0;
  while (fgets(line, sizeof line, f) != NULL) {
    if (line[0] == '#' || line[0] == '\n') {
      continue;
    }
    ck_assert_msg(sscanf(line, "%63s %lu", name, &size) == 2, "bad line: %s",
                  line);
    bool found = false;
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++) {
      if (strcmp(rows[i].name, name) == 0) {
        ck_assert_msg(rows[i].size == size,
                      "sizeof(%s) is %zu, the snapshot says %lu: a layout "
                      "change (see the ABI policy in docs/SAFETY.md)",
                      name, rows[i].size, size);
        found = true;
        seen++;
      }
    }
    ck_assert_msg(found, "%s in the snapshot is not a public struct", name);
  }
  fclose(f);
  ck_assert_uint_eq(seen, sizeof rows / sizeof rows[0]);
}
END_TEST

int main(int argc, char **argv) {
#ifdef INFUSE_ABI_SIZES
  sizes_path = argc > 1 ? argv[1] : INFUSE_ABI_SIZES;
#else
  sizes_path = argc > 1 ? argv[1] : "abi_sizes.txt";
#endif
  Suite *s = suite_create("abi");
  TCase *tc = tcase_create("core");
  tcase_add_test(tc, struct_size_comes_first);
  tcase_add_test(tc, unknown_size_refused);
  tcase_add_test(tc, sizes_match_snapshot);
  suite_add_tcase(s, tc);
  SRunner *sr = srunner_create(s);
  srunner_run_all(sr, CK_NORMAL);
  int failed = srunner_ntests_failed(sr);
  srunner_free(sr);
  return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
