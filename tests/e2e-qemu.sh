#!/usr/bin/env bash
# e2e-qemu.sh - end-to-end test on a real kernel: boots Debian's signed kernel under qemu
# (software emulation, TCG) into an initramfs (tests/mkinitramfs-qemu.sh) that loads some of
# Debian's own modules and the test modules, runs the static kdetect as on a live host, and
# prints the report, /proc/modules, /proc/keys and the taint on the serial console; the
# assertions run here, on the host. KD_STATIC names the static binary (make portable).
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

KD_STATIC=${KD_STATIC:-./kdetect-static}
QEMU_TIMEOUT=${KD_QEMU_TIMEOUT:-300}
Q=$OUT/qemu

die() { echo "e2e-qemu: error: $*" >&2; exit 1; }

[ -f "$KD_STATIC" ] || die "static kdetect '$KD_STATIC' not found: build it with 'make portable' (or set KD_STATIC)"
for c in qemu-system-x86_64 timeout jq base64 awk; do
	command -v "$c" >/dev/null || die "'$c' not found (tools/install-deps.sh test installs it)"
done

echo "e2e-qemu: test modules, Debian kernel package, initramfs"
rm -rf "$Q"
mkdir -p "$Q"
DEB=$(tests/get-debian-kernel.sh "$OUT/debian")
# the release of the image that linux-image-amd64 depends on today: the test modules must be
# built for it (vermagic), whatever headers were installed before the archive moved on, so
# build-kmods.sh installs linux-headers-<that release> when it is missing
mapfile -t rels < <(find "$DEB/lib/modules" -mindepth 1 -maxdepth 1 -type d -printf '%f\n')
[ "${#rels[@]}" -eq 1 ] || die "expected one release under $DEB/lib/modules, found: ${rels[*]:-none}"
tests/build-kmods.sh "$OUT/kmods" "${rels[0]}"
# the standard build runs in the guest too, with its libraries and a real udev hwdb.bin
HWDB=$(tests/get-hwdb.sh "$OUT/hwdb")
# (checks that the test modules' vermagic is the image's release, and fails saying so if not)
tests/mkinitramfs-qemu.sh "$DEB" "$OUT/kmods" "$KD_STATIC" "$Q" "$KD" "$HWDB"
REL=$(cat "$Q/release")
[ "$REL" = "${rels[0]}" ] || die "the initramfs is for $REL, the image is ${rels[0]}"

# ---- boot: always TCG (with KVM the guest hangs on the machines this was written on);
# a hard time limit, so that a hang fails the test instead of blocking CI
echo "e2e-qemu: booting $REL under qemu (TCG)"
T0=$(date +%s)
set +e
timeout --kill-after=10 "$QEMU_TIMEOUT" qemu-system-x86_64 -accel tcg -cpu max -m 512 -smp 1 \
	-display none -monitor none -serial "file:$Q/console.log" -no-reboot \
	-netdev user,id=n0 -device e1000,netdev=n0,addr=03.0 \
	-kernel "$Q/stage/boot/vmlinuz-$REL" -initrd "$Q/initrd.gz" \
	-append "console=ttyS0 quiet panic=-1" </dev/null >"$Q/qemu.out" 2>&1
QRC=$?
set -e
T1=$(date +%s)
echo "e2e-qemu: qemu ran $((T1 - T0)) s (exit status $QRC)"

# the console turns \n into \r\n
touch "$Q/console.log"
tr -d '\r' <"$Q/console.log" >"$Q/console.txt"
if [ "$QRC" -ne 0 ] || [ "$(grep -c '^@@KDT-QEMU done$' "$Q/console.txt" || true)" -ne 1 ]; then
	[ "$QRC" -ne 124 ] && [ "$QRC" -ne 137 ] || echo "e2e-qemu: qemu killed after ${QEMU_TIMEOUT} s" >&2
	cat "$Q/qemu.out" >&2
	echo "---- last lines of the guest console ($Q/console.log)" >&2
	tail -n 40 "$Q/console.txt" >&2
	bad "the guest did not run to the end (qemu exit status $QRC)"
	finish e2e-qemu || exit 1
