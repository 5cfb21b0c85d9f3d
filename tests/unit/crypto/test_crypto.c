// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * test_crypto.c - certificates (cert.c) and module signatures (pkcs7.c). Keys,
 * certificates and signatures are made here with OpenSSL, the signatures the
 * way the kernel's sign-file makes them: CMS_sign(CMS_BINARY | CMS_DETACHED |
 * CMS_NOCERTS | CMS_NOATTR), optionally CMS_USE_KEYID.
 */
#include "unit.h"

#include <openssl/cms.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "crypto/cert.h"
#include "crypto/pkcs7.h"

#include "certfix.h"

#define SIGN_FILE_FLAGS (CMS_BINARY | CMS_DETACHED | CMS_NOCERTS | CMS_NOATTR)

struct blob {
	uint8_t *p;
	size_t n;
};

struct ident {
	EVP_PKEY *key;
	X509 *x509;
	struct blob der;
	struct blob pem;
	struct kd_cert *cert;	/* parsed by cert.c */
};

static struct ident A;		/* the module signing key */
static struct ident B;		/* another key, another name */
static struct ident impostor;	/* A's issuer and serial, B's key */
static struct ident ec;		/* an ECDSA P-256 signer */
static struct ident nul_cn;	/* CN with a NUL byte in it */

static const uint8_t module_body[] =
	"\x7f" "ELF pretend this is a whole kernel module, every byte of which is signed";

/* ---- making things with OpenSSL ---- */

static struct blob blob_of(uint8_t *p, int n)
{
	struct blob b;

	assert_true(n > 0);
	b.p = malloc((size_t)n);
	assert_non_null(b.p);
	memcpy(b.p, p, (size_t)n);
	b.n = (size_t)n;
	OPENSSL_free(p);
	return b;
}

static void make_ident(struct ident *id, EVP_PKEY *key, const char *org, const char *cn,
		       size_t cn_len, uint64_t serial, bool with_skid)
{
	struct cert_spec spec = { .org = org, .cn = cn, .cn_len = cn_len, .serial = serial,
				  .to_days = 365, .skid = with_skid };
	X509 *x = fx_cert(key, &spec);
	uint8_t *der = NULL;
	BIO *bio;
	char *pem;
	long pem_len;

	id->key = key;
	EVP_PKEY_up_ref(key);
	id->x509 = x;
	id->der = blob_of(der, i2d_X509(x, &der));

	bio = BIO_new(BIO_s_mem());
	assert_non_null(bio);
	assert_true(PEM_write_bio_X509(bio, x));
	pem_len = BIO_get_mem_data(bio, &pem);
	id->pem.p = malloc((size_t)pem_len);
	assert_non_null(id->pem.p);
	memcpy(id->pem.p, pem, (size_t)pem_len);
	id->pem.n = (size_t)pem_len;
	BIO_free(bio);

	id->cert = cert_from_der(id->der.p, id->der.n, NULL);
	assert_non_null(id->cert);
}

static void free_ident(struct ident *id)
{
	EVP_PKEY_free(id->key);
	X509_free(id->x509);
	free(id->der.p);
	free(id->pem.p);
	cert_free(id->cert);
	memset(id, 0, sizeof(*id));
}

/* A detached signature of content, as DER. */
static struct blob sign_with(const struct ident *id, const uint8_t *content, size_t len, int flags,
			     const EVP_MD *md)
{
	BIO *in = BIO_new_mem_buf(content, (int)len);
	CMS_ContentInfo *cms;
	uint8_t *der = NULL;
	struct blob b;

	assert_non_null(in);
	if (md) {
		cms = CMS_sign(NULL, NULL, NULL, NULL, flags | CMS_PARTIAL);
		assert_non_null(cms);
		assert_non_null(CMS_add1_signer(cms, id->x509, id->key, md, flags));
		assert_true(CMS_final(cms, in, NULL, flags));
	} else {
		cms = CMS_sign(id->x509, id->key, NULL, in, flags);
	}
	assert_non_null(cms);
	b = blob_of(der, i2d_CMS_ContentInfo(cms, &der));
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	return b;
}

static struct blob sign_module(const struct ident *id, int extra_flags)
{
	return sign_with(id, module_body, sizeof(module_body) - 1, SIGN_FILE_FLAGS | extra_flags, NULL);
}

static char *hex(const uint8_t *p, size_t n)
{
	char *s = malloc(2 * n + 1);

	assert_non_null(s);
	for (size_t i = 0; i < n; i++)
		sprintf(s + 2 * i, "%02x", p[i]);
	return s;
}

