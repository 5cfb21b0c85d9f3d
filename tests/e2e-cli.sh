#!/usr/bin/env bash
# e2e-cli.sh - end-to-end tests of what a user gets wrong and of how the report is
# written: a mistake is exit 2 with a message naming the thing and the reason, what
# could not be seen makes the scan incomplete (never "nothing found"), and a report
# file is created before the scan and replaced only when it is complete.
set -euo pipefail
cd "$(dirname "$0")/.."

. tests/lib.sh

kernel_fixtures e2e-cli
C=$OUT/cli
rm -rf "$C"
mkdir -p "$C"

# err_case DESCRIPTION PATTERN COMMAND...: exit status 2, and stderr matches PATTERN
err_case() {
	local d=$1 pat=$2 rc
	shift 2
	set +e
	"$@" >"$C/out" 2>"$C/err"
	rc=$?
	set -e
	if [ "$rc" -eq 2 ] && grep -qE -e "$pat" "$C/err"; then
		ok
	else
		bad "$d: exit $rc, stderr '$(head -c 300 "$C/err")' (expected exit 2 and /$pat/)"
	fi
}

# ---- a user's mistake is an error that names the thing and the reason
mkdir -p "$C/empty"
err_case "--root on an empty directory (an image never mounted)" \
	"--root $C/empty holds no operating system.*is the image mounted" \
	"$KD" scan --root "$C/empty"
err_case "--path that does not exist" "--path /no/such/dir: No such file or directory \\(inside the root " \
	"$KD" scan --root "$R/clean" --path /no/such/dir
err_case "--path that is a file" "--path /etc/hostname: Not a directory" \
	"$KD" scan --root "$R/clean" --path /etc/hostname
err_case "--cert that does not exist" "--cert $C/missing.pem: No such file or directory" \
	"$KD" scan --root "$R/clean" --cert "$C/missing.pem"
err_case "--cert that is no certificate" "--cert $M/kdt_neutral.ko: .*certificate" \
	"$KD" scan --root "$R/clean" --cert "$M/kdt_neutral.ko"
mkdir -p "$C/nocerts"
err_case "--cert directory without certificates" "--cert $C/nocerts: the directory holds no certificate" \
	"$KD" scan --root "$R/clean" --cert "$C/nocerts"
err_case "--windows that is no Windows installation" "--windows /etc: not a Windows installation" \
	"$KD" scan --root "$R/clean" --windows /etc
err_case "inspect of a file that does not exist" "cannot inspect $C/nothere.ko: No such file or directory" \
	"$KD" inspect "$C/nothere.ko"
err_case "inspect of a directory" "cannot inspect $C: it is a directory" "$KD" inspect "$C"
err_case "output into a directory that does not exist" "cannot write $C/nodir/r.json: $C/nodir: No such file" \
	"$KD" scan --root "$R/clean" -o "$C/nodir/r.json"
err_case "output onto a directory" "cannot write $C: it is a directory" "$KD" scan --root "$R/clean" -o "$C"
check "no report left behind by a refused output" test ! -e "$C/nodir"
err_case "scan with a file operand" "scan takes no file arguments" "$KD" scan "$M/kdt_neutral.ko"

# rules check of several files: each file's first error
printf 'rule X-1 {\n\ttitle "a"\n\tseverity bogus\n}\n' >"$C/bad1.rules"
printf 'rule X-2 {\n\ttitle "b"\n\tseverity high\n\tmatch any {\n\t\tpackage.name frobs "x"\n\t}\n}\n' >"$C/bad2.rules"
set +e
"$KD" rules check "$C/bad1.rules" "$C/bad2.rules" 2>"$C/err"
RC=$?
set -e
expect_rc 2 "rules check of two bad files"
check "rules check reports the first error of each file" \
	bash -c "grep -qE '^kdetect: $C/bad1.rules:3:[0-9]+: ' '$C/err' && grep -qE '^kdetect: $C/bad2.rules:5:[0-9]+: ' '$C/err'"

