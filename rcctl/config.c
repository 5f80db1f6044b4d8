/*
 * The config file, kept as its lines so that edits leave comments and
 * unknown keys alone, plus the precedence rules that pick the server and
 * credentials of a run. No network here.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/xalloc.h"
#include "prompt.h"

#define CONFIG_MAX_BYTES (1u << 20)   /* a bigger config is a mistake */

enum line_kind {
    LINE_OTHER,     /* blank or comment */
    LINE_SECTION,   /* "[...]" */
    LINE_KEY,       /* "key = value" */
};

struct config_line {
    char *text;            /* as written, without the newline; owned */
    enum line_kind kind;
    char *profile;         /* the profile section it is in (or heads); owned */
    int in_other;          /* inside a section that is not a profile */
    char *key;             /* LINE_KEY only; owned */
    char *value;           /* LINE_KEY only, unquoted; owned */
};

char *config_path(void)
{
    const char *xdg = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    struct buf b = BUF_INIT;

    /* The XDG spec says relative values are to be ignored. */
    if (xdg && xdg[0] == '/')
        buf_addf(&b, "%s/rcctl/config", xdg);
    else
        buf_addf(&b, "%s/.config/rcctl/config", home && *home ? home : ".");
    return buf_detach(&b, NULL);
}

static void line_free(struct config_line *l)
{
    free(l->text);
    free(l->profile);
    free(l->key);
    if (l->value) {
        /* may be a token */
        memset(l->value, 0, strlen(l->value));
        free(l->value);
    }
}

void config_release(struct config *cfg)
{
    for (size_t i = 0; i < cfg->nlines; i++)
        line_free(&cfg->lines[i]);
    free(cfg->lines);
    free(cfg->path);
    *cfg = (struct config)CONFIG_INIT;
}

static struct config_line *line_insert(struct config *cfg, size_t at)
{
    cfg->lines = xrealloc(cfg->lines, (cfg->nlines + 1) * sizeof(*cfg->lines));
    memmove(cfg->lines + at + 1, cfg->lines + at,
            (cfg->nlines - at) * sizeof(*cfg->lines));
    cfg->nlines++;
    memset(&cfg->lines[at], 0, sizeof(cfg->lines[at]));
    return &cfg->lines[at];
}

static void line_remove(struct config *cfg, size_t at)
{
    line_free(&cfg->lines[at]);
    memmove(cfg->lines + at, cfg->lines + at + 1,
            (cfg->nlines - at - 1) * sizeof(*cfg->lines));
    cfg->nlines--;
}

static const char *skip_space(const char *p)
{
    while (*p == ' ' || *p == '\t')
        p++;
    return p;
}

/* Nothing but blanks and perhaps a comment left. */
static int is_rest_empty(const char *p)
{
    p = skip_space(p);
    return !*p || *p == '#' || *p == ';';
}

/* Parse a "quoted" string at p (at the opening quote) into *out; returns
 * the position after the closing quote, or NULL on a syntax error. */
static const char *parse_quoted(const char *p, struct buf *out)
{
    for (p++; *p && *p != '"'; p++) {
        if (*p != '\\') {
            buf_addc(out, *p);
            continue;
        }
        switch (*++p) {
        case '"': buf_addc(out, '"'); break;
        case '\\': buf_addc(out, '\\'); break;
        case 'n': buf_addc(out, '\n'); break;
        case 't': buf_addc(out, '\t'); break;
        default: return NULL;
        }
    }
    return *p == '"' ? p + 1 : NULL;
}

/*
 * Parse one line into l (l->text already set); *profile and *in_other
 * carry the section state from line to line. Returns 0, or -1 with the
 * problem in *why.
 */
static int parse_line(struct config_line *l, char **profile, int *in_other,
                      struct buf *why)
{
    const char *p = skip_space(l->text);
    struct buf v = BUF_INIT;

