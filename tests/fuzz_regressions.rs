//! Every input a fuzz target once crashed on (kept in
//! `fuzz/regressions/TARGET/`), run through the same target function, so
//! that a fixed crash stays fixed. The targets live in `fuzz/src/lib.rs`;
//! see `fuzz/README.md` for running the fuzzers themselves.

#[path = "../fuzz/src/lib.rs"]
mod targets;

use std::path::Path;

#[test]
fn every_kept_crashing_input_passes_its_fuzz_target() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fuzz/regressions");
    let mut ran = 0;
    for (name, target) in targets::TARGETS {
        let dir = root.join(name);
        let Ok(entries) = std::fs::read_dir(&dir) else {
            continue;
        };
        let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
        files.sort();
        for file in files {
            let data = std::fs::read(&file).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "fuzz target {name} fails on {}",
                file.display()
            );
            ran += 1;
        }
    }
    eprintln!("{ran} kept inputs passed");
}

#[test]
fn every_fuzz_target_accepts_empty_and_simple_inputs() {
    let samples: [&[u8]; 5] = [
        b"",
        b"\0",
        b"\x08\x00\x01FROM node\nENV DB_PASSWORD=postgres\n",
        b"[[rule]]\nid = 'a.b'\nname = 'n'\ndescription = 'd'\nseverity = 'high'\nregex = '(?P<secret>x+)'\n",
        b"\x03\x00\x05\x00a.txt\x20\x00T=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\n",
    ];
    for (name, target) in targets::TARGETS {
        for sample in samples {
            let outcome = std::panic::catch_unwind(|| target(sample));
            assert!(outcome.is_ok(), "fuzz target {name} fails on {sample:?}");
        }
    }
}
