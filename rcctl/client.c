/*
 * libcurl behind one function: build the request, send it on the run's
 * one easy handle (so connections are kept alive), parse the JSON answer,
 * classify it, and retry what can be retried. The only file that includes
 * <curl/curl.h>.
 */
#include "client.h"

#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include "../shared/buf.h"
#include "../shared/crypto.h"
#include "../shared/json.h"
#include "../shared/timeutil.h"
#include "../shared/xalloc.h"
#include "prompt.h"

#ifndef RCD_VERSION
#define RCD_VERSION "dev"
#endif

#define MAX_BODY_BYTES (64u << 20)   /* larger answers are refused */
#define DEFAULT_TRIES 4              /* attempts for 5xx/connection errors */
#define RATE_LIMIT_TRIES 6           /* attempts while answered 429 */
#define MAX_WAIT_MS (10L * 60 * 1000) /* a longer 429 wait is not waited */
#define BACKOFF_BASE_MS 300L
#define BACKOFF_MAX_MS 8000L
#define PAGE_COUNT 100               /* Rocket.Chat's default upper limit */

struct client {
    CURL *curl;
    char *url;            /* base URL without a trailing '/' */
    char *user_id;        /* NULL: anonymous */
    char *token;
    int verbose;
    int quiet;
    char *code;           /* --code */
    char *code_file;      /* --code-file */
    int max_tries;
    char *code_2fa;       /* the last 2FA code obtained, reused; secret */
    const char *method_2fa;
    /* state of the request in flight */
    struct buf body;      /* response body */
    int body_too_big;
    long retry_after_s;   /* Retry-After, -1 if absent */
    int64_t reset_ms;     /* X-RateLimit-Reset, 0 if absent */
    struct client_facts facts;   /* of the last answer, for doctor */
    char errbuf[CURL_ERROR_SIZE];
};

void client_global_init(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT))
        BUG("curl_global_init failed");
}

void client_global_cleanup(void)
{
    curl_global_cleanup();
}

void client_reply_release(struct client_reply *r)
{
    json_decref(r->json);
    free(r->text);
    free(r->error);
    free(r->error_type);
    *r = (struct client_reply)CLIENT_REPLY_INIT;
}

void client_reply_fail(struct client_reply *r, enum err e, const char *fmt,
                       ...)
{
    struct buf b = BUF_INIT;
    va_list ap;

    va_start(ap, fmt);
    buf_vaddf(&b, fmt, ap);
    va_end(ap);
    r->err = e;
    free(r->error);
    r->error = buf_detach(&b, NULL);
}

static size_t on_body(char *p, size_t size, size_t n, void *data)
{
    struct client *c = data;
    size_t len = size * n;

    if (c->body.len + len > MAX_BODY_BYTES) {
        c->body_too_big = 1;
        return 0;   /* makes curl fail the transfer */
    }
    buf_add(&c->body, p, len);
    return len;
}

/* Parse "Name: value" if the header is called name; the value is trimmed. */
static int header_value(const char *p, size_t len, const char *name,
                        char *out, size_t outlen)
{
    size_t nlen = strlen(name), i, j;

    if (len <= nlen || p[nlen] != ':' || strncasecmp(p, name, nlen))
        return 0;
    for (i = nlen + 1; i < len && isspace((unsigned char)p[i]); i++)
        ;
    for (j = len; j > i && isspace((unsigned char)p[j - 1]); j--)
        ;
    if (j - i >= outlen)
        return 0;
    memcpy(out, p + i, j - i);
    out[j - i] = '\0';
    return 1;
}

static int parse_long(const char *s, long long *out)
{
    char *end;

    errno = 0;
    *out = strtoll(s, &end, 10);
    return !errno && end != s && !*end;
}

