/*
 * The user object as each audience may see it. Built field by field from an
 * allow-list, never by copying a stored document, so a hash, token or
 * secret cannot leave the server by accident.
 */
#include "api.h"

#include <stdio.h>
#include <string.h>

#include "../../shared/timeutil.h"

static void set_time(json_t *o, const char *key, int64_t ms)
{
    char iso[ISO_TIME_LEN + 1];

    iso_time(ms, iso);
    json_object_set_new(o, key, json_string(iso));
}

static json_t *roles_json(const struct user *u)
{
    json_t *a = json_array();

    for (size_t i = 0; i < u->nroles; i++)
        json_array_append_new(a, json_string(u->roles[i]));
    return a;
}

static json_t *emails_json(const struct user *u)
{
    json_t *a = json_array();

    if (u->email)
        json_array_append_new(a, json_pack("{s:s, s:b}", "address", u->email,
                                           "verified", u->email_verified));
    return a;
}

/* Rocket.Chat's default user preferences (Accounts_Default_User_Preferences_*). */
static json_t *make_default_preferences(void)
{
    return json_pack(
        "{s:b, s:i, s:i, s:s, s:s, s:s, s:b, s:b, s:b, s:b, s:b, s:b, s:b, "
        "s:b, s:b, s:s, s:b, s:b, s:b, s:s, s:i, s:s, s:b, s:s, s:s, s:b, "
        "s:i, s:i, s:b, s:s, s:b}",
        "enableAutoAway", 1, "idleTimeLimit", 300,
        "desktopNotificationRequireInteraction", 0,
        "desktopNotifications", "all", "pushNotifications", "all",
        "emailNotificationMode", "mentions", "unreadAlert", 1,
        "useEmojis", 1, "convertAsciiEmoji", 1, "autoImageLoad", 1,
        "saveMobileBandwidth", 1, "collapseMediaByDefault", 0,
        "hideUsernames", 0, "hideRoles", 0, "displayAvatars", 1,
        "sidebarViewMode", "medium", "sidebarDisplayAvatar", 1,
        "sidebarShowUnread", 0, "sidebarShowFavorites", 1,
        "sendOnEnter", "normal", "messageViewMode", 0,
        "themeAppearence", "auto", "sidebarGroupByType", 1,
        "newRoomNotification", "door", "newMessageNotification", "chime",
        "muteFocusedConversations", 1, "notificationsSoundVolume", 100,
        "masterVolume", 100, "showThreadsInMainChannel", 0,
        "sidebarSortby", "activity", "omnichannelTranscriptEmail", 0);
}

/*
 * The same 31 keys for every user: built once and shared (a new reference
 * each call; nobody changes it), since building it was a good part of
 * what GET /me cost.
 */
static json_t *default_preferences(void)
{
    static json_t *prefs;

    if (!prefs)
        prefs = make_default_preferences();
    return json_incref(prefs);
}

/* A number as JavaScript prints it: whole numbers without ".0". */
static json_t *js_number(double v)
{
    if (v == (double)(long long)v)
        return json_integer((long long)v);
    return json_real(v);
}

static void set_str_if(json_t *o, const char *key, const char *v)
{
    if (v && *v)
        json_object_set_new(o, key, json_string(v));
}

json_t *user_to_json(struct api_ctx *ctx, const struct user *u,
                     enum user_audience aud)
{
    json_t *o = json_object();

    (void)ctx;
    /* what anyone who can see the user at all may see */
    json_object_set_new(o, "_id", json_string(u->id));
    json_object_set_new(o, "username", json_string(u->username));
    json_object_set_new(o, "name", json_string(u->name ? u->name : ""));
    set_str_if(o, "nickname", u->nickname);
    set_str_if(o, "bio", u->bio);
    set_str_if(o, "statusText", u->status_text);
    json_object_set_new(o, "status", json_string(u->status));
    json_object_set_new(o, "active", json_boolean(u->active));
    json_object_set_new(o, "type", json_string(u->type));
    json_object_set_new(o, "utcOffset", js_number(u->utc_offset));
    if (aud == AUD_OTHER)
        return o;

    /* the user themself and holders of view-full-other-user-info */
    json_object_set_new(o, "emails", emails_json(u));
    /* rcd has no realtime connections yet: nobody is connected */
    json_object_set_new(o, "statusConnection", json_string("offline"));
    json_object_set_new(o, "roles", roles_json(u));
    set_time(o, "createdAt", u->created_at);
    set_time(o, "_updatedAt", u->updated_at);
    if (u->last_login)
        set_time(o, "lastLogin", u->last_login);
    if (u->require_password_change)
        json_object_set_new(o, "requirePasswordChange", json_true());
    set_str_if(o, "language", u->language);
    set_str_if(o, "inactiveReason", u->inactive_reason);
    if (u->custom_fields) {
        json_error_t jerr;
        json_t *cf = json_loads(u->custom_fields, 0, &jerr);

        if (json_is_object(cf))
            json_object_set_new(o, "customFields", cf);
        else
            json_decref(cf);
    }
    json_object_set_new(o, "settings", json_object());
    if (aud != AUD_SELF)
        return o;

    /*
     * The user themself: which login methods exist, never their secrets
     * (Rocket.Chat replaces services.password with true the same way).
     */
    if (u->password || u->totp_enabled) {
        json_t *svc = json_object();

        if (u->password)
            json_object_set_new(svc, "password", json_true());
        if (u->totp_enabled)
            json_object_set_new(svc, "totp", json_pack("{s:b}", "enabled", 1));
        json_object_set_new(o, "services", svc);
    }
    return o;
}

json_t *user_me_to_json(struct api_ctx *ctx, const struct user *u)
{
    json_t *o = json_object();
    char avatar[1024];
    const char *site = setting_str(ctx->app->settings, "Site_Url");
    size_t sl = strlen(site);

    json_object_set_new(o, "_id", json_string(u->id));
    json_object_set_new(o, "name", json_string(u->name));
    json_object_set_new(o, "username", json_string(u->username));
    json_object_set_new(o, "emails", emails_json(u));
    json_object_set_new(o, "status", json_string(u->status));
    json_object_set_new(o, "statusConnection", json_string("offline"));
    json_object_set_new(o, "utcOffset", js_number(u->utc_offset));
    json_object_set_new(o, "active", json_boolean(u->active));
    json_object_set_new(o, "roles", roles_json(u));
    json_object_set_new(o, "type", json_string(u->type));
    if (u->require_password_change)
        json_object_set_new(o, "requirePasswordChange", json_true());
    set_time(o, "_updatedAt", u->updated_at);
    json_object_set_new(o, "settings",
                        json_pack("{s:{}, s:o}", "profile", "preferences",
                                  default_preferences()));
    if (u->email && u->email_verified)
        json_object_set_new(o, "email", json_string(u->email));
    while (sl && site[sl - 1] == '/')
        sl--;
    snprintf(avatar, sizeof(avatar), "%.*s/avatar/%s", (int)sl, site,
             u->username);
    json_object_set_new(o, "avatarUrl", json_string(avatar));
    json_object_set_new(o, "isOAuthUser", json_false());
    json_object_set_new(o, "services",
                        json_pack("{s:{s:b}}", "password", "exists",
                                  u->password != NULL));
    return o;
}