# ---- the output is prepared before the scan: an unwritable target costs no scan
if command -v strace >/dev/null; then
	set +e
	strace -f -qq -e trace=open,openat,openat2 -o "$C/strace" \
		"$KD" scan --root "$R/clean" -o "$C/nodir/r.json" 2>/dev/null
	set -e
	check "unwritable output: refused before any module file is opened" \
		bash -c "! grep -q 'kdt_neutral.ko' '$C/strace'"
fi

# ---- -o: always written (also with --quiet), replaced whole, never truncated in place
set +e
out=$("$KD" scan --quiet --root "$R/clean" -f json -o "$C/quiet.json")
RC=$?
set -e
expect_rc 0 "--quiet -o on a clean root"
check "--quiet -o prints nothing on standard output" test -z "$out"
report_made "$C/quiet.json"
jqt "--quiet -o still writes the whole report" "$C/quiet.json" '.schema == "kdetect-report/1" and .summary.exit_status == 0'
check "--quiet -o leaves no temporary file" bash -c "! ls -A '$C' | grep -q kdetect-"

# a full disk (here: the file size limit) leaves the previous report intact
cp "$C/quiet.json" "$C/keep.json"
set +e
bash -c "trap '' XFSZ; ulimit -f 1; exec '$KD' scan --root '$R/clean' -f json -o '$C/keep.json'" 2>"$C/err"
RC=$?
set -e
expect_rc 2 "a write error is an error"
check "a write error names the file and the reason" grep -q "cannot write $C/keep.json: File too large" "$C/err"
check "a write error leaves the previous report as it was" cmp -s "$C/quiet.json" "$C/keep.json"
check "a write error removes the temporary file" bash -c "! ls -A '$C' | grep -q kdetect-"

# a file at the target is replaced, not written through: a symlink to a file, another user's file
ln -s "$C/victim" "$C/link.json"
: >"$C/victim"
"$KD" scan --root "$R/clean" -f json -o "$C/link.json" >/dev/null || true
check "a symlink at the target is replaced, not followed" bash -c "[ ! -L '$C/link.json' ] && [ ! -s '$C/victim' ]"
# a FIFO is written in place: with a reader the report arrives, without one it fails at once
mkfifo "$C/fifo.json"
set +e
timeout 60 "$KD" scan --root "$R/clean" -f json -o "$C/fifo.json" >/dev/null 2>"$C/err"
RC=$?
set -e
expect_rc 2 "-o onto a FIFO nobody reads fails at once, does not block"
check "-o onto a FIFO nobody reads says so" grep -q "cannot write $C/fifo.json: no process reads from it" "$C/err"
cat "$C/fifo.json" >"$C/from-fifo.json" &
reader=$!
set +e
timeout 60 "$KD" scan --root "$R/clean" -f json -o "$C/fifo.json" >/dev/null
RC=$?
set -e
wait "$reader" || true
expect_rc 0 "-o onto a FIFO with a reader"
check "the FIFO stays a FIFO" test -p "$C/fifo.json"
report_made "$C/from-fifo.json"
jqt "the reader of the FIFO gets the whole report" "$C/from-fifo.json" '.schema == "kdetect-report/1"'
if [ "$(id -u)" -eq 0 ]; then
	echo old >"$C/theirs.json"
	chown 65534:65534 "$C/theirs.json"
	chmod 0666 "$C/theirs.json"
	"$KD" scan --root "$R/clean" -f json -o "$C/theirs.json" >/dev/null || true
	check "another user's file at the target is replaced by ours (owner, mode 0644)" \
		bash -c "[ \"\$(stat -c '%u %a' '$C/theirs.json')\" = '0 644' ]"
	# a device node (here a private /dev/null) is written to, never replaced by a file
	mknod "$C/null" c 1 3
	"$KD" scan --root "$R/clean" -f json -o "$C/null" >/dev/null || true
	check "-o onto a character device leaves it a device" test -c "$C/null"
	check "-o onto a character device leaves no temporary file" bash -c "! ls -A '$C' | grep -q kdetect-"
fi

