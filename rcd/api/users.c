/*
 * The users.* endpoints: create, info, list, update, delete, activation
 * (setActiveStatus, deactivateIdle), self-service registration, logging a
 * user out, and status/presence. Validation and Rocket.Chat's rules live
 * here; what an audience may see of a user is users_json.c's business and
 * storage is rcd/store/'s.
 */
#include "api.h"

#include <ctype.h>
#include <math.h>
#include <regex.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "../../shared/buf.h"
#include "../../shared/crypto.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"

#define MAX_BIO_LENGTH 260          /* UTF-16 units, as JavaScript counts */
#define MAX_NICKNAME_LENGTH 120
#define MAX_STATUS_TEXT_LENGTH 120
#define DAY_MS 86400000.0

/* ---- request parameters ---- */

enum ptype { P_STRING, P_BOOL, P_NUMBER, P_OBJECT, P_STRINGS };

struct param {
    const char *name;
    enum ptype type;                /* P_STRINGS: an array of strings */
    int required;
};

static const char *const type_msg[] = {
    [P_STRING] = "must be string",
    [P_BOOL] = "must be boolean",
    [P_NUMBER] = "must be number",
    [P_OBJECT] = "must be object",
    [P_STRINGS] = "must be array",
};

static int type_ok(const json_t *v, enum ptype t)
{
    switch (t) {
    case P_STRING:
        return json_is_string(v);
    case P_BOOL:
        return json_is_boolean(v);
    case P_NUMBER:
        return json_is_number(v);
    case P_OBJECT:
        return json_is_object(v);
    case P_STRINGS:
        return json_is_array(v);
    }
    return 0;
}

/* A string with a NUL inside cannot be stored or compared as C text. */
static int has_nul(const json_t *v)
{
    return json_is_string(v) &&
           strlen(json_string_value(v)) != json_string_length(v);
}

/*
 * Check obj against a NULL-terminated table as ajv reports it: required
 * properties first, then (when closed) unknown ones, then types. null is a
 * wrong type everywhere: where Rocket.Chat's schemas say "nullable", rcd
 * refuses rather than guess what a null means. Returns 0, or the status of
 * the 400 set in out.
 */
static int check_params(const json_t *obj, const struct param *ps, int closed,
                        struct reply *out)
{
    const char *key;
    json_t *v;

    for (const struct param *p = ps; p->name; p++)
        if (p->required && !json_object_get(obj, p->name))
            return api_invalid_params(out, "must have required property "
                                           "'%s'", p->name);
    json_object_foreach((json_t *)obj, key, v) {
        const struct param *p = ps;
        size_t i;
        json_t *e;

        while (p->name && strcmp(p->name, key) != 0)
            p++;
        if (!p->name) {
            if (closed)
                return api_invalid_params(out, "must NOT have additional "
                                               "properties");
            continue;
        }
        if (!type_ok(v, p->type))
            return api_invalid_params(out, "%s", type_msg[p->type]);
        if (has_nul(v))
            return api_invalid_params(out, "must not contain NUL characters");
        json_array_foreach(p->type == P_STRINGS ? v : NULL, i, e) {
            if (!json_is_string(e))
                return api_invalid_params(out, "must be string");
            if (has_nul(e))
                return api_invalid_params(out, "must not contain NUL "
                                               "characters");
        }
    }
    return 0;
}

/* A checked boolean member, or dflt when absent. */
static int get_bool(const json_t *obj, const char *key, int dflt)
{
    const json_t *v = json_object_get(obj, key);

    return v ? json_is_true(v) : dflt;
}

/* Whether s is NULL or only blanks (JavaScript's !s.trim()). */
static int is_blank(const char *s)
{
    if (!s)
        return 1;
    while (*s && isspace((unsigned char)*s))
        s++;
    return *s == '\0';
}

/* s without leading and trailing blanks, malloc'd. */
static char *trim_dup(const char *s)
{
    size_t n;

    while (isspace((unsigned char)*s))
        s++;
    n = strlen(s);
    while (n && isspace((unsigned char)s[n - 1]))
        n--;
    return xstrndup(s, n);
}

/* Length as JavaScript counts it: UTF-16 units of (valid) UTF-8 text. */
static size_t js_length(const char *s)
{
    size_t n = 0;

    for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
        if ((*p & 0xc0) != 0x80)
            n++;
        if (*p >= 0xf0)
            n++;                    /* a surrogate pair */
    }
    return n;
}

/* Bytes of the longest prefix of s at most max_units JavaScript units long. */
static size_t js_prefix(const char *s, size_t max_units)
{
    const unsigned char *p = (const unsigned char *)s;
    size_t units = 0, i = 0;

    while (p[i]) {
        size_t w = p[i] >= 0xf0 ? 2 : 1, len = 1;

        while (p[i + len] && (p[i + len] & 0xc0) == 0x80)
            len++;
        if (units + w > max_units)
            break;
        units += w;
        i += len;
    }
    return i;
}

/* Append s with lodash's escape(): & < > " ' as HTML entities. */
static void add_escaped(struct buf *b, const char *s)
{
    for (; *s; s++) {
        switch (*s) {
        case '&': buf_adds(b, "&amp;"); break;
        case '<': buf_adds(b, "&lt;"); break;
        case '>': buf_adds(b, "&gt;"); break;
        case '"': buf_adds(b, "&quot;"); break;
        case '\'': buf_adds(b, "&#39;"); break;
        default: buf_addc(b, *s); break;
        }
    }
}

/* Replace the owned string *dst by a copy of v (NULL clears it). */
static void set_str(char **dst, const char *v)
{
    char *copy = v ? xstrdup(v) : NULL;

    free(*dst);
    *dst = copy;
}

/* ---- Rocket.Chat's validation rules ---- */

