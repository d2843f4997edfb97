//! An axum app served for real on `127.0.0.1:0`, on a thread and runtime of its own, so that a
//! test talks to it over TCP as a client would.

use std::net::SocketAddr;
use std::sync::mpsc;

use axum::Router;
use tokio::runtime::Builder;

/// Whether the server tells handlers the client's address (`ConnectInfo<SocketAddr>`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Peer {
    /// Served with `into_make_service_with_connect_info`, as an application should.
    Known,
    /// Served without it: the mistake some tests are about.
    Unknown,
}

/// One async worker, as a small service might run.
pub fn one_worker() -> Builder {
    let mut runtime = Builder::new_multi_thread();
    runtime.worker_threads(1);
    runtime
}

/// Serves `app` on `127.0.0.1:0` on a runtime built by `runtime`; its address.
pub fn serve(mut runtime: Builder, app: Router, peer: Peer) -> SocketAddr {
    let (bound, addr) = mpsc::channel();
    std::thread::spawn(move || {
        let runtime = runtime.enable_all().build().unwrap();
        runtime.block_on(async move {
            let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
            bound.send(listener.local_addr().unwrap()).unwrap();
            match peer {
                Peer::Known => {
                    let app = app.into_make_service_with_connect_info::<SocketAddr>();
                    axum::serve(listener, app).await.unwrap();
                }
                Peer::Unknown => axum::serve(listener, app).await.unwrap(),
            }
        });
    });
    addr.recv().unwrap()
}
