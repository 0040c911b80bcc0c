#!/usr/bin/env bash
# Installs the hocai kit from this bundle (made by «hocai bundle») with no network at all, then opens the class.
#
#   bash install.sh [--check] [--no-start] [TARGET]
#
# TARGET: a checkout of the kit (make start BUNDLE=... passes its own folder) or a new folder (default ~/hocai),
# into which the kit's files are unpacked. Order: every checksum first (bash and coreutils only); then the
# Debian packages that are missing (apt, root or sudo); then the kit's files and a virtual environment
# built in a temporary folder, renamed into place only when complete. A failure removes what this run made.
set -euo pipefail
umask 022

BUNDLE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
RECOPY="hãy chép lại cả thư mục bộ cài từ máy gốc rồi chạy lại"
LOG="${TMPDIR:-/tmp}/hocai-install-$$.log"
CHECK_ONLY=0
START=1
TARGET=""

say() { printf '%s\n' "$*"; }
die() { printf '%s\n' "$*" >&2; exit 2; }

for arg in "$@"; do
  case "$arg" in
    --check) CHECK_ONLY=1 ;;
    --no-start) START=0 ;;
    -h|--help) sed -n '2,9p' "${BASH_SOURCE[0]}"; exit 0 ;;
    -*) die "Không hiểu tùy chọn «$arg»; cách dùng: bash install.sh [--check] [--no-start] [THƯ_MỤC]." ;;
    *) TARGET="$arg" ;;
  esac
done

# A top-level value of manifest.json (one key per line, compact values), and a list of strings as words.
manifest_value() { sed -n "s/^ \"$1\": \(.*\)$/\1/p" "$BUNDLE/manifest.json" | sed 's/,$//'; }
manifest_words() { manifest_value "$1" | tr -d '[]",'; }
others() { if [ "$1" -gt 0 ]; then printf ' và %s tệp khác' "$1"; fi; }

