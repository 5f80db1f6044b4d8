/*
 * roles.list, roles.addUserToRole, roles.removeUserFromRole,
 * roles.getUsersInRole, permissions.listAll and permissions.update.
 * Room-scoped roles (owner, moderator, leader) live in subscriptions and
 * are managed through the rooms endpoints.
 */
#include "api.h"

#include <string.h>

#include "../../shared/json.h"
#include "../../shared/timeutil.h"

int api_roles_list(struct api_ctx *ctx, struct reply *out)
{
    (void)ctx;
    return api_ok(out, json_pack("{s:o}", "roles", roles_to_json()));
}

/* roleId, or the older roleName; NULL (and a reply set) when malformed. */
static const char *role_param(struct api_ctx *ctx, struct reply *out,
                              int *status)
{
    json_t *id = json_object_get(ctx->body, "roleId");
    json_t *name = json_object_get(ctx->body, "roleName");

    *status = 0;
    if ((id && !json_is_string(id)) || (name && !json_is_string(name))) {
        *status = api_invalid_params(out, "'roleId' must be string");
        return NULL;
    }
    return id ? json_string_value(id) : json_string_value(name);
}

/* The target user from "username" (required, string). */
static int user_param(struct api_ctx *ctx, struct user *u, struct reply *out)
{
    json_t *jn = json_object_get(ctx->body, "username");

    if (!jn)
        return api_invalid_params(out, "must have required property "
                                       "'username'");
    if (!json_is_string(jn))
        return api_invalid_params(out, "'username' must be string");
    switch (store_user_by_username(ctx->store, json_string_value(jn), u)) {
    case ERR_OK:
        return 0;
    case ERR_NOT_FOUND:
        return api_fail(out, 400, "error-invalid-user",
                        "There is no user with this username");
    default:
        return api_internal(out);
    }
}

int api_roles_add_user(struct api_ctx *ctx, struct reply *out)
{
    struct user u = USER_INIT;
    const char *role, *scope;
    json_t *room = json_object_get(ctx->body, "roomId");
    int status;

    role = role_param(ctx, out, &status);
    if (status)
        return status;
    if (room && !json_is_string(room))
        return api_invalid_params(out, "'roomId' must be string");
    if (!json_object_get(ctx->body, "username"))
        return api_invalid_params(out, "must have required property "
                                       "'username'");
    if (!role) {
        json_decref(out->body);
        out->status = 400;
        out->body = json_pack("{s:b, s:s}", "success", 0, "error",
                              "error-invalid-role-properties");
        return 400;
    }
    if (!has_permission(ctx, ctx->user, "access-permissions", NULL))
        return api_fail_details(out, 400, "error-action-not-allowed",
                                json_pack("{s:s, s:s}", "method",
                                          "authorization:addUserToRole",
                                          "action", "Accessing_permissions"),
                                "Accessing permissions is not allowed");
    scope = role_scope(role);
    if (!scope) {
        /* Rocket.Chat passes these two the wrong way round; clients match it */
        json_decref(out->body);
        out->status = 400;
        out->body = json_pack("{s:b, s:s, s:s}", "success", 0, "error",
                              "error-role-not-found", "errorType",
                              "Role not found");
        return 400;
    }
    if (strcmp(role, "admin") == 0 &&
        !has_permission(ctx, ctx->user, "assign-admin-role", NULL))
        return api_fail_details(out, 400, "error-action-not-allowed",
                                json_pack("{s:s, s:s}", "method",
                                          "authorization:addUserToRole",
                                          "action", "Assign_admin"),
                                "Assigning admin is not allowed");
    if (strcmp(scope, "Users") != 0)
        return api_fail(out, 400, "error-invalid-role-scope",
                        "Room roles are set through the room's addOwner, "
                        "addModerator and addLeader endpoints");
    status = user_param(ctx, &u, out);
    if (status)
        return status;
    switch (store_user_role_add(ctx->store, u.rid, role)) {
    case ERR_OK:
        status = api_ok(out, json_pack("{s:o}", "role", role_to_json(role)));
        break;
    case ERR_EXISTS:
        status = api_fail_details(out, 400, "error-user-already-in-role",
                                  json_pack("{s:s}", "method",
                                            "authorization:addUserToRole"),
                                  "User already in role");
        break;
    default:
        status = api_internal(out);
        break;
    }
    user_release(&u);
    return status;
}

