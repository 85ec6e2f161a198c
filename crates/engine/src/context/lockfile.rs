//! Filter `lockfile` (drops low-confidence candidates, lowers the others):
//! lockfiles are written by package managers and full of hashes, versions
//! and registry URLs. Loose matches there are noise; a specific one (a token
//! in a `resolved` registry URL) is still reported, less confidently.

use super::{Candidate, Effect, FileContext, drop_low_lower_medium};

/// Lockfile names, compared exactly (lowercase).
const LOCKFILES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
    "bun.lock",
    "deno.lock",
    "go.sum",
    "go.work.sum",
    "cargo.lock",
    "poetry.lock",
    "pipfile.lock",
    "uv.lock",
    "pdm.lock",
    "composer.lock",
    "gemfile.lock",
    "mix.lock",
    "pubspec.lock",
    "podfile.lock",
    "packages.lock.json",
    "gradle.lockfile",
    "flake.lock",
    "package.resolved",
    "conan.lock",
    ".terraform.lock.hcl",
];

/// Whether the path names a lockfile.
pub fn is_lockfile(path: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    LOCKFILES.contains(&name.as_str()) || name.ends_with(".lock")
}

/// Drops loose matches in lockfiles and lowers the others.
pub fn check(candidate: &Candidate<'_>, file: &FileContext<'_>) -> Effect {
    if file.is_lockfile() {
        drop_low_lower_medium(candidate.confidence)
    } else {
        Effect::Keep
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lockfiles_by_name() {
        for path in [
            "package-lock.json",
            "web/yarn.lock",
            "go.sum",
            "Cargo.lock",
            "infra/.terraform.lock.hcl",
            "Gemfile.lock",
        ] {
            assert!(is_lockfile(path), "{path}");
        }
        for path in ["package.json", "go.mod", "src/lock.rs", "locksmith.py"] {
            assert!(!is_lockfile(path), "{path}");
        }
    }
}
