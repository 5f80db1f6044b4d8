/*
 * Hashes, encodings and randomness over OpenSSL, shaped for Rocket.Chat's
 * conventions: SHA-256 hex for passwords, base64(SHA-256) for stored
 * tokens, 17-character ids and 43-character URL-safe secrets.
 */
#ifndef RCD_SHARED_CRYPTO_H
#define RCD_SHARED_CRYPTO_H

#include <stddef.h>
#include <stdint.h>

#define SHA256_HEX_LEN 64    /* characters, without the NUL */
#define SHA256_B64_LEN 44    /* characters, without the NUL */
#define RANDOM_ID_LEN 17     /* Meteor's Random.id() */
#define RANDOM_SECRET_LEN 43 /* Meteor's Random.secret() */

/* out receives 64 lower-case hex digits and a NUL. */
void sha256_hex(const void *data, size_t len, char out[SHA256_HEX_LEN + 1]);
/* out receives standard base64 (with '=') of the digest and a NUL. */
void sha256_b64(const void *data, size_t len, char out[SHA256_B64_LEN + 1]);
/* Raw 32-byte SHA-256 digest. */
void sha256_raw(const void *data, size_t len, unsigned char out[32]);
/* HMAC-SHA1 (for TOTP); out receives 20 bytes. */
void hmac_sha1(const void *key, size_t keylen, const void *msg, size_t msglen,
               unsigned char out[20]);

/* Fill buf with n bytes from OpenSSL's CSPRNG; aborts if it fails. */
void random_bytes(void *buf, size_t n);
/* 17 characters from 23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz. */
void random_id(char out[RANDOM_ID_LEN + 1]);
/* 43 characters from [A-Za-z0-9_-]. */
void random_secret(char out[RANDOM_SECRET_LEN + 1]);
/* n random characters from alphabet (no modulo bias); out has n+1 bytes. */
void random_string(char *out, size_t n, const char *alphabet);

/* Constant-time equality of two byte strings (lengths compared first). */
int secret_equal(const void *a, size_t alen, const void *b, size_t blen);

/*
 * Base64 (standard alphabet, '=' padding). b64_encode returns a malloc'd
 * NUL-terminated string the caller frees. b64_decode writes at most *outlen
 * bytes, sets *outlen to what it wrote and returns 0, or -1 on bad input.
 */
char *b64_encode(const void *data, size_t len);
int b64_decode(const char *in, size_t inlen, unsigned char *out, size_t *outlen);

/* Base32 (RFC 4648, no padding on output; case-insensitive input). */
char *b32_encode(const unsigned char *data, size_t len);
int b32_decode(const char *in, unsigned char *out, size_t *outlen);

#endif
