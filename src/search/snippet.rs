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

/// Text folded to lower-case ASCII letters and digits (anything else a space), with the byte
/// offset in the original text of the character each folded byte came from.
struct Folded {
    text: Vec<u8>,
    origin: Vec<u32>,
}

fn fold(text: &str) -> Folded {
    let mut folded = Folded { text: Vec::with_capacity(text.len()), origin: Vec::with_capacity(text.len()) };
    let mut push = |byte: u8, at: usize| {
        folded.text.push(if byte.is_ascii_alphanumeric() { byte.to_ascii_lowercase() } else { b' ' });
        // Bodies are at most 512 KB (see change control), far below u32's range.
        folded.origin.push(at as u32);
    };
    for (at, c) in text.char_indices() {
        if c.is_ascii() {
            push(c as u8, at);
        } else {
            // đ → d, ế → e, …: the same letters the index's folding filter keeps.
            for byte in deunicode::deunicode_char(c).unwrap_or(" ").bytes() {
                push(byte, at);
            }
        }
    }
    folded
}

/// The passage of `text` where most of `words` (folded, as the index holds them) occur close
/// together; its beginning when none occurs (the match was in the title); all of it when short.
pub fn passage<'t>(text: &'t str, words: &[String]) -> &'t str {
    if text.len() <= WHOLE {
        return text;
    }
    let folded = fold(text);
    let cut = |from: usize, to: usize| {
        let start = folded.origin[from.min(folded.origin.len() - 1)] as usize;
        let end = folded.origin.get(to).map_or(text.len(), |&o| o as usize);
        &text[start..end]
    };
    let finders: Vec<Finder> = words.iter().filter(|w| !w.is_empty()).map(|w| Finder::new(w.as_bytes())).collect();
    let mut best: Option<(usize, usize)> = None;
    for finder in &finders {
        for at in finder.find_iter(&folded.text).take(TRIES) {
            let span = &folded.text[at..(at + SPAN).min(folded.text.len())];
            let gathered = finders.iter().filter(|f| f.find(span).is_some()).count();
            if best.is_none_or(|(most, first)| gathered > most || (gathered == most && at < first)) {
                best = Some((gathered, at));
            }
        }
    }
    match best {
        Some((_, at)) => cut(at.saturating_sub(BEFORE), at + SPAN),
        None => cut(0, WHOLE),
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
