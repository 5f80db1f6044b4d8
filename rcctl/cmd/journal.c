/*
 * journal and undo: list the changes rcctl made (rcctl/journal.c keeps
 * them), and reverse a range of them, newest first, by sending each
 * entry's recorded reverse request. Undo's own changes are journaled
 * too, so an undo can be undone.
 */
#include <errno.h>
#include <limits.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/buf.h"
#include "../../shared/json.h"
#include "../../shared/timeutil.h"
#include "../client.h"
#include "../command.h"
#include "../journal.h"

static int parse_count(const char *s, long *out)
{
    return command_parse_long(s, 1, LONG_MAX, out);
}

/* --since: an ISO-8601 time or date, or an age: 30m, 12h, 7d. */
static int parse_since(const char *s, int64_t *ms)
{
    char *end;
    long n;

    if (!iso_parse(s, ms))
        return 0;
    errno = 0;
    n = strtol(s, &end, 10);
    if (errno || end == s || n < 0 || !*end || end[1])
        return -1;
    switch (*end) {
    case 'm': *ms = now_ms() - n * 60000LL; return 0;
    case 'h': *ms = now_ms() - n * 3600000LL; return 0;
    case 'd': *ms = now_ms() - n * 86400000LL; return 0;
    default: return -1;
    }
}

static long entry_seq(const json_t *e)
{
    return (long)json_integer_value(json_object_get(e, "seq"));
}

static int journal_list(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "since", required_argument, NULL, 's' },
        { "last", required_argument, NULL, 'l' },
        { NULL, 0, NULL, 0 },
    };
    struct buf why = BUF_INIT;
    struct output *o;
    json_t *all = NULL, *e;
    int64_t since = -1;
    long last = 0;
    size_t i, first = 0;
    int opt, rc;

    while ((opt = getopt_long(argc, argv, "", opts, NULL)) != -1) {
        switch (opt) {
        case 's':
            if (parse_since(optarg, &since))
                return usage_errorf("--since wants an ISO-8601 time or an "
                                    "age (30m, 12h, 7d), not '%s'", optarg);
            break;
        case 'l':
            if (parse_count(optarg, &last))
                return usage_errorf("--last wants a number, not '%s'",
                                    optarg);
            break;
        default: return command_bad_option(argv);
        }
    }
    if (optind < argc)
        return usage_errorf("unexpected argument '%s'", argv[optind]);
    if (journal_read(&all, &why)) {
        rc = errorf("%s", why.data);
        goto out;
    }
    if (last && json_array_size(all) > (size_t)last)
        first = json_array_size(all) - (size_t)last;
    o = command_output(ctx, 1);
    for (i = first; i < json_array_size(all); i++) {
        int64_t t;

        e = json_array_get(all, i);
        if (since >= 0 && (iso_parse(json_str(e, "when") ? json_str(e, "when")
                                                         : "", &t) ||
                           t < since))
            continue;
        output_item(o, e);
    }
    rc = command_output_end(o);
out:
    json_decref(all);
    buf_release(&why);
    return rc;
}

/*
 * The entries RANGE names, newest first, into a new array: "N", "A-B",
 * "last" (every entry of the last run, that is one rcctl command), or
 * "last:N" (those of the last N runs). Returns 0 or EXIT_USAGE.
 */
static int select_range(const json_t *all, const char *range, json_t **out)
{
    size_t n = json_array_size(all);
    long a = 0, b = 0, runs = 0;
    const char *dash;
    char *end;

    *out = json_array();
    if (!strncmp(range, "last", 4)) {
        const char *run = NULL;

        runs = 1;
        if (range[4] == ':' ? parse_count(range + 5, &runs) : range[4] != 0)
            return usage_errorf("'%s' is not a range: N, A-B, last or "
                                "last:N", range);
        for (size_t i = n; i-- > 0;) {
            const json_t *e = json_array_get(all, i);
            const char *r = json_str(e, "run");

            if (!run || !r || strcmp(run, r)) {
                if (!runs)
                    break;
                runs--;
                run = r;
            }
            json_array_append(*out, (json_t *)e);
        }
        return 0;
    }
    errno = 0;
    a = strtol(range, &end, 10);
    dash = end;
    if (!errno && end != range && *dash == '-')
        b = strtol(dash + 1, &end, 10);
    else
        b = a;
    if (errno || end == range || *end || a < 1 || b < a)
        return usage_errorf("'%s' is not a range: N, A-B, last or last:N",
                            range);
    for (size_t i = n; i-- > 0;) {
        const json_t *e = json_array_get(all, i);
        long seq = entry_seq(e);

        if (seq >= a && seq <= b)
            json_array_append(*out, (json_t *)e);
    }
    return 0;
}

