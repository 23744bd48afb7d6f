#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0-or-later
# make deps: install what building, testing and the demo need on Debian 12, as root.
# Idempotent: a second run installs nothing and only re-checks the lwIP source.
set -euo pipefail
top=$(cd "$(dirname "$0")/.." && pwd)

LWIP_VER=2.1.3+dfsg1
LWIP_DSC_SHA256=8d8f944db8e6d542fc2d6f01559078fb1b5dda71651c67ee5fa3571ed1342c50
LWIP_ORIG_SHA256=0a8276d09fc4e97bbba2f953d74af2388fc2195ea156be9d7589e297a68fde24

PKGS=(build-essential pkg-config dpkg-dev python3 python3-kconfiglib
      libpri-dev libosmocore-dev libosip2-dev libcmocka-dev
      iproute2 iputils-ping tshark sox socat valgrind procps sip-tester libspeexdsp-dev
      baresip-core kamailio asterisk-core-sounds-en-wav # recorded speech: DTMF talk-off test
      libtonezone-dev dahdi-source) # libtonezone's zones; dahdi/user.h, which tonezone.h includes

missing=()
for p in "${PKGS[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done

need_src=0
[ -f "$top/build/src/lwip-$LWIP_VER/.verified" ] || need_src=1

if [ ${#missing[@]} -gt 0 ] || [ $need_src = 1 ]; then
	[ "$(id -u)" = 0 ] || { echo "deps: run as root (apt-get install ${missing[*]})" >&2; exit 1; }
fi

# deb-src for the same archive, so that `apt-get source lwip` works
if [ $need_src = 1 ] && ! apt-get source --print-uris lwip >/dev/null 2>&1; then
	if [ -f /etc/apt/sources.list.d/debian.sources ]; then
		if ! grep -q '^Types:.*deb-src' /etc/apt/sources.list.d/debian.sources; then
			sed 's/^Types: deb$/Types: deb-src/' /etc/apt/sources.list.d/debian.sources \
				> /etc/apt/sources.list.d/hlgw-deb-src.sources
		fi
	else
		grep -h '^deb ' /etc/apt/sources.list 2>/dev/null | sed 's/^deb /deb-src /' \
			> /etc/apt/sources.list.d/hlgw-deb-src.list
	fi
	missing+=(dpkg-dev)
fi

if [ ${#missing[@]} -gt 0 ] || [ $need_src = 1 ]; then
	apt-get update -qq
fi
if [ ${#missing[@]} -gt 0 ]; then
	echo "deps: installing ${missing[*]}"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
	# the tests run their own kamailio in a namespace: not the packaged service on port 5060
	if [[ " ${missing[*]} " == *" kamailio "* ]] && command -v systemctl >/dev/null &&
		systemctl is-enabled kamailio >/dev/null 2>&1; then
		systemctl disable --now kamailio >/dev/null 2>&1 || true
	fi
fi

if [ $need_src = 1 ]; then
	mkdir -p "$top/build/src"
	cd "$top/build/src"
	rm -rf "lwip-$LWIP_VER"
	apt-get source --download-only -qq "lwip=2.1.3+dfsg1-2" >/dev/null
	echo "$LWIP_DSC_SHA256  lwip_2.1.3+dfsg1-2.dsc" | sha256sum -c --quiet
	echo "$LWIP_ORIG_SHA256  lwip_2.1.3+dfsg1.orig.tar.xz" | sha256sum -c --quiet
	# upstream source as Debian ships it; Debian's packaging patches concern its liblwip build
	mkdir -p "lwip-$LWIP_VER"
	tar -xJf lwip_2.1.3+dfsg1.orig.tar.xz -C "lwip-$LWIP_VER" --strip-components=1
	touch "lwip-$LWIP_VER/.verified"
	echo "deps: lwIP $LWIP_VER source in build/src/lwip-$LWIP_VER (sha256 checked)"
fi
