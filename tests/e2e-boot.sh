#!/usr/bin/env bash
# e2e-boot.sh - end-to-end tests of the boot chain: Debian's real signed shim, GRUB and
# kernel; EFI binaries signed at test time with sbsign; UEFI variables built with efitools;
# Kaspersky's boot indicators; and hostile PE files and variables.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

echo "e2e-boot: fetching Debian's signed shim and GRUB, building EFI binaries and variables"
DEBEFI=$(tests/get-debian-efi.sh "$OUT/debian-efi")
tests/pki.sh "$OUT/efi/pki"
tests/mkefi.sh "$OUT/efi/pki" "$OUT/efi"
tests/mkefivars.sh "$OUT/efi/pki" "$OUT/debian-efi" "$OUT/efiroots"
E=$OUT/efiroots

# ---- real third-party artifacts: every signature verifies, chains shown, no finding
SHIM=$DEBEFI/usr/lib/shim/shimx64.efi.signed
GRUB=$DEBEFI/usr/lib/grub/x86_64-efi-signed/grubx64.efi.signed
VMLINUZ=$(ls "$(tests/get-debian-kernel.sh "$OUT/debian")"/boot/vmlinuz-*)
set +e
"$KD" inspect --format json "$SHIM" "$GRUB" "$VMLINUZ" >"$OUT/r-boot-real.json"
RC=$?
set -e
report_made "$OUT/r-boot-real.json"
expect_rc 0 "Debian's shim, GRUB and kernel: nothing found"
jqt "real: all three valid" "$OUT/r-boot-real.json" '[.binaries[].status] == ["valid","valid","valid"]'
# who signed what, read from the downloaded files with openssl (the signers change when
# Debian or Microsoft rotate keys): "CN of the signer|CN of the top of its chain" per signature
signers() {
	local d=$OUT/signers n i
	rm -rf "$d" && mkdir -p "$d"
	n=$(python3 tests/efi-fixture.py split-certs "$1" "$d/sig")
	for i in $(seq "$n"); do
		# the leaf issues no other certificate; the top is issued by none of them
		openssl pkcs7 -inform DER -in "$d/sig$i.p7" -print_certs -noout 2>/dev/null | awk '
			function cn(s) { sub(/.*CN *= */, "", s); return s }
			/^subject=/ { n++; subj[n] = cn($0) }
			/^issuer=/ { iss[n] = cn($0) }
			END {
				for (a = 1; a <= n; a++) {
					issuing = 0; issued = 0
					for (b = 1; b <= n; b++) {
						if (b != a && iss[b] == subj[a]) issuing = 1
						if (b != a && subj[b] == iss[a]) issued = 1
					}
					if (!issuing) leaf = subj[a]
					if (!issued) top = subj[a]
				}
				print leaf "|" top
			}'
	done
}
mapfile -t SHIM_SIGNERS < <(signers "$SHIM")
GRUB_SIGNER=$(signers "$GRUB" | cut -d'|' -f1)
LINUX_SIGNER=$(signers "$VMLINUZ" | cut -d'|' -f1)
check "real: openssl reads shim's signers (${SHIM_SIGNERS[*]}), GRUB's ($GRUB_SIGNER) and the kernel's ($LINUX_SIGNER)" \
	test "${#SHIM_SIGNERS[@]}" -ge 1 -a -n "$GRUB_SIGNER" -a -n "$LINUX_SIGNER"
jqt "real: shim carries its Microsoft signatures, each signer and chain as openssl reads them" "$OUT/r-boot-real.json" \
	'.binaries[0].signatures as $s | ($s | length) == ($w | length) and
	 ([range($w | length)] | all(($w[.] | split("|")) as $c |
		($s[.].signer.subject | endswith("CN=" + $c[0])) and
		([$s[.].chain[].subject] | any(endswith("CN=" + $c[1]))) and
		([$s[.].signer.subject, $s[.].chain[].subject] | join(" ") | test("Microsoft"))))' \
	--argjson w "$(printf '%s\n' "${SHIM_SIGNERS[@]}" | jq -R . | jq -s .)"
