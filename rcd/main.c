/*
 * rcd: a Rocket.Chat-compatible server. Parses flags and the environment,
 * opens the store, creates the first admin, applies OVERWRITE_SETTING_*,
 * then runs the server until SIGTERM/SIGINT and closes the store cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "../shared/buf.h"
#include "../shared/crypto.h"
#include "../shared/json.h"
#include "../shared/log.h"
#include "../shared/timeutil.h"
#include "api/api.h"
#include "config.h"
#include "import.h"
#include "router.h"
#include "server.h"

extern char **environ;

static const char usage_text[] =
    "usage: rcd [options]\n"
    "       rcd backup [--db FILE] OUT\n"
    "       rcd restore IN [--db FILE]\n"
    "       rcd import-mongodump DIR [--db FILE] [--dry-run]\n"
    "\n"
    "Serve Rocket.Chat's REST API from one SQLite file.\n"
    "\n"
    "  -p, --port N             listen on port N (env PORT; default 3000)\n"
    "  -b, --bind ADDR          listen on ADDR (env BIND_IP; default 127.0.0.1)\n"
    "  -d, --db FILE            SQLite database (env RCD_DB; default var/rcd.db)\n"
    "      --root-url URL       public URL of the server (env ROOT_URL)\n"
    "      --max-body BYTES     largest request body (default 1048576)\n"
    "      --max-header BYTES   largest header block (default 16384)\n"
    "      --header-timeout S   seconds to receive a request's headers (default 20)\n"
    "      --idle-timeout S     seconds a keep-alive connection may idle (default 60)\n"
    "      --max-connections N  connections held at once (default 10000)\n"
    "      --trusted-proxy ADDR believe X-Forwarded-For from ADDR (repeatable;\n"
    "                           env RCD_TRUSTED_PROXIES, comma-separated)\n"
    "  -v, --verbose            log debug lines\n"
    "  -h, --help               show this help\n"
    "  -V, --version            show the version\n"
    "\n"
    "First start: the admin is created from ADMIN_USERNAME, ADMIN_PASS and\n"
    "ADMIN_EMAIL; without ADMIN_PASS a password is generated and printed once\n"
    "(or written to the file named by RCD_ADMIN_PASSWORD_FILE, mode 0600).\n"
    "OVERWRITE_SETTING_<id>=value sets a setting at start-up.\n"
    "\n"
    "backup copies the database while rcd runs (SQLite's online backup) into\n"
    "one checked file; restore puts such a file in place and refuses while a\n"
    "server holds the database. Moving a server: back up on A, copy the one\n"
    "file, restore on B.\n"
    "\n"
    "import-mongodump reads a Rocket.Chat mongodump folder (DIR holds the\n"
    "*.bson or *.bson.gz files, or their one database subfolder) into a new,\n"
    "empty database, keeping ids and password hashes: users, rooms, members\n"
    "and their roles, messages with threads and discussions, teams, incoming\n"
    "webhooks, settings and permissions rcd knows. One transaction: on any\n"
    "error nothing is written. It refuses a database that holds users or\n"
    "rooms and one a running rcd holds. --dry-run reads and reports only.\n"
    "Prints one line per collection on stderr: read, imported, skipped (why).\n";

static int parse_long(const char *s, long min, long max, long *out)
{
    char *end;
    long v;

    errno = 0;
    v = strtol(s, &end, 10);
    if (errno || end == s || *end || v < min || v > max)
        return -1;
    *out = v;
    return 0;
}

static int parse_seconds(const char *s, int *ms)
{
    char *end;
    double v;

    errno = 0;
    v = strtod(s, &end);
    if (errno || end == s || *end || v <= 0 || v > 86400)
        return -1;
    *ms = (int)(v * 1000);
    return *ms > 0 ? 0 : -1;
}

static void add_proxies(struct config *cfg, char *list)
{
    char *save = NULL;

    for (char *p = strtok_r(list, ", ", &save); p;
         p = strtok_r(NULL, ", ", &save)) {
        if (cfg->ntrusted_proxies < CONFIG_MAX_PROXIES)
            cfg->trusted_proxies[cfg->ntrusted_proxies++] = p;
        else
            log_warn("rcd", "too many trusted proxies; ignoring '%s'", p);
    }
}

/* Fill cfg from the environment, then flags. Returns -1 on a usage error. */
static int parse_args(int argc, char **argv, struct config *cfg)
{
    static const struct option opts[] = {
        { "port", required_argument, NULL, 'p' },
        { "bind", required_argument, NULL, 'b' },
        { "db", required_argument, NULL, 'd' },
        { "root-url", required_argument, NULL, 'R' },
        { "max-body", required_argument, NULL, 'B' },
        { "max-header", required_argument, NULL, 'H' },
        { "header-timeout", required_argument, NULL, 'T' },
        { "idle-timeout", required_argument, NULL, 'I' },
        { "max-connections", required_argument, NULL, 'C' },
        { "trusted-proxy", required_argument, NULL, 'P' },
        { "verbose", no_argument, NULL, 'v' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'V' },
        { NULL, 0, NULL, 0 },
    };
    const char *env;
    long n;
    int c, idx = -1, which = -1;

    cfg->bind_addr = "127.0.0.1";
    cfg->port = 3000;
    cfg->db_path = "var/rcd.db";
    cfg->max_header_bytes = 16 * 1024;
    cfg->max_body_bytes = 1024 * 1024;
    cfg->header_timeout_ms = 20000;
    cfg->idle_timeout_ms = 60000;
    cfg->max_connections = 10000;
    cfg->bcrypt_cost = 12;
    if ((env = getenv("PORT")) && parse_long(env, 1, 65535, &n) == 0)
        cfg->port = (int)n;
    if ((env = getenv("BIND_IP")) && *env)
        cfg->bind_addr = env;
    if ((env = getenv("RCD_DB")) && *env)
        cfg->db_path = env;
    if ((env = getenv("ROOT_URL")) && *env)
        cfg->root_url = env;
    if ((env = getenv("RCD_BCRYPT_COST")) && parse_long(env, 4, 31, &n) == 0)
        cfg->bcrypt_cost = (int)n;
    if ((env = getenv("RCD_TRUSTED_PROXIES")) && *env)
        add_proxies(cfg, cfg->proxies_env = xstrdup(env));

    while ((c = getopt_long(argc, argv, "p:b:d:vhV", opts, &idx)) != -1) {
        which = idx;    /* getopt_long sets idx only for long options */
        idx = -1;
        switch (c) {
        case 'p':
            if (parse_long(optarg, 1, 65535, &n))
                goto bad;
            cfg->port = (int)n;
            break;
        case 'b': cfg->bind_addr = optarg; break;
        case 'd': cfg->db_path = optarg; break;
        case 'R': cfg->root_url = optarg; break;
        case 'B':
            if (parse_long(optarg, 1, 1L << 30, &n))
                goto bad;
            cfg->max_body_bytes = (size_t)n;
            break;
        case 'H':
            if (parse_long(optarg, 1024, 1L << 20, &n))
                goto bad;
            cfg->max_header_bytes = (size_t)n;
            break;
        case 'T':
            if (parse_seconds(optarg, &cfg->header_timeout_ms))
                goto bad;
            break;
        case 'I':
            if (parse_seconds(optarg, &cfg->idle_timeout_ms))
                goto bad;
            break;
        case 'C':
            if (parse_long(optarg, 1, 1000000, &n))
                goto bad;
            cfg->max_connections = (int)n;
            break;
        case 'P': add_proxies(cfg, optarg); break;
        case 'v': cfg->verbose = 1; break;
        case 'h':
            fputs(usage_text, stdout);
            exit(0);
        case 'V':
            printf("rcd %s (Rocket.Chat REST API 7.x)\n", RCD_VERSION);
            exit(0);
        default:
            return -1;
        }
    }
    if (optind != argc) {
        fprintf(stderr, "rcd: unexpected argument '%s'\n", argv[optind]);
        return -1;
    }
    return 0;
bad:
    if (which >= 0)
        fprintf(stderr, "rcd: bad value '%s' for --%s\n", optarg,
                opts[which].name);
    else
        fprintf(stderr, "rcd: bad value '%s' for -%c\n", optarg, c);
    return -1;
}

