#!/usr/bin/env bash
# Build a local AWS-Lambda-like python3.13 (x86_64) image for `sam local`
# without pulling anything from a container registry.
#
#   tools/samlocal/build-image.sh          # idempotent; prints the image name last
#   SAMLOCAL_FORCE=1 tools/samlocal/build-image.sh   # rebuild even if up to date
#   tools/samlocal/build-image.sh --runtime # only make sure docker runs (install, start dockerd)
#
# Steps: (a) apt-get install docker.io/debootstrap if missing, (b) start dockerd
# if `docker info` fails, (c) build the image from a cached debootstrap rootfs +
# the host's pyenv python3.13 + awslambdaric/boto3 from PyPI, unless an image
# with the same input hash (label sendme.samlocal.hash) already exists.
# All progress goes to stderr; the last line of stdout is the image name.
set -euo pipefail

IMAGE="${SAMLOCAL_IMAGE:-sendme-lambda-python3.13:local}"
AWSLAMBDARIC_VERSION="${SAMLOCAL_AWSLAMBDARIC_VERSION:-4.2.2}"
BOTO3_VERSION="${SAMLOCAL_BOTO3_VERSION:-1.44.5}"
SUITE="${SAMLOCAL_SUITE:-bookworm}"
DEB_INCLUDE="ca-certificates,tzdata"
CACHE_DIR="${XDG_CACHE_HOME:-$HOME/.cache}/sendme-samlocal"
DOCKERD_LOG="${SAMLOCAL_DOCKERD_LOG:-/tmp/sendme-samlocal-dockerd.log}"
LABEL_KEY="sendme.samlocal.hash"
PYVER="3.13"

SCRIPT_PATH="$(readlink -f "${BASH_SOURCE[0]}")"
SELF="$(basename "$SCRIPT_PATH")"

# Keep stdout clean: everything goes to stderr, fd 3 is the real stdout.
exec 3>&1 1>&2

log() { printf '[%s] %s\n' "$SELF" "$*" >&2; }
die() { printf '%s: error: %s\n' "$SELF" "$*" >&2; exit 1; }

if [ "$(id -u)" -eq 0 ]; then SUDO=(); else SUDO=(sudo); fi
as_root() { "${SUDO[@]}" "$@"; }

# ---------------------------------------------------------------- (a) packages
ensure_packages() {
    local missing=()
    command -v dockerd >/dev/null 2>&1 || missing+=(docker.io)
    if [ "${1:-}" != --runtime ]; then
        command -v debootstrap >/dev/null 2>&1 || [ -x /usr/sbin/debootstrap ] || missing+=(debootstrap)
    fi
    "$(dirname "$SCRIPT_PATH")/../apt-install.sh" "${missing[@]}" || die "could not install ${missing[*]}"
    command -v docker >/dev/null 2>&1 || die "docker client not found after installing docker.io"
}

