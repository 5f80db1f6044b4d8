/*
 * The output writers behind --format: items go in one at a time and are
 * written as they come (table buffers its first rows to size the columns).
 * Data only; diagnostics never pass through here.
 */
#include "output.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/json.h"
#include "../shared/xalloc.h"

#define TABLE_SAMPLE_ROWS 100   /* rows buffered to compute column widths */
#define TABLE_MAX_WIDTH 60      /* code points; longer cells are cut */
#define LIST_COLUMNS_SAMPLE 100 /* items looked at by --list-columns */
#define LIST_COLUMNS_DEPTH 3    /* path segments shown by --list-columns */

const char output_format_names[] = "table,tsv,json,ndjson,csv,ids";

static const struct {
    const char *name;
    enum output_format format;
} formats[] = {
    { "table", OUTPUT_TABLE }, { "tsv", OUTPUT_TSV },
    { "json", OUTPUT_JSON },   { "ndjson", OUTPUT_NDJSON },
    { "csv", OUTPUT_CSV },     { "ids", OUTPUT_IDS },
};

struct output {
    FILE *fp;                  /* borrowed */
    enum output_format format;
    int no_header;
    int csv_guard;
    int list_columns;
    int is_list;
    int explicit_columns;      /* the columns came from --columns */
    char **cols;               /* owned; NULL until known */
    size_t ncols;
    size_t nitems;             /* items written so far */
    int header_done;
    struct buf line;           /* scratch for one rendered row */
    char **cells;              /* table: buffered rows, nrows * ncols */
    size_t nrows;
    size_t *width;             /* table: code points per column */
    int widths_fixed;          /* table: sample done, rows stream */
    char **seen;               /* --list-columns: paths seen, owned */
    size_t nseen;
};

int output_format_parse(const char *name, enum output_format *out)
{
    for (size_t i = 0; i < ARRAY_SIZE(formats); i++) {
        if (!strcmp(name, formats[i].name)) {
            *out = formats[i].format;
            return 0;
        }
    }
    return -1;
}

static void cols_add(char ***cols, size_t *n, const char *s, size_t len)
{
    *cols = xrealloc(*cols, (*n + 1) * sizeof(**cols));
    (*cols)[(*n)++] = xstrndup(s, len);
}

/* Split "a, b.c" into columns; blanks around names and empty names dropped. */
static void cols_parse(struct output *o, const char *spec)
{
    const char *p = spec;

    while (*p) {
        const char *end = strchr(p, ',');
        const char *a = p, *b;

        if (!end)
            end = p + strlen(p);
        b = end;
        while (a < b && isspace((unsigned char)*a))
            a++;
        while (b > a && isspace((unsigned char)b[-1]))
            b--;
        if (b > a)
            cols_add(&o->cols, &o->ncols, a, (size_t)(b - a));
        p = *end ? end + 1 : end;
    }
}

struct output *output_new(FILE *fp, const struct output_opts *opts,
                          const char *default_columns, int is_list)
{
    struct output *o = xcalloc(1, sizeof(*o));

    o->fp = fp;
    o->format = opts->format;
    if (o->format == OUTPUT_AUTO)
        o->format = isatty(fileno(fp)) ? OUTPUT_TABLE : OUTPUT_TSV;
    o->no_header = opts->no_header;
    o->csv_guard = opts->csv_guard;
    o->list_columns = opts->list_columns;
    o->is_list = is_list;
    buf_init(&o->line);
    if (o->format == OUTPUT_IDS) {
        cols_add(&o->cols, &o->ncols, "_id", 3);
    } else if (opts->columns) {
        cols_parse(o, opts->columns);
        o->explicit_columns = 1;
    } else if (default_columns) {
        cols_parse(o, default_columns);
    }
    return o;
}

const json_t *output_lookup(const json_t *item, const char *path)
{
    const char *dot;
    const json_t *v;

    if (!item || !*path)
        return NULL;
    if (json_is_object(item)) {
        v = json_object_get(item, path);
        if (v)
            return v;
        /* Split at each dot in turn, so keys holding dots are found. */
        for (dot = strchr(path, '.'); dot; dot = strchr(dot + 1, '.')) {
            v = json_object_getn(item, path, (size_t)(dot - path));
            v = v ? output_lookup(v, dot + 1) : NULL;
            if (v)
                return v;
        }
        return NULL;
    }
    if (json_is_array(item)) {
        size_t idx = 0, n = 0;

        for (; isdigit((unsigned char)path[n]); n++) {
            if (idx > ((size_t)-1 - 9) / 10)
                return NULL;
            idx = idx * 10 + (size_t)(path[n] - '0');
        }
        if (n == 0 || (path[n] && path[n] != '.'))
            return NULL;
        v = json_array_get(item, idx);
        return path[n] ? output_lookup(v, path + n + 1) : v;
    }
    return NULL;
}