static int hexval(int c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    c = tolower(c);
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/*
 * validateNameChars: no < > \ or /, also not once decodeURI() has run
 * (a malformed %-escape makes decodeURI throw, which refuses the name).
 */
static int name_chars_ok(const char *name)
{
    for (const char *p = name; *p; p++) {
        int hi, lo, c;

        if (strchr("<>\\/", *p))
            return 0;
        if (*p != '%')
            continue;
        hi = hexval((unsigned char)p[1]);
        lo = hi < 0 ? -1 : hexval((unsigned char)p[2]);
        if (hi < 0 || lo < 0)
            return 0;
        c = hi * 16 + lo;
        if (c == '<' || c == '>' || c == '\\')
            return 0;
        p += 2;
    }
    return 1;
}

/* The POSIX bracket text of a JavaScript class escape, or NULL. */
static const char *class_escape(int c)
{
    switch (c) {
    case 'd': return "0-9";
    case 'w': return "A-Za-z0-9_";
    case 's': return "[:space:]";
    default: return NULL;
    }
}

struct atom {
    int lo, hi;                     /* a character range; lo == hi for one */
    const char *cls;                /* or a class (then lo, hi unused) */
};

/* One bracket member at *pp: a character, an escape or a class escape. */
static int bracket_atom(const char **pp, struct atom *a)
{
    const char *p = *pp;

    a->cls = NULL;
    if (*p == '\\') {
        if (!p[1])
            return -1;
        a->cls = class_escape((unsigned char)p[1]);
        if (!a->cls && isalnum((unsigned char)p[1]))
            return -1;              /* \D, \b, \u...: not expressible */
        a->lo = a->hi = (unsigned char)p[1];
        *pp = p + 2;
        return 0;
    }
    a->lo = a->hi = (unsigned char)*p;
    *pp = p + 1;
    return 0;
}

/*
 * Translate one JavaScript bracket expression at *pp into POSIX. The
 * difference that matters: JavaScript takes a '-' that cannot make a range
 * ("[a-zA-Z-_.]") as a literal, POSIX wants it last.
 */
static int bracket_to_ere(const char **pp, struct buf *ere)
{
    struct atom atoms[128];
    const char *p = *pp + 1;
    size_t n = 0;
    int neg = 0, dash = 0, rbr = 0, caret = 0, lbr = 0;

    if (*p == '^') {
        neg = 1;
        p++;
    }
    while (*p && *p != ']') {
        struct atom a, b;

        if (n == ARRAY_SIZE(atoms) || bracket_atom(&p, &a))
            return -1;
        if (!a.cls && p[0] == '-' && p[1] && p[1] != ']') {
            const char *q = p + 1;

            if (bracket_atom(&q, &b) || b.cls || b.lo < a.lo)
                return -1;
            p = q;
            a.hi = b.lo;
            if (strchr("]-[^", a.lo) || strchr("]-[^", a.hi))
                return -1;          /* POSIX cannot place such ends */
        }
        if (!a.cls && a.lo == a.hi) {
            dash |= a.lo == '-';
            rbr |= a.lo == ']';
            caret |= a.lo == '^';
            lbr |= a.lo == '[';
            if (strchr("-]^[", a.lo))
                continue;
        }
        atoms[n++] = a;
    }
    if (*p != ']' || (!n && !dash && !rbr && !caret && !lbr))
        return -1;
    *pp = p + 1;
    if (caret && !neg && !n && !dash && !rbr && !lbr) {
        buf_adds(ere, "\\^");
        return 0;
    }
    buf_addc(ere, '[');
    if (neg)
        buf_addc(ere, '^');
    if (rbr)
        buf_addc(ere, ']');
    for (size_t i = 0; i < n; i++) {
        if (atoms[i].cls)
            buf_adds(ere, atoms[i].cls);
        else if (atoms[i].lo == atoms[i].hi)
            buf_addc(ere, (char)atoms[i].lo);
        else
            buf_addf(ere, "%c-%c", atoms[i].lo, atoms[i].hi);
    }
    /* none of these can open a POSIX class or range where they stand */
    if (lbr)
        buf_addc(ere, '[');
    if (caret)
        buf_addc(ere, '^');
    if (dash)
        buf_addc(ere, '-');
    buf_addc(ere, ']');
    return 0;
}

/*
 * Translate the JavaScript pattern of UTF8_User_Names_Validation into a
 * POSIX extended regex: class escapes and brackets as JavaScript reads
 * them. Returns -1 for anything POSIX cannot say (lookarounds, \b, ...).
 */
static int js_to_ere(const char *p, struct buf *ere)
{
    while (*p) {
        if (*p == '\\') {
            int c = (unsigned char)p[1];
            const char *cls = class_escape(c);

            if (cls)
                buf_addf(ere, "[%s]", cls);
            else if (c && strchr("DWS", c))
                buf_addf(ere, "[^%s]", class_escape(tolower(c)));
            else if (c && strchr(".^$|()[]{}*+?\\", c))
                buf_addf(ere, "\\%c", c);
            else if (c && strchr("/-_@#%&=:;,!~`'\"<> ", c))
                buf_addc(ere, (char)c);
            else
                return -1;
            p += 2;
        } else if (*p == '[') {
            if (bracket_to_ere(&p, ere))
                return -1;
        } else if (*p == '(' && p[1] == '?') {
            return -1;
        } else {
            buf_addc(ere, *p++);
        }
    }
    return 0;
}

/* Rocket.Chat's fallback pattern, ^[0-9a-zA-Z-_.]+$. */
static int default_username_ok(const char *s)
{
    if (!*s)
        return 0;
    for (; *s; s++)
        if (!isalnum((unsigned char)*s) && !strchr("-_.", *s))
            return 0;
    return 1;
}

/*
 * Whether name matches ^<UTF8_User_Names_Validation>$. A pattern POSIX
 * cannot express falls back to Rocket.Chat's default, as Rocket.Chat does
 * for a pattern JavaScript cannot compile.
 */
static int username_valid(struct api_ctx *ctx, const char *name)
{
    const char *pat = setting_str(ctx->app->settings,
                                  "UTF8_User_Names_Validation");
    struct buf ere = BUF_INIT;
    regex_t re;
    int ok;

    buf_addc(&ere, '^');
    if (!*pat || js_to_ere(pat, &ere)) {
        buf_release(&ere);
        return default_username_ok(name);
    }
    buf_addc(&ere, '$');
    if (regcomp(&re, ere.data, REG_EXTENDED | REG_NOSUB) != 0) {
        buf_release(&ere);
        return default_username_ok(name);
    }
    ok = regexec(&re, name, 0, NULL, 0) == 0;
    regfree(&re);
    buf_release(&ere);
    return ok;
}

/*
 * checkUsernameAvailability's block list: "all", "here" and the entries of
 * Accounts_SystemBlockedUsernameList, case-insensitively.
 */
static int username_blocked(struct api_ctx *ctx, const char *name)
{
    const char *p = setting_str(ctx->app->settings,
                                "Accounts_SystemBlockedUsernameList");
    size_t n = strlen(name);

    if (strcasecmp(name, "all") == 0 || strcasecmp(name, "here") == 0)
        return 1;
    while (*p) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        const char *e = p;

        while (len && isspace((unsigned char)*e)) {
            e++;
            len--;
        }
        while (len && isspace((unsigned char)e[len - 1]))
            len--;
        if (len && len == n && strncasecmp(e, name, n) == 0)
            return 1;
        if (!comma)
            break;
        p = comma + 1;
    }
    return 0;
}

/* "<name> is blocked and can't be used! [error-blocked-username]" */
static int fail_blocked(struct reply *out, const char *name)
{
    struct buf esc = BUF_INIT;
    int status;

    add_escaped(&esc, name);
    status = api_fail_details(out, 400, "error-blocked-username",
                              json_pack("{s:s, s:s}", "method",
                                        "checkUsernameAvailability", "field",
                                        name),
                              "%s is blocked and can't be used!", esc.data);
    buf_release(&esc);
    return status;
}

/*
 * The address form Rocket.Chat's validateEmail accepts: dot-separated
 * local parts without blanks or <>()[]\,;:"@, then a domain of
 * [A-Za-z0-9-] labels ending in a top-level label of two or more letters.
 */
static int email_valid(const char *s)
{
    const char *at = strchr(s, '@'), *p, *tld;

    if (!at || at == s || strchr(at + 1, '@'))
        return 0;
    for (p = s; p < at; p++) {
        if ((unsigned char)*p <= ' ' || strchr("<>()[]\\,;:\"", *p))
            return 0;
        if (*p == '.' && (p == s || p[1] == '.' || p + 1 == at))
            return 0;
    }
    tld = strrchr(at + 1, '.');
    if (!tld || tld == at + 1)
        return 0;
    for (p = at + 1; p < tld; p++) {
        if (*p == '.' && (p[-1] == '.' || p == at + 1))
            return 0;
        if (*p != '.' && !isalnum((unsigned char)*p) && *p != '-')
            return 0;
    }
    if (tld[-1] == '.' || strlen(tld + 1) < 2)
        return 0;
    for (p = tld + 1; *p; p++)
        if (!isalpha((unsigned char)*p))
            return 0;
    return 1;
}

static int fail_invalid_email(struct reply *out, const char *email)
{
    return api_fail_details(out, 400, "error-invalid-email",
                            json_pack("{s:s, s:s}", "function",
                                      "RocketChat.validateEmailDomain",
                                      "email", email),
                            "Invalid email %s", email);
}

/* "<x> is already in use :(" for a username or an address. */
static int fail_unavailable(struct reply *out, const char *what,
                            const char *method_key, const char *method)
{
    struct buf esc = BUF_INIT;
    int status;

    add_escaped(&esc, what);
    status = api_fail_details(out, 400, "error-field-unavailable",
                              json_pack("{s:s, s:s}", method_key, method,
                                        "field", what),
                              "%s is already in use :(", esc.data);
    buf_release(&esc);
    return status;
}

/* A Meteor.Error from insertOrUpdateUser with details {method, key: val}. */
static int fail_save(struct reply *out, const char *type, const char *key,
                     const char *val, const char *msg)
{
    return api_fail_details(out, 400, type,
                            json_pack("{s:s, s:s}", "method",
                                      "insertOrUpdateUser", key, val),
                            "%s", msg);
}

/*
 * validateUserData's role rules for a roles array: every role exists, and
 * admin needs assign-admin-role. Returns 0 or the status set.
 */
static int check_roles(struct api_ctx *ctx, const json_t *roles,
                       struct reply *out)
{
    size_t i;
    json_t *r;
    int admin = 0;

    json_array_foreach(roles, i, r) {
        if (!role_scope(json_string_value(r)))
            return fail_save(out, "error-action-not-allowed", "action",
                             "Assign_role",
                             "The field Roles consist invalid role id");
        admin |= strcmp(json_string_value(r), "admin") == 0;
    }
    if (admin && !has_permission(ctx, ctx->user, "assign-admin-role", NULL))
        return fail_save(out, "error-action-not-allowed", "action",
                         "Assign_admin", "Assigning admin is not allowed");
    return 0;
}