static size_t on_header(char *p, size_t size, size_t n, void *data)
{
    struct client *c = data;
    size_t len = size * n;
    char v[64];
    long long num;

    if (header_value(p, len, "Date", c->facts.date, sizeof(c->facts.date)))
        return len;
    if (header_value(p, len, "X-RateLimit-Limit", v, sizeof(v)) &&
        parse_long(v, &num))
        c->facts.rate_limit = (long)num;
    else if (header_value(p, len, "X-RateLimit-Remaining", v, sizeof(v)) &&
             parse_long(v, &num))
        c->facts.rate_remaining = (long)num;
    if (header_value(p, len, "Retry-After", v, sizeof(v)) &&
        parse_long(v, &num) && num >= 0 && num < 86400)
        c->retry_after_s = (long)num;
    else if (header_value(p, len, "X-RateLimit-Reset", v, sizeof(v)) &&
             parse_long(v, &num) && num > 0)
        c->reset_ms = num;
    return len;
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

struct client *client_new(const struct client_opts *o)
{
    struct client *c = xcalloc(1, sizeof(*c));
    const char *ca = o->ca_file;
    size_t n;

    c->curl = curl_easy_init();
    if (!c->curl)
        BUG("curl_easy_init failed");
    c->url = xstrdup(o->url);
    n = strlen(c->url);
    while (n && c->url[n - 1] == '/')
        c->url[--n] = '\0';
    if (o->user_id && o->token) {
        c->user_id = xstrdup(o->user_id);
        c->token = xstrdup(o->token);
    }
    c->verbose = o->verbose;
    c->quiet = o->quiet;
    c->code = dup_or_null(o->code);
    c->code_file = dup_or_null(o->code_file);
    c->max_tries = o->max_tries > 0 ? o->max_tries : DEFAULT_TRIES;
    buf_init(&c->body);

    curl_easy_setopt(c->curl, CURLOPT_USERAGENT, "rcctl/" RCD_VERSION);
    curl_easy_setopt(c->curl, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c->curl, CURLOPT_ERRORBUFFER, c->errbuf);
    curl_easy_setopt(c->curl, CURLOPT_WRITEFUNCTION, on_body);
    curl_easy_setopt(c->curl, CURLOPT_WRITEDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_HEADERFUNCTION, on_header);
    curl_easy_setopt(c->curl, CURLOPT_HEADERDATA, c);
    curl_easy_setopt(c->curl, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(c->curl, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(c->curl, CURLOPT_TCP_KEEPALIVE, 1L);
    if (o->timeout_ms > 0) {
        curl_easy_setopt(c->curl, CURLOPT_TIMEOUT_MS, o->timeout_ms);
        curl_easy_setopt(c->curl, CURLOPT_CONNECTTIMEOUT_MS, o->timeout_ms);
    }
    if (o->insecure) {
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYPEER, 0L);
        curl_easy_setopt(c->curl, CURLOPT_SSL_VERIFYHOST, 0L);
    }
    /* libcurl itself ignores SSL_CERT_FILE/SSL_CERT_DIR; the curl tool
     * reads them, and so do we. */
    if (!ca)
        ca = getenv("SSL_CERT_FILE");
    if (ca && *ca)
        curl_easy_setopt(c->curl, CURLOPT_CAINFO, ca);
    if (!o->ca_file && getenv("SSL_CERT_DIR") && *getenv("SSL_CERT_DIR"))
        curl_easy_setopt(c->curl, CURLOPT_CAPATH, getenv("SSL_CERT_DIR"));
    return c;
}

void client_free(struct client *c)
{
    if (!c)
        return;
    curl_easy_cleanup(c->curl);
    free(c->url);
    free(c->user_id);
    prompt_free(c->token);
    free(c->code);
    free(c->code_file);
    prompt_free(c->code_2fa);
    buf_release(&c->body);
    free(c);
}

int64_t client_parse_date(const char *text)
{
    time_t t = curl_getdate(text, NULL);

    return t == (time_t)-1 ? -1 : (int64_t)t * 1000;
}

void client_want_certinfo(struct client *c)
{
    curl_easy_setopt(c->curl, CURLOPT_CERTINFO, 1L);
}

const struct client_facts *client_last_facts(const struct client *c)
{
    return &c->facts;
}

const char *client_url(const struct client *c)
{
    return c->url;
}

static int is_unreserved(unsigned char ch)
{
    return isalnum(ch) || ch == '-' || ch == '.' || ch == '_' || ch == '~';
}

static void add_encoded(struct buf *b, const char *s)
{
    for (; *s; s++) {
        unsigned char ch = (unsigned char)*s;

        if (is_unreserved(ch))
            buf_addc(b, (char)ch);
        else
            buf_addf(b, "%%%02X", ch);
    }
}

void client_query(struct buf *path, const char *key, const char *value)
{
    buf_addc(path, strchr(path->data, '?') ? '&' : '?');
    add_encoded(path, key);
    buf_addc(path, '=');
    add_encoded(path, value);
}

/*
 * The path as -v shows it: the token of an incoming-webhook URL
 * (/hooks/ID/TOKEN) and token-like query values are replaced.
 */
static void redact_path(struct buf *out, const char *path)
{
    const char *hooks = strstr(path, "/hooks/");
    const char *q = strchr(path, '?');
    const char *p = path;

    if (hooks && (!q || hooks < q)) {
        const char *id = hooks + strlen("/hooks/");
        const char *slash = strchr(id, '/');

        if (slash && (!q || slash < q)) {
            buf_add(out, path, (size_t)(slash + 1 - path));
            buf_adds(out, "<redacted>");
            p = q ? q : slash + strlen(slash);
        }
    }
    if (!q) {
        buf_adds(out, p);
        return;
    }
    buf_add(out, p, (size_t)(q - p));
    for (p = q; *p;) {
        size_t n = strcspn(p + 1, "&") + 1;
        const char *eq = memchr(p, '=', n);
        size_t klen = eq ? (size_t)(eq - p - 1) : 0;

        if (eq && ((klen == 5 && !strncasecmp(p + 1, "token", 5)) ||
                   (klen == 12 && !strncasecmp(p + 1, "access_token", 12)))) {
            buf_add(out, p, (size_t)(eq + 1 - p));
            buf_adds(out, "<redacted>");
        } else {
            buf_add(out, p, n);
        }
        p += n;
    }
}

static struct curl_slist *add_header(struct curl_slist *h, const char *name,
                                     const char *value)
{
    struct buf b = BUF_INIT;
    struct curl_slist *r;

    buf_addf(&b, "%s: %s", name, value);
    r = curl_slist_append(h, b.data);
    buf_release(&b);
    if (!r)
        BUG("curl_slist_append failed");
    return r;
}

static void trace_header(const struct client *c, const char *name,
                         const char *value, int secret)
{
    if (c->verbose >= 2)
        fprintf(stderr, "> %s: %s\n", name, secret ? "<redacted>" : value);
}

/* Days until the first certificate of CURLINFO_CERTINFO expires. */
static void facts_tls(struct client *c)
{
    struct curl_certinfo *ci = NULL;
    char *scheme = NULL;
    long verify = 0;

    if (curl_easy_getinfo(c->curl, CURLINFO_SCHEME, &scheme) || !scheme ||
        strcasecmp(scheme, "https"))
        return;
    c->facts.is_tls = 1;
    if (!curl_easy_getinfo(c->curl, CURLINFO_SSL_VERIFYRESULT, &verify))
        c->facts.verify_result = verify;
    if (curl_easy_getinfo(c->curl, CURLINFO_CERTINFO, &ci) || !ci ||
        ci->num_of_certs < 1)
        return;
    for (struct curl_slist *l = ci->certinfo[0]; l; l = l->next) {
        BIO *bio;
        X509 *x;
        int days, secs;

        if (strncmp(l->data, "Cert:", 5))
            continue;
        bio = BIO_new_mem_buf(l->data + 5, -1);
        x = bio ? PEM_read_bio_X509(bio, NULL, NULL, NULL) : NULL;
        if (x && ASN1_TIME_diff(&days, &secs, NULL, X509_get0_notAfter(x)))
            c->facts.cert_days = days;
        X509_free(x);
        BIO_free(bio);
    }
}

/*
 * One attempt, with the 2FA headers when with_2fa is set. Fills
 * out->status and the body, or returns the curl error (out->status
 * stays 0).
 */
static CURLcode perform(struct client *c, const char *method,
                        const char *path, const struct buf *payload,
                        int with_2fa, struct client_reply *out)
{
    struct buf url = BUF_INIT, shown = BUF_INIT;
    struct curl_slist *h = NULL;
    int64_t t0 = mono_ms();
    json_error_t jerr;
    CURLcode rc;

    buf_addf(&url, "%s%s", c->url, path);
    buf_reset(&c->body);
    c->body_too_big = 0;
    c->retry_after_s = -1;
    c->reset_ms = 0;
    c->errbuf[0] = '\0';
    memset(&c->facts, 0, sizeof(c->facts));
    c->facts.rate_limit = c->facts.rate_remaining = -1;
    c->facts.cert_days = LONG_MIN;

    if (c->verbose) {
        redact_path(&shown, path);
        fprintf(stderr, "> %s %s\n", method, shown.data);
    }
    h = add_header(h, "Accept", "application/json");
    /* Without this curl waits for "100 Continue" before larger bodies. */
    h = add_header(h, "Expect", "");
    if (payload) {
        h = add_header(h, "Content-Type", "application/json");
        trace_header(c, "Content-Type", "application/json", 0);
    }
    if (c->user_id) {
        h = add_header(h, "X-User-Id", c->user_id);
        h = add_header(h, "X-Auth-Token", c->token);
        trace_header(c, "X-User-Id", c->user_id, 0);
        trace_header(c, "X-Auth-Token", c->token, 1);
    }
    if (with_2fa) {
        h = add_header(h, "X-2FA-Code", c->code_2fa);
        h = add_header(h, "X-2FA-Method", c->method_2fa);
        trace_header(c, "X-2FA-Code", c->code_2fa, 1);
        trace_header(c, "X-2FA-Method", c->method_2fa, 0);
    }

    curl_easy_setopt(c->curl, CURLOPT_URL, url.data);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, h);
    if (payload) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, payload->data);
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, (long)payload->len);
    } else {
        curl_easy_setopt(c->curl, CURLOPT_HTTPGET, 1L);
    }
    curl_easy_setopt(c->curl, CURLOPT_NOBODY,
                     !strcmp(method, "HEAD") ? 1L : 0L);
    curl_easy_setopt(c->curl, CURLOPT_CUSTOMREQUEST,
                     strcmp(method, "GET") && strcmp(method, "POST") &&
                     strcmp(method, "HEAD") ? method : NULL);
    if (!payload && !strcmp(method, "POST")) {
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDS, "");
        curl_easy_setopt(c->curl, CURLOPT_POSTFIELDSIZE, 0L);
    }

    out->sent_token = c->user_id != NULL;
    rc = curl_easy_perform(c->curl);
    curl_easy_setopt(c->curl, CURLOPT_HTTPHEADER, NULL);
    curl_slist_free_all(h);
    c->facts.ms = mono_ms() - t0;
    if (rc == CURLE_OK) {
        facts_tls(c);
        curl_easy_getinfo(c->curl, CURLINFO_RESPONSE_CODE, &out->status);
        if (c->body.len) {
            out->json = json_parse(c->body.data, c->body.len, &jerr);
            if (!out->json)
                out->text = xstrndup(c->body.data, c->body.len);
        }
    }
    if (c->verbose) {
        if (rc == CURLE_OK)
            fprintf(stderr, "< %ld (%" PRId64 " ms)\n", out->status,
                    mono_ms() - t0);
        else
            fprintf(stderr, "< %s (%" PRId64 " ms)\n",
                    c->body_too_big ? "answer too large"
                                    : curl_easy_strerror(rc),
                    mono_ms() - t0);
    }
    buf_release(&url);
    buf_release(&shown);
    return rc;
}