/* Write the generated admin password where the operator asked, mode 0600. */
static int save_password(const char *path, const char *password)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW, 0600);
    size_t len = strlen(password);

    if (fd < 0)
        return -1;
    if (write(fd, password, len) != (ssize_t)len || write(fd, "\n", 1) != 1 ||
        close(fd) != 0)
        return -1;
    return 0;
}

/* On first start (no admin yet), create one from ADMIN_* or generate it. */
static int ensure_admin(struct app *app)
{
    const char *name = getenv("ADMIN_USERNAME"), *pass = getenv("ADMIN_PASS");
    const char *email = getenv("ADMIN_EMAIL"), *file;
    char generated[RANDOM_SECRET_LEN + 1], hex[SHA256_HEX_LEN + 1];
    char id[RANDOM_ID_LEN + 1];
    struct user u = USER_INIT;
    int64_t admins;
    enum err rc;

    if (store_users_with_role(app->store, "admin", 0, &admins))
        return -1;
    if (admins > 0)
        return 0;
    if (!name || !*name)
        name = "admin";
    if (!pass || !*pass) {
        random_string(generated, 20,
                      "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz");
        pass = generated;
    }
    random_id(id);
    sha256_hex(pass, strlen(pass), hex);
    u.id = xstrdup(id);
    u.username = xstrdup(name);
    u.name = xstrdup("Administrator");
    u.email = email && *email ? xstrdup(email) : NULL;
    u.email_verified = u.email != NULL;
    u.type = xstrdup("user");
    u.status = xstrdup("offline");
    u.active = 1;
    u.password = password_hash(hex, app->cfg->bcrypt_cost);
    u.created_at = u.updated_at = now_ms();
    u.roles[u.nroles++] = xstrdup("admin");
    u.roles[u.nroles++] = xstrdup("user");
    rc = store_user_insert(app->store, &u);
    user_release(&u);
    explicit_bzero(hex, sizeof(hex));
    if (rc) {
        log_error("rcd", "cannot create the admin '%s': %s", name,
                  err_name(rc));
        return -1;
    }
    log_info("rcd", "created admin user '%s'", name);
    if (pass == generated) {
        file = getenv("RCD_ADMIN_PASSWORD_FILE");
        if (file && *file) {
            if (save_password(file, generated)) {
                log_error("rcd", "cannot write '%s': %s", file,
                          strerror(errno));
                return -1;
            }
            log_info("rcd", "the admin's generated password is in '%s'", file);
        } else {
            /* printed once, on stdout, never into the log */
            printf("rcd: admin '%s' password: %s\n", name, generated);
            fflush(stdout);
        }
    }
    explicit_bzero(generated, sizeof(generated));
    return 0;
}

