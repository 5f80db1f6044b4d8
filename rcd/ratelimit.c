/* Bounded fixed-window rate-limit counters. */
#include "ratelimit.h"

#include <stdlib.h>
#include <string.h>

#include "../shared/xalloc.h"

#define PROBE 16                    /* slots looked at per key */
#define KEY_MAX 128                 /* longer keys are cut (hash keeps them apart) */

struct slot {
    uint64_t hash;                  /* 0: empty */
    int64_t reset_ms;               /* end of the current window */
    int64_t count;                  /* calls in the window */
    char key[KEY_MAX];
};

struct ratelimit {
    size_t mask;
    struct slot *slots;
};

static uint64_t hash_key(const char *s)
{
    uint64_t h = 1469598103934665603ULL;   /* FNV-1a */

    for (; *s; s++) {
        h ^= (unsigned char)*s;
        h *= 1099511628211ULL;
    }
    return h ? h : 1;
}

struct ratelimit *ratelimit_new(size_t nslots)
{
    struct ratelimit *rl = xcalloc(1, sizeof(*rl));
    size_t n = 64;

    while (n < nslots)
        n <<= 1;
    rl->mask = n - 1;
    rl->slots = xcalloc(n, sizeof(*rl->slots));
    return rl;
}

void ratelimit_free(struct ratelimit *rl)
{
    if (!rl)
        return;
    free(rl->slots);
    free(rl);
}

int ratelimit_hit(struct ratelimit *rl, const char *key, int64_t now,
                  int64_t limit, int64_t window_ms, int64_t *remaining,
                  int64_t *reset_ms)
{
    uint64_t h = hash_key(key);
    struct slot *use = NULL, *empty = NULL, *oldest = NULL;
    size_t len = strnlen(key, KEY_MAX - 1);

    /* slots are never emptied, so the whole window is searched for key */
    for (size_t i = 0; i < PROBE && !use; i++) {
        struct slot *s = &rl->slots[(h + i) & rl->mask];

        if (s->hash == 0) {
            if (!empty)
                empty = s;
        } else if (s->hash == h && strncmp(s->key, key, KEY_MAX - 1) == 0) {
            use = s;
        } else if (!oldest || s->reset_ms < oldest->reset_ms) {
            oldest = s;
        }
    }
    if (!use) {
        use = empty ? empty : oldest;
        use->hash = h;
        use->count = 0;
        use->reset_ms = 0;
        memcpy(use->key, key, len);
        use->key[len] = '\0';
    }
    if (use->reset_ms <= now) {
        use->count = 0;
        use->reset_ms = now + window_ms;
    }
    *reset_ms = use->reset_ms;
    if (use->count >= limit) {
        *remaining = 0;
        return 0;
    }
    use->count++;
    *remaining = limit - use->count;
    return 1;
}