/* "deactivate user 'alice'" for messages. */
static void describe(struct buf *b, const json_t *e)
{
    const json_t *t = json_object_get(e, "target");
    const char *name = json_str(t, "name") ? json_str(t, "name")
                                           : json_str(t, "id");
    const char *member = json_str(json_object_get(e, "member"), "name");

    buf_addf(b, "%ld (%s %s '%s'", entry_seq(e), json_str(e, "action"),
             json_str(t, "type") ? json_str(t, "type") : "?",
             name ? name : "?");
    if (member)
        buf_addf(b, ", user '%s'", member);
    buf_adds(b, ")");
}

/* A refusal that means the entry is undone already. */
static int is_already(const struct client_reply *r)
{
    static const char *const types[] = {
        "error-user-already-owner", "error-user-not-in-room",
        "error-user-already-in-role", "error-user-not-in-role",
        "error-user-not-owner", "error-room-archived",
        "error-room-not-archived",
    };

    for (size_t i = 0; r->error_type && i < ARRAY_SIZE(types); i++) {
        if (!strcmp(r->error_type, types[i]))
            return 1;
    }
    return 0;
}

/* Undo one entry; results go to b. */
static void undo_one(struct rcctl *ctx, struct client *c, struct bulk *b,
                     const json_t *e)
{
    struct client_reply r = CLIENT_REPLY_INIT;
    const json_t *t = json_object_get(e, "target");
    const json_t *undo = json_object_get(e, "undo");
    const json_t *req = json_object_get(e, "request");
    const json_t *member = json_object_get(e, "member");
    const char *url = json_str(e, "url"), *path = json_str(undo, "path");
    struct buf what = BUF_INIT, action = BUF_INIT, item = BUF_INIT;

    describe(&what, e);
    buf_addf(&item, "%ld", entry_seq(e));
    if (!journal_same_url(url, client_url(c))) {
        bulk_failed(b, item.data, EXIT_FAILED, "cannot undo %s: it was made "
                    "on '%s', not on '%s' (use --url or --profile)",
                    what.data, url ? url : "?", client_url(c));
        goto out;
    }
    if (!json_is_true(json_object_get(e, "reversible")) || !path) {
        bulk_failed(b, item.data, EXIT_FAILED, "cannot undo %s: %s",
                    what.data, json_str(e, "why_not") ? json_str(e, "why_not")
                                                      : "not reversible");
        goto out;
    }
    if (b->dry_run) {
        bulk_changed(b, "would undo %s", what.data);
        goto out;
    }
    if (client_post(c, path, json_object_get(undo, "body"), &r)) {
        if (is_already(&r))
            bulk_unchanged(b, "%s is undone already (%s)", what.data,
                           r.error);
        else
            bulk_failed_reply(b, item.data, &r, "cannot undo %s", what.data);
        goto out;
    }
    buf_addf(&action, "undo %s", json_str(e, "action"));
    journal_add(ctx, &(struct journal_entry){
        .type = json_str(t, "type") ? json_str(t, "type") : "?",
        .id = json_str(t, "id"), .name = json_str(t, "name"),
        .action = action.data,
        .user_id = json_str(member, "id"),
        .username = json_str(member, "name"),
        .before = json_incref(json_object_get(e, "after")),
        .after = json_incref(json_object_get(e, "before")),
        .path = path, .body = json_object_get(undo, "body"),
        .undo_path = json_str(req, "path"),
        .undo_body = json_incref(json_object_get(req, "body")),
        .why_not = "the original request is not known",
        .undo_of = entry_seq(e),
    });
    bulk_changed(b, "undid %s", what.data);
out:
    client_reply_release(&r);
    buf_release(&what);
    buf_release(&action);
    buf_release(&item);
}

