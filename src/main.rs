//! The `tattle` binary: all work happens in the `tattle-cli` crate.

fn main() {
    std::process::exit(tattle_cli::main());
}
