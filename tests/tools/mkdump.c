/*
 * mkdump: writes a folder shaped like Rocket.Chat's mongodump output (one
 * <collection>.bson file of concatenated BSON documents each, or
 * .bson.gz with --gzip) for tests/rcd/import.bats and bench/import.sh.
 *
 *   mkdump [--gzip] [--cost N] SPEC.json OUTDIR
 *       SPEC is {"<collection>": [documents...], ...} in MongoDB extended
 *       JSON ({"$date": "2024-01-02T03:04:05.000Z"} for dates). A user
 *       document's "password": "plain" is replaced by
 *       services.password.bcrypt, bcrypt ($2b$, cost N, default 4) over
 *       the SHA-256 hex of the password, as Rocket.Chat stores it.
 *   mkdump --bench MESSAGES OUTDIR
 *       a generated workspace: 100 users (password "bench-pass"), 10
 *       channels, MESSAGES messages spread over them, written as it goes.
 */
#include <crypt.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <bson/bson.h>
#include <jansson.h>
#include <zlib.h>

#include "../../shared/crypto.h"

struct out {
    FILE *f;
    gzFile gz;
};

static void die(const char *what, const char *arg)
{
    fprintf(stderr, "mkdump: %s%s%s\n", what, *arg ? " " : "", arg);
    exit(1);
}

static void out_open(struct out *o, const char *dir, const char *name,
                     int gzip)
{
    char path[4096];

    snprintf(path, sizeof(path), "%s/%s.bson%s", dir, name, gzip ? ".gz" : "");
    memset(o, 0, sizeof(*o));
    if (gzip)
        o->gz = gzopen(path, "wb");
    else
        o->f = fopen(path, "wb");
    if (!o->gz && !o->f)
        die("cannot create", path);
}

static void out_doc(struct out *o, const bson_t *b)
{
    if (o->gz ? gzwrite(o->gz, bson_get_data(b), b->len) != (int)b->len
              : fwrite(bson_get_data(b), 1, b->len, o->f) != b->len)
        die("write failed", "");
}

static void out_close(struct out *o)
{
    if (o->gz ? gzclose(o->gz) != Z_OK : fclose(o->f) != 0)
        die("close failed", "");
}

/* Rocket.Chat's form: bcrypt over the lower-case SHA-256 hex. */
static char *rc_hash(const char *password, int cost)
{
    char hex[SHA256_HEX_LEN + 1], salt[CRYPT_GENSALT_OUTPUT_SIZE];
    unsigned char rnd[16];
    struct crypt_data cd;
    char *h;

    sha256_hex(password, strlen(password), hex);
    random_bytes(rnd, sizeof(rnd));
    if (!crypt_gensalt_rn("$2b$", (unsigned long)cost, (const char *)rnd,
                          (int)sizeof(rnd), salt, (int)sizeof(salt)))
        die("crypt_gensalt_rn failed", "");
    memset(&cd, 0, sizeof(cd));
    h = crypt_rn(hex, salt, &cd, (int)sizeof(cd));
    if (!h || h[0] == '*')
        die("bcrypt failed", "");
    return strdup(h);
}

static int from_spec(const char *spec, const char *dir, int gzip, int cost)
{
    json_error_t jerr;
    json_t *root = json_load_file(spec, 0, &jerr), *docs, *doc;
    const char *name;
    size_t i;

    if (!json_is_object(root)) {
        fprintf(stderr, "mkdump: %s:%d: %s\n", spec, jerr.line, jerr.text);
        return 1;
    }
    json_object_foreach(root, name, docs) {
        struct out o;

        out_open(&o, dir, name, gzip);
        json_array_foreach(docs, i, doc) {
            const char *pass = json_string_value(json_object_get(doc,
                                                                 "password"));
            bson_error_t berr;
            bson_t *b;
            char *text;

            if (pass) {
                char *h = rc_hash(pass, cost);

                if (!json_is_object(json_object_get(doc, "services")))
                    json_object_set_new(doc, "services", json_object());
                json_object_set_new(json_object_get(doc, "services"),
                                    "password", json_pack("{s:s}", "bcrypt",
                                                          h));
                json_object_del(doc, "password");
                free(h);
            }
            text = json_dumps(doc, JSON_COMPACT | JSON_PRESERVE_ORDER);
            b = bson_new_from_json((const uint8_t *)text, -1, &berr);
            if (!b) {
                fprintf(stderr, "mkdump: %s[%zu]: %s\n", name, i,
                        berr.message);
                return 1;
            }
            out_doc(&o, b);
            bson_destroy(b);
            free(text);
        }
        out_close(&o);
    }
    json_decref(root);
    return 0;
}

