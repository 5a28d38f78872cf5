#!/bin/bash -eu
# OSS-Fuzz's build step: the same build as ClusterFuzzLite's, so both ship the same
# targets, seeds (corpus and regressions), options and dictionary.
exec bash "$SRC/http-upgrade/.clusterfuzzlite/build.sh"
