#!/usr/bin/env bash
# mkroots-containers.sh DIR - fixture roots with container storage, for tests/e2e-containers.sh:
#   podman-kav-{vfs,overlay}     real Podman storage (podman import/create, one root per
#                  driver): an image with Kaspersky Scan Engine files and a container of it
#   podman-benign-{vfs,overlay}  the same tools, an image of ordinary files and its container
#   docker-kav     a MOCK of Docker's overlay2 storage (no docker engine runs here), written
#                  as moby's daemon writes it (Docker 20.10-27: image/overlay2/repositories.json,
#                  imagedb/content/sha256/<image id> = the image config, whose id is the sha256
#                  of its bytes; layerdb/sha256/<chain id>/{diff,cache-id,parent}, chain id of
#                  the first layer = its diff id, then sha256("<parent chain id> <diff id>");
#                  overlay2/<cache-id>/diff; containers/<id>/config.v2.json and
#                  layerdb/mounts/<id>/{mount-id,parent}): an image of two layers, the engine
#                  in the second, and a container whose read-write layer adds a file; the
#                  root has Scan Engine of its own too
#   containerd     real containerd storage (overlayfs snapshotter): the Podman images
#                  imported by ctr, a container of the Scan Engine image
#   containerd-bad1, -bad2  its databases broken: bad magic, both metas' checksums
#                  wrong; a root page id past the file, a branch page that is its own child
#   hostile        Docker and Podman storage crafted to hurt: an image config nested 10^5
#                  deep, a 4 MiB name, a layer directory that is a symlink to / and one to
#                  a directory outside the storage, a cycle of layer parents, 10^5 layers,
#                  storage drivers kdetect does not read (btrfs, containerd's native)
set -euo pipefail
D=$1
rm -rf "$D"
mkdir -p "$D"
RUN=$(mktemp -d)
CD_PID=
# a containerd this script started never outlives it, whatever step fails
trap '[ -z "$CD_PID" ] || { kill "$CD_PID" 2>/dev/null; wait "$CD_PID" 2>/dev/null; }; rm -rf "$RUN"' EXIT

os_root() { mkdir -p "$1/etc" "$1/usr"; printf 'ID=debian\n' >"$1/etc/os-release"; }
sha() { sha256sum "$@" | cut -d' ' -f1; }

# a layer tarball from a directory tree
mklayer() {	# DIR TAR
	tar --sort=name --owner=0 --group=0 --numeric-owner --mtime=@0 -C "$1" -cf "$2" .
}

T=$RUN/trees
mkdir -p "$T/kav/opt/kaspersky/ScanEngine/bin" "$T/kav/opt/kaspersky/ScanEngine/lib" \
	"$T/benign/opt/acme/bin" "$T/benign/usr/bin"
printf 'kavehost\n' >"$T/kav/opt/kaspersky/ScanEngine/bin/kavehost"
printf 'kavhttpd\n' >"$T/kav/opt/kaspersky/ScanEngine/bin/kavhttpd"
printf 'appinfo\n' >"$T/kav/opt/kaspersky/ScanEngine/bin/appinfo.kli"
printf 'acme\n' >"$T/benign/opt/acme/bin/acme-server"
printf 'tool\n' >"$T/benign/usr/bin/tool"
ln -s / "$T/benign/opt/acme/root-link"		# an absolute symlink inside a layer
ln -s /etc/os-release "$T/benign/usr/bin/os"
ln -s /data "$T/benign/opt/acme/data"		# leads to the engine in the root's /data
mklayer "$T/kav" "$RUN/kav.tar"
mklayer "$T/benign" "$RUN/benign.tar"

pod() {	# ROOT DRIVER ARGS...
	local root=$1 drv=$2; shift 2
	podman --root "$root/var/lib/containers/storage" --runroot "$RUN/run-${root##*/}" \
		--storage-driver "$drv" "$@" >/dev/null 2>"$RUN/err" || { cat "$RUN/err" >&2; exit 1; }
}

# one driver per root: libpod's database remembers the driver it was made with
for c in kav benign; do
	for drv in vfs overlay; do
		os_root "$D/podman-$c-$drv"
		pod "$D/podman-$c-$drv" $drv import "$RUN/$c.tar" "example/$c-image:1.0"
		pod "$D/podman-$c-$drv" $drv create --name "$c-box" "example/$c-image:1.0" /bin/true
	done
done
# outside any walked place of the root, reachable only through a layer's absolute symlink
for drv in vfs overlay; do
	mkdir -p "$D/podman-benign-$drv/data/opt/kaspersky/ScanEngine/bin"
	printf 'x\n' >"$D/podman-benign-$drv/data/opt/kaspersky/ScanEngine/bin/kavhttpd"
done

