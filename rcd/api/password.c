/*
 * Password hashes exactly as Rocket.Chat stores them: bcrypt over the
 * lower-case SHA-256 hex of the password, so hashes copied from a
 * Rocket.Chat database keep working. libcrypt (libxcrypt) does the bcrypt.
 */
#include "api.h"

#include <crypt.h>
#include <stdlib.h>
#include <string.h>

#include "../../shared/crypto.h"
#include "../../shared/log.h"

char *password_hash(const char *sha256hex, int cost)
{
    char salt[CRYPT_GENSALT_OUTPUT_SIZE];
    unsigned char rnd[16];
    struct crypt_data *cd = xcalloc(1, sizeof(*cd));
    char *h, *out = NULL;

    random_bytes(rnd, sizeof(rnd));
    /* an explicit "$2b$" prefix: an empty one silently selects DES */
    if (!crypt_gensalt_rn("$2b$", (unsigned long)cost, (const char *)rnd,
                          (int)sizeof(rnd), salt, (int)sizeof(salt)))
        BUG("crypt_gensalt_rn failed for cost %d", cost);
    h = crypt_rn(sha256hex, salt, cd, (int)sizeof(*cd));
    if (!h || h[0] == '*')
        BUG("bcrypt failed");
    out = xstrdup(h);
    explicit_bzero(cd, sizeof(*cd));
    free(cd);
    return out;
}

int password_check(const char *sha256hex, const char *stored)
{
    struct crypt_data *cd;
    const char *h;
    int ok = 0;

    /* an empty hash or libcrypt's failure token never verifies */
    if (!stored || !*stored || stored[0] == '*')
        return 0;
    cd = xcalloc(1, sizeof(*cd));
    h = crypt_rn(sha256hex, stored, cd, (int)sizeof(*cd));
    if (h && h[0] != '*')
        ok = secret_equal(h, strlen(h), stored, strlen(stored));
    explicit_bzero(cd, sizeof(*cd));
    free(cd);
    return ok;
}
