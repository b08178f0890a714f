//! The fast half of [`super::cut`]: a page's shape and printed values read straight from its
//! view structs through serde, without building `serde_json` values (which copies every string
//! of a page and allocates a map per struct). It must see exactly what the JSON path sees: the
//! same shape and values in the same order (checked in debug builds and by tests).

use serde::ser::{self, Impossible, Serialize};

use super::cut::{number_text, Found, Usage, PRINT, SAFE, STRUCT, TEST};

/// Why the walk stopped: the page goes the slow way.
#[derive(Debug)]
pub(super) struct Stop;

impl std::fmt::Display for Stop {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("stop")
    }
}

impl std::error::Error for Stop {}

impl ser::Error for Stop {
    fn custom<T: std::fmt::Display>(_: T) -> Self {
        Stop
    }
}

/// Walks one value with the usage of its place.
pub(super) struct Walk<'a> {
    pub usage: &'a Usage,
    pub found: &'a mut Found,
}

impl Walk<'_> {
    fn leaf(
        self,
        tag: u8,
        falsy: bool,
        text: impl FnOnce() -> String,
        safe: bool,
    ) -> Result<(), Stop> {
        let how = self.usage.how;
        self.found.shape.push(tag);
        if how & TEST != 0 {
            self.found.shape.push(u8::from(falsy));
        }
        if how & PRINT != 0 {
            let value = if how & TEST != 0 && falsy {
                String::new()
            } else {
                text()
            };
            self.found.values.push((value, safe || how & SAFE != 0));
        }
        Ok(())
    }

    fn container(self, tag: u8) -> Result<Self, Stop> {
        if self.usage.how & PRINT != 0 {
            return Err(Stop);
        }
        self.found.shape.push(tag);
        Ok(self)
    }

    fn int(self, is_zero: bool, text: impl FnOnce() -> String) -> Result<(), Stop> {
        self.leaf(b'#', is_zero, text, true)
    }
}

macro_rules! ints {
    ($($f:ident: $t:ty),*) => {$(
        fn $f(self, v: $t) -> Result<(), Stop> {
            self.int(v == 0, || v.to_string())
        }
    )*};
}

impl<'a> ser::Serializer for Walk<'a> {
    type Ok = ();
    type Error = Stop;
    type SerializeSeq = Seq<'a>;
    type SerializeTuple = Seq<'a>;
    type SerializeTupleStruct = Seq<'a>;
    type SerializeTupleVariant = Impossible<(), Stop>;
    type SerializeMap = Map<'a>;
    type SerializeStruct = Map<'a>;
    type SerializeStructVariant = Impossible<(), Stop>;

    ints!(serialize_i8: i8, serialize_i16: i16, serialize_i32: i32, serialize_i64: i64,
        serialize_u8: u8, serialize_u16: u16, serialize_u32: u32, serialize_u64: u64);