static int is_retryable_curl(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_RESOLVE_HOST:
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_GOT_NOTHING:
    case CURLE_SEND_ERROR:
    case CURLE_RECV_ERROR:
    case CURLE_PARTIAL_FILE:
        return 1;
    default:
        return 0;
    }
}

static void sleep_ms(long ms)
{
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

    while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
        ;
}

/* Full delay for retry number `retry` (1-based): doubling, then jittered
 * uniformly into [delay/2, delay] so parallel clients spread out. */
static long backoff_ms(int retry)
{
    long delay = BACKOFF_BASE_MS;
    uint32_t r;

    for (int i = 1; i < retry && delay < BACKOFF_MAX_MS; i++)
        delay *= 2;
    if (delay > BACKOFF_MAX_MS)
        delay = BACKOFF_MAX_MS;
    random_bytes(&r, sizeof(r));
    return delay / 2 + (long)(r % (uint32_t)(delay / 2 + 1));
}

/* How long a 429 asks us to wait: Retry-After, the "wait N seconds" text
 * (both relative, so immune to clock skew), else X-RateLimit-Reset. */
static long rate_wait_ms(const struct client *c, const struct client_reply *r)
{
    const char *text = json_str(r->json, "error");
    const char *w = text ? strstr(text, "wait ") : NULL;

    if (c->retry_after_s >= 0)
        return c->retry_after_s * 1000L;
    if (w) {
        char *end;
        long s;

        errno = 0;
        s = strtol(w + 5, &end, 10);
        if (!errno && end != w + 5 && s >= 0 && !strncmp(end, " second", 7))
            return s * 1000L;
    }
    if (c->reset_ms) {
        int64_t d = c->reset_ms - now_ms();

        if (d < 0)
            d = 0;
        if (d > MAX_WAIT_MS)
            d = MAX_WAIT_MS + 1;
        return (long)d + 100;
    }
    return 1000;
}

