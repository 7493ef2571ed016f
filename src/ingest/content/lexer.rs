//! Content-stream operations, read by a hand-written tokenizer where it can and by lopdf's
//! parser where it cannot, with exactly lopdf's result.
//!
//! lopdf's parser (nom combinators: each operand tries nine parsers in turn) was a third
//! of extracting a large PDF. [`Operations`] reads the grammar of
//! `lopdf::content::Content::decode_iter` — the same operators and operands, the same
//! number parsing (`f32::from_str` over the same bytes), strings, names, arrays and
//! dictionaries, the same silent end where lopdf's iterator ends without error — and hands
//! the rest of the stream to lopdf's own iterator, from the start of the operation it met,
//! at anything else: inline images, nesting deeper than [`MAX_DEPTH`], numbers with the
//! `0.00-4142502` minus quirk, strings or comments cut off by the end of the stream, and
//! whatever is malformed. lopdf's iterator started there yields what it would have yielded
//! from there, since every operation ends at an operator's trailing white space, where its
//! iterator (which first skips white space) would also start.
//!
//! Invariant (tested on every page of the real-world corpus and on mutated streams):
//! [`Operations`] yields exactly the operations, and the error, of
//! `Content::decode_iter` over the same bytes.

use lopdf::content::{Content, ContentOperations, Operation};
use lopdf::{Dictionary, Object, StringFormat};

/// Nesting of arrays, dictionaries and parentheses in strings read here; deeper ones go to
/// lopdf (which allows 100).
pub const MAX_DEPTH: usize = 32;

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\n' | b'\r' | 0 | 0x0C)
}

fn is_delimiter(c: u8) -> bool {
    matches!(
        c,
        b'(' | b')' | b'<' | b'>' | b'[' | b']' | b'{' | b'}' | b'/' | b'%'
    )
}

fn is_regular(c: u8) -> bool {
    !is_whitespace(c) && !is_delimiter(c)
}

fn hex_value(c: u8) -> Option<u8> {
    (c as char).to_digit(16).map(|v| v as u8)
}

/// Powers of ten that are exact in `f32` (5^10 < 2^24).
const EXACT_POW10: [f32; 11] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10];

/// `f32::from_str` of a real `[+-]digits.digits` (either run may be empty, not both)
/// whose digits, the point removed, make an integer up to 2^24 with at most 10 of them
/// after the point; `None` for any other (then `from_str` itself serves). Both the
/// integer and the power of ten are exact in `f32`, and IEEE division rounds the exact
/// quotient correctly, as `from_str` rounds the decimal, so the two are the same value
/// (`from_str` takes this path itself; tested against it in `lexer/tests.rs`).
fn exact_real(bytes: &[u8]) -> Option<f32> {
    let (negative, digits) = match bytes.split_first()? {
        (b'-', rest) => (true, rest),
        (b'+', rest) => (false, rest),
        _ => (false, bytes),
    };
    let mut mantissa = 0u32;
    let mut after_point: Option<usize> = None;
    let mut any = false;
    for &c in digits {
        match c {
            b'0'..=b'9' => {
                mantissa = mantissa.checked_mul(10)?.checked_add(u32::from(c - b'0'))?;
                if mantissa > 1 << 24 {
                    return None;
                }
                any = true;
                if let Some(n) = after_point.as_mut() {
                    *n += 1;
                }
            }
            b'.' if after_point.is_none() => after_point = Some(0),
            _ => return None,
        }
    }
    if !any {
        return None;
    }
    let value = mantissa as f32 / *EXACT_POW10.get(after_point.unwrap_or(0))?;
    Some(if negative { -value } else { value })
}

/// Not read here: lopdf reads the stream from the current operation on.
struct Fallback;

type Read<T> = Result<T, Fallback>;

/// The operations of a content stream (see the module notes).
pub struct Operations<'a> {
    input: &'a [u8],
    pos: usize,
    started: bool,
    /// Set once the rest of the stream is lopdf's.
    slow: Option<ContentOperations<'a>>,
    /// Where `slow` started.
    handover: usize,
    done: bool,
    /// The operands of the operation read last (reused: no allocation per operation).
    operands: Vec<Object>,
    /// The operation lopdf read last, for [`Self::next_ref`].
    last: Operation,
}

/// What reading one operation here gave.
enum Step<'a> {
    /// An operation: its operator (its operands are in `Operations::operands`).
    Op(&'a str),
    /// Where lopdf's iterator ends without error.
    End,
    /// The rest of the stream is lopdf's (`Operations::slow` is set).
    Slow,
}