/* ---- --bench ---- */

#define BENCH_USERS 100
#define BENCH_ROOMS 10
#define BENCH_T0 1700000000000LL    /* ms: the first message's time */

static int bench(long messages, const char *dir)
{
    char *hash = rc_hash("bench-pass", 4);
    struct out o;
    bson_t *b;

    out_open(&o, dir, "users", 0);
    for (int i = 0; i < BENCH_USERS; i++) {
        char id[32], name[32], mail[64];
        bson_t services, pw, emails, e0, roles;

        snprintf(id, sizeof(id), "benchuser%08d", i);
        snprintf(name, sizeof(name), i ? "user%d" : "admin", i);
        snprintf(mail, sizeof(mail), "%s@example.com", name);
        b = bson_new();
        BSON_APPEND_UTF8(b, "_id", id);
        BSON_APPEND_DATE_TIME(b, "createdAt", BENCH_T0 - 86400000);
        BSON_APPEND_UTF8(b, "username", name);
        BSON_APPEND_UTF8(b, "name", name);
        BSON_APPEND_UTF8(b, "type", "user");
        BSON_APPEND_BOOL(b, "active", true);
        BSON_APPEND_ARRAY_BEGIN(b, "emails", &emails);
        BSON_APPEND_DOCUMENT_BEGIN(&emails, "0", &e0);
        BSON_APPEND_UTF8(&e0, "address", mail);
        BSON_APPEND_BOOL(&e0, "verified", true);
        bson_append_document_end(&emails, &e0);
        bson_append_array_end(b, &emails);
        BSON_APPEND_ARRAY_BEGIN(b, "roles", &roles);
        BSON_APPEND_UTF8(&roles, "0", i ? "user" : "admin");
        bson_append_array_end(b, &roles);
        BSON_APPEND_DOCUMENT_BEGIN(b, "services", &services);
        BSON_APPEND_DOCUMENT_BEGIN(&services, "password", &pw);
        BSON_APPEND_UTF8(&pw, "bcrypt", hash);
        bson_append_document_end(&services, &pw);
        bson_append_document_end(b, &services);
        out_doc(&o, b);
        bson_destroy(b);
    }
    out_close(&o);

    out_open(&o, dir, "rocketchat_room", 0);
    for (int r = 0; r < BENCH_ROOMS; r++) {
        char id[32], name[32];
        bson_t u;

        snprintf(id, sizeof(id), "benchroom%08d", r);
        snprintf(name, sizeof(name), "bench-%d", r);
        b = bson_new();
        BSON_APPEND_UTF8(b, "_id", id);
        BSON_APPEND_UTF8(b, "t", "c");
        BSON_APPEND_UTF8(b, "name", name);
        BSON_APPEND_UTF8(b, "fname", name);
        BSON_APPEND_DOCUMENT_BEGIN(b, "u", &u);
        BSON_APPEND_UTF8(&u, "_id", "benchuser00000000");
        BSON_APPEND_UTF8(&u, "username", "admin");
        bson_append_document_end(b, &u);
        BSON_APPEND_DATE_TIME(b, "ts", BENCH_T0 - 3600000);
        BSON_APPEND_DATE_TIME(b, "_updatedAt", BENCH_T0);
        out_doc(&o, b);
        bson_destroy(b);
    }
    out_close(&o);

    out_open(&o, dir, "rocketchat_subscription", 0);
    for (int r = 0; r < BENCH_ROOMS; r++)
        for (int i = 0; i < BENCH_USERS; i++) {
            char id[40], rid[32], uid[32], name[32];
            bson_t u, roles;

            snprintf(id, sizeof(id), "benchsub%04d%05d", r, i);
            snprintf(rid, sizeof(rid), "benchroom%08d", r);
            snprintf(uid, sizeof(uid), "benchuser%08d", i);
            snprintf(name, sizeof(name), i ? "user%d" : "admin", i);
            b = bson_new();
            BSON_APPEND_UTF8(b, "_id", id);
            BSON_APPEND_UTF8(b, "rid", rid);
            BSON_APPEND_DOCUMENT_BEGIN(b, "u", &u);
            BSON_APPEND_UTF8(&u, "_id", uid);
            BSON_APPEND_UTF8(&u, "username", name);
            bson_append_document_end(b, &u);
            BSON_APPEND_UTF8(b, "t", "c");
            BSON_APPEND_DATE_TIME(b, "ts", BENCH_T0 - 3600000);
            BSON_APPEND_BOOL(b, "open", true);
            if (i == 0) {
                BSON_APPEND_ARRAY_BEGIN(b, "roles", &roles);
                BSON_APPEND_UTF8(&roles, "0", "owner");
                bson_append_array_end(b, &roles);
            }
            out_doc(&o, b);
            bson_destroy(b);
        }
    out_close(&o);

    out_open(&o, dir, "rocketchat_message", 0);
    for (long n = 0; n < messages; n++) {
        char id[32], rid[32], uid[32], name[32], text[96];
        int i = (int)(n % BENCH_USERS);
        bson_t u;

        snprintf(id, sizeof(id), "benchmsg%09ld", n);
        snprintf(rid, sizeof(rid), "benchroom%08d", (int)(n % BENCH_ROOMS));
        snprintf(uid, sizeof(uid), "benchuser%08d", i);
        snprintf(name, sizeof(name), i ? "user%d" : "admin", i);
        snprintf(text, sizeof(text), "message %ld of the bench, with some "
                 "words to make it look like chat", n);
        b = bson_new();
        BSON_APPEND_UTF8(b, "_id", id);
        BSON_APPEND_UTF8(b, "rid", rid);
        BSON_APPEND_UTF8(b, "msg", text);
        BSON_APPEND_DATE_TIME(b, "ts", BENCH_T0 + n * 1000);
        BSON_APPEND_DOCUMENT_BEGIN(b, "u", &u);
        BSON_APPEND_UTF8(&u, "_id", uid);
        BSON_APPEND_UTF8(&u, "username", name);
        BSON_APPEND_UTF8(&u, "name", name);
        bson_append_document_end(b, &u);
        BSON_APPEND_DATE_TIME(b, "_updatedAt", BENCH_T0 + n * 1000);
        BSON_APPEND_ARRAY_BEGIN(b, "mentions", &u);
        bson_append_array_end(b, &u);
        out_doc(&o, b);
        bson_destroy(b);
    }
    out_close(&o);
    free(hash);
    return 0;
}

