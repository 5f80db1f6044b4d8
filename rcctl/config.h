/*
 * Profiles in $XDG_CONFIG_HOME/rcctl/config (else ~/.config/rcctl/config),
 * a small git-config-like file a person can edit:
 *
 *     current = prod
 *
 *     [profile "prod"]
 *         url = https://chat.example.com
 *         user-id = aobEdbYhXfu5hkeqG
 *         username = admin
 *         token = 9HqLlyZOugoStsXCUfD_0YdwnNnunAJF8V47U3QHXSq
 *
 * '#' and ';' start comments; values may be "quoted" (with \" \\ \n \t).
 * Edits keep every other line (comments, unknown keys and sections) as
 * it was. The folder is created 0700, the file written 0600 through a
 * temporary file and rename(). Also resolves which server and credentials
 * a run uses: flag > environment > profile.
 */
#ifndef RCCTL_CONFIG_H
#define RCCTL_CONFIG_H

#include <stddef.h>

#include "../shared/err.h"

struct buf;
struct config_line;

struct config {
    char *path;                 /* the config file; owned */
    struct config_line *lines;  /* the file, line by line; owned */
    size_t nlines;
};
#define CONFIG_INIT { NULL, NULL, 0 }

/*
 * Where the config file lives: $XDG_CONFIG_HOME/rcctl/config when that is
 * an absolute path, else $HOME/.config/rcctl/config. Caller frees.
 */
char *config_path(void);

/*
 * rcctl's folder under an XDG base: $env/rcctl when env holds an
 * absolute path, else $HOME/fallback/rcctl; e.g. ("XDG_STATE_HOME",
 * ".local/state"). Caller frees.
 */
char *config_xdg_dir(const char *env, const char *fallback);

/* mkdir -p, mode 0700 for every folder made. 0, or -1 with why filled
 * (when not NULL) and errno as mkdir() left it. */
int config_mkdirs(const char *dir, struct buf *why);

/*
 * Read the config file at path (NULL: config_path()) into *cfg. A missing
 * file is an empty config. Prints "rcctl: warning: ..." on stderr when the
 * file or its folder is open to group or others. Returns ERR_OK, or
 * ERR_INVALID (syntax, with "path:line: ..." in *why) or ERR_IO (with the
 * reason in *why). Release *cfg with config_release() in every case.
 */
enum err config_load(struct config *cfg, const char *path, struct buf *why);

/* Parse text as the contents of a config file called name; as above. */
enum err config_parse(struct config *cfg, const char *name, const char *text,
                      struct buf *why);

/*
 * Write *cfg back: folders created 0700, the file 0600, atomically
 * (temporary file in the same folder, fsync, rename). Returns ERR_OK or
 * ERR_IO with the reason in *why.
 */
enum err config_save(const struct config *cfg, struct buf *why);

/* Free what cfg holds; *cfg is CONFIG_INIT again. */
void config_release(struct config *cfg);

/* Append the file's text, as config_save() would write it, to *out. */
void config_text(const struct config *cfg, struct buf *out);

/*
 * The value of key in profile (NULL: the top level, before any section),
 * the last one when repeated, or NULL. Borrowed from cfg.
 */
const char *config_get(const struct config *cfg, const char *profile,
                       const char *key);

/*
 * Set key in profile (NULL: top level), replacing its last occurrence or
 * adding it at the end of the section; a missing profile section is
 * added at the end of the file. value NULL removes every occurrence.
 */
void config_set(struct config *cfg, const char *profile, const char *key,
                const char *value);

/* 1 if a [profile "name"] section exists. */
int config_has_profile(const struct config *cfg, const char *name);

/* Remove every [profile "name"] section and its lines. 0, or -1 if none. */
int config_remove_profile(struct config *cfg, const char *name);

/*
 * Profile names in file order, each once: fills *names (caller frees the
 * array, not the strings, which are borrowed from cfg) and returns the
 * count.
 */
size_t config_profiles(const struct config *cfg, const char ***names);

/* What a run talks to and as whom, after precedence is applied. */
struct session {
    char *profile;       /* profile in use, or NULL; owned */
    int profile_exists;  /* a section for it is in the file */
    char *url;           /* base URL without trailing '/', or NULL; owned */
    char *user_id;       /* or NULL; owned */
    char *token;         /* or NULL; owned (a secret) */
    char *username;      /* from the profile, or NULL; owned */
    int token_from_profile; /* user id and token came from the profile */
};
#define SESSION_INIT { NULL, 0, NULL, NULL, NULL, NULL, 0 }

/*
 * Resolve the session. Profile: profile_flag, else $RCCTL_PROFILE, else
 * the current one (or, when a URL is given but no profile is named, the
 * profile whose url matches it). URL: url_flag, else $RCCTL_URL, else the
 * profile's. User id and token: $RCCTL_USER_ID, $RCCTL_TOKEN (else the
 * first line of $RCCTL_TOKEN_FILE), else the profile's, but the profile's
 * only when its url is the URL in use, so a token never goes to another
 * server. Returns ERR_OK, or ERR_IO when $RCCTL_TOKEN_FILE cannot be read
 * (reason in *why). Release with session_release().
 */
enum err config_session(const struct config *cfg, const char *profile_flag,
                        const char *url_flag, struct session *out,
                        struct buf *why);
/* Free what s holds (the token is wiped first); *s is SESSION_INIT. */
void session_release(struct session *s);

/*
 * Normalise a server URL into a new string: "https://" added when no
 * scheme is given, trailing '/' removed. NULL (and *why filled) when the
 * scheme is not http or https or no host is given.
 */
char *config_url_normalize(const char *url, struct buf *why);

#endif