/* Compact JSON of any value; json_dump_buf() takes only containers. */
static void add_json(struct buf *b, const json_t *v)
{
    char *s;

    if (json_is_object(v) || json_is_array(v)) {
        json_dump_buf(b, v);
        return;
    }
    s = json_dumps(v, JSON_COMPACT | JSON_ENCODE_ANY);
    buf_adds(b, s);
    free(s);
}

/* Append the text form of v: strings raw, null/missing empty, else JSON. */
static void render_value(struct buf *b, const json_t *v)
{
    if (!v || json_is_null(v))
        return;
    if (json_is_string(v))
        buf_add(b, json_string_value(v), json_string_length(v));
    else
        add_json(b, v);
}

/* Escape so that a value stays on one line and in one tab-separated cell. */
static void add_escaped(struct buf *b, const char *s, size_t len, int table)
{
    for (size_t i = 0; i < len; i++) {
        unsigned char c = (unsigned char)s[i];

        switch (c) {
        case '\\': buf_adds(b, table ? "\\" : "\\\\"); break;
        case '\t': buf_adds(b, "\\t"); break;
        case '\n': buf_adds(b, "\\n"); break;
        case '\r': buf_adds(b, "\\r"); break;
        default:
            buf_addc(b, table && c < 0x20 ? '?' : (char)c);
            break;
        }
    }
}

/* RFC 4180: quote when the field holds , " CR or LF; double inner quotes. */
static void add_csv_field(struct buf *b, const char *s, size_t len, int guard)
{
    int quote = 0;

    if (guard && len && strchr("=+-@", s[0])) {
        struct buf g = BUF_INIT;

        buf_addc(&g, '\'');
        buf_add(&g, s, len);
        add_csv_field(b, g.data, g.len, 0);
        buf_release(&g);
        return;
    }
    for (size_t i = 0; i < len && !quote; i++)
        quote = s[i] == ',' || s[i] == '"' || s[i] == '\r' || s[i] == '\n';
    if (!quote) {
        buf_add(b, s, len);
        return;
    }
    buf_addc(b, '"');
    for (size_t i = 0; i < len; i++) {
        if (s[i] == '"')
            buf_addc(b, '"');
        buf_addc(b, s[i]);
    }
    buf_addc(b, '"');
}

/* Code points in a UTF-8 string (continuation bytes not counted). */
static size_t text_width(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xC0) != 0x80;
    return n;
}

/* Cut s (owned) to at most max code points, ending in an ellipsis if cut. */
static char *text_cut(char *s, size_t max)
{
    size_t n = 0, i = 0;
    struct buf b = BUF_INIT;

    if (text_width(s) <= max)
        return s;
    for (; s[i]; i++) {
        if (((unsigned char)s[i] & 0xC0) != 0x80 && ++n == max)
            break;
    }
    buf_add(&b, s, i);
    buf_adds(&b, "\xe2\x80\xa6");   /* U+2026 HORIZONTAL ELLIPSIS */
    free(s);
    return buf_detach(&b, NULL);
}

static void write_buf(struct output *o, const struct buf *b)
{
    fwrite(b->data, 1, b->len, o->fp);
}

/* Columns not given: the first item's top-level keys. */
static void cols_from_item(struct output *o, const json_t *item)
{
    const char *key;
    json_t *v;

    if (!json_is_object(item))
        return;
    json_object_foreach((json_t *)item, key, v) {
        if (strcmp(key, "success"))
            cols_add(&o->cols, &o->ncols, key, strlen(key));
    }
}

static void table_print_row(struct output *o, char **row)
{
    buf_reset(&o->line);
    for (size_t c = 0; c < o->ncols; c++) {
        buf_adds(&o->line, row[c]);
        if (c + 1 < o->ncols) {
            size_t w = text_width(row[c]);

            /* A row past the sample may be wider: still one blank. */
            do
                buf_addc(&o->line, ' ');
            while (++w < o->width[c] + 2);
        }
    }
    buf_addc(&o->line, '\n');
    write_buf(o, &o->line);
}

