//! Decimal digits of every script: the Unicode general category Nd.
//!
//! Unicode encodes each script's decimal digits as a run of ten consecutive
//! code points from zero to nine (a stability guarantee of the standard), so
//! the zeros below are the whole table. Generated from the Unicode Character
//! Database (Nd characters whose decimal value is 0, Unicode 14 via Python's
//! `unicodedata`, plus the scripts added in Unicode 15 and 16); the test
//! checks each run against the standard library's own tables. Rust's
//! standard library has no digit value for non-ASCII digits, and the crates
//! that do (ICU4X's properties, `unic-ucd-numeric`) would bring megabytes of
//! tables into the phone library for these 76 numbers.

/// The code point of ZERO of each decimal digit run, in order.
const ZEROS: &[u32] = &[
    0x30, 0x660, 0x6F0, 0x7C0, 0x966, 0x9E6, 0xA66, 0xAE6, 0xB66, 0xBE6, 0xC66, 0xCE6, 0xD66,
    0xDE6, 0xE50, 0xED0, 0xF20, 0x1040, 0x1090, 0x17E0, 0x1810, 0x1946, 0x19D0, 0x1A80, 0x1A90,
    0x1B50, 0x1BB0, 0x1C40, 0x1C50, 0xA620, 0xA8D0, 0xA900, 0xA9D0, 0xA9F0, 0xAA50, 0xABF0, 0xFF10,
    0x104A0, 0x10D30, 0x10D40, 0x11066, 0x110F0, 0x11136, 0x111D0, 0x112F0, 0x11450, 0x114D0,
    0x11650, 0x116C0, 0x116D0, 0x116DA, 0x11730, 0x118E0, 0x11950, 0x11BF0, 0x11C50, 0x11D50,
    0x11DA0, 0x11F50, 0x16130, 0x16A60, 0x16AC0, 0x16B50, 0x16D70, 0x1CCF0, 0x1D7CE, 0x1D7D8,
    0x1D7E2, 0x1D7EC, 0x1D7F6, 0x1E140, 0x1E2F0, 0x1E4F0, 0x1E5F1, 0x1E950, 0x1FBF0,
];

/// The value of a decimal digit of any script (`7`, `٧` Arabic-Indic, `۷`
/// Persian, `७` Devanagari, `７` full-width …).
pub(crate) fn digit(c: char) -> Option<u8> {
    let cp = c as u32;
    if c.is_ascii_digit() {
        return Some((cp - 0x30) as u8);
    }
    let i = ZEROS.partition_point(|&z| z <= cp);
    let zero = *ZEROS.get(i.checked_sub(1)?)?;
    (cp - zero < 10).then(|| (cp - zero) as u8)
}

/// Every script's zero, for tests that write numbers in each of them.
#[cfg(test)]
pub(crate) fn zeros() -> impl Iterator<Item = char> {
    ZEROS.iter().filter_map(|&z| char::from_u32(z))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_run_is_ten_numeric_characters_and_values_are_right() {
        assert!(
            ZEROS.windows(2).all(|w| w[1] >= w[0] + 10),
            "sorted, no overlap"
        );
        for z in zeros() {
            for v in 0..10u32 {
                let c = char::from_u32(z as u32 + v).unwrap();
                assert!(c.is_numeric(), "U+{:X} is not numeric", c as u32);
                assert_eq!(digit(c), Some(v as u8), "U+{:X}", c as u32);
            }
        }
        assert_eq!(digit('٣'), Some(3)); // Arabic-Indic
        assert_eq!(digit('۸'), Some(8)); // Persian
        assert_eq!(digit('９'), Some(9)); // full-width
        for c in ['a', '½', '²', 'Ⅳ', '-', ' ', '\u{65F}'] {
            assert_eq!(digit(c), None, "{c}");
        }
    }
}