fi

# section NAME: the guest's base64 section NAME, decoded into $Q/NAME.out
section() {
	awk -v b="@@KDT-QEMU $1 BEGIN" -v e="@@KDT-QEMU $1 END" '$0 == e { f = 0 } f { print } $0 == b { f = 1 }' \
		"$Q/console.txt" >"$Q/$1.b64"
	base64 -d "$Q/$1.b64" >"$Q/$1.out"
}
for s in tainted modules keys e1000-device devices report stderr report-std stderr-std; do
	section "$s" || bad "guest section '$s' is not clean base64 (kernel messages on the console?)"
done
R=$Q/report.json
mv "$Q/report.out" "$R"
RS=$Q/report-std.json
mv "$Q/report-std.out" "$RS"
if ! jq -e . "$R" >/dev/null 2>&1; then
	bad "guest report is not valid JSON ($R; kdetect's stderr: $Q/stderr.out)"
	finish e2e-qemu || exit 1
fi
ok
report_made "$R" "$RS"

# kdetect's time in the guest, from /proc/uptime
KSTART=$(sed -n 's/^@@KDT-QEMU kdetect start \([0-9.]*\) .*/\1/p' "$Q/console.txt")
KEND=$(sed -n 's/^@@KDT-QEMU kdetect end \([0-9.]*\) .*/\1/p' "$Q/console.txt")
echo "e2e-qemu: guest booted to kdetect in ${KSTART} s; kdetect ran $(awk -v a="$KSTART" -v b="$KEND" 'BEGIN { printf "%.1f", b - a }') s"

# ---- the guest itself: every module loaded, the e1000 bound to qemu's NIC, taint OE
NLOAD=$(wc -l <"$Q/stage/modules.load")
check "guest: insmod succeeded for all $NLOAD modules" \
	test "$(grep -c '^@@KDT-QEMU insmod ok ' "$Q/console.txt" || true)" -eq "$NLOAD"
check "guest: e1000 bound to 0000:00:03.0" grep -q '/drivers/e1000$' "$Q/e1000-device.out"
check "guest: kernel tainted 12288 (O and E: out-of-tree modules signed by a key it does not hold)" \
	test "$(cat "$Q/tainted.out")" = 12288

RC=$(sed -n 's/^@@KDT-QEMU rc \([0-9]*\)$/\1/p' "$Q/console.txt")
expect_rc 1 "kdetect in the guest (a loaded Kaspersky-named module)"
jqt "exit status in the summary, inspection complete" "$R" '.summary.exit_status == 1 and (.summary.incomplete | not)'
jqt "live host: not offline, root /, the kernel booted" "$R" \
	'(.host.offline | not) and .host.root == "/" and .host.kernel_release == $rel' --arg rel "$REL"
jqt "live host: the boot id of the running kernel, the command line, the time it took" "$R" \
	'(.host.boot_id | test("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")) and .run.argv == ["/kdetect", "scan", "--format", "json", "--cert", "/certs/vendor.pem"] and .run.duration_ms > 0'