# ---- Docker overlay2 (mock) ----
docker_root() {	# ROOT
	local r=$1/var/lib/docker
	mkdir -p "$r/image/overlay2/imagedb/content/sha256" "$r/image/overlay2/layerdb/sha256" \
		"$r/image/overlay2/layerdb/mounts" "$r/overlay2/l" "$r/containers"
	printf '{"Repositories":{}}' >"$r/image/overlay2/repositories.json"
}
# docker_layer ROOT TREE PARENT_CHAIN: prints the chain id; the diff id is the tar's sha256
docker_layer() {
	local r=$1/var/lib/docker tree=$2 parent=$3 diff chain cache
	mklayer "$tree" "$RUN/l.tar"
	diff=sha256:$(sha "$RUN/l.tar")
	if [ -z "$parent" ]; then chain=$diff; else chain=sha256:$(printf '%s %s' "$parent" "$diff" | sha); fi
	cache=$(printf '%s' "$chain-cache" | sha)
	mkdir -p "$r/image/overlay2/layerdb/sha256/${chain#sha256:}" "$r/overlay2/$cache/diff"
	tar -C "$r/overlay2/$cache/diff" -xf "$RUN/l.tar"
	printf '%s' "$diff" >"$r/image/overlay2/layerdb/sha256/${chain#sha256:}/diff"
	printf '%s' "$cache" >"$r/image/overlay2/layerdb/sha256/${chain#sha256:}/cache-id"
	[ -z "$parent" ] || printf '%s' "$parent" >"$r/image/overlay2/layerdb/sha256/${chain#sha256:}/parent"
	printf '%s\n' "$diff" >>"$RUN/diffs"
	echo "$chain"
}
# docker_image ROOT NAME:TAG TREE...: the image's layers, config and name; prints its id
docker_image() {
	local root=$1 name=$2 r=$1/var/lib/docker chain= id diffs; shift 2
	: >"$RUN/diffs"
	for t in "$@"; do chain=$(docker_layer "$root" "$t" "$chain"); done
	diffs=$(jq -R . "$RUN/diffs" | jq -sc .)
	jq -nc --argjson d "$diffs" '{architecture:"amd64",os:"linux",config:{Cmd:["/bin/sh"]},
		rootfs:{type:"layers",diff_ids:$d}}' >"$RUN/config.json"
	id=$(sha "$RUN/config.json")
	cp "$RUN/config.json" "$r/image/overlay2/imagedb/content/sha256/$id"
	jq -c --arg n "${name%:*}" --arg t "$name" --arg id "sha256:$id" \
		'.Repositories[$n] += {($t): $id}' "$r/image/overlay2/repositories.json" >"$RUN/repos"
	cp "$RUN/repos" "$r/image/overlay2/repositories.json"
	echo "$id|$chain"
}
# docker_container ROOT NAME IMAGE_ID TOP_CHAIN IMAGE_NAME TREE
docker_container() {
	local r=$1/var/lib/docker name=$2 img=$3 top=$4 iname=$5 tree=$6 id mount
	id=$(printf '%s' "container-$name" | sha)
	mount=$(printf '%s' "mount-$name" | sha)
	mkdir -p "$r/containers/$id" "$r/image/overlay2/layerdb/mounts/$id" "$r/overlay2/$mount/diff"
	cp -a "$tree/." "$r/overlay2/$mount/diff/"
	jq -nc --arg id "$id" --arg n "/$name" --arg img "sha256:$img" --arg in "$iname" \
		'{ID:$id,Name:$n,Image:$img,Driver:"overlay2",Config:{Image:$in,Cmd:["/bin/sh"]}}' \
		>"$r/containers/$id/config.v2.json"
	printf '%s' "$mount" >"$r/image/overlay2/layerdb/mounts/$id/mount-id"
	printf '%s' "$top" >"$r/image/overlay2/layerdb/mounts/$id/parent"
}

os_root "$D/docker-kav"
docker_root "$D/docker-kav"
# the host has Scan Engine of its own, which is not the image's
mkdir -p "$D/docker-kav/opt/kaspersky/ScanEngine/bin"
printf 'kavhttpd\n' >"$D/docker-kav/opt/kaspersky/ScanEngine/bin/kavhttpd"
mkdir -p "$T/rw/opt/vendor/engine/bin"
printf 'klScanEngineUI\n' >"$T/rw/opt/vendor/engine/bin/klScanEngineUI"
IFS='|' read -r img top < <(docker_image "$D/docker-kav" example/kav-engine:1.0 "$T/benign" "$T/kav")
docker_container "$D/docker-kav" kavbox "$img" "$top" example/kav-engine:1.0 "$T/rw"
docker_image "$D/docker-kav" example/benign:2.0 "$T/benign" >/dev/null

# ---- containerd (real: containerd and ctr run here, in their own root and socket) ----
# the images are the Podman ones above, saved as OCI archives and imported by ctr
for c in kav benign; do
	pod "$D/podman-$c-vfs" vfs save --format oci-archive -o "$RUN/$c-oci.tar" "example/$c-image:1.0"