/* Replace u's roles by the distinct strings of a JSON array. */
static void roles_from_json(struct user *u, const json_t *roles)
{
    size_t i;
    json_t *r;

    for (i = 0; i < u->nroles; i++)
        free(u->roles[i]);
    u->nroles = 0;
    json_array_foreach(roles, i, r) {
        if (u->nroles < USER_MAX_ROLES &&
            !user_has_role(u, json_string_value(r)))
            u->roles[u->nroles++] = xstrdup(json_string_value(r));
    }
}

/* Accounts_Registration_Users_Default_Roles: comma-separated, trimmed. */
static void default_roles(struct api_ctx *ctx, struct user *u)
{
    const char *p = setting_str(ctx->app->settings,
                                "Accounts_Registration_Users_Default_Roles");

    while (*p && u->nroles < USER_MAX_ROLES) {
        const char *comma = strchr(p, ',');
        size_t len = comma ? (size_t)(comma - p) : strlen(p);
        char *raw = xstrndup(p, len), *role = trim_dup(raw);

        if (*role && !user_has_role(u, role))
            u->roles[u->nroles++] = role;
        else
            free(role);
        free(raw);
        if (!comma)
            break;
        p = comma + 1;
    }
}

/* bio and nickname: trimmed-empty clears, too long is refused. */
static int check_profile_text(const char *v, size_t max, const char *type,
                              const char *what, struct reply *out)
{
    if (is_blank(v) || js_length(v) <= max)
        return 0;
    return api_fail_details(out, 400, type,
                            json_pack("{s:s}", "method", "saveUserProfile"),
                            "%s size exceeds %zu characters", what, max);
}

/* handleBio and handleNickname's size checks on obj's bio and nickname. */
static int check_bio_nickname(const json_t *obj, struct reply *out)
{
    int status = check_profile_text(json_str(obj, "bio"), MAX_BIO_LENGTH,
                                    "error-bio-size-exceeded", "Bio", out);

    if (status)
        return status;
    return check_profile_text(json_str(obj, "nickname"), MAX_NICKNAME_LENGTH,
                              "error-nickname-size-exceeded", "Nickname", out);
}

/* setStatusText: trimmed and cut to 120 characters. */
static char *status_text_dup(const char *v)
{
    char *t = trim_dup(v);

    t[js_prefix(t, MAX_STATUS_TEXT_LENGTH)] = '\0';
    return t;
}

/* The stored form of a password given in clear: bcrypt of its sha256 hex. */
static char *hash_password(struct api_ctx *ctx, const char *password)
{
    char hex[SHA256_HEX_LEN + 1];
    char *hash;

    sha256_hex(password, strlen(password), hex);
    hash = password_hash(hex, ctx->app->cfg->bcrypt_cost);
    explicit_bzero(hex, sizeof(hex));
    return hash;
}

/* ---- users and who sees what ---- */

static int is_self(const struct api_ctx *ctx, const struct user *u)
{
    return ctx->user && strcmp(ctx->user->id, u->id) == 0;
}

static enum user_audience audience_of(struct api_ctx *ctx,
                                      const struct user *u)
{
    if (is_self(ctx, u))
        return AUD_SELF;
    if (has_permission(ctx, ctx->user, "view-full-other-user-info", NULL))
        return AUD_PRIVILEGED;
    return AUD_OTHER;
}

/* Delete every key of o that is not in the NULL-terminated keys. */
static void keep_only(json_t *o, const char *const *keys)
{
    const char *key;
    json_t *v;
    void *tmp;

    json_object_foreach_safe(o, tmp, key, v) {
        size_t i = 0;

        while (keys[i] && strcmp(keys[i], key) != 0)
            i++;
        if (!keys[i])
            json_object_del(o, key);
    }
}

/*
 * The whole user as users.create and users.update answer: everything the
 * caller's audience allows except services, which users.* never returns
 * outside users.info.
 */
static json_t *user_doc(struct api_ctx *ctx, const struct user *u)
{
    json_t *o = user_to_json(ctx, u, audience_of(ctx, u));

    json_object_del(o, "services");
    return o;
}

/* Reload u by rid and answer {"user": ...} with user_doc(). */
static int reply_user_doc(struct api_ctx *ctx, int64_t rid, struct reply *out)
{
    struct user u = USER_INIT;
    int status;

    switch (store_user_by_rid(ctx->store, rid, &u)) {
    case ERR_OK:
        status = api_ok(out, json_pack("{s:o}", "user", user_doc(ctx, &u)));
        break;
    case ERR_NOT_FOUND:
        status = api_fail(out, 400, NULL, "User not found");
        break;
    default:
        status = api_internal(out);
        break;
    }
    user_release(&u);
    return status;
}

static int truthy(const char *s)
{
    return s && *s;
}

/*
 * isUserFromParams: no userId/username/user at all, or one naming the
 * caller (usernames compared exactly, as Rocket.Chat does).
 */
static int params_name_caller(const struct api_ctx *ctx, const char *id,
                              const char *username, const char *user)
{
    if (!truthy(id) && !truthy(username) && !truthy(user))
        return 1;
    return (truthy(id) && strcmp(id, ctx->user->id) == 0) ||
           (truthy(username) && strcmp(username, ctx->user->username) == 0) ||
           (truthy(user) && strcmp(user, ctx->user->username) == 0);
}

/*
 * getUserFromParams: the first non-blank of userId, username, user (the
 * last two case-insensitive usernames). Fills *u, or sets the 400 and
 * returns its status.
 */
static int user_from_params(struct api_ctx *ctx, const char *id,
                            const char *username, const char *user,
                            struct user *u, struct reply *out)
{
    enum err rc;

    if (!is_blank(id))
        rc = store_user_by_id(ctx->store, id, u);
    else if (!is_blank(username))
        rc = store_user_by_username(ctx->store, username, u);
    else if (!is_blank(user))
        rc = store_user_by_username(ctx->store, user, u);
    else
        return api_fail(out, 400, "error-user-param-not-provided",
                        "The required \"userId\" or \"username\" param was "
                        "not provided");
    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, "error-invalid-user",
                        "The required \"userId\" or \"username\" param "
                        "provided does not match any users");
    return rc ? api_internal(out) : 0;
}

/*
 * setUserActiveStatus refuses to deactivate an admin while only one active
 * admin is left (counting as Rocket.Chat does, so an already inactive
 * admin is refused too when one active admin remains).
 */
static int check_last_active_admin(struct api_ctx *ctx, const struct user *u,
                                   struct reply *out)
{
    int64_t n;

    if (!user_has_role(u, "admin"))
        return 0;
    if (store_users_with_role(ctx->store, "admin", 1, &n))
        return api_internal(out);
    if (n != 1)
        return 0;
    return api_fail_details(out, 400, "error-action-not-allowed",
                            json_pack("{s:s, s:s}", "method",
                                      "removeUserFromRole", "action",
                                      "Remove_last_admin"),
                            "Leaving the app without an active admin is not "
                            "allowed");
}

/*
 * The one way a user's active flag changes (setActiveStatus, users.update,
 * users.create): deactivating records why and drops every token; turning
 * a user back on clears the reason.
 */
static int set_active(struct api_ctx *ctx, const struct user *u, int active,
                      struct reply *out)
{
    switch (store_user_set_active(ctx->store, u->rid, active,
                                  active ? NULL : "deactivated", now_ms())) {
    case ERR_OK:
        return 0;
    case ERR_NOT_FOUND:
        return api_fail(out, 400, NULL, "User not found");
    default:
        return api_internal(out);
    }
}

/* ---- users.create ---- */

static const struct param create_params[] = {
    { "email", P_STRING, 1 },
    { "name", P_STRING, 1 },
    { "password", P_STRING, 1 },
    { "username", P_STRING, 1 },
    { "active", P_BOOL, 0 },
    { "bio", P_STRING, 0 },
    { "nickname", P_STRING, 0 },
    { "statusText", P_STRING, 0 },
    { "roles", P_STRINGS, 0 },
    { "joinDefaultChannels", P_BOOL, 0 },
    { "requirePasswordChange", P_BOOL, 0 },
    { "setRandomPassword", P_BOOL, 0 },
    { "sendWelcomeEmail", P_BOOL, 0 },
    { "verified", P_BOOL, 0 },
    { "customFields", P_OBJECT, 0 },
    { "fields", P_STRING, 0 },      /* deprecated projection; ignored */
    { NULL, 0, 0 },
};

/*
 * validateUserData for a new user, in Rocket.Chat's order. Returns 0 or the
 * status of the error set.
 */
static int validate_new_user(struct api_ctx *ctx, const json_t *b,
                             struct reply *out)
{
    const char *username = json_str(b, "username");
    const char *email = json_str(b, "email");
    const json_t *roles = json_object_get(b, "roles");
    struct user other = USER_INIT;
    enum err rc;
    int status;

