//! The headless commands have no keys and no colours: they ignore `[keys]`
//! and `theme` (even ones the dashboard would refuse), but a config file
//! that is not TOML still stops them.

use crate::common::*;
use crate::headless_common::Headless;

#[tokio::test]
async fn headless_commands_ignore_keys_and_theme_but_not_a_broken_file() {
    let cli = Headless::start().await;
    cli.write_config(
        "theme = \"solarized\"\n[keys]\nno_such_action = 5\n[keys.picker]\ndown = \"n\"\n",
    );
    let run = cli.run(&["csam", "get", SHOP, "--json"]).await;
    run.expect(0);
    assert_eq!(run.document("csam_setting")["zone"]["id"], SHOP, "{run:?}");
    cli.write_config("[keys\nquit = \"Q\"\n");
    let broken = cli.run(&["csam", "get", SHOP]).await;
    broken.expect(2);
    assert!(
        broken.stderr.contains("config.toml") && broken.stderr.contains("line 1"),
        "{}",
        broken.stderr
    );
}
