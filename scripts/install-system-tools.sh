#!/usr/bin/env bash
# Install the system programs the input formats need, when they are missing:
#   soffice   (libreoffice-writer-nogui)            DOC, RTF, ODT
#   pdftoppm  (poppler-utils)                       scanned PDF pages rendered for OCR
#   tesseract (tesseract-ocr, tesseract-ocr-rus)    OCR of scanned PDFs, with Russian data
# With --test, also what only the tests need:
#   chromium  (chromium)                            headless screenshot of the HTML report
#   Calc      (libreoffice-calc-nogui)              the Excel export opened in LibreOffice
#
# On Debian/Ubuntu with root or passwordless sudo it runs apt-get (apt-get update only when
# something is to be installed). Elsewhere it prints the command to run once and exits 0:
# the pipeline still runs, and files needing a missing program get a failed row that names
# it (they are read again by themselves once it is installed).
#
# Usage: scripts/install-system-tools.sh [--test] [--check]
#   --check  only say what is missing (exit 0), install nothing
set -euo pipefail

with_test=0
check_only=0
for arg in "$@"; do
  case "$arg" in
    --test) with_test=1 ;;
    --check) check_only=1 ;;
    -h|--help) sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "install-system-tools: unknown option $arg (use --test, --check)" >&2; exit 2 ;;
  esac
done

need=()
have() { command -v "$1" >/dev/null 2>&1; }
have soffice || have libreoffice || need+=(libreoffice-writer-nogui)
have pdftoppm || need+=(poppler-utils)
if ! have tesseract; then
  need+=(tesseract-ocr tesseract-ocr-rus)
elif ! tesseract --list-langs 2>/dev/null | grep -qx rus; then
  need+=(tesseract-ocr-rus)
fi
if [ "$with_test" = 1 ]; then
  have chromium || have chromium-browser || need+=(chromium)
  # Calc has no program of its own: its library in LibreOffice's program folder says it is there
  compgen -G "${NATPROJ_LO_PROGRAM:-/usr/lib/libreoffice/program}/libsclo*" >/dev/null ||
    need+=(libreoffice-calc-nogui)
fi

if [ ${#need[@]} -eq 0 ]; then
  echo "install-system-tools: everything needed is installed"
  exit 0
fi

command_line="apt-get install -y --no-install-recommends ${need[*]}"
if [ "$check_only" = 1 ]; then
  echo "install-system-tools: missing; install with: $command_line"
  exit 0
fi

sudo=()
if [ "$(id -u)" != 0 ]; then
  if have sudo && sudo -n true 2>/dev/null; then
    sudo=(sudo -n)
  else
    sudo=(none)
  fi
fi
if ! have apt-get || [ "${sudo[*]}" = none ]; then
  echo "install-system-tools: cannot install here (needs apt-get and root or passwordless" \
       "sudo); files needing these programs will fail until you run once:" >&2
  echo "  sudo $command_line" >&2
  exit 0
fi

echo "install-system-tools: installing ${need[*]}"
export DEBIAN_FRONTEND=noninteractive
if ! { "${sudo[@]}" apt-get update -q &&
       "${sudo[@]}" apt-get install -y -q --no-install-recommends "${need[@]}"; }; then
  echo "install-system-tools: apt-get failed (offline? see above); files needing these" \
       "programs will fail until you run: sudo $command_line" >&2
fi
exit 0
