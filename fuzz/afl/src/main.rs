//! `afl_harness <target>`: AFL++'s persistent loop over one target of the harness table,
//! the same function the libFuzzer target of that name calls.

fn main() {
    let name = std::env::args().nth(1).unwrap_or_default();
    let Some(harness) = http_upgrade_proptests::harnesses::harness(&name) else {
        let names: Vec<&str> = http_upgrade_proptests::harnesses::names().collect();
        eprintln!("usage: afl_harness <target>; targets: {}", names.join(", "));
        std::process::exit(2);
    };
    afl::fuzz!(|data: &[u8]| harness(data));
}