impl<'a> Operations<'a> {
    /// The operations of `content`.
    pub fn new(content: &'a [u8]) -> Self {
        Operations {
            input: content,
            pos: 0,
            started: false,
            slow: None,
            handover: 0,
            done: false,
            operands: Vec::new(),
            last: Operation::new("", Vec::new()),
        }
    }

    /// Where lopdf took over reading the stream (this tokenizer met something it leaves
    /// to lopdf), if it did.
    pub fn handed_over(&self) -> Option<usize> {
        self.slow.is_some().then_some(self.handover)
    }

    fn peek(&self) -> Option<u8> {
        self.input.get(self.pos).copied()
    }

    fn rest(&self) -> &'a [u8] {
        &self.input[self.pos.min(self.input.len())..]
    }

    /// `content_space`: white space only.
    fn white_space(&mut self) {
        while self.peek().is_some_and(is_whitespace) {
            self.pos += 1;
        }
    }

    /// lopdf's `comment`: `%`, anything up to an end-of-line, the end-of-line (required).
    fn comment(&mut self) -> bool {
        if self.peek() != Some(b'%') {
            return false;
        }
        let body = &self.input[self.pos + 1..];
        let Some(n) = body.iter().position(|&c| c == b'\r' || c == b'\n') else {
            return false;
        };
        let mut end = self.pos + 1 + n + 1;
        if body[n] == b'\r' && self.input.get(end) == Some(&b'\n') {
            end += 1;
        }
        self.pos = end;
        true
    }

    /// lopdf's `space`: white space and comments.
    fn space(&mut self) {
        loop {
            self.white_space();
            if !self.comment() {
                return;
            }
        }
    }

    fn eat(&mut self, tag: &[u8]) -> bool {
        if self.rest().starts_with(tag) {
            self.pos += tag.len();
            true
        } else {
            false
        }
    }

    fn digits(&mut self) -> &'a [u8] {
        let start = self.pos;
        while self.peek().is_some_and(|c| c.is_ascii_digit()) {
            self.pos += 1;
        }
        &self.input[start..self.pos]
    }

    /// lopdf's `real`, else `integer` (both after an optional sign); numbers it would read
    /// another way (the minus quirk) or not at all go to lopdf.
    fn number(&mut self) -> Read<Object> {
        let start = self.pos;
        if matches!(self.peek(), Some(b'+' | b'-')) {
            self.pos += 1;
        }
        let int = self.digits();
        // `digits . digits?` or `. digits`.
        let real = self.peek() == Some(b'.')
            && (!int.is_empty()
                || self
                    .input
                    .get(self.pos + 1)
                    .is_some_and(|c| c.is_ascii_digit()));
        if real {
            self.pos += 1;
            self.digits();
        }
        if real {
            if self.peek() == Some(b'-') {
                return Err(Fallback);
            }
            let bytes = &self.input[start..self.pos];
            if let Some(v) = exact_real(bytes) {
                return Ok(Object::Real(v));
            }
            let text = std::str::from_utf8(bytes).map_err(|_| Fallback)?;
            return text.parse::<f32>().map(Object::Real).map_err(|_| Fallback);
        }
        if int.is_empty() {
            return Err(Fallback);
        }
        let negative = self.input[start] == b'-';
        let magnitude = int.iter().try_fold(0u64, |v, &d| {
            v.checked_mul(10)?.checked_add(u64::from(d - b'0'))
        });
        let value = magnitude.and_then(|m| {
            if negative {
                0i64.checked_sub_unsigned(m)
            } else {
                i64::try_from(m).ok()
            }
        });
        value.map(Object::Integer).ok_or(Fallback)
    }

    /// lopdf's `name` (after `/`): `#xx` is a byte, any other `#` ends the name.
    fn name(&mut self) -> Vec<u8> {
        self.pos += 1;
        let mut bytes = Vec::new();
        loop {
            let rest = self.rest();
            let run = rest
                .iter()
                .position(|&c| c == b'#' || !is_regular(c))
                .unwrap_or(rest.len());
            bytes.extend_from_slice(&rest[..run]);
            self.pos += run;
            if self.peek() == Some(b'#')
                && let (Some(h), Some(l)) = (
                    self.input.get(self.pos + 1).copied().and_then(hex_value),
                    self.input.get(self.pos + 2).copied().and_then(hex_value),
                )
            {
                bytes.push((h << 4) | l);
                self.pos += 3;
                continue;
            }
            return bytes;
        }
    }

    /// lopdf's `literal_string` from its `(`: escapes, an end-of-line read as `\n`,
    /// balanced parentheses kept.
    fn literal(&mut self, out: &mut Vec<u8>, depth: usize) -> Read<()> {
        if depth > MAX_DEPTH {
            return Err(Fallback);
        }
        self.pos += 1;
        loop {
            let rest = self.rest();
            let run = rest
                .iter()
                .position(|&c| matches!(c, b'(' | b')' | b'\\' | b'\r' | b'\n'))
                .ok_or(Fallback)?;
            out.extend_from_slice(&rest[..run]);
            self.pos += run;
            match rest[run] {
                b')' => {
                    self.pos += 1;
                    return Ok(());
                }
                b'(' => {
                    out.push(b'(');
                    self.literal(out, depth + 1)?;
                    out.push(b')');
                }
                b'\r' | b'\n' => {
                    self.eol();
                    out.push(b'\n');
                }
                _ => {
                    // `\`
                    self.pos += 1;
                    let Some(c) = self.peek() else {
                        return Err(Fallback);
                    };
                    match c {
                        b'0'..=b'7' => {
                            let mut v: u16 = 0;
                            let mut n = 0;
                            while n < 3
                                && let Some(d @ b'0'..=b'7') = self.peek()
                            {
                                v = v * 8 + u16::from(d - b'0');
                                self.pos += 1;
                                n += 1;
                            }
                            out.push(v as u8);
                        }
                        b'\r' | b'\n' => self.eol(),
                        _ => {
                            self.pos += 1;
                            out.push(match c {
                                b'n' => b'\n',
                                b'r' => b'\r',
                                b't' => b'\t',
                                b'b' => 0x08,
                                b'f' => 0x0C,
                                c => c,
                            });
                        }
                    }
                }
            }
        }
    }

    /// An end-of-line (`\r\n`, `\n` or `\r`) at the current position.
    fn eol(&mut self) {
        if self.eat(b"\r\n") || self.eat(b"\n") {
            return;
        }
        self.eat(b"\r");
    }

    /// lopdf's `hexadecimal_string` from its `<`: digits between white space, an odd
    /// last digit padded with 0.
    fn hex(&mut self) -> Read<Object> {
        self.pos += 1;
        let mut bytes = Vec::new();
        let mut half = false;
        loop {
            self.white_space();
            match self.peek().and_then(hex_value) {
                Some(v) => {
                    self.pos += 1;
                    if half {
                        if let Some(last) = bytes.last_mut() {
                            *last |= v;
                        }
                    } else {
                        bytes.push(v << 4);
                    }
                    half = !half;
                }
                None => break,
            }
        }
        if self.eat(b">") {
            Ok(Object::String(bytes, StringFormat::Hexadecimal))
        } else {
            Err(Fallback)
        }
    }

    /// lopdf's `_direct_object` (array elements and dictionary values), with the `space`
    /// after it.
    fn direct(&mut self, depth: usize) -> Read<Object> {
        let o = match self.peek() {
            Some(b'n') if self.eat(b"null") => Object::Null,
            Some(b't') if self.eat(b"true") => Object::Boolean(true),
            Some(b'f') if self.eat(b"false") => Object::Boolean(false),
            Some(b'0'..=b'9') => {
                // A reference (`12 0 R`) is tried first there; leave any to lopdf.
                let save = self.pos;
                self.digits();
                self.space();
                if self.peek().is_some_and(|c| c.is_ascii_digit()) {
                    self.digits();
                    self.space();
                    if self.peek() == Some(b'R') {
                        return Err(Fallback);
                    }
                }
                self.pos = save;
                self.number()?
            }
            Some(b'+' | b'-' | b'.') => self.number()?,
            Some(b'/') => Object::Name(self.name()),
            Some(b'(') => {
                let mut s = Vec::new();
                self.literal(&mut s, 0)?;
                Object::string_literal(s)
            }
            Some(b'<') if self.input.get(self.pos + 1) == Some(&b'<') => {
                Object::Dictionary(self.dictionary(depth + 1)?)
            }
            Some(b'<') => self.hex()?,
            Some(b'[') => Object::Array(self.array(depth + 1)?),
            _ => return Err(Fallback),
        };
        self.space();
        Ok(o)
    }

    /// lopdf's `array` from its `[`.
    fn array(&mut self, depth: usize) -> Read<Vec<Object>> {
        if depth > MAX_DEPTH {
            return Err(Fallback);
        }
        self.pos += 1;
        self.space();
        let mut items = Vec::new();
        loop {
            if self.eat(b"]") {
                return Ok(items);
            }
            items.push(self.direct(depth)?);
        }
    }

    /// lopdf's `dictionary` from its `<<`.
    fn dictionary(&mut self, depth: usize) -> Read<Dictionary> {
        if depth > MAX_DEPTH {
            return Err(Fallback);
        }
        self.pos += 2;
        self.space();
        let mut dict = Dictionary::new();
        loop {
            if self.eat(b">>") {
                return Ok(dict);
            }
            if self.peek() != Some(b'/') {
                return Err(Fallback);
            }
            let key = self.name();
            self.space();
            let value = self.direct(depth)?;
            dict.set(key, value);
        }
    }

    /// One operation: lopdf's `operation` (comments, operands, operator, white space); the
    /// operands go to `self.operands` (empty on entry). `Ok(None)`: where lopdf's iterator
    /// ends without error.
    fn operation(&mut self) -> Read<Option<&'a str>> {
        loop {
            if !self.comment() {
                break;
            }
            self.white_space();
        }
        if self.pos >= self.input.len() {
            return Ok(None);
        }
        if self.rest().starts_with(b"BI") {
            return Err(Fallback);
        }
        loop {
            let Some(c) = self.peek() else {
                return Err(Fallback);
            };
            let operand = match c {
                b'n' if self.eat(b"null") => Object::Null,
                b't' if self.eat(b"true") => Object::Boolean(true),
                b'f' if self.eat(b"false") => Object::Boolean(false),
                b'0'..=b'9' | b'+' | b'-' | b'.' => self.number()?,
                b'/' => Object::Name(self.name()),
                b'(' => {
                    let mut s = Vec::new();
                    self.literal(&mut s, 0)?;
                    Object::string_literal(s)
                }
                b'<' if self.input.get(self.pos + 1) == Some(&b'<') => {
                    Object::Dictionary(self.dictionary(1)?)
                }
                b'<' => self.hex()?,
                b'[' => Object::Array(self.array(1)?),
                _ => {
                    let start = self.pos;
                    while self.peek().is_some_and(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'*' | b'\'' | b'"')
                    }) {
                        self.pos += 1;
                    }
                    if self.pos == start {
                        return Err(Fallback);
                    }
                    // ASCII by construction.
                    let input: &'a [u8] = self.input;
                    let operator =
                        std::str::from_utf8(&input[start..self.pos]).map_err(|_| Fallback)?;
                    self.white_space();
                    return Ok(Some(operator));
                }
            };
            self.operands.push(operand);
            self.white_space();
        }
    }

    /// Reads the next operation here, or hands the rest of the stream to lopdf.
    fn step(&mut self) -> Step<'a> {
        if !self.started {
            self.started = true;
            self.white_space();
        }
        let start = self.pos;
        self.operands.clear();
        match self.operation() {
            Ok(Some(operator)) => Step::Op(operator),
            Ok(None) => {
                self.done = true;
                Step::End
            }
            Err(Fallback) => {
                self.handover = start;
                self.slow = Some(Content::decode_iter(&self.input[start..]));
                Step::Slow
            }
        }
    }

    /// The next operation as the iterator gives it, without copying it out: (operator,
    /// operands), valid until the next call.
    pub fn next_ref(&mut self) -> Option<lopdf::Result<(&str, &[Object])>> {
        if self.slow.is_none() {
            if self.done {
                return None;
            }
            match self.step() {
                Step::Op(operator) => return Some(Ok((operator, &self.operands))),
                Step::End => return None,
                Step::Slow => {}
            }
        }
        match self.slow.as_mut()?.next()? {
            Ok(op) => {
                self.last = op;
                Some(Ok((&self.last.operator, &self.last.operands)))
            }
            Err(e) => Some(Err(e)),
        }
    }
}

impl Iterator for Operations<'_> {
    type Item = lopdf::Result<Operation>;

    fn next(&mut self) -> Option<Self::Item> {
        if let Some(slow) = &mut self.slow {
            return slow.next();
        }
        if self.done {
            return None;
        }
        match self.step() {
            Step::Op(operator) => Some(Ok(Operation {
                operator: operator.to_string(),
                operands: std::mem::take(&mut self.operands),
            })),
            Step::End => None,
            Step::Slow => self.slow.as_mut()?.next(),
        }
    }
}

#[cfg(test)]
mod tests;