static char *sha256_of(const uint8_t *p, size_t n)
{
	uint8_t md[32];

	assert_true(EVP_Digest(p, n, md, NULL, EVP_sha256(), NULL));
	return hex(md, sizeof(md));
}

static int group_setup(void **state)
{
	EVP_PKEY *ka, *kb, *ke;

	UNIT_UNUSED(state);
	crypto_init();
	/* RSA key generation is slow under valgrind: one realistic key, one small one */
	ka = EVP_RSA_gen(2048);
	kb = EVP_RSA_gen(1024);
	ke = EVP_EC_gen("P-256");
	if (!ka || !kb || !ke)
		return -1;
	make_ident(&A, ka, "kdetect test", "Module signing key A", 20, 0x1234abcdu, true);
	make_ident(&B, kb, "kdetect test", "Module signing key B", 20, 0x42u, true);
	make_ident(&impostor, kb, "kdetect test", "Module signing key A", 20, 0x1234abcdu, true);
	make_ident(&ec, ke, "kdetect test", "ECDSA key", 9, 0xecu, true);
	make_ident(&nul_cn, kb, "kdetect test", "Kaspersky Lab\0.attacker.example", 31, 7, false);
	EVP_PKEY_free(ka);
	EVP_PKEY_free(kb);
	EVP_PKEY_free(ke);
	return 0;
}

static int group_teardown(void **state)
{
	UNIT_UNUSED(state);
	free_ident(&A);
	free_ident(&B);
	free_ident(&impostor);
	free_ident(&ec);
	free_ident(&nul_cn);
	return 0;
}

/* ---- certificates ---- */

static void test_cert_info(void **state)
{
	const struct cert_info *i = cert_get_info(A.cert);
	const ASN1_OCTET_STRING *skid = X509_get0_subject_key_id(A.x509);
	uint8_t *spki = NULL;
	int spki_len;
	char *want;

	UNIT_UNUSED(state);
	assert_string_equal(i->subject, "O=kdetect test, CN=Module signing key A");
	assert_string_equal(i->issuer, i->subject);
	assert_string_equal(kv_get(&i->subject_attrs, "CN"), "Module signing key A");
	assert_string_equal(kv_get(&i->subject_attrs, "O"), "kdetect test");
	assert_string_equal(kv_get(&i->issuer_attrs, "CN"), "Module signing key A");
	assert_string_equal(i->serial, "1234abcd");
	assert_non_null(skid);
	want = hex(ASN1_STRING_get0_data(skid), (size_t)ASN1_STRING_length(skid));
	assert_non_null(i->skid);
	assert_string_equal(i->skid, want);
	free(want);
	want = sha256_of(A.der.p, A.der.n);
	assert_string_equal(i->sha256, want);
	free(want);
	spki_len = i2d_PUBKEY(A.key, &spki);
	want = sha256_of(spki, (size_t)spki_len);
	assert_string_equal(i->pubkey_sha256, want);
	free(want);
	OPENSSL_free(spki);
	assert_non_null(strstr(i->key_type, "2048"));
	assert_int_equal(strlen(i->not_before), 20);
	assert_int_equal(i->not_before[10], 'T');
	assert_int_equal(i->not_before[19], 'Z');
	assert_true(strcmp(i->not_before, i->not_after) < 0);

	/* EC keys and certificates without a SKID */
	i = cert_get_info(ec.cert);
	assert_non_null(strstr(i->key_type, "256"));
	assert_string_equal(i->serial, "ec");
	assert_null(cert_get_info(nul_cn.cert)->skid);

	/* same key, different certificate */
	assert_string_equal(cert_get_info(impostor.cert)->pubkey_sha256,
			    cert_get_info(B.cert)->pubkey_sha256);
	assert_string_not_equal(cert_get_info(impostor.cert)->sha256, cert_get_info(A.cert)->sha256);
}

/* cert.h promises key types like "rsa4096": algorithm and size, short. */
static void test_cert_key_type(void **state)
{
	UNIT_UNUSED(state);
	assert_string_equal(cert_get_info(A.cert)->key_type, "rsa2048");
}

