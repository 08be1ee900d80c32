//! Device enrollment, the parts device and hub share: the one-time code's
//! format, the QR payload, and the exchange of a code for the device's own
//! upload token (`POST <hub>v1/enroll`).
//!
//! A code is 15 characters of Crockford base32 (no I, L, O, U): 14 random
//! characters (70 bits) and a check character, shown in three groups of five
//! (`7K3QD-M2XWA-9RT44`). Reading it back forgives case, spaces and dashes,
//! and reads I/L as 1 and O as 0; the check character catches every single
//! mistyped character and every swap of two neighbours before anything is
//! sent (see [`check_value`]). A QR code carries `fyr-enroll:CODE@HUB_URL`.
//!
//! Codes of the earlier format (10 characters, 45 bits) are refused with a
//! message saying so; the hub expired them when it was upgraded.
//!
//! The token a device receives is 32 random bytes in hex; the shell keeps it
//! (a 0600 file beside the data for the CLI, the keystore/keychain on a
//! phone) and passes it to every sync. The core never stores it.

use serde::{Deserialize, Serialize};

/// Crockford's base32 alphabet.
pub const ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";
/// Characters of a code, the check character included.
pub const CODE_LEN: usize = 15;
/// Random characters of a code: 14 × 5 = 70 bits.
pub const RANDOM_CHARS: usize = CODE_LEN - 1;
/// Characters of a code of the earlier format, refused with its own message.
const OLD_CODE_LEN: usize = 10;
/// The QR payload's scheme.
pub const QR_PREFIX: &str = "fyr-enroll:";

/// The answer to a successful enrollment (passed unchanged through the FFI:
/// keep `token` in the keystore/keychain and pass it to every sync).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "uniffi", derive(uniffi::Record))]
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

/// Multiplication in GF(32) (polynomial x^5 + x^2 + 1).
fn gf_mul(mut a: u32, mut b: u32) -> u32 {
    let mut p = 0;
    while b != 0 {
        if b & 1 != 0 {
            p ^= a;
        }
        b >>= 1;
        a <<= 1;
        if a & 0x20 != 0 {
            a ^= 0x25;
        }
    }
    p
}

/// The check character's value over the data characters' values: the sum
/// in GF(32) of `α^(i+1) · v_i` (α = x, a generator; the check character
/// itself has the weight α^0 = 1, so a whole valid code sums to 0). The
/// fifteen weights are distinct and non-zero in a field, so one wrong
/// character (anywhere, the check character included) always changes the
/// sum, and so does any swap of two different neighbours — unlike a sum
/// mod 31 over 32 symbols, which cannot tell `0` from `Z`. (Crockford's own
/// check symbol is mod 37 and needs `*~$=U`, which people cannot type
/// reliably; hence this.)
fn check_value(values: &[u32]) -> u32 {
    let mut weight = 1;
    let mut sum = 0;
    for &v in values {
        weight = gf_mul(weight, 2);
        sum ^= gf_mul(weight, v);
    }
    sum
}

/// A new random code (hub side).
pub fn generate_code() -> String {
    use rand::Rng;
    let mut rng = rand::thread_rng();
    let values: Vec<u32> = (0..RANDOM_CHARS).map(|_| rng.gen_range(0..32)).collect();
    let mut s: String = values
        .iter()
        .map(|&v| ALPHABET[v as usize] as char)
        .collect();
    s.push(ALPHABET[check_value(&values) as usize] as char);
    s
}

/// A code in its display form, `XXXXX-XXXXX-XXXXX`.
pub fn display_code(code: &str) -> String {
    if code.len() == CODE_LEN && code.is_ascii() {
        format!("{}-{}-{}", &code[..5], &code[5..10], &code[10..])
    } else {
        code.to_string()
    }
}