/* OVERWRITE_SETTING_<id>=value, as Rocket.Chat applies it at start-up. */
static void overwrite_settings(struct app *app)
{
    static const char prefix[] = "OVERWRITE_SETTING_";

    for (char **e = environ; *e; e++) {
        const char *eq;
        char *id;
        enum err rc;

        if (strncmp(*e, prefix, sizeof(prefix) - 1) != 0)
            continue;
        eq = strchr(*e, '=');
        if (!eq)
            continue;
        id = xstrndup(*e + sizeof(prefix) - 1,
                      (size_t)(eq - *e) - (sizeof(prefix) - 1));
        rc = setting_set_text(app->settings, app->store, id, eq + 1);
        if (rc == ERR_NOT_FOUND)
            log_warn("rcd", "OVERWRITE_SETTING: no setting '%s'", id);
        else if (rc)
            log_warn("rcd", "OVERWRITE_SETTING: bad value for '%s'", id);
        else
            log_info("rcd", "setting '%s' overwritten from the environment", id);
        free(id);
    }
}

static void make_db_dir(const char *path)
{
    char *dir = xstrdup(path), *slash = strrchr(dir, '/');

    if (slash && slash != dir) {
        *slash = '\0';
        if (mkdir(dir, 0700) != 0 && errno != EEXIST)
            log_warn("rcd", "cannot create '%s': %s", dir, strerror(errno));
    }
    free(dir);
}