static int is_one_of(const char *s, const char *const *list)
{
    for (; s && *list; list++) {
        if (!strcmp(s, *list))
            return 1;
    }
    return 0;
}

static int ends_with(const char *s, const char *suffix)
{
    size_t n = s ? strlen(s) : 0, m = strlen(suffix);

    return n >= m && !strcmp(s + n - m, suffix);
}

/*
 * Map the answer to an err and a message. Rocket.Chat answers many
 * failures with 400 and says what it was in errorType, so 400s are
 * refined by it.
 */
static void classify(struct client_reply *r)
{
    static const char *const denied[] = {
        "error-unauthorized", "error-not-allowed", "error-action-not-allowed",
        "not-authorized", "unauthorized", "error-forbidden", "forbidden",
        NULL,
    };
    static const char *const auth[] = {
        "totp-required", "totp-invalid", "totp-max-attempts", NULL,
    };
    static const char *const exists[] = {
        "error-field-unavailable", "error-duplicate-channel-name",
        "error-name-already-exists", "error-already-exists", NULL,
    };
    const char *msg = json_str(r->json, "error");
    const char *type = json_str(r->json, "errorType");
    json_t *success = json_object_get(r->json, "success");
    struct buf b = BUF_INIT;

    if (!msg)
        msg = json_str(r->json, "message");
    /* login's 401 puts the code ("totp-required") in "error" */
    if (!type && msg && !strchr(msg, ' '))
        type = msg;
    r->error_type = dup_or_null(type);

    if (r->status >= 200 && r->status < 300) {
        if (!r->json && r->text) {
            r->err = ERR_INVALID;
            r->error = xstrdup("the answer is not JSON (is this a "
                               "Rocket.Chat server?)");
        } else if (json_is_false(success)) {
            r->err = ERR_INVALID;
            r->error = xstrdup(msg ? msg : "the server says success: false");
        }
        return;
    }
    if (r->status == 401)
        r->err = ERR_AUTH;
    else if (r->status == 403)
        r->err = ERR_DENIED;
    else if (r->status == 404)
        r->err = ERR_NOT_FOUND;
    else if (r->status == 409)
        r->err = ERR_EXISTS;
    else if (r->status >= 500 || r->status == 429)
        r->err = ERR_IO;
    else if (is_one_of(type, auth))
        r->err = ERR_AUTH;
    else if (is_one_of(type, denied))
        r->err = ERR_DENIED;
    else if (ends_with(type, "-not-found") ||
             (msg && !strcmp(msg, "User not found.")))
        r->err = ERR_NOT_FOUND;
    else if (is_one_of(type, exists))
        r->err = ERR_EXISTS;
    else
        r->err = ERR_INVALID;
    if (msg)
        buf_addf(&b, "%s (HTTP %ld)", msg, r->status);
    else
        buf_addf(&b, "HTTP %ld", r->status);
    r->error = buf_detach(&b, NULL);
}

