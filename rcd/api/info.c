/* GET /api/info and /api/v1/info: the server's version, more for admins. */
#include "api.h"

#include <string.h>

/* The Rocket.Chat version whose REST API rcd speaks. */
#define RC_COMPAT_VERSION "7.4.0"

int api_info(struct api_ctx *ctx, struct reply *out)
{
    json_t *o;

    o = json_pack("{s:s, s:{s:s, s:s}}", "version", "7.4",
                  "minimumClientVersions", "desktop", "3.9.6",
                  "mobile", "4.39.0");
    if (ctx->user && has_permission(ctx, ctx->user, "view-statistics", NULL)) {
        json_object_set_new(o, "version", json_string(RC_COMPAT_VERSION));
        json_object_set_new(o, "info",
            json_pack("{s:s, s:{s:s, s:s}, s:{}, s:s, s:s}",
                      "version", RC_COMPAT_VERSION,
                      "build", "platform", "linux", "arch", "x86_64",
                      "commit", "marketplaceApiVersion", "1.0.0",
                      "server", "rcd " RCD_VERSION));
    }
    return api_ok(out, o);
}