int api_roles_remove_user(struct api_ctx *ctx, struct reply *out)
{
    struct user u = USER_INIT;
    const char *role;
    json_t *scope = json_object_get(ctx->body, "scope");
    int64_t admins = 0;
    int status;

    role = role_param(ctx, out, &status);
    if (status)
        return status;
    if (scope && !json_is_string(scope))
        return api_invalid_params(out, "'scope' must be string");
    if (!json_object_get(ctx->body, "username"))
        return api_invalid_params(out, "must have required property "
                                       "'username'");
    status = user_param(ctx, &u, out);
    if (status)
        return status;
    if (!role || !role_scope(role)) {
        status = api_fail(out, 400, "error-invalid-roleId",
                          "This role does not exist");
        goto out;
    }
    if (!user_has_role(&u, role)) {
        status = api_fail(out, 400, "error-user-not-in-role",
                          "User is not in this role");
        goto out;
    }
    if (strcmp(role, "admin") == 0 &&
        (store_users_with_role(ctx->store, "admin", 0, &admins) ||
         admins <= 1)) {
        status = admins <= 1 && admins >= 0
            ? api_fail(out, 400, "error-admin-required",
                       "You need to have at least one admin")
            : api_internal(out);
        goto out;
    }
    if (store_user_role_remove(ctx->store, u.rid, role)) {
        status = api_internal(out);
        goto out;
    }
    status = api_ok(out, json_pack("{s:o}", "role", role_to_json(role)));
out:
    user_release(&u);
    return status;
}

static void role_user_json(void *arg, const struct user *u)
{
    char created[ISO_TIME_LEN + 1], updated[ISO_TIME_LEN + 1];
    json_t *emails = json_array();

    iso_time(u->created_at, created);
    iso_time(u->updated_at, updated);
    if (u->email)
        json_array_append_new(emails, json_pack("{s:s, s:b}", "address",
                                                u->email, "verified",
                                                u->email_verified));
    json_array_append_new(arg, json_pack("{s:s, s:s, s:s, s:o, s:s, s:s}",
                                         "_id", u->id, "name", u->name,
                                         "username", u->username, "emails",
                                         emails, "createdAt", created,
                                         "_updatedAt", updated));
}

int api_roles_users_in_role(struct api_ctx *ctx, struct reply *out)
{
    const char *role = req_query(ctx->req, "role");
    struct paging pg;
    json_t *users;
    int64_t total;
    int status;

    if (!role || !*role)
        return api_fail(out, 400, "error-param-not-provided",
                        "Query param \"role\" is required");
    if (req_query(ctx->req, "roomId"))
        return api_fail(out, 400, "error-invalid-role-scope",
                        "Room roles are listed by the room's roles endpoint");
    status = api_paging(ctx, &pg, out);
    if (status)
        return status;
    if (!role_scope(role))
        return api_fail(out, 400, "error-invalid-roleId",
                        "This role does not exist");
    users = json_array();
    if (store_users_in_role(ctx->store, role, pg.offset, pg.count,
                            role_user_json, users, &total)) {
        json_decref(users);
        return api_internal(out);
    }
    return api_ok(out, json_pack("{s:o, s:I}", "users", users, "total",
                                 (json_int_t)total));
}

int api_permissions_list_all(struct api_ctx *ctx, struct reply *out)
{
    const char *since = req_query(ctx->req, "updatedSince");
    int64_t ms = -1;

    if (since && iso_parse(since, &ms))
        return api_invalid_typed(out, "The \"updatedSince\" query "
                                      "parameter must be a valid date.");
    return api_ok(out, json_pack("{s:o, s:[]}", "update",
                                 permissions_to_json(ctx->app->perms, ms),
                                 "remove"));
}

int api_permissions_update(struct api_ctx *ctx, struct reply *out)
{
    json_t *list = json_object_get(ctx->body, "permissions"), *p, *r;
    size_t i, j;

    if (!json_is_array(list))
        return api_invalid_params(out, "must have required property "
                                       "'permissions'");
    /* validate everything first so a bad entry changes nothing */
    json_array_foreach(list, i, p) {
        json_t *roles = json_object_get(p, "roles");

        if (!json_is_object(p) || !json_is_string(json_object_get(p, "_id")) ||
            !json_is_array(roles))
            return api_invalid_params(out, "each permission needs _id "
                                           "(string) and roles (array)");
        if (!permission_exists(json_str(p, "_id")))
            return api_fail(out, 400, "error-invalid-permission",
                            "Invalid permission");
        json_array_foreach(roles, j, r)
            if (!json_is_string(r) || !role_scope(json_string_value(r)))
                return api_fail(out, 400, "error-invalid-role",
                                "Invalid role");
    }
    json_array_foreach(list, i, p)
        if (permission_set(ctx->app->perms, ctx->store, json_str(p, "_id"),
                           json_object_get(p, "roles")))
            return api_internal(out);
    return api_ok(out, json_pack("{s:o}", "permissions",
                                 permissions_to_json(ctx->app->perms, -1)));
}
