/*
 * curve.c - a sweep's fault curves as a self-contained SVG: x is DRAM in
 * frames, y the major faults (file-read + swap-in) of the run, one line
 * and colour per policy, a mark per run with its numbers in a tooltip.
 * Depends only on the points: no times, no host names.
 */
#include "emu/trace/curve.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define W 720.0
#define H 420.0
#define LEFT 80.0
#define RIGHT 130.0
#define TOP 30.0
#define BOTTOM 50.0

static const char *const colours[] = {"#4e79a7", "#e15759", "#59a14f", "#f28e2b"};

/* A round step near span / 5. */
static double tick_step(double span)
{
    double step = 1;
    while (step * 10 <= span / 2)
        step *= 10;
    if (step * 5 <= span / 2)
        step *= 5;
    else if (step * 2 <= span / 2)
        step *= 2;
    return step;
}

struct frame {
    double x0, x1, y1; /* frames from x0 to x1, faults from 0 to y1 */
};

static double px(const struct frame *f, double frames)
{
    return LEFT + (frames - f->x0) / (f->x1 - f->x0) * (W - LEFT - RIGHT);
}

static double py(const struct frame *f, double faults)
{
    return H - BOTTOM - faults / f->y1 * (H - TOP - BOTTOM);
}

static void axes(FILE *o, const struct frame *f)
{
    fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", LEFT,
            H - BOTTOM, W - RIGHT, H - BOTTOM);
    fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#333\"/>\n", LEFT,
            TOP, LEFT, H - BOTTOM);
    double xs = tick_step(f->x1 - f->x0), ys = tick_step(f->y1);
    for (double t = xs * (double)(long long)(f->x0 / xs); t <= f->x1; t += xs)
        if (t >= f->x0)
            fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">%.0f</text>\n",
                    px(f, t), H - BOTTOM + 16, t);
    for (double t = 0; t <= f->y1; t += ys)
        fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\">%.0f</text>\n"
                   "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"#ddd\"/>\n",
                LEFT - 6, py(f, t) + 4, t, LEFT, py(f, t), W - RIGHT, py(f, t));
    fprintf(o, "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\">DRAM (frames of 4 KiB)</text>\n",
            (LEFT + W - RIGHT) / 2, H - 12);
    fprintf(o, "<text x=\"16\" y=\"%.1f\" transform=\"rotate(-90 16 %.1f)\" "
               "text-anchor=\"middle\">major faults (file-read + swap-in)</text>\n",
            (TOP + H - BOTTOM) / 2, (TOP + H - BOTTOM) / 2);
}

/* The line and marks of policy pol (its points in order), colour c, and
 * its legend entry as the k-th. */
static void policy_curve(FILE *o, const struct frame *f, const struct curve_point *pts, size_t n,
                         const char *pol, const char *c, size_t k)
{
    fprintf(o, "<g class=\"policy\" id=\"policy-%s\">\n<polyline fill=\"none\" stroke=\"%s\" "
               "stroke-width=\"2\" points=\"", pol, c);
    for (size_t i = 0; i < n; i++)
        if (strcmp(pts[i].policy, pol) == 0)
            fprintf(o, "%.1f,%.1f ", px(f, pts[i].frames), py(f, (double)pts[i].major));
    fprintf(o, "\"/>\n");
    for (size_t i = 0; i < n; i++)
        if (strcmp(pts[i].policy, pol) == 0)
            fprintf(o, "<circle class=\"point\" cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"%s\">"
                       "<title>%s, %u frames: %llu major, %llu swap-out, %llu minor</title>"
                       "</circle>\n",
                    px(f, pts[i].frames), py(f, (double)pts[i].major), c, pol, pts[i].frames,
                    (unsigned long long)pts[i].major,
                    (unsigned long long)pts[i].ev[VM_EV_SWAP_OUT],
                    (unsigned long long)pts[i].minor);
    double ly = TOP + 10 + 18.0 * (double)k;
    fprintf(o, "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
               "stroke-width=\"2\"/><text x=\"%.1f\" y=\"%.1f\">%s</text>\n</g>\n",
            W - RIGHT + 14, ly, W - RIGHT + 34, ly, c, W - RIGHT + 40, ly + 4, pol);
}

int curve_svg(const char *path, const struct curve_point *pts, size_t n, char *err,
              size_t errlen)
{
    struct frame f = {pts[0].frames, pts[0].frames, 1};
    for (size_t i = 0; i < n; i++) {
        if (pts[i].frames < f.x0)
            f.x0 = pts[i].frames;
        if (pts[i].frames > f.x1)
            f.x1 = pts[i].frames;
        if ((double)pts[i].major > f.y1)
            f.y1 = (double)pts[i].major;
    }
    if (f.x1 == f.x0)
        f.x1 = f.x0 + 1;
    f.y1 *= 1.05;
    FILE *o = fopen(path, "w");
    if (!o) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    fprintf(o, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
               "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%.0f\" height=\"%.0f\" "
               "viewBox=\"0 0 %.0f %.0f\" font-family=\"sans-serif\" font-size=\"11\">\n"
               "<rect width=\"100%%\" height=\"100%%\" fill=\"white\"/>\n"
               "<text x=\"%.1f\" y=\"18\" font-size=\"13\">major faults over DRAM size</text>\n",
            W, H, W, H, LEFT);
    axes(o, &f);
    size_t k = 0;
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(pts[j].policy, pts[i].policy) == 0;
        if (!seen) {
            policy_curve(o, &f, pts, n, pts[i].policy, colours[k % 4], k);
            k++;
        }
    }
    fprintf(o, "</svg>\n");
    if (fclose(o) != 0) {
        snprintf(err, errlen, "cannot write %s: %s", path, strerror(errno));
        return -1;
    }
    return 0;
}