/// Reads a typed code into its canonical form (15 upper-case characters),
/// or says what is wrong with it.
pub fn normalize_code(input: &str) -> Result<String, String> {
    let chars: Vec<char> = input
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if chars.len() == OLD_CODE_LEN && chars.iter().all(|c| value(*c).is_some()) {
        return Err(format!(
            "this is an enrollment code of the old format (10 characters), which no longer \
             works; ask your coordinator for a new code ({CODE_LEN} characters)"
        ));
    }
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
    let (data, check) = values.split_at(RANDOM_CHARS);
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
        match url::Url::parse(url) {
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

/// [`enroll_with`] through the reqwest transport (the CLI, the hub's tests).
#[cfg(feature = "http")]
pub async fn enroll(hub_url: &str, code: &str) -> Result<Enrollment, EnrollError> {
    let t = crate::sync::default_transport(std::time::Duration::from_secs(15)).map_err(|e| {
        EnrollError::Network {
            url: hub_url.into(),
            reason: e.to_string(),
        }
    })?;
    enroll_with(&*t, hub_url, code).await
}

/// Exchanges a code (already normalized) for the device's token at
/// `hub_url`, through `transport` (never following a redirect; 64 KiB at
/// most of answer; 15 s for the answer to begin, 30 s in all).
pub async fn enroll_with(
    transport: &dyn crate::sync::Transport,
    hub_url: &str,
    code: &str,
) -> Result<Enrollment, EnrollError> {
    use crate::sync::transport::{HttpHeader, HttpLimits, HttpRequest};
    let mut base = url::Url::parse(hub_url).map_err(|e| EnrollError::Network {
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
    const MAX_ANSWER: u64 = 64 << 10;
    let request = HttpRequest {
        method: "POST".into(),
        url: url.to_string(),
        headers: vec![HttpHeader {
            name: "content-type".into(),
            value: "application/json".into(),
        }],
        body: serde_json::json!({ "code": code }).to_string().into_bytes(),
        limits: HttpLimits {
            max_body_bytes: MAX_ANSWER,
            head_timeout_ms: 15_000,
            deadline_ms: 30_000,
            min_rate: 0,
            rate_window_ms: 30_000,
            follow_redirects: false,
        },
    };
    let resp = transport
        .send(request, &crate::sync::CancelToken::new())
        .await
        .map_err(|e| EnrollError::Network {
            url: base.to_string(),
            reason: e.0,
        })?;
    let status = resp.status;
    if status == 429 {
        return Err(EnrollError::RateLimited);
    }
    if status == 403 || status == 404 {
        return Err(EnrollError::Refused);
    }
    if !resp.is_success() {
        return Err(EnrollError::Http { status });
    }
    if let Some(why) = resp.cut_off {
        return Err(EnrollError::Network {
            url: base.to_string(),
            reason: why,
        });
    }
    #[derive(Deserialize)]
    struct Answer {
        token: String,
        county: String,
        agency_kind: String,
    }
    let bytes = resp.body;
    if bytes.len() as u64 > MAX_ANSWER {
        return Err(EnrollError::Http { status });
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
            assert_eq!(display_code(&c).len(), CODE_LEN + 2);
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
    fn every_wrong_character_and_every_swap_is_caught() {
        let p = |ch: char| ALPHABET.iter().position(|&a| a as char == ch).unwrap();
        for _ in 0..100 {
            let c: Vec<char> = generate_code().chars().collect();
            // Every position (the check character too), every other symbol.
            for i in 0..CODE_LEN {
                for other in ALPHABET.iter().map(|&a| a as char) {
                    if other == c[i] {
                        continue;
                    }
                    let mut w = c.clone();
                    w[i] = other;
                    let s: String = w.iter().collect();
                    assert!(normalize_code(&s).is_err(), "{s} passed");
                }
            }
            for i in 0..CODE_LEN - 1 {
                if c[i] != c[i + 1] {
                    let mut w = c.clone();
                    w.swap(i, i + 1);
                    let s: String = w.iter().collect();
                    assert!(normalize_code(&s).is_err(), "swap {s} passed");
                }
            }
        }
        // 0 and Z (values 0 and 31) were the old check's blind spot.
        let mut zero_z: Vec<char> = (0..CODE_LEN)
            .map(|i| if i % 2 == 0 { '0' } else { 'Z' })
            .collect();
        let data: Vec<u32> = zero_z[..RANDOM_CHARS]
            .iter()
            .map(|&ch| p(ch) as u32)
            .collect();
        zero_z[CODE_LEN - 1] = ALPHABET[check_value(&data) as usize] as char;
        let good: String = zero_z.iter().collect();
        assert!(normalize_code(&good).is_ok());
        zero_z.swap(0, 1);
        assert!(normalize_code(&zero_z.iter().collect::<String>()).is_err());
        assert!(normalize_code("ABC").unwrap_err().contains("15 characters"));
        assert!(normalize_code("ABCDEFGHJKMNPQU")
            .unwrap_err()
            .contains("'U'"));
    }

    #[test]
    fn codes_carry_seventy_random_bits() {
        const { assert!(RANDOM_CHARS * 5 >= 60) };
        // Every data position takes every symbol (no fixed characters).
        let mut seen = vec![[false; 32]; RANDOM_CHARS];
        for _ in 0..2000 {
            for (i, ch) in generate_code().chars().take(RANDOM_CHARS).enumerate() {
                seen[i][ALPHABET.iter().position(|&a| a as char == ch).unwrap()] = true;
            }
        }
        assert!(seen.iter().all(|s| s.iter().all(|&b| b)));
    }

    #[test]
    fn the_documented_example_is_a_valid_code() {
        assert_eq!(
            normalize_code("7K3QD-M2XWA-9RT44").unwrap(),
            "7K3QDM2XWA9RT44"
        );
    }

    #[test]
    fn an_old_ten_character_code_is_refused_with_its_own_message() {
        // A code of the earlier format (as printed on an old note).
        for old in ["7K3QD-M2XWA", "7k3qd m2xwa"] {
            let e = normalize_code(old).unwrap_err();
            assert!(e.contains("old format") && e.contains("new code"), "{e}");
            let e = parse_input(&format!("fyr-enroll:{old}@http://127.0.0.1:1/")).unwrap_err();
            assert!(e.contains("old format"), "{e}");
        }
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