jqt "real: each signature embedded, valid, and vouching for the image's SHA-256 digest" "$OUT/r-boot-real.json" \
	'[.binaries[] | .authenticode_sha256 as $d | .signatures[] | .source == "embedded" and .depth == 0 and .status == "valid" and .error == null and .digest_algorithm == "sha256" and .digest == $d and .digest_matches and .signature_verifies] | (length == ($n + 2) and all)' \
	--argjson n "${#SHIM_SIGNERS[@]}"
jqt "real: nothing anchors a chain without the key databases" "$OUT/r-boot-real.json" \
	'[.binaries[].signatures[].anchor] | unique == [null]'
# the subject of the certificate shim's .vendor_cert section holds (get-debian-efi.sh extracts it)
VC=$OUT/debian-efi/shim-vendor_cert.bin
read -r VC_ASZ VC_DSZ VC_AOFF VC_DOFF < <(python3 tests/efi-fixture.py vendor-cert-dump "$VC" | sed 's/[a-z_]*=//g')
VENDOR_CN=$(dd if="$VC" bs=1 skip="$VC_AOFF" count="$VC_ASZ" status=none |
	openssl x509 -inform DER -noout -subject 2>/dev/null | sed -n 's/^subject=.*CN *= *//p')
jqt "real: shim's vendor certificate is Debian's CA ($VENDOR_CN)" "$OUT/r-boot-real.json" \
	'.binaries[0].vendor_cert | .subject == "CN=" + $cn and ($cn | test("Debian")) and .issuer == .subject and (.sha256 | length == 64)' \
	--arg cn "$VENDOR_CN"
jqt "real: GRUB and the kernel are signed by Debian's signers" "$OUT/r-boot-real.json" \
	'(.binaries[1].signatures[0].signer.subject | contains("CN=" + $g)) and (.binaries[2].signatures[0].signer.subject | contains("CN=" + $l)) and
	 ($g + $l | test("Debian.*Debian")) and .binaries[2].kind == "efi"' --arg g "$GRUB_SIGNER" --arg l "$LINUX_SIGNER"
jqt "real: Authenticode digests recorded" "$OUT/r-boot-real.json" '[.binaries[].authenticode_sha256 | length] == [64,64,64]'
jqt "real: no finding" "$OUT/r-boot-real.json" '.findings == []'
jqt "real: shim's SBAT metadata shown, one entry a line" "$OUT/r-boot-real.json" \
	'(.binaries[0].sbat[0] | test("^sbat,1,")) and (.binaries[0].sbat[1] | startswith("shim,4,")) and ([.binaries[0].sbat[] | test("\\n")] | any | not)'

# ---- an enforcing Debian machine: db holds Microsoft's CAs, shim and GRUB allowed
run_scan boot-debian --root "$E/sb-debian"
expect_rc 0 sb-debian
J=$OUT/r-boot-debian.json
jqt "sb-debian: Secure Boot enforcing, shim validating" "$J" '.boot.enforcing and (.boot.shim_validation_disabled | not)'
jqt "sb-debian: shim allowed by db through its Microsoft chain" "$J" \
	'.binaries[] | select(.path == "/boot/efi/EFI/debian/shimx64.efi") | .status == "valid" and (.uefi | startswith("allowed by db"))'
jqt "sb-debian: GRUB allowed by shim's MOK list" "$J" \
	'.binaries[] | select(.path == "/boot/efi/EFI/debian/grubx64.efi") | .uefi | startswith("allowed by")'
jqt "sb-debian: each of shim's signatures anchored in db, by the CA db holds" "$J" \
	'[.binaries[] | select(.path == "/boot/efi/EFI/debian/shimx64.efi") | .signatures[] | .anchor.database == "db" and .anchor.sha256 == .chain[-1].sha256] == [true, true]'
