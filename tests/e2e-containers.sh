#!/usr/bin/env bash
# e2e-containers.sh - end-to-end tests of container storage (src/sources/containers.c):
# Kaspersky Scan Engine inside an image and a container of real Podman storage (vfs and
# overlay drivers), of real containerd storage (made by containerd and ctr; its bbolt
# databases also broken four ways) and of Docker's layout (a mock: dockerd does not run
# here), benign images, and hostile storage (tests/mkroots-containers.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
. tests/lib.sh

C=$OUT/containers
echo "e2e-containers: building fixture roots"
tests/mkroots-containers.sh "$C" >/dev/null

ENG='/opt/kaspersky/ScanEngine/bin'
# an image's digest as ctr listed it when the fixture was made
cd_digest() { awk -v n="$2" '$1 == n { print $2 }' "$1.digests"; }
cov() { jq -r --arg s "$2" '[.coverage[] | select(.source == $s)][0].detail' "$1"; }

for drv in vfs overlay; do
	src="/var/lib/containers/storage (podman $drv)"
	run_scan "ctr-podman-kav-$drv" --root "$C/podman-kav-$drv"
	J=$OUT/r-ctr-podman-kav-$drv.json
	expect_rc 1 "podman $drv: Scan Engine in an image"
	# the finding names the image (repo:tag and id) and the container (name and id)
	jqt "podman $drv: KL-FILE-006 names image and container" "$J" \
		'[.findings[] | select(.rule == "KL-FILE-006" and
			.evidence["image.name"] == ["localhost/example/kav-image:1.0"] and
			(.evidence["image.id"] | length) == 1 and
			.evidence["container.name"] == ["kav-box"] and
			(.evidence["container.id"][0] | test("^[0-9a-f]{64}$")) and
			.evidence["container.storage"] == "podman \($d)" and
			(.evidence.file | index("\($e)/kavhttpd")) and
			(.path | startswith("/var/lib/containers/storage/")))] | length >= 1' \
		--arg d "$drv" --arg e "$ENG"
	# the rules keep their severity: the engine by name is medium, its default directory high
	jqt "podman $drv: KL-ENG-003 stays medium" "$J" \
		'[.findings[] | select(.rule == "KL-ENG-003")] | length >= 1 and all(.severity == "medium")'
	jqt "podman $drv: the image id is the one podman gave" "$J" \
		'[.findings[] | .evidence["image.id"][]?] | unique == [$id]' \
		--arg id "$(jq -r '.[0].id' "$C/podman-kav-$drv/var/lib/containers/storage/$drv-images/images.json")"
	jqt "podman $drv: coverage counts images, containers, layers" "$J" \
		'[.coverage[] | select(.source == $s and .status == "ok" and
			(.detail | test("^1 images, 1 containers, 2 layers \\(2 walked\\), [1-9][0-9]* files")))] | length == 1' \
		--arg s "$src"

	run_scan "ctr-podman-benign-$drv" --root "$C/podman-benign-$drv"
	J=$OUT/r-ctr-podman-benign-$drv.json
	expect_rc 0 "podman $drv: benign image"
	# (its layer's /opt/acme/data -> /data would reach the root's /data/opt/kaspersky/...)
	jqt "podman $drv benign: no finding, no absolute symlink of a layer followed" "$J" \
		'.findings | length == 0'
	d=$(cov "$J" "$src")
	echo "  podman $drv benign: $d"
	check "podman $drv benign: coverage says images, layers, files walked" \
		grep -Eq '^1 images, 1 containers, 2 layers \(2 walked\), [1-9][0-9]* files' <<<"$d"
done

run_scan ctr-docker --root "$C/docker-kav"
J=$OUT/r-ctr-docker.json
expect_rc 1 "docker: Scan Engine in an image layer and in a container's read-write layer"
jqt "docker: the image layer's finding names image and container" "$J" \
	'[.findings[] | select(.rule == "KL-FILE-006" and .evidence["image.name"] == ["example/kav-engine:1.0"]
		and .evidence["container.name"] == ["kavbox"]
		and (.evidence["image.id"][0] | test("^sha256:[0-9a-f]{64}$"))
		and (.evidence["layer.id"] | startswith("sha256:"))
		and (.evidence["layer.path"] | test("^/var/lib/docker/overlay2/[0-9a-f]{64}/diff$"))
		and (.evidence["layer.path"] as $l | .path | startswith($l + "/opt/kaspersky/ScanEngine/bin/")))] | length == 1'
jqt "docker: the read-write layer's finding is the container's" "$J" \
	'[.findings[] | select(.rule == "KL-ENG-003" and .evidence.file == ["/opt/vendor/engine/bin/klScanEngineUI"]
		and (.evidence["layer.id"] | startswith("container:"))
		and .evidence["container.name"] == ["kavbox"] and .severity == "medium")] | length == 1'
jqt "docker: the benign image has no finding" "$J" \
	'[.findings[] | select(.evidence["image.name"] | index("example/benign:2.0"))] | length == 0'
jqt "docker: coverage" "$J" \
	'[.coverage[] | select(.source == "/var/lib/docker (docker overlay2)" and .status == "ok" and
		(.detail | test("^2 images, 1 containers, 3 layers \\(3 walked\\)")))] | length == 1'

