/*
 * Every endpoint rcd serves, sorted by path then method; router_new()
 * aborts on disorder or duplicates. To add one: write the handler in
 * api/<area>.c, declare it in api/api.h, add its row here, test it in
 * tests/rcd/<area>.bats. No flags means: caller must be logged in.
 */
#include "router.h"

#include "api/api.h"

const struct route routes[] = {
    { REQ_GET,  "/api/info",         api_info,   ROUTE_PUBLIC, NULL },
    { REQ_GET,  "/api/v1/info",      api_info,   ROUTE_PUBLIC, NULL },
    { REQ_POST, "/api/v1/login",     api_login,  ROUTE_PUBLIC | ROUTE_JSON, NULL },
    { REQ_GET,  "/api/v1/logout",    api_logout, 0, NULL },
    { REQ_POST, "/api/v1/logout",    api_logout, 0, NULL },
    { REQ_GET,  "/api/v1/me",        api_me,     0, NULL },
    { REQ_POST, "/api/v1/method.call/:method", api_method_call, ROUTE_JSON, NULL },
    { REQ_GET,  "/api/v1/permissions.listAll", api_permissions_list_all, 0, NULL },
    { REQ_POST, "/api/v1/permissions.update", api_permissions_update, ROUTE_JSON, "access-permissions" },
    { REQ_POST, "/api/v1/roles.addUserToRole", api_roles_add_user, ROUTE_JSON, NULL },
    { REQ_GET,  "/api/v1/roles.getUsersInRole", api_roles_users_in_role, 0, "access-permissions" },
    { REQ_GET,  "/api/v1/roles.list", api_roles_list, 0, NULL },
    { REQ_POST, "/api/v1/roles.removeUserFromRole", api_roles_remove_user, ROUTE_JSON, "access-permissions" },
    { REQ_GET,  "/api/v1/settings", api_settings_list, 0, NULL },
    { REQ_GET,  "/api/v1/settings.public", api_settings_public, ROUTE_PUBLIC, NULL },
    { REQ_GET,  "/api/v1/settings/:_id", api_settings_get, 0, "view-privileged-setting" },
    { REQ_POST, "/api/v1/settings/:_id", api_settings_set, ROUTE_JSON, "edit-privileged-setting" },
    { REQ_POST, "/api/v1/users.create", api_users_create, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.deactivateIdle", api_users_deactivate_idle, ROUTE_JSON, "edit-other-user-active-status" },
    { REQ_POST, "/api/v1/users.delete", api_users_delete, ROUTE_JSON, "delete-user" },
    { REQ_POST, "/api/v1/users.generatePersonalAccessToken", api_users_generate_pat, ROUTE_JSON, NULL },
    { REQ_GET,  "/api/v1/users.getPersonalAccessTokens", api_users_get_pats, 0, "create-personal-access-tokens" },
    { REQ_GET,  "/api/v1/users.getPresence", api_users_get_presence, 0, NULL },
    { REQ_GET,  "/api/v1/users.getStatus", api_users_get_status, 0, NULL },
    { REQ_GET,  "/api/v1/users.info", api_users_info, 0, NULL },
    { REQ_GET,  "/api/v1/users.list", api_users_list, 0, NULL },
    { REQ_POST, "/api/v1/users.logout", api_users_logout, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.regeneratePersonalAccessToken", api_users_regenerate_pat, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.register", api_users_register, ROUTE_PUBLIC | ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.removePersonalAccessToken", api_users_remove_pat, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.resetTOTP", api_users_reset_totp, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.setActiveStatus", api_users_set_active_status, ROUTE_JSON, "edit-other-user-active-status" },
    { REQ_POST, "/api/v1/users.setStatus", api_users_set_status, ROUTE_JSON, NULL },
    { REQ_POST, "/api/v1/users.update", api_users_update, ROUTE_JSON, NULL },
};

const size_t routes_count = sizeof(routes) / sizeof(routes[0]);