jqt "sb-debian: GRUB's chain anchored in MokListRT, by Debian's CA" "$J" \
	'[.binaries[] | select(.path == "/boot/efi/EFI/debian/grubx64.efi") | .signatures[].anchor | [.database, .subject]] == [["MokListRT", "CN=Debian Secure Boot CA"]]'
jqt "sb-debian: the boot entry and current entry" "$J" \
	'.boot.entries[] | select(.name == "Boot0000") | .current and (.path | test("shimx64.efi"))'
jqt "sb-debian: db certificates listed as uefi trust" "$J" '[.trust[] | select(.kind == "uefi")] | length >= 3'
jqt "sb-debian: the signed kernel image is not on the ESP and needs no verdict" "$J" '[.binaries[] | select(.kind == "kernel")] == [] or ([.binaries[] | select(.kind == "kernel") | .uefi] | all(. == null))'

# ---- SBAT: shim's revocation level (SbatLevelRT) against Debian's real shim and GRUB,
# with levels made from the generations their .sbat sections hold (read here with objcopy)
# gen PE COMPONENT: the generation of COMPONENT in PE's .sbat
gen() {
	objcopy -O binary --only-section=.sbat "$1" "$OUT/sbat.bin" && tr -d '\0' <"$OUT/sbat.bin" |
		awk -F, -v c="$2" '$1 == c { print $2; exit }'
}
G_SHIM=$(gen "$SHIM" shim)
G_GRUB=$(gen "$GRUB" grub)
G_GRUBDEB=$(gen "$GRUB" grub.debian)
check "sbat: generations read from Debian's shim ($G_SHIM) and GRUB ($G_GRUB, grub.debian $G_GRUBDEB)" \
	bash -c "[[ '$G_SHIM$G_GRUB$G_GRUBDEB' =~ ^[0-9]+$ ]]"
sbat_root() {
	rm -rf "$OUT/$1" && cp -a "$E/sb-debian" "$OUT/$1"
	printf '\x06\x00\x00\x00%b' "$2" \
		>"$OUT/$1/sys/firmware/efi/efivars/SbatLevelRT-605dab50-e046-4300-abb6-3dd810dd8b23"
}
# GRUB one generation behind the level; shim and Debian's own grub entry at it
sbat_root sbat-grub "sbat,1,2024010900\\r\\nshim,$G_SHIM\\r\\ngrub,$((G_GRUB + 1))\\r\\ngrub.debian,$G_GRUBDEB\\r\\n"
run_scan boot-sbat-grub --root "$OUT/sbat-grub"
J=$OUT/r-boot-sbat-grub.json
jqt "sbat: GRUB's generation $G_GRUB is below the level's $((G_GRUB + 1)): denied, the signatures' verdict kept" "$J" \
	'.binaries[] | select(.path == "/boot/efi/EFI/debian/grubx64.efi") | .uefi | startswith("denied by SbatLevelRT: grub generation \($g) is below \($g + 1) (signatures: allowed by ")' \
	--argjson g "$G_GRUB"
jqt "sbat: shim at the level is not revoked, and says so" "$J" \
	'.binaries[] | select(.path == "/boot/efi/EFI/debian/shimx64.efi") | .sbat_level == "not revoked by SbatLevelRT" and (.uefi | startswith("allowed by db"))'
jqt "sbat: an image without .sbat gets no SBAT verdict" "$J" \
	'.binaries[] | select(.path == "/boot/efi/EFI/test/vendor.efi") | .sbat == [] and .sbat_level == null'
jqt "sbat: a revoked boot loader is not a Kaspersky finding" "$J" '.findings == []'
sbat_root sbat-shim "sbat,1,2025051000\\nshim,$((G_SHIM + 1))\\n"
run_scan boot-sbat-shim --root "$OUT/sbat-shim"
jqt "sbat: shim $G_SHIM below a level of $((G_SHIM + 1)) is denied (shim's self-check), GRUB passes" "$OUT/r-boot-sbat-shim.json" \
	'[.binaries[] | select(.path | test("/EFI/debian/")) | .sbat_level] == ["not revoked by SbatLevelRT","shim generation \($g) is below \($g + 1)"]' \
	--argjson g "$G_SHIM"

