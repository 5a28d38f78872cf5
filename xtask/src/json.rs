//! The inspect output: an ordered JSON object (the key order is the contract), written by
//! serde_json with `preserve_order` in the form the tool has always printed: one line,
//! `", "` between members and `": "` after keys, controls escaped as `\uXXXX` but for
//! `\n`, `\r` and `\t`.

use serde_json::ser::{CharEscape, Formatter};
use serde_json::{Map, Value};

/// An ordered JSON object.
#[derive(Default)]
pub struct Object {
    fields: Map<String, Value>,
}

/// A value inspect prints: text, a count, or null.
pub trait IntoValue {
    /// The JSON value.
    fn into_value(self) -> Value;
}

impl IntoValue for &str {
    fn into_value(self) -> Value {
        Value::from(self)
    }
}

impl IntoValue for Option<&str> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, Value::from)
    }
}

impl IntoValue for Option<u64> {
    fn into_value(self) -> Value {
        self.map_or(Value::Null, Value::from)
    }
}

impl Object {
    /// Sets `key`, keeping its first position when it was set before.
    pub fn set(&mut self, key: &'static str, value: impl IntoValue) -> &mut Self {
        self.fields.insert(key.to_string(), value.into_value());
        self
    }

    /// Sets `key` to a nested object.
    pub fn set_object(&mut self, key: &str, value: Object) -> &mut Self {
        self.fields
            .insert(key.to_string(), Value::Object(value.fields));
        self
    }

    /// The value of `key`, if set.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.fields.get(key)
    }

    /// The object on one line.
    pub fn render(&self) -> String {
        let mut out = Vec::new();
        let mut serializer = serde_json::Serializer::with_formatter(&mut out, Spaced);
        serde::Serialize::serialize(&self.fields, &mut serializer)
            .expect("a map of strings, numbers and nulls serializes");
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }
}

/// serde_json's compact form with a space after `,` and `:`.
struct Spaced;

impl Formatter for Spaced {
    fn begin_object_key<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        first: bool,
    ) -> std::io::Result<()> {
        if first {
            Ok(())
        } else {
            writer.write_all(b", ")
        }
    }

    fn begin_object_value<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
    ) -> std::io::Result<()> {
        writer.write_all(b": ")
    }

    fn write_char_escape<W: ?Sized + std::io::Write>(
        &mut self,
        writer: &mut W,
        char_escape: CharEscape,
    ) -> std::io::Result<()> {
        match char_escape {
            CharEscape::Quote => writer.write_all(b"\\\""),
            CharEscape::ReverseSolidus => writer.write_all(b"\\\\"),
            CharEscape::LineFeed => writer.write_all(b"\\n"),
            CharEscape::CarriageReturn => writer.write_all(b"\\r"),
            CharEscape::Tab => writer.write_all(b"\\t"),
            CharEscape::Solidus => writer.write_all(b"/"),
            CharEscape::Backspace => writer.write_all(b"\\u0008"),
            CharEscape::FormFeed => writer.write_all(b"\\u000c"),
            CharEscape::AsciiControl(byte) => write!(writer, "\\u{byte:04x}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_printed_form_is_kept() {
        let mut object = Object::default();
        object
            .set("outcome", "switch")
            .set("status", Some(101u64))
            .set("reason", None::<&str>)
            .set("response", "a\"b\\c\nd\re\tf\u{8}g\u{c}h\u{1}i/ü");
        object.set("outcome", "reject");
        assert_eq!(
            object.render(),
            r#"{"outcome": "reject", "status": 101, "reason": null, "response": "a\"b\\c\nd\re\tf\u0008g\u000ch\u0001i/ü"}"#
        );
    }
}
