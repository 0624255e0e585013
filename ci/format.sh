#!/usr/bin/env bash
# Formats the sources in place with the toolchain's swift-format and the repository's settings.
set -euo pipefail
cd "$(dirname "$0")/.."
swift format --in-place --recursive --parallel Sources Tests Package.swift
