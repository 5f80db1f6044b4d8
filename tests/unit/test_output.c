/*
 * rcctl's leaves: the output writers (every format, CSV quoting and the
 * formula guard, dotted paths), the pager's decisions, the config file's
 * line-preserving edits and the URL rules. No network, no terminal.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../rcctl/client.h"
#include "../../rcctl/config.h"
#include "../../rcctl/output.h"
#include "../../shared/buf.h"
#include "unit.h"

/*
 * Run items (a JSON array text) through a writer of the given format and
 * return what it wrote (caller frees).
 */
static char *render(enum output_format fmt, const char *columns,
                    const char *defaults, int is_list, int no_header,
                    int guard, const char *items)
{
    struct output_opts opts = { fmt, columns, no_header, guard, 0 };
    json_t *arr = json_loads(items, 0, NULL);
    char *text = NULL;
    size_t len = 0, i;
    json_t *item;
    FILE *fp = open_memstream(&text, &len);
    struct output *o = output_new(fp, &opts, defaults, is_list);

    json_array_foreach(arr, i, item)
        output_item(o, item);
    if (output_finish(o) < 0)
        BUG("output_finish failed on a memstream");
    fclose(fp);
    json_decref(arr);
    return text;
}

static void test_csv_quoting(void)
{
    char *s = render(OUTPUT_CSV, "a,b,c", NULL, 1, 0, 0,
                     "[{\"a\":\"x,y\",\"b\":\"say \\\"hi\\\"\","
                     "\"c\":\"two\\nlines\"},"
                     "{\"a\":\"plain\",\"b\":\"cr\\rhere\",\"c\":\"\"}]");

    CHECK_STR(s, "a,b,c\r\n"
                 "\"x,y\",\"say \"\"hi\"\"\",\"two\nlines\"\r\n"
                 "plain,\"cr\rhere\",\r\n");
    free(s);
}

static void test_csv_guard(void)
{
    char *s = render(OUTPUT_CSV, "a,b,c,d,e", NULL, 1, 1, 1,
                     "[{\"a\":\"=1+2\",\"b\":\"+x\",\"c\":\"-3\","
                     "\"d\":\"@SUM(A1)\",\"e\":\"=HYPERLINK(\\\"x\\\",1)\"}]");

    CHECK_STR(s, "'=1+2,'+x,'-3,'@SUM(A1),\"'=HYPERLINK(\"\"x\"\",1)\"\r\n");
    free(s);
    s = render(OUTPUT_CSV, "a", NULL, 1, 1, 0, "[{\"a\":\"=1+2\"}]");
    CHECK_STR(s, "=1+2\r\n");
    free(s);
}

static void test_csv_empty_list_has_header(void)
{
    char *s = render(OUTPUT_CSV, NULL, "_id,name", 1, 0, 0, "[]");

    CHECK_STR(s, "_id,name\r\n");
    free(s);
}

static void test_tsv_escapes(void)
{
    char *s = render(OUTPUT_TSV, "a,b", NULL, 1, 0, 0,
                     "[{\"a\":\"tab\\there\",\"b\":\"nl\\nback\\\\slash\"}]");

    CHECK_STR(s, "a\tb\ntab\\there\tnl\\nback\\\\slash\n");
    free(s);
}

static void test_values_and_paths(void)
{
    char *s = render(OUTPUT_TSV, "n,t,f,z,arr,obj,emails.0.address,"
                     "emails.1.address,missing,a.b",
                     NULL, 1, 1, 0,
                     "[{\"n\":42,\"t\":true,\"f\":1.5,\"z\":null,"
                     "\"arr\":[1,\"x\"],\"obj\":{\"k\":\"v\"},"
                     "\"emails\":[{\"address\":\"a@x\"}],\"a.b\":\"dotkey\"}]");

    CHECK_STR(s, "42\ttrue\t1.5\t\t[1,\"x\"]\t{\"k\":\"v\"}\ta@x\t\t\t"
                 "dotkey\n");
    free(s);
}

static void test_lookup(void)
{
    json_t *j = json_loads("{\"a\":{\"b\":[10,{\"c\":\"deep\"}]},"
                           "\"x.y\":{\"z\":1}}", 0, NULL);

    CHECK(json_integer_value(output_lookup(j, "a.b.0")) == 10);
    CHECK_STR(json_string_value(output_lookup(j, "a.b.1.c")), "deep");
    CHECK(output_lookup(j, "a.b.2") == NULL);
    CHECK(output_lookup(j, "a.b.x") == NULL);
    CHECK(output_lookup(j, "a.b.0.q") == NULL);
    CHECK(output_lookup(j, "") == NULL);
    CHECK(json_integer_value(output_lookup(j, "x.y.z")) == 1);
    json_decref(j);
}

