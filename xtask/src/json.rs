//! A tiny JSON object writer: the inspect output is a contract, so keys keep their order.

use std::fmt::Write as _;

/// A JSON value this tool prints.
pub enum Value {
    Null,
    Int(u64),
    Str(String),
}

impl From<Option<&str>> for Value {
    fn from(value: Option<&str>) -> Self {
        value.map_or(Value::Null, |s| Value::Str(s.to_string()))
    }
}

impl From<Option<u64>> for Value {
    fn from(value: Option<u64>) -> Self {
        value.map_or(Value::Null, Value::Int)
    }
}

impl From<&str> for Value {
    fn from(value: &str) -> Self {
        Value::Str(value.to_string())
    }
}

/// An ordered JSON object.
#[derive(Default)]
pub struct Object {
    fields: Vec<(&'static str, Value)>,
}

impl Object {
    pub fn set(&mut self, key: &'static str, value: impl Into<Value>) -> &mut Self {
        let value = value.into();
        match self.fields.iter_mut().find(|(k, _)| *k == key) {
            Some(slot) => slot.1 = value,
            None => self.fields.push((key, value)),
        }
        self
    }

    pub fn render(&self) -> String {
        let mut out = String::from("{");
        for (index, (key, value)) in self.fields.iter().enumerate() {
            if index > 0 {
                out.push_str(", ");
            }
            escape(&mut out, key);
            out.push_str(": ");
            match value {
                Value::Null => out.push_str("null"),
                Value::Int(n) => {
                    let _ = write!(out, "{n}");
                }
                Value::Str(s) => escape(&mut out, s),
            }
        }
        out.push('}');
        out
    }
}

fn escape(out: &mut String, text: &str) {
    out.push('"');
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(out, "\\u{:04x}", c as u32);
            }
            c => out.push(c),
        }
    }
    out.push('"');
}
