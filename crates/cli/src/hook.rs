//! `tattle install-hook`: a plain git pre-commit hook running `tattle staged`.

use crate::args::InstallHookArgs;
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Marks hooks this command wrote, so it can replace its own hook.
const MARKER: &str = "# Installed by `tattle install-hook`";

/// Writes the pre-commit hook of the repository at `args.path`.
pub fn install(args: &InstallHookArgs) -> Result<()> {
    let repo = tattle_walk::git::open(&args.path)?;
    let hooks = hooks_dir(&repo);
    std::fs::create_dir_all(&hooks).with_context(|| format!("creating {}", hooks.display()))?;
    let hook = hooks.join("pre-commit");
    if let Ok(existing) = std::fs::read_to_string(&hook)
        && !existing.contains(MARKER)
        && !args.force
    {
        bail!(
            "{} exists and was not written by tattle; use --force to replace it, \
             or call `tattle staged` from it",
            hook.display()
        );
    }
    std::fs::write(&hook, script()).with_context(|| format!("writing {}", hook.display()))?;
    make_executable(&hook)?;
    eprintln!("tattle: installed {}", hook.display());
    Ok(())
}

/// The hook: the `tattle` on PATH, else this very binary.
fn script() -> String {
    let fallback = std::env::current_exe()
        .ok()
        .map(|exe| exe.display().to_string().replace('\'', "'\\''"))
        .unwrap_or_else(|| "tattle".to_string());
    format!(
        "#!/bin/sh\n{MARKER}: blocks commits that add secrets.\n\
         # Skip it once with `git commit --no-verify`.\n\
         if command -v tattle >/dev/null 2>&1; then\n    exec tattle staged --no-progress\nfi\n\
         exec '{fallback}' staged --no-progress\n"
    )
}

/// `core.hooksPath` when set (relative to the work tree), else `.git/hooks`.
fn hooks_dir(repo: &tattle_walk::git::Repository) -> PathBuf {
    let local = repo.to_thread_local();
    let configured = local
        .config_snapshot()
        .trusted_path("core.hooksPath")
        .ok()
        .flatten();
    match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => local
            .workdir()
            .map_or_else(|| local.git_dir().join(&path), |dir| dir.join(&path)),
        None => local.common_dir().join("hooks"),
    }
}

#[cfg(unix)]
fn make_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .with_context(|| format!("making {} executable", path.display()))
}

#[cfg(not(unix))]
fn make_executable(_path: &Path) -> Result<()> {
    Ok(())
}
