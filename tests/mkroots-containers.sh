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
#   containerd     a MOCK of containerd's overlayfs snapshotter directories (snapshots/N/fs)
#   hostile        Docker and Podman storage crafted to hurt: an image config nested 10^5
#                  deep, a 4 MiB name, a layer directory that is a symlink to / and one to
#                  a directory outside the storage, a cycle of layer parents, 10^5 layers,
#                  storage drivers kdetect does not read (btrfs, containerd's native)
set -euo pipefail
D=$1
rm -rf "$D"
mkdir -p "$D"
RUN=$(mktemp -d)
trap 'rm -rf "$RUN"' EXIT

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

# ---- containerd (mock) ----
os_root "$D/containerd"
S=$D/containerd/var/lib/containerd/io.containerd.snapshotter.v1.overlayfs/snapshots
mkdir -p "$S/1/fs" "$S/2/fs" "$D/containerd/var/lib/containerd/io.containerd.metadata.v1.bolt"
cp -a "$T/benign/." "$S/1/fs/"
cp -a "$T/kav/." "$S/2/fs/"
: >"$D/containerd/var/lib/containerd/io.containerd.metadata.v1.bolt/meta.db"

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
	"$H/var/lib/containerd/io.containerd.snapshotter.v1.native"
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