char *client_2fa_code(struct client *c, const json_t *details,
                      const char **method, struct buf *why)
{
    const char *m = json_str(details, "method");
    int is_password = m && !strcmp(m, "password");
    const char *question;
    char *answer = NULL;

    if (is_password) {
        *method = "password";
        question = "The server asks for your password as a second factor.\n"
                   "Password: ";
    } else if (m && !strcmp(m, "email")) {
        *method = "email";
        question = "Two-factor code (sent to you by e-mail): ";
    } else {
        *method = "totp";
        question = "Two-factor code (from your authenticator app): ";
    }
    if (c->code && is_password) {
        buf_adds(why, "the server asks for your password as the second "
                      "factor; give it with --code-file or at the prompt, "
                      "not with --code");
        return NULL;
    }
    if (c->code)
        answer = xstrdup(c->code);
    else if (c->code_file)
        answer = prompt_file_line(c->code_file, why);
    else if (prompt_is_interactive())
        answer = prompt_tty(question, is_password);
    else
        buf_addf(why, "the server asks for a two-factor code (%s); give it "
                      "with --code or --code-file", *method);
    if (answer && !*answer) {
        prompt_free(answer);
        answer = NULL;
        buf_adds(why, "no two-factor code given");
    } else if (!answer && !why->len) {
        buf_adds(why, "no two-factor code given");
    }
    if (answer && is_password) {
        char hex[SHA256_HEX_LEN + 1];

        sha256_hex(answer, strlen(answer), hex);
        prompt_free(answer);
        answer = xstrdup(hex);
    }
    return answer;
}

