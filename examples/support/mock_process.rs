//! A `trustdeck mock` process on a free loopback port, for the examples and
//! benches that measure the real binary against a separate mock.

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Child, Command, Stdio};

/// A running `trustdeck mock`; stopped when dropped.
pub struct MockProcess {
    child: Child,
    /// The API's base URL, `http://127.0.0.1:PORT/client/v4`.
    pub url: String,
    /// The full-access demo token it printed.
    pub token: String,
}

/// Starts `bin mock` and reads its banner.
pub fn start(bin: &Path) -> MockProcess {
    let mut child = Command::new(bin)
        .args(["mock", "--listen", "127.0.0.1:0"])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("trustdeck mock starts");
    let mut lines = BufReader::new(child.stdout.take().expect("its stdout")).lines();
    let mut next = || lines.next().expect("the mock's banner").expect("a line");
    let url = next()
        .strip_prefix("trustdeck mock listening on ")
        .expect("the banner's first line")
        .to_owned();
    let token = loop {
        if let Some(token) = next().strip_prefix("export CLOUDFLARE_API_TOKEN=") {
            break token.to_owned();
        }
    };
    // The rest of the banner is read away, so the mock never writes to a closed pipe.
    std::thread::spawn(move || lines.for_each(drop));
    MockProcess { child, url, token }
}

impl Drop for MockProcess {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}
