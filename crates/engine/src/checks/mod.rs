//! The built-in structured checks, one file per check.
//!
//! Each check documents itself through [`Check::info`] and proves itself with
//! its examples, which the test suite runs through the whole engine.

// Checks, one per file.
mod default_password;
mod dockerfile_root_user;
mod dotenv_committed;
mod k8s_run_as_root;
mod k8s_secret_env;
mod mutable_image_tag;
mod public_env_secret;
mod secret_fallback;
mod workflow_permissions;

// What the checks share: parsers for the formats they read, and what names
// and values mean.
pub mod dockerfile;
pub mod image_ref;
pub mod keyvalue;
pub mod kinds;
pub mod names;
pub mod yaml;

pub use default_password::DefaultPassword;
pub use dockerfile_root_user::DockerfileRootUser;
pub use dotenv_committed::DotenvCommitted;
pub use k8s_run_as_root::KubernetesRunAsRoot;
pub use k8s_secret_env::KubernetesSecretInEnv;
pub use mutable_image_tag::MutableImageTag;
pub use public_env_secret::PublicEnvSecret;
pub use secret_fallback::SecretFallback;
pub use workflow_permissions::WorkflowPermissions;

use crate::check::{Check, CheckHit};
use crate::severity::Severity;

/// Every built-in structured check, in a stable order.
pub fn builtin_checks() -> Vec<Box<dyn Check>> {
    vec![
        Box::new(DotenvCommitted),
        Box::new(DefaultPassword),
        Box::new(SecretFallback),
        Box::new(PublicEnvSecret),
        Box::new(KubernetesSecretInEnv),
        Box::new(MutableImageTag),
        Box::new(DockerfileRootUser),
        Box::new(KubernetesRunAsRoot),
        Box::new(WorkflowPermissions),
    ]
}

/// Shorthand for the `&'static str` lists in checks' metadata.
pub(crate) fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

/// Lowers a hit to `low` in tests, examples and docs, where configuration is
/// not deployed, and says so in its note.
pub(crate) fn lower_in_examples(path: &str, hit: CheckHit) -> CheckHit {
    if !names::is_test_or_example_path(path) {
        return hit;
    }
    let note = match &hit.note {
        Some(note) => format!("{note}; in a test, example or documentation file"),
        None => "in a test, example or documentation file".to_string(),
    };
    hit.with_severity(Severity::Low).with_note(note)
}

/// [`lower_in_examples`] for every hit in `hits`.
pub(crate) fn lower_all_in_examples(path: &str, hits: &mut [CheckHit]) {
    if !names::is_test_or_example_path(path) {
        return;
    }
    for hit in hits {
        let taken = std::mem::replace(hit, CheckHit::new(0..0, 0..0));
        *hit = lower_in_examples(path, taken);
    }
}

/// What a note adds when the YAML was read by the line-by-line fallback.
pub(crate) fn recovered_note(yaml: &yaml::Yaml) -> &'static str {
    if yaml.recovered() {
        "; the file is not valid YAML and was read line by line"
    } else {
        ""
    }
}