# ---------------------------------------------------------------- (b) dockerd
ensure_dockerd() {
    if docker info >/dev/null 2>&1; then return 0; fi
    if [ -n "${DOCKER_HOST:-}" ] && [[ "$DOCKER_HOST" != unix:///var/run/docker.sock ]]; then
        echo "$SELF: docker daemon at DOCKER_HOST=$DOCKER_HOST is not reachable" >&2
        exit 1
    fi
    log "docker daemon not reachable; starting dockerd (log: $DOCKERD_LOG)"
    # A pid file left behind by a killed dockerd makes the new one refuse to start.
    if [ -f /var/run/docker.pid ] && ! kill -0 "$(cat /var/run/docker.pid 2>/dev/null)" 2>/dev/null; then
        as_root rm -f /var/run/docker.pid
    fi
    # fd 3 is the caller's stdout: a dockerd holding it open would keep `$(build-image.sh)` waiting.
    as_root setsid nohup dockerd >"$DOCKERD_LOG" 2>&1 </dev/null 3>&- &
    local pid=$! i
    for i in $(seq 1 60); do
        if docker info >/dev/null 2>&1; then
            log "dockerd is up after ${i}s"
            return 0
        fi
        if ! kill -0 "$pid" 2>/dev/null && ! docker info >/dev/null 2>&1; then
            echo "$SELF: dockerd exited during startup: $(tail -n 1 "$DOCKERD_LOG" 2>/dev/null | cut -c1-300) (full log: $DOCKERD_LOG)" >&2
            exit 1
        fi
        sleep 1
    done
    echo "$SELF: docker daemon did not become ready within 60s (see $DOCKERD_LOG)" >&2
    exit 1
}

# ---------------------------------------------------------------- inputs
find_python_prefix() {
    if [ -n "${SAMLOCAL_PYTHON_PREFIX:-}" ]; then echo "$SAMLOCAL_PYTHON_PREFIX"; return; fi
    local root="${PYENV_ROOT:-$HOME/.pyenv}" best
    # highest installed pyenv 3.13.N (plain CPython builds only)
    best="$(find "$root/versions" -mindepth 1 -maxdepth 1 -name "$PYVER.*" -printf '%f\n' 2>/dev/null |
            grep -E "^${PYVER//./\\.}\.[0-9]+$" | sort -V | tail -n 1 || true)"
    if [ -z "$best" ] || [ ! -x "$root/versions/$best/bin/python$PYVER" ]; then
        die "no pyenv python $PYVER found under $root/versions (set SAMLOCAL_PYTHON_PREFIX)"
    fi
    echo "$root/versions/$best"
}

debian_mirror() {
    if [ -n "${SAMLOCAL_DEBIAN_MIRROR:-}" ]; then echo "$SAMLOCAL_DEBIAN_MIRROR"; return; fi
    local m=""
    # deb822 sources: first URIs whose entry is not the security archive
    if ls /etc/apt/sources.list.d/*.sources >/dev/null 2>&1; then
        m="$(awk 'tolower($1)=="uris:" && $2 !~ /security/ && $2 ~ /debian/ {print $2; exit}' /etc/apt/sources.list.d/*.sources)"
    fi
    if [ -z "$m" ] && [ -f /etc/apt/sources.list ]; then
        m="$(awk '$1=="deb" && $0 !~ /security/ {for(i=2;i<=NF;i++) if ($i ~ /^(https?|file):/) {print $i; exit}}' /etc/apt/sources.list)"
    fi
    # The machine's own sources name its mirror; a project never names one of its own.
    [ -n "$m" ] || die "no Debian mirror in /etc/apt/sources*: set SAMLOCAL_DEBIAN_MIRROR"
    echo "$m"
}

image_label() {
    docker image inspect -f "{{ index .Config.Labels \"$LABEL_KEY\" }}" "$1" 2>/dev/null || true
}

# ---------------------------------------------------------------- (c) build
build_rootfs_cache() {
    # Pristine debootstrap output, reused across builds. Echoes its path.
    local mirror key dir tmp
    mirror="$(debian_mirror)"
    key="$(printf '%s|%s|%s|%s' "$SUITE" minbase "$DEB_INCLUDE" "$mirror" | sha256sum | cut -c1-12)"
    dir="$CACHE_DIR/rootfs-$SUITE-minbase-$key"
    if [ -f "$dir/.complete" ]; then
        log "using cached rootfs $dir"
        echo "$dir"; return
    fi
    tmp="$dir.tmp"
    as_root rm -rf "$tmp"
    log "debootstrap --variant=minbase $SUITE from $mirror (one-off, cached in $dir)"
    as_root debootstrap --variant=minbase --include="$DEB_INCLUDE" "$SUITE" "$tmp" "$mirror" >"$CACHE_DIR/debootstrap.log" 2>&1 \
        || { tail -20 "$CACHE_DIR/debootstrap.log" >&2; die "debootstrap failed (log: $CACHE_DIR/debootstrap.log)"; }
    as_root rm -rf "$tmp"/var/cache/apt/archives/*.deb "$tmp"/var/lib/apt/lists/* \
        "$tmp"/usr/share/doc/* "$tmp"/usr/share/man/* "$tmp"/usr/share/info/*
    as_root touch "$tmp/.complete"
    as_root rm -rf "$dir"
    as_root mv "$tmp" "$dir"
    echo "$dir"
}

build_runtime_cache() {
    # /var/runtime contents (awslambdaric + boto3), reused across builds. Echoes its path.
    local py="$1" dir="$CACHE_DIR/runtime-py$PYVER-ric$AWSLAMBDARIC_VERSION-boto3-$BOTO3_VERSION"
    if [ -f "$dir/.complete" ]; then
        log "using cached runtime packages $dir"
        echo "$dir"; return
    fi
    rm -rf "$dir.tmp"
    log "pip install awslambdaric==$AWSLAMBDARIC_VERSION boto3==$BOTO3_VERSION"
    "$py" -m pip install -q --disable-pip-version-check --no-warn-script-location --root-user-action=ignore \
        --only-binary=:all: --cache-dir "$CACHE_DIR/pip" --target "$dir.tmp" \
        "awslambdaric==$AWSLAMBDARIC_VERSION" "boto3==$BOTO3_VERSION" >&2
    rm -rf "$dir.tmp/bin"
    touch "$dir.tmp/.complete"
    rm -rf "$dir"
    mv "$dir.tmp" "$dir"
    echo "$dir"
}

copy_missing_libs() {
    # Copy host shared libraries that the python tree / runtime extensions need
    # but the debootstrap rootfs lacks (same Debian release, so ABI-compatible).
    local root="$1" f lib
    local libs
    libs="$(
        { echo "$root/var/lang/bin/python$PYVER"
          find "$root/var/lang/lib" "$root/var/runtime" -name '*.so*' -type f; } |
        while read -r f; do
            { LD_LIBRARY_PATH="$root/var/lang/lib" ldd "$f" 2>/dev/null || true; } | awk '$2=="=>" && $3 ~ /^\// {print $3}'
        done | sort -u
    )"
    for lib in $libs; do
        case "$lib" in "$root"/* | */libpython*) continue ;; esac
        local base; base="$(basename "$lib")"
        if [ -e "$root$lib" ] || [ -e "$root/usr/lib/x86_64-linux-gnu/$base" ] || [ -e "$root/lib/x86_64-linux-gnu/$base" ]; then
            continue
        fi
        log "  + $lib"
        cp -L "$lib" "$root/usr/lib/x86_64-linux-gnu/$base"
    done
}