# ---- a Kaspersky certificate in db or the MOK list: the machine trusts Kaspersky to boot code
run_scan boot-kldb --root "$E/sb-kaspersky-db"
expect_rc 1 sb-kaspersky-db
jqt "sb-kaspersky-db: both certificates critical" "$OUT/r-boot-kldb.json" \
	'[.findings[] | select(.kind == "trust") | .severity] == ["critical","critical"]'
jqt "sb-kaspersky-db: the pinned 2018 EV certificate recognised in db" "$OUT/r-boot-kldb.json" \
	'[.findings[] | select(.rules | index("KL-CERT-003")) | .path | test("/db-")] == [true]'

# ---- what shim loads is anchored by shim's own vendor certificate (db -> shim -> vendor -> GRUB)
rm -rf "$OUT/sb-vendor" && cp -a "$E/sb-debian" "$OUT/sb-vendor"
rm -f "$OUT/sb-vendor/sys/firmware/efi/efivars/MokListRT"-*
run_scan boot-vendor --root "$OUT/sb-vendor"
jqt "vendor certificate: GRUB allowed under shim's vendor certificate" "$OUT/r-boot-vendor.json" \
	'.binaries[] | select(.path == "/boot/efi/EFI/debian/grubx64.efi") | .uefi == "allowed by shim: signed under shim'"'"'s vendor certificate"'
jqt "vendor certificate: GRUB's chain anchored by it" "$OUT/r-boot-vendor.json" \
	'[.binaries[] | select(.path == "/boot/efi/EFI/debian/grubx64.efi") | .signatures[].anchor.database] == ["shim vendor certificate"]'
# the SHA256 entries of the vendor dbx in the downloaded shim's .vendor_cert
dd if="$VC" of="$OUT/shim-vendor-dbx.esl" bs=1 skip="$VC_DOFF" count="$VC_DSZ" status=none
NVDBX=$(python3 tests/efi-fixture.py esl-dump "$OUT/shim-vendor-dbx.esl" | awk '$3 == "SHA256" { print $4 }' | sort -u | wc -l)
jqt "vendor certificate: listed as a source, with Debian shim's own dbx ($NVDBX hashes)" "$OUT/r-boot-vendor.json" \
	'[.coverage[] | select(.source == "shim vendor certificates") | .detail | contains("vendor dbx: \($n) hashes")] | any' \
	--arg n "$NVDBX"

# ---- inspect takes certificates, raw efivar files and boot entries too
set +e
"$KD" inspect --format json rules/certs/KLBOOTEV_2018.cer \
	"$E/sb-kaspersky-db/sys/firmware/efi/efivars/db-d719b2cb-3d3a-4596-a3bc-dad00e67656f" \
	"$E/kl-boot/sys/firmware/efi/efivars/Boot0001-8be4df61-93ca-11d2-aa0d-00e098032b8c" >"$OUT/r-boot-inspect.json"
RC=$?
set -e
report_made "$OUT/r-boot-inspect.json"
expect_rc 1 "inspect of a Kaspersky certificate, a db and a boot entry"
jqt "inspect: the certificate file and the db's copy both critical (pinned certificate)" "$OUT/r-boot-inspect.json" \
	'[.findings[] | select(.kind == "trust") | .rules | index("KL-CERT-003") != null] == [true,true]'
jqt "inspect: the boot entry file" "$OUT/r-boot-inspect.json" \
	'[.findings[] | select(.kind == "boot") | .rule] == ["KL-BOOT-004"]'
jqt "inspect: the db's entries listed" "$OUT/r-boot-inspect.json" '.boot.databases.db | length >= 3'

# ---- Kaspersky's boot components on the ESP and in the boot entries
run_scan boot-kl --root "$E/kl-boot"
expect_rc 1 kl-boot
J=$OUT/r-boot-kl.json
jqt "kl-boot: the boot entry starting Kaspersky's loader" "$J" \
	'[.findings[] | select(.kind == "boot") | {name, severity, rule}] == [{"name":"Boot0001","severity":"critical","rule":"KL-BOOT-004"}]'
