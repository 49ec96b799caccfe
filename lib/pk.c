/* pk.c: being written. */
#include "infuse.h"
typedef int infuse__placeholder_pk;
