/*
 * Small helpers over jansson: the aborting allocator, dumping into a buf,
 * and typed lookups that return NULL on a missing key or a wrong type.
 */
#ifndef RCD_SHARED_JSON_H
#define RCD_SHARED_JSON_H

#include <jansson.h>

struct buf;

/* Route jansson's allocations through xmalloc; call once at start-up. */
void json_setup(void);
/* Append the compact serialisation of j to b (no trailing newline). */
void json_dump_buf(struct buf *b, const json_t *j);
/* The string at obj[key], or NULL when absent or not a string. */
const char *json_str(const json_t *obj, const char *key);
/* Parse a whole buffer; NULL (and err filled) on bad JSON. Depth-limited. */
json_t *json_parse(const char *data, size_t len, json_error_t *err);

#endif
