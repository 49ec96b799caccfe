/*
 * sim.h - private header of infuse-sim: the output buffer, number
 * formatting and the SVG charts shared by sim.c and sim_svg.c.
 */
#ifndef INFUSE_SIM_H
#define INFUSE_SIM_H

#include <stdbool.h>
#include <stddef.h>

#if defined(__GNUC__)
#define SIM_PRINTF(f, a) __attribute__((format(printf, f, a)))
#else
#define SIM_PRINTF(f, a)
#endif

/* Run infuse-sim. */
int sim_main(int argc, char **argv);

/* ---- a growing text buffer ----------------------------------------------
 * Output is built here and written in one go at the end, so that a failure
 * half-way prints nothing. An allocation failure sets `failed` and later
 * appends do nothing; the caller checks `failed` once. */
typedef struct sbuf {
  char *data;
  size_t len;
  size_t cap;
  bool failed;
} sbuf_t;

void sb_init(sbuf_t *b);
void sb_free(sbuf_t *b);
void sb_put(sbuf_t *b, const char *s, size_t n);
void sb_puts(sbuf_t *b, const char *s);
void sb_printf(sbuf_t *b, const char *fmt, ...) SIM_PRINTF(2, 3);
/* The shortest decimal (at most 17 significant digits, "%.Ng") that reads
 * back as the same double; "null" for NaN and infinities. */
void sb_double(sbuf_t *b, double v);
/* The same into buf (at least 32 bytes); returns false (writing "null")
 * when v is not finite. */
bool fmt_double(char *buf, size_t cap, double v);
/* Text with the XML special characters escaped. */
void sb_xml(sbuf_t *b, const char *s);

/* ---- SVG charts ----------------------------------------------------------
 * A figure is a title and one or more charts stacked vertically. Each chart
 * has axes with ticks and unit labels, its series in distinct colours with a
 * legend, and optionally a dashed horizontal reference line with a label. */
typedef struct svg_series {
  const double *x;
  const double *y;
  size_t n;
  const char *label;
  bool step;    /* a step function: y[i] holds until x[i + 1] */
  bool markers; /* a dot at every point */
} svg_series_t;

typedef struct svg_chart {
  const char *title;
  const char *x_label; /* with its unit, e.g. "time (h)" */
  const char *y_label;
  const svg_series_t *series;
  size_t n_series;
  double x_min, x_max; /* the x range shown */
  double y_max;        /* y from 0; <= 0: from the data and the line */
  bool hline;          /* a dashed horizontal line at hline_y */
  double hline_y;
  const char *hline_label;
} svg_chart_t;

/* Render the figure into *out (a complete, self-contained SVG document). */
void svg_render(sbuf_t *out, const char *title, const char *subtitle,
                const svg_chart_t *charts, size_t n_charts);

#endif