# -o - is standard output
mkdir -p "$C/cwd"
kd_abs=$(realpath "$KD")
clean_abs=$(realpath "$R/clean")
(cd "$C/cwd" && "$kd_abs" scan --root "$clean_abs" -f json -o - >../stdout.json) || true
report_made "$C/stdout.json"
jqt "-o - writes to standard output" "$C/stdout.json" '.schema == "kdetect-report/1"'
check "-o - creates no file named -" bash -c "[ -z \"\$(ls -A '$C/cwd')\" ]"

# ---- options after operands; inspect - reads standard input
"$KD" inspect "$M/kdt_klsigned.ko" --format json --cert "$PKI/kl/cert.pem" -o "$C/after.json" >/dev/null || true
report_made "$C/after.json"
jqt "options after the operand are options" "$C/after.json" \
	'[.modules[] | {name, s: .signature.status}] == [{"name":"kdt_klsigned","s":"valid"}]'
set +e
"$KD" inspect -f json - <"$M/kdt_klsigned.ko" >"$C/stdin.json"
RC=$?
set -e
expect_rc 1 "inspect - finds the Kaspersky-signed module on standard input"
report_made "$C/stdin.json"
jqt "inspect - reads the module from a redirected file" "$C/stdin.json" \
	'[.modules[] | {name, path, s: .signature.status}] == [{"name":"kdt_klsigned","path":"(standard input)","s":"unverifiable"}]'
set +e
xz -dc "$M/kdt_klsigned.ko.xz" | "$KD" inspect -f json --cert "$PKI/kl/cert.pem" - >"$C/pipe.json"
RC=$?
set -e
report_made "$C/pipe.json"
jqt "inspect - reads from a pipe" "$C/pipe.json" \
	'[.modules[] | {name, s: .signature.status}] == [{"name":"kdt_klsigned","s":"valid"}]'
err_case "inspect - twice" "standard input\\) given more than once" "$KD" inspect - - </dev/null

# ---- Kaspersky's Russian legal name: exact UTF-8, Cyrillic case folded, look-alikes not matched
# (certificates made by openssl: UTF8String, and BMPString as string_mask=default writes
# Cyrillic; a module signed with the kernel's sign-file by the first)
RU=$C/ru
mkdir -p "$RU"
ru_cert() {	# NAME O [string_mask]
	local cnf=$RU/$1.cnf
	printf '[req]\ndistinguished_name=dn\nstring_mask=%s\n[dn]\n' "${3:-utf8only}" >"$cnf"
	openssl req -x509 -newkey rsa:2048 -nodes -keyout "$RU/$1.key" -out "$RU/$1.pem" -days 30 \
		-config "$cnf" -utf8 -subj "/O=$2/CN=kdetect test" 2>/dev/null
}
ru_cert upper 'АО «ЛАБОРАТОРИЯ КАСПЕРСКОГО»'
ru_cert bmp 'АО "Лаборатория Касперского"' default
ru_cert lookalike 'АО Лaбopaтopия Касперского'	# Latin a, o, p
check "string_mask=default writes the name as a BMPString" \
	bash -c "openssl asn1parse -in '$RU/bmp.pem' | grep -q BMPSTRING"
for n in upper bmp lookalike; do
	set +e
	"$KD" inspect -f json "$RU/$n.pem" >"$RU/$n.json"
	RC=$?
	set -e
	report_made "$RU/$n.json"
	eval "rc_$n=$RC"
done
RC=$rc_upper; expect_rc 1 "a certificate naming ЛАБОРАТОРИЯ КАСПЕРСКОГО in capitals is a finding"
jqt "... by the Russian-name rule, with the name as UTF-8 in evidence" "$RU/upper.json" \
	'[.findings[] | select(.rule == "KL-CERT-004") | .evidence["cert.subject.O"][0]] == ["АО «ЛАБОРАТОРИЯ КАСПЕРСКОГО»"]'
