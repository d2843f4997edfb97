//! A form body (`application/x-www-form-urlencoded`), read by `from_form`: its pairs are the
//! keys and values of one object, fed to the same object visitor as JSON, one value at a
//! time (each value is text of its own, so one wrong value stops only itself).

use std::borrow::Cow;

use serde::de::value::{BytesDeserializer, StrDeserializer};
use serde::de::{self, DeserializeSeed, IntoDeserializer, MapAccess, Visitor};
use serde::forward_to_deserialize_any;

use super::input::finish;
use super::object::{OnItsOwn, OneAtATime};
use super::{Fields, Input, Path, Reading, Source};
use crate::error::PatchError;

/// Reads a form body into a patch or create input (called by `from_form`).
pub(crate) fn from_form_body<D: Input>(body: &[u8]) -> Result<D, PatchError> {
    let mut reading = Reading::new(D::CREATING);
    let mut fields = D::Fields::default();
    let mut pairs = Pairs {
        pairs: pairs(body),
        value: None,
    };
    // Reading the pairs fails nowhere: a value's error is its field's, recorded by it.
    let _ = <OneAtATime<Form> as Source>::object(&mut fields, &mut pairs, &mut reading, Path::ROOT);
    match finish(fields, reading.errors) {
        Ok(document) => Ok(document),
        Err(mut error) => {
            // A form says "no value" with an empty value, where JSON says null.
            for reason in error.0.invalid.values_mut() {
                if let Some(rest) = reason.strip_prefix("null is not allowed") {
                    *reason = format!("an empty value is not allowed{rest}");
                }
            }
            Err(error)
        }
    }
}

/// A form's value on its own: each pair's value is text of its own already.
pub enum Form {}

impl OnItsOwn for Form {
    fn field<'de, P: Fields, A: MapAccess<'de>>(
        patch: &mut P,
        index: u16,
        map: &mut A,
        reading: &mut Reading,
        path: Path<'_>,
    ) -> Result<(), A::Error> {
        // The reader records the value's error with its path; it ends this value only.
        let _ = patch.field::<OneAtATime<Self>, _>(index, map, reading, path);
        Ok(())
    }
}

/// The pairs of a form as the keys and values of one object.
struct Pairs<'a, I> {
    pairs: I,
    // The value of the key read last.
    value: Option<Text<'a>>,
}

impl<'de, 'a, I: Iterator<Item = (Text<'a>, Text<'a>)>> MapAccess<'de> for Pairs<'a, I> {
    type Error = FormError;

    fn next_key_seed<K: DeserializeSeed<'de>>(
        &mut self,
        seed: K,
    ) -> Result<Option<K::Value>, FormError> {
        let Some((key, value)) = self.pairs.next() else {
            return Ok(None);
        };
        self.value = Some(value);
        match key {
            Ok(key) => seed.deserialize(StrDeserializer::new(&key)).map(Some),
            // No field is named with U+FFFD: a name that is not text names none.
            Err(bytes) => seed.deserialize(BytesDeserializer::new(&bytes)).map(Some),
        }
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, FormError> {
        match self.value.take() {
            Some(Ok(text)) => seed.deserialize(FormValue(text)),
            Some(Err(_)) => seed.deserialize(NotText),
            None => Err(FormError("a value is read once".to_owned())),
        }
    }
}

/// A value whose bytes are not UTF-8: refused by every type, skipped when its key is.
struct NotText;

impl<'de> de::Deserializer<'de> for NotText {
    type Error = FormError;

    fn deserialize_any<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, FormError> {
        Err(FormError(
            "not UTF-8 text (a form's values are percent-encoded UTF-8)".to_owned(),
        ))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        visitor.visit_unit()
    }

    forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier
    }
}

/// A name or a value of a form: its text, or its bytes when they are not UTF-8.
type Text<'a> = Result<Cow<'a, str>, Cow<'a, [u8]>>;

/// The pairs of `application/x-www-form-urlencoded` bytes, as the URL Standard parses them
/// (split on `&`, then at the first `=`; `+` is a space; percent-decoded), except that bytes
/// that are not UTF-8 are an error, not replaced with U+FFFD as `form_urlencoded` replaces
/// them: a value the client did not send must not be stored.
fn pairs(body: &[u8]) -> impl Iterator<Item = (Text<'_>, Text<'_>)> {
    body.split(|&byte| byte == b'&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| match pair.iter().position(|&byte| byte == b'=') {
            Some(at) => (decode(&pair[..at]), decode(&pair[at + 1..])),
            None => (decode(pair), Ok(Cow::Borrowed(""))),
        })
}