# ---- loaded modules: the report against the guest's /proc/modules
# name size refcnt used_by state address [(taint)]
jq -R -s '[split("\n")[] | select(length > 0) | split(" ") |
	{name: .[0], size: (.[1] | tonumber), refcnt: (.[2] | tonumber),
	 used_by: (.[3] | split(",") | map(select(. != "" and . != "-"))), state: .[4],
	 taint: ((.[6] // "") | ltrimstr("(") | rtrimstr(")"))}]' "$Q/modules.out" >"$Q/proc-modules.json"
check "guest: /proc/modules lists the $NLOAD modules" test "$(jq length "$Q/proc-modules.json")" -eq "$NLOAD"
jqt "the report's loaded modules are exactly /proc/modules" "$R" \
	'([.modules[] | select(.loaded) | .name] | sort) == ($p[0] | map(.name) | sort)' --slurpfile p "$Q/proc-modules.json"
for name in $(jq -r '.[].name' "$Q/proc-modules.json"); do
	jqt "$name: loaded once, kernel size, refcount, users, state and taint as /proc/modules shows" "$R" \
		'($p[0][] | select(.name == $n)) as $m | [.modules[] | select(.name == $n and .loaded)] |
		 length == 1 and (.[0] | .kernel.size == $m.size and .kernel.refcnt == $m.refcnt and
		 (.kernel.used_by | sort) == ($m.used_by | sort) and .kernel.state == $m.state and .taint == $m.taint and
		 .kernel.in_sysfs and .kernel.initstate == "live")' --slurpfile p "$Q/proc-modules.json" --arg n "$name"
done
# the file each module was loaded from, at the path insmod was given
while read -r rel; do
	name=$(basename "$rel" .ko | tr - _)
	jqt "$name: joined to /lib/modules/$REL/$rel, name and build-id match" "$R" \
		'.modules[] | select(.name == $n) | .path == $p and .file_name_matches and .kernel.build_id_matches' \
		--arg n "$name" --arg p "/lib/modules/$REL/$rel"
done <"$Q/stage/modules.load"
jqt "dependency: fat used by vfat" "$R" '.modules[] | select(.name == "fat") | .kernel.used_by == ["vfat"] and .kernel.refcnt == 1'

# ---- taint
jqt "host taint 12288 = O and E" "$R" \
	'.host.tainted == 12288 and ([.host.taint_flags[].flag] | sort) == ["E","O"]'
jqt "test modules carry taint OE, Debian's none" "$R" \
	'[.modules[] | {name, taint}] | sort_by(.name) == ([{name:"kav4fs_oas",taint:"OE"},{name:"kdt_neutral",taint:"OE"},{name:"klpx_lookalike",taint:"OE"},
	  {name:"crc_itu_t",taint:""},{name:"dummy",taint:""},{name:"e1000",taint:""},{name:"fat",taint:""},{name:"pcspkr",taint:""},{name:"vfat",taint:""}] | sort_by(.name))'
jqt "taint_explained: E of the test modules is a key the kernel does not trust" "$R" \
	'[.modules[] | select(.taint == "OE") | .taint_explained[] | select(.flag == "E") | .why | startswith("signed by a key the kernel does not trust")] | (length == 3 and all)'
jqt "taint_explained: Debian's modules explain nothing, having no taint" "$R" \
	'[.modules[] | select(.taint == "") | .taint_explained == []] | (length == 6 and all)'

# ---- keys: the builtin certificate of vmlinuz joined to the running kernel's keyring
jqt "one kernel-image certificate, from the booted image, kernel-trusted" "$R" \
	'[.trust[] | select(.kind == "kernel-image") | .source == $img and .kernel_trusted and .subject == "CN=Build time autogenerated kernel key"] == [true]' \
	--arg img "/boot/vmlinuz-$REL"
jqt "kernel-image certificate joined to its /proc/keys key by SKID" "$R" \
	'.trust[] | select(.kind == "kernel-image") | . as $t | .keyring_key != null and (.keyring_key | contains($t.skid))'
SKID=$(jq -r '.trust[] | select(.kind == "kernel-image") | .skid' "$R")
check "the SKID is the key in the guest's /proc/keys" \
	test "$(grep -c -F -- "$SKID" "$Q/keys.out" || true)" -eq 1
jqt "coverage: proc/keys and the image's builtin certificate read" "$R" \
	'([.coverage[] | select(.source == "proc/keys" or .source == $img) | .status]) == ["ok","ok"]' --arg img "/boot/vmlinuz-$REL"

# ---- signatures
jqt "Debian's modules: valid, kernel-trusted, signed by the image's key" "$R" \
	'(.trust[] | select(.kind == "kernel-image") | .serial) as $s |
	 [.modules[] | select(.path | contains("/kernel/")) | .signature | .status == "valid" and .kernel_trusted and
	  (.verified_with | startswith("/boot/vmlinuz-")) and .serial == $s] | (length == 6 and all)'
jqt "test modules: valid with the --cert certificate, not kernel-trusted" "$R" \
	'[.modules[] | select(.path | contains("/extra/")) | .signature | .status == "valid" and (.kernel_trusted | not) and
	  (.verified_with | startswith("--cert "))] | (length == 3 and all)'

