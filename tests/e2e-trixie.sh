#!/usr/bin/env bash
# e2e-trixie.sh - Debian 13's (trixie) real signed kernel package, fetched through a private
# sources list (tests/get-debian-kernel.sh --suite trixie) and unpacked with dpkg -x: a root with only
# usr/lib/modules (merged /usr), .ko.xz modules signed with an ECDSA key, and the image whose
# builtin certificate is their trust. What is expected is derived from the package itself.
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

echo "e2e-trixie: Debian 13 kernel package"
DEB=$(tests/get-debian-kernel.sh --suite trixie "$OUT/debian-trixie")
REL=$(basename "$(ls -d "$DEB"/usr/lib/modules/*/ | head -n 1)")
check "trixie: the package has one release under usr/lib/modules and none under lib/" \
	test "$(ls "$DEB/usr/lib/modules" | wc -l)" -eq 1 -a ! -e "$DEB/lib"
NXZ=$(find "$DEB/usr/lib/modules/$REL" -type f -name '*.ko.xz' | wc -l)
NALL=$(find "$DEB/usr/lib/modules/$REL" -type f \( -name '*.ko' -o -name '*.ko.*' \) | wc -l)
check "trixie: thousands of .ko.xz modules in the package ($NXZ)" test "$NXZ" -gt 4000 -a "$NXZ" -eq "$NALL"
# the image's payload compression, as the kernel's configuration names it
KCOMP=$(sed -n 's/^CONFIG_KERNEL_\([A-Z0-9]*\)=y$/\1/p' "$DEB/boot/config-$REL" | tr 'A-Z' 'a-z')
case $KCOMP in gzip|xz|zstd|lz4|lzma|bzip2|lzo) ok ;; *) bad "trixie: no CONFIG_KERNEL_<compression> in config-$REL" ;; esac

# the signature of one module, read with openssl: its algorithm and the size of its key
MOD=$(find "$DEB/usr/lib/modules/$REL" -type f -name '*.ko.xz' | sort | awk 'NR == 1')
xz -dc "$MOD" >"$OUT/trixie-mod.ko"
SZ=$(stat -c %s "$OUT/trixie-mod.ko")
SIGLEN=$(od -An -v -j $((SZ - 32)) -N4 -tu1 "$OUT/trixie-mod.ko" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }')
tail -c $((SIGLEN + 40)) "$OUT/trixie-mod.ko" | head -c "$SIGLEN" >"$OUT/trixie-mod.p7"
SIGALG=$(openssl asn1parse -inform DER -in "$OUT/trixie-mod.p7" | sed -n 's/.*prim: OBJECT *:\(ecdsa-with-SHA[0-9]*\)$/\1/p' | tail -n 1)
check "trixie: the modules are signed with ECDSA ($SIGALG)" test -n "$SIGALG"
# ECDSA-Sig-Value: SEQUENCE { r INTEGER, s INTEGER }, each at most the curve's size (+1 sign byte)
SIGOFF=$(openssl asn1parse -inform DER -in "$OUT/trixie-mod.p7" | sed -n 's/^ *\([0-9]*\):.*prim: OCTET STRING.*/\1/p' | tail -n 1)
INTLEN=$(openssl asn1parse -inform DER -in "$OUT/trixie-mod.p7" -strparse "${SIGOFF:-0}" |
	sed -n 's/.*l= *\([0-9]*\) prim: INTEGER.*/\1/p' | sort -n | tail -n 1)
check "trixie: the signing key is P-384 (r, s up to $INTLEN bytes)" test "${INTLEN:-0}" -ge 47 -a "${INTLEN:-0}" -le 49

run_scan trixie --root "$DEB"
expect_rc 0 "trixie"
jqt "trixie: zero findings" "$OUT/r-trixie.json" '.findings == []'
jqt "trixie: usr/lib/modules walked, every module file found" "$OUT/r-trixie.json" \
	'[.coverage[] | select(.source == "/usr/lib/modules/\($r)") | .status + " " + .detail] == ["ok \($n) module files"]' \
	--arg r "$REL" --arg n "$NXZ"
jqt "trixie: no /lib/modules in a root without lib/ is no gap" "$OUT/r-trixie.json" \
	'[.coverage[] | select(.source | startswith("/lib/modules"))] == []'
jqt "trixie: every module shown under /usr/lib/modules, xz-compressed" "$OUT/r-trixie.json" \
	'(.modules | length) == ($n | tonumber) and ([.modules[] | (.path | startswith("/usr/lib/modules/\($r)/")) and .compression == "xz" and .release == $r] | all)' \
	--arg r "$REL" --arg n "$NXZ"
jqt "trixie: every module valid and kernel-trusted, against the certificate of its own image" "$OUT/r-trixie.json" \
	'[.modules[].signature | .status == "valid" and .kernel_trusted and .verified_with == "/boot/vmlinuz-\($r)"] | all' \
	--arg r "$REL"
jqt "trixie: the signature algorithm is reported as ECDSA ($SIGALG)" "$OUT/r-trixie.json" \
	'[.modules[].signature.sig_algo] | unique == [$a]' --arg a "$SIGALG"
jqt "trixie: one builtin certificate from the image, the one that verifies" "$OUT/r-trixie.json" \
	'[.trust[] | select(.kind == "kernel-image")] as $k | ($k | length == 1) and $k[0].release == $r and $k[0].source == "/boot/vmlinuz-\($r)" and ([.modules[].signature.cert_sha256] | unique == [$k[0].sha256])' \
	--arg r "$REL"
jqt "trixie: the image read, its payload $KCOMP-compressed, list size confirmed" "$OUT/r-trixie.json" \
	'[.coverage[] | select(.source == "/boot/vmlinuz-\($r)") | .status + " " + .detail] == ["ok 1 builtin certificate (payload \($c), list size confirmed)"]' \
	--arg r "$REL" --arg c "$KCOMP"
# one entry per run of "name.key=value" strings of one name (6.12 has two objects named "core")
NBUILTIN=$(tr '\0' '\n' <"$DEB/usr/lib/modules/$REL/modules.builtin.modinfo" | sed -n 's/^\([^.=]*\)\..*/\1/p' | uniq | wc -l)
jqt "trixie: the $NBUILTIN built-in modules read from /usr/lib/modules" "$OUT/r-trixie.json" \
	'[.coverage[] | select(.source | endswith("modules.builtin.modinfo")) | .source + " " + .detail] == ["/usr/lib/modules/\($r)/modules.builtin.modinfo \($n) built-in modules"]' \
	--arg r "$REL" --arg n "$NBUILTIN"

finish e2e-trixie
