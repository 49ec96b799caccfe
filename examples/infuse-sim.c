/* infuse-sim: research simulations (plasma concentration curves of virtual
 * patients, cohort outcomes, and the merge of cohort shards). */
#include "sim.h"

int main(int argc, char **argv) { return sim_main(argc, argv); }