static void test_json_single_and_list(void)
{
    char *s = render(OUTPUT_JSON, NULL, "a", 0, 0, 0, "[{\"a\":1,\"b\":2}]");

    CHECK_STR(s, "{\n  \"a\": 1,\n  \"b\": 2\n}\n");
    free(s);
    s = render(OUTPUT_JSON, NULL, NULL, 1, 0, 0, "[{\"a\":1},{\"a\":2}]");
    CHECK_STR(s, "[\n  {\n    \"a\": 1\n  },\n  {\n    \"a\": 2\n  }\n]\n");
    free(s);
    s = render(OUTPUT_JSON, NULL, NULL, 1, 0, 0, "[]");
    CHECK_STR(s, "[]\n");
    free(s);
    /* --columns cuts the objects down to the columns, keyed by path */
    s = render(OUTPUT_NDJSON, "a,c.d,nope", NULL, 1, 0, 0,
               "[{\"a\":1,\"b\":2,\"c\":{\"d\":3}},{\"a\":4}]");
    CHECK_STR(s, "{\"a\":1,\"c.d\":3,\"nope\":null}\n"
                 "{\"a\":4,\"c.d\":null,\"nope\":null}\n");
    free(s);
}

static void test_ndjson_keeps_everything(void)
{
    char *s = render(OUTPUT_NDJSON, NULL, "a", 1, 0, 0,
                     "[{\"a\":1,\"b\":[true]},\"bare\",7]");

    CHECK_STR(s, "{\"a\":1,\"b\":[true]}\n\"bare\"\n7\n");
    free(s);
}

static void test_ids(void)
{
    char *s = render(OUTPUT_IDS, "name", NULL, 1, 0, 0,
                     "[{\"_id\":\"x1\",\"name\":\"a\"},{\"name\":\"no id\"},"
                     "{\"_id\":\"x2\"}]");

    CHECK_STR(s, "x1\nx2\n");
    free(s);
}

static void test_table(void)
{
    char *s = render(OUTPUT_TABLE, "_id,name,n", NULL, 1, 0, 0,
                     "[{\"_id\":\"a\",\"name\":\"short\",\"n\":1},"
                     "{\"_id\":\"bbbbbb\",\"name\":\"x\\ty\",\"n\":22}]");

    CHECK_STR(s, "_ID     NAME   N\n"
                 "a       short  1\n"
                 "bbbbbb  x\\ty   22\n");
    free(s);
    s = render(OUTPUT_TABLE, "a", NULL, 1, 1, 0, "[{\"a\":\"\xc3\xa4\"}]");
    CHECK_STR(s, "\xc3\xa4\n");
    free(s);
}

static void test_default_columns_from_first_item(void)
{
    char *s = render(OUTPUT_TSV, NULL, NULL, 0, 0, 0,
                     "[{\"version\":\"7.4\",\"success\":true,\"n\":1}]");

    CHECK_STR(s, "version\tn\n7.4\t1\n");
    free(s);
}

static void test_list_columns(void)
{
    struct output_opts opts = { OUTPUT_TSV, NULL, 0, 0, 1 };
    json_t *item = json_loads("{\"_id\":\"x\",\"emails\":[{\"address\":\"a\"}],"
                              "\"success\":true,"
                              "\"s\":{\"p\":{\"q\":{\"r\":1}}}}", 0, NULL);
    char *text = NULL;
    size_t len = 0;
    FILE *fp = open_memstream(&text, &len);
    struct output *o = output_new(fp, &opts, "_id", 1);

    output_item(o, item);
    output_item(o, item);
    CHECK(output_finish(o) == 0);
    fclose(fp);
    CHECK_STR(text, "_id\nemails\nemails.0.address\ns\ns.p\ns.p.q\n");
    free(text);
    json_decref(item);
}

static void test_format_names(void)
{
    enum output_format f;

    CHECK(output_format_parse("csv", &f) == 0 && f == OUTPUT_CSV);
    CHECK(output_format_parse("ids", &f) == 0 && f == OUTPUT_IDS);
    CHECK(output_format_parse("yaml", &f) == -1);
}

/* A page as a Rocket.Chat list endpoint sends it. */
static json_t *page(long first, long n, long offset, long total)
{
    json_t *list = json_array();

    for (long i = 0; i < n; i++)
        json_array_append_new(list, json_pack("{s:I}", "_id",
                                              (json_int_t)(first + i)));
    if (total < 0)
        return json_pack("{s:o, s:I, s:I}", "users", list, "count",
                         (json_int_t)n, "offset", (json_int_t)offset);
    return json_pack("{s:{}, s:o, s:I, s:I, s:I}", "meta", "users", list,
                     "count", (json_int_t)n, "offset", (json_int_t)offset,
                     "total", (json_int_t)total);
}

