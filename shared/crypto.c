/* OpenSSL-backed hashing, encodings and random identifiers. */
#include "crypto.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include "xalloc.h"

static const char unmistakable[] =
    "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
static const char url_safe[] =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

void sha256_raw(const void *data, size_t len, unsigned char out[32])
{
    SHA256(data, len, out);
}

void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1])
{
    static const char hex[] = "0123456789abcdef";
    unsigned char md[32];

    sha256_raw(data, len, md);
    for (size_t i = 0; i < 32; i++) {
        out[2 * i] = hex[md[i] >> 4];
        out[2 * i + 1] = hex[md[i] & 15];
    }
    out[SHA256_HEX_LEN] = '\0';
}

void sha256_b64(const void *data, size_t len, char out[SHA256_B64_LEN + 1])
{
    unsigned char md[32];

    sha256_raw(data, len, md);
    EVP_EncodeBlock((unsigned char *)out, md, 32);
    out[SHA256_B64_LEN] = '\0';
}

void hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
               unsigned char out[20])
{
    unsigned int n = 20;

    if (!HMAC(EVP_sha1(), key, (int)keylen, msg, msglen, out, &n))
        BUG("HMAC-SHA1 failed");
}

void random_bytes(void *buf, size_t n)
{
    if (RAND_bytes(buf, (int)n) != 1)
        BUG("RAND_bytes failed: no entropy");
}

void random_string(char *out, size_t n, const char *alphabet)
{
    size_t k = strlen(alphabet);
    /* reject bytes >= limit so every character is equally likely */
    unsigned limit = 256 - 256 % (unsigned)k;
    unsigned char pool[64];
    size_t used = sizeof(pool), i = 0;

    while (i < n) {
        if (used == sizeof(pool)) {
            random_bytes(pool, sizeof(pool));
            used = 0;
        }
        if (pool[used] < limit)
            out[i++] = alphabet[pool[used] % k];
        used++;
    }
    out[n] = '\0';
}

void random_id(char out[RANDOM_ID_LEN + 1])
{
    random_string(out, RANDOM_ID_LEN, unmistakable);
}

void random_secret(char out[RANDOM_SECRET_LEN + 1])
{
    random_string(out, RANDOM_SECRET_LEN, url_safe);
}

int secret_equal(const void *a, size_t alen, const void *b, size_t blen)
{
    if (alen != blen)
        return 0;
    return CRYPTO_memcmp(a, b, alen) == 0;
}

char *b64_encode(const void *data, size_t len)
{
    char *out = xmalloc(4 * ((len + 2) / 3) + 1);

    EVP_EncodeBlock((unsigned char *)out, data, (int)len);
    return out;
}

int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t *outlen)
{
    size_t pad = 0, need;
    unsigned char *tmp;
    int n;

    if (inlen % 4)
        return -1;
    need = inlen / 4 * 3;
    if (inlen && in[inlen - 1] == '=')
        pad++;
    if (inlen > 1 && in[inlen - 2] == '=')
        pad++;
    if (need - pad > *outlen)
        return -1;
    tmp = xmalloc(need + 1);
    n = EVP_DecodeBlock(tmp, (const unsigned char *)in, (int)inlen);
    if (n < 0 || (size_t)n < pad) {
        free(tmp);
        return -1;
    }
    memcpy(out, tmp, (size_t)n - pad);
    *outlen = (size_t)n - pad;
    free(tmp);
    return 0;
}

char *b32_encode(const unsigned char *data, size_t len)
{
    static const char alpha[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
    char *out = xmalloc(len * 8 / 5 + 2);
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;

    for (size_t i = 0; i < len; i++) {
        acc = (acc << 8) | data[i];
        bits += 8;
        while (bits >= 5) {
            out[o++] = alpha[(acc >> (bits - 5)) & 31];
            bits -= 5;
        }
    }
    if (bits > 0)
        out[o++] = alpha[(acc << (5 - bits)) & 31];
    out[o] = '\0';
    return out;
}

int b32_decode(const char *in, unsigned char *out, size_t *outlen)
{
    size_t o = 0;
    unsigned acc = 0;
    int bits = 0;

    for (; *in; in++) {
        int c = toupper((unsigned char)*in), v;

        if (c == '=' || c == ' ')
            continue;
        if (c >= 'A' && c <= 'Z')
            v = c - 'A';
        else if (c >= '2' && c <= '7')
            v = c - '2' + 26;
        else
            return -1;
        acc = (acc << 5) | (unsigned)v;
        bits += 5;
        if (bits >= 8) {
            if (o >= *outlen)
                return -1;
            out[o++] = (unsigned char)(acc >> (bits - 8));
            bits -= 8;
        }
    }
    *outlen = o;
    return 0;
}
