#!/usr/bin/env bash
# Installs the Debian packages the product needs when they are missing; says plainly what it
# cannot install. Each entry: the command or file that proves the package is there, then the package.
set -u
required=(
  # "probe|package" pairs; a probe starting with / is a file, "dpkg:NAME" asks dpkg whether the
  # package NAME is installed (libraries whose file path depends on the architecture), otherwise
  # a command on PATH.
  # Workers: OCR (tesseract, Romanian data), PDF text/raster (poppler), WeasyPrint's text stack.
  "tesseract|tesseract-ocr"
  "/usr/share/tesseract-ocr/5/tessdata/ron.traineddata|tesseract-ocr-ron"
  "pdftotext|poppler-utils"
  "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf|fonts-dejavu-core"
  "fc-list|fontconfig"
  "dpkg:libpango-1.0-0|libpango-1.0-0"
  "dpkg:libpangoft2-1.0-0|libpangoft2-1.0-0"
  # Without it importing WeasyPrint warns, which breaks runs with -W error (STACK-NOTES).
  "dpkg:libharfbuzz-subset0|libharfbuzz-subset0"
)
missing=()
for entry in "${required[@]}"; do
  probe=${entry%%|*}; pkg=${entry##*|}
  if [[ $probe == /* ]]; then [[ -e $probe ]] || missing+=("$pkg")
  elif [[ $probe == dpkg:* ]]; then
    dpkg-query -W -f='${Status}' "${probe#dpkg:}" 2>/dev/null | grep -q 'install ok installed' \
      || missing+=("$pkg")
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
