//! A row's cell texts in one buffer: one `String` holding every cell's text one after another
//! and the end of each cell in it. A province table's rows are read by the hundred thousand
//! and most of their cells are only looked at (领域, the marks, the channel list); a `String`
//! per cell was an allocation and a free per cell, this is one per row.

use std::fmt;
use std::ops::Index;

/// The cells of one row, in column order.
#[derive(Clone, Default)]
pub struct Cells {
    text: String,
    /// `ends[i]` is where cell `i` ends in `text`; it starts `gap` bytes after cell `i - 1`
    /// ends.
    ends: Vec<usize>,
    /// Bytes between one cell and the next in `text`: 0, or 1 for the cells of a CSV line
    /// copied whole with its delimiters (see [`Cells::from_line`]).
    gap: usize,
}

impl PartialEq for Cells {
    fn eq(&self, other: &Cells) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for Cells {}

impl Cells {
    pub fn new() -> Self {
        Self::default()
    }

    /// Room for `cells` cells of `bytes` bytes of text in all.
    pub fn with_capacity(cells: usize, bytes: usize) -> Self {
        Cells {
            text: String::with_capacity(bytes),
            ends: Vec::with_capacity(cells),
            gap: 0,
        }
    }

    /// The cells of a line copied whole: `spans` are the cells' byte ranges in `line`, the
    /// first starting at 0 and the last ending at its end, each one byte (the delimiter)
    /// after the one before, or each where the one before ends. `None` when the spans are not
    /// so or a cell does not start and end on a char boundary.
    pub fn from_line(line: &str, spans: &[(usize, usize)]) -> Option<Self> {
        let (&(first, _), &(_, last)) = (spans.first()?, spans.last()?);
        let gap = match spans {
            [(_, a), (b, _), ..] => b.checked_sub(*a)?,
            _ => 0,
        };
        if first != 0 || last != line.len() || gap > 1 {
            return None;
        }
        let mut ends = Vec::with_capacity(spans.len());
        let mut from = 0;
        for &(a, b) in spans {
            if a != from || b < a || !line.is_char_boundary(b) {
                return None;
            }
            ends.push(b);
            from = b + gap;
        }
        Some(Cells {
            text: line.to_string(),
            ends,
            gap,
        })
    }

    /// Add a cell after the last.
    #[inline]
    pub fn push(&mut self, cell: &str) {
        if self.gap > 0 && !self.ends.is_empty() {
            // A delimiter's place (ASCII, so every cell stays on char boundaries).
            self.text.push(',');
        }
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    #[inline]
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    #[inline]
    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    #[inline]
    fn span(&self, i: usize) -> Option<(usize, usize)> {
        let end = *self.ends.get(i)?;
        let start = match i.checked_sub(1) {
            Some(j) => self.ends.get(j).map_or(0, |e| e + self.gap),
            None => 0,
        };
        Some((start, end))
    }

    /// The length in bytes of cell `i` (0 past the last), from its span alone: the text is
    /// not read.
    #[inline]
    pub fn byte_len(&self, i: usize) -> usize {
        self.span(i).map_or(0, |(a, b)| b.saturating_sub(a))
    }

    /// Cell `i`'s text (`None` past the last cell).
    #[inline]
    pub fn get(&self, i: usize) -> Option<&str> {
        let (a, b) = self.span(i)?;
        self.text.get(a..b)
    }

    /// Replace cell `i`'s text (nothing past the last cell).
    pub fn set(&mut self, i: usize, cell: &str) {
        let Some((a, b)) = self.span(i) else {
            return;
        };
        self.text.replace_range(a..b, cell);
        let new_end = a + cell.len();
        if new_end != b {
            for e in self.ends.iter_mut().skip(i) {
                *e = *e - b + new_end;
            }
        }
    }

    /// Remove every cell.
    pub fn clear(&mut self) {
        self.text.clear();
        self.ends.clear();
    }

    /// The cells' texts in column order.
    #[inline]
    pub fn iter(&self) -> Iter<'_> {
        Iter {
            cells: self,
            front: 0,
            back: self.len(),
        }
    }

    /// Each cell as a `String` of its own.
    pub fn to_vec(&self) -> Vec<String> {
        self.iter().map(str::to_string).collect()
    }
}

impl Index<usize> for Cells {
    type Output = str;

