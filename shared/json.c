/* jansson helpers shared by rcd and rcctl. */
#include "json.h"

#include <stdlib.h>

#include "buf.h"
#include "xalloc.h"

void json_setup(void)
{
    json_set_alloc_funcs(xmalloc, free);
}

static int dump_cb(const char *p, size_t n, void *data)
{
    buf_add(data, p, n);
    return 0;
}

void json_dump_buf(struct buf *b, const json_t *j)
{
    json_dump_callback(j, dump_cb, b,
                       JSON_COMPACT | JSON_PRESERVE_ORDER | JSON_ENCODE_ANY);
}

const char *json_str(const json_t *obj, const char *key)
{
    json_t *v = json_object_get(obj, key);

    return json_is_string(v) ? json_string_value(v) : NULL;
}

json_t *json_parse(const char *data, size_t len, json_error_t *err)
{
    return json_loadb(data, len, JSON_REJECT_DUPLICATES, err);
}