static int is_idempotent(const char *method)
{
    return !strcmp(method, "GET") || !strcmp(method, "HEAD");
}

enum err client_request(struct client *c, const char *method,
                        const char *path, const json_t *body,
                        struct client_reply *out)
{
    struct buf payload = BUF_INIT, why = BUF_INIT;
    int retries = 0, waits = 0, with_2fa = 0;

    client_reply_release(out);
    if (body)
        json_dump_buf(&payload, body);
    for (;;) {
        CURLcode rc = perform(c, method, path, body ? &payload : NULL,
                              with_2fa, out);

        if (rc != CURLE_OK) {
            if (is_idempotent(method) && is_retryable_curl(rc) &&
                ++retries < c->max_tries) {
                long ms = backoff_ms(retries);

                if (!c->quiet)
                    fprintf(stderr, "rcctl: %s; retrying in %ld ms\n",
                            curl_easy_strerror(rc), ms);
                sleep_ms(ms);
                continue;
            }
            out->err = ERR_IO;
            buf_reset(&why);
            buf_addf(&why, "cannot reach '%s': %s", c->url,
                     c->body_too_big ? "the answer is larger than 64 MiB"
                     : c->errbuf[0] ? c->errbuf : curl_easy_strerror(rc));
            out->error = buf_detach(&why, NULL);
            break;
        }
        if (out->status == 429 && ++waits < RATE_LIMIT_TRIES) {
            long ms = rate_wait_ms(c, out);

            if (ms > MAX_WAIT_MS) {
                classify(out);
                free(out->error);
                out->error = xstrdup("rate limited, and the server asks "
                                     "to wait more than 10 minutes");
                break;
            }
            if (!c->quiet)
                fprintf(stderr, "rcctl: rate limited by the server; "
                                "waiting %ld.%01ld s\n",
                        ms / 1000, ms % 1000 / 100);
            client_reply_release(out);
            sleep_ms(ms);
            continue;
        }
        if ((out->status == 502 || out->status == 503 ||
             out->status == 504) &&
            is_idempotent(method) && ++retries < c->max_tries) {
            long ms = backoff_ms(retries);

            if (!c->quiet)
                fprintf(stderr, "rcctl: server answered %ld; retrying in "
                                "%ld ms\n", out->status, ms);
            client_reply_release(out);
            sleep_ms(ms);
            continue;
        }
        classify(out);
        /* The code is kept for later challenges in this run (one prompt),
         * but sent only when a request is challenged. */
        if (out->status == 400 && out->error_type && !with_2fa &&
            !strcmp(out->error_type, "totp-required")) {
            with_2fa = 1;
            if (!c->code_2fa) {
                buf_reset(&why);
                c->code_2fa = client_2fa_code(
                    c, json_object_get(out->json, "details"),
                    &c->method_2fa, &why);
            }
            if (c->code_2fa) {
                client_reply_release(out);
                continue;
            }
            out->err = ERR_AUTH;
            free(out->error);
            out->error = buf_detach(&why, NULL);
        }
        if (out->status == 429) {
            free(out->error);
            out->error = xstrdup("rate limited by the server; gave up "
                                 "after waiting several times");
        }
        break;
    }
    if (payload.cap)
        memset(payload.data, 0, payload.cap);   /* may hold a password */
    buf_release(&payload);
    buf_release(&why);
    return out->err;
}

