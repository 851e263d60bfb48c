//! How long the demo mock takes to start (parse the shipped data, build
//! every zone's state, bind a loopback port): what `--demo` pays before its
//! first frame. `cargo bench --bench mock_start`.

use criterion::{Criterion, criterion_group, criterion_main};
use trustdeck::mock::{self, MockConfig};

fn start_the_demo_mock(c: &mut Criterion) {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("a runtime");
    c.bench_function("demo mock: start and stop", |b| {
        b.iter(|| {
            runtime.block_on(async {
                let mock = mock::start(MockConfig::demo()).await.expect("the mock");
                mock.shutdown().await;
            });
        });
    });
}

criterion_group!(benches, start_the_demo_mock);
criterion_main!(benches);
