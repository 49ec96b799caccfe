/* sim.c: being written. */
typedef int infuse_sim_placeholder;