/* Feed a server that caps pages at cap items out of total. */
static long drain(struct pager *p, long cap, long total, int with_total,
                  long *pages)
{
    long seen = 0;

    *pages = 0;
    while (!p->done && *pages < 1000) {
        long n = total - p->offset;
        const json_t *items;
        struct buf why = BUF_INIT;
        json_t *pg;

        if (n > cap)
            n = cap;
        if (n > p->count)
            n = p->count;
        if (n < 0)
            n = 0;
        pg = page(p->offset, n, p->offset, with_total ? total : -1);
        if (pager_feed(p, pg, NULL, &items, &why) != ERR_OK) {
            json_decref(pg);
            buf_release(&why);
            return -1;
        }
        seen += (long)json_array_size(items);
        (*pages)++;
        json_decref(pg);
        buf_release(&why);
    }
    return seen;
}

static void test_pager_server_cap(void)
{
    struct pager p;
    long pages;

    /* asks 100, gets 7 a page: must not take 7 < 100 for the end */
    pager_init(&p, 100);
    CHECK(drain(&p, 7, 23, 1, &pages) == 23);
    CHECK(pages == 4);
    CHECK(p.cap == 7);
    pager_release(&p);
    /* an exact multiple ends on total without an empty page */
    pager_init(&p, 100);
    CHECK(drain(&p, 100, 300, 1, &pages) == 300);
    CHECK(pages == 3);
    CHECK(p.cap == 0);
    pager_release(&p);
    /* no total: goes on until a page comes back empty */
    pager_init(&p, 100);
    CHECK(drain(&p, 7, 23, 0, &pages) == 23);
    CHECK(pages == 5);
    pager_release(&p);
    /* empty list */
    pager_init(&p, 100);
    CHECK(drain(&p, 100, 0, 1, &pages) == 0);
    CHECK(pages == 1);
    pager_release(&p);
}

static void test_pager_refuses_loops(void)
{
    struct pager p;
    struct buf why = BUF_INIT;
    const json_t *items;
    json_t *pg = page(0, 5, 0, 50);

    /* a server that ignores offset sends the first page again */
    pager_init(&p, 100);
    CHECK(pager_feed(&p, pg, NULL, &items, &why) == ERR_OK);
    CHECK(p.offset == 5 && !p.done);
    CHECK(json_object_del(pg, "offset") == 0);
    CHECK(pager_feed(&p, pg, NULL, &items, &why) == ERR_INVALID);
    CHECK(strstr(why.data, "ignores 'offset'") != NULL);
    pager_release(&p);
    json_decref(pg);
    /* or echoes an offset we did not ask for */
    buf_reset(&why);
    pg = page(0, 5, 0, 50);
    pager_init(&p, 100);
    p.offset = 10;
    CHECK(pager_feed(&p, pg, NULL, &items, &why) == ERR_INVALID);
    pager_release(&p);
    json_decref(pg);
    /* no list at all */
    buf_reset(&why);
    pg = json_pack("{s:s}", "version", "7.4");
    pager_init(&p, 100);
    CHECK(pager_feed(&p, pg, NULL, &items, &why) == ERR_INVALID);
    CHECK(pager_feed(&p, pg, "users", &items, &why) == ERR_INVALID);
    pager_release(&p);
    json_decref(pg);
    buf_release(&why);
}

static void test_pager_path(void)
{
    struct pager p;
    struct buf b = BUF_INIT;

    pager_init(&p, 100);
    pager_path(&p, "/api/v1/users.list", &b);
    CHECK_STR(b.data, "/api/v1/users.list?count=100&offset=0");
    p.offset = 200;
    pager_path(&p, "/api/v1/users.list?query=%7B%7D&offset=5&count=30&x=1",
               &b);
    CHECK_STR(b.data,
              "/api/v1/users.list?query=%7B%7D&x=1&count=30&offset=200");
    CHECK(p.count == 30);
    buf_release(&b);
    pager_release(&p);
}

static void test_query_encoding(void)
{
    struct buf b = BUF_INIT;

    buf_adds(&b, "/api/v1/users.info");
    client_query(&b, "username", "a b&c=d/é");
    client_query(&b, "x", "");
    CHECK_STR(b.data, "/api/v1/users.info?username=a%20b%26c%3Dd%2F%C3%A9&x=");
    buf_release(&b);
}