# ---- findings
jqt "kav4fs_oas: critical Kaspersky finding, loaded" "$R" \
	'[.findings[] | select(.name == "kav4fs_oas") | .severity == "critical" and .kind == "kaspersky" and .evidence.loaded == "yes"] == [true]'
jqt "nothing else flagged: not the lookalike, the neutral module or Debian's" "$R" \
	'[.findings[] | select(.severity != "info") | .name] == ["kav4fs_oas"]'
jqt "no hidden module: the real kernel's views agree" "$R" \
	'[.findings[] | select(.rule | startswith("KD-HIDDEN-"))] == []'
jqt "coverage: proc/modules, sys/module, proc/kallsyms and the taint read" "$R" \
	'[.coverage[] | select(.source | IN("proc/modules", "sys/module", "proc/kallsyms", "proc/sys/kernel/tainted")) | .status] == ["ok","ok","ok","ok"]'
jqt "coverage: every module has symbols in proc/kallsyms, every one a sysfs entry" "$R" \
	'(.coverage[] | select(.source == "proc/kallsyms") | .detail == "\($n) modules with symbols") and
	 (.coverage[] | select(.source == "sys/module") | .detail == "\($n) of \($n) loaded modules have a sysfs entry")' \
	--arg n "$NLOAD"

# ---- devices bound to each module's drivers, against the guest's sysfs
# devices.out: "module bus driver device" for every driver a module registers
jqt "e1000 drives qemu's NIC 0000:00:03.0 (8086:100e)" "$R" \
	'[.modules[] | select(.name == "e1000") | .devices[] | select(.name == "0000:00:03.0") |
	  .bus == "pci" and .driver == "e1000" and .vendor_id == "8086" and .product_id == "100e"] == [true]'
for name in $(jq -r '.[].name' "$Q/proc-modules.json"); do
	want=$(awk -v m="$name" '$1 == m { print $2 " " $3 " " $4 }' "$Q/devices.out" | LC_ALL=C sort | paste -sd, -)
	jqt "$name: devices as in the guest's sysfs [$want]" "$R" \
		'[.modules[] | select(.name == $n) | .devices // [] | .[] | "\(.bus) \(.driver) \(.name)"] | sort | join(",") == $w' \
		--arg n "$name" --arg w "$want"
done
jqt "coverage: the portable build names devices by their sysfs ids" "$R" \
	'.coverage[] | select(.source == "sys/bus") | .status == "ok" and (.detail | endswith("portable build: devices named by their sysfs ids"))'
# ---- the standard build on the same kernel: libkmod reads modules.dep.bin, and udev's
# hwdb names the NIC by its subsystem ids too (1af4:1100 is QEMU's)
RCS=$(sed -n 's/^@@KDT-QEMU rc-std \([0-9]*\)$/\1/p' "$Q/console.txt")
check "standard build in the guest: exit status 1 ($RCS)" test "$RCS" = 1
jqt "standard build: valid JSON, the standard build" "$RS" '.tool.build == "standard"'
jqt "standard build: libkmod read modules.dep.bin" "$RS" \
	'[.coverage[] | select(.source | endswith("modules.dep")) | .detail] == ["modules.dep.bin read with libkmod"]'
jqt "standard build: e1000's device named from the udev hardware database" "$RS" \
	'[.modules[] | select(.name == "e1000") | .devices[] | [.vendor, .model]] == [["Intel Corporation","82540EM Gigabit Ethernet Controller (QEMU Virtual Machine)"]]'
jqt "standard build: coverage names the hardware database" "$RS" \
	'.coverage[] | select(.source == "sys/bus") | .detail | endswith("names from the udev hardware database")'
# apart from those, both builds say the same of the same kernel
same='del(.tool.build, .run.argv[0]) | .coverage |= map(select((.source | endswith("modules.dep")) or .source == "sys/bus" | not)) |
	.modules |= map(if .devices then .devices |= map(del(.vendor, .model)) else . end)'
check "standard and portable builds give the same report of the real kernel" \
	same_reports "$R" "$RS" "$same"

finish e2e-qemu