fn decode(encoded: &[u8]) -> Text<'_> {
    if !encoded.iter().any(|&byte| byte == b'+' || byte == b'%') {
        return std::str::from_utf8(encoded)
            .map(Cow::Borrowed)
            .map_err(|_| Cow::Borrowed(encoded));
    }
    let spaced: Vec<u8> = encoded
        .iter()
        .map(|&byte| if byte == b'+' { b' ' } else { byte })
        .collect();
    let bytes: Vec<u8> = percent_encoding::percent_decode(&spaced).collect();
    String::from_utf8(bytes)
        .map(Cow::Owned)
        .map_err(|error| Cow::Owned(error.into_bytes()))
}

/// Why a form value cannot be read as a field's type.
#[derive(Debug)]
pub(crate) struct FormError(String);

impl std::fmt::Display for FormError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FormError {}

impl de::Error for FormError {
    fn custom<T: std::fmt::Display>(message: T) -> Self {
        FormError(message.to_string())
    }
}

/// One form value: text, read as the asking type reads text; empty is "no value".
struct FormValue<'a>(Cow<'a, str>);

impl FormValue<'_> {
    fn parse<T: std::str::FromStr>(&self, what: &str) -> Result<T, FormError> {
        self.0
            .parse()
            .map_err(|_| FormError(format!("invalid value: {:?}, expected {what}", self.0)))
    }
}

macro_rules! parse_as {
    ($($method:ident => $visit:ident: $ty:ty, $what:literal;)*) => {
        $(
            fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
                visitor.$visit(self.parse::<$ty>($what)?)
            }
        )*
    };
}

impl<'de> de::Deserializer<'de> for FormValue<'_> {
    type Error = FormError;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        visitor.visit_string(self.0.into_owned())
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        if self.0.is_empty() {
            visitor.visit_none()
        } else {
            visitor.visit_some(self)
        }
    }

    fn deserialize_bool<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        match &*self.0 {
            "true" => visitor.visit_bool(true),
            "false" => visitor.visit_bool(false),
            other => Err(FormError(format!(
                "invalid value: {other:?}, expected `true` or `false`"
            ))),
        }
    }

    parse_as! {
        deserialize_i8 => visit_i8: i8, "an integer";
        deserialize_i16 => visit_i16: i16, "an integer";
        deserialize_i32 => visit_i32: i32, "an integer";
        deserialize_i64 => visit_i64: i64, "an integer";
        deserialize_i128 => visit_i128: i128, "an integer";
        deserialize_u8 => visit_u8: u8, "a non-negative integer";
        deserialize_u16 => visit_u16: u16, "a non-negative integer";
        deserialize_u32 => visit_u32: u32, "a non-negative integer";
        deserialize_u64 => visit_u64: u64, "a non-negative integer";
        deserialize_u128 => visit_u128: u128, "a non-negative integer";
        deserialize_f32 => visit_f32: f32, "a number";
        deserialize_f64 => visit_f64: f64, "a number";
        deserialize_char => visit_char: char, "one character";
    }

    fn deserialize_unit<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, FormError> {
        if self.0.is_empty() {
            visitor.visit_unit()
        } else {
            Err(FormError(format!(
                "invalid value: {:?}, expected nothing",
                self.0
            )))
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        visitor: V,
    ) -> Result<V::Value, FormError> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_enum<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _variants: &'static [&'static str],
        visitor: V,
    ) -> Result<V::Value, FormError> {
        // A unit variant, by its name.
        visitor.visit_enum(self.0.into_owned().into_deserializer())
    }

    fn deserialize_seq<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, FormError> {
        Err(not_text("a list"))
    }

    fn deserialize_map<V: Visitor<'de>>(self, _visitor: V) -> Result<V::Value, FormError> {
        Err(not_text("an object"))
    }

    fn deserialize_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, FormError> {
        Err(not_text("an object"))
    }

    fn deserialize_tuple<V: Visitor<'de>>(
        self,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, FormError> {
        Err(not_text("a list"))
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(
        self,
        _name: &'static str,
        _len: usize,
        _visitor: V,
    ) -> Result<V::Value, FormError> {
        Err(not_text("a list"))
    }

    forward_to_deserialize_any! {
        str string bytes byte_buf unit_struct identifier ignored_any
    }
}

fn not_text(what: &str) -> FormError {
    FormError(format!(
        "a form value is text and cannot be {what}: this field is written with JSON"
    ))
}
