#!/bin/sh
# version.sh semver|deb DESCRIBE [RELEASE]
#
# Turns the output of "git describe --tags --always --dirty" (or the
# fallback 0.0.0-dev) into a package version that sorts correctly:
#   v1.2.3                 1.2.3
#   v1.2.3-4-gabc1234      1.2.3+4.gabc1234   (after 1.2.3, before 1.2.4)
#   v1.2.3-rc1             1.2.3-rc1          (before 1.2.3)
#   abc1234-dirty          0.0.0+gabc1234.dirty (no tag yet)
#   0.0.0-dev              0.0.0-dev          (no commit yet)
# "semver" prints that version, which nfpm takes apart; "deb" prints the
# full version nfpm gives the .deb and .rpm, with "~" before a pre-release
# and "-RELEASE" (default 1) at the end, for the changelog.
set -eu

mode=$1
d=${2#v}
release=${3:-1}

meta=
case $d in
*-dirty)
	meta=dirty
	d=${d%-dirty}
	;;
esac

case $d in
[0-9]*.[0-9]*.[0-9]*-[0-9]*-g[0-9a-f]*)
	hash=${d##*-}
	rest=${d%-*}
	meta="${rest##*-}.$hash${meta:+.$meta}"
	d=${rest%-*}
	;;
[0-9]*.[0-9]*.[0-9]*) ;;
*)
	meta="g$(printf '%s' "$d" | tr -c '0-9A-Za-z.\n' '.')${meta:+.$meta}"
	d=0.0.0
	;;
esac

semver=$d${meta:++$meta}
case $mode in
semver)
	echo "$semver"
	;;
deb)
	core=${d%%-*}
	pre=
	case $d in *-*) pre="~${d#*-}" ;; esac
	echo "$core$pre${meta:++$meta}-$release"
	;;
*)
	echo "usage: version.sh semver|deb DESCRIBE [RELEASE]" >&2
	exit 2
	;;
esac
