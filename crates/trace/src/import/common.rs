//! What the importers share:
//! - [`seed_is_visitor!`]: the `DeserializeSeed` impl of every seed that is its own `Visitor` (every importer);
//! - [`NO_TIME`] and [`place_untimed_events`]: events whose time is their span's start (Jaeger, OTLP, Zipkin);
//! - [`CowVisitor`]: a JSON string borrowed from the input when it has no escapes (every importer);
//! - the lenient value types of Jaeger, Zipkin and the console output: [`Text`] (a string), [`TagVal`] (any JSON
//!   value as a tag), [`Micros`] (microseconds as a number or numeric text, in ns) and [`Int`] (an integer,
//!   likewise).
//!
//! The string types borrow from the input when the JSON string has no escapes and the input is in memory, so a
//! span's text is interned straight from the document without an allocation (from a stream they are copied).

use crate::build::SpanDraft;
use crate::number::f64_from_str;
use crate::time::TimestampNs;
use serde::de::{self, Deserializer, MapAccess, SeqAccess, Unexpected, Visitor};
use serde::Deserialize;
use std::borrow::Cow;
use std::fmt;

// ---------------------------------------------------------------------------------------------------------
// Seeds and documents.

/// Implements `DeserializeSeed` for seeds that are their own `Visitor`: `deserialize` hands the seed to the
/// named `Deserializer` method (`deserialize_any`, or `deserialize_map` for a seed that reads only objects).
///
/// `seed_is_visitor!(deserialize_any: Doc<'_, '_>, TagsSeed<'_, '_, '_>);`
macro_rules! seed_is_visitor {
    ($method:ident: $($seed:ty),+ $(,)?) => {
        $(
            impl<'de> serde::de::DeserializeSeed<'de> for $seed {
                type Value = <Self as serde::de::Visitor<'de>>::Value;
                fn deserialize<D: serde::de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    d.$method(self)
                }
            }
        )+
    };
    // Envelope seeds, generic over how they read their elements (`K`; see `super::Elements`).
    ($method:ident <$k:ident>: $($seed:ty),+ $(,)?) => {
        $(
            impl<'de, $k: crate::import::Elements> serde::de::DeserializeSeed<'de> for $seed {
                type Value = <Self as serde::de::Visitor<'de>>::Value;
                fn deserialize<D: serde::de::Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                    d.$method(self)
                }
            }
        )+
    };
}
pub(super) use seed_is_visitor;

/// The JSON path serde_path_to_error finds for the failure of `seed` over `bytes` (`None` when the parse
/// succeeds): the path the importers gave before [`super::json_path`] replaced it, and the oracle that
/// `path_differential` compares it with.
#[cfg(test)]
pub(super) fn spte_path<S>(bytes: &[u8], seed: S) -> Option<String>
where
    S: for<'de> serde::de::DeserializeSeed<'de, Value = ()>,
{
    let mut de = serde_json::Deserializer::from_slice(bytes);
    let mut track = serde_path_to_error::Track::new();
    let r = seed.deserialize(serde_path_to_error::Deserializer::new(&mut de, &mut track));
    r.err().map(|_| track.path().to_string())
}

// ---------------------------------------------------------------------------------------------------------
// Events.

/// The time of an event whose time is not known until its span's start is.
pub(super) const NO_TIME: TimestampNs = TimestampNs(i64::MIN);

/// Puts the span's events that have no time ([`NO_TIME`]) at the span's start (0 when it has none).
pub(super) fn place_untimed_events(d: &mut SpanDraft) {
    let start = d.start.unwrap_or(TimestampNs(0));
    for e in &mut d.events {
        if e.time == NO_TIME {
            e.time = start;
        }
    }
}

// ---------------------------------------------------------------------------------------------------------
// Strings and lenient values.

/// Visits a JSON string into a `Cow` that borrows from the input when the string has no escapes. With
/// `NULL_IS_EMPTY`, `null` is the empty string; otherwise it is an error, as any other non-string is.
pub(super) struct CowVisitor<const NULL_IS_EMPTY: bool>;

impl<'de, const NULL_IS_EMPTY: bool> Visitor<'de> for CowVisitor<NULL_IS_EMPTY> {
    type Value = Cow<'de, str>;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a string")
    }
    fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<Self::Value, E> {
        Ok(Cow::Borrowed(v))
    }
    fn visit_str<E: de::Error>(self, v: &str) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v.to_owned()))
    }
    fn visit_string<E: de::Error>(self, v: String) -> Result<Self::Value, E> {
        Ok(Cow::Owned(v))
    }
    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        if NULL_IS_EMPTY {
            Ok(Cow::Borrowed(""))
        } else {
            Err(E::invalid_type(Unexpected::Unit, &self))
        }
    }
}

/// A string that borrows from the input when it has no escapes. Accepts only JSON strings.
#[derive(Debug, Default, Clone)]
pub(super) struct Text<'a>(pub Cow<'a, str>);

impl<'de: 'a, 'a> Deserialize<'de> for Text<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        d.deserialize_str(CowVisitor::<false>).map(Text)
    }
}

/// Text of an optional string field, `""` when absent.
pub(super) fn text_of<'t>(t: &'t Option<Text<'_>>) -> &'t str {
    t.as_ref().map(|t| t.0.as_ref()).unwrap_or("")
}

/// Any JSON value, as a tag value: scalars as they are, arrays and objects as their JSON text.
#[derive(Debug, Default, Clone)]
pub(super) enum TagVal<'a> {
    Str(Cow<'a, str>),
    Bool(bool),
    I64(i64),
    U64(u64),
    F64(f64),
    #[default]
    Null,
    /// An array or object, re-serialized.
    Json(String),
}