    if (!*p || *p == '#' || *p == ';') {
        l->kind = LINE_OTHER;
    } else if (*p == '[') {
        const char *word = skip_space(p + 1), *end = word;

        while (isalnum((unsigned char)*end) || *end == '-' || *end == '_')
            end++;
        p = skip_space(end);
        if (*p == '"') {
            p = parse_quoted(p, &v);
            if (!p)
                goto bad_section;
            p = skip_space(p);
        }
        if (*p != ']' || !is_rest_empty(p + 1) || end == word)
            goto bad_section;
        free(*profile);
        *profile = NULL;
        *in_other = 0;
        if ((size_t)(end - word) == 7 && !strncmp(word, "profile", 7)) {
            if (!v.len) {
                buf_adds(why, "expected [profile \"NAME\"]");
                goto fail;
            }
            *profile = buf_detach(&v, NULL);
        } else {
            *in_other = 1;
        }
        l->kind = LINE_SECTION;
    } else {
        const char *key = p, *end = p;

        while (isalnum((unsigned char)*end) || *end == '-' || *end == '_')
            end++;
        p = skip_space(end);
        if (end == key || *p != '=') {
            buf_adds(why, "expected 'key = value'");
            goto fail;
        }
        p = skip_space(p + 1);
        if (*p == '"') {
            p = parse_quoted(p, &v);
            if (!p || !is_rest_empty(p)) {
                buf_adds(why, "bad quoted value");
                goto fail;
            }
        } else {
            /* Unquoted: up to a comment that follows a blank. */
            const char *q = p, *stop = p + strlen(p);

            for (; *q; q++) {
                if ((*q == '#' || *q == ';') &&
                    (q == p || q[-1] == ' ' || q[-1] == '\t')) {
                    stop = q;
                    break;
                }
            }
            while (stop > p && (stop[-1] == ' ' || stop[-1] == '\t'))
                stop--;
            buf_add(&v, p, (size_t)(stop - p));
        }
        l->kind = LINE_KEY;
        l->key = xstrndup(key, (size_t)(end - key));
        l->value = buf_detach(&v, NULL);
    }
    l->profile = *profile ? xstrdup(*profile) : NULL;
    l->in_other = *in_other;
    buf_release(&v);
    return 0;
bad_section:
    buf_adds(why, "bad section header");
fail:
    buf_release(&v);
    return -1;
}

enum err config_parse(struct config *cfg, const char *name, const char *text,
                      struct buf *why)
{
    char *profile = NULL;
    int in_other = 0;
    size_t lineno = 0;
    const char *p = text;

    while (*p) {
        size_t n = strcspn(p, "\n");
        struct config_line *l = line_insert(cfg, cfg->nlines);

        lineno++;
        l->text = xstrndup(p, n && p[n - 1] == '\r' ? n - 1 : n);
        p += n + (p[n] == '\n');
        if (parse_line(l, &profile, &in_other, why) < 0) {
            struct buf where = BUF_INIT;

            buf_addf(&where, "%s:%zu: ", name, lineno);
            buf_add(&where, why->data, why->len);
            buf_reset(why);
            buf_add(why, where.data, where.len);
            buf_release(&where);
            free(profile);
            return ERR_INVALID;
        }
    }
    free(profile);
    return ERR_OK;
}

/* Warn when path (a file or folder) is open to group or others. */
static void check_mode(const char *path, int is_dir)
{
    struct stat st;

    if (stat(path, &st) < 0 || !(st.st_mode & 077))
        return;
    fprintf(stderr,
            "rcctl: warning: %s '%s' is accessible by others (mode %04o); "
            "run: chmod %s '%s'\n",
            is_dir ? "folder" : "config file", path,
            (unsigned)(st.st_mode & 07777), is_dir ? "700" : "600", path);
}

static char *dir_of(const char *path)
{
    const char *slash = strrchr(path, '/');

    if (!slash)
        return xstrdup(".");
    if (slash == path)
        return xstrdup("/");
    return xstrndup(path, (size_t)(slash - path));
}

enum err config_load(struct config *cfg, const char *path, struct buf *why)
{
    struct buf text = BUF_INIT;
    char *dir = NULL;
    enum err rc = ERR_OK;
    char chunk[4096];
    FILE *fp = NULL;
    size_t n;

    cfg->path = path ? xstrdup(path) : config_path();
    dir = dir_of(cfg->path);
    fp = fopen(cfg->path, "r");
    if (!fp) {
        if (errno != ENOENT) {
            buf_addf(why, "cannot read '%s': %s", cfg->path, strerror(errno));
            rc = ERR_IO;
        }
        goto out;
    }
    check_mode(dir, 1);
    check_mode(cfg->path, 0);
    while ((n = fread(chunk, 1, sizeof(chunk), fp)) > 0) {
        if (text.len + n > CONFIG_MAX_BYTES) {
            buf_addf(why, "'%s' is larger than 1 MiB", cfg->path);
            rc = ERR_INVALID;
            goto out;
        }
        buf_add(&text, chunk, n);
    }
    if (ferror(fp)) {
        buf_addf(why, "cannot read '%s': %s", cfg->path, strerror(errno));
        rc = ERR_IO;
        goto out;
    }
    if (memchr(text.data, '\0', text.len)) {
        buf_addf(why, "'%s' holds a NUL byte", cfg->path);
        rc = ERR_INVALID;
        goto out;
    }
    rc = config_parse(cfg, cfg->path, text.data, why);
out:
    if (fp)
        fclose(fp);
    if (text.cap)
        memset(text.data, 0, text.cap);
    buf_release(&text);
    free(dir);
    return rc;
}

