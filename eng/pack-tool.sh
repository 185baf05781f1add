#!/usr/bin/env bash
# pack-tool.sh OUT [RID...]: packs the cryptomail tool the way users install it (see src/CryptoMail.Tool's project):
#   CryptoMail.Tool          the top-level package `dotnet tool install CryptoMail.Tool` reads; it names one package
#                            per runtime identifier and the CLI fetches the one for its platform;
#   CryptoMail.Tool.any      the framework-dependent build, for every platform without a native package;
#   CryptoMail.Tool.<RID>    the native AOT build, for each RID given (default: this machine's). Native AOT compiles
#                            for the OS it runs on (and needs clang and zlib there), so a release runs this script on
#                            one machine per OS with that OS's RIDs.
# A user's install of a version whose native package for their platform is missing fails, so a release publishes
# every RID listed in ToolPackageRuntimeIdentifiers.
set -euo pipefail
[ $# -ge 1 ] || { echo "usage: $0 OUT [RID...]" >&2; exit 2; }
out=$1; shift
root="$(cd "$(dirname "$0")/.." && pwd)"
project="$root/src/CryptoMail.Tool"
rids=("$@")
if [ ${#rids[@]} -eq 0 ]; then
  case "$(uname -s)-$(uname -m)" in
    Linux-x86_64) rids=(linux-x64) ;;
    Linux-aarch64) rids=(linux-arm64) ;;
    Darwin-arm64) rids=(osx-arm64) ;;
    *) echo "pack-tool.sh: no native package for $(uname -s)-$(uname -m); packing the top-level and any packages only" >&2 ;;
  esac
fi
mkdir -p "$out"
echo "pack-tool.sh: top-level package"
dotnet pack "$project" -c Release -o "$out" -nologo -v quiet
echo "pack-tool.sh: framework-dependent package (any)"
dotnet pack "$project" -c Release -r any -o "$out" -nologo -v quiet
for rid in "${rids[@]}"; do
  echo "pack-tool.sh: native AOT package ($rid)"
  dotnet pack "$project" -c Release -r "$rid" -o "$out" -nologo -v quiet
done
ls -l "$out"/CryptoMail.Tool*.nupkg
