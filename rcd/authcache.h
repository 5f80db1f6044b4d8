/*
 * A small direct-mapped cache from a token hash to the authenticated user,
 * so an authenticated read costs no SQL. Entries are valid only while the
 * store's auth generation is unchanged: any write to users, tokens or role
 * grants (see store_auth_generation) makes every entry stale at once.
 */
#ifndef RCD_AUTHCACHE_H
#define RCD_AUTHCACHE_H

#include <stddef.h>
#include <stdint.h>

struct authcache;
struct token_info;
struct user;

struct authcache *authcache_new(size_t nslots);
void authcache_free(struct authcache *c);

/*
 * The cached user for this token hash and user id at generation gen, or
 * NULL. The user (and *ti) stay valid until the next authcache_put.
 */
const struct user *authcache_get(struct authcache *c, const char *hash,
                                 const char *user_id, uint64_t gen,
                                 struct token_info *ti);
/*
 * Cache u for hash at generation gen, taking over u's strings (*u is
 * zeroed). Returns the cached copy.
 */
const struct user *authcache_put(struct authcache *c, const char *hash,
                                 uint64_t gen, struct user *u,
                                 const struct token_info *ti);

#endif
