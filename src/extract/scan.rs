//! Matching words against a char slice, shared by the time and quantity parsers.

/// Does `word` occur in `chars` starting at `i`?
pub fn at(chars: &[char], i: usize, word: &str) -> bool {
    let mut rest = chars.get(i..).unwrap_or_default().iter();
    word.chars().all(|w| rest.next() == Some(&w))
}

/// If `word` occurs in `chars` ending at `end`, its start.
pub fn ends_at(chars: &[char], end: usize, word: &str) -> Option<usize> {
    let mut rest = chars.get(..end)?.iter().rev();
    let mut start = end;
    for w in word.chars().rev() {
        if rest.next() != Some(&w) {
            return None;
        }
        start -= 1;
    }
    Some(start)
}