enum err client_get(struct client *c, const char *path,
                    struct client_reply *out)
{
    return client_request(c, "GET", path, NULL, out);
}

enum err client_post(struct client *c, const char *path, const json_t *body,
                     struct client_reply *out)
{
    return client_request(c, "POST", path, body, out);
}

void pager_init(struct pager *p, long count)
{
    p->count = count > 0 ? count : PAGE_COUNT;
    p->offset = 0;
    p->total = -1;
    p->cap = 0;
    p->pages = 0;
    p->done = 0;
    p->first = NULL;
}

void pager_release(struct pager *p)
{
    json_decref(p->first);
    p->first = NULL;
}

void pager_path(struct pager *p, const char *base, struct buf *out)
{
    const char *q = strchr(base, '?');
    char num[32];

    buf_reset(out);
    buf_add(out, base, q ? (size_t)(q - base) : strlen(base));
    while (q && *q) {
        const char *param = q + 1;
        size_t n = strcspn(param, "&");

        q = param[n] ? param + n : NULL;
        if (!n)
            continue;
        if (n > 6 && !strncmp(param, "count=", 6)) {
            char *end;
            long want;

            errno = 0;
            want = strtol(param + 6, &end, 10);
            if (!errno && end == param + n && want > 0 && want < p->count)
                p->count = want;
            continue;
        }
        if (n >= 7 && !strncmp(param, "offset=", 7))
            continue;
        buf_addc(out, strchr(out->data, '?') ? '&' : '?');
        buf_add(out, param, n);
    }
    snprintf(num, sizeof(num), "%ld", p->count);
    client_query(out, "count", num);
    snprintf(num, sizeof(num), "%ld", p->offset);
    client_query(out, "offset", num);
}