static void test_cert_from_der_lengths(void **state)
{
	size_t used = 0;
	struct kd_cert *c;
	uint8_t *buf = malloc(A.der.n + 100);

	UNIT_UNUSED(state);
	assert_non_null(buf);
	c = cert_from_der(A.der.p, A.der.n, &used);
	assert_non_null(c);
	assert_int_equal(used, A.der.n);
	assert_true(cert_equal(c, A.cert));
	cert_free(c);

	/* trailing bytes are not part of the certificate */
	memcpy(buf, A.der.p, A.der.n);
	memset(buf + A.der.n, 0x30, 100);
	c = cert_from_der(buf, A.der.n + 100, &used);
	assert_non_null(c);
	assert_int_equal(used, A.der.n);
	cert_free(c);
	free(buf);

	/* every truncation is refused */
	for (size_t len = 0; len < A.der.n; len++) {
		uint8_t *cut = malloc(len ? len : 1);

		assert_non_null(cut);
		memcpy(cut, A.der.p, len);
		c = cert_from_der(cut, len, &used);
		if (c) {
			cert_free(c);
			fail_msg("certificate cut to %zu of %zu bytes parsed", len, A.der.n);
		}
		free(cut);
	}
	assert_int_equal(ERR_peek_error(), 0);	/* no stale OpenSSL errors left behind */
}

static void test_cert_garbage(void **state)
{
	uint8_t junk[2048];
	size_t used;

	UNIT_UNUSED(state);
	for (uint64_t seed = 1; seed < 200; seed++) {
		struct kd_cert *c;

		unit_fill_random(junk, sizeof(junk), seed);
		if (seed & 1) {
			junk[0] = 0x30;
			junk[1] = 0x82;
			junk[2] = 0x03;
			junk[4] = 0x30;
		}
		c = cert_from_der(junk, sizeof(junk), &used);
		assert_null(c);
	}
	memset(junk, 0, sizeof(junk));
	assert_null(cert_from_der(junk, sizeof(junk), &used));
	/* a header claiming 64 KiB + more than the cap */
	{
		size_t n = 80000;
		uint8_t *big = calloc(1, n);

		assert_non_null(big);
		big[0] = 0x30;
		big[1] = 0x83;
		big[2] = 0x01;
		big[3] = 0x11;
		big[4] = 0x70;
		assert_null(cert_from_der(big, n, &used));
		free(big);
	}
}

static void test_der_cert_candidate(void **state)
{
	size_t total = 0;
	uint8_t hdr[300];

	UNIT_UNUSED(state);
	assert_true(der_cert_candidate(A.der.p, A.der.n, &total));
	assert_int_equal(total, A.der.n);
	total = 99;
	assert_false(der_cert_candidate(A.der.p, A.der.n - 1, &total));	/* longer than what is there */
	assert_int_equal(total, 99);
	assert_false(der_cert_candidate(A.der.p, 4, &total));
	assert_false(der_cert_candidate(A.der.p, 0, &total));

	memset(hdr, 0, sizeof(hdr));
	hdr[0] = 0x30;
	hdr[1] = 0x82;
	hdr[2] = 0x00;
	hdr[3] = 0x7b;		/* 4 + 123 = 127: below the plausible minimum */
	hdr[4] = 0x30;
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
	hdr[3] = 0x7c;		/* 128 */
	assert_true(der_cert_candidate(hdr, sizeof(hdr), &total));
	assert_int_equal(total, 128);
	hdr[4] = 0x31;		/* inner element not a SEQUENCE */
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
	hdr[4] = 0x30;
	hdr[1] = 0x81;		/* short-form lengths are too small for a certificate */
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
	hdr[1] = 0x83;
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
	hdr[1] = 0x82;
	hdr[0] = 0x31;
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
	/* the largest length the header can state, in a buffer that is too small */
	hdr[0] = 0x30;
	hdr[2] = 0xff;
	hdr[3] = 0xff;
	assert_false(der_cert_candidate(hdr, sizeof(hdr), &total));
}

