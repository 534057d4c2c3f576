#!/usr/bin/env bash
# Installs the Debian packages the product needs when they are missing; says plainly what it
# cannot install. Each entry: the command or file that proves the package is there, then the package.
set -u
required=(
  # "probe|package" pairs; a probe starting with / is a file, otherwise a command on PATH.
)
missing=()
for entry in "${required[@]}"; do
  probe=${entry%%|*}; pkg=${entry##*|}
  if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
  else command -v "$probe" >/dev/null 2>&1 || missing+=("$pkg"); fi
done
[[ ${#missing[@]} -eq 0 ]] && exit 0
if command -v apt-get >/dev/null 2>&1 && [[ $(id -u) -eq 0 ]]; then
  echo "Installing system packages: ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null \
    || { echo "ERROR: apt-get could not install: ${missing[*]}" >&2; exit 1; }
else
  echo "ERROR: missing system packages: ${missing[*]}" >&2
  echo "Install them with your package manager (Debian: sudo apt-get install ${missing[*]})." >&2
  exit 1
fi
