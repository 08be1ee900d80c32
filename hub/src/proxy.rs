//! Who the client is, for per-client limits: the TCP peer, or — when the
//! peer is a proxy the hub was told to trust (`fyr hub serve
//! --trusted-proxy ADDR`, an address or a CIDR range, repeatable) — the
//! right-most address in `X-Forwarded-For` that is not itself a trusted
//! proxy. Entries to the left of it were written by the client and are
//! never believed. From a peer that is not trusted, the header is ignored.
//!
//! A limit is then keyed on [`rate_key`]: an IPv4 address whole, an IPv6
//! address by its /64 (one household or phone gets a whole /64, so
//! counting single IPv6 addresses would let one client take 2^64 turns).

use axum::http::HeaderMap;
use ipnet::IpNet;
use std::net::IpAddr;

/// Proxies whose `X-Forwarded-For` the hub believes.
#[derive(Debug, Clone, Default)]
pub struct TrustedProxies(Vec<IpNet>);

impl TrustedProxies {
    /// Parses addresses or CIDR ranges (`127.0.0.1`, `10.0.0.0/8`, `::1`,
    /// `fd00::/8`); a bad one is an error naming it.
    pub fn parse<S: AsRef<str>>(items: &[S]) -> Result<TrustedProxies, String> {
        let mut out = Vec::new();
        for s in items {
            let s = s.as_ref().trim();
            let net = s
                .parse::<IpNet>()
                .or_else(|_| s.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| {
                    format!(
                        "--trusted-proxy {s:?}: expected an IP address or a CIDR range (10.0.0.0/8)"
                    )
                })?;
            out.push(net);
        }
        Ok(TrustedProxies(out))
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = ip.to_canonical();
        self.0.iter().any(|n| n.contains(&ip))
    }

    /// The client's address: the peer, or behind a trusted proxy the
    /// right-most forwarded address that is not a trusted proxy. (If every
    /// forwarded address is trusted, the left-most; if the header is missing
    /// or an entry is unreadable, the last address read with certainty.)
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        let mut client = peer.to_canonical();
        if !self.trusts(client) {
            return client;
        }
        // Several headers count as one list, in order.
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        for hop in hops.iter().rev() {
            let Some(ip) = parse_hop(hop) else {
                return client;
            };
            client = ip.to_canonical();
            if !self.trusts(client) {
                return client;
            }
        }
        client
    }
}

/// One `X-Forwarded-For` entry: `1.2.3.4`, `1.2.3.4:5678`, `2001:db8::1`,
/// `[2001:db8::1]:443`.
fn parse_hop(s: &str) -> Option<IpAddr> {
    if let Ok(ip) = s.parse::<IpAddr>() {
        return Some(ip);
    }
    if let Ok(sa) = s.parse::<std::net::SocketAddr>() {
        return Some(sa.ip());
    }
    s.strip_prefix('[')
        .and_then(|r| r.strip_suffix(']'))
        .and_then(|r| r.parse().ok())
}

/// What a per-client limit counts under: an IPv4 address, or an IPv6 /64.
pub fn rate_key(ip: IpAddr) -> String {
    match ip.to_canonical() {
        IpAddr::V4(v4) => v4.to_string(),
        IpAddr::V6(v6) => {
            let s = v6.segments();
            format!("{:x}:{:x}:{:x}:{:x}::/64", s[0], s[1], s[2], s[3])
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use axum::http::HeaderValue;

    fn xff(values: &[&str]) -> HeaderMap {
        let mut h = HeaderMap::new();
        for v in values {
            h.append("x-forwarded-for", HeaderValue::from_str(v).unwrap());
        }
        h
    }

    #[test]
    fn the_right_most_untrusted_hop_is_the_client() {
        let t = TrustedProxies::parse(&["127.0.0.1", "10.0.0.0/8"]).unwrap();
        let lo: IpAddr = "127.0.0.1".parse().unwrap();
        // The client put a fake address first; the proxy appended the real one.
        let h = xff(&["6.6.6.6, 198.51.100.7"]);
        assert_eq!(t.client(lo, &h).to_string(), "198.51.100.7");
        // Two proxies (an inner one at 10.1.2.3), over two headers.
        let h = xff(&["6.6.6.6", "198.51.100.7, 10.1.2.3"]);
        assert_eq!(t.client(lo, &h).to_string(), "198.51.100.7");
        // No header: the proxy itself.
        assert_eq!(t.client(lo, &HeaderMap::new()), lo);
        // A port, brackets, an IPv4-mapped IPv6 address.
        let h = xff(&["198.51.100.7:5555"]);
        assert_eq!(t.client(lo, &h).to_string(), "198.51.100.7");
        let h = xff(&["[2001:db8::1]:443"]);
        assert_eq!(t.client(lo, &h).to_string(), "2001:db8::1");
        let h = xff(&["::ffff:198.51.100.7"]);
        assert_eq!(t.client(lo, &h).to_string(), "198.51.100.7");
        // Garbage where the proxy's entry should be: not believed.
        let h = xff(&["198.51.100.7, nonsense"]);
        assert_eq!(t.client(lo, &h), lo);
        // From a peer that is not a trusted proxy the header is ignored.
        let other: IpAddr = "192.0.2.1".parse().unwrap();
        assert_eq!(t.client(other, &xff(&["198.51.100.7"])), other);
        // Without trusted proxies, never believed.
        let none = TrustedProxies::default();
        assert_eq!(none.client(lo, &xff(&["198.51.100.7"])), lo);
    }

    #[test]
    fn bad_proxies_are_named_and_ipv6_counts_by_64() {
        let e = TrustedProxies::parse(&["proxy.local"]).unwrap_err();
        assert!(e.contains("proxy.local"), "{e}");
        assert!(TrustedProxies::parse(&["fd00::/8", "::1"]).is_ok());
        let a = rate_key("2001:db8:1:2:aaaa::1".parse().unwrap());
        let b = rate_key("2001:db8:1:2:bbbb::9".parse().unwrap());
        assert_eq!(a, b);
        assert_eq!(a, "2001:db8:1:2::/64");
        assert_eq!(rate_key("198.51.100.7".parse().unwrap()), "198.51.100.7");
    }
}