    if (!has_permission(ctx, ctx->user, "create-user", NULL))
        return fail_save(out, "error-action-not-allowed", "action",
                         "Adding_user", "Adding user is not allowed");
    if (roles) {
        status = check_roles(ctx, roles, out);
        if (status)
            return status;
    }
    /* Accounts_RequireNameForSignUp defaults to true */
    if (is_blank(json_str(b, "name")))
        return fail_save(out, "error-the-field-is-required", "field", "Name",
                         "The field Name is required");
    if (is_blank(username))
        return fail_save(out, "error-the-field-is-required", "field",
                         "Username", "The field Username is required");
    if (!username_valid(ctx, username)) {
        struct buf esc = BUF_INIT;

        add_escaped(&esc, username);
        status = api_fail_details(out, 400, "error-input-is-not-a-valid-field",
                                  json_pack("{s:s, s:s, s:s}", "method",
                                            "insertOrUpdateUser", "input",
                                            username, "field", "Username"),
                                  "%s is not a valid username", esc.data);
        buf_release(&esc);
        return status;
    }
    if (!*json_str(b, "password") && !get_bool(b, "setRandomPassword", 0))
        return fail_save(out, "error-the-field-is-required", "field",
                         "Password", "The field Password is required");
    if (username_blocked(ctx, username))
        return fail_blocked(out, username);
    rc = store_user_by_username(ctx->store, username, &other);
    user_release(&other);
    if (rc == ERR_OK)
        return fail_unavailable(out, username, "method", "insertOrUpdateUser");
    if (rc != ERR_NOT_FOUND)
        return api_internal(out);
    if (*email) {
        rc = store_user_by_email(ctx->store, email, &other);
        user_release(&other);
        if (rc == ERR_OK)
            return fail_unavailable(out, email, "method",
                                    "insertOrUpdateUser");
        if (rc != ERR_NOT_FOUND)
            return api_internal(out);
    }
    /* saveNewUser then checks the address itself */
    if (!email_valid(email))
        return fail_invalid_email(out, email);
    return 0;
}

int api_users_create(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    const json_t *roles = json_object_get(b, "roles");
    const json_t *cf = json_object_get(b, "customFields");
    char id[RANDOM_ID_LEN + 1], secret[RANDOM_SECRET_LEN + 1];
    struct user u = USER_INIT;
    const char *password;
    int status;

    status = check_params(b, create_params, 1, out);
    if (status)
        return status;
    if (!name_chars_ok(json_str(b, "name")))
        return api_fail(out, 400, NULL, "Name contains invalid characters");
    status = validate_new_user(ctx, b, out);
    if (status)
        return status;
    status = check_bio_nickname(b, out);
    if (status)
        return status;

    password = json_str(b, "password");
    u.require_password_change = get_bool(b, "requirePasswordChange", 0);
    if (get_bool(b, "setRandomPassword", 0)) {
        /* Rocket.Chat mails it; rcd sends no mail, so nobody learns it */
        random_secret(secret);
        password = secret;
        u.require_password_change = 1;
    }
    random_id(id);
    u.id = xstrdup(id);
    u.username = xstrdup(json_str(b, "username"));
    u.name = xstrdup(json_str(b, "name"));
    u.email = xstrdup(json_str(b, "email"));
    u.email_verified = get_bool(b, "verified", 0);
    u.type = xstrdup("user");
    u.status = xstrdup("offline");
    u.active = get_bool(b, "active", 1);
    if (!u.active)
        u.inactive_reason = xstrdup("deactivated");
    u.password = hash_password(ctx, password);
    explicit_bzero(secret, sizeof(secret));
    u.created_at = u.updated_at = now_ms();
    if (!is_blank(json_str(b, "nickname")))
        u.nickname = xstrdup(json_str(b, "nickname"));
    if (!is_blank(json_str(b, "bio")))
        u.bio = xstrdup(json_str(b, "bio"));
    if (json_str(b, "statusText"))
        u.status_text = status_text_dup(json_str(b, "statusText"));
    if (cf)
        u.custom_fields = json_dumps(cf, JSON_COMPACT);
    if (roles && json_array_size(roles))
        roles_from_json(&u, roles);
    else
        default_roles(ctx, &u);
    /* joinDefaultChannels (default true) joins rooms once rooms exist */

    switch (store_user_insert(ctx->store, &u)) {
    case ERR_OK:
        status = reply_user_doc(ctx, u.rid, out);
        break;
    case ERR_EXISTS:
        /* someone took the name or address since validation */
        status = fail_unavailable(out, u.username, "method",
                                  "insertOrUpdateUser");
        break;
    default:
        status = api_internal(out);
        break;
    }
    user_release(&u);
    return status;
}

/* ---- users.info ---- */

/* What users.info shows (getFullUserData's fields), within the audience. */
static const char *const info_keys[] = {
    "_id", "name", "username", "nickname", "status", "utcOffset", "type",
    "active", "bio", "statusText", "customFields",
    /* self and view-full-other-user-info */
    "emails", "statusConnection", "createdAt", "lastLogin",
    "requirePasswordChange", "roles",
    /* self only */
    "services",
    NULL,
};

/* ajv's anyOf over {userId}, {username}, {importId}, each closed. */
static int info_params(struct api_ctx *ctx, struct reply *out)
{
    static const char *const keys[] = { "userId", "username", "importId" };
    const struct req *r = ctx->req;
    struct buf msg = BUF_INIT;
    int status;

    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        size_t i = 0;

        if (!req_query(r, keys[k]))
            continue;
        while (i < r->nparams && (strcmp(r->params[i].key, keys[k]) == 0 ||
                                  strcmp(r->params[i].key,
                                         "includeUserRooms") == 0 ||
                                  strcmp(r->params[i].key, "fields") == 0))
            i++;
        if (i == r->nparams)
            return 0;
    }
    for (size_t k = 0; k < ARRAY_SIZE(keys); k++) {
        if (req_query(r, keys[k]))
            buf_adds(&msg, "must NOT have additional properties\n ");
        else
            buf_addf(&msg, "must have required property '%s'\n ", keys[k]);
    }
    buf_adds(&msg, "must match a schema in anyOf");
    status = api_invalid_params(out, "%s", msg.data);
    buf_release(&msg);
    return status;
}

int api_users_info(struct api_ctx *ctx, struct reply *out)
{
    const char *id = req_query(ctx->req, "userId");
    const char *username = req_query(ctx->req, "username");
    const char *import_id = req_query(ctx->req, "importId");
    struct user u = USER_INIT;
    enum err rc;
    json_t *o;
    int status, all;

    status = info_params(ctx, out);
    if (status)
        return status;
    if (truthy(id))
        rc = store_user_by_id(ctx->store, id, &u);
    else if (truthy(username))
        rc = store_user_by_username(ctx->store, username, &u);
    else if (truthy(import_id))
        rc = ERR_NOT_FOUND;         /* rcd imports nobody: no import ids */
    else
        return api_fail(out, 400, NULL, "Invalid search query.");
    if (rc == ERR_NOT_FOUND)
        return api_fail(out, 400, NULL, "User not found.");
    if (rc)
        return api_internal(out);

    all = is_self(ctx, &u) ||
          has_permission(ctx, ctx->user, "view-full-other-user-info", NULL);
    o = user_to_json(ctx, &u, audience_of(ctx, &u));
    keep_only(o, info_keys);
    json_object_set_new(o, "canViewAllInfo", json_boolean(all));
    /*
     * includeUserRooms=true adds user.rooms (the user's subscriptions:
     * _id, rid, name, t, roles, unread; sorted by t then name) for the user
     * themself or a holder of view-other-user-channels, and is silently
     * ignored for anyone else. Rooms do not exist yet, so there is nothing
     * to add.
     */
    status = api_ok(out, json_pack("{s:o}", "user", o));
    user_release(&u);
    return status;
}

/* ---- users.list ---- */

/* users.list's default projection (getNonEmptyFields). */
static const char *const list_default_keys[] = {
    "_id", "name", "username", "emails", "roles", "status", "active",
    "avatarETag", "lastLogin", "type", NULL,
};

struct list_state {
    struct api_ctx *ctx;
    enum user_audience aud;         /* AUD_PRIVILEGED or AUD_OTHER */
    json_t *want;                   /* key -> 1: the projection */
    json_t *users;                  /* the page being built */
};

