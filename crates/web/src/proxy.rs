//! The client's address behind reverse proxies. Throttles and the security log key on
//! it, so behind a proxy that terminates TLS every request would otherwise come from
//! the proxy (and six failed sign-ins by anyone would slow everyone's). The address
//! is taken from `X-Forwarded-For` only when the request comes from a configured
//! trusted proxy, and then from the right: the first address that is not itself a
//! trusted proxy (a client can put anything at the left of the header).

use std::net::{IpAddr, SocketAddr};
use std::str::FromStr;

use axum::extract::{ConnectInfo, Request, State};
use axum::http::HeaderMap;
use axum::middleware::Next;
use axum::response::Response;
use ipnet::IpNet;

use crate::AppState;

/// The proxies whose `X-Forwarded-For` is believed: addresses or networks
/// (`10.0.0.0/8`, `127.0.0.1`, `::1`).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TrustedProxies(Vec<IpNet>);

impl FromStr for TrustedProxies {
    type Err = String;

    /// A comma-separated list (the environment variable's form).
    fn from_str(text: &str) -> Result<Self, Self::Err> {
        text.split(',')
            .map(str::trim)
            .filter(|part| !part.is_empty())
            .map(network)
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
    }
}

fn network(text: &str) -> Result<IpNet, String> {
    text.parse::<IpNet>()
        .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
        .map_err(|_| format!("\"{text}\" is not an IP address or network"))
}

impl<'de> serde::Deserialize<'de> for TrustedProxies {
    /// A TOML array of strings.
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let list = Vec::<String>::deserialize(deserializer)?;
        list.iter()
            .map(|s| network(s.trim()))
            .collect::<Result<Vec<_>, _>>()
            .map(TrustedProxies)
            .map_err(serde::de::Error::custom)
    }
}

impl TrustedProxies {
    fn trusts(&self, ip: IpAddr) -> bool {
        let ip = canonical(ip);
        self.0.iter().any(|net| net.contains(&ip))
    }

    /// The client's address for a request from `peer`.
    pub fn client(&self, peer: IpAddr, headers: &HeaderMap) -> IpAddr {
        if !self.trusts(peer) {
            return peer;
        }
        let hops: Vec<&str> = headers
            .get_all("x-forwarded-for")
            .iter()
            .filter_map(|v| v.to_str().ok())
            .flat_map(|v| v.split(','))
            .map(str::trim)
            .collect();
        let mut client = peer;
        for hop in hops.iter().rev() {
            let Ok(ip) = hop.parse::<IpAddr>() else {
                // Garbage from beyond the last proxy we trust: stop at what we know.
                break;
            };
            client = canonical(ip);
            if !self.trusts(client) {
                break;
            }
        }
        client
    }
}

/// An IPv4 address written as IPv6 (`::ffff:192.0.2.1`) is the IPv4 address.
fn canonical(ip: IpAddr) -> IpAddr {
    match ip {
        IpAddr::V6(v6) => v6.to_ipv4_mapped().map_or(ip, IpAddr::V4),
        v4 => v4,
    }
}

/// Middleware: replaces the connection's address with the client's, so every handler
/// and log line that reads it gets the client behind a trusted proxy.
pub async fn resolve(State(state): State<AppState>, mut request: Request, next: Next) -> Response {
    let proxies = &state.config().trusted_proxies;
    if let Some(ConnectInfo(peer)) = request
        .extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .copied()
        && !proxies.0.is_empty()
    {
        let client = proxies.client(peer.ip(), request.headers());
        if client != peer.ip() {
            request
                .extensions_mut()
                .insert(ConnectInfo(SocketAddr::new(client, peer.port())));
        }
    }
    next.run(request).await
}

#[cfg(test)]
mod tests {
    use super::*;

    fn forwarded(values: &[&str]) -> HeaderMap {
        let mut headers = HeaderMap::new();
        for v in values {
            headers.append("x-forwarded-for", v.parse().unwrap());
        }
        headers
    }

    #[test]
    fn the_client_comes_from_the_header_only_through_a_trusted_proxy() {
        let proxies: TrustedProxies = "10.0.0.0/8, 127.0.0.1".parse().unwrap();
        let ip = |s: &str| s.parse::<IpAddr>().unwrap();
        let header = forwarded(&["203.0.113.9"]);
        // From the proxy: the header's client.
        assert_eq!(proxies.client(ip("10.1.2.3"), &header), ip("203.0.113.9"));
        assert_eq!(
            proxies.client(ip("::ffff:127.0.0.1"), &header),
            ip("203.0.113.9")
        );
        // From anyone else: the header is ignored.
        assert_eq!(
            proxies.client(ip("198.51.100.7"), &header),
            ip("198.51.100.7")
        );
        // A forged left part does not count: the right-most untrusted hop does.
        let chain = forwarded(&["1.1.1.1, 203.0.113.9", "10.0.0.5"]);
        assert_eq!(proxies.client(ip("10.1.2.3"), &chain), ip("203.0.113.9"));
        // Garbage or nothing: the last address known.
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &forwarded(&["nonsense"])),
            ip("10.1.2.3")
        );
        assert_eq!(
            proxies.client(ip("10.1.2.3"), &HeaderMap::new()),
            ip("10.1.2.3")
        );
        assert!("10.0.0.0/33".parse::<TrustedProxies>().is_err());
        assert_eq!(
            "".parse::<TrustedProxies>().unwrap(),
            TrustedProxies::default()
        );
    }
}