    /// Cell `i`'s text; panics past the last cell, as a slice does.
    fn index(&self, i: usize) -> &str {
        match self.get(i) {
            Some(t) => t,
            None => panic!("cell {i} of a row of {} cells", self.len()),
        }
    }
}

impl fmt::Debug for Cells {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<String>> for Cells {
    fn from(v: Vec<String>) -> Self {
        v.iter().map(String::as_str).collect()
    }
}

impl<'a> FromIterator<&'a str> for Cells {
    fn from_iter<I: IntoIterator<Item = &'a str>>(iter: I) -> Self {
        let mut c = Cells::new();
        for s in iter {
            c.push(s);
        }
        c
    }
}

impl FromIterator<String> for Cells {
    fn from_iter<I: IntoIterator<Item = String>>(iter: I) -> Self {
        let mut c = Cells::new();
        for s in iter {
            c.push(&s);
        }
        c
    }
}

impl<S: AsRef<str>, const N: usize> PartialEq<[S; N]> for Cells {
    fn eq(&self, other: &[S; N]) -> bool {
        self.len() == N && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>> PartialEq<[S]> for Cells {
    fn eq(&self, other: &[S]) -> bool {
        self.len() == other.len() && self.iter().zip(other).all(|(a, b)| a == b.as_ref())
    }
}

impl<S: AsRef<str>> PartialEq<Vec<S>> for Cells {
    fn eq(&self, other: &Vec<S>) -> bool {
        *self == other[..]
    }
}

impl<'a> IntoIterator for &'a Cells {
    type Item = &'a str;
    type IntoIter = Iter<'a>;
    fn into_iter(self) -> Iter<'a> {
        self.iter()
    }
}

/// The cells' texts in column order (see [`Cells::iter`]); skipping is free.
#[derive(Clone)]
pub struct Iter<'a> {
    cells: &'a Cells,
    front: usize,
    back: usize,
}

impl<'a> Iterator for Iter<'a> {
    type Item = &'a str;

    #[inline]
    fn next(&mut self) -> Option<&'a str> {
        if self.front >= self.back {
            return None;
        }
        let i = self.front;
        self.front += 1;
        self.cells.get(i)
    }

    #[inline]
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.back.saturating_sub(self.front);
        (n, Some(n))
    }

    #[inline]
    fn nth(&mut self, n: usize) -> Option<&'a str> {
        self.front = self.front.saturating_add(n).min(self.back);
        self.next()
    }
}

impl DoubleEndedIterator for Iter<'_> {
    #[inline]
    fn next_back(&mut self) -> Option<Self::Item> {
        if self.front >= self.back {
            return None;
        }
        self.back -= 1;
        self.cells.get(self.back)
    }
}

impl ExactSizeIterator for Iter<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_pushed_empty_ones_included() {
        let texts = ["序号", "", "社会救助", "✓", "", "a\nb"];
        let c: Cells = texts.iter().copied().collect();
        assert_eq!(c.len(), 6);
        assert_eq!(c, texts);
        assert_eq!(c.to_vec(), texts);
        assert_eq!(c.get(1), Some(""));
        assert_eq!(c.get(6), None);
        assert_eq!(&c[2], "社会救助");
        assert_eq!(
            c.iter().rev().collect::<Vec<_>>(),
            [
                "a
b",
                "",
                "✓",
                "社会救助",
                "",
                "序号"
            ]
        );
        assert_eq!(c.iter().skip(3).collect::<Vec<_>>(), ["✓", "", "a\nb"]);
        assert_eq!(c.iter().nth(9), None);
        assert_eq!(format!("{c:?}"), format!("{texts:?}"));
        assert_eq!(Cells::from(texts.map(String::from).to_vec()), c);
        assert!(Cells::new().is_empty());
    }

    #[test]
    fn a_line_copied_whole_reads_and_changes_as_cells_pushed_one_by_one() {
        let line = "序号,,社会救助,✓,,a\nb";
        let mut spans = Vec::new();
        let mut from = 0;
        for (i, _) in line.match_indices(',') {
            spans.push((from, i));
            from = i + 1;
        }
        spans.push((from, line.len()));
        let texts = ["序号", "", "社会救助", "✓", "", "a\nb"];
        let mut c = Cells::from_line(line, &spans).expect("spans of a line");
        assert_eq!(c, texts);
        assert_eq!(c, texts.iter().copied().collect::<Cells>());
        assert_eq!(
            c.iter().rev().collect::<Vec<_>>(),
            texts.iter().rev().copied().collect::<Vec<_>>()
        );
        c.set(2, "同上");
        c.set(0, "");
        c.push("末");
        assert_eq!(c, ["", "", "同上", "✓", "", "a\nb", "末"]);
        // Fields laid end to end (a quoted record as csv_core writes it) have no gap.
        let joined = "ab中c";
        let c = Cells::from_line(joined, &[(0, 2), (2, 5), (5, 6)]).expect("no gap");
        assert_eq!(c, ["ab", "中", "c"]);
        // A cell cut inside a char, or spans that do not cover the line, are refused.
        assert!(Cells::from_line(joined, &[(0, 3), (3, 6)]).is_none());
        assert!(Cells::from_line(joined, &[(0, 2), (2, 5)]).is_none());
        assert!(Cells::from_line("a,,b", &[(0, 1), (3, 4)]).is_none());
    }

    #[test]
    fn setting_a_cell_moves_only_the_cells_after_it() {
        let mut c: Cells = ["一", "同上", "三", ""].into_iter().collect();
        c.set(1, "公开依据较长的文字");
        assert_eq!(c, ["一", "公开依据较长的文字", "三", ""]);
        c.set(0, "");
        assert_eq!(c, ["", "公开依据较长的文字", "三", ""]);
        c.set(3, "末");
        c.set(2, "x");
        assert_eq!(c, ["", "公开依据较长的文字", "x", "末"]);
        // Past the last cell: nothing, as `get_mut` on a Vec gives nothing to write.
        c.set(4, "y");
        assert_eq!(c.len(), 4);
        c.clear();
        assert_eq!(c.len(), 0);
    }
}