static void list_add(void *arg, const struct user *u)
{
    struct list_state *ls = arg;
    json_t *o = user_to_json(ls->ctx, u, ls->aud);
    const char *key;
    json_t *v;
    void *tmp;
    char *lower;

    json_object_foreach_safe(o, tmp, key, v)
        if (!json_is_true(json_object_get(ls->want, key)))
            json_object_del(o, key);
    /*
     * Rocket.Chat's aggregation adds the lower-cased name after its
     * projection, so every item carries it; clients may rely on it.
     */
    lower = xstrdup(u->name ? u->name : "");
    for (char *p = lower; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    json_object_set_new(o, "nameInsensitive", json_string(lower));
    free(lower);
    json_array_append_new(ls->users, o);
}

int api_users_list(struct api_ctx *ctx, struct reply *out)
{
    static const char *const sortable[] = {
        "username", "name", "createdAt", "lastLogin", "status", "active",
        "type", "_id", NULL,
    };
    static const enum user_sort sort_by[] = {
        USER_SORT_USERNAME, USER_SORT_NAME, USER_SORT_CREATED_AT,
        USER_SORT_LAST_LOGIN, USER_SORT_STATUS, USER_SORT_ACTIVE,
        USER_SORT_TYPE, USER_SORT_ID,
    };
    struct list_state ls = { ctx, AUD_OTHER, NULL, NULL };
    enum user_sort by = USER_SORT_USERNAME;
    struct paging pg;
    struct sort_key key;
    size_t nkeys;
    json_t *fields = NULL, *v;
    const char *k;
    int64_t total;
    int status;

    if (!has_permission(ctx, ctx->user, "view-d-room", NULL))
        return api_forbidden(out);
    if (setting_bool(ctx->app->settings,
                     "API_Apply_permission_view-outside-room_on_users-list") &&
        !has_permission(ctx, ctx->user, "view-outside-room", NULL))
        return api_forbidden(out);
    status = api_paging(ctx, &pg, out);
    if (status)
        return status;
    status = api_sort(ctx, sortable, &key, 1, &nkeys, out);
    if (status)
        return status;
    status = api_fields(ctx, &fields, out);
    if (status)
        return status;
    status = api_refuse_query(ctx, out);
    if (status)
        goto done;
    for (size_t i = 0; nkeys && sortable[i]; i++)
        if (strcmp(sortable[i], key.field) == 0)
            by = sort_by[i];

    if (has_permission(ctx, ctx->user, "view-full-other-user-info", NULL))
        ls.aud = AUD_PRIVILEGED;
    ls.want = json_object();
    for (size_t i = 0; list_default_keys[i]; i++)
        json_object_set_new(ls.want, list_default_keys[i], json_true());
    /* fields adds (1) or drops (0) keys; the audience still bounds them */
    json_object_foreach(fields, k, v)
        json_object_set_new(ls.want, k, json_boolean(json_integer_value(v)));
    ls.users = json_array();
    if (store_users_count(ctx->store, &total) ||
        store_users_page(ctx->store, by, nkeys && key.dir < 0, pg.offset,
                         pg.count, list_add, &ls)) {
        json_decref(ls.users);
        status = api_internal(out);
        goto done;
    }
    status = api_ok(out, json_pack("{s:o, s:I, s:I, s:I}", "users", ls.users,
                                   "count",
                                   (json_int_t)json_array_size(ls.users),
                                   "offset", (json_int_t)pg.offset, "total",
                                   (json_int_t)total));
done:
    json_decref(ls.want);
    json_decref(fields);
    return status;
}

/* ---- users.update ---- */

static const struct param update_params[] = {
    { "userId", P_STRING, 1 },
    { "data", P_OBJECT, 1 },
    { "confirmRelinquish", P_BOOL, 0 },
    { NULL, 0, 0 },
};

static const struct param update_data_params[] = {
    { "email", P_STRING, 0 },
    { "name", P_STRING, 0 },
    { "password", P_STRING, 0 },
    { "username", P_STRING, 0 },
    { "bio", P_STRING, 0 },
    { "nickname", P_STRING, 0 },
    { "statusText", P_STRING, 0 },
    { "active", P_BOOL, 0 },
    { "roles", P_STRINGS, 0 },
    { "requirePasswordChange", P_BOOL, 0 },
    { "setRandomPassword", P_BOOL, 0 },
    { "sendWelcomeEmail", P_BOOL, 0 },
    { "verified", P_BOOL, 0 },
    { "customFields", P_OBJECT, 0 },
    { "status", P_STRING, 0 },      /* accepted; saveUser ignores it */
    { "settings", P_OBJECT, 0 },    /* preferences are not stored yet */
    { "language", P_STRING, 0 },
    { NULL, 0, 0 },
};

/* Whether the roles array differs from u's roles as a set. */
static int roles_change(const struct user *u, const json_t *roles)
{
    size_t i, matched = 0;
    json_t *r;

    json_array_foreach(roles, i, r) {
        if (!user_has_role(u, json_string_value(r)))
            return 1;
    }
    for (i = 0; i < u->nroles; i++) {
        size_t j;
        int found = 0;

        json_array_foreach(roles, j, r)
            found |= strcmp(json_string_value(r), u->roles[i]) == 0;
        matched += found;
    }
    return matched != u->nroles;
}

/* Whether v is given and differs from cur (isEditingField). */
static int editing(const char *cur, const char *v)
{
    return v && strcmp(cur ? cur : "", v) != 0;
}

/*
 * validateUserEditing: who may change roles, username, status text and
 * real name. Returns 0 or the status set.
 */
static int validate_editing(struct api_ctx *ctx, const struct user *u,
                            const json_t *d, struct reply *out)
{
    const struct settings *s = ctx->app->settings;
    const json_t *roles = json_object_get(d, "roles");
    int self = is_self(ctx, u);
    int other_info = has_permission(ctx, ctx->user, "edit-other-user-info",
                                    NULL);
    int blocked_for_caller = !other_info || self;

    if (roles && roles_change(u, roles) &&
        !has_permission(ctx, ctx->user, "assign-roles", NULL))
        return fail_save(out, "error-action-not-allowed", "action",
                         "Assign_role", "Assign roles is not allowed");
    if (editing(u->username, json_str(d, "username")) &&
        !setting_bool(s, "Accounts_AllowUsernameChange") && blocked_for_caller)
        return fail_save(out, "error-action-not-allowed", "action",
                         "Update_user", "Edit username is not allowed");
    if (editing(u->status_text, json_str(d, "statusText")) &&
        !setting_bool(s, "Accounts_AllowUserStatusMessageChange") &&
        blocked_for_caller)
        return fail_save(out, "error-action-not-allowed", "action",
                         "Update_user", "Edit user status is not allowed");
    if (editing(u->name, json_str(d, "name")) &&
        !setting_bool(s, "Accounts_AllowRealNameChange") && blocked_for_caller)
        return fail_save(out, "error-action-not-allowed", "action",
                         "Update_user", "Edit user real name is not allowed");
    return 0;
}

/* saveUserIdentity's username step: valid, not blocked, not taken. */
static int check_new_username(struct api_ctx *ctx, const struct user *u,
                              const char *username, struct reply *out)
{
    struct user other = USER_INIT;
    enum err rc;

    if (username_blocked(ctx, username))
        return fail_blocked(out, username);
    rc = store_user_by_username(ctx->store, username, &other);
    if (rc == ERR_OK && other.rid != u->rid)
        rc = ERR_EXISTS;
    user_release(&other);
    if (rc == ERR_EXISTS)
        return api_fail_details(out, 400, "error-could-not-save-identity",
                                json_pack("{s:s}", "method", "saveUser"),
                                "Could not save user identity");
    return rc == ERR_OK || rc == ERR_NOT_FOUND ? 0 : api_internal(out);
}

/* setEmail's checks for a new address: well formed, not someone else's. */
static int check_new_email(struct api_ctx *ctx, const struct user *u,
                           const char *email, struct reply *out)
{
    struct user other = USER_INIT;
    enum err rc;

    if (!email_valid(email))
        return fail_invalid_email(out, email);
    rc = store_user_by_email(ctx->store, email, &other);
    if (rc == ERR_OK && other.rid != u->rid)
        rc = ERR_EXISTS;
    user_release(&other);
    if (rc == ERR_EXISTS)
        return fail_unavailable(out, email, "function", "_setEmail");
    return rc == ERR_OK || rc == ERR_NOT_FOUND ? 0 : api_internal(out);
}

/*
 * Apply data to u as saveUser does (after every check passed). Rocket.Chat
 * quirk copied on purpose: bio and nickname are cleared when data leaves
 * them out, because saveUser always runs handleBio/handleNickname.
 */
static void apply_update(struct api_ctx *ctx, struct user *u, const json_t *d)
{
    const char *v;
    char secret[RANDOM_SECRET_LEN + 1];
    const char *password = json_str(d, "password");

    v = json_str(d, "username");
    if (truthy(v))
        set_str(&u->username, v);
    v = json_str(d, "name");
    if (v) {
        free(u->name);
        u->name = trim_dup(v);
    }
    v = json_str(d, "statusText");
    if (v) {
        free(u->status_text);
        u->status_text = status_text_dup(v);
    }
    v = json_str(d, "email");
    if (truthy(v)) {
        if (strcmp(u->email ? u->email : "", v) != 0) {
            set_str(&u->email, v);
            /* a new address is unverified unless verified:true comes along */
            u->email_verified = get_bool(d, "verified", 0);
        }
    } else if (json_object_get(d, "verified")) {
        u->email_verified = get_bool(d, "verified", 0);
    }
    if (get_bool(d, "setRandomPassword", 0)) {
        random_secret(secret);
        password = secret;
        u->require_password_change = 1;
    }
    /* only edit-other-user-password changes a password here, even one's own */
    if (!is_blank(password) &&
        has_permission(ctx, ctx->user, "edit-other-user-password", NULL)) {
        char *trimmed = trim_dup(password);

        free(u->password);
        u->password = hash_password(ctx, trimmed);
        explicit_bzero(trimmed, strlen(trimmed));
        free(trimmed);
    }
    explicit_bzero(secret, sizeof(secret));
    v = json_str(d, "bio");
    set_str(&u->bio, is_blank(v) ? NULL : v);
    v = json_str(d, "nickname");
    set_str(&u->nickname, is_blank(v) ? NULL : v);
    if (json_object_get(d, "roles"))
        roles_from_json(u, json_object_get(d, "roles"));
    v = json_str(d, "language");
    if (truthy(v))
        set_str(&u->language, v);
    if (json_object_get(d, "requirePasswordChange"))
        u->require_password_change = get_bool(d, "requirePasswordChange", 0);
    if (json_object_get(d, "customFields")) {
        free(u->custom_fields);
        u->custom_fields = json_dumps(json_object_get(d, "customFields"),
                                      JSON_COMPACT);
    }
    u->updated_at = now_ms();
}

int api_users_update(struct api_ctx *ctx, struct reply *out)
{
    const json_t *d = json_object_get(ctx->body, "data");
    const char *id = json_str(ctx->body, "userId");
    const json_t *roles, *active;
    const char *v;
    struct user u = USER_INIT;
    int status;

    status = check_params(ctx->body, update_params, 1, out);
    if (status)
        return status;
    status = check_params(d, update_data_params, 1, out);
    if (status)
        return status;
    if (!*id)
        return api_invalid_params(out, "must NOT have fewer than 1 "
                                       "characters");
    status = twofa_check(ctx, out);
    if (status)
        return status;
    roles = json_object_get(d, "roles");
    active = json_object_get(d, "active");
    v = json_str(d, "name");
    if (truthy(v) && !name_chars_ok(v))
        return api_fail(out, 400, NULL, "Name contains invalid characters");

    /* validateUserData */
    if (get_bool(d, "verified", 0) && strcmp(id, ctx->user->id) == 0)
        return fail_save(out, "error-action-not-allowed", "action",
                         "Editing_user",
                         "Editing email verification is not allowed");
    if (strcmp(id, ctx->user->id) != 0 &&
        !has_permission(ctx, ctx->user, "edit-other-user-info", NULL))
        return fail_save(out, "error-action-not-allowed", "action",
                         "Editing_user", "Editing user is not allowed");
    if (roles) {
        status = check_roles(ctx, roles, out);
        if (status)
            return status;
    }
    v = json_str(d, "username");
    if (truthy(v) && !username_valid(ctx, v)) {
        struct buf esc = BUF_INIT;

        add_escaped(&esc, v);
        status = api_fail_details(out, 400, "error-input-is-not-a-valid-field",
                                  json_pack("{s:s, s:s, s:s}", "method",
                                            "insertOrUpdateUser", "input", v,
                                            "field", "Username"),
                                  "%s is not a valid username", esc.data);
        buf_release(&esc);
        return status;
    }

    switch (store_user_by_id(ctx->store, id, &u)) {
    case ERR_OK:
        break;
    case ERR_NOT_FOUND:
        return api_fail(out, 400, NULL, "User not found");
    default:
        return api_internal(out);
    }
    status = validate_editing(ctx, &u, d, out);
    if (status)
        goto done;
    /*
     * data.active goes through setUserActiveStatus, whose checks run here,
     * before anything is saved, so a refusal leaves the user untouched.
     */
    if (active) {
        if (!has_permission(ctx, ctx->user, "edit-other-user-active-status",
                            NULL)) {
            status = api_fail_details(out, 400, "error-not-allowed",
                                      json_pack("{s:s}", "method",
                                                "setUserActiveStatus"),
                                      "Not allowed");
            goto done;
        }
        status = json_is_true(active) ? 0
                 : check_last_active_admin(ctx, &u, out);
        if (status)
            goto done;
    }
    v = json_str(d, "username");
    status = truthy(v) && strcmp(v, u.username) != 0
             ? check_new_username(ctx, &u, v, out) : 0;
    if (status)
        goto done;
    v = json_str(d, "email");
    status = truthy(v) && strcmp(v, u.email ? u.email : "") != 0
             ? check_new_email(ctx, &u, v, out) : 0;
    if (status)
        goto done;
    status = check_bio_nickname(d, out);
    if (status)
        goto done;

    apply_update(ctx, &u, d);
    switch (store_user_save(ctx->store, &u)) {
    case ERR_OK:
        break;
    case ERR_EXISTS:
        status = api_fail_details(out, 400, "error-could-not-save-identity",
                                  json_pack("{s:s}", "method", "saveUser"),
                                  "Could not save user identity");
        goto done;
    case ERR_NOT_FOUND:
        status = api_fail(out, 400, NULL, "User not found");
        goto done;
    default:
        status = api_internal(out);
        goto done;
    }
    status = active ? set_active(ctx, &u, json_is_true(active), out) : 0;
    if (status)
        goto done;
    status = reply_user_doc(ctx, u.rid, out);
done:
    user_release(&u);
    return status;
}

/* ---- rooms a user leaves behind (users.delete, deactivation) ---- */

struct owned_rooms {
    json_t *details;                /* Rocket.Chat's [user-last-owner] list */
    size_t n;
    int64_t rids[256];              /* rooms to hand over or erase */
    int64_t members[256];
};

static void collect_owned(void *arg, const struct room *r, int64_t members)
{
    struct owned_rooms *o = arg;

    json_array_append_new(o->details,
        json_pack("{s:s, s:s, s:b, s:b, s:b}", "rid", r->id, "t", r->t,
                  "shouldBeRemoved", members <= 1, "shouldChangeOwner",
                  members > 1, "userIsLastOwner", 1));
    if (o->n < ARRAY_SIZE(o->rids)) {
        o->rids[o->n] = r->rid;
        o->members[o->n++] = members;
    }
}

/*
 * Rocket.Chat's last-owner rule: a user who is the only owner of a channel
 * or group is refused with [user-last-owner] and the rooms in details,
 * unless confirmRelinquish: then another member becomes owner, and a room
 * with nobody else in it is erased. Returns 0 or the status it set.
 */
static int relinquish_rooms(struct api_ctx *ctx, const struct user *u,
                            int confirm, struct reply *out)
{
    struct owned_rooms o = { .details = json_array() };
    int64_t now = now_ms(), heir;
    enum err rc;
    int status = 0;

    rc = store_rooms_last_owner(ctx->store, u->rid, collect_owned, &o);
    if (rc) {
        status = api_internal(out);
        goto out;
    }
    if (o.n && !confirm) {
        status = api_fail_details(out, 400, "user-last-owner",
                                  json_incref(o.details), "%s", "");
        goto out;
    }
    for (size_t i = 0; i < o.n && !rc; i++)
        rc = o.members[i] > 1
             ? store_room_transfer_owner(ctx->store, o.rids[i], u->rid, now,
                                         &heir)
             : store_room_delete(ctx->store, o.rids[i], now);
    if (rc)
        status = api_internal(out);
out:
    json_decref(o.details);
    return status;
}

/*
 * Message_ErasureType for a deleted user: Delete removes every message
 * they wrote through the same path as chat.delete (counters, threads,
 * lastMessage stay right), Unlink gives them to rocket.cat as "Removed
 * User", Keep leaves them.
 */
static enum err erase_messages(struct api_ctx *ctx, const struct user *u)
{
    const char *mode = setting_str(ctx->app->settings, "Message_ErasureType");
    char *ids[200];
    size_t n;
    enum err rc;

    if (strcmp(mode, "Keep") == 0)
        return ERR_OK;
    if (strcmp(mode, "Unlink") == 0)
        return store_messages_unlink_user(ctx->store, u->id, "Removed User");
    do {
        rc = store_message_ids_of_user(ctx->store, u->id, ARRAY_SIZE(ids),
                                       ids, &n);
        for (size_t i = 0; i < n; i++) {
            struct message m = MESSAGE_INIT;
            struct room r = ROOM_INIT;

            /* a message may be gone already: its discussion went first */
            if (!rc && store_message_by_id(ctx->store, ids[i], &m) == ERR_OK &&
                store_room_by_rid(ctx->store, m.room_rid, &r) == ERR_OK)
                rc = message_remove(ctx, &r, &m, ctx->user);
            message_release(&m);
            room_release(&r);
            free(ids[i]);
        }
    } while (!rc && n == ARRAY_SIZE(ids));
    return rc;
}

/* ---- users.delete ---- */

static const struct param delete_params[] = {
    { "userId", P_STRING, 0 },
    { "username", P_STRING, 0 },
    { "user", P_STRING, 0 },
    { "confirmRelinquish", P_BOOL, 0 },
    { NULL, 0, 0 },
};

int api_users_delete(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    struct user u = USER_INIT;
    int64_t admins;
    enum err rc;
    int status;

    status = check_params(b, delete_params, 0, out);
    if (status)
        return status;
    status = user_from_params(ctx, json_str(b, "userId"),
                              json_str(b, "username"), json_str(b, "user"),
                              &u, out);
    if (status)
        return status;
    if (strcmp(u.id, "rocket.cat") == 0) {
        status = api_fail_details(out, 400, "error-action-not-allowed",
                                  json_pack("{s:s, s:s}", "method",
                                            "deleteUser", "action",
                                            "Delete_user"),
                                  "Deleting the rocket.cat user is not "
                                  "allowed");
        goto done;
    }
    if (strcmp(u.type, "app") == 0) {
        status = api_fail_details(out, 400, "error-cannot-delete-app-user",
                                  json_pack("{s:s}", "method", "deleteUser"),
                                  "Deleting app user is not allowed");
        goto done;
    }
    /* the last admin, active or not, stays */
    if (user_has_role(&u, "admin")) {
        if (store_users_with_role(ctx->store, "admin", 0, &admins)) {
            status = api_internal(out);
            goto done;
        }
        if (admins == 1) {
            status = api_fail_details(out, 400, "error-action-not-allowed",
                                      json_pack("{s:s, s:s}", "method",
                                                "deleteUser", "action",
                                                "Remove_last_admin"),
                                      "Leaving the app without admins is not "
                                      "allowed");
            goto done;
        }
    }
    if (store_begin(ctx->store)) {
        status = api_internal(out);
        goto done;
    }
    status = relinquish_rooms(ctx, &u, get_bool(b, "confirmRelinquish", 0),
                              out);
    if (status) {
        store_rollback(ctx->store);
        goto done;
    }
    rc = erase_messages(ctx, &u);
    if (!rc)
        rc = store_subs_remove_user(ctx->store, u.rid, now_ms());
    if (!rc)
        rc = store_user_delete(ctx->store, u.rid);
    if (rc)
        store_rollback(ctx->store);
    else
        rc = store_commit(ctx->store);
    switch (rc) {
    case ERR_OK:
        status = api_ok(out, NULL);
        break;
    case ERR_NOT_FOUND:
        status = api_fail(out, 400, "error-invalid-user",
                          "The required \"userId\" or \"username\" param "
                          "provided does not match any users");
        break;
    default:
        status = api_internal(out);
        break;
    }
done:
    user_release(&u);
    return status;
}

/* ---- users.setActiveStatus, users.deactivateIdle ---- */

static const struct param active_params[] = {
    { "userId", P_STRING, 1 },
    { "activeStatus", P_BOOL, 1 },
    { "confirmRelinquish", P_BOOL, 0 },
    { NULL, 0, 0 },
};

int api_users_set_active_status(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    int active = get_bool(b, "activeStatus", 1);
    struct user u = USER_INIT;
    int status;

    status = check_params(b, active_params, 1, out);
    if (status)
        return status;
    switch (store_user_by_id(ctx->store, json_str(b, "userId"), &u)) {
    case ERR_OK:
        break;
    case ERR_NOT_FOUND:
        return api_fail(out, 400, NULL, "User not found");
    default:
        return api_internal(out);
    }
    status = active ? 0 : check_last_active_admin(ctx, &u, out);
    if (!status && !active && u.active)
        status = relinquish_rooms(ctx, &u,
                                  get_bool(b, "confirmRelinquish", 0), out);
    if (!status)
        status = set_active(ctx, &u, active, out);
    if (status)
        goto done;
    status = api_ok(out, json_pack("{s:{s:s, s:b}}", "user", "_id", u.id,
                                   "active", active));
done:
    user_release(&u);
    return status;
}

static const struct param idle_params[] = {
    { "daysIdle", P_NUMBER, 1 },
    { "role", P_STRING, 0 },
    { NULL, 0, 0 },
};

int api_users_deactivate_idle(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    const char *role = json_str(b, "role");
    double days, cutoff;
    int64_t count, now = now_ms();
    int status;

    status = check_params(b, idle_params, 1, out);
    if (status)
        return status;
    /* Date#setDate(getDate() - daysIdle) drops a fraction of a day */
    days = trunc(json_number_value(json_object_get(b, "daysIdle")));
    cutoff = (double)now - days * DAY_MS;
    if (cutoff < -8.64e15)
        cutoff = -8.64e15;          /* JavaScript's earliest date */
    if (cutoff > 8.64e15)
        cutoff = 8.64e15;
    if (store_users_deactivate_idle(ctx->store, role ? role : "user",
                                    (int64_t)cutoff, now, &count))
        return api_internal(out);
    return api_ok(out, json_pack("{s:I}", "count", (json_int_t)count));
}

/* ---- users.register ---- */

static const struct param register_params[] = {
    { "username", P_STRING, 1 },
    { "email", P_STRING, 1 },
    { "pass", P_STRING, 1 },
    { "name", P_STRING, 0 },
    { "secret", P_STRING, 0 },
    { "reason", P_STRING, 0 },
    { "customFields", P_OBJECT, 0 },
    { NULL, 0, 0 },
};

/* registerUser's Accounts_RegistrationForm gate. Returns 0 or a status. */
static int registration_open(struct api_ctx *ctx, const char *secret,
                             struct reply *out)
{
    const struct settings *s = ctx->app->settings;
    const char *form = setting_str(s, "Accounts_RegistrationForm");
    const char *want = setting_str(s, "Accounts_RegistrationForm_SecretURL");

    if (strcmp(form, "Disabled") == 0)
        return api_fail_details(out, 400, "error-user-registration-disabled",
                                json_pack("{s:s}", "method", "registerUser"),
                                "User registration is disabled");
    if (strcmp(form, "Secret URL") == 0 &&
        (!truthy(secret) ||
         !secret_equal(secret, strlen(secret), want, strlen(want))))
        return api_fail_details(out, 400, "error-user-registration-secret",
                                json_pack("{s:s}", "method", "registerUser"),
                                "User registration is only allowed via "
                                "Secret URL");
    return 0;
}

int api_users_register(struct api_ctx *ctx, struct reply *out)
{
    const json_t *b = ctx->body;
    const json_t *cf = json_object_get(b, "customFields");
    const char *username = json_str(b, "username");
    const char *name = json_str(b, "name");
    char id[RANDOM_ID_LEN + 1];
    struct user u = USER_INIT, other = USER_INIT;
    enum err rc;
    int status;

    status = check_params(b, register_params, 1, out);
    if (status)
        return status;
    if (ctx->user)
        return api_fail(out, 400, NULL, "Logged in users can not register "
                                        "again.");
    if (name && !name_chars_ok(name))
        return api_fail(out, 400, NULL, "Name contains invalid characters");
    if (!username_valid(ctx, username))
        return api_fail(out, 400, NULL, "The username provided is not valid");
    if (username_blocked(ctx, username))
        return fail_blocked(out, username);
    rc = store_user_by_username(ctx->store, username, &other);
    user_release(&other);
    if (rc == ERR_OK)
        return api_fail(out, 400, NULL, "Username is already in use");
    if (rc != ERR_NOT_FOUND)
        return api_internal(out);
    /* the registerUser method's check() wants a name after all */
    if (!name)
        return api_fail(out, 400, NULL, "Match error: Missing key 'name'");
    status = registration_open(ctx, json_str(b, "secret"), out);
    if (status)
        return status;

    u.email = trim_dup(json_str(b, "email"));
    for (char *p = u.email; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    if (!email_valid(u.email)) {
        status = fail_invalid_email(out, json_str(b, "email"));
        goto done;
    }
    rc = store_user_by_email(ctx->store, u.email, &other);
    user_release(&other);
    if (rc == ERR_OK) {
        /* Meteor's accounts package: Meteor.Error(403, ...), numeric type */
        status = api_fail(out, 400, "403", "Email already exists.");
        json_object_set_new(out->body, "errorType", json_integer(403));
        goto done;
    }
    if (rc != ERR_NOT_FOUND) {
        status = api_internal(out);
        goto done;
    }
    random_id(id);
    u.id = xstrdup(id);
    u.username = xstrdup(username);
    u.name = trim_dup(name);
    u.type = xstrdup("user");
    u.status = xstrdup("offline");
    u.active = 1;
    u.password = hash_password(ctx, json_str(b, "pass"));
    u.created_at = u.updated_at = now_ms();
    if (cf)
        u.custom_fields = json_dumps(cf, JSON_COMPACT);
    default_roles(ctx, &u);
    switch (store_user_insert(ctx->store, &u)) {
    case ERR_OK:
        /* the caller is anonymous: the answer shows what anyone may see */
        status = api_ok(out, json_pack("{s:o}", "user",
                                       user_to_json(ctx, &u, AUD_OTHER)));
        break;
    case ERR_EXISTS:
        status = api_fail(out, 400, NULL, "Username is already in use");
        break;
    default:
        status = api_internal(out);
        break;
    }
done:
    user_release(&u);
    return status;
}

/* ---- users.logout ---- */

static const struct param logout_params[] = {
    { "userId", P_STRING, 0 },
    { NULL, 0, 0 },
};

int api_users_logout(struct api_ctx *ctx, struct reply *out)
{
    const char *id = json_str(ctx->body, "userId");
    struct user u = USER_INIT;
    int status;

    status = check_params(ctx->body, logout_params, 0, out);
    if (status)
        return status;
    if (!truthy(id))
        id = ctx->user->id;
    if (strcmp(id, ctx->user->id) != 0 &&
        !has_permission(ctx, ctx->user, "logout-other-user", NULL))
        return api_forbidden(out);
    switch (store_user_by_id(ctx->store, id, &u)) {
    case ERR_OK:
        break;
    case ERR_NOT_FOUND:
        return api_fail(out, 400, "error-invalid-user-id", "Invalid user id");
    default:
        return api_internal(out);
    }
    if (store_tokens_remove_all(ctx->store, u.rid))
        status = api_internal(out);
    else
        status = api_ok(out, json_pack("{s:s++}", "message", "User ",
                                       u.id, " has been logged out!"));
    user_release(&u);
    return status;
}

/* ---- users.setStatus, users.getStatus, users.getPresence ---- */

int api_users_set_status(struct api_ctx *ctx, struct reply *out)
{
    static const char *const statuses[] = {
        "online", "away", "offline", "busy", NULL,
    };
    static const struct param who_params[] = {
        { "userId", P_STRING, 0 },
        { "username", P_STRING, 0 },
        { "user", P_STRING, 0 },
        { NULL, 0, 0 },
    };
    const json_t *b = ctx->body;
    const json_t *sv = json_object_get(b, "status");
    const json_t *mv = json_object_get(b, "message");
    const char *id = json_str(b, "userId"), *username = json_str(b, "username");
    const char *user = json_str(b, "user"), *st = json_str(b, "status");
    struct user u = USER_INIT;
    size_t i = 0;
    int status;

    /* check(Match.OneOf({status?, message}, {status, message?})) */
    if (!((json_is_string(mv) && (!sv || json_is_string(sv))) ||
          (json_is_string(sv) && (!mv || json_is_string(mv)))) ||
        has_nul(sv) || has_nul(mv))
        return api_fail(out, 400, NULL, "Match error: Failed Match.OneOf, "
                                        "Match.Maybe or Match.Optional "
                                        "validation");
    status = check_params(b, who_params, 0, out);
    if (status)
        return status;
    if (!setting_bool(ctx->app->settings,
                      "Accounts_AllowUserStatusMessageChange"))
        return api_fail_details(out, 400, "error-not-allowed",
                                json_pack("{s:s}", "method", "users.setStatus"),
                                "Change status is not allowed");
    if (params_name_caller(ctx, id, username, user))
        status = store_user_by_rid(ctx->store, ctx->user->rid, &u) ?
                 api_internal(out) : 0;
    else if (has_permission(ctx, ctx->user, "edit-other-user-info", NULL))
        status = user_from_params(ctx, id, username, user, &u, out);
    else
        return api_forbidden(out);
    if (status)
        goto done;
    if (truthy(st)) {
        while (statuses[i] && strcmp(statuses[i], st) != 0)
            i++;
        if (!statuses[i]) {
            status = api_fail_details(out, 400, "error-invalid-status",
                                      json_pack("{s:s}", "method",
                                                "users.setStatus"),
                                      "Valid status types include online, "
                                      "away, offline, and busy.");
            goto done;
        }
        if (strcmp(st, "offline") == 0 &&
            !setting_bool(ctx->app->settings,
                          "Accounts_AllowInvisibleStatusOption")) {
            status = api_fail_details(out, 400, "error-status-not-allowed",
                                      json_pack("{s:s}", "method",
                                                "users.setStatus"),
                                      "Invisible status is disabled");
            goto done;
        }
        /*
         * Rocket.Chat 7.x writes status and statusDefault straight to the
         * user, so with no realtime connection the status reads back as set.
         */
        set_str(&u.status, st);
        set_str(&u.status_default, st);
    }
    if (json_is_string(mv)) {
        free(u.status_text);
        u.status_text = status_text_dup(json_string_value(mv));
    }
    u.updated_at = now_ms();
    switch (store_user_save(ctx->store, &u)) {
    case ERR_OK:
        status = api_ok(out, NULL);
        break;
    case ERR_NOT_FOUND:
        status = api_fail(out, 400, NULL, "User not found");
        break;
    default:
        status = api_internal(out);
        break;
    }
done:
    user_release(&u);
    return status;
}

/*
 * The user a getStatus/getPresence query names, or the caller. *self says
 * which; *u is filled for another user. Returns 0 or the status set.
 */
static int query_target(struct api_ctx *ctx, struct user *u, int *self,
                        struct reply *out)
{
    const char *id = req_query(ctx->req, "userId");
    const char *username = req_query(ctx->req, "username");
    const char *user = req_query(ctx->req, "user");

    *self = params_name_caller(ctx, id, username, user);
    if (*self)
        return 0;
    return user_from_params(ctx, id, username, user, u, out);
}

/*
 * With no realtime connections in rcd, connectionStatus is always
 * "offline" and status is what the user document holds ("offline" for a
 * new user, or what users.setStatus set), exactly what Rocket.Chat 7.x
 * answers for a user without a DDP session.
 */
int api_users_get_status(struct api_ctx *ctx, struct reply *out)
{
    struct user u = USER_INIT;
    int self, status;

    status = query_target(ctx, &u, &self, out);
    if (status)
        return status;
    if (self)
        status = api_ok(out, json_pack("{s:s, s:s, s:s}", "_id", ctx->user->id,
                                       "connectionStatus", "offline",
                                       "status", ctx->user->status));
    else
        status = api_ok(out, json_pack("{s:s, s:s}", "_id", u.id, "status",
                                       u.status));
    user_release(&u);
    return status;
}

int api_users_get_presence(struct api_ctx *ctx, struct reply *out)
{
    struct user u = USER_INIT;
    json_t *o;
    int self, status;

    status = query_target(ctx, &u, &self, out);
    if (status)
        return status;
    if (self) {
        o = json_pack("{s:s, s:s}", "presence", ctx->user->status,
                      "connectionStatus", "offline");
        if (ctx->user->last_login) {
            char iso[ISO_TIME_LEN + 1];

            iso_time(ctx->user->last_login, iso);
            json_object_set_new(o, "lastLogin", json_string(iso));
        }
    } else {
        o = json_pack("{s:s}", "presence", u.status);
    }
    status = api_ok(out, o);
    user_release(&u);
    return status;
}
