/* sim_svg.c: being written. */
typedef int infuse_sim_svg_placeholder;