static void test_certs_from_bytes(void **state)
{
	struct kd_cert **v = NULL;
	const char *reason = NULL;
	int n;

	UNIT_UNUSED(state);
	/* DER */
	n = certs_from_bytes(A.der.p, A.der.n, &v, &reason);
	assert_int_equal(n, 1);
	assert_true(cert_equal(v[0], A.cert));
	cert_free(v[0]);
	free(v);

	/* PEM with several certificates, text around and between them, CRLF line ends */
	{
		struct strbuf sb;

		sb_init(&sb);
		sb_puts(&sb, "Bag Attributes\r\n    friendlyName: test\r\n");
		for (size_t i = 0; i < A.pem.n; i++) {
			if (A.pem.p[i] == '\n')
				sb_putc(&sb, '\r');
			sb_putc(&sb, (char)A.pem.p[i]);
		}
		sb_puts(&sb, "some text between\n");
		sb_putn(&sb, (const char *)B.pem.p, B.pem.n);
		sb_putn(&sb, (const char *)ec.pem.p, ec.pem.n);
		sb_puts(&sb, "trailing junk");
		n = certs_from_bytes((const uint8_t *)sb.s, sb.len, &v, &reason);
		assert_int_equal(n, 3);
		assert_true(cert_equal(v[0], A.cert));
		assert_true(cert_equal(v[1], B.cert));
		assert_true(cert_equal(v[2], ec.cert));
		for (int i = 0; i < n; i++)
			cert_free(v[i]);
		free(v);
		sb_free(&sb);
	}

	/* garbage, in every shape */
	{
		static const char *const bad[] = {
			"hello world",
			"-----BEGIN CERTIFICATE-----\nnot base64 at all!!\n-----END CERTIFICATE-----\n",
			"-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n",
			"-----BEGIN CERTIFICATE-----\n",
			"0garbage that starts like DER",
		};

		for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
			v = (struct kd_cert **)&reason;	/* must be reset */
			reason = NULL;
			assert_int_equal(certs_from_bytes((const uint8_t *)bad[i], strlen(bad[i]), &v, &reason),
					 -1);
			assert_non_null(reason);
			assert_null(v);
		}
	}
	reason = NULL;
	assert_int_equal(certs_from_bytes(A.der.p, 0, &v, &reason), -1);
	assert_non_null(reason);
	/* truncated DER */
	assert_int_equal(certs_from_bytes(A.der.p, A.der.n / 2, &v, &reason), -1);
	/* truncated PEM */
	assert_int_equal(certs_from_bytes(A.pem.p, A.pem.n / 2, &v, &reason), -1);
	/* larger than any certificate file */
	{
		size_t big = (16u << 20) + 1;
		uint8_t *p = calloc(1, big);

		assert_non_null(p);
		memcpy(p, A.pem.p, A.pem.n);
		assert_int_equal(certs_from_bytes(p, big, &v, &reason), -1);
		free(p);
	}
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_cert_equal(void **state)
{
	struct kd_cert *again = cert_from_der(A.der.p, A.der.n, NULL);

	UNIT_UNUSED(state);
	assert_non_null(again);
	assert_true(cert_equal(again, A.cert));
	assert_false(cert_equal(A.cert, B.cert));
	assert_false(cert_equal(A.cert, impostor.cert));	/* same name and serial, other key */
	cert_free(again);
	cert_free(NULL);
}

/*
 * A CN with a NUL byte: "Kaspersky Lab\0.attacker.example" must not be
 * reported as "Kaspersky Lab" (the null-prefix certificate trick).
 */
static void test_cert_name_with_nul(void **state)
{
	const struct cert_info *i = cert_get_info(nul_cn.cert);
	const char *cn = kv_get(&i->subject_attrs, "CN");

	UNIT_UNUSED(state);
	assert_non_null(cn);
	if (strcmp(cn, "Kaspersky Lab") == 0)
		fail_msg("CN \"Kaspersky Lab\\0.attacker.example\" is reported as \"%s\"", cn);
	if (strcmp(i->subject, "O=kdetect test, CN=Kaspersky Lab") == 0)
		fail_msg("subject truncated at the NUL: \"%s\"", i->subject);
}

/* ---- PKCS#7 ---- */

static void test_pkcs7_parse(void **state)
{
	struct blob sig = sign_module(&A, 0);
	struct kd_pkcs7 *p7 = NULL;
	struct sig_signer s;
	char *reason = NULL;

	UNIT_UNUSED(state);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_non_null(p7);
	assert_null(reason);
	assert_string_equal(s.issuer, "O=kdetect test, CN=Module signing key A");
	assert_string_equal(kv_get(&s.issuer_attrs, "CN"), "Module signing key A");
	assert_string_equal(s.serial, "1234abcd");
	assert_null(s.skid);
	assert_string_equal(s.hash_algo, "sha256");
	assert_string_equal(s.pkey_algo, "rsaEncryption");
	assert_int_equal(s.signer_count, 1);
	assert_int_equal(s.embedded_certs, 0);
	assert_false(s.has_signed_attrs);

	assert_true(pkcs7_signer_is(p7, A.cert));
	assert_false(pkcs7_signer_is(p7, B.cert));
	assert_false(pkcs7_signer_is(p7, ec.cert));
	/* the signer is named by issuer and serial: a certificate with both matches */
	assert_true(pkcs7_signer_is(p7, impostor.cert));

	pkcs7_free(p7);
	sig_signer_free(&s);
	assert_null(s.issuer);
	free(sig.p);
	pkcs7_free(NULL);
}

