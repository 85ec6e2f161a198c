//! The per-file stage every mode shares: run the matcher on one file's bytes
//! and turn what survives the filters into findings.

use crate::filter::{Filters, has_inline_allow};
use crate::finding::{Finding, FindingBuilder};
use tattle_engine::{Matcher, RuleSet, SourceFile};

/// Settings of the finding stage.
#[derive(Debug, Clone, Copy)]
pub struct FindingOptions {
    /// Keep secrets in clear in findings.
    pub show_secrets: bool,
}

/// One thread's scanner: its own matcher, shared filters.
pub struct FileScanner<'a> {
    matcher: Matcher<'a>,
    filters: &'a Filters,
    options: FindingOptions,
}

impl<'a> FileScanner<'a> {
    /// A scanner running `rules` and dropping what `filters` allow.
    pub fn new(rules: &'a RuleSet, filters: &'a Filters, options: FindingOptions) -> Self {
        FileScanner {
            matcher: rules.matcher(),
            filters,
            options,
        }
    }

    /// The rules this scanner runs.
    pub fn rules(&self) -> &'a RuleSet {
        self.matcher.rule_set()
    }

    /// Scans one file and appends its findings to `out`. `keep_line` decides,
    /// by the 1-based line of a finding's value, whether it is reported (the
    /// staged mode keeps only added lines).
    pub fn scan(
        &mut self,
        file: &SourceFile<'_>,
        keep_line: impl Fn(usize) -> bool,
        out: &mut Vec<Finding>,
    ) {
        let matches = self.matcher.scan(file);
        if matches.is_empty() {
            return;
        }
        let rules = self.matcher.rule_set();
        let builder = FindingBuilder::new(file.bytes, file.path, self.options.show_secrets);
        for raw in &matches {
            if has_inline_allow(builder.line_text(raw.secret.start))
                || has_inline_allow(builder.line_text(raw.span.start))
                || self.filters.secret_allowed(raw.value(file.bytes))
            {
                continue;
            }
            let finding = builder.build(raw, rules.rule(raw.rule));
            if keep_line(finding.line) {
                out.push(finding);
            }
        }
    }
}
