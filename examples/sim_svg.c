/*
 * sim_svg.c - output helpers of infuse-sim: a growing text buffer,
 * locale-independent number formatting, and hand-written SVG charts.
 *
 * No locale is ever set by the programs, so printf and strtod use the "C"
 * locale: a point as the decimal separator and no grouping.
 */
#include "sim.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- the text buffer ----------------------------------------------------- */

void sb_init(sbuf_t *b) { memset(b, 0, sizeof *b); }

void sb_free(sbuf_t *b) {
  free(b->data);
  memset(b, 0, sizeof *b);
}

static bool sb_reserve(sbuf_t *b, size_t extra) {
  if (b->failed) {
    return false;
  }
  if (extra > (size_t)-1 / 2 - b->len) {
    b->failed = true;
    return false;
  }
  size_t need = b->len + extra + 1;
  if (need <= b->cap) {
    return true;
  }
  size_t cap = b->cap == 0 ? 256 : b->cap;
  while (cap < need) {
    cap *= 2;
  }
  char *p = realloc(b->data, cap);
  if (p == NULL) {
    b->failed = true;
    return false;
  }
  b->data = p;
  b->cap = cap;
  return true;
}

void sb_put(sbuf_t *b, const char *s, size_t n) {
  if (!sb_reserve(b, n)) {
    return;
  }
  memcpy(b->data + b->len, s, n);
  b->len += n;
  b->data[b->len] = '\0';
}

void sb_puts(sbuf_t *b, const char *s) { sb_put(b, s, strlen(s)); }

void sb_printf(sbuf_t *b, const char *fmt, ...) {
  char small[256];
  va_list ap;
  va_start(ap, fmt);
  int n = vsnprintf(small, sizeof small, fmt, ap);
  va_end(ap);
  if (n < 0) {
    b->failed = true;
    return;
  }
  if ((size_t)n < sizeof small) {
    sb_put(b, small, (size_t)n);
    return;
  }
  if (!sb_reserve(b, (size_t)n)) {
    return;
  }
  va_start(ap, fmt);
  int m = vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
  va_end(ap);
  if (m != n) {
    b->failed = true;
    return;
  }
  b->len += (size_t)n;
}

bool fmt_double(char *buf, size_t cap, double v) {
  if (!isfinite(v)) {
    snprintf(buf, cap, "null");
    return false;
  }
  if (v == 0.0) {
    snprintf(buf, cap, "0"); /* also for -0 */
    return true;
  }
  for (int prec = 15; prec <= 17; prec++) {
    snprintf(buf, cap, "%.*g", prec, v);
    if (prec == 17 || strtod(buf, NULL) == v) {
      break;
    }
  }
  return true;
}

void sb_double(sbuf_t *b, double v) {
  char buf[40];
  fmt_double(buf, sizeof buf, v);
  sb_puts(b, buf);
}

void sb_xml(sbuf_t *b, const char *s) {
  for (; *s != '\0'; s++) {
    switch (*s) {
    case '&':
      sb_puts(b, "&amp;");
      break;
    case '<':
      sb_puts(b, "&lt;");
      break;
    case '>':
      sb_puts(b, "&gt;");
      break;
    case '"':
      sb_puts(b, "&quot;");
      break;
    case '\'':
      sb_puts(b, "&apos;");
      break;
    default:
      if ((unsigned char)*s < 0x20) {
        sb_put(b, " ", 1); /* no control characters in XML 1.0 */
      } else {
        sb_put(b, s, 1);
      }
    }
  }
}

/* ---- charts -------------------------------------------------------------- */

enum {
  FIG_W = 1020,
  TITLE_H = 70,
  CHART_H = 440,
  M_LEFT = 80,
  M_RIGHT = 270, /* the legend sits right of the plot */
  M_TOP = 40,
  M_BOTTOM = 60,
  LEGEND_MAX = 12,
  LABEL_MAX = 32
};