char *config_xdg_dir(const char *env, const char *fallback)
{
    const char *xdg = getenv(env), *home = getenv("HOME");
    struct buf b = BUF_INIT;

    if (xdg && xdg[0] == '/')
        buf_addf(&b, "%s/rcctl", xdg);
    else
        buf_addf(&b, "%s/%s/rcctl", home ? home : ".", fallback);
    return buf_detach(&b, NULL);
}

int config_mkdirs(const char *dir, struct buf *why)
{
    char *tmp = xstrdup(dir);
    int rc = 0, saved = 0;

    for (char *p = tmp + 1;; p++) {
        char c = *p;

        if (c != '/' && c != '\0')
            continue;
        *p = '\0';
        if (mkdir(tmp, 0700) < 0 && errno != EEXIST) {
            saved = errno;
            if (why)
                buf_addf(why, "cannot create '%s': %s", tmp, strerror(saved));
            rc = -1;
            break;
        }
        *p = c;
        if (!c)
            break;
    }
    free(tmp);
    if (rc)
        errno = saved;
    return rc;
}

static int write_all(int fd, const char *p, size_t n)
{
    while (n) {
        ssize_t w = write(fd, p, n);

        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        n -= (size_t)w;
    }
    return 0;
}

void config_text(const struct config *cfg, struct buf *out)
{
    for (size_t i = 0; i < cfg->nlines; i++) {
        buf_adds(out, cfg->lines[i].text);
        buf_addc(out, '\n');
    }
}

enum err config_save(const struct config *cfg, struct buf *why)
{
    struct buf text = BUF_INIT, tmp = BUF_INIT;
    char *dir = dir_of(cfg->path);
    enum err rc = ERR_IO;
    int fd = -1;

    config_text(cfg, &text);
    if (config_mkdirs(dir, why) < 0)
        goto out;
    buf_addf(&tmp, "%s/.config.XXXXXX", dir);
    fd = mkstemp(tmp.data);   /* creates the file 0600 */
    if (fd < 0) {
        buf_addf(why, "cannot create a file in '%s': %s", dir,
                 strerror(errno));
        goto out;
    }
    if (fchmod(fd, 0600) < 0 || write_all(fd, text.data, text.len) < 0 ||
        fsync(fd) < 0) {
        buf_addf(why, "cannot write '%s': %s", tmp.data, strerror(errno));
        goto out;
    }
    if (close(fd) < 0) {
        fd = -1;
        buf_addf(why, "cannot write '%s': %s", tmp.data, strerror(errno));
        goto out;
    }
    fd = -1;
    if (rename(tmp.data, cfg->path) < 0) {
        buf_addf(why, "cannot replace '%s': %s", cfg->path, strerror(errno));
        goto out;
    }
    tmp.len = 0;   /* renamed: nothing to clean up */
    rc = ERR_OK;
out:
    if (fd >= 0)
        close(fd);
    if (tmp.len)
        unlink(tmp.data);
    if (text.cap)
        memset(text.data, 0, text.cap);
    buf_release(&text);
    buf_release(&tmp);
    free(dir);
    return rc;
}

static int same_str(const char *a, const char *b)
{
    return (!a && !b) || (a && b && !strcmp(a, b));
}

/* Does line l belong to the section of profile (NULL: top level)? */
static int in_section(const struct config_line *l, const char *profile)
{
    if (l->in_other)
        return 0;
    return same_str(l->profile, profile);
}

const char *config_get(const struct config *cfg, const char *profile,
                       const char *key)
{
    for (size_t i = cfg->nlines; i-- > 0;) {
        const struct config_line *l = &cfg->lines[i];

        if (l->kind == LINE_KEY && in_section(l, profile) &&
            !strcmp(l->key, key))
            return l->value;
    }
    return NULL;
}

