//! A small TCP proxy on 127.0.0.1 that emulates a poor network for tests and
//! benchmarks: a bandwidth limit and a one-way latency per direction, a
//! connection cut after N response bytes (once), a lost upload response
//! (once), and counters of the bytes that crossed it.

use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};
use tokio::time::Instant;

/// How the emulated link behaves.
#[derive(Debug, Clone, Copy, Default)]
pub struct LinkConfig {
    /// Bytes per second in each direction (None: unlimited).
    pub rate_bytes_per_sec: Option<u64>,
    /// One-way delay added to every chunk in each direction.
    pub latency: Duration,
}

impl LinkConfig {
    /// E.g. `LinkConfig::throttled(64_000, 300)` for 64 kbit/s and 300 ms.
    pub fn throttled(bits_per_sec: u64, latency_ms: u64) -> LinkConfig {
        LinkConfig {
            rate_bytes_per_sec: Some((bits_per_sec / 8).max(1)),
            latency: Duration::from_millis(latency_ms),
        }
    }
}

#[derive(Debug, Default)]
struct State {
    cut_after: Option<u64>,
    drop_upload_response: bool,
    up_bytes: u64,
    down_bytes: u64,
    connections: u64,
}

/// A running proxy; it stops when the runtime does.
#[derive(Clone)]
pub struct Proxy {
    addr: SocketAddr,
    state: Arc<Mutex<State>>,
}

/// Packet-sized chunks keep the rate limit smooth.
const CHUNK: usize = 1460;

impl Proxy {
    /// Listens on 127.0.0.1 (a free port) and forwards to `upstream`.
    pub async fn start(upstream: SocketAddr, link: LinkConfig) -> std::io::Result<Proxy> {
        let listener = TcpListener::bind("127.0.0.1:0").await?;
        let addr = listener.local_addr()?;
        let state = Arc::new(Mutex::new(State::default()));
        let st = state.clone();
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let _ = client.set_nodelay(true);
                st.lock().unwrap().connections += 1;
                let st = st.clone();
                tokio::spawn(async move {
                    let Ok(up) = TcpStream::connect(upstream).await else {
                        return;
                    };
                    let _ = up.set_nodelay(true);
                    connection(client, up, link, st).await;
                });
            }
        });
        Ok(Proxy { addr, state })
    }

    pub fn addr(&self) -> SocketAddr {
        self.addr
    }

    /// `http://<addr>/`.
    pub fn url(&self) -> String {
        format!("http://{}/", self.addr)
    }

    /// Forward `n` more response bytes (over all connections), then cut every
    /// connection carrying the next ones; once.
    pub fn cut_after(&self, n: u64) {
        self.state.lock().unwrap().cut_after = Some(n);
    }

    /// Let the next `POST /v1/events` reach the hub but lose its response; once.
    pub fn drop_next_upload_response(&self) {
        self.state.lock().unwrap().drop_upload_response = true;
    }

    /// (device → hub, hub → device) bytes since the last call.
    pub fn take_bytes(&self) -> (u64, u64) {
        let mut g = self.state.lock().unwrap();
        let t = (g.up_bytes, g.down_bytes);
        g.up_bytes = 0;
        g.down_bytes = 0;
        t
    }

    /// Connections accepted so far.
    pub fn connections(&self) -> u64 {
        self.state.lock().unwrap().connections
    }
}

async fn connection(client: TcpStream, up: TcpStream, link: LinkConfig, st: Arc<Mutex<State>>) {
    let (cr, cw) = client.into_split();
    let (ur, uw) = up.into_split();
    let drop_resp = Arc::new(AtomicBool::new(false));
    let upward = pipe(cr, uw, link, st.clone(), drop_resp.clone(), true);
    let downward = pipe(ur, cw, link, st, drop_resp, false);
    tokio::select! {
        _ = upward => {},
        _ = downward => {},
    }
}

async fn pipe(
    mut from: tokio::net::tcp::OwnedReadHalf,
    mut to: tokio::net::tcp::OwnedWriteHalf,
    link: LinkConfig,
    st: Arc<Mutex<State>>,
    drop_resp: Arc<AtomicBool>,
    upward: bool,
) {
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel::<(Instant, Vec<u8>)>();
    let reader = {
        let st = st.clone();
        let drop_resp = drop_resp.clone();
        async move {
            let mut buf = vec![0u8; CHUNK];
            loop {
                let n = match from.read(&mut buf).await {
                    Ok(0) | Err(_) => {
                        if upward {
                            // Clients do not half-close HTTP connections;
                            // keep the response direction open.
                            std::future::pending::<()>().await;
                        }
                        return;
                    }
                    Ok(n) => n,
                };
                if upward && buf[..n].starts_with(b"POST /v1/events") {
                    let mut g = st.lock().unwrap();
                    if g.drop_upload_response {
                        g.drop_upload_response = false;
                        drop_resp.store(true, Ordering::SeqCst);
                    }
                }
                if tx
                    .send((Instant::now() + link.latency, buf[..n].to_vec()))
                    .is_err()
                {
                    return;
                }
            }
        }
    };
    let writer = async move {
        while let Some((due, chunk)) = rx.recv().await {
            tokio::time::sleep_until(due).await;
            if let Some(rate) = link.rate_bytes_per_sec {
                let secs = chunk.len() as f64 / rate as f64;
                tokio::time::sleep(Duration::from_secs_f64(secs)).await;
            }
            if !upward && drop_resp.load(Ordering::SeqCst) {
                return; // the hub answered; the device never hears it
            }
            let allowed = {
                let mut g = st.lock().unwrap();
                let allowed = match g.cut_after {
                    Some(left) if (chunk.len() as u64) >= left && !upward => {
                        g.cut_after = None;
                        Some(left as usize)
                    }
                    Some(left) if !upward => {
                        g.cut_after = Some(left - chunk.len() as u64);
                        None
                    }
                    _ => None,
                };
                let n = allowed.unwrap_or(chunk.len()) as u64;
                if upward {
                    g.up_bytes += n;
                } else {
                    g.down_bytes += n;
                }
                allowed
            };
            match allowed {
                Some(k) => {
                    let _ = to.write_all(&chunk[..k]).await;
                    let _ = to.flush().await;
                    return;
                }
                None => {
                    if to.write_all(&chunk).await.is_err() {
                        return;
                    }
                }
            }
        }
    };
    tokio::join!(reader, writer);
}