done
cd_run() {	# ROOT: start containerd on ROOT/var/lib/containerd; sets CTR
	local st=$RUN/cd-${1##*/}
	mkdir -p "$st" "$1/var/lib/containerd"
	# its own config (the package's names /var/lib/containerd/opt of this host)
	printf 'version = 2\ndisabled_plugins = ["io.containerd.grpc.v1.cri"]\n[plugins."io.containerd.internal.v1.opt"]\n  path = "%s/opt"\n' \
		"$st" >"$st/config.toml"
	containerd --config "$st/config.toml" --root "$1/var/lib/containerd" --state "$st/state" \
		--address "$st/sock" >"$st/log" 2>&1 &
	CD_PID=$!
	CTR="ctr --address $st/sock"
	for _ in $(seq 100); do $CTR version >/dev/null 2>&1 && return; sleep 0.1; done
	cat "$st/log" >&2; echo "containerd did not start" >&2; exit 1
}
cd_stop() { kill "$CD_PID"; wait "$CD_PID" || true; CD_PID=; }
os_root "$D/containerd"
cd_run "$D/containerd"
$CTR image import "$RUN/kav-oci.tar" >/dev/null
$CTR image import "$RUN/benign-oci.tar" >/dev/null
$CTR container create localhost/example/kav-image:1.0 kav-box >/dev/null
# what ctr says each image's digest is (beside the root, for the test to compare)
$CTR image ls | awk 'NR > 1 { print $1, $3 }' >"$D/containerd.digests"
cd_stop

# hostile bbolt files: containerd's real databases, broken (tests/bbolt-break.py)
for h in 1 2; do
	mkdir -p "$D/containerd-bad$h"
	cp -a "$D/containerd/." "$D/containerd-bad$h/"
	# nothing to find in them, so what could not be read decides the exit status
	rm -rf "$D/containerd-bad$h"/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots/*/fs/opt/kaspersky
done
B=var/lib/containerd
python3 tests/bbolt-break.py magic "$D/containerd-bad1/$B/io.containerd.snapshotter.v1.overlayfs/metadata.db"
python3 tests/bbolt-break.py checksums "$D/containerd-bad1/$B/io.containerd.metadata.v1.bolt/meta.db"
python3 tests/bbolt-break.py range "$D/containerd-bad2/$B/io.containerd.snapshotter.v1.overlayfs/metadata.db"
python3 tests/bbolt-break.py cycle "$D/containerd-bad2/$B/io.containerd.metadata.v1.bolt/meta.db"

# ---- hostile ----
H=$D/hostile
os_root "$H"
docker_root "$H"
r=$H/var/lib/docker
IFS='|' read -r img top < <(docker_image "$H" example/ok:1 "$T/benign")
# an image config nested 10^5 deep
python3 -c 'print("{\"rootfs\":" + "[" * 100000 + "]" * 100000 + "}")' \
	>"$r/image/overlay2/imagedb/content/sha256/$(printf deep | sha)"
# a 4 MiB image name in repositories.json
python3 - "$r/image/overlay2/repositories.json" "$img" <<'PY'
import json, sys
p, img = sys.argv[1], sys.argv[2]
d = json.load(open(p))
d["Repositories"]["x" * (4 << 20)] = {"x" * (4 << 20) + ":1": "sha256:" + img}
json.dump(d, open(p, "w"))
PY
# layer directories that are symlinks: to /, and to a directory outside the storage
mkdir -p "$H/outside/opt/kaspersky/ScanEngine/bin"
printf 'x\n' >"$H/outside/opt/kaspersky/ScanEngine/bin/kavhttpd"
for t in slash outside; do
	c=$(printf '%s' "$t" | sha)
	mkdir -p "$r/image/overlay2/layerdb/sha256/$c"
	printf 'sha256:%s' "$c" >"$r/image/overlay2/layerdb/sha256/$c/diff"
	printf '%s' "$t-cache" >"$r/image/overlay2/layerdb/sha256/$c/cache-id"
done
ln -s / "$r/overlay2/slash-cache"
ln -s ../../../outside "$r/overlay2/outside-cache"
# storage drivers this reader does not know: said, not skipped in silence
mkdir -p "$r/image/btrfs" "$H/var/lib/containers/storage/btrfs-layers" \
	"$H/var/lib/containerd/io.containerd.snapshotter.v1.native/snapshots/1/etc"
# podman: a cycle of layer parents, an image on it, and 10^5 layers
python3 - "$H/var/lib/containers/storage" <<'PY'
import json, os, sys
s = sys.argv[1]
os.makedirs(s + "/vfs-layers"); os.makedirs(s + "/vfs-images"); os.makedirs(s + "/vfs/dir/a")
layers = [{"id": "a", "parent": "b"}, {"id": "b", "parent": "a"}]
layers += [{"id": "n%06d" % i, "parent": "n%06d" % (i - 1)} for i in range(1, 100000)]
json.dump(layers, open(s + "/vfs-layers/layers.json", "w"))
json.dump([{"id": "cyc", "names": ["example/cycle:1"], "layer": "a"}],
	  open(s + "/vfs-images/images.json", "w"))
PY
echo "fixtures in $D"