static void test_config_edit_keeps_comments(void)
{
    struct config cfg = CONFIG_INIT;
    struct buf why = BUF_INIT;
    const char *text =
        "# my servers\n"
        "current = prod\n"
        "\n"
        "[profile \"prod\"]\n"
        "\turl = https://chat.example.com   # the big one\n"
        "\ttoken = \"a \\\"quoted\\\" #token\"\n"
        "\tcolor = red\n"
        "[core]\n"
        "\tpager = less\n"
        "[profile \"test\"]\n"
        "\turl = http://localhost:3000\n";
    const char **names;

    CHECK(config_parse(&cfg, "cfg", text, &why) == ERR_OK);
    CHECK_STR(config_get(&cfg, NULL, "current"), "prod");
    CHECK_STR(config_get(&cfg, "prod", "url"), "https://chat.example.com");
    CHECK_STR(config_get(&cfg, "prod", "token"), "a \"quoted\" #token");
    CHECK(config_get(&cfg, NULL, "pager") == NULL);
    CHECK(config_get(&cfg, "prod", "pager") == NULL);
    CHECK(config_profiles(&cfg, &names) == 2);
    CHECK_STR(names[1], "test");
    free(names);

    config_set(&cfg, "prod", "token", "new");
    config_set(&cfg, "test", "user-id", "u1");
    config_set(&cfg, "fresh", "url", "https://x");
    config_set(&cfg, NULL, "current", "fresh");
    CHECK(config_remove_profile(&cfg, "nope") == -1);
    CHECK(config_has_profile(&cfg, "fresh"));
    CHECK_STR(config_get(&cfg, "prod", "token"), "new");
    CHECK_STR(config_get(&cfg, NULL, "current"), "fresh");
    config_text(&cfg, &why);
    CHECK_STR(why.data,
              "# my servers\n"
              "current = fresh\n"
              "\n"
              "[profile \"prod\"]\n"
              "\turl = https://chat.example.com   # the big one\n"
              "\ttoken = new\n"
              "\tcolor = red\n"
              "[core]\n"
              "\tpager = less\n"
              "[profile \"test\"]\n"
              "\turl = http://localhost:3000\n"
              "\tuser-id = u1\n"
              "\n"
              "[profile \"fresh\"]\n"
              "\turl = https://x\n");
    buf_reset(&why);
    CHECK(config_remove_profile(&cfg, "prod") == 0);
    config_set(&cfg, "test", "token", " spaced \"#\" ");
    config_text(&cfg, &why);
    CHECK(strstr(why.data, "[profile \"prod\"]") == NULL);
    CHECK(strstr(why.data, "color") == NULL);
    CHECK(strstr(why.data, "\ttoken = \" spaced \\\"#\\\" \"\n") != NULL);
    config_release(&cfg);
    buf_release(&why);
}

static void test_config_syntax_errors(void)
{
    static const char *const bad[] = {
        "[profile]\n", "[profile \"x\"\n", "just words\n",
        "key = \"unterminated\n", "[profile \"a\"] junk\n", NULL,
    };

    for (size_t i = 0; bad[i]; i++) {
        struct config cfg = CONFIG_INIT;
        struct buf why = BUF_INIT;

        CHECK(config_parse(&cfg, "cfg", bad[i], &why) == ERR_INVALID);
        CHECK(strncmp(why.data, "cfg:1: ", 7) == 0);
        config_release(&cfg);
        buf_release(&why);
    }
}

static void test_url_normalize(void)
{
    struct buf why = BUF_INIT;
    char *u;

    u = config_url_normalize("chat.example.com/", &why);
    CHECK_STR(u, "https://chat.example.com");
    free(u);
    u = config_url_normalize("HTTP://host:3000/chat//", &why);
    CHECK_STR(u, "http://host:3000/chat");
    free(u);
    CHECK(config_url_normalize("ftp://x", &why) == NULL);
    CHECK(config_url_normalize("https://", &why) == NULL);
    CHECK(config_url_normalize("https://x/?q=1", &why) == NULL);
    buf_release(&why);
}

const struct unit_test output_tests[] = {
    { "output csv quotes comma, quote, CR and LF", test_csv_quoting },
    { "output --csv-guard prefixes = + - @", test_csv_guard },
    { "output csv of an empty list still has its header",
      test_csv_empty_list_has_header },
    { "output tsv escapes tab, newline and backslash", test_tsv_escapes },
    { "output renders numbers, bools, JSON; missing is empty",
      test_values_and_paths },
    { "output_lookup follows dotted paths", test_lookup },
    { "output json: object for one item, array for a list",
      test_json_single_and_list },
    { "output ndjson streams whole items", test_ndjson_keeps_everything },
    { "output ids prints _id only", test_ids },
    { "output table aligns by code points", test_table },
    { "output columns default to the first item's keys",
      test_default_columns_from_first_item },
    { "output --list-columns lists dotted paths", test_list_columns },
    { "output format names", test_format_names },
    { "pager pages past a server cap and stops on total",
      test_pager_server_cap },
    { "pager refuses a server that ignores offset", test_pager_refuses_loops },
    { "pager_path replaces count and offset", test_pager_path },
    { "client_query percent-encodes", test_query_encoding },
    { "config edits keep comments and unknown sections",
      test_config_edit_keeps_comments },
    { "config syntax errors name the line", test_config_syntax_errors },
    { "config_url_normalize", test_url_normalize },
    { NULL, NULL },
};