/* rcd backup [--db FILE] OUT, rcd restore IN [--db FILE]. */
static int run_copy_command(int argc, char **argv)
{
    static const struct option opts[] = {
        { "db", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { NULL, 0, NULL, 0 },
    };
    const char *db = getenv("RCD_DB"), *cmd = argv[0];
    int c;

    if (!db || !*db)
        db = "var/rcd.db";
    optind = 1;
    while ((c = getopt_long(argc, argv, "d:h", opts, NULL)) != -1) {
        if (c == 'd') {
            db = optarg;
        } else if (c == 'h') {
            fputs(usage_text, stdout);
            return 0;
        } else {
            fputs(usage_text, stderr);
            return 2;
        }
    }
    if (optind != argc - 1) {
        fprintf(stderr, "rcd %s: expected one file name\n", cmd);
        fputs(usage_text, stderr);
        return 2;
    }
    if (strcmp(cmd, "backup") == 0) {
        if (store_backup(db, argv[optind]))
            return 1;
        log_info("rcd", "backed up '%s' to '%s'", db, argv[optind]);
        return 0;
    }
    if (store_restore(argv[optind], db))
        return 1;
    log_info("rcd", "restored '%s' from '%s'", db, argv[optind]);
    return 0;
}

int main(int argc, char **argv)
{
    struct config cfg;
    struct app app;
    struct router *rt = NULL;
    char secret[RANDOM_SECRET_LEN + 1], hex[SHA256_HEX_LEN + 1];
    char url[300];
    int status = 1, lock = -1;

    memset(&cfg, 0, sizeof(cfg));
    memset(&app, 0, sizeof(app));
    json_setup();
    if (argc > 1 && (strcmp(argv[1], "backup") == 0 ||
                     strcmp(argv[1], "restore") == 0))
        return run_copy_command(argc - 1, argv + 1);
    if (argc > 1 && strcmp(argv[1], "import-mongodump") == 0)
        return import_main(argc - 1, argv + 1, usage_text);
    if (parse_args(argc, argv, &cfg)) {
        fputs(usage_text, stderr);
        return 2;
    }
    log_set_level(cfg.verbose ? LOG_DEBUG : LOG_INFO);
    if (!cfg.root_url) {
        snprintf(url, sizeof(url), "http://%s:%d",
                 strcmp(cfg.bind_addr, "0.0.0.0") ? cfg.bind_addr : "localhost",
                 cfg.port);
        cfg.root_url = url;
    }
    make_db_dir(cfg.db_path);
    app.cfg = &cfg;
    if (strcmp(cfg.db_path, ":memory:") != 0) {
        lock = store_lock(cfg.db_path);
        if (lock < 0)
            return 1;
    }
    if (store_open(cfg.db_path, &app.store)) {
        store_unlock(lock);
        return 1;
    }
    app.settings = settings_new(app.store, cfg.root_url);
    app.perms = perms_new(app.store);
    random_secret(secret);
    sha256_hex(secret, RANDOM_SECRET_LEN, hex);
    app.dummy_hash = password_hash(hex, cfg.bcrypt_cost);
    if (ensure_admin(&app))
        goto out;
    overwrite_settings(&app);
    rt = router_new(&app);
    log_info("rcd", "rcd %s, database '%s' (schema %d)", RCD_VERSION,
             cfg.db_path, store_schema_version(app.store));
    if (server_run(&cfg, rt) == 0)
        status = 0;
out:
    router_free(rt);
    settings_free(app.settings);
    perms_free(app.perms);
    free(app.dummy_hash);
    store_close(app.store);
    free(cfg.proxies_env);
    store_unlock(lock);
    log_info("rcd", "stopped");
    return status;
}
