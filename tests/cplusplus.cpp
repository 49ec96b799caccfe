// The public header must compile as C++ and link from C++.
#include <infuse.h>

#include <cstring>

int main() {
  infuse_protocol_t p;
  if (infuse_protocol_get("ketamine-trd-40", &p, nullptr) != INFUSE_OK) {
    return 1;
  }
  infuse_request_t q;
  if (infuse_request_init(&q, &p) != INFUSE_OK) {
    return 1;
  }
  q.weight_g = 70000;
  infuse_result_t r;
  r.struct_size = sizeof r;
  if (infuse_pump_compute(&q, &r, nullptr) != INFUSE_OK) {
    return 1;
  }
  // 35 mg from 10 mg/mL is 3.5 mL = 3500 uL.
  return (r.drug_volume_ul == 3500 &&
          std::strcmp(infuse_status_name(INFUSE_E_NO_UNIT), "E_NO_UNIT") == 0)
             ? 0
             : 1;
}