int main(int argc, char **argv)
{
    static const struct option opts[] = {
        { "gzip", no_argument, NULL, 'z' },
        { "cost", required_argument, NULL, 'c' },
        { "bench", required_argument, NULL, 'b' },
        { NULL, 0, NULL, 0 },
    };
    long bench_messages = -1;
    int c, gzip = 0, cost = 4;

    while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (c) {
        case 'z': gzip = 1; break;
        case 'c': cost = atoi(optarg); break;
        case 'b': bench_messages = atol(optarg); break;
        default:
            fputs("usage: mkdump [--gzip] [--cost N] SPEC.json OUTDIR\n"
                  "       mkdump --bench MESSAGES OUTDIR\n", stderr);
            return 2;
        }
    }
    if (bench_messages >= 0) {
        if (optind != argc - 1)
            return 2;
        if (mkdir(argv[optind], 0755) != 0 && errno != EEXIST)
            die("cannot create", argv[optind]);
        return bench(bench_messages, argv[optind]);
    }
    if (optind != argc - 2) {
        fputs("usage: mkdump [--gzip] [--cost N] SPEC.json OUTDIR\n", stderr);
        return 2;
    }
    if (mkdir(argv[optind + 1], 0755) != 0 && errno != EEXIST)
        die("cannot create", argv[optind + 1]);
    return from_spec(argv[optind], argv[optind + 1], gzip, cost);
}