static void test_pkcs7_verify(void **state)
{
	struct blob sig = sign_module(&A, 0);
	size_t n = sizeof(module_body) - 1;
	uint8_t *body = malloc(n + 1);
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;

	UNIT_UNUSED(state);
	assert_non_null(body);
	memcpy(body, module_body, n);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);

	assert_int_equal(pkcs7_verify(p7, A.cert, body, n, &reason), VERIFY_OK);
	assert_null(reason);

	/* one flipped byte, anywhere */
	for (size_t i = 0; i < n; i += 7) {
		body[i] ^= 0x01;
		assert_int_equal(pkcs7_verify(p7, A.cert, body, n, &reason), VERIFY_BAD);
		assert_non_null(reason);
		free(reason);
		body[i] ^= 0x01;
	}
	/* one byte missing, one byte more, nothing at all */
	assert_int_equal(pkcs7_verify(p7, A.cert, body, n - 1, &reason), VERIFY_BAD);
	free(reason);
	body[n] = 0;
	assert_int_equal(pkcs7_verify(p7, A.cert, body, n + 1, &reason), VERIFY_BAD);
	free(reason);
	assert_int_equal(pkcs7_verify(p7, A.cert, body, 0, &reason), VERIFY_BAD);
	free(reason);

	/* the right name and serial on the wrong key: the math fails */
	assert_int_equal(pkcs7_verify(p7, impostor.cert, body, n, &reason), VERIFY_BAD);
	assert_non_null(reason);
	free(reason);
	/* a certificate that is not the signer's: never OK */
	assert_int_not_equal(pkcs7_verify(p7, B.cert, body, n, &reason), VERIFY_OK);
	assert_non_null(reason);
	free(reason);
	assert_int_not_equal(pkcs7_verify(p7, ec.cert, body, n, &reason), VERIFY_OK);
	free(reason);
	/* still fine afterwards: no state left behind */
	assert_int_equal(pkcs7_verify(p7, A.cert, body, n, &reason), VERIFY_OK);

	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
	free(body);
	assert_int_equal(ERR_peek_error(), 0);
}

/* sign-file -k: the signer is named by subject key identifier. */
static void test_pkcs7_keyid(void **state)
{
	struct blob sig = sign_module(&A, CMS_USE_KEYID);
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;

	UNIT_UNUSED(state);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_non_null(s.skid);
	assert_string_equal(s.skid, cert_get_info(A.cert)->skid);
	assert_null(s.issuer);
	assert_null(s.serial);
	assert_true(pkcs7_signer_is(p7, A.cert));
	assert_false(pkcs7_signer_is(p7, B.cert));
	assert_false(pkcs7_signer_is(p7, impostor.cert));	/* its SKID is B's key's */
	assert_int_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_OK);
	assert_int_not_equal(pkcs7_verify(p7, B.cert, module_body, sizeof(module_body) - 1, &reason),
			     VERIFY_OK);
	free(reason);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
}

/* Signatures that do not follow the kernel's profile are still described correctly. */
static void test_pkcs7_profiles(void **state)
{
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;
	struct blob sig;

	UNIT_UNUSED(state);
	/*
	 * With signed attributes the signature covers the attributes, not the
	 * content digest: the kernel refuses such module signatures, and so the
	 * digest-only check never says OK.
	 */
	sig = sign_with(&A, module_body, sizeof(module_body) - 1,
			CMS_BINARY | CMS_DETACHED | CMS_NOCERTS, NULL);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_true(s.has_signed_attrs);
	assert_int_not_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
			     VERIFY_OK);
	free(reason);
	assert_int_not_equal(pkcs7_verify(p7, A.cert, module_body, 10, &reason), VERIFY_OK);
	free(reason);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);

	/* with the signer's certificate embedded */
	sig = sign_with(&A, module_body, sizeof(module_body) - 1,
			CMS_BINARY | CMS_DETACHED | CMS_NOATTR, NULL);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_int_equal(s.embedded_certs, 1);
	/* verification is pinned to the certificate given, never the embedded one */
	assert_int_not_equal(pkcs7_verify(p7, B.cert, module_body, sizeof(module_body) - 1, &reason),
			     VERIFY_OK);
	free(reason);
	assert_int_equal(pkcs7_verify(p7, impostor.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_BAD);
	free(reason);
	assert_int_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_OK);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);

	/* SHA-512, and ECDSA */
	sig = sign_with(&A, module_body, sizeof(module_body) - 1, SIGN_FILE_FLAGS, EVP_sha512());
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_string_equal(s.hash_algo, "sha512");
	assert_int_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_OK);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);

	sig = sign_module(&ec, 0);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_string_equal(s.serial, "ec");
	assert_true(pkcs7_signer_is(p7, ec.cert));
	assert_int_equal(pkcs7_verify(p7, ec.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_OK);
	assert_int_equal(pkcs7_verify(p7, ec.cert, module_body, 5, &reason), VERIFY_BAD);
	free(reason);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
}

