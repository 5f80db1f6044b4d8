/* Direct-mapped token-hash -> user cache, invalidated by generation. */
#include "authcache.h"

#include <stdlib.h>
#include <string.h>

#include "../shared/xalloc.h"
#include "store/store.h"

struct entry {
    char hash[48];                  /* base64(sha256(token)); "" when empty */
    uint64_t gen;
    struct user user;               /* owned */
    struct token_info ti;
};

struct authcache {
    size_t mask;
    struct entry *slots;
};

struct authcache *authcache_new(size_t nslots)
{
    struct authcache *c = xcalloc(1, sizeof(*c));
    size_t n = 16;

    while (n < nslots)
        n <<= 1;
    c->mask = n - 1;
    c->slots = xcalloc(n, sizeof(*c->slots));
    return c;
}

void authcache_free(struct authcache *c)
{
    if (!c)
        return;
    for (size_t i = 0; i <= c->mask; i++)
        user_release(&c->slots[i].user);
    free(c->slots);
    free(c);
}

static struct entry *slot_for(struct authcache *c, const char *hash)
{
    size_t h = 5381;

    for (const char *p = hash; *p; p++)
        h = h * 33 + (unsigned char)*p;
    return &c->slots[h & c->mask];
}

const struct user *authcache_get(struct authcache *c, const char *hash,
                                 const char *user_id, uint64_t gen,
                                 struct token_info *ti)
{
    struct entry *e = slot_for(c, hash);

    if (!e->hash[0] || e->gen != gen || strcmp(e->hash, hash) != 0 ||
        strcmp(e->user.id, user_id) != 0)
        return NULL;
    *ti = e->ti;
    return &e->user;
}

const struct user *authcache_put(struct authcache *c, const char *hash,
                                 uint64_t gen, struct user *u,
                                 const struct token_info *ti)
{
    struct entry *e = slot_for(c, hash);
    size_t n = strlen(hash);

    if (n >= sizeof(e->hash))
        BUG("token hash too long");
    user_release(&e->user);
    memcpy(e->hash, hash, n + 1);
    e->gen = gen;
    e->user = *u;
    e->ti = *ti;
    memset(u, 0, sizeof(*u));
    return &e->user;
}
