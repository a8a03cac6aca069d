#!/usr/bin/env bash
# Prints the image list for air-gapped mirroring (make images writes it to target/images.txt): one
# line per image the build made, from Jib's output files, then the base image they were built on.
#
#   tools/image-list.sh BASE_IMAGE    (BASE_IMAGE as Jib names it: tar:///abs.tar or a registry image)
#
# Columns: image (name:tag), manifest digest (Jib's jib-image.digest: the digest of the image as Jib
# pushes it), image ID (jib-image.id: the digest of the config blob, which stays the same through any
# copy such as skopeo's), the tar Jib wrote. docs/images.md says how to mirror them.
set -euo pipefail
cd "$(dirname "$0")/.."
base=${1:?usage: tools/image-list.sh BASE_IMAGE}

printf '# fednode images (name:tag  manifest-digest  image-id  tar)\n'
for module in operator hub anonymiser; do
    tar=$module/target/jib-image.tar
    [[ -f $tar && -f $module/target/jib-image.digest && -f $module/target/jib-image.id ]] \
        || { echo "no image in $module/target (run make images)" >&2; exit 1; }
    # The name Jib gave the image is in the tar's manifest.json (RepoTags).
    name=$(tar -xOf "$tar" manifest.json | python3 -c 'import json,sys; print(json.load(sys.stdin)[0]["RepoTags"][0])')
    printf '%s  %s  %s  %s\n' "$name" "$(cat "$module/target/jib-image.digest")" \
        "$(cat "$module/target/jib-image.id")" "$tar"
done
case $base in
    tar://*) src=docker-archive:${base#tar://} ;;
    *) src=docker://$base ;;
esac
base_id=sha256:$(skopeo inspect --raw --config "$src" | sha256sum | cut -d' ' -f1)
printf '# base (from.image)\n%s  -  %s  %s\n' "$base" "$base_id" "${base#tar://}"