/* value, quoted if a reader could otherwise take it differently. */
static void add_value(struct buf *b, const char *value)
{
    size_t n = strlen(value);
    int quote = !n || value[0] == ' ' || value[0] == '\t' ||
                value[n - 1] == ' ' || value[n - 1] == '\t' ||
                value[0] == '"';

    for (const char *p = value; *p && !quote; p++)
        quote = *p == '#' || *p == ';' || *p == '\\' ||
                (unsigned char)*p < 0x20;
    if (!quote) {
        buf_adds(b, value);
        return;
    }
    buf_addc(b, '"');
    for (const char *p = value; *p; p++) {
        if (*p == '"' || *p == '\\')
            buf_addf(b, "\\%c", *p);
        else if (*p == '\n')
            buf_adds(b, "\\n");
        else if (*p == '\t')
            buf_adds(b, "\\t");
        else if ((unsigned char)*p >= 0x20)
            buf_addc(b, *p);
    }
    buf_addc(b, '"');
}

static void fill_key_line(struct config_line *l, const char *profile,
                          const char *key, const char *value)
{
    struct buf b = BUF_INIT;

    buf_addf(&b, "%s%s = ", profile ? "\t" : "", key);
    add_value(&b, value);
    free(l->text);
    l->text = buf_detach(&b, NULL);
    l->kind = LINE_KEY;
    free(l->key);
    l->key = xstrdup(key);
    if (l->value) {
        memset(l->value, 0, strlen(l->value));
        free(l->value);
    }
    l->value = xstrdup(value);
    free(l->profile);
    l->profile = profile ? xstrdup(profile) : NULL;
    l->in_other = 0;
}

void config_set(struct config *cfg, const char *profile, const char *key,
                const char *value)
{
    size_t i, at = (size_t)-1, after = (size_t)-1;
    struct config_line *l;

    for (i = cfg->nlines; i-- > 0;) {
        l = &cfg->lines[i];
        if (l->kind != LINE_KEY || !in_section(l, profile) ||
            strcmp(l->key, key))
            continue;
        if (!value)
            line_remove(cfg, i);
        else if (at == (size_t)-1)
            at = i;
    }
    if (!value)
        return;
    if (at != (size_t)-1) {
        fill_key_line(&cfg->lines[at], profile, key, value);
        return;
    }
    /* New key: after the section's last key (or its header). */
    for (i = 0; i < cfg->nlines; i++) {
        l = &cfg->lines[i];
        if (in_section(l, profile) && l->kind != LINE_OTHER)
            after = i;
        if (!profile && l->kind == LINE_SECTION)
            break;
    }
    if (!profile && after == (size_t)-1) {
        l = line_insert(cfg, 0);   /* top level and no key yet: line 1 */
        fill_key_line(l, NULL, key, value);
        if (cfg->nlines > 1 && cfg->lines[1].kind == LINE_SECTION) {
            l = line_insert(cfg, 1);
            l->text = xstrdup("");
        }
        return;
    }
    if (after == (size_t)-1) {
        struct buf b = BUF_INIT;

        if (cfg->nlines && cfg->lines[cfg->nlines - 1].text[0]) {
            l = line_insert(cfg, cfg->nlines);
            l->text = xstrdup("");
        }
        buf_adds(&b, "[profile ");
        buf_addc(&b, '"');
        for (const char *p = profile; *p; p++) {
            if (*p == '"' || *p == '\\')
                buf_addc(&b, '\\');
            buf_addc(&b, *p);
        }
        buf_adds(&b, "\"]");
        l = line_insert(cfg, cfg->nlines);
        l->text = buf_detach(&b, NULL);
        l->kind = LINE_SECTION;
        l->profile = xstrdup(profile);
        after = cfg->nlines - 1;
    }
    l = line_insert(cfg, after + 1);
    fill_key_line(l, profile, key, value);
}

int config_has_profile(const struct config *cfg, const char *name)
{
    for (size_t i = 0; i < cfg->nlines; i++) {
        const struct config_line *l = &cfg->lines[i];

        if (l->kind == LINE_SECTION && same_str(l->profile, name))
            return 1;
    }
    return 0;
}

int config_remove_profile(struct config *cfg, const char *name)
{
    int found = 0;

    for (size_t i = cfg->nlines; i-- > 0;) {
        const struct config_line *l = &cfg->lines[i];

        if (l->profile && !strcmp(l->profile, name)) {
            found |= l->kind == LINE_SECTION;
            line_remove(cfg, i);
        }
    }
    return found ? 0 : -1;
}

size_t config_profiles(const struct config *cfg, const char ***names)
{
    size_t n = 0;

    *names = xcalloc(cfg->nlines + 1, sizeof(**names));
    for (size_t i = 0; i < cfg->nlines; i++) {
        const struct config_line *l = &cfg->lines[i];
        size_t j;

        if (l->kind != LINE_SECTION || !l->profile)
            continue;
        for (j = 0; j < n && strcmp((*names)[j], l->profile); j++)
            ;
        if (j == n)
            (*names)[n++] = l->profile;
    }
    return n;
}