impl<'de: 'a, 'a> Deserialize<'de> for TagVal<'a> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = TagVal<'de>;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a tag value")
            }
            fn visit_borrowed_str<E: de::Error>(self, v: &'de str) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Str(Cow::Borrowed(v)))
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Str(Cow::Owned(v.to_owned())))
            }
            fn visit_string<E: de::Error>(self, v: String) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Str(Cow::Owned(v)))
            }
            fn visit_bool<E: de::Error>(self, v: bool) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Bool(v))
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<TagVal<'de>, E> {
                Ok(TagVal::I64(v))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<TagVal<'de>, E> {
                Ok(TagVal::U64(v))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<TagVal<'de>, E> {
                Ok(TagVal::F64(v))
            }
            fn visit_unit<E: de::Error>(self) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Null)
            }
            fn visit_none<E: de::Error>(self) -> Result<TagVal<'de>, E> {
                Ok(TagVal::Null)
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<TagVal<'de>, D::Error> {
                d.deserialize_any(self)
            }
            fn visit_seq<A: SeqAccess<'de>>(self, seq: A) -> Result<TagVal<'de>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::SeqAccessDeserializer::new(seq))?;
                Ok(TagVal::Json(v.to_string()))
            }
            fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<TagVal<'de>, A::Error> {
                let v = serde_json::Value::deserialize(de::value::MapAccessDeserializer::new(map))?;
                Ok(TagVal::Json(v.to_string()))
            }
        }
        d.deserialize_any(V)
    }
}

impl TagVal<'_> {
    /// The value as text (a string as it is, `null` as `""`).
    pub(super) fn text(&self) -> Cow<'_, str> {
        match self {
            TagVal::Str(s) => Cow::Borrowed(s.as_ref()),
            TagVal::Bool(b) => Cow::Borrowed(if *b { "true" } else { "false" }),
            TagVal::I64(i) => Cow::Owned(i.to_string()),
            TagVal::U64(u) => Cow::Owned(u.to_string()),
            TagVal::F64(f) => Cow::Owned(f.to_string()),
            TagVal::Null => Cow::Borrowed(""),
            TagVal::Json(s) => Cow::Borrowed(s),
        }
    }

    /// Whether the value says "true" (the boolean, or the string in any case).
    pub(super) fn is_true(&self) -> bool {
        match self {
            TagVal::Bool(b) => *b,
            TagVal::Str(s) => s.trim().eq_ignore_ascii_case("true"),
            _ => false,
        }
    }

    pub(super) fn as_str(&self) -> Option<&str> {
        match self {
            TagVal::Str(s) => Some(s),
            _ => None,
        }
    }
}

/// A count of microseconds (integer, float or numeric string) converted to nanoseconds; `null` is `None`.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Micros(pub Option<i64>);

impl Micros {
    /// The value, with zero read as "not set" (both formats write 0 for an unknown time).
    pub(super) fn nonzero(self) -> Option<i64> {
        self.0.filter(|&ns| ns != 0)
    }
}

fn us_to_ns_f64(us: f64) -> i64 {
    // `as` saturates at the i64 range.
    (us * 1_000.0).round() as i64
}

impl<'de> Deserialize<'de> for Micros {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Micros;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a number of microseconds")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Micros, E> {
                Ok(Micros(Some(v.saturating_mul(1_000))))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Micros, E> {
                Ok(Micros(Some(i64::try_from(v).unwrap_or(i64::MAX).saturating_mul(1_000))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Micros, E> {
                if v.is_finite() {
                    Ok(Micros(Some(us_to_ns_f64(v))))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Micros, E> {
                let t = v.trim();
                if let Ok(i) = t.parse::<i64>() {
                    return self.visit_i64(i);
                }
                match f64_from_str(t) {
                    Some(f) if f.is_finite() => Ok(Micros(Some(us_to_ns_f64(f)))),
                    _ => Err(E::invalid_value(de::Unexpected::Str(v), &self)),
                }
            }
            fn visit_unit<E: de::Error>(self) -> Result<Micros, E> {
                Ok(Micros(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Micros, E> {
                Ok(Micros(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Micros, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}

/// An integer (number, integral float or numeric string); `null` is `None`.
#[derive(Debug, Default, Clone, Copy)]
pub(super) struct Int(pub Option<i64>);

impl<'de> Deserialize<'de> for Int {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> Visitor<'de> for V {
            type Value = Int;
            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("an integer")
            }
            fn visit_i64<E: de::Error>(self, v: i64) -> Result<Int, E> {
                Ok(Int(Some(v)))
            }
            fn visit_u64<E: de::Error>(self, v: u64) -> Result<Int, E> {
                Ok(Int(Some(i64::try_from(v).unwrap_or(i64::MAX))))
            }
            fn visit_f64<E: de::Error>(self, v: f64) -> Result<Int, E> {
                if v.is_finite() && v.fract() == 0.0 {
                    Ok(Int(Some(v as i64)))
                } else {
                    Err(E::invalid_value(de::Unexpected::Float(v), &self))
                }
            }
            fn visit_str<E: de::Error>(self, v: &str) -> Result<Int, E> {
                v.trim()
                    .parse::<i64>()
                    .map(|i| Int(Some(i)))
                    .map_err(|_| E::invalid_value(de::Unexpected::Str(v), &self))
            }
            fn visit_unit<E: de::Error>(self) -> Result<Int, E> {
                Ok(Int(None))
            }
            fn visit_none<E: de::Error>(self) -> Result<Int, E> {
                Ok(Int(None))
            }
            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Int, D::Error> {
                d.deserialize_any(self)
            }
        }
        d.deserialize_any(V)
    }
}