enum err pager_feed(struct pager *p, const json_t *page, const char *list_key,
                    const json_t **items, struct buf *why)
{
    const json_t *list = NULL, *first;
    json_t *total = json_object_get(page, "total");
    json_t *offset = json_object_get(page, "offset");
    const char *key;
    json_t *v;
    long n;

    *items = NULL;
    if (list_key) {
        list = json_object_get(page, list_key);
    } else if (json_is_object(page)) {
        json_object_foreach((json_t *)page, key, v) {
            if (json_is_array(v)) {
                list = v;
                break;
            }
        }
    }
    if (!json_is_array(list)) {
        if (list_key)
            buf_addf(why, "the answer has no '%s' list", list_key);
        else
            buf_adds(why, "the answer has no list to page through");
        return ERR_INVALID;
    }
    if (json_is_integer(offset) && json_integer_value(offset) != p->offset) {
        buf_addf(why, "asked for offset %ld, the server answered offset "
                      "%" JSON_INTEGER_FORMAT, p->offset,
                 json_integer_value(offset));
        return ERR_INVALID;
    }
    n = (long)json_array_size(list);
    first = json_array_get(list, 0);
    if (p->first && first && json_equal(p->first, first)) {
        buf_addf(why, "the server sent the page at offset %ld twice; it "
                      "ignores 'offset'", p->offset);
        return ERR_INVALID;
    }
    json_decref(p->first);
    p->first = first ? json_incref((json_t *)first) : NULL;
    if (json_is_integer(total) && json_integer_value(total) >= 0)
        p->total = (long)json_integer_value(total);
    p->pages++;
    *items = list;
    if (n == 0) {
        p->done = 1;
        return ERR_OK;
    }
    /* A short page before the end means the server capped count. */
    if (n < p->count && (p->total < 0 || p->offset + n < p->total) &&
        (!p->cap || n < p->cap))
        p->cap = n;
    p->offset += n;
    if (p->total >= 0 && p->offset >= p->total)
        p->done = 1;
    return ERR_OK;
}

enum err client_pages(struct client *c, const char *path,
                      const char *list_key, client_item_fn *fn, void *data,
                      struct client_reply *out, int *stopped, long *nitems)
{
    struct pager p;
    struct buf url = BUF_INIT, why = BUF_INIT;
    long count = 0, cap_noted = 0;
    enum err rc = ERR_OK;

    pager_init(&p, PAGE_COUNT);
    if (stopped)
        *stopped = 0;
    while (!p.done) {
        const json_t *items;
        size_t i;
        json_t *item;

        pager_path(&p, path, &url);
        rc = client_get(c, url.data, out);
        if (rc)
            goto out;
        rc = pager_feed(&p, out->json, list_key, &items, &why);
        if (rc) {
            out->err = rc;
            free(out->error);
            out->error = buf_detach(&why, NULL);
            goto out;
        }
        if (p.cap && p.cap != cap_noted && c->verbose)
            fprintf(stderr, "rcctl: the server caps pages at %ld items\n",
                    p.cap);
        cap_noted = p.cap;
        json_array_foreach(items, i, item) {
            int r = fn(item, data);

            count++;
            if (r) {
                if (stopped)
                    *stopped = r;
                goto out;
            }
        }
        client_reply_release(out);
    }
out:
    if (!rc)
        client_reply_release(out);
    if (nitems)
        *nitems = count;
    pager_release(&p);
    buf_release(&url);
    buf_release(&why);
    return rc;
}

static int append_item(const json_t *item, void *data)
{
    json_array_append(data, (json_t *)item);
    return 0;
}

enum err client_pages_all(struct client *c, const char *path,
                          const char *list_key, json_t **out,
                          struct client_reply *r)
{
    enum err e;

    *out = json_array();
    e = client_pages(c, path, list_key, append_item, *out, r, NULL, NULL);
    if (e) {
        json_decref(*out);
        *out = NULL;
    }
    return e;
}
