//! Device enrollment, the parts device and hub share: the one-time code's
//! format, the QR payload, and the exchange of a code for the device's own
//! upload token (`POST <hub>v1/enroll`).
//!
//! A code is 10 characters of Crockford base32 (no I, L, O, U): 9 random
//! characters (45 bits) and a check character, shown in two groups of five
//! (`7K3QD-M2XWA`). Reading it back forgives case, spaces and dashes, and
//! reads I/L as 1 and O as 0; the check character catches a mistyped
//! character or two swapped neighbours before anything is sent. A QR code
//! carries `fyr-enroll:CODE@HUB_URL`.
//!
//! The token a device receives is 32 random bytes in hex; the shell keeps it
//! (a 0600 file beside the data for the CLI, the keystore/keychain on a
//! phone) and passes it to every sync. The core never stores it.

use serde::{Deserialize, Serialize};

/// Crockford's base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code, the check character included.
pub const CODE_LEN: usize = 10;
/// The QR payload's scheme.
pub const QR_PREFIX: &str = "fyr-enroll:";

/// The answer to a successful enrollment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Enrollment {
    /// The device's own upload token: keep it secret, pass it to every sync.
    pub token: String,
    /// The county the code was issued for (SCB county code or name as the hub gave it).
    pub county: String,
    /// The agency kind the code was issued for.
    pub agency_kind: String,
    /// The hub that enrolled the device.
    pub hub_url: String,
}

fn value(c: char) -> Option<u32> {
    let c = match c.to_ascii_uppercase() {
        'I' | 'L' => '1',
        'O' => '0',
        c => c,
    };
    ALPHABET
        .iter()
        .position(|&a| a as char == c)
        .map(|p| p as u32)
}

/// The check character over the data characters' values: a weighted sum
/// (weights 1..=n) mod 31, so that one wrong character or two swapped
/// neighbours always change it (31 is prime and above every weight).
fn check_value(values: &[u32]) -> u32 {
    values
        .iter()
        .enumerate()
        .map(|(i, v)| (i as u32 + 1) * v)
        .sum::<u32>()
        % 31
}

/// A new random code (hub side).
pub fn generate_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let values: Vec<u32> = (0..CODE_LEN - 1).map(|_| rng.gen_range(0..32)).collect();
    let mut s: String = values
        .iter()
        .map(|&v| ALPHABET[v as usize] as char)
        .collect();
    s.push(ALPHABET[check_value(&values) as usize] as char);
    s
}

/// A code in its display form, `XXXXX-XXXXX`.
pub fn display_code(code: &str) -> String {
    if code.len() == CODE_LEN {
        format!("{}-{}", &code[..5], &code[5..])
    } else {
        code.to_string()
    }
}

/// Reads a typed code into its canonical form (10 upper-case characters),
/// or says what is wrong with it.
pub fn normalize_code(input: &str) -> Result<String, String> {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if chars.len() != CODE_LEN {
        return Err(format!(
            "an enrollment code has {CODE_LEN} characters (letters and digits), got {}",
            chars.len()
        ));
    }
    let mut values = Vec::with_capacity(CODE_LEN);
    for c in &chars {
        values.push(value(*c).ok_or_else(|| {
            format!("{c:?} cannot be in an enrollment code (letters and digits only, no U)")
        })?);
    }
    let (data, check) = values.split_at(CODE_LEN - 1);
    if check_value(data) != check[0] {
        return Err("the enrollment code is mistyped (its check character does not match)".into());
    }
    Ok(values
        .iter()
        .map(|&v| ALPHABET[v as usize] as char)
        .collect())
}

/// The QR payload for a code: `fyr-enroll:CODE@HUB_URL`.
pub fn qr_payload(code: &str, hub_url: &str) -> String {
    format!("{QR_PREFIX}{code}@{hub_url}")
}

/// Reads what the user typed or scanned: a bare code, or a QR payload with
/// the hub's URL. Returns the canonical code and the URL, if any.
pub fn parse_input(input: &str) -> Result<(String, Option<String>), String> {
    let input = input.trim();
    if let Some(rest) = input.strip_prefix(QR_PREFIX) {
        let (code, url) = rest
            .split_once('@')
            .ok_or_else(|| format!("a {QR_PREFIX} payload is CODE@URL"))?;
        let code = normalize_code(code)?;
        let url = url.trim();
        match reqwest::Url::parse(url) {
            Ok(u) if matches!(u.scheme(), "http" | "https") => {}
            _ => {
                return Err(format!(
                    "the hub address {url:?} in the payload is not an http(s) URL"
                ))
            }
        }
        return Ok((code, Some(url.to_string())));
    }
    Ok((normalize_code(input)?, None))
}

/// Why an enrollment did not work.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum EnrollError {
    #[error("{0}")]
    Code(String),
    #[error("the hub did not accept the code: it is wrong, used or expired; ask your coordinator for a new one")]
    Refused,
    #[error("too many enrollment attempts; try again in a while")]
    RateLimited,
    #[error("cannot reach the hub at {url}: {reason}")]
    Network { url: String, reason: String },
    #[error("the hub answered HTTP {status}")]
    Http { status: u16 },
}