static void table_free_row(struct output *o, char **row)
{
    for (size_t c = 0; c < o->ncols; c++)
        free(row[c]);
}

/* Size the columns from the header and the buffered rows, then print. */
static void table_flush(struct output *o)
{
    char **hdr = xcalloc(o->ncols, sizeof(*hdr));

    for (size_t c = 0; c < o->ncols; c++) {
        struct buf b = BUF_INIT;

        for (const char *p = o->cols[c]; *p; p++)
            buf_addc(&b, (char)toupper((unsigned char)*p));
        hdr[c] = buf_detach(&b, NULL);
        if (!o->no_header)
            o->width[c] = text_width(hdr[c]);
    }
    for (size_t r = 0; r < o->nrows; r++) {
        for (size_t c = 0; c < o->ncols; c++) {
            size_t w = text_width(o->cells[r * o->ncols + c]);

            if (w > o->width[c])
                o->width[c] = w;
        }
    }
    if (!o->no_header)
        table_print_row(o, hdr);
    table_free_row(o, hdr);
    free(hdr);
    for (size_t r = 0; r < o->nrows; r++) {
        table_print_row(o, o->cells + r * o->ncols);
        table_free_row(o, o->cells + r * o->ncols);
    }
    free(o->cells);
    o->cells = NULL;
    o->nrows = 0;
    o->widths_fixed = 1;
}

static void table_item(struct output *o, const json_t *item)
{
    char **row = xcalloc(o->ncols, sizeof(*row));

    if (!o->width)
        o->width = xcalloc(o->ncols, sizeof(*o->width));
    for (size_t c = 0; c < o->ncols; c++) {
        struct buf raw = BUF_INIT, cell = BUF_INIT;

        render_value(&raw, output_lookup(item, o->cols[c]));
        add_escaped(&cell, raw.data, raw.len, 1);
        buf_release(&raw);
        row[c] = text_cut(buf_detach(&cell, NULL), TABLE_MAX_WIDTH);
    }
    if (o->widths_fixed) {
        table_print_row(o, row);
        table_free_row(o, row);
    } else {
        o->cells = xrealloc(o->cells,
                            (o->nrows + 1) * o->ncols * sizeof(*o->cells));
        memcpy(o->cells + o->nrows * o->ncols, row,
               o->ncols * sizeof(*row));
        o->nrows++;
        if (o->nrows >= TABLE_SAMPLE_ROWS)
            table_flush(o);
    }
    free(row);
}

/* One row of tsv or csv, the header row when item is NULL. */
static void sv_row(struct output *o, const json_t *item)
{
    int csv = o->format == OUTPUT_CSV;
    struct buf raw = BUF_INIT;

    buf_reset(&o->line);
    for (size_t c = 0; c < o->ncols; c++) {
        if (c)
            buf_addc(&o->line, csv ? ',' : '\t');
        buf_reset(&raw);
        if (item)
            render_value(&raw, output_lookup(item, o->cols[c]));
        else
            buf_adds(&raw, o->cols[c]);
        if (csv)
            add_csv_field(&o->line, raw.data, raw.len, item && o->csv_guard);
        else
            add_escaped(&o->line, raw.data, raw.len, 0);
    }
    buf_adds(&o->line, csv ? "\r\n" : "\n");
    write_buf(o, &o->line);
    buf_release(&raw);
}

/* --columns given: the item cut down to them, keyed by path. */
static json_t *project(const struct output *o, const json_t *item)
{
    json_t *obj = json_object();

    for (size_t c = 0; c < o->ncols; c++) {
        const json_t *v = output_lookup(item, o->cols[c]);

        json_object_set_new(obj, o->cols[c],
                            v ? json_deep_copy(v) : json_null());
    }
    return obj;
}

static void json_item(struct output *o, const json_t *item)
{
    json_t *shown = o->explicit_columns ? project(o, item) : NULL;
    const json_t *j = shown ? shown : item;
    buf_reset(&o->line);
    if (o->format == OUTPUT_NDJSON) {
        add_json(&o->line, j);
        buf_addc(&o->line, '\n');
    } else {
        char *s = json_dumps(j, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
                                    JSON_ENCODE_ANY);

        if (!o->is_list) {
            if (o->nitems)
                BUG("second item on a single-object json writer");
            buf_adds(&o->line, s);
            buf_addc(&o->line, '\n');
        } else {
            /* Indent the item's lines by two so the array reads well. */
            buf_adds(&o->line, o->nitems ? ",\n  " : "[\n  ");
            for (const char *p = s; *p; p++) {
                buf_addc(&o->line, *p);
                if (*p == '\n')
                    buf_adds(&o->line, "  ");
            }
        }
        free(s);
    }
    write_buf(o, &o->line);
    json_decref(shown);
}