verify_bundle() {
  local sums="$BUNDLE/SHA256SUMS" report line problems want
  local -a missing=() damaged=()
  [ -f "$sums" ] || die "«$BUNDLE» không phải bộ cài hocai đầy đủ: thiếu tệp SHA256SUMS; $RECOPY."
  if [ ! -s "$sums" ] || grep -Evq '^[0-9a-f]{64} [ *][^/]' "$sums" || cut -c67- "$sums" | grep -Eq '(^|/)\.\.(/|$)'; then
    die "Bộ cài chưa đủ: danh sách tệp SHA256SUMS bị hỏng hoặc bị cắt ngắn; $RECOPY."
  fi
  report="$(cd "$BUNDLE" && LC_ALL=C sha256sum --check --quiet SHA256SUMS 2>/dev/null)" || true
  while IFS= read -r line; do
    case "$line" in
      *": FAILED open or read") missing+=("${line%: FAILED open or read}") ;;
      *": FAILED") damaged+=("${line%: FAILED}") ;;
    esac
  done <<< "$report"
  problems=$(( ${#missing[@]} + ${#damaged[@]} ))
  if [ "${#missing[@]}" -gt 0 ]; then
    die "Bộ cài chưa đủ: thiếu tệp «${missing[0]}»$(others $((problems - 1))); $RECOPY."
  fi
  if [ "${#damaged[@]}" -gt 0 ]; then
    die "Bộ cài bị hỏng: tệp «${damaged[0]}»$(others $((problems - 1))) không khớp mã kiểm tra (USB lỗi hoặc chép chưa xong); $RECOPY."
  fi
  want="$(manifest_value file_count)"
  if ! grep -q '  manifest.json$' "$sums" || [ "$(grep -c '' "$sums")" != "$(( ${want:-0} + 1 ))" ]; then
    die "Bộ cài chưa đủ: danh sách tệp SHA256SUMS bị hỏng hoặc bị cắt ngắn; $RECOPY."
  fi
}

is_installed() { [[ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" == ii* ]]; }

# The bundle's debs/ is a flat apt repository: apt resolves the missing packages against it and what this
# machine has, installs only what they need, and stops rather than remove anything (a blanket dpkg -i would
# upgrade libraries under the -dev packages pinned to them).
install_debs() {
  local -a lacking=() opts=()
  local pkg here there work sudo=""
  [ -f "$BUNDLE/debs/Packages" ] || return 0
  if ! command -v apt-get >/dev/null || ! command -v dpkg-query >/dev/null; then
    say "Máy này không dùng apt: bỏ qua phần gói hệ thống của bộ cài."
    return 0
  fi
  for pkg in $(manifest_words apt_packages); do is_installed "$pkg" || lacking+=("$pkg"); done
  [ "${#lacking[@]}" -gt 0 ] || return 0
  here="$(. /etc/os-release 2>/dev/null; echo "${ID:-?} ${VERSION_CODENAME:-?}")"
  there="$(manifest_words debian_id) $(manifest_words debian_codename)"
  if [ "$here" != "$there" ]; then
    say "Gói hệ thống trong bộ cài dành cho $there, máy này là $here: bỏ qua; hãy cài bằng apt khi có mạng: ${lacking[*]}."
    return 0
  fi
  if [ "$(id -u)" != 0 ]; then
    command -v sudo >/dev/null ||
      die "Cần quyền quản trị để cài gói hệ thống ${lacking[*]} từ bộ cài: hãy chạy lại bằng «sudo bash $0»."
    sudo="sudo"
  fi
  say "Cài gói hệ thống từ bộ cài (không cần mạng): ${lacking[*]}…"
  work="$(mktemp -d)"
  mkdir -p "$work/lists/partial" "$work/archives/partial" "$work/parts"
  printf 'deb [trusted=yes] file:%s ./\n' "${BUNDLE// /%20}/debs" > "$work/sources.list"
  opts=(-o "Dir::Etc::SourceList=$work/sources.list" -o "Dir::Etc::SourceParts=$work/parts"
        -o "Dir::State::Lists=$work/lists" -o "Dir::Cache::Archives=$work/archives" -o "Dir::Cache::pkgcache="
        -o "Dir::Cache::srcpkgcache=" -o "APT::Sandbox::User=root" -o "APT::Install-Recommends=false")
  if ! { $sudo apt-get -q "${opts[@]}" update &&
         $sudo env DEBIAN_FRONTEND=noninteractive apt-get -q -y --no-remove "${opts[@]}" install "${lacking[@]}"; } >>"$LOG" 2>&1; then
    rm -rf "$work"
    die "apt không cài được các gói hệ thống ${lacking[*]} từ bộ cài (chi tiết trong $LOG); máy có thể cần cập nhật Debian trước."
  fi
  rm -rf "$work"
}

find_python() {
  local versions candidate v
  versions="$(manifest_words python_versions)"
  for candidate in ${PYTHON:-} $(for v in $versions; do echo "python$v"; done) python3; do
    command -v "$candidate" >/dev/null 2>&1 || continue
    v="$("$candidate" -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" || continue
    case " $versions " in *" $v "*) PY="$(command -v "$candidate")"; PYV="$v"; return 0 ;; esac
  done
  die "Cần Python ${versions// / hoặc } (bộ cài có gói cho phiên bản đó) nhưng máy này chưa có; trên Debian 12: sudo apt install python3."
}

CREATED=0
TMPV=""
DONE=0
on_exit() {
  if [ "$DONE" != 1 ]; then
    if [ -n "$TMPV" ]; then rm -rf "$TMPV"; fi
    if [ "$CREATED" = 1 ]; then rm -rf "$TARGET"; fi
  fi
}
trap on_exit EXIT
trap 'exit 130' INT TERM

prepare_target() {
  if [ -f "$TARGET/pyproject.toml" ] && grep -q '^name = "hocai"' "$TARGET/pyproject.toml"; then return 0; fi
  if [ -e "$TARGET" ] && [ -n "$(ls -A "$TARGET" 2>/dev/null)" ]; then
    [ -f "$TARGET/.hocai-bundle-partial" ] ||
      die "Thư mục «$TARGET» đã có tệp khác, không phải bộ công cụ hocai; hãy chọn một thư mục trống."
    rm -rf "$TARGET"  # left by an install that was killed: this script made it
  fi
  mkdir -p "$TARGET"
  CREATED=1
  touch "$TARGET/.hocai-bundle-partial"
  tar -xzf "$BUNDLE/hocai-kit.tar.gz" -C "$TARGET" --no-same-owner
}

build_env() {
  local final="$TARGET/.venv" wheels="$BUNDLE/wheels" old="" model pattern
  local -a pip_wheel=()
  cd "$TARGET"  # python -m below must import the kit installed here, not one in the caller's folder
  rm -rf "$TARGET"/.venv.part-*
  TMPV="$TARGET/.venv.part-$$"
  export PIP_CONFIG_FILE=/dev/null PIP_NO_INPUT=1 PIP_DISABLE_PIP_VERSION_CHECK=1
  unset PIP_FIND_LINKS PIP_INDEX_URL PIP_EXTRA_INDEX_URL PIP_CONSTRAINT PIP_REQUIRE_VIRTUALENV PIP_USER
  say "Tạo môi trường Python $PYV và cài các gói từ bộ cài (vài phút, không cần mạng)…"
  "$PY" -m venv --without-pip --prompt hocai "$TMPV" >>"$LOG" 2>&1 ||
    die "Không tạo được môi trường Python bằng $PY (chi tiết trong $LOG)."
  shopt -s nullglob; pip_wheel=("$wheels"/pip-*.whl); shopt -u nullglob
  [ "${#pip_wheel[@]}" -gt 0 ] || die "Bộ cài chưa đủ: thiếu gói pip trong thư mục wheels; $RECOPY."
  { "$TMPV/bin/python" "${pip_wheel[0]}/pip" install -q --no-index --find-links "$wheels" pip &&
    "$TMPV/bin/python" -m pip install -q --no-index --find-links "$wheels" "torch==2.13.0" -e "$TARGET[test]" &&
    "$TMPV/bin/python" -m hocai.l10n; } >>"$LOG" 2>&1 ||
    die "Không cài được các gói Python từ bộ cài cho Python $PYV (chi tiết trong $LOG)."
  if [ -f "$BUNDLE/node/configurable-http-proxy.tar.gz" ]; then
    mkdir -p "$TMPV/node"
    tar -xzf "$BUNDLE/node/configurable-http-proxy.tar.gz" -C "$TMPV/node" --no-same-owner
  fi
  for model in "$BUNDLE"/models/*/; do
    [ -f "$model/config.json" ] || continue
    "$TMPV/bin/python" -m hocai.cli models import "$model" >>"$LOG" 2>&1 ||
      die "Không chép được mô hình «$(basename "$model")» vào kho (chi tiết trong $LOG)."
  done
  # A virtual environment records its folder in its scripts: point them at the final one, then rename.
  pattern="$(printf '%s' "$TMPV" | sed 's/[][\.*^$|]/\\&/g')"
  grep -rlIZ --fixed-strings "$TMPV" "$TMPV/bin" "$TMPV/pyvenv.cfg" |
    xargs -0 -r sed -i "s|$pattern|$(printf '%s' "$final" | sed 's/[\&|]/\\&/g')|g"
  if [ -e "$final" ]; then old="$TARGET/.venv.old-$$"; mv "$final" "$old"; fi
  mv "$TMPV" "$final"
  TMPV=""
  if [ -n "$old" ]; then rm -rf "$old"; fi
  touch "$final/.hocai-installed"
}

verify_bundle
if [ "$CHECK_ONLY" = 1 ]; then
  say "Bộ cài đủ và nguyên vẹn: $(grep -c '' "$BUNDLE/SHA256SUMS") tệp khớp mã kiểm tra."
  exit 0
fi
TARGET="$(realpath -m "${TARGET:-$HOME/hocai}")"
if [ -f "$TARGET/.venv/.hocai-installed" ]; then
  say "Bộ công cụ đã được cài ở «$TARGET»; không cài lại."
else
  say "Bộ cài đủ và nguyên vẹn; bắt đầu cài vào «$TARGET»."
  install_debs
  find_python
  prepare_target
  build_env
  rm -f "$TARGET/.hocai-bundle-partial" "$LOG"
  DONE=1
  say "Đã cài xong bộ công cụ vào «$TARGET». Lần sau mở lớp: cd \"$TARGET\" && make start"
fi
DONE=1
if [ "$START" = 1 ]; then
  cd "$TARGET"
  exec "$TARGET/.venv/bin/hocai" start
fi