RC=$rc_bmp; expect_rc 1 "a BMPString organisation name is read as UTF-8 and matched"
jqt "... KL-CERT-004" "$RU/bmp.json" '[.findings[].rule] == ["KL-CERT-004"]'
RC=$rc_lookalike; expect_rc 0 "Latin look-alike letters are not Kaspersky's name"
jqt "... no finding" "$RU/lookalike.json" '.findings == []'
cp "$M/kdt_neutral-unsigned.ko" "$RU/kdt_ru.ko"
"$(ls -d /usr/lib/linux-kbuild-*/scripts/sign-file | sort -V | tail -n 1)" sha256 \
	"$RU/upper.key" "$RU/upper.pem" "$RU/kdt_ru.ko"
set +e
"$KD" inspect -f json --cert "$RU/upper.pem" "$RU/kdt_ru.ko" >"$RU/mod.json"
RC=$?
set -e
report_made "$RU/mod.json"
expect_rc 1 "a module signed by a certificate with the Russian name is a finding"
jqt "... valid, and the signer's certificate matched KL-CERT-004" "$RU/mod.json" \
	'(.modules[0].signature.status == "valid") and ([.findings[].rules[]] | index("KL-CERT-004") != null)'

# ---- what could not be seen makes the scan incomplete, and says which
# a walk cut short by depth: module tree and install tree
rm -rf "$C/deep" && cp -a "$R/clean" "$C/deep"
d="$C/deep/opt/vendor"
for i in $(seq 1 30); do d="$d/d$i"; done
mkdir -p "$d" && echo x >"$d/file.txt"
d="$C/deep/lib/modules/$(cat "$OUT/kmods/release")/extra"
for i in $(seq 1 20); do d="$d/d$i"; done
mkdir -p "$d" && cp "$M/kdt_klsigned.ko" "$d/"
run_scan deep --root "$C/deep"
expect_rc 3 "a walk cut short by depth makes a clean scan incomplete"
jqt "depth: the install tree walk says which directories it did not enter" "$OUT/r-deep.json" \
	'.coverage[] | select(.source == "/opt") | .status == "error" and (.detail | test("1 directory nested deeper than 24 levels not walked"))'
jqt "depth: the module walk says so too" "$OUT/r-deep.json" \
	'.coverage[] | select(.source | startswith("/lib/modules/")) | select(.detail | test("nested deeper")) | .status == "error"'
jqt "depth: summary incomplete" "$OUT/r-deep.json" '.summary.incomplete'

# a live host whose /proc and /sys are not mounted (a chroot, a container)
if [ -z "${KD_SANITIZER:-}" ]; then
	CH=$OUT/chroot-noproc
	make_chroot "$R/clean" "$CH"
	rm -rf "$CH/proc" "$CH/sys"
	mkdir "$CH/proc" "$CH/sys"
	set +e
	chroot "$CH" /kdetect scan --format json >"$C/noproc.json" 2>/dev/null
	RC=$?
	set -e
	expect_rc 3 "live scan without /proc and /sys mounted"
	report_made "$C/noproc.json"
	jqt "live without /proc and /sys: both are errors that say what to do" "$C/noproc.json" \
		'[.coverage[] | select(.source == "/proc" or .source == "/sys") | .status] == ["error","error"] and (.coverage[] | select(.source == "/proc") | .detail | test("not mounted.*mount -t proc"))'
	rm -rf "$CH/proc"
	set +e
	chroot "$CH" /kdetect scan --format json >"$C/noproc2.json" 2>/dev/null
	RC=$?
	set -e
	expect_rc 3 "live scan without a /proc directory at all"
fi

# not root on a live host: root's processes cannot be inspected, and coverage says how many
if command -v setpriv >/dev/null && [ "$(id -u)" -eq 0 ] && [ -z "${KD_SANITIZER:-}" ]; then
	set +e
	setpriv --reuid=65534 --regid=65534 --clear-groups "$KD" scan --format json >"$C/nonroot.json" 2>/dev/null
	set -e
	report_made "$C/nonroot.json"
	jqt "not root: processes denied, with the count of root's hidden executables" "$C/nonroot.json" \
		'.coverage[] | select(.source == "processes") | .status == "denied" and (.detail | test("[1-9][0-9]* owned by root whose executable could not be read"))'
fi

finish e2e-cli