char *config_url_normalize(const char *url, struct buf *why)
{
    struct buf b = BUF_INIT;
    const char *p = skip_space(url), *host;
    size_t n;

    if (!strstr(p, "://")) {
        buf_adds(&b, "https://");
    } else if (!strncasecmp(p, "https://", 8) ||
               !strncasecmp(p, "http://", 7)) {
        for (; *p != ':'; p++)
            buf_addc(&b, (char)tolower((unsigned char)*p));
    } else {
        buf_addf(why, "'%s' is not an http:// or https:// URL", url);
        goto fail;
    }
    buf_adds(&b, p);
    host = strstr(b.data, "://") + 3;
    while (b.data + b.len > host &&
           (b.data[b.len - 1] == '/' ||
            isspace((unsigned char)b.data[b.len - 1])))
        b.data[--b.len] = '\0';
    n = strcspn(host, "/?#");
    if (!n) {
        buf_addf(why, "'%s' names no server", url);
        goto fail;
    }
    if (strchr(host, '?') || strchr(host, '#')) {
        buf_addf(why, "'%s': a server URL has no query or fragment", url);
        goto fail;
    }
    return buf_detach(&b, NULL);
fail:
    buf_release(&b);
    return NULL;
}

static const char *env(const char *name)
{
    const char *v = getenv(name);

    return v && *v ? v : NULL;
}

/* Both URLs name the same server (after normalising). */
static int same_url(const char *a, const char *b)
{
    struct buf ignore = BUF_INIT;
    char *na = a ? config_url_normalize(a, &ignore) : NULL;
    char *nb = b ? config_url_normalize(b, &ignore) : NULL;
    int same = na && nb && !strcmp(na, nb);

    free(na);
    free(nb);
    buf_release(&ignore);
    return same;
}

enum err config_session(const struct config *cfg, const char *profile_flag,
                        const char *url_flag, struct session *out,
                        struct buf *why)
{
    const char *name = profile_flag ? profile_flag : env("RCCTL_PROFILE");
    const char *url = url_flag ? url_flag : env("RCCTL_URL");
    const char *purl, *token_file = env("RCCTL_TOKEN_FILE");
    const char *uid = env("RCCTL_USER_ID"), *tok = env("RCCTL_TOKEN");

    if (!name) {
        name = config_get(cfg, NULL, "current");
        if (url && !same_url(name ? config_get(cfg, name, "url") : NULL,
                             url)) {
            const char **names;
            size_t n = config_profiles(cfg, &names);

            name = NULL;
            for (size_t i = 0; i < n && !name; i++) {
                if (same_url(config_get(cfg, names[i], "url"), url))
                    name = names[i];
            }
            free(names);
        }
    }
    if (name) {
        out->profile = xstrdup(name);
        out->profile_exists = config_has_profile(cfg, name);
    }
    purl = name ? config_get(cfg, name, "url") : NULL;
    if (url || purl) {
        out->url = config_url_normalize(url ? url : purl, why);
        if (!out->url)
            return ERR_INVALID;
    }
    if (uid)
        out->user_id = xstrdup(uid);
    if (tok) {
        out->token = xstrdup(tok);
    } else if (token_file) {
        struct buf reason = BUF_INIT;

        out->token = prompt_file_line(token_file, &reason);
        if (!out->token) {
            buf_addf(why, "RCCTL_TOKEN_FILE: %s", reason.data);
            buf_release(&reason);
            return ERR_IO;
        }
        buf_release(&reason);
    }
    /* The profile's credentials only ever go to the profile's server. */
    if (name && purl && same_url(purl, out->url)) {
        const char *pu = config_get(cfg, name, "user-id");
        const char *pt = config_get(cfg, name, "token");
        const char *pn = config_get(cfg, name, "username");

        if (!out->user_id && pu && *pu)
            out->user_id = xstrdup(pu);
        if (!out->token && pt && *pt) {
            out->token = xstrdup(pt);
            out->token_from_profile = 1;
        }
        if (pn && *pn && !uid)
            out->username = xstrdup(pn);
    }
    return ERR_OK;
}

void session_release(struct session *s)
{
    free(s->profile);
    free(s->url);
    free(s->user_id);
    prompt_free(s->token);
    free(s->username);
    *s = (struct session)SESSION_INIT;
}