jqt "kl-boot: the patched shim by its string, and by its vendor certificate" "$J" \
	'([.findings[] | select(.name == "klshim.efi") | .rules] | .[0] | index("KL-BOOT-001") != null and index("KL-CERT-003") != null)'
jqt "kl-boot: a Kaspersky-signed second stage is critical" "$J" \
	'.findings[] | select(.name == "kl_main.efi") | .severity == "critical" and (.evidence["cert.subject.O"] == ["AO Kaspersky Lab"])'
jqt "kl-boot: an unsigned fde_ld0 loader found by name" "$J" \
	'.findings[] | select(.name | test("fde_ld0")) | .rule == "KL-BOOT-003" and .evidence.signature == "unsigned"'
jqt "kl-boot: Secure Boot off is said in every verdict" "$J" \
	'[.binaries[].uefi | test("not enforcing")] | all'
jqt "kl-boot: Microsoft-signed shim not flagged" "$J" '[.findings[] | select(.path == "/boot/efi/EFI/debian/shimx64.efi")] == []'
jqt "kl-boot: the boot entry and the loader it starts are one thing, the other binaries each one" "$J" \
	'[.findings | group_by(.group)[] | map(.name) | sort] | sort == [["Boot0001", "klshim.efi"], ["fde_ld0-efi64-test.efi"], ["kl_main.efi"], ["klshim-cert.efi"], ["klshim-strings.efi"]]'

# ---- dbx: an image hash, a certificate's TBS hash and a certificate revoke binaries
run_scan boot-revoked --root "$E/revoked"
J=$OUT/r-boot-revoked.json
jqt "revoked: vendor.efi denied by its image hash" "$J" \
	'.binaries[] | select(.path | endswith("/vendor.efi")) | .uefi | startswith("denied by dbx: image hash")'
jqt "revoked: the TBS entry is listed, always revoked" "$J" \
	'[.boot.databases.dbx[] | select(test("^x509-tbs-sha256: .* \\(always revoked\\)$"))] | length == 1'
jqt "revoked: another signer's certificate in dbx" "$J" \
	'.binaries[] | select(.path | endswith("/other.efi")) | .uefi | startswith("denied by dbx: certificate")'
jqt "revoked: kl.efi denied by the TBS hash of its signer" "$J" \
	'.binaries[] | select(.path | endswith("/kl.efi")) | .uefi | startswith("denied by dbx: TBS hash")'

# ---- dbx TimeOfRevocation weighed against a verified timestamp (UEFI 2.x)
run_scan boot-revoked-time --root "$E/revoked-time"
J=$OUT/r-boot-revoked-time.json
jqt "revoked-time: the entry is listed with its time" "$J" \
	'[.boot.databases.dbx[] | select(test("^x509-tbs-sha256: [0-9a-f]{64} \\(revoked from 2024-06-01T00:00:00Z\\)$"))] | length == 1'
jqt "revoked-time: timestamped before the revocation: not revoked by that entry, and said" "$J" \
	'.binaries[] | select(.path | endswith("/klts-early.efi")) | (.uefi | startswith("denied") | not) and (.uefi | test("revokes .* from 2024-06-01T00:00:00Z, but the signature is timestamped 2023-01-01T00:00:00Z, before: not revoked by that entry")) and .signatures[0].timestamp.status == "valid"'
jqt "revoked-time: timestamped after the revocation: denied" "$J" \
	'.binaries[] | select(.path | endswith("/klts-late.efi")) | .uefi | test("^denied by dbx: TBS hash of .*, revoked from 2024-06-01T00:00:00Z; the signature is timestamped 2025-01-01T00:00:00Z, not before")'
jqt "revoked-time: not timestamped: denied" "$J" \
	'.binaries[] | select(.path | endswith("/kl.efi")) | .uefi | test("^denied by dbx: TBS hash of .*; the signature has no valid timestamp")'
