/* Rocket.Chat's response envelopes: success, failure, and the fixed errors. */
#include "api.h"

#include <stdarg.h>
#include <string.h>

#include "../../shared/buf.h"

static int set(struct reply *out, int status, json_t *body)
{
    json_decref(out->body);
    out->status = status;
    out->body = body;
    return status;
}

int api_ok(struct reply *out, json_t *obj)
{
    if (!obj)
        obj = json_object();
    /* "success" goes last, as Rocket.Chat's success() adds it */
    json_object_del(obj, "success");
    json_object_set_new(obj, "success", json_true());
    return set(out, 200, obj);
}

static int vfail(struct reply *out, int status, const char *type,
                 json_t *details, const char *fmt, va_list ap)
{
    struct buf msg = BUF_INIT;
    json_t *o = json_object();

    buf_vaddf(&msg, fmt, ap);
    if (type) {
        if (msg.len)
            buf_addc(&msg, ' ');
        buf_addf(&msg, "[%s]", type);
    }
    json_object_set_new(o, "success", json_false());
    json_object_set_new(o, "error", json_stringn(msg.data, msg.len));
    if (type)
        json_object_set_new(o, "errorType", json_string(type));
    if (details)
        json_object_set_new(o, "details", details);
    buf_release(&msg);
    return set(out, status, o);
}

int api_fail(struct reply *out, int status, const char *type,
             const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(out, status, type, NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int api_fail_details(struct reply *out, int status, const char *type,
                     json_t *details, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(out, status, type, details, fmt, ap);
    va_end(ap);
    return rc;
}

int api_invalid_params(struct reply *out, const char *fmt, ...)
{
    va_list ap;
    int rc;

    va_start(ap, fmt);
    rc = vfail(out, 400, "invalid-params", NULL, fmt, ap);
    va_end(ap);
    return rc;
}

int api_unauthorized(struct reply *out)
{
    static const char msg[] = "You must be logged in to do this.";

    return set(out, 401, json_pack("{s:b, s:s, s:s, s:s}", "success", 0,
                                   "status", "error", "message", msg,
                                   "error", msg));
}

int api_forbidden_route(struct reply *out)
{
    return set(out, 403, json_pack("{s:b, s:s}", "success", 0, "error",
        "User does not have the permissions required for this action "
        "[error-unauthorized]"));
}

int api_forbidden(struct reply *out)
{
    return set(out, 403, json_pack("{s:b, s:s}", "success", 0,
                                   "error", "unauthorized"));
}

int api_not_found(struct reply *out, const char *msg)
{
    return set(out, 404, json_pack("{s:b, s:s}", "success", 0, "error",
                                   msg ? msg : "Resource not found"));
}

int api_internal(struct reply *out)
{
    return set(out, 500, json_pack("{s:b, s:s}", "success", 0, "error",
                                   "Internal server error"));
}

int api_invalid_typed(struct reply *out, const char *msg)
{
    /* the newer typed routes: errorType set, but no "[code]" suffix */
    return set(out, 400, json_pack("{s:b, s:s, s:s}", "success", 0,
                                   "errorType", "error-invalid-params",
                                   "error", msg));
}
