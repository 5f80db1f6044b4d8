/*
 * Output writers: every command that prints data opens one with its column
 * list, feeds it JSON objects one at a time as they arrive, and finishes it.
 * Formats: table, tsv, json, ndjson, csv, ids. Knows nothing of HTTP.
 */
#ifndef RCCTL_OUTPUT_H
#define RCCTL_OUTPUT_H

#include <stdio.h>

#include <jansson.h>

enum output_format {
    OUTPUT_AUTO = 0,   /* table when the stream is a tty, else tsv */
    OUTPUT_TABLE,      /* aligned columns with a header; for people */
    OUTPUT_TSV,        /* header + tab-separated rows; \t \n \r \\ escaped */
    OUTPUT_JSON,       /* one document: an object, or an array for a list */
    OUTPUT_NDJSON,     /* one compact object per line, streamed */
    OUTPUT_CSV,        /* RFC 4180, CRLF line ends, header row */
    OUTPUT_IDS,        /* the _id of each item, one per line */
};

struct output_opts {
    enum output_format format;
    const char *columns;   /* --columns "a,b.c"; NULL: the command's default */
    int no_header;         /* --no-header: no header row (table, tsv, csv) */
    int csv_guard;         /* --csv-guard: ' before cells starting = + - @ */
    int list_columns;      /* --list-columns: print column names, not data */
};

struct output;

/*
 * Parse a format name ("table", "tsv", "json", "ndjson", "csv", "ids") into
 * *out. Returns 0, or -1 for an unknown name.
 */
int output_format_parse(const char *name, enum output_format *out);

/* Comma-separated names of every format, for help and completion. */
extern const char output_format_names[];

/*
 * Open a writer on fp (borrowed; must outlive the writer). The columns come
 * from opts->columns, else default_columns (comma-separated dotted paths),
 * else the top-level keys of the first item. is_list says whether the
 * command prints a list (json then emits an array) or a single object.
 * Nothing is written until the first item (table may buffer its first
 * rows to size the columns). Returns the writer; free it with
 * output_finish().
 */
struct output *output_new(FILE *fp, const struct output_opts *opts,
                          const char *default_columns, int is_list);

/*
 * Write one item (borrowed; typically a JSON object). Column values are
 * looked up by dotted path: strings print as is, other values as compact
 * JSON, missing or null values as the empty string.
 */
void output_item(struct output *o, const json_t *item);

/*
 * Write what is still buffered and the closing part (json's "]"), flush,
 * and free the writer. Returns 0, or -1 when writing to the stream failed
 * (errno set). Accepts NULL.
 */
int output_finish(struct output *o);

/*
 * The value at a dotted path ("emails.0.address") in item, or NULL when
 * absent. Numeric parts index arrays; keys that contain dots themselves
 * are found too. Borrowed from item.
 */
const json_t *output_lookup(const json_t *item, const char *path);

#endif