static int journal_undo(struct rcctl *ctx, int argc, char **argv)
{
    static const struct option opts[] = {
        { "dry-run", no_argument, NULL, 'n' },
        { NULL, 0, NULL, 0 },
    };
    struct buf why = BUF_INIT;
    struct client *c;
    struct bulk b;
    json_t *all = NULL, *sel = NULL;
    int dry_run = 0, opt, rc;
    size_t n = 0;

    while ((opt = getopt_long(argc, argv, "n", opts, NULL)) != -1) {
        if (opt != 'n')
            return command_bad_option(argv);
        dry_run = 1;
    }
    if (argc - optind != 1)
        return usage_errorf("want a range: N, A-B, last or last:N");
    if (journal_read(&all, &why)) {
        rc = errorf("%s", why.data);
        goto out;
    }
    rc = select_range(all, argv[optind], &sel);
    if (rc)
        goto out;
    n = json_array_size(sel);
    if (!n) {
        journal_path(&why);
        rc = errorf("no journal entry in '%s' is in range '%s'", why.data,
                    argv[optind]);
        rc = EXIT_NOT_FOUND;
        goto out;
    }
    rc = command_client(ctx, &c);
    if (rc)
        goto out;
    bulk_init(&b, ctx, dry_run);
    for (size_t i = 0; i < n && !b.stop; i++)
        undo_one(ctx, c, &b, json_array_get(sel, i));
    rc = bulk_end(&b, n);
out:
    json_decref(all);
    json_decref(sel);
    buf_release(&why);
    return rc;
}

const struct command journal_commands[] = {
    {
        .name = "journal",
        .synopsis = "[--since TIME] [--last N]",
        .summary = "list the changes rcctl made (for undo)",
        .run = journal_list,
        .examples =
            "rcctl journal --last 20\n"
            "rcctl journal --since 2d -o json | jq '.[] | select(.action == "
            "\"deactivate\")'\n"
            "rcctl journal --columns seq,target.name,before.value,"
            "after.value",
        .help =
            "Every change rcctl makes is appended to\n"
            "$XDG_STATE_HOME/rcctl/journal (else ~/.local/state/rcctl/journal;\n"
            "folder 0700, file 0600), one JSON object a line: seq, when, run\n"
            "(one per rcctl command), profile, url, user, command (the words,\n"
            "never a secret), target (type, id, name), member (for changes\n"
            "about a user in a room or team), action, before, after, the\n"
            "request made, reversible and the undo request, or why_not.\n"
            "Dry runs and failed changes are not written.\n"
            "\n"
            "  --since TIME   entries from TIME on: ISO 8601 (2024-05-01,\n"
            "                 2024-05-01T10:00:00Z) or an age (30m, 12h, 7d)\n"
            "  --last N       the last N entries\n",
        .columns = "seq,when,user,action,target.type,target.name,member.name,"
                   "reversible",
    },
    {
        .name = "undo",
        .synopsis = "[--dry-run] <N|A-B|last|last:N>",
        .summary = "reverse changes from the journal, newest first",
        .run = journal_undo,
        .flags = CMD_LOGIN,
        .examples =
            "# what would the last command's undo do?\n"
            "rcctl undo last --dry-run\n"
            "rcctl undo last\n"
            "rcctl undo 41-57\n"
            "rcctl undo 12",
        .help =
            "RANGE is an entry's seq (see 'rcctl journal'), A-B (both\n"
            "included), last (every change of the last rcctl command) or\n"
            "last:N (those of the last N commands). Entries are undone newest\n"
            "first: reactivate or deactivate users, give back or take away\n"
            "roles, restore settings, permissions and notification\n"
            "preferences, invite or kick back, unarchive or archive, rename\n"
            "back, remove an added owner. Some changes cannot be undone\n"
            "(a deleted user or room, a logout, a removed token or webhook,\n"
            "a create); each is reported with the reason, as a failure.\n"
            "Entries made on another server than the current one are refused.\n"
            "Undo's own changes are journaled, so 'rcctl undo last' after an\n"
            "undo redoes.\n"
            "\n"
            "  -n, --dry-run  say what would be undone, change nothing\n"
            "\n"
            "Each entry gets a line on stderr, then the counts (changed,\n"
            "unchanged, failed); exit status 3 when some failed and some not.\n",
    },
    { NULL },
};
