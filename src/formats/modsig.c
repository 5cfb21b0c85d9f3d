// SPDX-License-Identifier: GPL-2.0-or-later
/*
 * modsig.c - parse the module signature trailer, read from the end:
 *   [module body][PKCS#7][struct module_signature, 12 bytes]["~Module signature appended~\n"]
 * We apply the same checks the kernel does (kernel/module_signature.c), so a
 * trailer we accept is one the kernel would try to verify.
 */
#include <string.h>

#include "core/cursor.h"
#include "formats/modsig.h"

enum modsig_result modsig_parse_tail(const uint8_t *p, size_t n, uint64_t file_len,
				     struct modsig *out, const char **reason)
{
	struct cursor c = cur_init(p, n);
	uint8_t algo, hash, id_type, signer_len, key_id_len, pad[3];
	uint32_t sig_len;
	uint64_t info_off;
	size_t tail_info;

	memset(out, 0, sizeof(*out));
	out->body_len = file_len;
	if (n > file_len)
		n = file_len;
	if (n < MODSIG_MAGIC_LEN || memcmp(p + n - MODSIG_MAGIC_LEN, MODSIG_MAGIC, MODSIG_MAGIC_LEN))
		return MODSIG_UNSIGNED;
	if (file_len - MODSIG_MAGIC_LEN < MODSIG_INFO_LEN || n - MODSIG_MAGIC_LEN < MODSIG_INFO_LEN) {
		*reason = "signature trailer truncated: no room for struct module_signature";
		return MODSIG_MALFORMED;
	}
	info_off = file_len - MODSIG_MAGIC_LEN - MODSIG_INFO_LEN;
	tail_info = n - MODSIG_MAGIC_LEN - MODSIG_INFO_LEN;
	if (!cur_seek(&c, tail_info) || !cur_u8(&c, &algo) || !cur_u8(&c, &hash) ||
	    !cur_u8(&c, &id_type) || !cur_u8(&c, &signer_len) || !cur_u8(&c, &key_id_len) ||
	    !cur_copy(&c, pad, sizeof(pad)) || !cur_be32(&c, &sig_len)) {
		*reason = "signature trailer truncated";
		return MODSIG_MALFORMED;
	}
	out->id_type = id_type;
	if (id_type != PKEY_ID_PKCS7) {
		*reason = id_type < PKEY_ID_PKCS7 ?
			"legacy signature type (id_type 0 PGP or 1 X.509); the kernel refuses it" :
			"unknown signature type (id_type); the kernel refuses it";
		return MODSIG_MALFORMED;
	}
	if (algo || hash || signer_len || key_id_len || pad[0] || pad[1] || pad[2]) {
		*reason = "struct module_signature has non-zero fields that PKCS#7 signatures leave zero";
		return MODSIG_MALFORMED;
	}
	if (sig_len == 0 || sig_len >= info_off) {
		*reason = "sig_len is zero or reaches beyond the start of the file";
		return MODSIG_MALFORMED;
	}
	out->body_len = info_off - sig_len;
	out->pkcs7_len = sig_len;
	/* the caller may have given us less than the whole signature: it reads more and retries */
	out->pkcs7 = sig_len <= tail_info ? p + tail_info - sig_len : NULL;
	return MODSIG_SIGNED;
}

enum modsig_result modsig_parse(const uint8_t *p, size_t n, struct modsig *out, const char **reason)
{
	return modsig_parse_tail(p, n, n, out, reason);
}