/* Tableau 10: distinct hues that stay apart for colour-blind readers. */
static const char *const palette[10] = {
    "#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f",
    "#edc948", "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
/* Past ten series the colours repeat with another dash pattern. */
static const char *const dashes[4] = {"", "8 3", "2 3", "8 3 2 3"};

/* A step of 1, 2 or 5 times a power of ten giving about `target` ticks. */
static double nice_step(double range, int target) {
  if (!(range > 0) || !isfinite(range)) {
    return 1.0;
  }
  double raw = range / target;
  double mag = pow(10.0, floor(log10(raw)));
  double f = raw / mag;
  double nice = f <= 1.0 ? 1.0 : f <= 2.0 ? 2.0 : f <= 5.0 ? 5.0 : 10.0;
  return nice * mag;
}

static int step_decimals(double step) {
  int d = (int)ceil(-log10(step) - 1e-9);
  return d < 0 ? 0 : d > 9 ? 9 : d;
}

typedef struct frame {
  double x0, x1, y1;     /* data range; y from 0 */
  double px, py, pw, ph; /* plot area in SVG units */
} frame_t;

static double fx(const frame_t *f, double x) {
  return f->px + (x - f->x0) / (f->x1 - f->x0) * f->pw;
}

static double fy(const frame_t *f, double y) {
  return f->py + f->ph - y / f->y1 * f->ph;
}

static void point(sbuf_t *b, const frame_t *f, double x, double y) {
  sb_printf(b, "%.2f,%.2f ", fx(f, x), fy(f, y));
}

/* The points of a series, at most about four per pixel column: the first,
 * lowest, highest and last point of each column, in order, so peaks and
 * troughs survive. */
static void series_points(sbuf_t *b, const frame_t *f, const svg_series_t *s) {
  size_t cols = (size_t)f->pw;
  bool thin = !s->step && s->n > 4 * cols;
  size_t i = 0;
  while (i < s->n) {
    if (!isfinite(s->x[i]) || !isfinite(s->y[i])) {
      i++;
      continue;
    }
    if (s->step && i > 0 && isfinite(s->y[i - 1])) {
      point(b, f, s->x[i], s->y[i - 1]);
    }
    if (!thin) {
      point(b, f, s->x[i], s->y[i]);
      i++;
      continue;
    }
    /* one pixel column: points i .. j - 1 */
    double col = floor((s->x[i] - f->x0) / (f->x1 - f->x0) * (double)cols);
    size_t j = i + 1, lo = i, hi = i;
    while (j < s->n && isfinite(s->x[j]) && isfinite(s->y[j]) &&
           floor((s->x[j] - f->x0) / (f->x1 - f->x0) * (double)cols) == col) {
      if (s->y[j] < s->y[lo]) {
        lo = j;
      }
      if (s->y[j] > s->y[hi]) {
        hi = j;
      }
      j++;
    }
    size_t pick[4] = {i, lo < hi ? lo : hi, lo < hi ? hi : lo, j - 1};
    for (int k = 0; k < 4; k++) {
      if (k == 0 || pick[k] != pick[k - 1]) {
        point(b, f, s->x[pick[k]], s->y[pick[k]]);
      }
    }
    i = j;
  }
}

static void label_text(sbuf_t *b, const char *label) {
  char buf[LABEL_MAX + 4];
  size_t n = strlen(label);
  if (n <= LABEL_MAX) {
    sb_xml(b, label);
    return;
  }
  memcpy(buf, label, LABEL_MAX - 3);
  memcpy(buf + LABEL_MAX - 3, "...", 4);
  sb_xml(b, buf);
}

static void chart(sbuf_t *b, const svg_chart_t *c, int index, double top) {
  frame_t f;
  f.px = M_LEFT;
  f.py = top + M_TOP;
  f.pw = FIG_W - M_LEFT - M_RIGHT;
  f.ph = CHART_H - M_TOP - M_BOTTOM;
  f.x0 = c->x_min;
  f.x1 = c->x_max > c->x_min ? c->x_max : c->x_min + 1.0;

  double ymax = c->y_max;
  if (!(ymax > 0)) {
    ymax = 0;
    for (size_t s = 0; s < c->n_series; s++) {
      for (size_t i = 0; i < c->series[s].n; i++) {
        double y = c->series[s].y[i];
        if (isfinite(y) && y > ymax) {
          ymax = y;
        }
      }
    }
    if (c->hline && c->hline_y > ymax) {
      ymax = c->hline_y;
    }
    ymax *= 1.05;
    if (!(ymax > 0)) {
      ymax = 1.0;
    }
  }
  double ystep = nice_step(ymax, 6);
  f.y1 = ceil(ymax / ystep - 1e-9) * ystep;
  double xstep = nice_step(f.x1 - f.x0, 8);

  sb_printf(b, "<g class=\"chart\" id=\"chart%d\">\n", index);
  sb_puts(b, "<text class=\"chart-title\" x=\"");
  sb_printf(b, "%.2f\" y=\"%.2f\" font-size=\"16\" font-weight=\"bold\">",
            f.px, top + 24);
  sb_xml(b, c->title);
  sb_puts(b, "</text>\n");
  sb_printf(b,
            "<clipPath id=\"clip%d\"><rect x=\"%.2f\" y=\"%.2f\" "
            "width=\"%.2f\" height=\"%.2f\"/></clipPath>\n",
            index, f.px, f.py, f.pw, f.ph);
  sb_printf(b,
            "<rect x=\"%.2f\" y=\"%.2f\" width=\"%.2f\" height=\"%.2f\" "
            "fill=\"#ffffff\" stroke=\"#888888\"/>\n",
            f.px, f.py, f.pw, f.ph);

  /* y ticks and grid */
  int yd = step_decimals(ystep);
  sb_puts(b, "<g class=\"y-axis\" font-size=\"12\" text-anchor=\"end\">\n");
  for (int k = 0; k < 1000; k++) {
    double v = k * ystep;
    if (v > f.y1 + ystep * 1e-9) {
      break;
    }
    double y = fy(&f, v);
    sb_printf(b,
              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
              "stroke=\"#e4e4e4\"/><line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
              "y2=\"%.2f\" stroke=\"#444444\"/><text x=\"%.2f\" "
              "y=\"%.2f\">%.*f</text>\n",
              f.px, y, f.px + f.pw, y, f.px - 5, y, f.px, y, f.px - 8, y + 4,
              yd, v);
  }
  sb_puts(b, "</g>\n");

  /* x ticks and grid */
  int xd = step_decimals(xstep);
  sb_puts(b, "<g class=\"x-axis\" font-size=\"12\" text-anchor=\"middle\">\n");
  double k0 = ceil(f.x0 / xstep - 1e-9);
  for (int k = 0; k < 1000; k++) {
    double v = (k0 + k) * xstep;
    if (v > f.x1 + xstep * 1e-9) {
      break;
    }
    if (fabs(v) < xstep * 1e-9) {
      v = 0.0;
    }
    double x = fx(&f, v);
    sb_printf(b,
              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
              "stroke=\"#e4e4e4\"/><line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" "
              "y2=\"%.2f\" stroke=\"#444444\"/><text x=\"%.2f\" "
              "y=\"%.2f\">%.*f</text>\n",
              x, f.py, x, f.py + f.ph, x, f.py + f.ph, x, f.py + f.ph + 5, x,
              f.py + f.ph + 20, xd, v);
  }
  sb_puts(b, "</g>\n");

  /* axis labels */
  sb_printf(b,
            "<text class=\"x-label\" x=\"%.2f\" y=\"%.2f\" font-size=\"13\" "
            "text-anchor=\"middle\">",
            f.px + f.pw / 2, f.py + f.ph + 45);
  sb_xml(b, c->x_label);
  sb_puts(b, "</text>\n");
  double ly = f.py + f.ph / 2;
  sb_printf(b,
            "<text class=\"y-label\" x=\"%.2f\" y=\"%.2f\" font-size=\"13\" "
            "text-anchor=\"middle\" transform=\"rotate(-90 %.2f %.2f)\">",
            f.px - 55, ly, f.px - 55, ly);
  sb_xml(b, c->y_label);
  sb_puts(b, "</text>\n");

  /* the reference line */
  if (c->hline) {
    double y = fy(&f, c->hline_y);
    sb_printf(b,
              "<g class=\"threshold\"><line x1=\"%.2f\" y1=\"%.2f\" "
              "x2=\"%.2f\" y2=\"%.2f\" stroke=\"#333333\" "
              "stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
              "<text x=\"%.2f\" y=\"%.2f\" font-size=\"12\" "
              "text-anchor=\"end\" fill=\"#333333\">",
              f.px, y, f.px + f.pw, y, f.px + f.pw - 6, y - 6);
    sb_xml(b, c->hline_label != NULL ? c->hline_label : "");
    sb_puts(b, "</text></g>\n");
  }

  /* the series */
  sb_printf(b, "<g class=\"series\" clip-path=\"url(#clip%d)\" fill=\"none\" "
               "stroke-width=\"2\" stroke-linejoin=\"round\">\n",
            index);
  for (size_t s = 0; s < c->n_series; s++) {
    const svg_series_t *se = &c->series[s];
    const char *colour = palette[s % 10];
    const char *dash = dashes[(s / 10) % 4];
    sb_printf(b, "<polyline class=\"curve\" stroke=\"%s\"", colour);
    if (dash[0] != '\0') {
      sb_printf(b, " stroke-dasharray=\"%s\"", dash);
    }
    sb_puts(b, " data-label=\"");
    sb_xml(b, se->label);
    sb_puts(b, "\" points=\"");
    series_points(b, &f, se);
    if (b->len > 0 && b->data[b->len - 1] == ' ') {
      b->len--;
    }
    sb_puts(b, "\"><title>");
    sb_xml(b, se->label);
    sb_puts(b, "</title></polyline>\n");
    if (se->markers) {
      for (size_t i = 0; i < se->n; i++) {
        if (isfinite(se->x[i]) && isfinite(se->y[i])) {
          sb_printf(b,
                    "<circle cx=\"%.2f\" cy=\"%.2f\" r=\"3\" fill=\"%s\" "
                    "stroke=\"none\"/>\n",
                    fx(&f, se->x[i]), fy(&f, se->y[i]), colour);
        }
      }
    }
  }
  sb_puts(b, "</g>\n");

  /* the legend */
  double lx = f.px + f.pw + 20, ly0 = f.py + 10;
  sb_puts(b, "<g class=\"legend\" font-size=\"12\">\n");
  size_t shown = c->n_series <= LEGEND_MAX + 1 ? c->n_series : LEGEND_MAX;
  for (size_t s = 0; s < shown; s++) {
    double y = ly0 + 20.0 * (double)s;
    const char *dash = dashes[(s / 10) % 4];
    sb_printf(b,
              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
              "stroke=\"%s\" stroke-width=\"3\"",
              lx, y, lx + 28, y, palette[s % 10]);
    if (dash[0] != '\0') {
      sb_printf(b, " stroke-dasharray=\"%s\"", dash);
    }
    sb_printf(b, "/><text x=\"%.2f\" y=\"%.2f\">", lx + 36, y + 4);
    label_text(b, c->series[s].label);
    sb_puts(b, "</text>\n");
  }
  if (shown < c->n_series) {
    sb_printf(b, "<text x=\"%.2f\" y=\"%.2f\">and %zu more</text>\n", lx + 36,
              ly0 + 20.0 * (double)shown + 4, c->n_series - shown);
  }
  if (c->hline) {
    double y = ly0 + 20.0 * (double)(shown + (shown < c->n_series ? 1 : 0));
    sb_printf(b,
              "<line x1=\"%.2f\" y1=\"%.2f\" x2=\"%.2f\" y2=\"%.2f\" "
              "stroke=\"#333333\" stroke-width=\"1.5\" "
              "stroke-dasharray=\"6 4\"/><text x=\"%.2f\" y=\"%.2f\">",
              lx, y, lx + 28, y, lx + 36, y + 4);
    label_text(b, c->hline_label != NULL ? c->hline_label : "");
    sb_puts(b, "</text>\n");
  }
  sb_puts(b, "</g>\n</g>\n");
}

void svg_render(sbuf_t *out, const char *title, const char *subtitle,
                const svg_chart_t *charts, size_t n_charts) {
  int height = TITLE_H + CHART_H * (int)n_charts;
  sb_puts(out, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
  sb_printf(out,
            "<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" "
            "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
            "font-family=\"sans-serif\">\n",
            FIG_W, height, FIG_W, height);
  sb_puts(out, "<title>");
  sb_xml(out, title);
  sb_puts(out, "</title>\n");
  sb_printf(out, "<rect width=\"%d\" height=\"%d\" fill=\"#ffffff\"/>\n",
            FIG_W, height);
  sb_printf(out,
            "<text class=\"title\" x=\"%d\" y=\"30\" font-size=\"20\" "
            "font-weight=\"bold\">",
            M_LEFT);
  sb_xml(out, title);
  sb_puts(out, "</text>\n");
  if (subtitle != NULL) {
    sb_printf(out,
              "<text class=\"subtitle\" x=\"%d\" y=\"54\" font-size=\"13\" "
              "fill=\"#444444\">",
              M_LEFT);
    sb_xml(out, subtitle);
    sb_puts(out, "</text>\n");
  }
  for (size_t i = 0; i < n_charts; i++) {
    chart(out, &charts[i], (int)i, TITLE_H + (double)CHART_H * (double)i);
  }
  sb_puts(out, "</svg>\n");
}
