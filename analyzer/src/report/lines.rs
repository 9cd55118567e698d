//! Line starts of a file's text, so that the reporters find a line (or a few lines around a
//! finding) in O(log n) instead of scanning the file from its start for every finding — which
//! made the human and Markdown reports quadratic in findings per file.

use std::sync::Arc;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

pub struct LineIndex {
    /// Byte offset of the start of each line; `starts[0] == 0`.
    starts: Vec<usize>,
    len: usize,
}

impl LineIndex {
    pub fn new(text: &str) -> LineIndex {
        let mut starts = vec![0];
        starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| i + 1));
        if starts.last() == Some(&text.len()) && !text.is_empty() {
            starts.pop();
        }
        LineIndex {
            starts,
            len: text.len(),
        }
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// Byte range of 1-based `line`, its newline included; `None` past the end.
    pub fn line_range(&self, line: usize) -> Option<(usize, usize)> {
        let start = *self.starts.get(line.checked_sub(1)?)?;
        let end = self.starts.get(line).copied().unwrap_or(self.len);
        Some((start, end))
    }

    /// Text of 1-based `line` without its line ending.
    pub fn line<'t>(&self, text: &'t str, line: usize) -> Option<&'t str> {
        let (s, e) = self.line_range(line)?;
        Some(text.get(s..e)?.trim_end_matches(['\n', '\r']))
    }

    /// Byte offset of 1-based `line` and `column` (in chars); the end of the text if out of range.
    pub fn offset_of(&self, text: &str, line: u32, column: u32) -> usize {
        let Some((s, e)) = self.line_range(line as usize) else {
            return text.len();
        };
        let col = text
            .get(s..e)
            .and_then(|l| l.char_indices().nth(column.saturating_sub(1) as usize))
            .map_or(0, |(o, _)| o);
        s + col
    }

    /// 1-based line holding byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&s| s <= offset).max(1)
    }
}

/// A few lines of a file handed to miette: it scans its source from the start for each label,
/// so it gets only the lines around a finding, with line numbers shifted back to the file's.
pub struct Window {
    pub name: String,
    pub text: Arc<str>,
    /// Byte range of the window in `text`, on line boundaries.
    pub start: usize,
    pub end: usize,
    /// 0-based line number of `start`.
    pub first_line: usize,
}

impl Window {
    /// The lines `first..=last` (1-based, clamped) of `text`.
    pub fn new(name: &str, text: Arc<str>, index: &LineIndex, first: usize, last: usize) -> Self {
        let first = first.clamp(1, index.line_count());
        let last = last.clamp(first, index.line_count());
        let start = index.line_range(first).map_or(0, |r| r.0);
        let end = index.line_range(last).map_or(text.len(), |r| r.1);
        Window {
            name: name.to_string(),
            text,
            start,
            end,
            first_line: first - 1,
        }
    }

    /// Whether byte `offset` of the file is inside the window.
    pub fn contains(&self, offset: usize) -> bool {
        (self.start..=self.end).contains(&offset)
    }
}

impl SourceCode for Window {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        before: usize,
        after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let local = self.text.get(self.start..self.end).unwrap_or("");
        let offset = span
            .offset()
            .checked_sub(self.start)
            .ok_or(MietteError::OutOfBounds)?;
        let inner = local.read_span(&SourceSpan::new(offset.into(), span.len()), before, after)?;
        let shifted = SourceSpan::new(
            (inner.span().offset() + self.start).into(),
            inner.span().len(),
        );
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            inner.data(),
            shifted,
            inner.line() + self.first_line,
            inner.column(),
            inner.line_count() + self.first_line,
        )))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_and_offsets() {
        let text = "ab\ncdé\n\nx";
        let ix = LineIndex::new(text);
        assert_eq!(ix.line_count(), 4);
        assert_eq!(ix.line(text, 2), Some("cdé"));
        assert_eq!(ix.line(text, 3), Some(""));
        assert_eq!(ix.line(text, 4), Some("x"));
        assert_eq!(ix.line(text, 5), None);
        assert_eq!(ix.offset_of(text, 2, 3), 5);
        assert_eq!(ix.line_of(5), 2);
        assert_eq!(ix.line_of(0), 1);
    }
}