/* The streaming digest modfiles.c uses: pieces, the one-shot digest and the check agree. */
static void test_pkcs7_digest_api(void **state)
{
	struct blob sig = sign_module(&A, 0);
	size_t n = sizeof(module_body) - 1;
	uint8_t md1[PKCS7_MAX_MD], md2[PKCS7_MAX_MD];
	unsigned int len1 = 0, len2 = 0;
	struct kd_pkcs7 *p7;
	struct kd_digest *d;
	struct sig_signer s;
	char *reason = NULL;

	UNIT_UNUSED(state);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_int_equal(pkcs7_digest(p7, module_body, n, md1, &len1, &reason), 0);
	assert_int_equal(len1, 32);
	d = pkcs7_digest_begin(p7, &reason);
	assert_non_null(d);
	for (size_t off = 0; off < n; off += 5)
		kd_digest_update(d, module_body + off, n - off < 5 ? n - off : 5);
	kd_digest_update(d, "", 0);
	assert_int_equal(kd_digest_end(d, md2, &len2), 0);
	assert_int_equal(len2, len1);
	assert_memory_equal(md1, md2, len1);
	assert_int_equal(pkcs7_verify_digest(p7, A.cert, md1, len1, &reason), VERIFY_OK);

	/* a digest that is one bit off, or of the wrong length, is not OK */
	md1[0] ^= 1;
	assert_int_equal(pkcs7_verify_digest(p7, A.cert, md1, len1, &reason), VERIFY_BAD);
	free(reason);
	md1[0] ^= 1;
	assert_int_not_equal(pkcs7_verify_digest(p7, A.cert, md1, len1 - 1, &reason), VERIFY_OK);
	free(reason);
	assert_int_not_equal(pkcs7_verify_digest(p7, A.cert, md1, 0, &reason), VERIFY_OK);
	free(reason);
	assert_int_equal(kd_digest_end(NULL, md2, &len2), -1);

	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
	ERR_clear_error();
}

/* A digest algorithm OpenSSL does not know is "cannot check", not a crash or a pass. */
static void test_pkcs7_unknown_digest(void **state)
{
	static const uint8_t sha256_oid[] = { 0x06, 0x09, 0x60, 0x86, 0x48, 0x01, 0x65, 0x03, 0x04,
					      0x02, 0x01 };
	struct blob sig = sign_module(&A, 0);
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;
	int patched = 0;

	UNIT_UNUSED(state);
	for (size_t i = 0; i + sizeof(sha256_oid) <= sig.n; i++) {
		if (memcmp(sig.p + i, sha256_oid, sizeof(sha256_oid)) == 0) {
			sig.p[i + sizeof(sha256_oid) - 1] = 0x7f;	/* 2.16.840.1.101.3.4.2.127 */
			patched++;
		}
	}
	assert_true(patched >= 2);	/* digestAlgorithms and the SignerInfo */
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_null(pkcs7_digest_begin(p7, &reason));
	assert_non_null(reason);
	free(reason);
	reason = NULL;
	assert_int_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
			 VERIFY_ERROR);
	free(reason);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
	ERR_clear_error();
}

/*
 * The check is bound to the signer the signature names: a certificate that
 * holds the right key under another name (issuer, serial) is not the signer's,
 * and the kernel, which looks keys up by that name, would not use it.
 */
static void test_pkcs7_verify_needs_signer_id(void **state)
{
	struct blob sig = sign_module(&B, 0);	/* names B: "key B", serial 0x42 */
	size_t n = sizeof(module_body) - 1;
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;
	uint8_t md[PKCS7_MAX_MD];
	unsigned int mdlen;
	enum verify_result by_digest, by_content;

	UNIT_UNUSED(state);
	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_int_equal(pkcs7_verify(p7, B.cert, module_body, n, &reason), VERIFY_OK);
	assert_false(pkcs7_signer_is(p7, impostor.cert));	/* B's key, A's name */
	assert_int_equal(pkcs7_digest(p7, module_body, n, md, &mdlen, &reason), 0);
	by_digest = pkcs7_verify_digest(p7, impostor.cert, md, mdlen, &reason);
	free(reason);
	reason = NULL;
	by_content = pkcs7_verify(p7, impostor.cert, module_body, n, &reason);
	free(reason);
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
	ERR_clear_error();
	if (by_digest == VERIFY_OK)
		fail_msg("pkcs7_verify_digest accepted a certificate that is not the named signer");
	if (by_content == VERIFY_OK)
		fail_msg("pkcs7_verify accepted a certificate that is not the named signer");
}

