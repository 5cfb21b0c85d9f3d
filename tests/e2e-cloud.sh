#!/usr/bin/env bash
# e2e-cloud.sh - Debian's real cloud kernel package, whose bzImage payload is lz4 (the
# legacy frame): the builtin key comes out of the lz4 payload and every module verifies
# against it.
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

echo "e2e-cloud: fetching Debian's cloud kernel package"
mkdir -p "$OUT"
CLOUD=$(tests/get-debian-kernel.sh "$OUT/debian-cloud" linux-image-cloud-amd64)
VMLINUZ=$(ls "$CLOUD"/boot/vmlinuz-*)

# the payload's format, read from the setup header without kdetect: setup_sects at 0x1f1,
# payload_offset at 0x248, the payload after the (setup_sects + 1) sectors of setup code
u8() { od -An -tu1 -j "$2" -N 1 "$1" | tr -d ' '; }
u32() { od -An -tu4 -j "$2" -N 4 "$1" | tr -d ' '; }
SECTS=$(u8 "$VMLINUZ" $((0x1f1)))
[ "$SECTS" -ne 0 ] || SECTS=4
START=$(( (SECTS + 1) * 512 + $(u32 "$VMLINUZ" $((0x248))) ))
MAGIC=$(od -An -tx1 -j "$START" -N 4 "$VMLINUZ" | tr -d ' ')
check "cloud: the package's bzImage payload is legacy lz4 (magic $MAGIC)" test "$MAGIC" = 02214c18

NMOD=$(find "$CLOUD/lib/modules" -type f -name '*.ko' | wc -l)
check "cloud: the package ships modules ($NMOD)" test "$NMOD" -gt 100

run_scan cloud --root "$CLOUD"
expect_rc 0 "cloud corpus"
jqt "cloud: the image's payload is reported as lz4" "$OUT/r-cloud.json" \
	'[.coverage[] | select(.source == ("/boot/" + $v)) | .status == "ok" and (.detail | test("payload lz4"))] == [true]' \
	--arg v "$(basename "$VMLINUZ")"
jqt "cloud: one kernel-image trust certificate" "$OUT/r-cloud.json" \
	'[.trust[] | select(.kind == "kernel-image")] | length == 1'
jqt "cloud: all $NMOD modules of the package reported" "$OUT/r-cloud.json" \
	'.modules | length == ($n | tonumber)' --arg n "$NMOD"
jqt "cloud: every module valid, kernel-trusted, signed by the image's key" "$OUT/r-cloud.json" \
	'(.trust[] | select(.kind == "kernel-image") | .serial) as $s | [.modules[] | .signature.status == "valid" and .signature.kernel_trusted and .signature.serial == $s] | all'
jqt "cloud: zero findings" "$OUT/r-cloud.json" '.findings == []'

finish e2e-cloud