static void seen_add(struct output *o, const char *path)
{
    for (size_t i = 0; i < o->nseen; i++) {
        if (!strcmp(o->seen[i], path))
            return;
    }
    cols_add(&o->seen, &o->nseen, path, strlen(path));
}

/* Record every dotted path under v; arrays show their first element. */
static void seen_walk(struct output *o, struct buf *path, const json_t *v,
                      int depth)
{
    size_t mark = path->len;
    const char *key;
    json_t *child;

    if (depth >= LIST_COLUMNS_DEPTH)
        return;
    if (json_is_object(v)) {
        json_object_foreach((json_t *)v, key, child) {
            if (!depth && !strcmp(key, "success"))
                continue;
            if (depth)
                buf_addc(path, '.');
            buf_adds(path, key);
            seen_add(o, path->data);
            seen_walk(o, path, child, depth + 1);
            path->len = mark;
            path->data[mark] = '\0';
        }
    } else if (json_is_array(v) && json_array_size(v) &&
               (json_is_object(json_array_get(v, 0)) ||
                json_is_array(json_array_get(v, 0)))) {
        buf_adds(path, ".0");
        seen_walk(o, path, json_array_get(v, 0), depth + 1);
        path->len = mark;
        path->data[mark] = '\0';
    }
}

void output_item(struct output *o, const json_t *item)
{
    if (o->list_columns) {
        struct buf path = BUF_INIT;

        if (o->nitems++ < LIST_COLUMNS_SAMPLE)
            seen_walk(o, &path, item, 0);
        buf_release(&path);
        return;
    }
    if (!o->cols)
        cols_from_item(o, item);
    if (!o->ncols && o->format != OUTPUT_JSON && o->format != OUTPUT_NDJSON) {
        o->nitems++;   /* nothing to show of a scalar or an empty object */
        return;
    }
    switch (o->format) {
    case OUTPUT_TABLE:
        table_item(o, item);
        break;
    case OUTPUT_TSV:
    case OUTPUT_CSV:
        if (!o->header_done && !o->no_header)
            sv_row(o, NULL);
        o->header_done = 1;
        sv_row(o, item);
        break;
    case OUTPUT_JSON:
    case OUTPUT_NDJSON:
        json_item(o, item);
        break;
    case OUTPUT_IDS: {
        const json_t *id = output_lookup(item, "_id");

        if (id && !json_is_null(id)) {
            buf_reset(&o->line);
            render_value(&o->line, id);
            buf_addc(&o->line, '\n');
            write_buf(o, &o->line);
        }
        break;
    }
    case OUTPUT_AUTO:
        BUG("output format not resolved");
    }
    o->nitems++;
}

static void free_strv(char **v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i]);
    free(v);
}

int output_finish(struct output *o)
{
    int rc;

    if (!o)
        return 0;
    if (o->list_columns) {
        char **names = o->nseen ? o->seen : o->cols;
        size_t n = o->nseen ? o->nseen : o->ncols;

        for (size_t i = 0; i < n; i++)
            fprintf(o->fp, "%s\n", names[i]);
    } else if (o->format == OUTPUT_TABLE && !o->widths_fixed && o->nrows) {
        table_flush(o);
    } else if (o->format == OUTPUT_JSON && o->is_list) {
        fputs(o->nitems ? "\n]\n" : "[]\n", o->fp);
    } else if ((o->format == OUTPUT_TSV || o->format == OUTPUT_CSV) &&
               !o->header_done && !o->no_header && o->ncols) {
        sv_row(o, NULL);   /* an empty list still names its columns */
    }
    rc = fflush(o->fp) || ferror(o->fp) ? -1 : 0;
    if (rc && !errno)
        errno = EIO;
    free_strv(o->cols, o->ncols);
    free_strv(o->seen, o->nseen);
    free(o->width);
    buf_release(&o->line);
    free(o);
    return rc;
}
