/* Hashes, ids, secrets, encodings: known vectors and alphabets. */
#include <stdlib.h>
#include <string.h>

#include "../../shared/crypto.h"
#include "unit.h"

static void sha256_hex_matches_known_vector(void)
{
    char hex[SHA256_HEX_LEN + 1];

    sha256_hex("abc", 3, hex);
    CHECK_STR(hex, "ba7816bf8f01cfea414140de5dae2223"
                   "b00361a396177a9cb410ff61f20015ad");
}

static void sha256_b64_is_meteor_token_hash(void)
{
    char b64[SHA256_B64_LEN + 1];

    /* base64(sha256("abc")) */
    sha256_b64("abc", 3, b64);
    CHECK_STR(b64, "ungWv48Bz+pBQUDeXa4iI7ADYaOWF3qctBD/YfIAFa0=");
    CHECK(strlen(b64) == 44);
}

static void random_id_uses_unmistakable_alphabet(void)
{
    static const char alpha[] =
        "23456789ABCDEFGHJKLMNPQRSTWXYZabcdefghijkmnopqrstuvwxyz";
    char a[RANDOM_ID_LEN + 1], b[RANDOM_ID_LEN + 1];

    random_id(a);
    random_id(b);
    CHECK(strlen(a) == 17 && strspn(a, alpha) == 17);
    CHECK(strcmp(a, b) != 0);
}

static void random_secret_is_43_url_safe_chars(void)
{
    char s[RANDOM_SECRET_LEN + 1];

    random_secret(s);
    CHECK(strlen(s) == 43);
    CHECK(strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                    "0123456789-_") == 43);
}

static void secret_equal_compares_length_and_bytes(void)
{
    CHECK(secret_equal("abc", 3, "abc", 3));
    CHECK(!secret_equal("abc", 3, "abd", 3));
    CHECK(!secret_equal("abc", 3, "abcd", 4));
    CHECK(secret_equal("", 0, "", 0));
}

static void base64_round_trips(void)
{
    unsigned char out[16];
    size_t n = sizeof(out);
    char *e = b64_encode("hello!", 6);

    CHECK_STR(e, "aGVsbG8h");
    CHECK(b64_decode(e, strlen(e), out, &n) == 0 && n == 6);
    CHECK(memcmp(out, "hello!", 6) == 0);
    free(e);
    n = sizeof(out);
    CHECK(b64_decode("aGk=", 4, out, &n) == 0 && n == 2 && out[1] == 'i');
    n = sizeof(out);
    CHECK(b64_decode("abc", 3, out, &n) == -1);
}

static void base32_matches_rfc4648(void)
{
    unsigned char out[16];
    size_t n = sizeof(out);
    char *e = b32_encode((const unsigned char *)"foobar", 6);

    CHECK_STR(e, "MZXW6YTBOI");
    CHECK(b32_decode("mzxw6ytboi", out, &n) == 0 && n == 6);
    CHECK(memcmp(out, "foobar", 6) == 0);
    free(e);
    n = sizeof(out);
    CHECK(b32_decode("MZ1!", out, &n) == -1);
}

static void hmac_sha1_matches_rfc2202(void)
{
    unsigned char mac[20];
    static const unsigned char want[20] = {
        0xef, 0xfc, 0xdf, 0x6a, 0xe5, 0xeb, 0x2f, 0xa2, 0xd2, 0x74,
        0x16, 0xd5, 0xf1, 0x84, 0xdf, 0x9c, 0x25, 0x9a, 0x7c, 0x79,
    };

    hmac_sha1("Jefe", 4, "what do ya want for nothing?", 28, mac);
    CHECK(memcmp(mac, want, 20) == 0);
}

const struct unit_test crypto_tests[] = {
    { "sha256_hex matches a known vector", sha256_hex_matches_known_vector },
    { "sha256_b64 is Meteor's token hash", sha256_b64_is_meteor_token_hash },
    { "random_id uses the unmistakable alphabet", random_id_uses_unmistakable_alphabet },
    { "random_secret is 43 URL-safe characters", random_secret_is_43_url_safe_chars },
    { "secret_equal compares length and bytes", secret_equal_compares_length_and_bytes },
    { "base64 round-trips", base64_round_trips },
    { "base32 matches RFC 4648", base32_matches_rfc4648 },
    { "hmac_sha1 matches RFC 2202", hmac_sha1_matches_rfc2202 },
    { NULL, NULL },
};