    fn serialize_bool(self, v: bool) -> Result<(), Stop> {
        self.found.shape.extend([b'b', u8::from(v)]);
        Ok(())
    }
    fn serialize_f32(self, v: f32) -> Result<(), Stop> {
        self.serialize_f64(f64::from(v))
    }
    fn serialize_f64(self, v: f64) -> Result<(), Stop> {
        // As serde_json keeps it: a number, or null when not finite.
        match serde_json::Number::from_f64(v) {
            Some(n) => self.int(v == 0.0, || number_text(&n)),
            None => self.serialize_unit(),
        }
    }
    fn serialize_char(self, v: char) -> Result<(), Stop> {
        self.serialize_str(v.encode_utf8(&mut [0; 4]))
    }
    fn serialize_str(self, v: &str) -> Result<(), Stop> {
        self.leaf(b's', v.is_empty(), || v.to_string(), false)
    }
    fn serialize_bytes(self, _: &[u8]) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_none(self) -> Result<(), Stop> {
        self.serialize_unit()
    }
    fn serialize_some<T: ?Sized + Serialize>(self, v: &T) -> Result<(), Stop> {
        v.serialize(self)
    }
    fn serialize_unit(self) -> Result<(), Stop> {
        self.found.shape.push(b'n');
        Ok(())
    }
    fn serialize_unit_struct(self, _: &'static str) -> Result<(), Stop> {
        self.serialize_unit()
    }
    fn serialize_unit_variant(self, _: &'static str, _: u32, v: &'static str) -> Result<(), Stop> {
        self.serialize_str(v)
    }
    fn serialize_newtype_struct<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        v: &T,
    ) -> Result<(), Stop> {
        v.serialize(self)
    }
    fn serialize_newtype_variant<T: ?Sized + Serialize>(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: &T,
    ) -> Result<(), Stop> {
        Err(Stop)
    }
    fn serialize_seq(self, len: Option<usize>) -> Result<Seq<'a>, Stop> {
        let how = self.usage.how;
        let w = self.container(b'[')?;
        // The length goes into the shape when the template counts or tests it.
        let at = (how & (STRUCT | TEST) != 0).then(|| {
            let at = w.found.shape.len();
            w.found.shape.extend([0u8; 4]);
            at
        });
        let _ = len;
        Ok(Seq {
            elements: w.usage.elements.as_deref(),
            found: w.found,
            at,
            count: 0,
        })
    }
    fn serialize_tuple(self, len: usize) -> Result<Seq<'a>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_struct(self, _: &'static str, len: usize) -> Result<Seq<'a>, Stop> {
        self.serialize_seq(Some(len))
    }
    fn serialize_tuple_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeTupleVariant, Stop> {
        Err(Stop)
    }
    fn serialize_map(self, _: Option<usize>) -> Result<Map<'a>, Stop> {
        let w = self.container(b'{')?;
        Ok(Map {
            usage: w.usage,
            found: w.found,
            key: None,
        })
    }
    fn serialize_struct(self, _: &'static str, len: usize) -> Result<Map<'a>, Stop> {
        self.serialize_map(Some(len))
    }
    fn serialize_struct_variant(
        self,
        _: &'static str,
        _: u32,
        _: &'static str,
        _: usize,
    ) -> Result<Self::SerializeStructVariant, Stop> {
        Err(Stop)
    }
}

pub(super) struct Seq<'a> {
    elements: Option<&'a Usage>,
    found: &'a mut Found,
    /// Where the length goes in the shape, when it is part of it.
    at: Option<usize>,
    count: u32,
}

impl Seq<'_> {
    fn element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
        self.count += 1;
        match self.elements {
            Some(u) => v.serialize(Walk {
                usage: u,
                found: self.found,
            }),
            None => Ok(()),
        }
    }
    fn finish(self) -> Result<(), Stop> {
        if let Some(at) = self.at {
            self.found.shape[at..at + 4].copy_from_slice(&self.count.to_le_bytes());
        }
        Ok(())
    }
}

impl ser::SerializeSeq for Seq<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
        self.element(v)
    }
    fn end(self) -> Result<(), Stop> {
        self.finish()
    }
}

impl ser::SerializeTuple for Seq<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_element<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
        self.element(v)
    }
    fn end(self) -> Result<(), Stop> {
        self.finish()
    }
}

impl ser::SerializeTupleStruct for Seq<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
        self.element(v)
    }
    fn end(self) -> Result<(), Stop> {
        self.finish()
    }
}

pub(super) struct Map<'a> {
    usage: &'a Usage,
    found: &'a mut Found,
    key: Option<String>,
}

impl Map<'_> {
    fn field<T: ?Sized + Serialize>(&mut self, key: &str, v: &T) -> Result<(), Stop> {
        match self.usage.field(key) {
            Some(u) => v.serialize(Walk {
                usage: u,
                found: self.found,
            }),
            None => Ok(()),
        }
    }
}

impl ser::SerializeStruct for Map<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_field<T: ?Sized + Serialize>(
        &mut self,
        key: &'static str,
        v: &T,
    ) -> Result<(), Stop> {
        self.field(key, v)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}

impl ser::SerializeMap for Map<'_> {
    type Ok = ();
    type Error = Stop;
    fn serialize_key<T: ?Sized + Serialize>(&mut self, key: &T) -> Result<(), Stop> {
        // Keys are text, as serde_json would have them.
        match serde_json::to_value(key) {
            Ok(serde_json::Value::String(k)) => {
                self.key = Some(k);
                Ok(())
            }
            _ => Err(Stop),
        }
    }
    fn serialize_value<T: ?Sized + Serialize>(&mut self, v: &T) -> Result<(), Stop> {
        let key = self.key.take().ok_or(Stop)?;
        self.field(&key, v)
    }
    fn end(self) -> Result<(), Stop> {
        Ok(())
    }
}