/* Two signers: both counted, the first one is the signer. */
static void test_pkcs7_two_signers(void **state)
{
	BIO *in = BIO_new_mem_buf(module_body, sizeof(module_body) - 1);
	CMS_ContentInfo *cms = CMS_sign(NULL, NULL, NULL, NULL, SIGN_FILE_FLAGS | CMS_PARTIAL);
	uint8_t *der = NULL;
	struct blob sig;
	struct kd_pkcs7 *p7;
	struct sig_signer s;
	char *reason = NULL;

	UNIT_UNUSED(state);
	assert_non_null(cms);
	assert_non_null(CMS_add1_signer(cms, B.x509, B.key, EVP_sha256(), SIGN_FILE_FLAGS));
	assert_non_null(CMS_add1_signer(cms, A.x509, A.key, EVP_sha256(), SIGN_FILE_FLAGS));
	assert_true(CMS_final(cms, in, NULL, SIGN_FILE_FLAGS));
	sig = blob_of(der, i2d_CMS_ContentInfo(cms, &der));
	CMS_ContentInfo_free(cms);
	BIO_free(in);

	assert_int_equal(pkcs7_parse(sig.p, sig.n, &p7, &s, &reason), 0);
	assert_int_equal(s.signer_count, 2);
	assert_string_equal(s.serial, "42");
	assert_true(pkcs7_signer_is(p7, B.cert));
	assert_false(pkcs7_signer_is(p7, A.cert));
	pkcs7_free(p7);
	sig_signer_free(&s);
	free(sig.p);
}

static void expect_parse_fails(const uint8_t *p, size_t n, const char *what)
{
	struct kd_pkcs7 *p7 = (struct kd_pkcs7 *)&p7;
	struct sig_signer s;
	char *reason = NULL;

	if (pkcs7_parse(p, n, &p7, &s, &reason) == 0) {
		pkcs7_free(p7);
		sig_signer_free(&s);
		fail_msg("%s: parsed", what);
	}
	assert_null(p7);
	assert_non_null(reason);
	assert_null(s.issuer);
	free(reason);
}

static void test_pkcs7_garbage(void **state)
{
	struct blob sig = sign_module(&A, 0);
	uint8_t junk[1024];

	UNIT_UNUSED(state);
	expect_parse_fails(junk, 0, "empty");
	for (uint64_t seed = 1; seed < 100; seed++) {
		unit_fill_random(junk, sizeof(junk), seed);
		junk[0] = 0x30;
		junk[1] = 0x82;
		expect_parse_fails(junk, sizeof(junk), "random bytes");
	}
	memset(junk, 0, sizeof(junk));
	expect_parse_fails(junk, sizeof(junk), "zeros");
	/* the outer length says more than there is */
	{
		uint8_t *p = malloc(sig.n);

		assert_non_null(p);
		memcpy(p, sig.p, sig.n);
		assert_int_equal(p[1] & 0x80, 0x80);
		p[2] = 0xff;
		expect_parse_fails(p, sig.n, "outer length too long");
		free(p);
	}
	/* a certificate is not a signature */
	expect_parse_fails(A.der.p, A.der.n, "a certificate");
	/* larger than any module signature */
	{
		size_t big = (1u << 20) + 1;
		uint8_t *p = calloc(1, big);

		assert_non_null(p);
		memcpy(p, sig.p, sig.n);
		expect_parse_fails(p, big, "over 1 MiB");
		free(p);
	}
	free(sig.p);
	assert_int_equal(ERR_peek_error(), 0);
}

static void test_pkcs7_truncated(void **state)
{
	struct blob sig = sign_module(&A, 0);

	UNIT_UNUSED(state);
	for (size_t len = 0; len < sig.n; len++) {
		uint8_t *cut = malloc(len ? len : 1);
		char what[64];

		assert_non_null(cut);
		memcpy(cut, sig.p, len);
		snprintf(what, sizeof(what), "cut to %zu of %zu", len, sig.n);
		expect_parse_fails(cut, len, what);
		free(cut);
	}
	free(sig.p);
}

static void test_pkcs7_trailing_bytes(void **state)
{
	struct blob sig = sign_module(&A, 0);
	uint8_t *p = malloc(sig.n + 16);

	UNIT_UNUSED(state);
	assert_non_null(p);
	memcpy(p, sig.p, sig.n);
	memset(p + sig.n, 0, 16);
	expect_parse_fails(p, sig.n + 1, "one zero byte after the DER");
	expect_parse_fails(p, sig.n + 16, "zero bytes after the DER");
	memcpy(p + sig.n, "\x30\x00", 2);
	expect_parse_fails(p, sig.n + 2, "an empty SEQUENCE after the DER");
	free(p);
	free(sig.p);
}

