//! Where in a long body to cut a snippet from.
//!
//! tantivy's snippet generator tokenizes all the text it is given, and lower-casing and folding a
//! whole procedure body (15 KB of Vietnamese) for each of twenty hits took most of a search's
//! time. So the body is first folded cheaply, character by character, the query's words are
//! looked up in it, and only the passage where most of them occur close together goes to the
//! generator, which then picks and highlights the best fragment of it.

use memchr::memmem::Finder;

/// Bodies up to this many bytes go to the generator whole.
const WHOLE: usize = 2048;
/// Folded bytes kept before the first word of the chosen passage.
const BEFORE: usize = 200;
/// Folded bytes in which the chosen passage gathers the query's words.
const SPAN: usize = 600;
/// Places tried per word: enough to find where the words meet, bounded for common words.
const TRIES: usize = 64;

/// Bytes of the original text folded at a time: the words usually meet in the first few KB (the
/// purpose and scope name the procedure), so most of a long body is never folded at all.
const STEP: usize = 4096;

/// Text folded to lower-case ASCII letters and digits (anything else a space), with the byte
/// offset in the original text of the character each folded byte came from; folded on demand.
struct Folded<'t> {
    source: &'t str,
    done: usize,
    text: Vec<u8>,
    origin: Vec<u32>,
}

impl<'t> Folded<'t> {
    fn new(source: &'t str) -> Self {
        Self { source, done: 0, text: Vec::with_capacity(source.len()), origin: Vec::with_capacity(source.len()) }
    }

    fn complete(&self) -> bool {
        self.done == self.source.len()
    }

    /// Folds the next piece of the source; false when there was none left.
    fn more(&mut self) -> bool {
        if self.complete() {
            return false;
        }
        let mut end = (self.done + STEP).min(self.source.len());
        while !self.source.is_char_boundary(end) {
            end += 1;
        }
        let (text, origin) = (&mut self.text, &mut self.origin);
        let mut push = |byte: u8, at: usize| {
            text.push(if byte.is_ascii_alphanumeric() { byte.to_ascii_lowercase() } else { b' ' });
            // Bodies are at most 512 KB (see change control), far below u32's range.
            origin.push(at as u32);
        };
        for (offset, c) in self.source[self.done..end].char_indices() {
            let at = self.done + offset;
            if c.is_ascii() {
                push(c as u8, at);
            } else {
                // đ → d, ế → e, …: the same letters the index's folding filter keeps.
                for byte in deunicode::deunicode_char(c).unwrap_or(" ").bytes() {
                    push(byte, at);
                }
            }
        }
        self.done = end;
        true
    }

    /// The original text of folded bytes `from..to`, folding further when `to` is not reached.
    fn cut(&mut self, from: usize, to: usize) -> &'t str {
        while self.text.len() <= to && self.more() {}
        let start = self.origin[from.min(self.origin.len() - 1)] as usize;
        let end = self.origin.get(to).map_or(self.source.len(), |&o| o as usize);
        &self.source[start..end]
    }
}

/// Where the most of `finders` occur within one span of `folded`, the earliest such place
/// first: (how many, where).
fn best_span(folded: &[u8], finders: &[Finder]) -> Option<(usize, usize)> {
    let mut best: Option<(usize, usize)> = None;
    for finder in finders {
        for at in finder.find_iter(folded).take(TRIES) {
            let span = &folded[at..(at + SPAN).min(folded.len())];
            let gathered = finders.iter().filter(|f| f.find(span).is_some()).count();
            if best.is_none_or(|(most, first)| gathered > most || (gathered == most && at < first)) {
                best = Some((gathered, at));
            }
        }
    }
    best
}

/// The passage of `text` where most of `words` (folded, as the index holds them) occur close
/// together; its beginning when none occurs (the match was in the title); all of it when short.
pub fn passage<'t>(text: &'t str, words: &[String]) -> &'t str {
    if text.len() <= WHOLE {
        return text;
    }
    let finders: Vec<Finder> = words.iter().filter(|w| !w.is_empty()).map(|w| Finder::new(w.as_bytes())).collect();
    let mut folded = Folded::new(text);
    let mut best = None;
    // Once a span holds every word, folding further cannot find an earlier one: any earlier
    // span holding them all would already hold them within what is folded.
    while !finders.is_empty() && best.is_none_or(|(gathered, _)| gathered < finders.len()) && folded.more() {
        best = best_span(&folded.text, &finders);
    }
    match best {
        Some((_, at)) => folded.cut(at.saturating_sub(BEFORE), at + SPAN),
        None => folded.cut(0, WHOLE),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(list: &[&str]) -> Vec<String> {
        list.iter().map(|w| (*w).to_owned()).collect()
    }

    #[test]
    fn short_bodies_go_whole() {
        let text = "Đăng ký khai sinh tại Ủy ban nhân dân xã.";
        assert_eq!(passage(text, &words(&["khai", "sinh"])), text);
    }

    #[test]
    fn the_passage_is_where_the_words_meet() {
        let filler = "Cán bộ tiếp nhận hồ sơ và kiểm tra thành phần. ".repeat(200);
        let text = format!("{filler}Chứng thực bản sao từ bản chính. {filler}Bản sao điện tử. {filler}");
        let found = passage(&text, &words(&["chung", "thuc", "ban", "sao"]));
        assert!(found.contains("Chứng thực bản sao từ bản chính."), "{found}");
        assert!(found.len() < 1200, "a passage, not the body: {} bytes", found.len());
    }

    #[test]
    fn words_across_a_folding_step_are_found() {
        // The words straddle the end of the first piece folded; a later, looser match must not win.
        let text = format!(
            "{}chứng thực bản sao {}chứng thực — và rất xa sau đó — bản sao",
            "x".repeat(STEP - 8),
            "y ".repeat(2000)
        );
        let found = passage(&text, &words(&["chung", "thuc", "ban", "sao"]));
        assert!(found.contains("chứng thực bản sao"), "{found}");
    }

    #[test]
    fn without_a_match_the_beginning() {
        let text = format!("Mục đích. {}", "Nội dung quy trình. ".repeat(300));
        let found = passage(&text, &words(&["khieu", "nai"]));
        assert!(found.starts_with("Mục đích.") && text.starts_with(found) && found.len() < text.len() / 2);
    }

    #[test]
    fn cuts_fall_between_characters() {
        // Every character is two or three bytes long: a cut by byte count would split one.
        let text = "Đất đai ở xã ấy. ".repeat(400);
        for list in [&["dat", "dai"][..], &["xa"][..], &["khong"][..]] {
            let found = passage(&text, &words(list));
            assert!(!found.is_empty() && text.contains(found));
        }
    }
}