write_runtime_files() {
    local root="$1"
    mkdir -p "$root/var/task" "$root/opt" "$root/var/rapid" "$root/var/runtime" "$root/etc/ld.so.conf.d" "$root/usr/local/bin"
    chmod 1777 "$root/tmp"
    echo /var/lang/lib >"$root/etc/ld.so.conf.d/00-var-lang.conf"
    ln -sf /var/lang/bin/python$PYVER "$root/usr/local/bin/python3"
    ln -sf /var/lang/bin/python$PYVER "$root/usr/local/bin/python"

    # Started by the RIE (/var/rapid/aws-lambda-rie, mounted/added by SAM), as in the
    # public.ecr.aws/lambda/python images.
    cat >"$root/var/runtime/bootstrap" <<'EOF'
#!/bin/sh
export AWS_EXECUTION_ENV="${AWS_EXECUTION_ENV:-AWS_Lambda_python3.13}"
HANDLER="${_HANDLER:-${AWS_LAMBDA_FUNCTION_HANDLER:-}}"
if [ -z "$HANDLER" ]; then
  echo "bootstrap: no handler (_HANDLER / AWS_LAMBDA_FUNCTION_HANDLER unset)" >&2
  exit 1
fi
export _HANDLER="$HANDLER"
cd "${LAMBDA_TASK_ROOT:-/var/task}"
if [ -n "${AWS_LAMBDA_EXEC_WRAPPER:-}" ]; then
  exec "$AWS_LAMBDA_EXEC_WRAPPER" /var/lang/bin/python3.13 -m awslambdaric "$HANDLER"
fi
exec /var/lang/bin/python3.13 -m awslambdaric "$HANDLER"
EOF
    chmod 755 "$root/var/runtime/bootstrap"

    # Image ENTRYPOINT, mirroring the official /lambda-entrypoint.sh, so that
    # `docker run IMAGE app.handler` (with a RIE present) also works.
    cat >"$root/lambda-entrypoint.sh" <<'EOF'
#!/bin/sh
if [ $# -ne 1 ]; then
  echo "entrypoint requires the handler name to be the first argument" 1>&2
  exit 142
fi
export _HANDLER="$1"
RUNTIME_ENTRYPOINT=/var/runtime/bootstrap
if [ -z "${AWS_LAMBDA_RUNTIME_API:-}" ]; then
  for rie in /usr/local/bin/aws-lambda-rie /var/rapid/aws-lambda-rie; do
    [ -x "$rie" ] && exec "$rie" "$RUNTIME_ENTRYPOINT"
  done
  echo "no aws-lambda-rie found and AWS_LAMBDA_RUNTIME_API unset" 1>&2
  exit 1
fi
exec "$RUNTIME_ENTRYPOINT"
EOF
    chmod 755 "$root/lambda-entrypoint.sh"
}

remove_stale_images() {
    # Images built FROM an older build (e.g. SAM's "<repo>:rapid-x86_64" and
    # "samcli/lambda-python:3.13-x86_64-<layers>") inherit our label; SAM would
    # keep reusing them, so drop every labelled image whose hash is not current.
    # Several passes: a stale image can have stale children (docker's build cache
    # shares layers between SAM's rapid and layer images), which must go first.
    local new_hash="$1" id h stale
    for _ in 1 2 3 4 5; do
        stale=()
        for id in $(docker images -q --no-trunc --filter "label=$LABEL_KEY" | sort -u); do
            h="$(image_label "$id")"
            [ "$h" = "$new_hash" ] || stale+=("$id")
        done
        # untagged leftovers of a forced rebuild carry the current hash
        for id in $(docker images -q --no-trunc --filter dangling=true --filter "label=$LABEL_KEY" | sort -u); do
            stale+=("$id")
        done
        [ ${#stale[@]} -gt 0 ] || return 0
        for id in $(printf '%s\n' "${stale[@]}" | sort -u); do
            if docker rmi -f "$id" >/dev/null 2>&1; then log "removed stale image ${id#sha256:}"; fi
        done
    done
    log "warning: some stale images could not be removed (in use by containers?)"
}

build_image() {
    local py_prefix="$1" hash="$2" py_version="$3"
    local py="$py_prefix/bin/python$PYVER"
    mkdir -p "$CACHE_DIR"

    local rootfs runtime work root
    rootfs="$(build_rootfs_cache)"
    runtime="$(build_runtime_cache "$py")"

    work="$(mktemp -d "$CACHE_DIR/build.XXXXXX")"
    # shellcheck disable=SC2064
    trap "as_root rm -rf '$work'" EXIT
    root="$work/rootfs"
    log "assembling rootfs in $work"
    as_root cp -a "$rootfs" "$root"
    as_root rm -f "$root/.complete"

    log "copying python from $py_prefix to /var/lang"
    mkdir -p "$root/var/lang"
    tar -C "$py_prefix" -cf - \
        --exclude="./lib/python$PYVER/test" \
        --exclude="./lib/python$PYVER/idlelib" \
        --exclude="./lib/python$PYVER/tkinter" \
        --exclude="./lib/python$PYVER/turtledemo" \
        --exclude="./lib/python$PYVER/lib-dynload/_tkinter*" \
        --exclude="./lib/python$PYVER/site-packages/*" \
        --exclude="./lib/python$PYVER/config-$PYVER-x86_64-linux-gnu/*.a" \
        --exclude="./bin/idle*" --exclude="./bin/pip*" --exclude="./bin/pydoc*" \
        --exclude="__pycache__/*.opt-?.pyc" \
        . | tar -C "$root/var/lang" -xf -
    mkdir -p "$root/var/lang/lib/python$PYVER/site-packages"

    log "copying runtime packages to /var/runtime"
    mkdir -p "$root/var/runtime"
    cp -a "$runtime/." "$root/var/runtime/"
    rm -f "$root/var/runtime/.complete"

    write_runtime_files "$root"
    log "copying missing shared libraries"
    copy_missing_libs "$root"
    as_root chroot "$root" /sbin/ldconfig

    log "smoke-testing the interpreter inside the rootfs"
    as_root chroot "$root" /usr/bin/env -i PATH=/var/lang/bin:/usr/bin:/bin LANG=C.UTF-8 \
        PYTHONPATH=/var/runtime /var/lang/bin/python$PYVER -c '
import ssl, sqlite3, ctypes, lzma, bz2, zlib, uuid, decimal, hashlib, json, readline, zoneinfo
import awslambdaric, boto3
zoneinfo.ZoneInfo("Europe/Berlin")
print("python", __import__("sys").version.split()[0], "boto3", boto3.__version__, "ok")' >&2 \
        || die "python smoke test inside the rootfs failed"

    log "docker import -> $IMAGE"
    local envs=(
        "PATH=/var/lang/bin:/usr/local/bin:/usr/bin:/bin:/opt/bin"
        "LD_LIBRARY_PATH=/var/lang/lib:/lib64:/usr/lib64:/var/runtime:/var/runtime/lib:/var/task:/var/task/lib:/opt/lib"
        "LANG=C.UTF-8"
        "TZ=:UTC"
        "LAMBDA_TASK_ROOT=/var/task"
        "LAMBDA_RUNTIME_DIR=/var/runtime"
        "PYTHONPATH=/var/task:/opt/python/lib/python$PYVER/site-packages:/opt/python:/var/runtime"
    )
    local changes=() e
    for e in "${envs[@]}"; do changes+=(--change "ENV $e"); done
    changes+=(
        --change "WORKDIR /var/task"
        --change 'ENTRYPOINT ["/lambda-entrypoint.sh"]'
        --change "LABEL $LABEL_KEY=$hash"
        --change "LABEL sendme.samlocal.python=$py_version"
        --change "LABEL sendme.samlocal.awslambdaric=$AWSLAMBDARIC_VERSION"
        --change "LABEL sendme.samlocal.boto3=$BOTO3_VERSION"
    )
    as_root tar --numeric-owner -C "$root" -cf - . |
        docker import "${changes[@]}" --message "sendme samlocal $hash" - "$IMAGE" >/dev/null

    as_root rm -rf "$work"
    trap - EXIT
}

main() {
    ensure_packages "$@"
    ensure_dockerd
    if [ "${1:-}" = --runtime ]; then return 0; fi

    local py_prefix py_version hash current
    py_prefix="$(find_python_prefix)"
    py_version="$("$py_prefix/bin/python$PYVER" -c 'import sys; print(sys.version.split()[0])')"
    hash="$( { cat "$SCRIPT_PATH"; echo "python=$py_version"; echo "awslambdaric=$AWSLAMBDARIC_VERSION";
               echo "boto3=$BOTO3_VERSION"; echo "suite=$SUITE"; } | sha256sum | cut -c1-16)"

    mkdir -p "$CACHE_DIR"
    exec 9>"$CACHE_DIR/.lock"
    flock 9   # serialise concurrent invocations

    current="$(image_label "$IMAGE")"
    if [ "$current" = "$hash" ] && [ -z "${SAMLOCAL_FORCE:-}" ]; then
        log "$IMAGE is up to date ($LABEL_KEY=$hash)"
    else
        log "building $IMAGE (python $py_version, awslambdaric $AWSLAMBDARIC_VERSION, boto3 $BOTO3_VERSION, hash $hash)"
        local t0=$SECONDS
        build_image "$py_prefix" "$hash" "$py_version"
        remove_stale_images "$hash"
        log "built $IMAGE in $((SECONDS - t0))s"
    fi
    echo "$IMAGE" >&3
}

main "$@"
