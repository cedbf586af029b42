//! Trace and span identifiers. Ids are stored as integers (a `u128` trace id, a non-zero `u64` span id) because
//! that is what every format encodes; the rare file with ids that are not hex (Jaeger UI's own test data has
//! `"trace-123"`) gets a stable id hashed from the text, and the text is kept for display.

use std::fmt;
use std::num::NonZeroU64;

/// A trace id. `wide` says whether the source wrote 128 bits (32 hex digits); 64-bit ids print as 16 digits.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct TraceId {
    pub value: u128,
    pub wide: bool,
}

impl TraceId {
    /// Parses 1–32 hex digits (any case). Ids longer than 16 digits, or with a non-zero high half, are wide.
    pub fn from_hex(text: &str) -> Option<TraceId> {
        let value = parse_hex_u128(text)?;
        Some(TraceId { value, wide: text.len() > 16 || value >> 64 != 0 })
    }

    /// From 8 or 16 raw bytes (big-endian, as OTLP's base64 form carries them).
    pub fn from_bytes(bytes: &[u8]) -> Option<TraceId> {
        match bytes.len() {
            16 => Some(TraceId { value: u128::from_be_bytes(bytes.try_into().ok()?), wide: true }),
            8 => Some(TraceId { value: u64::from_be_bytes(bytes.try_into().ok()?) as u128, wide: false }),
            _ => None,
        }
    }

    /// A stable id for text that is not hex: FNV-1a over the bytes, marked wide.
    pub fn from_opaque_text(text: &str) -> TraceId {
        let lo = fnv1a(text.as_bytes(), 0xcbf2_9ce4_8422_2325) as u128;
        let hi = fnv1a(text.as_bytes(), 0x6c62_272e_07bb_0142) as u128;
        TraceId { value: (hi << 64) | lo, wide: true }
    }

    /// Lower-case hex: 32 digits for a wide id, else 16.
    pub fn to_hex(&self) -> String {
        if self.wide {
            format!("{:032x}", self.value)
        } else {
            format!("{:016x}", self.value as u64)
        }
    }
}

impl fmt::Display for TraceId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

/// A span id: 64 bits, never zero (zero means "no span" in every format).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SpanId(pub NonZeroU64);

impl SpanId {
    /// Parses 1–16 hex digits (any case); `None` for zero or non-hex text.
    pub fn from_hex(text: &str) -> Option<SpanId> {
        if text.len() > 16 {
            // Some writers left-pad to 32 digits; accept when the high half is zero.
            let v = parse_hex_u128(text)?;
            return (v >> 64 == 0).then_some(v as u64).and_then(NonZeroU64::new).map(SpanId);
        }
        NonZeroU64::new(parse_hex_u128(text)? as u64).map(SpanId)
    }

    /// From 8 raw bytes (big-endian); `None` for all-zero.
    pub fn from_bytes(bytes: &[u8]) -> Option<SpanId> {
        let arr: [u8; 8] = bytes.try_into().ok()?;
        NonZeroU64::new(u64::from_be_bytes(arr)).map(SpanId)
    }

    /// A stable id for text that is not hex (FNV-1a; never zero).
    pub fn from_opaque_text(text: &str) -> SpanId {
        let h = fnv1a(text.as_bytes(), 0xcbf2_9ce4_8422_2325);
        SpanId(NonZeroU64::new(h).unwrap_or(NonZeroU64::MIN))
    }

    pub fn get(self) -> u64 {
        self.0.get()
    }

    /// 16 lower-case hex digits.
    pub fn to_hex(self) -> String {
        format!("{:016x}", self.0.get())
    }
}

impl fmt::Display for SpanId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0.get())
    }
}

fn parse_hex_u128(text: &str) -> Option<u128> {
    let b = text.as_bytes();
    match b.len() {
        0 => None,
        // 64 bits and less, the common case, in 64-bit arithmetic (a `u128` is two words on wasm32).
        1..=16 => parse_hex_u64(b).map(u128::from),
        17..=32 => {
            let (high, low) = b.split_at(b.len() - 16);
            Some((u128::from(parse_hex_u64(high)?) << 64) | u128::from(parse_hex_u64(low)?))
        }
        _ => None,
    }
}

/// The value of each byte as a hex digit; `NOT_HEX` for the others.
const HEX_DIGIT: [u8; 256] = {
    let mut t = [NOT_HEX; 256];
    let mut i = 0;
    while i < 10 {
        t[b'0' as usize + i] = i as u8;
        i += 1;
    }
    let mut i = 0;
    while i < 6 {
        t[b'a' as usize + i] = 10 + i as u8;
        t[b'A' as usize + i] = 10 + i as u8;
        i += 1;
    }
    t
};
const NOT_HEX: u8 = 0x80;

/// 1–16 hex digits, without a branch per digit.
fn parse_hex_u64(digits: &[u8]) -> Option<u64> {
    let mut v = 0u64;
    let mut seen = 0u8;
    for &c in digits {
        let d = HEX_DIGIT[c as usize];
        seen |= d;
        v = (v << 4) | u64::from(d & 0x0F);
    }
    (seen & NOT_HEX == 0).then_some(v)
}

fn fnv1a(bytes: &[u8], seed: u64) -> u64 {
    let mut h = seed;
    for &b in bytes {
        h ^= b as u64;
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trace_ids_keep_their_width() {
        assert_eq!(TraceId::from_hex("00000000000000ff").unwrap().to_hex(), "00000000000000ff");
        assert_eq!(
            TraceId::from_hex("5B8EFFF798038103D269B633813FC60C").unwrap().to_hex(),
            "5b8efff798038103d269b633813fc60c"
        );
        // Jaeger UI's 31-digit id is a 128-bit id with its leading zero dropped.
        assert_eq!(
            TraceId::from_hex("df84e36b9e2ee3815d07f0867a5be1f").unwrap().to_hex(),
            "0df84e36b9e2ee3815d07f0867a5be1f"
        );
        assert!(TraceId::from_hex("trace-123").is_none());
        assert_eq!(TraceId::from_opaque_text("trace-123"), TraceId::from_opaque_text("trace-123"));
    }

    #[test]
    fn span_ids_reject_zero_and_non_hex() {
        assert!(SpanId::from_hex("0000000000000000").is_none());
        assert!(SpanId::from_hex("span-1").is_none());
        assert_eq!(SpanId::from_hex("00000000000000000000000000000001").unwrap().get(), 1);
        assert_eq!(SpanId::from_hex("EEE19B7EC3C1B174").unwrap().to_hex(), "eee19b7ec3c1b174");
    }

    #[test]
    fn hex_parses_every_digit_and_refuses_every_other_byte() {
        assert_eq!(parse_hex_u128("0123456789abcdefABCDEF"), Some(0x0001_2345_6789_abcd_efab_cdef));
        assert_eq!(parse_hex_u128("f"), Some(15));
        assert_eq!(parse_hex_u128(&"f".repeat(32)), Some(u128::MAX));
        assert_eq!(parse_hex_u128(&"f".repeat(33)), None);
        assert_eq!(parse_hex_u128(""), None);
        for c in (0u8..=255).filter(|c| !c.is_ascii_hexdigit()) {
            let text = String::from_utf8_lossy(&[b'1', c, b'2']).into_owned();
            assert_eq!(parse_hex_u128(&text), None, "{c:#x}");
            let long = format!("{}{text}", "0".repeat(20));
            assert_eq!(parse_hex_u128(&long), None, "{c:#x} in a 128-bit id");
        }
    }
}