# a container's findings are one thing of their own, never the host's product
# (the root has Scan Engine of its own in /opt/kaspersky/ScanEngine, as the image has)
jqt "docker: the host's own Scan Engine is found, as the host's" "$J" \
	'[.findings[] | select(.rule == "KL-FILE-006" and .evidence["layer.id"] == null and
		.path == "/opt/kaspersky/ScanEngine/bin/kavhttpd")] | length == 1'
jqt "docker: the image's findings are not joined with the host's" "$J" \
	'([.findings[] | select(.evidence["layer.id"] == null) | .group] | unique) as $host |
	 [.findings[] | select(.evidence["layer.id"] != null) | .group] | all(. as $g | $host | index($g) == null)'

run_scan ctr-containerd --root "$C/containerd"
J=$OUT/r-ctr-containerd.json
CDS=/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots
expect_rc 1 "containerd: Scan Engine in a snapshot"
# the snapshot is named by its key (from the snapshotter's metadata.db), the image and
# the container by containerd's meta.db
jqt "containerd: the finding names image, container and snapshot key" "$J" \
	'[.findings[] | select(.rule == "KL-FILE-006" and
		.evidence["image.name"] == ["localhost/example/kav-image:1.0"] and
		(.evidence["image.id"][0] | test("^sha256:[0-9a-f]{64}$")) and
		.evidence["container.name"] == ["kav-box"] and .evidence["container.id"] == ["kav-box"] and
		(.evidence["layer.id"] | test("^default/[0-9]+/sha256:[0-9a-f]{64}$")) and
		(.evidence["layer.path"] | test("^" + $s + "/[0-9]+/fs$")))] | length >= 1' --arg s "$CDS"
jqt "containerd: the image id is the manifest digest ctr lists" "$J" \
	'[.findings[] | .evidence["image.id"][]?] | unique == [$d]' \
	--arg d "$(cd_digest "$C/containerd" localhost/example/kav-image:1.0)"
jqt "containerd: the benign image has no finding" "$J" \
	'[.findings[] | select(.evidence["image.name"] | index("localhost/example/benign-image:1.0"))] | length == 0'
jqt "containerd: coverage counts images, containers, snapshots, all named" "$J" \
	'[.coverage[] | select(.source == "/var/lib/containerd (containerd overlayfs)" and .status == "ok" and
		(.detail | test("^2 images, 1 containers, 3 layers \\(3 walked\\)")) and
		(.detail | test("; 3 snapshots named by their keys \\(metadata.db\\), images and containers by meta.db")) and
		(.detail | test("named by number|no overlayfs snapshot") | not))] | length == 1'
jqt "containerd: its unused built-in snapshotters (btrfs, native) are no gap" "$J" \
	'[.coverage[] | select(.status == "error")] | length == 0'

# hostile bbolt files: coverage says why, the scan is incomplete, nothing crashes
run_scan ctr-containerd-bad1 --root "$C/containerd-bad1"
J=$OUT/r-ctr-containerd-bad1.json
expect_rc 3 "containerd: bad magic, bad checksums: incomplete"
for want in 'overlayfs/metadata.db: not read: no valid meta page.*snapshots named by number' \
	'meta.db: not read: no valid meta page.*images and containers not named'; do
	jqt "containerd bad1: coverage says '$want'" "$J" \
		'[.coverage[] | select(.status == "error" and (.detail | test($w)))] | length == 1' --arg w "$want"
done
jqt "containerd bad1: the snapshots are still walked, by number" "$J" \
	'[.coverage[] | select(.status == "ok" and (.detail | test("3 layers \\(3 walked\\).*3 snapshots not in .*named by number")))] | length == 1'
run_scan ctr-containerd-bad2 --root "$C/containerd-bad2"
J=$OUT/r-ctr-containerd-bad2.json
expect_rc 3 "containerd: page id out of range, a cycle: incomplete"
for want in 'overlayfs/metadata.db: not read whole: page id out of range' \
	'meta.db: not read whole: page reached twice \(a cycle\)'; do
	jqt "containerd bad2: coverage says '$want'" "$J" \
		'[.coverage[] | select(.status == "error" and (.detail | test($w)))] | length == 1' --arg w "$want"
done

run_scan ctr-hostile --root "$C/hostile"
J=$OUT/r-ctr-hostile.json
expect_rc 3 "hostile storage: incomplete, not a crash"
for want in 'not read: JSON nested deeper than the cap' 'layers past the cap of 4096 not read' \
	'layer chain longer than 128 \(or a loop\)' '^2 layers not walked: no content directory' \
	'/var/lib/docker/image/btrfs: storage driver btrfs not read' \
	'storage/btrfs-layers: storage driver btrfs not read' \
	'snapshotter.v1.native: storage driver native not read'; do
	jqt "hostile: coverage says '$want'" "$J" \
		'[.coverage[] | select(.status == "error" and (.detail | test($w)))] | length >= 1' --arg w "$want"
done
# a layer directory that is a symlink (to / or outside the storage) is never walked
jqt "hostile: nothing found through a symlinked layer" "$J" \
	'[.findings[] | select(.evidence["layer.id"] != null)] | length == 0'
finish e2e-containers
