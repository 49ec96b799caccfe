/* api_example.c - the README's example, compiled and run by the tests:
 * 70 kg on the default protocol is 155.3 mL/h for a VTBI of 103.5 mL. */
#include <infuse.h>
#include <stdio.h>

int main(void) {
  infuse_protocol_t protocol;
  infuse_request_t req;
  infuse_result_t res;
  infuse_diag_t diag;
  static char text[16384];
  size_t len;

  if (infuse_protocol_get("ketamine-trd-40", &protocol, &diag) != INFUSE_OK ||
      infuse_request_init(&req, &protocol) != INFUSE_OK)
    return 1;
  req.weight_g = 70000; /* 70 kg */
  res.struct_size = sizeof res;
  int rc = infuse_pump_compute(&req, &res, &diag);
  if (rc < 0) { /* invalid input: nothing written */
    fprintf(stderr, "%s\n", diag.message);
    return 2;
  }
  /* rc is INFUSE_OK, INFUSE_STOP_SOFT_LIMIT or INFUSE_STOP_HARD_LIMIT */
  printf("%lld uL/h, VTBI %lld uL, verdict %s\n", (long long)res.rate_ul_per_h,
         (long long)res.vtbi_ul, infuse_verdict_name(res.verdict));
  if (infuse_write_text(&res, text, sizeof text, &len) == INFUSE_OK)
    fputs(text, stdout);
  return rc == INFUSE_OK ? 0 : 3;
}