/// Exchanges a code (already normalized) for the device's token at `hub_url`.
pub async fn enroll(hub_url: &str, code: &str) -> Result<Enrollment, EnrollError> {
    let mut base = reqwest::Url::parse(hub_url).map_err(|e| EnrollError::Network {
        url: hub_url.into(),
        reason: e.to_string(),
    })?;
    if !base.path().ends_with('/') {
        let p = format!("{}/", base.path());
        base.set_path(&p);
    }
    let url = base.join("v1/enroll").map_err(|e| EnrollError::Network {
        url: hub_url.into(),
        reason: e.to_string(),
    })?;
    let net = |e: reqwest::Error| EnrollError::Network {
        url: base.to_string(),
        reason: e.to_string(),
    };
    let client = reqwest::Client::builder()
        .connect_timeout(std::time::Duration::from_secs(15))
        .timeout(std::time::Duration::from_secs(30))
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .map_err(net)?;
    let resp = client
        .post(url)
        .header(reqwest::header::CONTENT_TYPE, "application/json")
        .body(serde_json::json!({ "code": code }).to_string())
        .send()
        .await
        .map_err(net)?;
    let status = resp.status();
    if status == reqwest::StatusCode::TOO_MANY_REQUESTS {
        return Err(EnrollError::RateLimited);
    }
    if status == reqwest::StatusCode::FORBIDDEN || status == reqwest::StatusCode::NOT_FOUND {
        return Err(EnrollError::Refused);
    }
    if !status.is_success() {
        return Err(EnrollError::Http {
            status: status.as_u16(),
        });
    }
    #[derive(Deserialize)]
    struct Answer {
        token: String,
        county: String,
        agency_kind: String,
    }
    let bytes = resp.bytes().await.map_err(net)?;
    if bytes.len() > 64 << 10 {
        return Err(EnrollError::Http {
            status: status.as_u16(),
        });
    }
    let a: Answer = serde_json::from_slice(&bytes).map_err(|e| EnrollError::Network {
        url: base.to_string(),
        reason: format!("the hub's answer is not understood: {e}"),
    })?;
    if a.token.len() < 16 || !a.token.bytes().all(|b| b.is_ascii_alphanumeric()) {
        return Err(EnrollError::Network {
            url: base.to_string(),
            reason: "the hub's token is malformed".into(),
        });
    }
    Ok(Enrollment {
        token: a.token,
        county: a.county,
        agency_kind: a.agency_kind,
        hub_url: base.to_string(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip_and_forgive_typing() {
        for _ in 0..200 {
            let c = generate_code();
            assert_eq!(c.len(), CODE_LEN);
            assert_eq!(normalize_code(&c).unwrap(), c);
            let typed = display_code(&c)
                .to_lowercase()
                .replace('1', "l")
                .replace('0', "o");
            assert_eq!(normalize_code(&typed).unwrap(), c);
            assert_eq!(
                normalize_code(&format!(" {} ", display_code(&c))).unwrap(),
                c
            );
        }
    }

    #[test]
    fn a_wrong_character_or_a_swap_is_caught() {
        for _ in 0..200 {
            let c: Vec<char> = generate_code().chars().collect();
            for i in 0..CODE_LEN {
                let mut w = c.clone();
                let pos = ALPHABET.iter().position(|&a| a as char == w[i]).unwrap();
                w[i] = ALPHABET[(pos + 7) % 32] as char;
                let s: String = w.iter().collect();
                // A changed check character is caught unless the change lands
                // on the same value mod 31 (only 0 <-> 31).
                if i < CODE_LEN - 1 || (pos + 7) % 32 % 31 != pos % 31 {
                    assert!(normalize_code(&s).is_err(), "{s} passed");
                }
            }
            for i in 0..CODE_LEN - 2 {
                let p = |ch: char| ALPHABET.iter().position(|&a| a as char == ch).unwrap();
                // 0 and Z differ by 31: a swap of those two is the one blind spot.
                if c[i] != c[i + 1] && p(c[i]).abs_diff(p(c[i + 1])) != 31 {
                    let mut w = c.clone();
                    w.swap(i, i + 1);
                    let s: String = w.iter().collect();
                    assert!(normalize_code(&s).is_err(), "swap {s} passed");
                }
            }
        }
        assert!(normalize_code("ABC").unwrap_err().contains("10 characters"));
        assert!(normalize_code("ABCDEFGHJU").unwrap_err().contains("'U'"));
    }

    #[test]
    fn qr_payloads_parse() {
        let c = generate_code();
        let (code, url) = parse_input(&qr_payload(&c, "http://127.0.0.1:8080/")).unwrap();
        assert_eq!(code, c);
        assert_eq!(url.as_deref(), Some("http://127.0.0.1:8080/"));
        assert_eq!(parse_input(&display_code(&c)).unwrap(), (c.clone(), None));
        assert!(parse_input(&format!("fyr-enroll:{c}@ftp://x")).is_err());
        assert!(parse_input("fyr-enroll:nourl").is_err());
    }
}