static void test_pkcs7_not_signed_data(void **state)
{
	BIO *in = BIO_new_mem_buf("data", 4);
	CMS_ContentInfo *cms = CMS_data_create(in, CMS_BINARY);
	uint8_t *der = NULL;
	struct blob b;

	UNIT_UNUSED(state);
	assert_non_null(cms);
	b = blob_of(der, i2d_CMS_ContentInfo(cms, &der));
	CMS_ContentInfo_free(cms);
	BIO_free(in);
	expect_parse_fails(b.p, b.n, "id-data");
	free(b.p);

	/* signedData with certificates and no signer at all */
	{
		STACK_OF(X509) *certs = sk_X509_new_null();

		sk_X509_push(certs, A.x509);
		cms = CMS_sign(NULL, NULL, certs, NULL, CMS_PARTIAL);
		assert_non_null(cms);
		der = NULL;
		b = blob_of(der, i2d_CMS_ContentInfo(cms, &der));
		CMS_ContentInfo_free(cms);
		sk_X509_free(certs);
		expect_parse_fails(b.p, b.n, "signedData without signers");
		free(b.p);
	}
	ERR_clear_error();
}

/* Random corruption of a signature: parse or refuse, verify never crashes. */
static void test_pkcs7_random_corruption(void **state)
{
	struct blob sig = sign_module(&A, 0);
	uint64_t seed = 2024;
	int ok = 0;

	UNIT_UNUSED(state);
	for (int iter = 0; iter < 400; iter++) {
		uint8_t *p = malloc(sig.n);
		struct kd_pkcs7 *p7;
		struct sig_signer s;
		char *reason = NULL;
		uint64_t r = unit_rand(&seed);

		assert_non_null(p);
		memcpy(p, sig.p, sig.n);
		p[r % sig.n] ^= (uint8_t)(1u << ((r >> 32) % 8));
		if (pkcs7_parse(p, sig.n, &p7, &s, &reason) == 0) {
			enum verify_result v = pkcs7_verify(p7, A.cert, module_body,
							    sizeof(module_body) - 1, &reason);

			assert_true(v == VERIFY_OK || v == VERIFY_BAD || v == VERIFY_ERROR);
			if (v == VERIFY_OK)
				ok++;
			free(reason);
			pkcs7_free(p7);
			sig_signer_free(&s);
		} else {
			free(reason);
		}
		free(p);
	}
	/* a flipped bit in the signature value, or in the digest algorithm, is never OK */
	{
		struct kd_pkcs7 *p7;
		struct sig_signer s;
		char *reason = NULL;
		uint8_t *p = malloc(sig.n);

		assert_non_null(p);
		memcpy(p, sig.p, sig.n);
		p[sig.n - 1] ^= 1;	/* last byte of the RSA signature */
		assert_int_equal(pkcs7_parse(p, sig.n, &p7, &s, &reason), 0);
		assert_int_equal(pkcs7_verify(p7, A.cert, module_body, sizeof(module_body) - 1, &reason),
				 VERIFY_BAD);
		free(reason);
		pkcs7_free(p7);
		sig_signer_free(&s);
		free(p);
	}
	free(sig.p);
	ERR_clear_error();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_cert_info),
		cmocka_unit_test(test_cert_key_type),
		cmocka_unit_test(test_cert_from_der_lengths),
		cmocka_unit_test(test_cert_garbage),
		cmocka_unit_test(test_der_cert_candidate),
		cmocka_unit_test(test_certs_from_bytes),
		cmocka_unit_test(test_cert_equal),
		cmocka_unit_test(test_cert_name_with_nul),
		cmocka_unit_test(test_pkcs7_parse),
		cmocka_unit_test(test_pkcs7_verify),
		cmocka_unit_test(test_pkcs7_keyid),
		cmocka_unit_test(test_pkcs7_profiles),
		cmocka_unit_test(test_pkcs7_digest_api),
		cmocka_unit_test(test_pkcs7_unknown_digest),
		cmocka_unit_test(test_pkcs7_verify_needs_signer_id),
		cmocka_unit_test(test_pkcs7_two_signers),
		cmocka_unit_test(test_pkcs7_garbage),
		cmocka_unit_test(test_pkcs7_truncated),
		cmocka_unit_test(test_pkcs7_trailing_bytes),
		cmocka_unit_test(test_pkcs7_not_signed_data),
		cmocka_unit_test(test_pkcs7_random_corruption),
	};

	return cmocka_run_group_tests_name("crypto", tests, group_setup, group_teardown);
}
