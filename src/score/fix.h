/* score/fix.h - how a finding is fixed: the exact command that upgrades the
 * package to the fixed version, and the YES/NO/PARTIAL fix availability.
 *
 * Pure functions; results live in the caller's arena; thread-safe. */
#ifndef KS_SCORE_FIX_H
#define KS_SCORE_FIX_H

#include "core/arena.h"
#include "model/component.h"
#include "model/finding.h"

/* The command that upgrades `name` to `fixed` (or later) with the package
 * manager of `type`, e.g.
 *     DEB    apt-get install --only-upgrade 'openssl=3.0.13-1~deb12u1'
 *            apt-get install --only-upgrade openssl/bookworm-security  (suite known)
 *     RPM    dnf upgrade-minimal --advisory ALAS2023-2023-002   (yum for ALAS2-)
 *            dnf upgrade-minimal 'rsync-3.2.6-1.amzn2023.0.3'     (no advisory)
 *     APK    apk add --upgrade 'musl>=1.1.22-r4'
 *     PYPI   pip install 'PyYAML>=5.4'
 *     NPM    npm install lodash@4.17.21
 *     MAVEN  mvn versions:use-dep-version -Dincludes=g:a -DdepVersion=2.15.0
 *     GO     go get golang.org/x/net@v0.17.0
 *     CARGO  cargo update -p tokio --precise 1.18.5
 *     GEM    bundle update --conservative nokogiri
 *     COMPOSER composer require 'guzzlehttp/psr7:>=1.9.1'
 *     NUGET  dotnet add package Newtonsoft.Json --version 13.0.1
 * Every argument taken from advisory data is single-quoted for the shell when
 * it holds anything but [A-Za-z0-9._+:@/=,-]. `advisory` (may be NULL) is
 * the RPM erratum, or for DEB the apt suite the fix was read from (its
 * current version is installed: a fixed version that later uploads
 * superseded is no longer in the archive, so "=VERSION" would fail). Returns NULL when there is no command: no fixed
 * version, an ecosystem without one (Go standard library, kernel, unknown),
 * a name, version or advisory with control characters (never printed into a
 * terminal command) or starting with '-' (it would read as an option), or
 * arena exhaustion. */
const char *ks_fix_command(struct ks_arena *arena, enum ks_pkg_type type, const char *name,
                           const char *fixed, const char *advisory);

/* Fix availability over the `n` packages behind a finding, of which
 * `fixable` have both a fixed version and a command: YES when all do, NO when
 * none (or n == 0), PARTIAL otherwise (the ASFF rule). */
enum ks_fix_available ks_fix_available_of(size_t n, size_t fixable);

#endif