jqt "revoked-time: EFI images' validity periods are not judged (UEFI ignores time)" "$J" \
	'[.binaries[] | .signatures[] | .time_valid] | unique == [null]'

# ---- MOK states
run_scan boot-mokoff --root "$E/mok-off"
jqt "mok-off: shim validation disabled" "$OUT/r-boot-mokoff.json" '.boot.shim_validation_disabled'
jqt "mok-off: a MOK list split over MokListRT and MokListRT1 is read whole" "$OUT/r-boot-mokoff.json" \
	'[.trust[] | select(.kind == "uefi" and (.source | test("MokListRT")))] | length >= 2'
run_scan boot-moktrusted --root "$E/mok-trusted"
jqt "mok-trusted: MOK keys trusted for modules" "$OUT/r-boot-moktrusted.json" '.boot.mok_trusted_for_modules'
# MOK keys verify modules; the kernel trusts them for modules only with MokListTrustedRT
# (a module signed with the kernel's sign-file by the key whose certificate the MOK list holds)
tests/build-kmods.sh "$OUT/kmods"
SIGNFILE=$(ls -d /usr/lib/linux-kbuild-*/scripts/sign-file | sort -V | tail -n 1)
cp "$OUT/kmods/modules/kdt_neutral-unsigned.ko" "$OUT/mok-signed.ko"
"$SIGNFILE" sha256 "$OUT/efi/pki/vendor/key.pem" "$OUT/efi/pki/vendor/cert.pem" "$OUT/mok-signed.ko"
for r in mok-trusted mok-off; do
	rm -rf "$OUT/$r-mod" && cp -a "$E/$r" "$OUT/$r-mod"
	mkdir -p "$OUT/$r-mod/lib/modules/6.1.0-mok/extra"
	cp "$OUT/mok-signed.ko" "$OUT/$r-mod/lib/modules/6.1.0-mok/extra/kdt_neutral.ko"
	run_scan "boot-$r-mod" --root "$OUT/$r-mod"
done
jqt "MokListTrustedRT: a module signed by a MOK key is valid and kernel-trusted" "$OUT/r-boot-mok-trusted-mod.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.status == "valid" and .signature.kernel_trusted and (.signature.verified_with | test("MokListRT"))'
jqt "no MokListTrustedRT: valid, but not kernel-trusted" "$OUT/r-boot-mok-off-mod.json" \
	'.modules[] | select(.name == "kdt_neutral") | .signature.status == "valid" and (.signature.kernel_trusted | not)'
run_scan boot-setup --root "$E/setup-mode"
jqt "setup mode: not enforcing" "$OUT/r-boot-setup.json" '(.boot.enforcing | not) and .boot.setup_mode == 1'

# ---- hostile variables and PE files: reasons, no crash, nothing read outside the root
run_scan boot-hostile --root "$E/hostile-efi"
J=$OUT/r-boot-hostile.json
expect_rc 3 "hostile-efi: nothing found, incomplete"
jqt "hostile: every bad signature list has a reason" "$J" \
	'[.coverage[] | select(.source | test("efivars/(KEK|db|MokListRT|MokListXRT)-")) | .status == "error" and (.detail | length > 10)] | (length >= 4 and all)'
jqt "hostile: a variable shorter than its attribute word" "$J" \
	'.coverage[] | select(.source | test("efivars/PK-")) | .detail == "shorter than its attribute word"'
jqt "hostile: bad load options reported" "$J" \
	'[.coverage[] | select(.source | test("efivars/Boot000")) | .status] | unique == ["error"]'
jqt "hostile: malformed PE files have reasons" "$J" \
	'[.binaries[] | select(.path | test("/hostile/")) | select(.status == "malformed") | .reason | length > 10] | (length >= 10 and all)'
jqt "hostile: the escaping symlink does not reach the host" "$J" '[.binaries[] | select(.path | test("escape"))] == []'
jqt "hostile: names escaped" "$J" '[.binaries[].path | test("\u001b")] | any | not'

finish e2e-boot
