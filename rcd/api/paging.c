/*
 * List parameters shared by every list endpoint: count/offset as
 * Rocket.Chat's getPaginationItems computes them, sort and fields as
 * allow-lists, and the refusal of the legacy "query" filter.
 */
#include "api.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/json.h"

/* A non-negative decimal query parameter; -1 when malformed. */
static int64_t param_uint(const char *s)
{
    char *end;
    long long v;

    if (!*s)
        return -1;
    for (const char *p = s; *p; p++)
        if (*p < '0' || *p > '9')
            return -1;
    errno = 0;
    v = strtoll(s, &end, 10);
    if (errno || *end)
        return -1;
    return v;
}

int api_paging(struct api_ctx *ctx, struct paging *pg, struct reply *out)
{
    const struct settings *s = ctx->app->settings;
    const char *count = req_query(ctx->req, "count");
    const char *offset = req_query(ctx->req, "offset");
    int64_t dflt = setting_int(s, "API_Default_Count");
    int64_t upper = setting_int(s, "API_Upper_Count_Limit");

    if (dflt <= 0)
        dflt = 50;
    if (upper <= 0)
        upper = 100;
    pg->offset = 0;
    pg->count = dflt;
    if (offset) {
        pg->offset = param_uint(offset);
        if (pg->offset < 0)
            return api_invalid_params(out, "'offset' must be a non-negative "
                                           "integer");
    }
    if (count) {
        pg->count = param_uint(count);
        if (pg->count < 0)
            return api_invalid_params(out, "'count' must be a non-negative "
                                           "integer");
        if (pg->count == 0 && !setting_bool(s, "API_Allow_Infinite_Count"))
            pg->count = dflt;
    }
    if (pg->count > upper)
        pg->count = upper;
    return 0;
}

int api_sort(struct api_ctx *ctx, const char *const *allowed,
             struct sort_key *keys, size_t max, size_t *n, struct reply *out)
{
    const char *raw = req_query(ctx->req, "sort");
    json_error_t jerr;
    const char *key;
    json_t *j, *v;
    int bad = 0;

    *n = 0;
    if (!raw)
        return 0;
    j = json_loads(raw, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(j) || json_object_size(j) > max)
        bad = 1;
    json_object_foreach(bad ? NULL : j, key, v) {
        size_t i;

        if (!json_is_integer(v) ||
            (json_integer_value(v) != 1 && json_integer_value(v) != -1)) {
            bad = 1;
            break;
        }
        for (i = 0; allowed[i] && strcmp(allowed[i], key) != 0; i++)
            ;
        if (!allowed[i]) {
            bad = 1;
            break;
        }
        keys[*n].field = allowed[i];    /* static: outlives the JSON */
        keys[*n].dir = (int)json_integer_value(v);
        (*n)++;
    }
    json_decref(j);
    if (bad) {
        *n = 0;
        return api_fail_details(out, 400, "error-invalid-sort",
                                json_pack("{s:s}", "helperMethod",
                                          "parseJsonQuery"),
                                "Invalid sort parameter provided: \"%s\"", raw);
    }
    return 0;
}

int api_fields(struct api_ctx *ctx, json_t **fields, struct reply *out)
{
    const char *raw = req_query(ctx->req, "fields");
    json_error_t jerr;
    const char *key;
    json_t *j, *v;

    *fields = NULL;
    if (!raw)
        return 0;
    j = json_loads(raw, JSON_REJECT_DUPLICATES, &jerr);
    if (!json_is_object(j))
        goto bad;
    json_object_foreach(j, key, v)
        if (!json_is_integer(v) ||
            (json_integer_value(v) != 0 && json_integer_value(v) != 1))
            goto bad;
    *fields = j;
    return 0;
bad:
    json_decref(j);
    return api_fail_details(out, 400, "error-invalid-fields",
                            json_pack("{s:s}", "helperMethod",
                                      "parseJsonQuery"),
                            "Invalid fields parameter provided: \"%s\"", raw);
}

void api_project(json_t *obj, const json_t *fields)
{
    const char *key;
    json_t *v;
    void *tmp;
    int include = 0;

    if (!fields || !json_object_size(fields))
        return;
    json_object_foreach((json_t *)fields, key, v)
        if (json_integer_value(v) == 1)
            include = 1;
    json_object_foreach_safe(obj, tmp, key, v) {
        json_t *f = json_object_get(fields, key);

        if (include ? (!f && strcmp(key, "_id") != 0)
                    : (f && json_integer_value(f) == 0))
            json_object_del(obj, key);
    }
}

int api_refuse_query(struct api_ctx *ctx, struct reply *out)
{
    const char *raw = req_query(ctx->req, "query");

    if (!raw)
        return 0;
    /* rcd never turns client JSON into query logic (RC's NoSQL-injection lesson) */
    return api_fail(out, 400, "error-invalid-query",
                    "The 'query' parameter is not supported; use the "
                    "endpoint's own filters");
}
