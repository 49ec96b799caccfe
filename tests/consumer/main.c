/* A program outside the project, built against an installed libinfuse:
 * 70 kg at 0.5 mg/kg over 40 min into 100 mL is 103.5 mL at 155.3 mL/h. */
#include <infuse.h>

#include <stdio.h>
#include <string.h>

int main(void) {
  infuse_protocol_t p;
  infuse_request_t q;
  infuse_result_t r;
  if (infuse_protocol_get("ketamine-trd-40", &p, NULL) != INFUSE_OK ||
      infuse_request_init(&q, &p) != INFUSE_OK) {
    return 1;
  }
  q.weight_g = 70000;
  r.struct_size = sizeof r;
  if (infuse_pump_compute(&q, &r, NULL) != INFUSE_OK) {
    return 1;
  }
  if (r.vtbi_ul != 103500 || r.rate_ul_per_h != 155300) {
    fprintf(stderr, "wrong numbers: %lld uL at %lld uL/h\n",
            (long long)r.vtbi_ul, (long long)r.rate_ul_per_h);
    return 1;
  }
  if (strcmp(infuse_version_string(), INFUSE_VERSION_STRING) != 0) {
    fprintf(stderr, "header %s, library %s\n", INFUSE_VERSION_STRING,
            infuse_version_string());
    return 1;
  }
  printf("consumer ok: %s\n", infuse_version_string());
  return 0;
}
